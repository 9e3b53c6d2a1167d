"""Every change to the registry: one transaction each, audited, ownership cache refreshed.

Each ``do_*`` takes ``actor`` (a user, or ``None`` for the system) and raises
``django.core.exceptions.ValidationError`` (single objects, messages of the model's
``clean()``) or :class:`RegistryFileError` (files: every error, by line) — nothing is written
when it raises.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from natcert.constituency.interchange import (
    ImportSummary,
    Registry,
    RegistryFileError,
    apply_registry,
    read_registry,
    validate_registry,
)
from natcert.constituency.models import (
    CERT,
    AutonomousSystem,
    Contact,
    Domain,
    NetworkPrefix,
    Organisation,
    Sector,
)
from natcert.constituency.ownership import invalidate_index
from natcert.core.audit import record_audit


def _save_new(obj: models.Model, action: str, actor: Any) -> None:
    obj.full_clean()
    obj.save()
    record_audit(f"constituency.{action}", actor=actor, target=obj, data={"str": str(obj)})
    transaction.on_commit(invalidate_index)


@transaction.atomic
def do_create_cert(
    *, name: str, slug: str, kind: str, parent: CERT | None = None, email: str = "", actor: Any
) -> CERT:
    """Create a CERT (kind: ``national``/``sectoral``/``provincial``/``government``)."""
    cert = CERT(name=name, slug=slug, kind=kind, parent=parent, email=email)
    _save_new(cert, "create_cert", actor)
    return cert


@transaction.atomic
def do_create_sector(*, name: str, slug: str, cert: CERT, actor: Any) -> Sector:
    """Create a sector handled by ``cert``."""
    sector = Sector(name=name, slug=slug, cert=cert)
    _save_new(sector, "create_sector", actor)
    return sector


@transaction.atomic
def do_create_organisation(
    *,
    name: str,
    slug: str,
    sector: Sector,
    cert: CERT | None = None,
    country: str = "",
    actor: Any,
) -> Organisation:
    """Create an organisation; its responsible CERT defaults to the sector's."""
    org = Organisation(name=name, slug=slug, sector=sector, country=country)
    org.cert = cert if cert is not None else sector.cert
    _save_new(org, "create_organisation", actor)
    return org


@transaction.atomic
def do_add_prefix(organisation: Organisation, cidr: str, *, actor: Any) -> NetworkPrefix:
    """Give ``cidr`` to ``organisation``. ``ValidationError`` on a bad prefix, host bits set,
    or a prefix another organisation owns."""
    prefix = NetworkPrefix(organisation=organisation, cidr=cidr)
    _save_new(prefix, "add_prefix", actor)
    return prefix


@transaction.atomic
def do_add_autonomous_system(
    organisation: Organisation, number: int, name: str = "", *, actor: Any
) -> AutonomousSystem:
    """Give AS ``number`` to ``organisation``; ``ValidationError`` when out of range or owned."""
    asn = AutonomousSystem(organisation=organisation, number=number, name=name)
    _save_new(asn, "add_autonomous_system", actor)
    return asn


@transaction.atomic
def do_add_domain(organisation: Organisation, name: str, *, actor: Any) -> Domain:
    """Give domain ``name`` (Unicode or punycode) to ``organisation``."""
    domain = Domain(organisation=organisation, name=name)
    _save_new(domain, "add_domain", actor)
    return domain


@transaction.atomic
def do_add_contact(
    *,
    name: str,
    email: str,
    organisation: Organisation | None = None,
    cert: CERT | None = None,
    role: str = "abuse",
    languages: str = "",
    pgp_key: str = "",
    actor: Any,
) -> Contact:
    """Add a contact to an organisation or (exclusive) a CERT."""
    contact = Contact(
        organisation=organisation,
        cert=cert,
        name=name,
        email=email,
        role=role,
        languages=languages,
        pgp_key=pgp_key,
    )
    _save_new(contact, "add_contact", actor)
    return contact


@transaction.atomic
def do_delete_organisation(organisation: Organisation, *, actor: Any) -> None:
    """Delete an organisation with its prefixes, AS numbers, domains and contacts."""
    record_audit(
        "constituency.delete_organisation",
        actor=actor,
        target=organisation,
        data={"slug": organisation.slug, "name": organisation.name},
    )
    organisation.delete()
    transaction.on_commit(invalidate_index)


def do_apply_registry(
    registry: Registry, *, actor: Any, dry_run: bool = False, source: str = ""
) -> ImportSummary:
    """Validate and write ``registry`` in one transaction (rolled back when ``dry_run``).

    Raises :class:`RegistryFileError` with every problem; then nothing was written.
    """
    errors = validate_registry(registry)
    if errors:
        raise RegistryFileError(errors)
    with transaction.atomic():
        summary = apply_registry(registry)
        if dry_run:
            transaction.set_rollback(True)
            return summary
        if not summary.changed:
            return summary
        record_audit(
            "constituency.import",
            actor=actor,
            object_type="constituency.registry",
            data={"source": source, "counts": summary.as_dict()},
        )
        transaction.on_commit(invalidate_index)
    return summary


def do_import_constituency(
    text: str, fmt: str, *, actor: Any, dry_run: bool = False, source: str = ""
) -> ImportSummary:
    """Import a YAML or CSV constituency file (formats: :mod:`.interchange`).

    Raises :class:`RegistryFileError` listing every error by line; nothing is written then.
    """
    return do_apply_registry(read_registry(text, fmt), actor=actor, dry_run=dry_run, source=source)


__all__ = [
    "do_add_autonomous_system",
    "do_add_contact",
    "do_add_domain",
    "do_add_prefix",
    "do_apply_registry",
    "do_create_cert",
    "do_create_organisation",
    "do_create_sector",
    "do_delete_organisation",
    "do_import_constituency",
]
