"""The intel access layer: the portal's filters, and who sees what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from natcert.intel.access import (
    IntelObjectNotFound,
    access_event_by_id,
    access_events,
    access_feed_state,
    access_quarantine,
    access_reports,
)
from natcert.intel.actions import do_record_report_run, do_set_feed_enabled
from natcert.intel.querysets import EventFilter
from natcert.intel.stores import DatabaseEventSink, DatabaseReportStore
from natcert.pipeline.report import Report as PipelineReport

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def events() -> None:
    report_id = DatabaseReportStore().store_report(PipelineReport(feed="f", raw=b"x")).id
    rows = [  # ip, asn, cc, fqdn, type, sector, org, feed, age in days
        ("203.0.113.5", 64500, "PK", "", "scanner", "banking", "hbl", "blocklistde-ssh", 0),
        ("203.0.113.200", 64500, "PK", "", "brute-force", "banking", "hbl", "dataplane", 2),
        ("2001:db8::7", 64501, "PK", "", "scanner", "telecom", "ptcl", "blocklistde-ssh", 5),
        (None, None, "", "mail.gov.pk", "phishing", "government", "moitt", "openphish", 9),
        ("198.51.100.1", 64999, "NL", "", "c2-server", "", "", "feodo", 1),
    ]
    batch = pl.DataFrame(
        {
            "_hash": [f"h{i}" for i in range(len(rows))],
            "source.ip": [r[0] for r in rows],
            "source.asn": [r[1] for r in rows],
            "source.geolocation.cc": [r[2] for r in rows],
            "source.fqdn": [r[3] for r in rows],
            "classification.type": [r[4] for r in rows],
            "constituency.sector": [r[5] for r in rows],
            "constituency.organisation": [r[6] for r in rows],
            "feed.name": [r[7] for r in rows],
            "time.observation": [NOW - timedelta(days=r[8]) for r in rows],
        },
        schema_overrides={"source.asn": pl.Int64, "source.ip": pl.String},
    )
    DatabaseEventSink().write_events(report_id, batch)


def hashes(spec: EventFilter) -> set[str]:
    return set(access_events(None, spec).values_list("event_hash", flat=True))


@pytest.mark.usefixtures("events")
def test_filters() -> None:
    assert hashes(EventFilter()) == {"h0", "h1", "h2", "h3", "h4"}
    assert hashes(EventFilter(ip="203.0.113.0/24")) == {"h0", "h1"}
    assert hashes(EventFilter(ip="203.0.113.5")) == {"h0"}
    assert hashes(EventFilter(ip="2001:db8::/32")) == {"h2"}
    assert hashes(EventFilter(asn=64500)) == {"h0", "h1"}
    assert hashes(EventFilter(country="nl")) == {"h4"}
    assert hashes(EventFilter(fqdn="gov.pk")) == {"h3"}  # names below it match
    assert hashes(EventFilter(classification_type="scanner")) == {"h0", "h2"}
    assert hashes(EventFilter(sector="banking", organisation="hbl")) == {"h0", "h1"}
    assert hashes(EventFilter(feed="blocklistde-ssh")) == {"h0", "h2"}
    assert hashes(EventFilter(since=NOW - timedelta(days=3))) == {"h0", "h1", "h4"}
    assert hashes(EventFilter(until=NOW - timedelta(days=3))) == {"h2", "h3"}
    with pytest.raises(ValueError, match="not an IP address"):
        hashes(EventFilter(ip="10.0.0.0/33"))


@pytest.mark.usefixtures("events")
def test_who_sees_what() -> None:
    users = get_user_model()
    staff = users.objects.create_user("analyst", password="x-long-password-1", is_staff=True)
    plain = users.objects.create_user("someone", password="x-long-password-2")
    assert access_events(staff).count() == 5  # national staff: everything
    assert access_events(plain).count() == 0  # no membership yet: nothing
    assert access_events(AnonymousUser()).count() == 0
    event_id = access_events(None).first().pk  # type: ignore[union-attr]
    assert access_event_by_id(staff, event_id).pk == event_id
    with pytest.raises(IntelObjectNotFound):
        access_event_by_id(plain, event_id)
    assert access_reports(plain).count() == 0 and access_reports(staff).count() == 1
    assert access_quarantine(plain).count() == 0


def test_feed_state_actions() -> None:
    report_id = DatabaseReportStore().store_report(PipelineReport(feed="f", raw=b"y")).id
    do_record_report_run(
        "f",
        report_id,
        events=3,
        duplicates=1,
        quarantined=2,
        is_new_report=True,
        etag='"abc"',
        actor=None,
    )
    state = access_feed_state(None, "f")
    assert state is not None
    assert (state.events_total, state.quarantined_total, state.etag) == (3, 2, '"abc"')
    assert state.last_status == "ok" and state.reports_total == 1
    assert do_set_feed_enabled("f", False, actor=None).enabled is False
