"""Fixtures of the portal tests: an analyst, a report and an event factory."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from natcert.intel.ipkeys import ip_key
from natcert.intel.models import Event, FeedState, QuarantinedRow, Report
from natcert.pipeline.feeds import Feed

PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)

MakeEvent = Callable[..., Event]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; the tests only need *a* hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def analyst(db: None) -> Any:
    """A national CERT duty analyst (staff: sees everything until memberships exist)."""
    return get_user_model().objects.create_user(
        "duty",
        "duty@cert.example",
        PASSWORD,
        is_staff=True,
        first_name="Dana",
        last_name="Duty",
    )


@pytest.fixture
def analyst_client(client: Client, analyst: Any) -> Client:
    client.force_login(analyst)
    return client


@pytest.fixture
def report(db: None) -> Report:
    return make_report("test-feed")


def make_report(feed: str, **fields: Any) -> Report:
    n = next(_serial)
    values: dict[str, Any] = {
        "feed_name": feed,
        "sha256": f"{n:064x}",
        "raw_file": f"reports/{n:064x}",
        "name": "recent.csv",
        "url": "https://feed.example/recent.csv",
        "size": 2048,
    }
    values.update(fields)
    return Report.objects.create(**values)


@pytest.fixture
def make_event(report: Report) -> MakeEvent:
    """``make_event(source_ip=..., minutes_ago=..., **columns)``: one stored event."""

    def make(minutes_ago: int = 5, **fields: Any) -> Event:
        n = next(_serial)
        values: dict[str, Any] = {
            "report": report,
            "event_hash": f"hash-{n}",
            "feed_name": report.feed_name,
            "classification_taxonomy": "malicious-code",
            "classification_type": "malware-distribution",
            "time_observation": timezone.now() - timedelta(minutes=minutes_ago),
            "raw": f"line {n}",
        }
        values.update(fields)
        values["source_ip_key"] = ip_key(values["source_ip"]) if values.get("source_ip") else ""
        return Event.objects.create(**values)

    return make


def make_quarantined(report: Report, line: int, raw: str, reason: str) -> QuarantinedRow:
    return QuarantinedRow.objects.create(
        feed_name=report.feed_name, report=report, line=line, raw=raw, reason=reason
    )


def make_feed_state(name: str, status: str, *, hours_ago: float = 1, **fields: Any) -> FeedState:
    last_run: datetime = timezone.now() - timedelta(hours=hours_ago)
    return FeedState.objects.create(name=name, last_run=last_run, last_status=status, **fields)


def catalogue_feed(name: str, **fields: Any) -> Feed:
    values: dict[str, Any] = {
        "name": name,
        "provider": "Example Provider",
        "title": f"Title of {name}",
        "url": f"https://feed.example/{name}.csv",
        "parser": "generic.csv",
        "schedule": "1h",
        "tlp": "TLP:CLEAR",
        "doc_url": "https://feed.example/docs",
    }
    values.update(fields)
    return Feed(**values)
