"""Reports (one fetched file or message), quarantined rows and parse results."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import polars as pl

from natcert.lib.timeutil import utc_now

LINE = "_line"
"""Internal batch column: 1-based line (or record) number of the row in its report."""


@dataclass(frozen=True)
class Report:
    """One unit of input exactly as collected: the bytes of a file, HTTP body or e-mail.

    ``sha256`` identifies the report: collecting the same bytes twice yields the same report,
    and the event store keys idempotence on it together with each event's hash.
    """

    feed: str
    raw: bytes
    provider: str = ""
    url: str = ""
    name: str = ""
    observed: datetime = field(default_factory=utc_now)
    media_type: str = ""

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of ``raw``, 64 lower-case hex digits (computed once per report)."""
        return hashlib.sha256(self.raw).hexdigest()

    def text(self) -> str:
        """The report decoded as UTF-8 (BOM stripped); undecodable bytes become U+FFFD."""
        return self.raw.decode("utf-8-sig", errors="replace")


@dataclass(frozen=True)
class Reject:
    """A row that could not become an event, kept with the reason a person can act on."""

    line: int | None
    raw: str
    reason: str


@dataclass
class ParsedBatch:
    """What a parser or validator returns: good rows as a batch, bad rows as rejects."""

    events: pl.DataFrame
    rejects: list[Reject] = field(default_factory=list)

    def __len__(self) -> int:
        return self.events.height


class ReportError(ValueError):
    """The report as a whole cannot be read by this parser (wrong format, empty, truncated).

    The runner quarantines the whole report with this message; nothing else is lost.
    """
