"""The runner, end to end with the in-memory ports and a tiny parser."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import ClassVar

import polars as pl

from natcert.pipeline.experts.dedup import DedupExpert
from natcert.pipeline.experts.taxonomy import TaxonomyExpert
from natcert.pipeline.feeds import Feed
from natcert.pipeline.outputs.memory import MemoryEventSink, MemoryReportStore
from natcert.pipeline.parsers.base import Parser
from natcert.pipeline.report import ParsedBatch, Reject, Report, ReportError
from natcert.pipeline.runner import run_report

FEED = Feed(
    name="test-ips",
    provider="Test",
    title="t",
    url="https://feed.example/ips.txt",
    parser="test.ips",
    schedule="1h",
    tlp="TLP:GREEN",
    doc_url="",
)


class LinesParser(Parser):
    """One IP per line; '#' lines are comments; 'broken' anywhere makes the report unreadable."""

    name: ClassVar[str] = "test.lines"

    def parse(self, report: Report) -> ParsedBatch:
        text = report.text()
        if "broken" in text:
            raise ReportError("this is not an IP list")
        lines = text.splitlines()
        rows = [(n, line) for n, line in enumerate(lines, 1) if line and not line.startswith("#")]
        rejects = [
            Reject(n, line, "comment") for n, line in enumerate(lines, 1) if line.startswith("#x")
        ]
        batch = pl.DataFrame(
            {
                "_line": [n for n, _ in rows],
                "raw": [line for _, line in rows],
                "source.ip": [line.split(",")[0] for _, line in rows],
                "classification.type": [
                    "scanner" if "," not in line else "c&c" for _, line in rows
                ],
            },
            schema={
                "_line": pl.Int64,
                "raw": pl.String,
                "source.ip": pl.String,
                "classification.type": pl.String,
            },
        )
        return ParsedBatch(batch, rejects)


def _run(raw: bytes, store: MemoryReportStore, sink: MemoryEventSink, **kw: object):  # type: ignore[no-untyped-def]
    report = Report(feed=FEED.name, raw=raw)
    experts = [TaxonomyExpert(), DedupExpert()]
    return run_report(
        report, FEED, parser=LinesParser(), experts=experts, store=store, sink=sink, **kw
    )  # type: ignore[arg-type]


def test_run_stores_counts_and_is_idempotent() -> None:
    store, sink = MemoryReportStore(), MemoryEventSink()
    raw = b"1.1.1.1\n1.1.1.1\n2.2.2.2,x\n999.0.0.1\n#x note\n"
    result = _run(raw, store, sink)
    assert (result.events, result.duplicates, result.quarantined) == (2, 1, 2)
    assert result.by_type == {"scanner": 1, "c2-server": 1}
    assert result.by_sector == {"unassigned": 2}
    events = sink.events()
    assert set(events.get_column("feed.name")) == {"test-ips"}
    assert set(events.get_column("tlp")) == {"TLP:GREEN"}
    assert set(events.get_column("classification.taxonomy")) == {
        "information-gathering",
        "malicious-code",
    }
    assert events.get_column("time.observation").dtype == pl.Datetime("us", "UTC")
    reasons = {r.reason for r in store.all_rejects()}
    assert reasons == {"comment", "source.ip: '999.0.0.1' is not an IP address"}
    again = _run(raw, store, sink)
    assert (again.report_id, again.events, again.duplicates) == (result.report_id, 0, 3)
    assert len(store.all_rejects()) == 2
    assert json.loads(again.as_json())["events"] == 0


def test_unreadable_report_is_quarantined_whole() -> None:
    store, sink = MemoryReportStore(), MemoryEventSink()
    result = _run(b"broken\n", store, sink)
    assert (result.events, result.quarantined) == (0, 1)
    (reject,) = store.all_rejects()
    assert reject.line is None and reject.reason == "this is not an IP list"
    assert store.reports[result.report_id].raw == b"broken\n"


def test_chunks_and_progress() -> None:
    store, sink = MemoryReportStore(), MemoryEventSink()
    raw = "".join(f"10.0.{i // 256}.{i % 256}\n" for i in range(1000)).encode()
    seen: list[tuple[int, int]] = []
    result = _run(raw, store, sink, chunk_rows=300, on_progress=lambda d, t: seen.append((d, t)))
    assert result.events == 1000
    assert seen == [(300, 1000), (600, 1000), (900, 1000), (1000, 1000)]


def test_feed_url_comes_from_the_catalogue_not_a_file_uri() -> None:
    store, sink = MemoryReportStore(), MemoryEventSink()
    report = Report(feed=FEED.name, raw=b"1.1.1.1\n", url="file:///data/ips.txt")
    result = run_report(
        report, FEED, parser=LinesParser(), experts=[DedupExpert()], store=store, sink=sink
    )
    assert (result.events, result.quarantined) == (1, 0)
    assert sink.events().get_column("feed.url").to_list() == ["https://feed.example/ips.txt"]
    assert store.reports[result.report_id].url == "file:///data/ips.txt"
    unlisted = dataclasses.replace(FEED, name="other", url="")
    again = Report(feed="other", raw=b"2.2.2.2\n", url="file:///data/ips.txt")
    run_report(again, unlisted, parser=LinesParser(), experts=[], store=store, sink=sink)
    assert sink.events().get_column("feed.url").to_list()[-1] is None


def test_report_sha256_is_computed_once() -> None:
    report = Report(feed="f", raw=b"abc")
    assert report.sha256 == hashlib.sha256(b"abc").hexdigest()
    assert report.__dict__["sha256"] is report.sha256
