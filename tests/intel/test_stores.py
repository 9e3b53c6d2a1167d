"""The database ports: report store and event sink, idempotent on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl
import pytest
from django.db import connection

from natcert.intel import stores
from natcert.intel.models import Event, QuarantinedRow, Report
from natcert.intel.stores import DatabaseEventSink, DatabaseReportStore, event_rows
from natcert.pipeline.report import Reject
from natcert.pipeline.report import Report as PipelineReport

pytestmark = pytest.mark.django_db


def make_batch(n: int = 5, *, offset: int = 0) -> pl.DataFrame:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    return pl.DataFrame(
        {
            "_line": list(range(1, n + 1)),
            "_hash": [f"h{i + offset:04d}" for i in range(n)],
            "source.ip": [f"192.0.2.{i + offset}" for i in range(n)],
            "source.asn": [64500 + i for i in range(n)],
            "source.port": [None] * n,
            "source.geolocation.cc": ["PK"] * n,
            "classification.type": ["scanner"] * n,
            "classification.taxonomy": ["information-gathering"] * n,
            "feed.name": ["test-feed"] * n,
            "time.source": [when] * n,
            "time.observation": [when] * n,
            "extra": [json.dumps({"n": i}) for i in range(n)],
            "raw": [f"line {i}" for i in range(n)],
            "constituency.sector": ["banking"] * n,
        },
        schema_overrides={
            "source.port": pl.Int64,
            "time.source": pl.Datetime("us", "UTC"),
            "time.observation": pl.Datetime("us", "UTC"),
        },
    )


def stored_report(raw: bytes = b"a,b\n1,2\n") -> int:
    return DatabaseReportStore().store_report(PipelineReport(feed="test-feed", raw=raw)).id


def test_same_bytes_give_the_same_report() -> None:
    store = DatabaseReportStore()
    report = PipelineReport(feed="test-feed", raw=b"1.2.3.4\n", name="x.txt")
    first, second = store.store_report(report), store.store_report(report)
    assert first.is_new and not second.is_new
    assert first.id == second.id
    row = Report.objects.get(pk=first.id)
    assert row.read_raw() == b"1.2.3.4\n"  # bytes kept before any parsing
    assert row.sha256 == report.sha256 and row.size == 8


def test_sink_is_idempotent() -> None:
    report_id, sink = stored_report(), DatabaseEventSink()
    first = sink.write_events(report_id, make_batch(5))
    second = sink.write_events(report_id, make_batch(5))
    assert (first.inserted, first.duplicates) == (5, 0)
    assert (second.inserted, second.duplicates) == (0, 5)
    assert Event.objects.count() == 5


def test_sink_counts_overlap_and_in_batch_repeats() -> None:
    report_id, sink = stored_report(), DatabaseEventSink()
    sink.write_events(report_id, make_batch(4))
    overlapping = pl.concat([make_batch(4, offset=2), make_batch(1, offset=5)])  # h0005 twice
    result = sink.write_events(report_id, overlapping)
    # h0002/h0003 already stored, h0005 repeated within the batch: h0004 and h0005 are new
    assert (result.inserted, result.duplicates) == (2, 3)
    assert Event.objects.count() == 6


def test_sink_maps_dotted_fields_to_columns() -> None:
    report_id = stored_report()
    DatabaseEventSink().write_events(report_id, make_batch(2))
    event = Event.objects.get(event_hash="h0001")
    assert event.source_ip == "192.0.2.1"
    assert event.source_asn == 64501 and event.source_port is None
    assert event.classification_type == "scanner"
    assert event.constituency_sector == "banking"
    assert event.extra == {"n": 1}
    assert event.time_source == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert event.source_fqdn == ""  # absent text fields are empty, not NULL
    assert Event.objects.in_network("192.0.2.0/31").count() == 2
    assert Event.objects.in_network("192.0.2.1").count() == 1


def test_sink_requires_the_event_hash() -> None:
    with pytest.raises(ValueError, match="_hash"):
        event_rows(1, make_batch(1).drop("_hash"))


def test_large_batch_on_both_databases() -> None:
    report_id, sink = stored_report(), DatabaseEventSink()
    assert sink.write_events(report_id, make_batch(3000)).inserted == 3000
    assert sink.write_events(report_id, make_batch(3000)).inserted == 0


def test_quarantine_keeps_line_and_reason_once() -> None:
    store = DatabaseReportStore()
    report = PipelineReport(feed="test-feed", raw=b"bad\n")
    report_id = store.store_report(report).id
    rejects = [
        Reject(12, "999.1.2.3", "line 12: '999.1.2.3' is not an IPv4 or IPv6 address"),
        Reject(None, "", "not a CSV file"),
    ]
    assert store.quarantine(report_id, report, rejects) == 2
    assert store.quarantine(report_id, report, rejects) == 0
    row = QuarantinedRow.objects.get(line=12)
    assert row.raw == "999.1.2.3" and "not an IPv4" in row.reason and row.feed_name == "test-feed"
    assert QuarantinedRow.objects.get(line=0).reason == "not a CSV file"


def test_awkward_text_survives_both_write_paths() -> None:
    report_id = stored_report()
    awkward = 'a "quoted", comma\nnew line\\backslash — اردو \t tab'
    batch = make_batch(1).with_columns(
        pl.lit(awkward).alias("raw"),
        pl.lit(json.dumps({"note": awkward, "n": [1, None]})).alias("extra"),
        pl.lit("x" * 300).alias("source.as_name"),  # longer than the column: truncated
        pl.lit("not-an-ip").alias("source.ip"),  # validated upstream; never breaks the insert
    )
    assert DatabaseEventSink().write_events(report_id, batch).inserted == 1
    event = Event.objects.get()
    assert event.raw == awkward and event.extra == {"note": awkward, "n": [1, None]}
    assert len(event.source_as_name) == 255 and event.source_ip is None


def test_postgresql_takes_the_copy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with NATCERT_DATABASE_URL=postgresql://...")

    def refuse(chunk: pl.DataFrame) -> int:
        raise AssertionError("the SQLite path ran on PostgreSQL")

    monkeypatch.setattr(stores, "_insert_chunk", refuse)
    report_id, sink = stored_report(), DatabaseEventSink()
    assert sink.write_events(report_id, make_batch(10)).inserted == 10
    assert sink.write_events(report_id, make_batch(12)).inserted == 2
