"""Read models of the portal's pages, built only from ``natcert.intel.access`` querysets.

Nothing here touches a model manager: every queryset comes from the access layer, so the
user's scope (CERT, organisation, TLP) applies to every count the portal shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, QuerySet
from django.utils import timezone

from natcert.constituency.access import (
    access_cert_by_slug,
    access_organisation_by_slug,
    access_sector_by_slug,
    organisations_for,
    sectors_for,
)
from natcert.intel.access import access_events, access_feed_states, access_quarantine
from natcert.intel.models import Event, FeedState
from natcert.intel.querysets import EventFilter
from natcert.pipeline.feeds import Feed, load_catalogue
from natcert.pipeline.schema.rsit import CLASSES, TYPES

BREAKDOWN_LIMIT = 10
LATEST_RUNS = 8
SUGGESTIONS_LIMIT = 2000  # a datalist longer than this helps nobody
FILTER_TIME_FORMAT = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends


@dataclass(frozen=True)
class Bucket:
    """One row of a breakdown: a value (``""`` shown as "unknown") and how many events have it."""

    value: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    """The home page's figures for one user. Times are UTC; ``week`` is the last 7 days."""

    now: datetime
    events_day: int
    events_week: int
    quarantined_day: int
    quarantined_total: int
    by_sector: list[Bucket]
    by_type: list[Bucket]
    latest_runs: list[FeedState]

    @property
    def day_start(self) -> str:
        """Start of the last 24 hours as the event filter's ``since`` value."""
        return (self.now - timedelta(days=1)).strftime(FILTER_TIME_FORMAT)

    @property
    def week_start(self) -> str:
        """Start of the last 7 days as the event filter's ``since`` value."""
        return (self.now - timedelta(days=7)).strftime(FILTER_TIME_FORMAT)

    @property
    def sector_max(self) -> int:
        return max((bucket.count for bucket in self.by_sector), default=0)

    @property
    def type_max(self) -> int:
        return max((bucket.count for bucket in self.by_type), default=0)


@dataclass(frozen=True)
class FeedRow:
    """A catalogue feed with its stored state (``None``: never ran) and live counts."""

    feed: Feed
    state: FeedState | None
    events: int
    quarantined: int

    @property
    def status(self) -> str:
        return self.state.last_status if self.state else FeedState.STATUS_NEVER

    @property
    def enabled(self) -> bool:
        return self.feed.enabled and (self.state.enabled if self.state else True)


def breakdown(qs: QuerySet[Any], column: str, limit: int = BREAKDOWN_LIMIT) -> list[Bucket]:
    """The ``limit`` most frequent values of ``column`` in ``qs`` (most frequent first)."""
    rows = qs.order_by().values(column).annotate(n=Count("pk")).order_by("-n", column)[:limit]
    return [Bucket(row[column] or "", row["n"]) for row in rows]


def counts_by_feed(qs: QuerySet[Any]) -> dict[str, int]:
    """Number of rows of ``qs`` per ``feed_name``."""
    rows = qs.order_by().values("feed_name").annotate(n=Count("pk"))
    return {row["feed_name"]: row["n"] for row in rows}


def dashboard(user: Any) -> Dashboard:
    """Counts of the last 24 hours and 7 days, breakdowns of the week, latest feed runs."""
    now = timezone.now()
    day = access_events(user, EventFilter(since=now - timedelta(days=1)))
    week = access_events(user, EventFilter(since=now - timedelta(days=7)))
    quarantine = access_quarantine(user)
    runs = [state for state in access_feed_states(user).values() if state.last_run]
    runs.sort(key=lambda state: state.last_run or now, reverse=True)
    return Dashboard(
        now=now,
        events_day=day.count(),
        events_week=week.count(),
        quarantined_day=quarantine.filter(created__gte=now - timedelta(days=1)).count(),
        quarantined_total=quarantine.count(),
        by_sector=breakdown(week, "constituency_sector"),
        by_type=breakdown(week, "classification_type"),
        latest_runs=runs[:LATEST_RUNS],
    )


def feed_rows(user: Any) -> list[FeedRow]:
    """Every catalogue feed (catalogue order: by name) with its state and stored counts.

    Feeds that have events or states but left the catalogue are not listed: the catalogue
    is what an operator can act on.
    """
    states = access_feed_states(user)
    events = counts_by_feed(access_events(user))
    quarantined = counts_by_feed(access_quarantine(user))
    return [
        FeedRow(feed, states.get(name), events.get(name, 0), quarantined.get(name, 0))
        for name, feed in sorted(load_catalogue().items())
    ]


def catalogue_feed(name: str) -> Feed | None:
    """The catalogue entry called ``name``, or ``None``."""
    return load_catalogue().get(name)


Suggestion = tuple[str, str]
"""``(value, label)`` of one ``<option>`` of a filter's datalist."""


def filter_suggestions(user: Any) -> dict[str, list[Suggestion]]:
    """Known values for the event filter's datalists, by form field name: catalogue feeds,
    RSIT classes and types, and the organisations and sectors ``user`` may see (by slug)."""
    organisations = organisations_for(user).order_by("slug")[:SUGGESTIONS_LIMIT]
    sectors = sectors_for(user).order_by("slug")[:SUGGESTIONS_LIMIT]
    return {
        "feed": [(name, feed.title) for name, feed in sorted(load_catalogue().items())],
        "taxonomy": [(name, "") for name in CLASSES],
        "type": [(name, "") for name in sorted(TYPES)],
        "organisation": [(org.slug, org.name) for org in organisations],
        "sector": [(sector.slug, sector.name) for sector in sectors],
    }


@dataclass(frozen=True)
class Owner:
    """Names of an event's owner fields (``""`` when the slug is unknown or out of scope)."""

    organisation: str
    sector: str
    cert: str


def owner_names(user: Any, event: Event) -> Owner:
    """Display names of ``event``'s ``constituency.*`` slugs from the constituency registry."""
    lookups = (
        (access_organisation_by_slug, event.constituency_organisation),
        (access_sector_by_slug, event.constituency_sector),
        (access_cert_by_slug, event.constituency_cert),
    )
    names: list[str] = []
    for lookup, slug in lookups:
        try:
            names.append(lookup(user, slug).name if slug else "")
        except ObjectDoesNotExist:
            names.append("")
    return Owner(*names)
