"""Reading the registry back from the database as a :class:`Registry` (for export)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from natcert.constituency import access
from natcert.constituency.interchange.records import (
    AsnItem,
    CertRecord,
    ContactRecord,
    Item,
    OrganisationRecord,
    Registry,
    SectorRecord,
)
from natcert.constituency.models import Contact, Organisation


def _contact(contact: Contact) -> ContactRecord:
    return ContactRecord(
        name=contact.name,
        email=contact.email,
        role=contact.role,
        languages=[code for code in contact.languages.split(",") if code],
        pgp_key=contact.pgp_key,
    )


def snapshot_registry(user: Any = None) -> Registry:
    """The registry as ``user`` may see it (``None``: the system, everything), sorted by
    slug, prefixes by address, AS numbers by number, domains and contacts by name.

    An organisation's ``cert`` is written only when it differs from its sector's CERT.
    """
    orgs: list[Organisation] = list(access.organisations_for(user).order_by("slug"))
    prefixes: dict[int, list[Item]] = defaultdict(list)
    asns: dict[int, list[AsnItem]] = defaultdict(list)
    domains: dict[int, list[Item]] = defaultdict(list)
    contacts: dict[int, list[ContactRecord]] = defaultdict(list)
    cert_contacts: dict[int, list[ContactRecord]] = defaultdict(list)
    for cidr, org_id in (
        access.prefixes_for(user)
        .order_by("family", "start", "end")
        .values_list("cidr", "organisation_id")
    ):
        prefixes[org_id].append(Item(cidr))
    for a in access.autonomous_systems_for(user).order_by("number"):
        asns[a.organisation_id].append(AsnItem(a.number, a.name))
    for name, org_id in (
        access.domains_for(user).order_by("name").values_list("name", "organisation_id")
    ):
        domains[org_id].append(Item(name))
    for c in access.contacts_for(user).order_by("name", "email", "pk"):
        if c.organisation_id is not None:
            contacts[c.organisation_id].append(_contact(c))
        elif c.cert_id is not None:
            cert_contacts[c.cert_id].append(_contact(c))
    registry = Registry()
    for cert in access.certs_for(user).select_related("parent").order_by("slug"):
        registry.certs.append(
            CertRecord(
                cert.slug,
                cert.name,
                cert.kind,
                cert.parent.slug if cert.parent else "",
                cert.email,
                contacts=cert_contacts[cert.pk],
            )
        )
    for sector in access.sectors_for(user).order_by("slug"):
        registry.sectors.append(SectorRecord(sector.slug, sector.name, sector.cert.slug))
    for org in orgs:
        registry.organisations.append(
            OrganisationRecord(
                org.slug,
                org.name,
                org.sector.slug,
                cert=org.cert.slug if org.cert_id != org.sector.cert_id else "",
                country=org.country,
                prefixes=prefixes[org.pk],
                asns=asns[org.pk],
                domains=domains[org.pk],
                contacts=contacts[org.pk],
            )
        )
    return registry
