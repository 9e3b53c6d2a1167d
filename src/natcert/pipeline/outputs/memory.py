"""In-memory implementations of the pipeline ports, for ``--dry-run`` and tests.

They behave like the database ones where it matters: the same report bytes get the same id,
an event whose ``_hash`` is already stored counts as a duplicate, and a reject already
quarantined for a report (same line, raw text and reason) is not kept twice.
"""

from __future__ import annotations

import polars as pl

from natcert.pipeline.experts.dedup import HASH
from natcert.pipeline.ports import StoredReport, WriteResult
from natcert.pipeline.report import Reject, Report


class MemoryReportStore:
    """``ReportStore`` keeping reports and quarantined rows in dictionaries."""

    def __init__(self) -> None:
        self.reports: dict[int, Report] = {}
        self._ids: dict[str, int] = {}
        self.quarantined: dict[int, list[Reject]] = {}
        self._seen: set[tuple[int, int | None, str, str]] = set()

    def store_report(self, report: Report) -> StoredReport:
        known = self._ids.get(report.sha256)
        if known is not None:
            return StoredReport(id=known, is_new=False)
        report_id = len(self._ids) + 1
        self._ids[report.sha256] = report_id
        self.reports[report_id] = report
        return StoredReport(id=report_id, is_new=True)

    def quarantine(self, report_id: int, report: Report, rejects: list[Reject]) -> int:
        new = 0
        kept = self.quarantined.setdefault(report_id, [])
        for reject in rejects:
            key = (report_id, reject.line, reject.raw, reject.reason)
            if key not in self._seen:
                self._seen.add(key)
                kept.append(reject)
                new += 1
        return new

    def all_rejects(self) -> list[Reject]:
        """Every quarantined row, in the order it was kept."""
        return [reject for rejects in self.quarantined.values() for reject in rejects]


class MemoryEventSink:
    """``EventSink`` keeping events as Polars frames; deduplicates on ``_hash``."""

    def __init__(self) -> None:
        self._frames: list[pl.DataFrame] = []
        self._hashes = pl.Series(HASH, [], dtype=pl.String)

    def write_events(self, report_id: int, batch: pl.DataFrame) -> WriteResult:
        """Keep the rows whose ``_hash`` is new (``batch`` must have ``_hash``, unique)."""
        if HASH not in batch.columns:
            raise ValueError("events need a _hash column (run the dedup expert first)")
        fresh = batch
        if self._hashes.len():
            fresh = batch.filter(~pl.col(HASH).is_in(self._hashes.implode()))
        if fresh.height:
            self._frames.append(fresh.with_columns(pl.lit(report_id).alias("_report")))
            self._hashes = pl.concat([self._hashes, fresh.get_column(HASH)])
        return WriteResult(inserted=fresh.height, duplicates=batch.height - fresh.height)

    def events(self) -> pl.DataFrame:
        """Every stored event (``_report`` holds the report id); columns are unified."""
        if not self._frames:
            return pl.DataFrame()
        return pl.concat(self._frames, how="diagonal_relaxed")

    def __len__(self) -> int:
        return self._hashes.len()
