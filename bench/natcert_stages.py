"""natcert's pipeline stages on one URLhaus report, timed one by one and then end to end.

Django-free: only ``natcert.pipeline.*`` is imported. The constituency is the demo's: every
Pakistan prefix of the geoip2fast data (``experts.geo.country_prefixes("PK")``) belongs to an
organisation named after its AS, and each organisation owns the domain
``<as-name-slug>.com.pk`` (see :func:`urlhaus_data.domain_for`).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

import urlhaus_data
from natcert.pipeline.experts import dedup, geo, ownership
from natcert.pipeline.feeds import Feed, load_catalogue
from natcert.pipeline.outputs import files
from natcert.pipeline.outputs.memory import MemoryReportStore
from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.ports import WriteResult
from natcert.pipeline.report import Report
from natcert.pipeline.runner import run_report
from natcert.pipeline.schema.catalogue import UTC_DATETIME
from natcert.pipeline.schema.validate import validate

FEED = "abusech-urlhaus-csv"
PARSER = "abusech.urlhaus_csv"
SECTOR = "telecom"


def demo_prefixes() -> list[tuple[str, str]]:
    """``(cidr, as_name)`` of every Pakistan prefix in the geoip2fast data."""
    return list(geo.country_prefixes("PK"))


def ownership_index(prefixes: Sequence[tuple[str, str]]) -> Any:
    """An ``OwnershipIndex``: prefixes and domains → organisations named after their AS
    (organisation key = the AS name's slug, sector ``telecom``)."""
    names = {urlhaus_data.slug(name): name for _, name in prefixes if name}
    owners = {
        key: ownership.Owner(organisation=key, sector=SECTOR, organisation_name=name)
        for key, name in names.items()
    }
    return ownership.OwnershipIndex.build(
        prefixes=[(cidr, urlhaus_data.slug(name)) for cidr, name in prefixes if name],
        asns=[],
        domains=[(urlhaus_data.domain_for(name), key) for key, name in names.items()],
        owners=owners,
    )


def feed() -> Feed:
    """The catalogue's URLhaus CSV feed (or an equivalent when the catalogue lacks it)."""
    catalogue = load_catalogue()
    if FEED in catalogue:
        return catalogue[FEED]
    return Feed(
        name=FEED,
        provider="abuse.ch",
        title="URLhaus recent URLs (CSV)",
        url="https://urlhaus.abuse.ch/downloads/csv_recent/",
        parser=PARSER,
        schedule="1h",
        tlp="TLP:CLEAR",
        doc_url="https://urlhaus.abuse.ch/api/",
    )


def collect(path: Path, source: Feed) -> Report:
    """Read the report with natcert's file collector (no size limit: the bench's report may
    be larger than the collector's default cap)."""
    from natcert.pipeline.collectors.file import collect_file

    size = path.stat().st_size
    return collect_file(path, feed=source.name, provider=source.provider, max_bytes=size + 1)


def with_provenance(batch: pl.DataFrame, report: Report, source: Feed) -> pl.DataFrame:
    """What the runner adds before validation: ``feed.*``, ``time.observation``, ``tlp``."""
    return batch.with_columns(
        pl.lit(source.name).alias("feed.name"),
        pl.lit(source.provider).alias("feed.provider"),
        pl.lit(source.url).alias("feed.url"),
        pl.lit(report.observed, dtype=UTC_DATETIME).alias("time.observation"),
        pl.lit(source.tlp).alias("tlp"),
    )


class JsonlSink:
    """An ``EventSink`` appending batches to one JSON Lines file. Like a store, it skips
    events whose ``_hash`` it already wrote (the runner deduplicates within a chunk only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen = pl.Series(dedup.HASH, [], dtype=pl.String)
        path.write_bytes(b"")

    def write_events(self, report_id: int, batch: pl.DataFrame) -> WriteResult:
        fresh = batch
        if self.seen.len():
            fresh = batch.filter(~pl.col(dedup.HASH).is_in(self.seen.implode()))
        self.seen = pl.concat([self.seen, fresh.get_column(dedup.HASH)])
        with self.path.open("ab") as out:
            files.write_jsonl(fresh, out)
        return WriteResult(inserted=fresh.height, duplicates=batch.height - fresh.height)


def experts(index: Any) -> list[Any]:
    return [geo.GeoExpert(), ownership.OwnershipExpert(index), dedup.DedupExpert()]


Progress = Callable[[str], None]


def profiled(work: Callable[[], Any], top: int = 10) -> tuple[Any, str]:
    """``work()`` under cProfile: (its value, a report as text). The report lists natcert's
    functions by cumulative time, then the heaviest calls by own time (polars' native work
    shows up as ``collect`` of ``PyLazyFrame``, under the natcert function that triggered it).
    """
    profile = cProfile.Profile()
    value = profile.runcall(work)
    parts = []
    for order, restriction in (("cumulative", r"natcert[/\\]"), ("tottime", "")):
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text).sort_stats(order)
        stats.print_stats(restriction, top) if restriction else stats.print_stats(top // 2)
        lines = [line for line in text.getvalue().splitlines() if line.strip()]
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        parts.append(f"-- by {order} --\n" + "\n".join(lines[start:]))
    return value, "\n".join(parts).replace(str(Path.cwd()) + "/", "")


Step = Callable[[str, int, Callable[[], Any]], Any]


def _one_by_one(
    step: Step, path: Path, source: Feed, parser: Any, stage_experts: Sequence[Any], workdir: Path
) -> None:
    """Each stage timed on its own; intermediates are freed on return."""
    geo_expert, owner_expert, dedup_expert = stage_experts
    report = step("collect (file)", -1, lambda: collect(path, source))
    parsed = step("parse", -1, lambda: parser.parse(report))
    batch = parsed.events
    checked = step(
        "validate", batch.height, lambda: validate(with_provenance(batch, report, source))
    )
    located = step("geo", checked.events.height, lambda: geo_expert.process(checked.events))
    owned = step("ownership", located.height, lambda: owner_expert.process(located))
    unique = step("dedup", owned.height, lambda: dedup_expert.process(owned))
    out = workdir / "natcert-events.jsonl"
    step("output (JSON Lines)", unique.height, lambda: files.write_file(unique, out))


def run(
    raw: bytes,
    rows: int,
    prefixes: Sequence[tuple[str, str]],
    workdir: Path,
    progress: Progress,
    profiles: dict[str, str] | None = None,
) -> tuple[list[Any], str]:
    """Time each stage on the report ``raw`` (``rows`` data rows); returns the bench ``Row``s
    and what the end-to-end run did (events written, duplicates, quarantined rows).

    With ``profiles`` (a dict), each stage also runs under cProfile and its report is stored
    there by stage name (the times then include the profiler's overhead).
    """
    from pipeline import Row

    source, results = feed(), []
    path = workdir / "urlhaus.csv"
    path.write_bytes(raw)
    progress("natcert: building the ownership index …")
    started = time.perf_counter()
    index = ownership_index(prefixes)
    geo_expert, owner_expert, dedup_expert = experts(index)
    geo_expert.process(pl.DataFrame({"source.ip": ["39.32.0.1"]}))  # loads its tables once
    results.append(
        Row("natcert", "setup (index, parsers)", len(prefixes), time.perf_counter() - started)
    )
    parser = get_parser(PARSER)

    def step(stage: str, n: int, work: Callable[[], Any]) -> Any:
        progress(f"natcert {stage} …")
        begun = time.perf_counter()
        if profiles is None:
            value = work()
        else:
            value, profiles[stage] = profiled(work)
        results.append(Row("natcert", stage, rows if n < 0 else n, time.perf_counter() - begun))
        return value

    _one_by_one(step, path, source, parser, (geo_expert, owner_expert, dedup_expert), workdir)
    results.append(Row("natcert", "sum of stages", rows, sum(r.seconds for r in results[1:])))

    def end_to_end() -> Any:
        return run_report(
            collect(path, source),
            source,
            parser=parser,
            experts=experts(index),
            store=MemoryReportStore(),
            sink=JsonlSink(workdir / "e2e.jsonl"),
        )

    outcome = step("end to end (run_report)", rows, end_to_end)
    summary = (
        f"end to end: {outcome.events:,} events written, {outcome.duplicates:,} duplicates, "
        f"{outcome.quarantined:,} quarantined"
    )
    progress(summary)
    if outcome.events + outcome.duplicates + outcome.quarantined != rows or outcome.quarantined:
        progress("WARNING: the end-to-end run did not turn every row into an event")
    return results, summary
