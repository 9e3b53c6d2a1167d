"""The CSV constituency file: one row per record, the ``kind`` column says which.

Header (columns in any order; unused cells left empty; line 1 is the header)::

    kind,slug,name,type,parent,email,sector,cert,country,organisation,value,role,languages,pgp_key

=============  ====================================================================
kind           columns used
=============  ====================================================================
cert           slug, name, type (national|sectoral|provincial|government), parent, email
sector         slug, name, cert
organisation   slug, name, sector, cert (blank: the sector's CERT), country
prefix         organisation, value (``203.0.113.0/24``)
asn            organisation, value (``64500`` or ``AS64500``), name (the AS name)
domain         organisation, value (``example.gov.pk``)
contact        organisation *or* cert, name, email, role, languages (``en,ur``), pgp_key
=============  ====================================================================

Rows may come in any order; a prefix, asn, domain or contact row must name an organisation
(or CERT) defined by a row of the same file. Import semantics are those of the YAML format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

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
    by_line,
)

COLUMNS = [
    "kind",
    "slug",
    "name",
    "type",
    "parent",
    "email",
    "sector",
    "cert",
    "country",
    "organisation",
    "value",
    "role",
    "languages",
    "pgp_key",
]
KINDS = ("cert", "sector", "organisation", "prefix", "asn", "domain", "contact")


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line of the row, row) for every non-empty data row."""
    reader = csv.DictReader(io.StringIO(text))
    start = 2
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if any(cells.values()):
            yield start, cells
        start = reader.line_num + 1


def _contact(row: dict[str, str], line: int) -> ContactRecord:
    languages = row.get("languages", "").replace(";", ",").replace(" ", ",").split(",")
    return ContactRecord(
        name=row.get("name", ""),
        email=row.get("email", ""),
        role=row.get("role") or "abuse",
        languages=[code for code in languages if code],
        pgp_key=row.get("pgp_key", ""),
        line=line,
    )


def _check_header(text: str) -> list[str]:
    header = next(csv.reader(io.StringIO(text)), [])
    if "kind" not in header:
        return [at(1, f"the header must name the columns, including 'kind' ({','.join(COLUMNS)})")]
    unknown = [name for name in header if name not in COLUMNS]
    return [at(1, f"unknown column '{name}'") for name in unknown]


def read_csv(text: str) -> Registry:
    """Parse a CSV constituency file. Raises :class:`RegistryFileError` listing every
    structural problem (header, unknown kinds, rows naming an organisation or CERT that no
    row of the file defines)."""
    errors = _check_header(text.lstrip("\ufeff"))
    if errors:
        raise RegistryFileError(errors)
    registry = Registry()
    orgs: dict[str, OrganisationRecord] = {}
    certs: dict[str, CertRecord] = {}
    children: list[tuple[int, dict[str, str]]] = []
    for line, row in _rows(text.lstrip("\ufeff")):
        kind = row.get("kind", "").lower()
        if kind == "cert":
            cert = CertRecord(
                row.get("slug", ""),
                row.get("name", ""),
                row.get("type") or "sectoral",
                row.get("parent", ""),
                row.get("email", ""),
                line=line,
            )
            registry.certs.append(cert)
            certs.setdefault(cert.slug, cert)
        elif kind == "sector":
            registry.sectors.append(
                SectorRecord(row.get("slug", ""), row.get("name", ""), row.get("cert", ""), line)
            )
        elif kind == "organisation":
            org = OrganisationRecord(
                row.get("slug", ""),
                row.get("name", ""),
                row.get("sector", ""),
                row.get("cert", ""),
                row.get("country", ""),
                line=line,
            )
            registry.organisations.append(org)
            orgs.setdefault(org.slug, org)
        elif kind in KINDS:
            children.append((line, row))
        else:
            errors.append(
                at(
                    line,
                    f"unknown kind '{row.get('kind', '')}' (expected one of: {', '.join(KINDS)})",
                )
            )
    for line, row in children:
        errors.extend(_attach(row, line, orgs, certs))
    if errors:
        raise RegistryFileError(by_line(errors))
    return registry


def _attach(
    row: dict[str, str],
    line: int,
    orgs: dict[str, OrganisationRecord],
    certs: dict[str, CertRecord],
) -> list[str]:
    kind, slug = row["kind"].lower(), row.get("organisation", "")
    if kind == "contact" and not slug:
        cert_slug = row.get("cert", "")
        if cert_slug not in certs:
            return [
                at(
                    line,
                    f"contact names no organisation and unknown CERT '{cert_slug}' "
                    "(define it in a 'cert' row of this file)",
                )
            ]
        certs[cert_slug].contacts.append(_contact(row, line))
        return []
    org = orgs.get(slug)
    if org is None:
        return [
            at(
                line,
                f"unknown organisation '{slug}' (define it in an 'organisation' row of this file)",
            )
        ]
    if kind == "prefix":
        org.prefixes.append(Item(row.get("value", ""), line))
    elif kind == "domain":
        org.domains.append(Item(row.get("value", ""), line))
    elif kind == "asn":
        org.asns.append(AsnItem(row.get("value", ""), row.get("name", ""), line))
    else:
        org.contacts.append(_contact(row, line))
    return []


def write_csv(registry: Registry) -> str:
    """Render ``registry`` as CSV with the full header (reads back into the same registry)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for cert in registry.certs:
        writer.writerow(
            {
                "kind": "cert",
                "slug": cert.slug,
                "name": cert.name,
                "type": cert.kind,
                "parent": cert.parent,
                "email": cert.email,
            }
        )
        for contact in cert.contacts:
            writer.writerow(_contact_row(contact) | {"cert": cert.slug})
    for sector in registry.sectors:
        writer.writerow(
            {"kind": "sector", "slug": sector.slug, "name": sector.name, "cert": sector.cert}
        )
    for org in registry.organisations:
        writer.writerow(
            {
                "kind": "organisation",
                "slug": org.slug,
                "name": org.name,
                "sector": org.sector,
                "cert": org.cert,
                "country": org.country,
            }
        )
        for prefix in org.prefixes:
            writer.writerow({"kind": "prefix", "organisation": org.slug, "value": prefix.value})
        for asn in org.asns:
            writer.writerow(
                {"kind": "asn", "organisation": org.slug, "value": asn.number, "name": asn.name}
            )
        for domain in org.domains:
            writer.writerow({"kind": "domain", "organisation": org.slug, "value": domain.value})
        for contact in org.contacts:
            writer.writerow(_contact_row(contact) | {"organisation": org.slug})
    return out.getvalue()


def _contact_row(contact: ContactRecord) -> dict[str, str]:
    return {
        "kind": "contact",
        "name": contact.name,
        "email": contact.email,
        "role": contact.role,
        "languages": ",".join(contact.languages),
        "pgp_key": contact.pgp_key,
    }
