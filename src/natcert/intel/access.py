"""The only way views, API, exports and commands read intel objects.

Scope today (see ``natcert.core.access``): the system (``user=None``) and national staff see
everything; everybody else sees nothing. Sectoral and constituent scoping (by
``constituency_sector`` / ``constituency_organisation``) and TLP caps plug in here, in
``_scope``, once ``accounts`` provides memberships.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from natcert.core.access import sees_everything
from natcert.intel.models import Event, FeedState, QuarantinedRow, Report
from natcert.intel.querysets import EventFilter, EventQuerySet


class IntelObjectNotFound(LookupError):
    """The object does not exist or the user may not see it (the same answer for both)."""


def _scope(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if sees_everything(user):
        return qs
    return qs.none()


def access_events(user: Any, spec: EventFilter | None = None) -> EventQuerySet:
    """Events ``user`` may see, filtered by ``spec`` (newest first).

    Raises ``ValueError`` when ``spec.ip`` is not an address or CIDR network.
    """
    qs: EventQuerySet = _scope(user, Event.objects.all())  # type: ignore[assignment]
    return qs.matching(spec) if spec is not None else qs


def access_event_by_id(user: Any, event_id: int) -> Event:
    """One event. Raises ``IntelObjectNotFound``."""
    event = access_events(user).filter(pk=event_id).first()
    if event is None:
        raise IntelObjectNotFound(f"event {event_id}")
    return event


def access_reports(user: Any, feed: str = "") -> QuerySet[Report]:
    """Reports ``user`` may see (newest first), optionally of one feed."""
    qs = _scope(user, Report.objects.all())
    return qs.filter(feed_name=feed) if feed else qs


def access_report_by_id(user: Any, report_id: int) -> Report:
    """One report. Raises ``IntelObjectNotFound``."""
    report = access_reports(user).filter(pk=report_id).first()
    if report is None:
        raise IntelObjectNotFound(f"report {report_id}")
    return report


def access_quarantine(
    user: Any, feed: str = "", report_id: int | None = None
) -> QuerySet[QuarantinedRow]:
    """Quarantined rows ``user`` may see, optionally of one feed or report."""
    qs = _scope(user, QuarantinedRow.objects.select_related("report"))
    if feed:
        qs = qs.filter(feed_name=feed)
    if report_id is not None:
        qs = qs.filter(report_id=report_id)
    return qs


def access_feed_states(user: Any) -> dict[str, FeedState]:
    """Stored state of every feed that has one, by feed name (admins and national staff)."""
    return {state.name: state for state in _scope(user, FeedState.objects.all())}


def access_feed_state(user: Any, name: str) -> FeedState | None:
    """One feed's state, or ``None`` when it never ran or the user may not see it."""
    return _scope(user, FeedState.objects.filter(name=name)).first()
