"""The YAML constituency file.

Format (version 1; every key but ``slug``/``name``/``sector``/``cert`` of a sector is optional)::

    version: 1
    certs:
      - slug: pkcert                       # [a-z0-9-_], unique
        name: PKCERT (National)
        kind: national                     # national | sectoral | provincial | government
        parent: ""                         # slug of the CERT it escalates to
        email: incident@pkcert.example
        contacts: [ ...same as below... ]
    sectors:
      - {slug: telecom, name: Telecom, cert: telecom-cert}
    organisations:
      - slug: ptcl
        name: Pakistan Telecommunication Company Limited
        sector: telecom                    # slug of a sector in this file or the database
        cert: ""                           # responsible CERT; default the sector's CERT
        country: PK                        # ISO 3166-1 alpha-2
        prefixes: [203.0.113.0/24, 2001:db8::/32]     # normalised; no host bits
        asns: [64500, {number: AS64501, name: PTCL-AS}]
        domains: [ptcl.com.pk, bücher.example.pk]    # stored as punycode
        contacts:
          - {name: PTCL SOC, email: soc@ptcl.example, role: security,
             languages: [en, ur], pgp_key: "-----BEGIN PGP PUBLIC KEY BLOCK-----..."}

Records are matched by slug: present ones are updated, missing ones created; nothing absent
from the file is deleted, except that an organisation's (or CERT's) listed prefixes, AS
numbers, domains and contacts replace what it had.
"""

from __future__ import annotations

from typing import Any

import yaml

from natcert.constituency.interchange.records import (
    AsnItem,
    CertRecord,
    ContactRecord,
    Item,
    OrganisationRecord,
    Registry,
    RegistryFileError,
    SectorRecord,
    at,
)

CERT_KEYS = {"slug", "name", "kind", "parent", "email", "contacts"}
SECTOR_KEYS = {"slug", "name", "cert"}
ORG_KEYS = {"slug", "name", "sector", "cert", "country", "prefixes", "asns", "domains", "contacts"}
CONTACT_KEYS = {"name", "email", "role", "languages", "pgp_key"}


class _Reader:
    """Turns YAML nodes into records, collecting errors with their line numbers."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.errors: list[str] = []

    def scalar(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.loader.construct_object(node, deep=True)
        self.errors.append(at(_line(node), "expected a single value, not a list or mapping"))
        return ""

    def text(self, node: yaml.Node | None) -> str:
        if node is None:
            return ""
        value = self.scalar(node)
        return "" if value is None else str(value).strip()

    def mapping(self, node: yaml.Node, what: str, keys: set[str]) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.errors.append(at(_line(node), f"each {what} must be a mapping of fields"))
            return None
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(self.scalar(key_node))
            if key not in keys:
                expected = ", ".join(sorted(keys))
                self.errors.append(
                    at(_line(key_node), f"unknown field '{key}' in {what} (expected: {expected})")
                )
            else:
                fields[key] = value_node
        return fields

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null")):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.errors.append(at(_line(node), f"'{what}' must be a list"))
            return []
        return list(node.value)

    def contacts(self, node: yaml.Node | None) -> list[ContactRecord]:
        found = []
        for item in self.sequence(node, "contacts"):
            fields = self.mapping(item, "contact", CONTACT_KEYS)
            if fields is None:
                continue
            langs = fields.get("languages")
            if isinstance(langs, yaml.SequenceNode):
                languages = [self.text(n) for n in langs.value]
            else:
                languages = self.text(langs).replace(";", ",").replace(" ", ",").split(",")
            found.append(
                ContactRecord(
                    name=self.text(fields.get("name")),
                    email=self.text(fields.get("email")),
                    role=self.text(fields.get("role")) or "abuse",
                    languages=[code for code in languages if code],
                    pgp_key=self.text(fields.get("pgp_key")),
                    line=_line(item),
                    lines=_lines(fields),
                )
            )
        return found

    def asns(self, node: yaml.Node | None) -> list[AsnItem]:
        found = []
        for item in self.sequence(node, "asns"):
            if isinstance(item, yaml.MappingNode):
                fields = self.mapping(item, "AS", {"number", "name"}) or {}
                number = self.scalar(fields["number"]) if "number" in fields else ""
                found.append(AsnItem(number, self.text(fields.get("name")), _line(item)))
            else:
                found.append(AsnItem(self.scalar(item), "", _line(item)))
        return found

    def items(self, node: yaml.Node | None, what: str) -> list[Item]:
        return [Item(self.text(n), _line(n)) for n in self.sequence(node, what)]


def _lines(fields: dict[str, yaml.Node]) -> dict[str, int]:
    return {key: _line(node) for key, node in fields.items()}


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def read_yaml(text: str) -> Registry:
    """Parse a YAML constituency file. Raises :class:`RegistryFileError` listing every
    structural problem (invalid YAML, unknown sections or fields, wrong shapes)."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise RegistryFileError(
            [at(line, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
        ) from None
    finally:
        loader.dispose()
    reader = _Reader(loader)
    registry = Registry()
    if root is None:
        return registry
    top = reader.mapping(root, "file", {"version", "certs", "sectors", "organisations"}) or {}
    if "version" in top and str(reader.scalar(top["version"])) != "1":
        reader.errors.append(at(_line(top["version"]), "unsupported version (expected 1)"))
    for node in reader.sequence(top.get("certs"), "certs"):
        if (f := reader.mapping(node, "CERT", CERT_KEYS)) is not None:
            registry.certs.append(
                CertRecord(
                    slug=reader.text(f.get("slug")),
                    name=reader.text(f.get("name")),
                    kind=reader.text(f.get("kind")) or "sectoral",
                    parent=reader.text(f.get("parent")),
                    email=reader.text(f.get("email")),
                    contacts=reader.contacts(f.get("contacts")),
                    line=_line(node),
                    lines=_lines(f),
                )
            )
    for node in reader.sequence(top.get("sectors"), "sectors"):
        if (f := reader.mapping(node, "sector", SECTOR_KEYS)) is not None:
            registry.sectors.append(
                SectorRecord(
                    slug=reader.text(f.get("slug")),
                    name=reader.text(f.get("name")),
                    cert=reader.text(f.get("cert")),
                    line=_line(node),
                    lines=_lines(f),
                )
            )
    for node in reader.sequence(top.get("organisations"), "organisations"):
        if (f := reader.mapping(node, "organisation", ORG_KEYS)) is not None:
            registry.organisations.append(
                OrganisationRecord(
                    slug=reader.text(f.get("slug")),
                    name=reader.text(f.get("name")),
                    sector=reader.text(f.get("sector")),
                    cert=reader.text(f.get("cert")),
                    country=reader.text(f.get("country")),
                    prefixes=reader.items(f.get("prefixes"), "prefixes"),
                    asns=reader.asns(f.get("asns")),
                    domains=reader.items(f.get("domains"), "domains"),
                    contacts=reader.contacts(f.get("contacts")),
                    line=_line(node),
                    lines=_lines(f),
                )
            )
    if reader.errors:
        raise RegistryFileError(reader.errors)
    return registry


def _contact_data(contact: ContactRecord) -> dict[str, Any]:
    data: dict[str, Any] = {"name": contact.name, "email": contact.email, "role": contact.role}
    if contact.languages:
        data["languages"] = list(contact.languages)
    if contact.pgp_key:
        data["pgp_key"] = contact.pgp_key
    return data


def _org_data(org: OrganisationRecord) -> dict[str, Any]:
    data: dict[str, Any] = {"slug": org.slug, "name": org.name, "sector": org.sector}
    for key, value in (("cert", org.cert), ("country", org.country)):
        if value:
            data[key] = value
    data["prefixes"] = [p.value for p in org.prefixes]
    data["asns"] = [{"number": a.number, "name": a.name} if a.name else a.number for a in org.asns]
    data["domains"] = [d.value for d in org.domains]
    data["contacts"] = [_contact_data(c) for c in org.contacts]
    return {k: v for k, v in data.items() if v != []}


def write_yaml(registry: Registry) -> str:
    """Render ``registry`` in the format above (reads back into the same registry)."""
    certs = []
    for cert in registry.certs:
        data: dict[str, Any] = {"slug": cert.slug, "name": cert.name, "kind": cert.kind}
        if cert.parent:
            data["parent"] = cert.parent
        if cert.email:
            data["email"] = cert.email
        if cert.contacts:
            data["contacts"] = [_contact_data(c) for c in cert.contacts]
        certs.append(data)
    document = {
        "version": 1,
        "certs": certs,
        "sectors": [{"slug": s.slug, "name": s.name, "cert": s.cert} for s in registry.sectors],
        "organisations": [_org_data(o) for o in registry.organisations],
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
