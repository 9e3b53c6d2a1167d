"""The feeds page (catalogue × state × counts) and a feed's quarantine list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from natcert.intel.models import FeedState
from natcert.pipeline.feeds import Feed, load_catalogue
from natcert.portal import queries
from tests.portal.conftest import (
    MakeEvent,
    catalogue_feed,
    make_feed_state,
    make_quarantined,
    make_report,
)


@pytest.fixture
def catalogue(monkeypatch: pytest.MonkeyPatch) -> dict[str, Feed]:
    feeds = {name: catalogue_feed(name) for name in ("test-feed", "quiet-feed", "broken-feed")}
    monkeypatch.setattr(queries, "load_catalogue", lambda: feeds)
    return feeds


def row_html(html: str, name: str) -> str:
    start = html.index(f'<tr id="feed-{name}">')
    return html[start : html.index("</tr>", start)]


def test_feeds_page_shows_state_and_counts(
    analyst_client: Client, catalogue: dict[str, Feed], make_event: MakeEvent
) -> None:
    for _ in range(3):
        make_event()
    report = make_report("test-feed")
    make_quarantined(report, 7, "a,b", "line 7: missing URL")
    make_feed_state("test-feed", FeedState.STATUS_OK)
    make_feed_state("broken-feed", FeedState.STATUS_ERROR, last_error="HTTP 503 from feed.example")

    html = analyst_client.get(reverse("portal:feed_list")).content.decode()
    assert "3 feeds in the catalogue" in html
    ok = row_html(html, "test-feed")
    assert "text-bg-success" in ok and ">3</a>" in ok
    assert f'href="{reverse("portal:quarantine", args=["test-feed"])}">1</a>' in ok
    assert "never run" in row_html(html, "quiet-feed")
    broken = row_html(html, "broken-feed")
    assert "text-bg-danger" in broken and "HTTP 503 from feed.example" in broken


def test_disabled_feed_is_marked(analyst_client: Client, catalogue: dict[str, Feed]) -> None:
    FeedState.objects.create(name="quiet-feed", enabled=False)
    html = analyst_client.get(reverse("portal:feed_list")).content.decode()
    assert "disabled" in row_html(html, "quiet-feed")
    assert "disabled" not in row_html(html, "test-feed")


def test_real_catalogue_renders(analyst_client: Client) -> None:
    response = analyst_client.get(reverse("portal:feed_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in load_catalogue():
        assert f'<tr id="feed-{name}">' in html


def test_quarantine_lists_rows_of_the_feed(analyst_client: Client) -> None:
    first, second = make_report("test-feed"), make_report("test-feed")
    make_quarantined(
        first, 12, "999.1.2.3,http://x", "line 12: '999.1.2.3' is not an IPv4 or IPv6 address"
    )
    make_quarantined(second, 2, "garbage", "line 2: 3 columns, expected 5")
    make_quarantined(make_report("other"), 1, "elsewhere", "other feed")

    url = reverse("portal:quarantine", args=["test-feed"])
    html = analyst_client.get(url).content.decode()
    assert "2 rows" in html
    assert "line 12: &#x27;999.1.2.3&#x27; is not an IPv4 or IPv6 address" in html
    assert '<pre class="raw raw-row mb-0">999.1.2.3,http://x</pre>' in html
    assert "elsewhere" not in html
    assert first.sha256[:12] in html

    html = analyst_client.get(url, {"report": second.pk}).content.decode()
    assert "1 row" in html and "garbage" in html and "999.1.2.3" not in html
    assert "Show every report" in html


def test_quarantine_bad_report_is_404(analyst_client: Client) -> None:
    url = reverse("portal:quarantine", args=["test-feed"])
    assert analyst_client.get(url, {"report": "x"}).status_code == 404
    assert analyst_client.get(url, {"report": "424242"}).status_code == 404


def test_empty_quarantine(analyst_client: Client) -> None:
    quiet = next(iter(load_catalogue()))
    html = analyst_client.get(reverse("portal:quarantine", args=[quiet])).content.decode()
    assert "Nothing quarantined for this feed." in html


def test_quarantine_of_an_unknown_feed_is_404(analyst_client: Client) -> None:
    url = reverse("portal:quarantine", args=["no-such-feed"])
    assert analyst_client.get(url).status_code == 404


def test_whole_report_rejection_is_shown_as_report(analyst_client: Client) -> None:
    make_quarantined(make_report("test-feed"), 0, "", "not a CSV file")
    html = analyst_client.get(reverse("portal:quarantine", args=["test-feed"])).content.decode()
    assert 'title="the whole report">report</span>' in html
