"""Ingest reports (files, directories, fetched bodies) through the pipeline into the database.

One report at a time: store raw → parse → validate → experts → events (all in
``natcert.pipeline.runner.run_report``), then record the outcome on the feed's state.
``dry_run`` swaps the database ports for the in-memory ones (nothing is written).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from natcert.intel.actions import do_record_feed_error, do_record_report_run
from natcert.intel.stores import DatabaseEventSink, DatabaseReportStore
from natcert.pipeline.collectors.file import collect_file
from natcert.pipeline.experts.base import Expert
from natcert.pipeline.feeds import Feed
from natcert.pipeline.ports import EventSink, ReportStore, StoredReport, WriteResult
from natcert.pipeline.report import Reject
from natcert.pipeline.report import Report as PipelineReport
from natcert.pipeline.runner import RunResult, run_report

ProgressCallback = Callable[[int, int], None]
"""``on_progress(done, total)``: rows processed and rows parsed (see ``run_report``)."""


@dataclass
class IngestSummary:
    """Totals over the reports of one ``ingest`` call (``as_json`` is the ``--json`` shape)."""

    feed: str
    dry_run: bool = False
    reports: int = 0
    new_reports: int = 0
    events: int = 0
    duplicates: int = 0
    quarantined: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    by_sector: Counter[str] = field(default_factory=Counter)
    files: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        name: str,
        result: RunResult,
        is_new: bool,
        examples: list[dict[str, Any]] | None = None,
    ) -> None:
        """Add one report's ``RunResult`` (``examples``: its first rejected rows)."""
        self.reports += 1
        self.new_reports += int(is_new)
        self.events += result.events
        self.duplicates += result.duplicates
        self.quarantined += result.quarantined
        self.by_type.update(dict(result.by_type))
        self.by_sector.update(dict(result.by_sector))
        self.files.append(
            {
                "name": name,
                "report_id": result.report_id,
                "new": is_new,
                "events": result.events,
                "duplicates": result.duplicates,
                "quarantined": result.quarantined,
                "quarantine_examples": examples or [],
            }
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "dry_run": self.dry_run,
            "reports": self.reports,
            "new_reports": self.new_reports,
            "events": self.events,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "by_type": dict(self.by_type.most_common()),
            "by_sector": dict(self.by_sector.most_common()),
            "files": self.files,
        }


QUARANTINE_EXAMPLES = 5
"""Rejected rows shown per file by ``ingest`` (all of them are kept in the quarantine)."""


class _RecordingStore:
    """Wraps a ``ReportStore`` to remember whether the last report was new and the first
    rejected rows (so the command line can say *why* rows were refused)."""

    def __init__(self, inner: ReportStore) -> None:
        self.inner = inner
        self.last: StoredReport | None = None
        self.examples: list[dict[str, Any]] = []

    def store_report(self, report: PipelineReport) -> StoredReport:
        self.last = self.inner.store_report(report)
        return self.last

    def quarantine(self, report_id: int, report: PipelineReport, rejects: list[Reject]) -> int:
        self.examples = [
            {"line": reject.line, "reason": reject.reason}
            for reject in rejects[:QUARANTINE_EXAMPLES]
        ]
        return self.inner.quarantine(report_id, report, rejects)


class _TeeSink:
    """Wraps an ``EventSink`` and keeps a copy of every batch written (for ``--output``)."""

    def __init__(self, inner: EventSink) -> None:
        self.inner = inner
        self.batches: list[pl.DataFrame] = []

    def write_events(self, report_id: int, batch: pl.DataFrame) -> WriteResult:
        self.batches.append(batch)
        return self.inner.write_events(report_id, batch)


def _ports(dry_run: bool) -> tuple[ReportStore, EventSink]:
    if dry_run:
        from natcert.pipeline.outputs.memory import MemoryEventSink, MemoryReportStore

        return MemoryReportStore(), MemoryEventSink()
    return DatabaseReportStore(), DatabaseEventSink()


def report_from_file(path: Path, feed: Feed) -> PipelineReport:
    """A pipeline report of the file's bytes for ``feed`` (via the file collector: size
    limit, media type). Raises ``CollectorError`` when the file cannot be read.

    The report takes the catalogue's URL of the feed (a local ``file:`` path is no use to a
    recipient, and parsers such as blocklist.de read the list's kind from the feed's URL, not
    from whatever the local file happens to be called); ``name`` keeps the file name.
    """
    report = collect_file(path, feed=feed.name, provider=feed.provider)
    return replace(report, url=feed.url)


def report_files(path: Path) -> list[Path]:
    """``path`` itself, or the visible regular files directly in it, sorted by name.

    Raises ``FileNotFoundError`` when ``path`` does not exist.
    """
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or directory")
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))


class Ingestor:
    """Runs reports of one feed through the pipeline with one expert chain.

    ``keep_batches`` keeps every written batch in ``batches`` (for ``--output``).
    """

    def __init__(
        self,
        feed: Feed,
        *,
        dry_run: bool = False,
        experts: list[Expert] | None = None,
        keep_batches: bool = False,
        actor: Any = None,
    ) -> None:
        from natcert.intel.pipeline import build_experts
        from natcert.pipeline.parsers.base import get_parser

        self.feed, self.dry_run, self.actor = feed, dry_run, actor
        self.parser = get_parser(feed.parser)
        self.experts = build_experts() if experts is None else experts
        self.keep_batches = keep_batches
        self.batches: list[pl.DataFrame] = []
        self.summary = IngestSummary(feed=feed.name, dry_run=dry_run)
        # One pair for all reports: in a dry run the in-memory store must see every report.
        self.store, self.sink = _ports(dry_run)

    def ingest(
        self,
        report: PipelineReport,
        *,
        on_progress: ProgressCallback | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> RunResult:
        """Run one report; returns the runner's ``RunResult``. Errors other than a bad row
        are recorded on the feed's state and re-raised."""
        store, sink = _RecordingStore(self.store), _TeeSink(self.sink)
        try:
            result = run_report(
                report,
                self.feed,
                parser=self.parser,
                experts=self.experts,
                store=store,
                sink=sink,
                on_progress=on_progress,
            )
        except Exception as exc:
            if not self.dry_run:
                do_record_feed_error(self.feed.name, f"{report.name}: {exc}", actor=self.actor)
            raise
        is_new = bool(store.last and store.last.is_new)
        if self.keep_batches:
            self.batches.extend(sink.batches)
        if not self.dry_run:
            do_record_report_run(
                self.feed.name,
                result.report_id,
                events=result.events,
                duplicates=result.duplicates,
                quarantined=result.quarantined,
                is_new_report=is_new,
                etag=etag,
                last_modified=last_modified,
                actor=self.actor,
            )
        self.summary.add(report.name, result, is_new, store.examples)
        return result

    def ingest_files(
        self, paths: Iterable[Path], *, on_progress: ProgressCallback | None = None
    ) -> IngestSummary:
        """Ingest every file; returns the running summary."""
        for path in paths:
            self.ingest(report_from_file(path, self.feed), on_progress=on_progress)
        return self.summary
