"""``natcert demo --no-serve`` end to end, twice: the second run adds nothing."""

from __future__ import annotations

import io
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from natcert.intel.demo_reports import DEMO_FEEDS, Pool, build_pool, render
from natcert.intel.models import Event, QuarantinedRow, Report

ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)


def test_demo_reports_are_deterministic() -> None:
    def pool() -> Pool:
        return build_pool(
            ["198.51.100.0/24", "2001:db8::/32"],
            ["example.pk"],
            seed=7,
            anchor=ANCHOR,
            country="PK",
        )

    first = [render(demo, pool(), 7) for demo in DEMO_FEEDS]
    assert first == [render(demo, pool(), 7) for demo in DEMO_FEEDS]
    assert all(b"198.51.100." in data or b"example.pk" in data for data in first)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_demo_twice(tmp_path: Path) -> None:
    with override_settings(
        NATCERT=_with_data_dir(settings.NATCERT, tmp_path), MEDIA_ROOT=tmp_path / "media"
    ):
        first = io.StringIO()
        call_command("demo", "--no-serve", stdout=first)
        events, quarantined = Event.objects.count(), QuarantinedRow.objects.count()
        reports = Report.objects.count()
        second = io.StringIO()
        call_command("demo", "--no-serve", stdout=second)

    text = first.getvalue()
    assert "events by feed" in text and "events by sector" in text
    assert "events by classification.type" in text and "quarantined rows" in text
    assert events > 50 and quarantined >= len(DEMO_FEEDS) - 1  # one malformed row per feed
    assert Event.objects.exclude(constituency_sector="").count() > events // 2  # owned
    assert Event.objects.filter(constituency_sector="").exists()  # a few from outside
    assert (Event.objects.count(), QuarantinedRow.objects.count()) == (events, quarantined)
    assert Report.objects.count() == reports
    assert "this run added 0 event(s) and 0 quarantined row(s)" in second.getvalue()
    password_file = tmp_path / "admin-password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert str(password_file) in text
    password = password_file.read_text().strip()
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert len(list((tmp_path / "demo-reports").iterdir())) == len(DEMO_FEEDS) + 1  # + ANCHOR


def _with_data_dir(environment: Any, data_dir: Path) -> Any:
    return replace(environment, data_dir=data_dir)
