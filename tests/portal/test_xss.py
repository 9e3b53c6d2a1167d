"""Event data is hostile: every text the pipeline stored must render as inert text."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from natcert.intel.fields import EVENT_FIELDS
from natcert.intel.ipkeys import ip_key
from natcert.intel.models import Event, FeedState
from natcert.portal import queries
from tests.portal.conftest import catalogue_feed, make_feed_state, make_quarantined, make_report

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
]
# What must never reach the page unescaped (the markup the payloads would inject).
ACTIVE = ["<script>alert", "<img src=x", "<svg onload", 'href="javascript:', "onerror=alert(1)>"]


def _fit(payload: str, field: models.Field[Any, Any]) -> str:
    """The payload cut to the column's length (PostgreSQL enforces ``max_length``)."""
    return payload[: field.max_length] if field.max_length else payload


def hostile_event(payload: str, n: int) -> Event:
    feed = f"feed{n}{payload}"
    report = make_report(feed, name=payload, url=payload, provider=payload)
    values: dict[str, Any] = {}
    for spec in EVENT_FIELDS:
        field = Event._meta.get_field(spec.column)
        if spec.kind == "text":
            values[spec.column] = _fit(payload, field)  # type: ignore[arg-type]
    values.update(
        report=report,
        event_hash=f"xss-{n}",
        feed_name=feed,
        source_ip="192.0.2.66",
        source_ip_key=ip_key("192.0.2.66"),
        extra={payload: payload, "list": [payload]},
    )
    make_quarantined(report, 4, payload, payload)
    make_feed_state(feed, FeedState.STATUS_ERROR, last_error=payload)
    return Event.objects.create(**values)


@pytest.fixture
def hostile(db: None, monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    events = [hostile_event(payload, n) for n, payload in enumerate(PAYLOADS)]
    feeds = {
        e.feed_name: catalogue_feed(
            e.feed_name, title=PAYLOADS[0], provider=PAYLOADS[1], notes=PAYLOADS[0]
        )
        for e in events
    }
    monkeypatch.setattr(queries, "load_catalogue", lambda: feeds)
    return events


def assert_inert(html: str) -> None:
    for marker in ACTIVE:
        assert marker not in html, marker


def pages(events: list[Event]) -> list[str]:
    urls = [reverse("portal:home"), reverse("portal:event_list"), reverse("portal:feed_list")]
    for event in events:
        urls.append(reverse("portal:event_detail", args=[event.pk]))
        urls.append(reverse("portal:quarantine", args=[event.feed_name]))
        urls.append(
            reverse("portal:quarantine", args=[event.feed_name]) + f"?report={event.report_id}"
        )
        urls.append(reverse("portal:event_list") + f"?sector={event.constituency_sector}"[:200])
    return urls


def test_payloads_render_inert_everywhere(analyst_client: Client, hostile: list[Event]) -> None:
    for url in pages(hostile):
        response = analyst_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_inert(html)
    detail = analyst_client.get(reverse("portal:event_detail", args=[hostile[0].pk]))
    html = detail.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text


def test_payloads_in_filter_input_render_inert(analyst_client: Client) -> None:
    for payload in PAYLOADS:
        params = dict.fromkeys(("feed", "ip", "asn", "fqdn", "sector", "type"), payload)
        html = analyst_client.get(reverse("portal:event_list"), params).content.decode()
        assert_inert(html)
        assert "is not an IP address or CIDR" in html


def test_payload_as_login_next_is_inert(client: Client) -> None:
    html = client.get(reverse("portal:login"), {"next": PAYLOADS[1]}).content.decode()
    assert_inert(html)
