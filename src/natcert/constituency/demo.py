"""A demo national constituency built from real address data.

``load_demo_constituency("PK")`` takes the country's real prefixes and their AS names from
:func:`natcert.pipeline.experts.geo.country_prefixes` (the geoip2fast package data), makes one
organisation per AS name owning its prefixes, files each organisation under a sector by the
ordered rules of ``demo_rules.yaml`` (beside this module), and adds a National CERT, one
sectoral CERT per sector, demo contacts (``*.example`` addresses, RFC 2606) and a few demo
domains (``<name>.gov.<cc>`` for government organisations, ``<name>.edu.<cc>`` for education)
so the domain rule of the ownership resolver has something to match.

It goes through :func:`natcert.constituency.actions.do_apply_registry`: one transaction, bulk
queries, and idempotent (a second run changes nothing).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.text import slugify

from natcert.constituency.actions import do_apply_registry
from natcert.constituency.interchange import (
    CertRecord,
    ContactRecord,
    ImportSummary,
    Item,
    OrganisationRecord,
    Registry,
    SectorRecord,
)

RULES_FILE = Path(__file__).with_name("demo_rules.yaml")
DEMO_DOMAINS = {"government": "gov", "education": "edu"}
_NOISE = {"of", "and", "the", "for", "as", "ap", "pk", "ltd", "pvt", "limited", "private"}


@dataclass(frozen=True)
class SectorRules:
    """The parsed rule file: sectors (slug, name, CERT name), ordered rules and the default."""

    sectors: list[dict[str, str]]
    rules: list[tuple[re.Pattern[str], str]]
    default: str

    def sector_for(self, as_name: str) -> str:
        """The slug of the first sector whose rule matches ``as_name``, else the default."""
        for pattern, sector in self.rules:
            if pattern.search(as_name):
                return sector
        return self.default


def load_rules(path: Path = RULES_FILE) -> SectorRules:
    """Read a rule file (format in its header). Raises ``ValueError`` naming the bad rule."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sectors = list(data.get("sectors") or [])
    slugs = {s["slug"] for s in sectors}
    rules = []
    for number, rule in enumerate(data.get("rules") or [], start=1):
        if rule.get("sector") not in slugs:
            raise ValueError(
                f"{path.name}: rule {number} names unknown sector {rule.get('sector')!r}"
            )
        try:
            rules.append((re.compile(rule["match"], re.IGNORECASE), rule["sector"]))
        except (re.error, KeyError) as exc:
            raise ValueError(f"{path.name}: rule {number} has a bad 'match': {exc}") from None
    default = data.get("default", "other")
    if default not in slugs:
        raise ValueError(f"{path.name}: default sector {default!r} is not among the sectors")
    return SectorRules(sectors, rules, default)


@dataclass
class DemoSummary:
    """What the demo loader built and what the import changed."""

    country: str
    organisations: int = 0
    prefixes: int = 0
    skipped: int = 0
    by_sector: dict[str, int] = field(default_factory=dict)
    changes: ImportSummary = field(default_factory=ImportSummary)

    def lines(self) -> list[str]:
        """Human summary, one fact per line."""
        sectors = ", ".join(f"{k} {v}" for k, v in sorted(self.by_sector.items()))
        return [
            f"demo constituency {self.country}: {self.organisations} organisations, "
            f"{self.prefixes} prefixes ({self.skipped} skipped)",
            f"by sector: {sectors}",
            *self.changes.lines(),
        ]


def _group_by_as_name(rows: Iterable[tuple[str, str]]) -> tuple[dict[str, list[str]], int]:
    """AS name → normalised prefixes (each prefix given to its first AS name), skipped count."""
    groups: dict[str, list[str]] = {}
    seen: set[str] = set()
    skipped = 0
    for cidr, as_name in rows:
        name = " ".join((as_name or "").split())
        try:
            network = str(ipaddress.ip_network(str(cidr).strip(), strict=False))
        except ValueError:
            skipped += 1
            continue
        if not name or network in seen:
            skipped += 1
            continue
        seen.add(network)
        groups.setdefault(name, []).append(network)
    return groups, skipped


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:90].strip("-") or "organisation"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _certs(cc: str, rules: SectorRules) -> tuple[list[CertRecord], list[SectorRecord]]:
    national = f"{cc.lower()}cert"
    certs = [
        CertRecord(
            national,
            f"{cc.upper()}CERT (National)",
            "national",
            "",
            f"incident@{national}.example",
            contacts=[
                ContactRecord(
                    "National incident desk",
                    f"incident@{national}.example",
                    "security",
                    ["en", "ur"],
                )
            ],
        )
    ]
    sectors = []
    for sector in rules.sectors:
        slug = f"{sector['slug']}-cert"
        email = f"soc@{slug}.{national}.example"
        certs.append(
            CertRecord(
                slug,
                sector["cert"].replace("{CC}", cc.upper()),
                "sectoral",
                national,
                email,
                contacts=[ContactRecord("Duty analyst", email, "security", ["en", "ur"])],
            )
        )
        sectors.append(SectorRecord(sector["slug"], sector["name"], slug))
    return certs, sectors


def _demo_domain(slug: str, sector: str, cc: str, taken: set[str]) -> list[Item]:
    suffix = DEMO_DOMAINS.get(sector)
    if suffix is None:
        return []
    words = [w for w in slug.split("-") if w not in _NOISE and not w.isdigit()]
    label = "".join(w[0] for w in words) if len(words) > 1 else (words or [slug])[0][:30]
    name = f"{label}.{suffix}.{cc.lower()}"
    if name in taken:
        name = f"{slug[:60]}.{suffix}.{cc.lower()}"
    if name in taken:
        return []
    taken.add(name)
    return [Item(name)]


def build_demo_registry(
    rows: Iterable[tuple[str, str]], country: str, rules: SectorRules
) -> tuple[Registry, DemoSummary]:
    """The demo :class:`Registry` for ``rows`` of (prefix, AS name); deterministic."""
    certs, sectors = _certs(country, rules)
    groups, skipped = _group_by_as_name(rows)
    summary = DemoSummary(country.upper(), skipped=skipped)
    registry = Registry(certs=certs, sectors=sectors)
    slugs: set[str] = set()
    domains: set[str] = set()
    for as_name in sorted(groups, key=str.casefold):
        slug = _unique_slug(as_name, slugs)
        sector = rules.sector_for(as_name)
        registry.organisations.append(
            OrganisationRecord(
                slug,
                as_name[:200],
                sector,
                country=country.upper(),
                prefixes=[Item(p) for p in groups[as_name]],
                domains=_demo_domain(slug, sector, country, domains),
                contacts=[
                    ContactRecord(
                        f"{as_name[:150]} abuse desk",
                        f"abuse@{slug[:60].strip('-_').replace('_', '-')}.example",
                        "abuse",
                        ["en"],
                    )
                ],
            )
        )
        summary.by_sector[sector] = summary.by_sector.get(sector, 0) + 1
        summary.prefixes += len(groups[as_name])
    summary.organisations = len(registry.organisations)
    return registry, summary


def load_demo_constituency(country: str = "PK", *, actor: Any = None) -> DemoSummary:
    """Build (or refresh) the demo constituency of ``country`` (ISO 3166-1 alpha-2).

    Returns a :class:`DemoSummary`; ``summary.changes.changed`` is False on a re-run.
    Raises ``ValueError`` for a bad rule file, ``RegistryFileError`` if the data conflicts
    with the registry (e.g. a demo prefix already owned by a non-demo organisation).
    """
    from natcert.pipeline.experts.geo import country_prefixes

    rules = load_rules()
    registry, summary = build_demo_registry(country_prefixes(country.upper()), country, rules)
    summary.changes = do_apply_registry(registry, actor=actor, source=f"demo:{country.upper()}")
    return summary
