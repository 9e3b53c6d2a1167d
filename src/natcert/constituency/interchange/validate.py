"""Checking a :class:`Registry` against itself and the database before anything is written.

``validate_registry`` normalises values in place (prefixes, AS numbers, punycode domains,
country codes) and returns every error at once, each prefixed with its line, e.g.::

    line 14: 10.0.0.1/8 has host bits set (did you mean 10.0.0.0/8?)
    line 9: unknown sector 'bankingg'
    line 20: 203.0.113.0/24 is already owned by organisation 'ptcl' (line 12)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from natcert.constituency.choices import CERTKind, ContactRole
from natcert.constituency.interchange.records import (
    ContactRecord,
    Registry,
    at,
)
from natcert.constituency.models import (
    CERT,
    AutonomousSystem,
    Domain,
    NetworkPrefix,
    Sector,
)
from natcert.constituency.netdata import normalize_domain, parse_asn, parse_prefix

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


def validate_registry(registry: Registry) -> list[str]:
    """Every problem of ``registry`` (empty list when it can be applied), in file order."""
    errors: list[tuple[int, str]] = []
    _check_certs(registry, errors)
    _check_sectors(registry, errors)
    _check_organisations(registry, errors)
    _check_owned(registry, errors)
    return [message for _, message in sorted(errors, key=lambda e: e[0])]  # stable: file order


def _add(errors: list[tuple[int, str]], line: int, message: str) -> None:
    errors.append((line, at(line, message)))


class _Keyed(Protocol):
    slug: str
    name: str
    line: int

    def line_of(self, name: str) -> int: ...


def _check_basics(what: str, record: _Keyed, errors: list[tuple[int, str]]) -> None:
    slug, name = record.slug, record.name
    if not SLUG.match(slug):
        _add(
            errors,
            record.line_of("slug"),
            f"{what} slug '{slug}' must be 1-100 lowercase letters, digits, '-' or '_'",
        )
    if not name or len(name) > 200:
        _add(errors, record.line_of("name"), f"{what} '{slug}' needs a name of 1-200 characters")


def _check_duplicates(what: str, records: Iterable[_Keyed], errors: list[tuple[int, str]]) -> None:
    first: dict[str, int] = {}
    for record in records:
        slug, line = record.slug, record.line
        if slug in first:
            _add(errors, line, f"{what} '{slug}' is defined twice (line {first[slug]})")
        first.setdefault(slug, line)


def _check_certs(registry: Registry, errors: list[tuple[int, str]]) -> None:
    parents: dict[str, str | None] = dict(CERT.objects.values_list("slug", "parent__slug"))
    parents.update({c.slug: c.parent or None for c in registry.certs})
    _check_duplicates("CERT", registry.certs, errors)
    for cert in registry.certs:
        _check_basics("CERT", cert, errors)
        if cert.kind not in CERTKind.values:
            _add(
                errors,
                cert.line_of("kind"),
                f"CERT '{cert.slug}': unknown kind '{cert.kind}' "
                f"(expected one of: {', '.join(CERTKind.values)})",
            )
        if cert.email and not _is_email(cert.email):
            _add(errors, cert.line_of("email"), f"'{cert.email}' is not an e-mail address")
        if cert.parent and cert.parent not in parents:
            _add(errors, cert.line_of("parent"), f"unknown parent CERT '{cert.parent}'")
        elif _in_cycle(cert.slug, parents):
            _add(
                errors, cert.line_of("parent"), f"CERT '{cert.slug}' is its own parent or ancestor"
            )
        _check_contacts(cert.contacts, errors)


def _in_cycle(slug: str, parents: dict[str, str | None]) -> bool:
    seen, current = set(), parents.get(slug)
    while current is not None and current not in seen:
        if current == slug:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _check_sectors(registry: Registry, errors: list[tuple[int, str]]) -> None:
    certs = {c.slug for c in registry.certs} | set(CERT.objects.values_list("slug", flat=True))
    _check_duplicates("sector", registry.sectors, errors)
    for sector in registry.sectors:
        _check_basics("sector", sector, errors)
        if sector.cert not in certs:
            _add(
                errors,
                sector.line_of("cert"),
                f"unknown CERT '{sector.cert}' for sector '{sector.slug}'",
            )


def _check_organisations(registry: Registry, errors: list[tuple[int, str]]) -> None:
    certs = {c.slug for c in registry.certs} | set(CERT.objects.values_list("slug", flat=True))
    sectors = {s.slug for s in registry.sectors} | set(
        Sector.objects.values_list("slug", flat=True)
    )
    _check_duplicates("organisation", registry.organisations, errors)
    for org in registry.organisations:
        _check_basics("organisation", org, errors)
        if org.sector not in sectors:
            _add(errors, org.line_of("sector"), f"unknown sector '{org.sector}'")
        if org.cert and org.cert not in certs:
            _add(
                errors,
                org.line_of("cert"),
                f"unknown CERT '{org.cert}' for organisation '{org.slug}'",
            )
        org.country = org.country.upper()
        if org.country and not (len(org.country) == 2 and org.country.isalpha()):
            _add(
                errors,
                org.line_of("country"),
                f"country '{org.country}' is not a two-letter ISO code (e.g. PK)",
            )
        _check_contacts(org.contacts, errors)


def _check_contacts(contacts: list[ContactRecord], errors: list[tuple[int, str]]) -> None:
    for contact in contacts:
        if not contact.name or len(contact.name) > 200:
            _add(errors, contact.line_of("name"), "a contact needs a name of 1-200 characters")
        if not _is_email(contact.email):
            _add(errors, contact.line_of("email"), f"'{contact.email}' is not an e-mail address")
        if contact.role not in ContactRole.values:
            _add(
                errors,
                contact.line_of("role"),
                f"unknown contact role '{contact.role}' "
                f"(expected one of: {', '.join(ContactRole.values)})",
            )
        contact.languages = [code.lower() for code in contact.languages]
        for code in contact.languages:
            if not LANGUAGE.match(code):
                _add(
                    errors,
                    contact.line_of("languages"),
                    f"'{code}' is not a language code (e.g. en, ur)",
                )
        key = contact.pgp_key.strip()
        if key and not key.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----"):
            _add(
                errors,
                contact.line_of("pgp_key"),
                "pgp_key must be an ASCII-armoured OpenPGP public key",
            )


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _check_owned(registry: Registry, errors: list[tuple[int, str]]) -> None:
    """Prefixes, AS numbers and domains: valid, and owned by one organisation only."""
    in_file = {org.slug for org in registry.organisations}
    _check_kind(
        registry,
        errors,
        in_file,
        "prefixes",
        _normal_prefix,
        dict(NetworkPrefix.objects.values_list("cidr", "organisation__slug")),
    )
    _check_kind(
        registry,
        errors,
        in_file,
        "domains",
        normalize_domain,
        dict(Domain.objects.values_list("name", "organisation__slug")),
    )
    db_asns = {
        f"AS{n}": slug
        for n, slug in AutonomousSystem.objects.values_list("number", "organisation__slug")
    }
    _check_kind(registry, errors, in_file, "asns", lambda v: f"AS{parse_asn(v)}", db_asns)


def _normal_prefix(text: str) -> str:
    return str(parse_prefix(text))


def _check_kind(
    registry: Registry,
    errors: list[tuple[int, str]],
    in_file: set[str],
    attr: str,
    normalise: Callable[[str], str],
    in_db: dict[str, str],
) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for org in registry.organisations:
        for item in getattr(org, attr):
            raw = item.number if attr == "asns" else item.value
            try:
                key = normalise(raw)
            except ValueError as exc:
                _add(errors, item.line, str(exc))
                continue
            if attr == "asns":
                item.number = int(key[2:])
                if len(item.name) > 200:
                    _add(errors, item.line, f"{key}: the AS name is longer than 200 characters")
            else:
                item.value = key
            _check_owner(key, org.slug, item.line, seen, in_db, in_file, errors)


def _check_owner(
    key: str,
    slug: str,
    line: int,
    seen: dict[str, tuple[str, int]],
    in_db: dict[str, str],
    in_file: set[str],
    errors: list[tuple[int, str]],
) -> None:
    if key in seen:
        owner, first = seen[key]
        if owner == slug:
            _add(errors, line, f"{key} is listed twice for organisation '{slug}' (line {first})")
        else:
            _add(errors, line, f"{key} is already owned by organisation '{owner}' (line {first})")
        return
    seen[key] = (slug, line)
    owner_in_db = in_db.get(key)
    if owner_in_db is not None and owner_in_db != slug and owner_in_db not in in_file:
        _add(
            errors,
            line,
            f"{key} is already owned by organisation '{owner_in_db}' "
            "(in the database; list it under that organisation or remove it there)",
        )


__all__ = ["validate_registry"]
