"""``natcert ingest`` and ``natcert feeds list`` on real sample files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from natcert.intel.models import Event, FeedState, QuarantinedRow, Report
from natcert.pipeline.feeds import load_catalogue
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db
FEEDS = SAMPLES / "feeds"
DROP = FEEDS / "spamhaus-drop" / "drop.lasso"
SHADOWSERVER_IPMI = FEEDS / "shadowserver" / "reports-2022" / "scan_ipmi.csv"
SHADOWSERVER_SINKHOLE = FEEDS / "shadowserver" / "reports-2022" / "event4_sinkhole.csv"


def feed_with_parser(prefix: str) -> str:
    """The first catalogue feed whose parser name starts with ``prefix``."""
    for name, feed in load_catalogue().items():
        if feed.parser.startswith(prefix):
            return name
    pytest.skip(f"no catalogue feed with a {prefix}* parser yet")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_ingest_drop_json_shape_and_idempotence() -> None:
    feed = feed_with_parser("spamhaus.drop")
    first = json.loads(run("ingest", str(DROP), "--feed", feed, "--json"))
    assert {"events", "quarantined", "duplicates", "by_type", "by_sector"} <= first.keys()
    assert first["events"] > 0 and first["events"] == Event.objects.count()
    assert first["by_type"] == {"blacklist": first["events"]}
    assert Report.objects.get().feed_name == feed
    second = json.loads(run("ingest", str(DROP), "--feed", feed, "--json"))
    assert second["events"] == 0 and Event.objects.count() == first["events"]
    state = FeedState.objects.get(name=feed)
    assert state.events_total == first["events"] and state.last_status == "ok"


def test_ingest_shadowserver_and_readable_summary() -> None:
    feed = feed_with_parser("shadowserver")
    text = run("ingest", str(SHADOWSERVER_IPMI), "--feed", feed)
    assert feed in text and "event(s) stored" in text and "vulnerable-system" in text
    assert Event.objects.filter(classification_type="vulnerable-system").count() > 50
    event = Event.objects.exclude(source_ip=None).first()
    assert event is not None and event.source_ip_key and event.feed_name == feed


def test_real_quarantine_from_a_shadowserver_report() -> None:
    feed = feed_with_parser("shadowserver")
    result = json.loads(run("ingest", str(SHADOWSERVER_SINKHOLE), "--feed", feed, "--json"))
    assert result["events"] > 0 and result["quarantined"] == 1
    row = QuarantinedRow.objects.get()
    assert row.line > 1 and row.raw and row.reason.startswith(f"line {row.line}")
    assert row.feed_name == feed and row.report.sha256


def test_dry_run_stores_nothing_and_writes_outputs(tmp_path: Path) -> None:
    feed = feed_with_parser("spamhaus.drop")
    jsonl, table = tmp_path / "events.jsonl", tmp_path / "events.csv"
    summary = json.loads(
        run("ingest", str(DROP), "--feed", feed, "--dry-run", "--json", "--output", str(jsonl))
    )
    run("ingest", str(DROP), "--feed", feed, "--dry-run", "--output", str(table))
    assert Event.objects.count() == 0 and Report.objects.count() == 0
    lines = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert len(lines) == summary["events"]
    assert all("source.network" in line and "_hash" not in line for line in lines)
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == summary["events"] and "classification.type" in rows[0]


def test_quarantine_kept_with_line_and_reason(tmp_path: Path) -> None:
    feed = feed_with_parser("spamhaus.drop")
    bad = tmp_path / "drop.txt"
    bad.write_text("; Spamhaus DROP List\n1.10.16.0/20 ; SBL256894\n300.1.2.0/24 ; SBL1\n")
    result = json.loads(run("ingest", str(bad), "--feed", feed, "--json"))
    assert result["events"] == 1 and result["quarantined"] == 1
    row = QuarantinedRow.objects.get()
    assert row.line == 3 and "300.1.2.0/24" in row.raw and row.reason
    run("ingest", str(bad), "--feed", feed, "--json")
    assert QuarantinedRow.objects.count() == 1  # re-running quarantines nothing twice


def test_ingest_directory(tmp_path: Path) -> None:
    feed = feed_with_parser("spamhaus.drop")
    (tmp_path / "a.txt").write_text("1.10.16.0/20 ; SBL256894\n")
    (tmp_path / "b.txt").write_text("5.34.242.0/23 ; SBL194796\n")
    result = json.loads(run("ingest", str(tmp_path), "--feed", feed, "--json"))
    assert result["reports"] == 2 and result["events"] == 2


def test_ingest_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no feed 'nope'"):
        run("ingest", str(DROP), "--feed", "nope")
    feed = feed_with_parser("spamhaus.drop")
    with pytest.raises(CommandError, match="no such file"):
        run("ingest", str(tmp_path / "missing.txt"), "--feed", feed)
    with pytest.raises(CommandError, match="--output"):
        run("ingest", str(DROP), "--feed", feed, "--output", str(tmp_path / "x.xml"))


def test_feeds_list() -> None:
    rows = json.loads(run("feeds", "list", "--json"))
    assert {row["name"] for row in rows} == set(load_catalogue())
    assert all({"enabled", "last_status", "parser", "events"} <= row.keys() for row in rows)
    assert "feeds" in run("feeds", "list")


def test_a_manual_run_leaves_a_disabled_feed_disabled(tmp_path: Path) -> None:
    disabled = next(
        name
        for name, feed in load_catalogue().items()
        if not feed.enabled and feed.parser == "abusech.urlhaus_json"
    )
    source = FEEDS / "abusech-urlhaus" / "urlhaus_json_records_2024.ndjson"
    run("ingest", str(source), "--feed", disabled, "--json")
    assert FeedState.objects.get(name=disabled).enabled is False


def test_blocklistde_kind_comes_from_the_feed_not_the_file_name(tmp_path: Path) -> None:
    local = tmp_path / "foo.txt"
    local.write_bytes((FEEDS / "blocklistde" / "imap.txt").read_bytes())
    result = json.loads(run("ingest", str(local), "--feed", "blocklistde-ssh", "--json"))
    assert result["events"] > 0 and set(result["by_type"]) == {"brute-force"}


def test_output_into_a_missing_folder_fails_before_storing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        run(
            "ingest",
            str(DROP),
            "--feed",
            feed_with_parser("spamhaus.drop"),
            "--output",
            str(tmp_path / "missing" / "out.jsonl"),
        )
    assert Event.objects.count() == 0 and Report.objects.count() == 0


def test_ingest_says_why_rows_were_quarantined() -> None:
    sinkhole = feed_with_parser("shadowserver.")
    text = run("ingest", str(SHADOWSERVER_SINKHOLE), "--feed", sinkhole, "--dry-run")
    assert "would be stored" in text
    assert "quarantined in event4_sinkhole.csv: line 4: '148.81.111.11.12'" in text
    result = json.loads(run("ingest", str(SHADOWSERVER_SINKHOLE), "--feed", sinkhole, "--json"))
    (entry,) = result["files"]
    assert entry["quarantine_examples"][0]["line"] == 4
