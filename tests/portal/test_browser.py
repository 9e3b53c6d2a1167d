"""The portal in a real browser: headless Chromium against a live server.

Chromium runs in its command-line modes (``--dump-dom`` prints the DOM after load,
``--screenshot`` saves a PNG), so no browser-driving package is needed. Being logged in is
handed to Chromium through a test-only endpoint (see ``browser_urls``). Screenshots go to
``test-artifacts/`` (gitignored) for a person to look at. Console errors, including CSP
violations, are read from Chromium's log and must not occur.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from natcert.intel.models import FeedState, Report
from natcert.portal import queries
from tests.conftest import REPO
from tests.portal.conftest import (
    MakeEvent,
    catalogue_feed,
    make_feed_state,
    make_quarantined,
    make_report,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"),
        reason="Chromium is not installed (Debian: apt-get install chromium); "
        "the project's setup installs it in CI",
    ),
    pytest.mark.urls("tests.portal.browser_urls"),
]


class Browser:
    """One headless Chromium run per call, each with a fresh profile under ``tmp_path``."""

    def __init__(self, base_url: str, tmp_path: Path, session_key: str | None = None) -> None:
        self.base_url, self.tmp_path, self.session_key = base_url, tmp_path, session_key
        self.runs = 0

    def url(self, path: str) -> str:
        if self.session_key is None:
            return self.base_url + path
        query = urlencode({"key": self.session_key, "next": path})
        return f"{self.base_url}/__test__/session/?{query}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        self.runs += 1
        profile = self.tmp_path / f"profile-{self.runs}"
        command = [CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={profile}", *args]
        # The timeout only stops a hung browser from hanging the suite; nothing is timed.
        result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
        assert not console, "\n".join(console)
        return result

    def dom(self, path: str) -> str:
        return self._run("--dump-dom", self.url(path)).stdout

    def screenshot(self, path: str, name: str, size: str = "1440,1000") -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / name
        target.unlink(missing_ok=True)
        self._run(f"--screenshot={target}", f"--window-size={size}", self.url(path))
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        return target


@pytest.fixture
def browser(live_server: Any, tmp_path: Path, analyst: Any, transactional_db: None) -> Browser:
    client = Client()
    client.force_login(analyst)
    return Browser(live_server.url, tmp_path, client.cookies["sessionid"].value)


def test_login_page_in_chromium(live_server: Any, tmp_path: Path, transactional_db: None) -> None:
    anonymous = Browser(live_server.url, tmp_path)
    dom = anonymous.dom("/events/")  # redirected to the login page
    assert '<form method="post" action="/login/"' in dom
    assert 'id="id_username"' in dom and 'id="id_password"' in dom
    assert 'name="next" value="/events/"' in dom
    anonymous.screenshot("/login/", "portal-login.png", "1200,800")


def test_event_list_and_filter_in_chromium(browser: Browser, make_event: MakeEvent) -> None:
    for i in range(1, 8):
        make_event(
            minutes_ago=i * 30,
            source_ip=f"10.20.{i}.1",
            source_asn=64500 + i % 2,
            source_geolocation_cc="PK",
            source_fqdn=f"host{i}.bank.example.pk",
            source_url=f"http://host{i}.bank.example.pk/payload.exe",
            constituency_organisation="pak-bank",
            constituency_sector="banking",
        )
    make_event(
        source_ip="2001:db8::9",
        classification_type="scanner",
        classification_taxonomy="information-gathering",
        constituency_sector="telecom",
    )

    dom = browser.dom("/events/")
    assert '<span id="result-count">8 events</span>' in dom
    dom = browser.dom("/events/?ip=10.20.0.0%2F16&asn=AS64501")
    assert '<span id="result-count">4 events</span>' in dom
    assert "2001:db8::9" not in dom
    dom = browser.dom("/events/?ip=10.0.0.300")
    assert "'10.0.0.300' is not an IP address or CIDR" in dom

    browser.screenshot("/events/?ip=10.20.0.0%2F16", "portal-events-filtered.png")
    browser.screenshot("/", "portal-dashboard.png")
    browser.screenshot("/events/?ip=10.0.0.300&country=PAK", "portal-events-bad-input.png")


def test_event_detail_in_chromium(browser: Browser, make_event: MakeEvent) -> None:
    event = make_event(
        source_ip="192.0.2.10",
        source_asn=64500,
        source_fqdn="evil.example",
        source_url="http://evil.example/<script>alert(1)</script>",
        extra={"tags": ["emotet"]},
        raw='"2026-11-29","<img src=x onerror=1>"',
        constituency_organisation="pak-bank",
        constituency_sector="banking",
        constituency_cert="bank-cert",
    )
    dom = browser.dom(f"/events/{event.pk}/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # text, not an element
    assert "<img src" not in dom
    browser.screenshot(f"/events/{event.pk}/", "portal-event-detail.png", "1440,1400")


def test_feeds_and_quarantine_in_chromium(
    browser: Browser, make_event: MakeEvent, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = {
        "test-feed": catalogue_feed(
            "test-feed", title="URLhaus recent URLs (CSV)", provider="abuse.ch"
        ),
        "spamhaus-drop": catalogue_feed(
            "spamhaus-drop", title="Spamhaus DROP list", provider="Spamhaus", schedule="1d"
        ),
        "shadowserver-scan-http": catalogue_feed(
            "shadowserver-scan-http", schedule="1d", title="Shadowserver HTTP scan", tlp="TLP:AMBER"
        ),
    }
    monkeypatch.setattr(queries, "load_catalogue", lambda: feeds)
    make_event()
    make_feed_state("test-feed", FeedState.STATUS_OK, events_total=1, quarantined_total=2)
    make_feed_state(
        "spamhaus-drop",
        FeedState.STATUS_ERROR,
        hours_ago=3,
        last_error="HTTP 503 Service Unavailable from www.spamhaus.org",
    )
    make_quarantined(
        report,
        12,
        "2026-11-29,999.1.2.3,http://bad.example/x",
        "line 12: '999.1.2.3' is not an IPv4 or IPv6 address",
    )
    make_quarantined(report, 40, "2026-11-29,,", "line 40: no URL, no IP and no domain")
    other = make_report("test-feed")
    make_quarantined(other, 0, "", "not a CSV file: the first line has 1 column, expected 9")

    dom = browser.dom("/feeds/")
    assert '<tr id="feed-spamhaus-drop">' in dom and "HTTP 503" in dom
    dom = browser.dom("/feeds/test-feed/quarantine/")
    assert "3 rows" in dom and "line 12: '999.1.2.3' is not an IPv4 or IPv6 address" in dom
    browser.screenshot("/feeds/", "portal-feeds.png", "1440,700")
    browser.screenshot("/feeds/test-feed/quarantine/", "portal-quarantine.png", "1440,800")
