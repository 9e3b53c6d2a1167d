"""Run one report through the pipeline: store → parse → validate → experts → sink.

The raw report is stored before anything else, so a crash never loses input. The parsed batch
is processed in chunks (``CHUNK_ROWS`` rows) so that validation and experts keep memory
bounded on very large reports. Events are written with their ``_hash``; the sink skips hashes
it already holds, so running the same report again inserts nothing. Rows that cannot become
events are quarantined with their line number, raw text and reason. Events carry the feed
catalogue's ``feed.url``; where the report itself came from (``Report.url``, e.g. a
``file://`` URI) is kept with the stored report.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import polars as pl

from natcert.pipeline.experts.base import Expert
from natcert.pipeline.experts.dedup import HASH, deduplicate
from natcert.pipeline.feeds import Feed
from natcert.pipeline.parsers.base import Parser
from natcert.pipeline.ports import EventSink, ReportStore
from natcert.pipeline.report import Reject, Report, ReportError
from natcert.pipeline.schema.catalogue import UTC_DATETIME
from natcert.pipeline.schema.validate import validate

CHUNK_ROWS = 1_000_000  # rows enriched at once: per-chunk costs dominate below ~1M
UNASSIGNED = "unassigned"
REPORT_EXCERPT = 4096  # characters of an unreadable report kept with its reject

Progress = Callable[[int, int], None]
"""``on_progress(done, total)``: rows processed so far and rows parsed, after each chunk."""


@dataclass
class RunResult:
    """What one run did.

    ``events``: events newly stored. ``duplicates``: events dropped as repeats within the
    report plus those the store already held. ``quarantined``: rows of this report that could
    not become events (each is kept once in quarantine, however often the report is run).
    ``by_type`` / ``by_sector``: valid, distinct events of the report per
    ``classification.type`` and per ``constituency.sector`` (``"unassigned"`` when unowned).
    """

    report_id: int
    events: int = 0
    duplicates: int = 0
    quarantined: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_sector: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> str:
        """The result as a JSON object (text), keys sorted."""
        return json.dumps(asdict(self), sort_keys=True)


def _feed_url(report: Report, feed: Feed) -> str | None:
    """``feed.url`` of the events: the catalogue's URL of the feed. Only a feed without one
    takes the report's own location, and only when it is a web URL: a file collector's
    ``file://`` URI is not the feed's address (the report store keeps ``report.url``)."""
    if feed.url:
        return feed.url
    return report.url if report.url.startswith(("http://", "https://")) else None


def _with_provenance(batch: pl.DataFrame, report: Report, feed: Feed) -> pl.DataFrame:
    """Add ``feed.*`` and ``time.observation``; default ``tlp`` to the feed's."""
    provenance = [
        pl.lit(feed.name, dtype=pl.String).alias("feed.name"),
        pl.lit(report.provider or feed.provider, dtype=pl.String).alias("feed.provider"),
        pl.lit(_feed_url(report, feed), dtype=pl.String).alias("feed.url"),
        pl.lit(report.observed, dtype=UTC_DATETIME).alias("time.observation"),
    ]
    tlp = pl.lit(feed.tlp, dtype=pl.String)
    if "tlp" in batch.columns:
        tlp = pl.coalesce(pl.col("tlp").cast(pl.String), tlp)
    return batch.with_columns(*provenance, tlp.alias("tlp"))


def _count(batch: pl.DataFrame, column: str, into: Counter[str], null_as: str) -> None:
    if column not in batch.columns:
        if batch.height and null_as:
            into[null_as] += batch.height
        return
    counts = batch.get_column(column).cast(pl.String).fill_null(null_as).value_counts()
    for key, n in counts.iter_rows():
        if key:
            into[key] += n


def _run_chunk(
    chunk: pl.DataFrame, experts: Sequence[Expert], rejects: list[Reject]
) -> tuple[pl.DataFrame, int]:
    """Validate and enrich one chunk; returns (events with ``_hash``, in-batch duplicates)."""
    checked = validate(chunk)
    rejects.extend(checked.rejects)
    batch, dropped = checked.events, 0
    for expert in experts:
        before = batch.height
        batch = expert.process(batch)
        dropped += before - batch.height  # only deduplication may drop rows
    if HASH not in batch.columns:
        batch, repeats = deduplicate(batch)
        dropped += repeats
    return batch, dropped


def run_report(
    report: Report,
    feed: Feed,
    *,
    parser: Parser,
    experts: Sequence[Expert],
    store: ReportStore,
    sink: EventSink,
    on_progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> RunResult:
    """Store, parse, validate, enrich and write ``report`` of ``feed``.

    ``experts`` run in the given order on each chunk (e.g. geo, ownership, taxonomy, dedup);
    if none adds ``_hash``, the runner hashes and deduplicates itself. A ``ReportError`` from
    the parser quarantines the whole report as one reject (line ``None``). Other exceptions
    (a bug, a store failure) propagate; the raw report is already stored by then.
    """
    stored = store.store_report(report)
    result = RunResult(report_id=stored.id)
    try:
        parsed = parser.parse(report)
    except ReportError as exc:
        whole = Reject(line=None, raw=report.text()[:REPORT_EXCERPT], reason=str(exc))
        store.quarantine(stored.id, report, [whole])
        result.quarantined = 1
        return result
    rejects = list(parsed.rejects)
    by_type: Counter[str] = Counter()
    by_sector: Counter[str] = Counter()
    total = parsed.events.height
    for offset in range(0, total, max(chunk_rows, 1)):
        chunk = _with_provenance(parsed.events.slice(offset, chunk_rows), report, feed)
        events, dropped = _run_chunk(chunk, experts, rejects)
        written = sink.write_events(stored.id, events)
        result.events += written.inserted
        result.duplicates += dropped + written.duplicates
        _count(events, "classification.type", by_type, "")
        _count(events, "constituency.sector", by_sector, UNASSIGNED)
        if on_progress is not None:
            on_progress(min(offset + chunk_rows, total), total)
    if total == 0 and on_progress is not None:
        on_progress(0, 0)
    if rejects:
        store.quarantine(stored.id, report, rejects)
    result.quarantined = len(rejects)
    result.by_type = dict(by_type.most_common())
    result.by_sector = dict(by_sector.most_common())
    return result
