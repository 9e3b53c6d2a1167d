"""The demo instance: constituency, deterministic reports in real feed formats, an admin.

Used by ``natcert demo``; every step is idempotent, so running it again adds nothing.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from natcert.core.audit import record_audit
from natcert.intel.access import access_events, access_quarantine
from natcert.intel.demo_reports import DEMO_FEEDS, Pool, build_pool, render
from natcert.intel.ingest import Ingestor, report_from_file

DEMO_SEED = 20261129
ADMIN_USERNAME = "admin"


def data_dir() -> Path:
    return Path(settings.NATCERT.data_dir)


def demo_anchor(directory: Path) -> datetime:
    """The time demo rows are dated back from: the first demo run's hour, kept in
    ``ANCHOR`` so that later runs regenerate byte-identical reports."""
    path = directory / "ANCHOR"
    if path.exists():
        return datetime.fromisoformat(path.read_text().strip())
    anchor = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(anchor.isoformat() + "\n")
    return anchor


def constituency_pool(country: str, anchor: datetime) -> Pool:
    """Addresses and domains of the organisations of ``country`` in the registry (the demo
    constituency), so reports do not change when other organisations are added."""
    from natcert.constituency.access import domains_for, prefixes_for

    prefixes = prefixes_for(None).filter(organisation__country=country).order_by("cidr")
    domains = domains_for(None).filter(organisation__country=country).order_by("name")
    return build_pool(
        list(prefixes.values_list("cidr", flat=True)),
        list(domains.values_list("name", flat=True)),
        seed=DEMO_SEED,
        anchor=anchor,
        country=country,
    )


def write_demo_reports(directory: Path, pool: Pool) -> list[tuple[str, Path]]:
    """Write every demo report under ``directory``; returns (feed name, path) pairs."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for demo in DEMO_FEEDS:
        path = directory / demo.filename
        data = render(demo, pool, DEMO_SEED)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append((demo.feed, path))
    return written


@dataclass
class DemoRun:
    """What one ``natcert demo`` run did (``added_*``) next to the database totals."""

    added_events: int = 0
    added_quarantined: int = 0
    skipped_feeds: list[str] = field(default_factory=list)
    per_report: list[dict[str, Any]] = field(default_factory=list)


def ingest_demo_reports(reports: list[tuple[str, Path]]) -> DemoRun:
    """Ingest each report with its catalogue feed; feeds missing from the catalogue (or
    without a parser) are skipped and named."""
    from natcert.intel.pipeline import build_experts
    from natcert.pipeline.feeds import load_catalogue

    catalogue, experts, run = load_catalogue(), build_experts(), DemoRun()
    quarantined_before = access_quarantine(None).count()
    for feed_name, path in reports:
        feed = catalogue.get(feed_name)
        if feed is None:
            run.skipped_feeds.append(feed_name)
            continue
        try:
            ingestor = Ingestor(feed, experts=experts)
        except KeyError:  # the catalogue names a parser that is not installed
            run.skipped_feeds.append(feed_name)
            continue
        result = ingestor.ingest(report_from_file(path, feed))
        run.added_events += result.events
        run.per_report.append(
            {
                "feed": feed_name,
                "file": path.name,
                "events": result.events,
                "quarantined": result.quarantined,
            }
        )
    run.added_quarantined = access_quarantine(None).count() - quarantined_before
    return run


def totals() -> dict[str, dict[str, int]]:
    """Database totals: events by feed, sector and type, quarantined rows by feed."""
    events = access_events(None)

    def count(qs: Any, column: str) -> dict[str, int]:
        rows = qs.order_by().values(column).annotate(n=Count("id")).values_list(column, "n")
        return dict(rows)

    return {
        "events by feed": count(events, "feed_name"),
        "events by sector": count(events, "constituency_sector"),
        "events by classification.type": count(events, "classification_type"),
        "quarantined rows by feed": count(access_quarantine(None), "feed_name"),
    }


def ensure_admin(directory: Path) -> tuple[Path, bool]:
    """Create superuser ``admin`` with a random password kept in ``DATA_DIR/admin-password``
    (mode 0600) on the first run; returns the file and whether the account was created."""
    path = directory / "admin-password"
    users = get_user_model()
    if users.objects.filter(username=ADMIN_USERNAME).exists():
        return path, False
    password = secrets.token_urlsafe(18)
    with transaction.atomic():
        user = users.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
        record_audit("intel.create_demo_admin", actor=None, target=user)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    os.chmod(path, 0o600)
    return path, True
