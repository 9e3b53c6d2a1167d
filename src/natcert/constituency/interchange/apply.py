"""Writing a validated :class:`Registry` to the database with bulk queries.

Matching is by slug (CERTs, sectors, organisations), by prefix / AS number / domain name, and
by all fields for contacts. Only differences are written: applying the same registry twice
changes nothing. The caller owns the transaction (see ``do_import_constituency``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from natcert.constituency.interchange.records import ContactRecord, Registry
from natcert.constituency.models import (
    CERT,
    AutonomousSystem,
    Contact,
    Domain,
    NetworkPrefix,
    Organisation,
    Sector,
)
from natcert.constituency.netdata import parse_prefix, prefix_range

BATCH = 500


@dataclass
class ImportSummary:
    """What an import did: ``counts[kind][outcome]`` with kind in ``cert``, ``sector``,
    ``organisation``, ``prefix``, ``asn``, ``domain``, ``contact`` and outcome in ``created``,
    ``updated``, ``deleted``, ``unchanged``."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    @property
    def changed(self) -> bool:
        """True when anything was created, updated or deleted."""
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {kind: {k: v for k, v in c.items() if v} for kind, c in self.counts.items()}

    def lines(self) -> list[str]:
        """One human line per kind, e.g. ``prefix: 12 created, 1 deleted, 40 unchanged``."""
        out = []
        for kind in ("cert", "sector", "organisation", "prefix", "asn", "domain", "contact"):
            counter = self.counts.get(kind, Counter())
            parts = [
                f"{counter[o]} {o}"
                for o in ("created", "updated", "deleted", "unchanged")
                if counter[o]
            ]
            out.append(f"{kind}: {', '.join(parts) or 'nothing'}")
        return out


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + BATCH] for i in range(0, len(values), BATCH)]


def _load(model: type[models.Model], key: str, values: list[Any]) -> dict[Any, Any]:
    """Rows of ``model`` whose ``key`` is in ``values``, by key (chunked ``IN`` queries)."""
    manager = model._default_manager
    return {
        getattr(row, key): row
        for chunk in _chunks(values)
        for row in manager.filter(**{f"{key}__in": chunk})
    }


def _sync(
    model: type[models.Model],
    kind: str,
    wanted: dict[Any, dict[str, Any]],
    key: str,
    summary: ImportSummary,
) -> dict[Any, Any]:
    """Create or update rows so that each ``wanted[key] = fields``; returns key → row."""
    rows = _load(model, key, list(wanted))
    now, changed, new = timezone.now(), [], []
    names: set[str] = set()
    for value, fields in wanted.items():
        row = rows.get(value)
        if row is None:
            new.append(model(**{key: value}, **fields))
            continue
        diff = {k: v for k, v in fields.items() if getattr(row, k) != v}
        if diff:
            for name, v in diff.items():
                setattr(row, name, v)
            row.updated = now
            names |= diff.keys()
            changed.append(row)
        else:
            summary.add(kind, "unchanged")
    if changed:
        model._default_manager.bulk_update(changed, [*sorted(names), "updated"], batch_size=BATCH)
    model._default_manager.bulk_create(new, batch_size=BATCH)
    summary.add(kind, "updated", len(changed))
    summary.add(kind, "created", len(new))
    return {**rows, **{getattr(row, key): row for row in new}}


def apply_registry(registry: Registry) -> ImportSummary:
    """Write ``registry`` (already validated) and return what changed."""
    summary = ImportSummary()
    certs = _apply_certs(registry, summary)
    sector_wanted = {
        s.slug: {"name": s.name, "cert_id": certs[s.cert].pk} for s in registry.sectors
    }
    _sync(Sector, "sector", sector_wanted, "slug", summary)
    sectors = {s.slug: s for s in Sector.objects.all()}
    org_wanted = {
        o.slug: {
            "name": o.name,
            "sector_id": sectors[o.sector].pk,
            "country": o.country,
            "cert_id": certs[o.cert].pk if o.cert else sectors[o.sector].cert_id,
        }
        for o in registry.organisations
    }
    orgs = _sync(Organisation, "organisation", org_wanted, "slug", summary)
    org_ids = {slug: orgs[slug].pk for slug in org_wanted}
    _apply_owned(registry, org_ids, summary)
    contacts = {("organisation_id", org_ids[o.slug]): o.contacts for o in registry.organisations}
    contacts |= {("cert_id", certs[c.slug].pk): c.contacts for c in registry.certs}
    _apply_contacts(contacts, summary)
    return summary


def _apply_certs(registry: Registry, summary: ImportSummary) -> dict[str, CERT]:
    """CERTs in waves, parents before children, so every ``parent_id`` is known when written."""
    certs: dict[str, CERT] = {c.slug: c for c in CERT.objects.all()}
    pending = list(registry.certs)
    while pending:
        ready = [
            c
            for c in pending
            if not c.parent
            or (c.parent in certs and c.parent not in {p.slug for p in pending if p is not c})
        ]
        ready = ready or pending  # validation excludes cycles; never loop forever
        wanted = {
            c.slug: {
                "name": c.name,
                "kind": c.kind,
                "email": c.email,
                "parent_id": certs[c.parent].pk if c.parent else None,
            }
            for c in ready
        }
        certs.update(_sync(CERT, "cert", wanted, "slug", summary))
        pending = [c for c in pending if c not in ready]
    return certs


def _apply_owned(registry: Registry, org_ids: dict[str, int], summary: ImportSummary) -> None:
    ids = set(org_ids.values())
    prefixes = {p.value: org_ids[o.slug] for o in registry.organisations for p in o.prefixes}
    _replace(
        NetworkPrefix,
        "prefix",
        "cidr",
        ids,
        {cidr: {"organisation_id": org} for cidr, org in prefixes.items()},
        summary,
        extra=lambda cidr: dict(
            zip(("family", "start", "end"), prefix_range(parse_prefix(cidr))[1:], strict=True)
        ),
    )
    asns = {
        a.number: {"organisation_id": org_ids[o.slug], "name": a.name}
        for o in registry.organisations
        for a in o.asns
    }
    _replace(AutonomousSystem, "asn", "number", ids, asns, summary)
    domains = {
        d.value: {"organisation_id": org_ids[o.slug]}
        for o in registry.organisations
        for d in o.domains
    }
    _replace(Domain, "domain", "name", ids, domains, summary)


def _replace(
    model: type[models.Model],
    kind: str,
    key: str,
    org_ids: set[int],
    wanted: dict[Any, dict[str, Any]],
    summary: ImportSummary,
    extra: Any = None,
) -> None:
    """Make the rows of ``model`` owned by ``org_ids`` exactly ``wanted`` (key → fields)."""
    manager = model._default_manager
    owned = manager.filter(organisation_id__in=list(org_ids)).values_list("pk", key)
    stale = [pk for pk, value in owned if value not in wanted]
    summary.add(kind, "deleted", sum(manager.filter(pk__in=c).delete()[0] for c in _chunks(stale)))
    if extra is not None:
        wanted = {k: {**fields, **extra(k)} for k, fields in wanted.items()}
    _sync(model, kind, wanted, key, summary)


def _apply_contacts(
    owners: dict[tuple[str, int], list[ContactRecord]], summary: ImportSummary
) -> None:
    """Per owner, delete contacts not listed and create the listed ones that are missing."""
    stored: dict[tuple[str, int], list[Contact]] = {owner: [] for owner in owners}
    for contact in Contact.objects.filter(
        models.Q(organisation_id__in=[i for f, i in owners if f == "organisation_id"])
        | models.Q(cert_id__in=[i for f, i in owners if f == "cert_id"])
    ):
        owner = (
            ("organisation_id", contact.organisation_id)
            if contact.organisation_id
            else ("cert_id", contact.cert_id)
        )
        stored[owner].append(contact)  # type: ignore[index]
    stale, new = [], []
    for owner, records in owners.items():
        wanted = Counter(r.key() for r in records)
        for contact in stored[owner]:
            key = (
                contact.name,
                contact.email.lower(),
                contact.role,
                contact.languages,
                contact.pgp_key,
            )
            if wanted[key] > 0:
                wanted[key] -= 1
                summary.add("contact", "unchanged")
            else:
                stale.append(contact.pk)
        for record in records:
            if wanted[record.key()] > 0:
                wanted[record.key()] -= 1
                new.append(
                    Contact(
                        **{owner[0]: owner[1]},
                        name=record.name,
                        email=record.email,
                        role=record.role,
                        languages=",".join(record.languages),
                        pgp_key=record.pgp_key,
                    )
                )
    summary.add("contact", "deleted", Contact.objects.filter(pk__in=stale).delete()[0])
    Contact.objects.bulk_create(new, batch_size=BATCH)
    summary.add("contact", "created", len(new))
