"""The event list (filters, paging, order, bad input) and the event detail page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from natcert.constituency.actions import do_create_cert, do_create_organisation, do_create_sector
from natcert.constituency.models import Organisation
from natcert.intel.fields import EVENT_FIELDS
from natcert.portal.views import EVENTS_PER_PAGE
from tests.portal.conftest import MakeEvent, make_report

LIST = reverse("portal:event_list")


def listed(client: Client, **params: str) -> list[int]:
    """Primary keys of the events on the page, in order."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'href="/events/(\d+)/"', response.content.decode())]


def test_lists_events_newest_first_with_a_count(
    analyst_client: Client, make_event: MakeEvent
) -> None:
    old = make_event(minutes_ago=60, source_ip="192.0.2.1")
    new = make_event(minutes_ago=1, source_ip="192.0.2.2")
    response = analyst_client.get(LIST)
    html = response.content.decode()
    assert '<span id="result-count">2 events</span>' in html
    assert listed(analyst_client) == [new.pk, old.pk]
    assert listed(analyst_client, sort="time") == [old.pk, new.pk]


def test_empty_store_says_so(analyst_client: Client) -> None:
    html = analyst_client.get(LIST).content.decode()
    assert "No events stored yet." in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"ip": "10.1.2.3"}, {"v4a"}),
        ({"ip": "10.0.0.0/8"}, {"v4a", "v4b"}),
        ({"ip": "10.1.0.0/16"}, {"v4a"}),
        ({"ip": "2001:db8::/32"}, {"v6"}),
        ({"ip": "2001:db8:1::/48"}, {"v6"}),
        ({"ip": "2001:db9::/32"}, set()),
        ({"asn": "AS64500"}, {"v4a"}),
        ({"asn": "64501"}, {"v4b", "v6"}),
        ({"country": "pk"}, {"v4a", "v6"}),
        ({"fqdn": "example.pk"}, {"v4a", "v4b"}),
        ({"fqdn": "www.example.pk"}, {"v4b"}),
        ({"feed": "other-feed"}, {"v6"}),
        ({"type": "phishing"}, {"v4b"}),
        ({"taxonomy": "fraud"}, {"v4b"}),
        ({"organisation": "pak-bank"}, {"v4a"}),
        ({"sector": "telecom"}, {"v4b", "v6"}),
        ({"sector": "telecom", "country": "PK"}, {"v6"}),
    ],
)
def test_filters(
    analyst_client: Client, make_event: MakeEvent, params: dict[str, str], expected: set[str]
) -> None:
    other = make_report("other-feed")
    made = {
        "v4a": make_event(
            source_ip="10.1.2.3",
            source_asn=64500,
            source_geolocation_cc="PK",
            source_fqdn="example.pk",
            constituency_organisation="pak-bank",
            constituency_sector="banking",
        ),
        "v4b": make_event(
            source_ip="10.200.0.1",
            source_asn=64501,
            source_fqdn="www.example.pk",
            classification_type="phishing",
            classification_taxonomy="fraud",
            constituency_sector="telecom",
        ),
        "v6": make_event(
            report=other,
            feed_name="other-feed",
            source_ip="2001:db8:1::5",
            source_asn=64501,
            source_geolocation_cc="PK",
            constituency_sector="telecom",
        ),
        "none": make_event(source_fqdn="notexample.pk"),
    }
    names = {event.pk: name for name, event in made.items()}
    assert {names[pk] for pk in listed(analyst_client, **params)} == expected


def test_time_range_filter(analyst_client: Client, make_event: MakeEvent) -> None:
    recent = make_event(minutes_ago=10)
    make_event(minutes_ago=60 * 48)
    since = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert listed(analyst_client, since=since) == [recent.pk]
    html = analyst_client.get(LIST, {"since": since}).content.decode()
    assert "1 event</span> match the filters" in html
    assert f'value="{since}"' in html  # the form keeps what was typed


def test_bad_ip_shows_a_clear_message_and_no_results(
    analyst_client: Client, make_event: MakeEvent
) -> None:
    make_event(source_ip="10.0.0.1")
    response = analyst_client.get(LIST, {"ip": "10.0.0.300"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "&#x27;10.0.0.300&#x27; is not an IP address or CIDR" in html
    assert 'id="filter-errors"' in html and 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="events"' not in html


def test_several_bad_inputs_are_all_reported(analyst_client: Client) -> None:
    html = analyst_client.get(LIST, {"asn": "ASx", "country": "PAK"}).content.decode()
    assert "is not an AS number" in html
    assert "is not a two-letter country code" in html


def test_paging_keeps_the_filters(analyst_client: Client, make_event: MakeEvent) -> None:
    events = [make_event(minutes_ago=i, source_ip=f"10.9.0.{i}") for i in range(1, 56)]
    make_event(source_ip="192.0.2.1")
    first = listed(analyst_client, ip="10.9.0.0/24")
    assert first == [e.pk for e in events[:EVENTS_PER_PAGE]]
    html = analyst_client.get(LIST, {"ip": "10.9.0.0/24"}).content.decode()
    assert "55 events" in html and "Page 1 of 2" in html
    assert 'href="?ip=10.9.0.0%2F24&amp;page=2"' in html
    assert listed(analyst_client, ip="10.9.0.0/24", page="2") == [e.pk for e in events[50:]]
    # junk or out-of-range page numbers fall back to a real page instead of failing
    assert listed(analyst_client, ip="10.9.0.0/24", page="99") == [e.pk for e in events[50:]]
    assert len(listed(analyst_client, ip="10.9.0.0/24", page="x")) == EVENTS_PER_PAGE


def test_sort_link_toggles_and_resets_paging(analyst_client: Client, make_event: MakeEvent) -> None:
    make_event()
    html = analyst_client.get(LIST, {"feed": "test-feed", "page": "1"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert 'href="?feed=test-feed&amp;sort=time"' in html
    html = analyst_client.get(LIST, {"sort": "time"}).content.decode()
    assert 'aria-sort="ascending"' in html and 'href="?sort=-time"' in html


def test_detail_shows_every_field_by_dotted_name(
    analyst_client: Client, make_event: MakeEvent
) -> None:
    event = make_event(
        source_ip="2001:db8::7",
        source_asn=64500,
        source_fqdn="bad.example.pk",
        source_geolocation_cc="PK",
        constituency_organisation="pak-bank",
        constituency_sector="banking",
        constituency_cert="bank-cert",
        tlp="TLP:AMBER",
        extra={"first_seen": "2026-11-28", "tags": ["exe"]},
        raw="2026-11-28,bad.example.pk",
    )
    response = analyst_client.get(reverse("portal:event_detail", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    present = {
        "source.ip",
        "source.asn",
        "source.fqdn",
        "source.geolocation.cc",
        "tlp",
        "constituency.organisation",
        "constituency.sector",
        "constituency.cert",
    }
    for field in EVENT_FIELDS:
        if field.dotted in present:
            assert f">{field.dotted}</th>" in html, field.dotted
        elif field.column not in ("raw", "extra") and field.dotted not in (
            "feed.name",
            "classification.type",
            "classification.taxonomy",
            "time.observation",
        ):
            assert f">{field.dotted}</li>" in html, field.dotted  # listed as empty
    assert "Source IP</td>" in html  # the label, capitalised
    assert "2001:db8::7" in html and "64500" in html
    assert '<pre class="raw mb-0" id="event-raw">2026-11-28,bad.example.pk</pre>' in html
    assert "&quot;first_seen&quot;: &quot;2026-11-28&quot;" in html
    assert "pak-bank" in html and "banking" in html and "bank-cert" in html
    assert event.report.sha256 in html and "https://feed.example/recent.csv" in html


def test_detail_of_missing_event_is_404(analyst_client: Client) -> None:
    assert analyst_client.get(reverse("portal:event_detail", args=[999999])).status_code == 404


def test_user_outside_scope_sees_no_events(client: Client, make_event: MakeEvent) -> None:
    event = make_event()
    client.force_login(get_user_model().objects.create_user("member", password="x" * 12))
    assert listed(client) == []
    assert client.get(reverse("portal:event_detail", args=[event.pk])).status_code == 404


@pytest.fixture
def bank(db: None) -> Organisation:
    cert = do_create_cert(name="Banking CERT", slug="bank-cert", kind="sectoral", actor=None)
    sector = do_create_sector(name="Banking & Finance", slug="banking", cert=cert, actor=None)
    return do_create_organisation(name="Pak Bank Ltd", slug="pak-bank", sector=sector, actor=None)


def test_detail_names_the_owner(
    analyst_client: Client, make_event: MakeEvent, bank: Organisation
) -> None:
    event = make_event(
        constituency_organisation="pak-bank",
        constituency_sector="banking",
        constituency_cert="bank-cert",
    )
    html = analyst_client.get(reverse("portal:event_detail", args=[event.pk])).content.decode()
    owner = html[html.index('id="event-owner"') : html.index('id="report-heading"')]
    assert ">Pak Bank Ltd</a>" in owner
    assert ">Banking &amp; Finance</a>" in owner
    assert "Banking CERT" in owner


def test_detail_of_unknown_owner_shows_the_slug(
    analyst_client: Client, make_event: MakeEvent
) -> None:
    event = make_event(constituency_organisation="gone-org")
    html = analyst_client.get(reverse("portal:event_detail", args=[event.pk])).content.decode()
    assert ">gone-org</a>" in html


def test_filter_suggestions(analyst_client: Client, bank: Organisation) -> None:
    html = analyst_client.get(LIST).content.decode()
    assert 'list="organisation-options"' in html
    assert '<option value="pak-bank" label="Pak Bank Ltd">' in html
    assert '<option value="banking" label="Banking &amp; Finance">' in html
    assert '<option value="phishing">' in html and '<option value="malicious-code">' in html
