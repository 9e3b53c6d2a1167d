"""Every write of the intel app: ``do_<verb>_<noun>(..., *, actor)``, one transaction, audited.

``actor`` is the acting user, or ``None`` for the system (CLI, workers, the demo loader).
The event and quarantine tables themselves are written by the pipeline's sink
(:mod:`natcert.intel.stores`), which is the runner's port, not an edge.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from natcert.core.audit import record_audit
from natcert.intel.models import FeedState, Report
from natcert.pipeline.feeds import load_catalogue


def _state(name: str) -> FeedState:
    """The feed's state row, locked; a new row starts as the catalogue says (a manual run of
    a feed shipped disabled must not switch it on)."""
    feed = load_catalogue().get(name)
    state, _ = FeedState.objects.select_for_update().get_or_create(
        name=name, defaults={"enabled": feed.enabled if feed else False}
    )
    return state


def do_set_feed_enabled(name: str, enabled: bool, *, actor: Any) -> FeedState:
    """Switch a catalogue feed on or off (scheduled fetching skips disabled feeds)."""
    with transaction.atomic():
        state = _state(name)
        state.enabled = enabled
        state.save(update_fields=["enabled"])
        record_audit("intel.set_feed_enabled", actor=actor, target=state, data={"enabled": enabled})
    return state


def do_record_feed_not_modified(name: str, *, actor: Any) -> FeedState:
    """Note a fetch answered ``304 Not Modified``: a successful run with nothing new."""
    with transaction.atomic():
        state = _state(name)
        now = timezone.now()
        state.last_run = state.last_success = now
        state.last_status, state.last_error = FeedState.STATUS_NOT_MODIFIED, ""
        state.runs = F("runs") + 1
        state.save(update_fields=["last_run", "last_success", "last_status", "last_error", "runs"])
    state.refresh_from_db()
    return state


def do_record_feed_error(name: str, error: str, *, actor: Any) -> FeedState:
    """Note a failed fetch or an unreadable report; ``error`` is shown to operators."""
    with transaction.atomic():
        state = _state(name)
        state.last_run = timezone.now()
        state.last_status, state.last_error = FeedState.STATUS_ERROR, error[:4000]
        state.runs = F("runs") + 1
        state.save(update_fields=["last_run", "last_status", "last_error", "runs"])
        record_audit("intel.feed_error", actor=actor, target=state, data={"error": error[:500]})
    state.refresh_from_db()
    return state


def do_record_report_run(
    feed_name: str,
    report_id: int,
    *,
    events: int,
    duplicates: int,
    quarantined: int,
    is_new_report: bool,
    etag: str | None = None,
    last_modified: str | None = None,
    actor: Any,
) -> FeedState:
    """Record one processed report on the report row and the feed's state and counters.

    ``events`` are the newly stored events; ``quarantined`` the report's refused rows (they
    count towards the feed's total only the first time the report is seen).

    ``etag``/``last_modified`` (from an HTTP fetch) replace the stored validators when given.
    """
    now = timezone.now()
    with transaction.atomic():
        Report.objects.filter(pk=report_id).update(
            parsed_at=now,
            events_count=F("events_count") + events,
            duplicates_count=duplicates,
            quarantined_count=quarantined,
        )
        state = _state(feed_name)
        state.last_run = state.last_success = now
        state.last_status, state.last_error = FeedState.STATUS_OK, ""
        state.runs = F("runs") + 1
        state.reports_total = F("reports_total") + (1 if is_new_report else 0)
        state.events_total = F("events_total") + events
        state.duplicates_total = F("duplicates_total") + duplicates
        state.quarantined_total = F("quarantined_total") + (quarantined if is_new_report else 0)
        fields = [
            "last_run",
            "last_success",
            "last_status",
            "last_error",
            "runs",
            "reports_total",
            "events_total",
            "duplicates_total",
            "quarantined_total",
        ]
        if etag is not None:
            state.etag = etag[:255]
            fields.append("etag")
        if last_modified is not None:
            state.last_modified = last_modified[:64]
            fields.append("last_modified")
        state.save(update_fields=fields)
        record_audit(
            "intel.ingest_report",
            actor=actor,
            object_type="intel.report",
            object_id=report_id,
            data={
                "feed": feed_name,
                "events": events,
                "duplicates": duplicates,
                "quarantined": quarantined,
            },
        )
    state.refresh_from_db()
    return state
