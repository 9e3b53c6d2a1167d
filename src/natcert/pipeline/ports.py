"""Ports: what the pipeline needs from the outside world, as protocols.

The Django side (``natcert.intel``) implements them on the database; tests and the CLI's
``--dry-run`` use the in-memory versions in :mod:`natcert.pipeline.outputs.memory`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import polars as pl

from natcert.pipeline.report import Reject, Report


@dataclass(frozen=True)
class StoredReport:
    """A report as the store knows it: its id, and whether these bytes were new."""

    id: int
    is_new: bool


@dataclass(frozen=True)
class WriteResult:
    inserted: int
    duplicates: int


class ReportStore(Protocol):
    def store_report(self, report: Report) -> StoredReport:
        """Keep the raw bytes and their SHA-256 *before* parsing; same bytes → same id."""
        ...

    def quarantine(self, report_id: int, report: Report, rejects: list[Reject]) -> int:
        """Keep rejected rows with feed, report, line, raw text and reason; returns how many
        were new (re-running a report quarantines nothing twice)."""
        ...


class EventSink(Protocol):
    def write_events(self, report_id: int, batch: pl.DataFrame) -> WriteResult:
        """Insert events; rows whose ``event.hash`` is already stored count as duplicates."""
        ...
