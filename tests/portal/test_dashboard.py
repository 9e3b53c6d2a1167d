"""The dashboard: counts of the last 24 hours and 7 days, breakdowns, latest feed runs."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from natcert.intel.models import FeedState, Report
from tests.portal.conftest import MakeEvent, make_feed_state, make_quarantined

HOME = reverse("portal:home")


def stat(html: str, name: str) -> str:
    match = re.search(rf'id="stat-{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


def test_counts_and_breakdowns(
    analyst_client: Client, make_event: MakeEvent, report: Report
) -> None:
    make_event(minutes_ago=30, constituency_sector="banking", classification_type="phishing")
    make_event(minutes_ago=60 * 30, constituency_sector="banking")
    make_event(minutes_ago=60 * 24 * 3, constituency_sector="telecom")
    make_event(minutes_ago=60 * 24 * 10, constituency_sector="energy")  # older than a week
    make_quarantined(report, 3, "bad,line", "line 3: 'x' is not an IPv4 or IPv6 address")

    html = analyst_client.get(HOME).content.decode()
    assert stat(html, "events-day") == "1"
    assert stat(html, "events-week") == "3"
    assert stat(html, "quarantined-day") == "1"
    assert stat(html, "quarantined-total") == "1"

    sectors = html[html.index('id="by-sector"') : html.index('id="by-type-heading"')]
    assert sectors.index(">banking</a>") < sectors.index(">telecom</a>")
    assert "energy" not in sectors
    assert '<meter min="0" max="2" value="2"' in sectors
    types = html[html.index('id="by-type"') :]
    assert ">malware-distribution</a>" in types and ">phishing</a>" in types


def test_unknown_sector_is_labelled(analyst_client: Client, make_event: MakeEvent) -> None:
    make_event(constituency_sector="")
    html = analyst_client.get(HOME).content.decode()
    assert ">unknown</span>" in html


def test_latest_feed_runs_newest_first(analyst_client: Client) -> None:
    make_feed_state("older-feed", FeedState.STATUS_OK, hours_ago=5, events_total=1200)
    make_feed_state("newer-feed", FeedState.STATUS_ERROR, hours_ago=1, last_error="HTTP 503")
    FeedState.objects.create(name="never-ran")
    html = analyst_client.get(HOME).content.decode()
    runs = html[html.index('id="latest-runs"') :]
    assert runs.index("newer-feed") < runs.index("older-feed")
    assert "never-ran" not in runs
    assert '<span class="badge text-bg-danger">error</span>' in runs
    assert "1,200" in runs


def test_empty_dashboard(analyst_client: Client) -> None:
    html = analyst_client.get(HOME).content.decode()
    assert stat(html, "events-week") == "0"
    assert "No feed has run yet." in html
    assert "No events in this period." in html
