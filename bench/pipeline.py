"""Benchmark natcert's feed pipeline on URLhaus rows, with IntelMQ as the reference.

Usage: ``python bench/pipeline.py [--rows N] [--intelmq-rows M] [--seed S] [--json] [--profile]``

1. Generates ``N`` URLhaus ``csv_recent`` rows (default 1,000,000) whose hosts lie in the demo
   constituency: Pakistan's prefixes from the geoip2fast data, one organisation per AS name.
2. Runs natcert stage by stage, timing each: collect (file collector) → parse
   (``abusech.urlhaus_csv``) → validate → geo → ownership → dedup → JSON Lines file; then the
   whole path once more through ``run_report`` (end to end, as the scheduler runs it).
3. Runs IntelMQ's bots on the first ``M`` rows (default 20,000; 0 skips it), see
   :mod:`intelmq_ref`, and prints the speed-up.

Figures go to standard output as a table (or one JSON object with ``--json``); progress goes
to standard error. Django is never imported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import intelmq_ref
import natcert_stages
import urlhaus_data


@dataclass(frozen=True)
class Row:
    """One line of the result table; ``rows`` is what the stage read."""

    system: str
    stage: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _timed(system: str, stage: str, rows: int, work: Callable[[], Any]) -> tuple[Row, Any]:
    started = time.perf_counter()
    result = work()
    return Row(system, stage, rows, time.perf_counter() - started), result


def run_intelmq(raw: bytes, workdir: Path) -> tuple[list[Row], str]:
    """IntelMQ rows (per bot, then the chain), or no rows and the reason it was skipped."""
    if not intelmq_ref.intelmq_available():
        return [], "IntelMQ is not installed (uv sync --group bench)"
    timings = intelmq_ref.run(raw, workdir, progress=_log)
    rows = [Row("intelmq", t.bot, t.rows_in, t.seconds) for t in timings]
    total = sum(t.seconds for t in timings)
    rows.append(Row("intelmq", f"chain ({len(timings)} bots)", timings[0].rows_in, total))
    note = "" if any(t.bot == "deduplicator" for t in timings) else "Redis down: no deduplicator"
    return rows, note


def format_table(rows: list[Row]) -> str:
    """The rows as an aligned text table: system, stage, rows, seconds, events/s."""
    header = f"{'system':<8} {'stage':<24} {'rows':>10} {'seconds':>9} {'events/s':>12}"
    lines = [header, "-" * len(header)]
    for row in rows:
        rate = "-" if row.stage.startswith("setup") else f"{row.rate:,.0f}"
        lines.append(
            f"{row.system:<8} {row.stage:<24} {row.rows:>10,} {row.seconds:>9.3f} {rate:>12}"
        )
    return "\n".join(lines)


def speedups(rows: list[Row]) -> dict[str, float]:
    """natcert ÷ IntelMQ events/s: parser vs parser, end to end vs the bot chain."""
    by = {(r.system, r.stage.split(" ")[0]): r.rate for r in rows}
    pairs = {
        "parser": (("natcert", "parse"), ("intelmq", "parser")),
        "end to end": (("natcert", "end"), ("intelmq", "chain")),
    }
    return {
        name: by[ours] / by[theirs]
        for name, (ours, theirs) in pairs.items()
        if ours in by and theirs in by and by[theirs] > 0
    }


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="URLhaus rows for natcert")
    parser.add_argument(
        "--intelmq-rows",
        type=int,
        default=20_000,
        help="rows for the IntelMQ reference (0: skip it)",
    )
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated data")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--profile", action="store_true", help="run natcert's stages under cProfile and print it"
    )
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Generate the data, run natcert then IntelMQ; the figures as a JSON-ready dict."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="natcert-bench-") as tmp:
        workdir = Path(tmp)
        prefixes = natcert_stages.demo_prefixes()
        _log(f"generating {args.rows:,} URLhaus rows in {len(prefixes):,} PK prefixes …")
        pool = urlhaus_data.constituency(prefixes)
        gen, table = _timed(
            "data", "generate", args.rows, lambda: urlhaus_data.frame(pool, args.rows, args.seed)
        )
        profiles: dict[str, str] | None = {} if args.profile else None
        raw = urlhaus_data.render(table)
        stages, end_to_end = natcert_stages.run(raw, args.rows, prefixes, workdir, _log, profiles)
        rows = [gen, *stages]
        del raw
        natcert_rss = peak_rss_mib()
        note = "skipped (--intelmq-rows 0)"
        if args.intelmq_rows > 0:
            if args.intelmq_rows > args.rows:
                table = urlhaus_data.frame(pool, args.intelmq_rows, args.seed)
            subset = urlhaus_data.render(table.head(args.intelmq_rows))
            intelmq_rows, note = run_intelmq(subset, workdir)
            rows += intelmq_rows
    return {
        "rows": args.rows,
        "intelmq_rows": args.intelmq_rows,
        "table": rows,
        "stages": [
            {**asdict(r), "events_per_second": r.rate if r.seconds > 0 else None} for r in rows
        ],
        "peak_rss_mib_natcert": round(natcert_rss, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "speedup": speedups(rows),
        "note": note,
        "end_to_end": end_to_end,
        "cpus": os.cpu_count(),
        "load_average_at_start": round(load, 2),
        "profiles": profiles or {},
    }


def report(result: dict[str, Any]) -> str:
    """The figures as text: the table, the machine, peak RSS, speed-ups, profiles."""
    lines = [
        format_table(result["table"]),
        "",
        f"{result['cpus']} CPUs, load average {result['load_average_at_start']:.2f} at start "
        "(other processes skew the times)",
        f"peak RSS: {result['peak_rss_mib_natcert']:,.0f} MiB after natcert, "
        f"{result['peak_rss_mib']:,.0f} MiB overall",
    ]
    lines.append(f"natcert {result['end_to_end']}")
    lines += [f"speed-up over IntelMQ ({k}): {v:,.0f}×" for k, v in result["speedup"].items()]
    if result["note"]:
        lines.append(f"IntelMQ: {result['note']}")
    for stage, text in result["profiles"].items():
        lines.append(f"\n== cProfile: natcert {stage} ==\n{text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    result = measure(args)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "table"}, indent=2))
    else:
        print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
