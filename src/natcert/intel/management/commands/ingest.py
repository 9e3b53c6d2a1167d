"""``natcert ingest PATH --feed NAME``: run report files through the pipeline."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from natcert.intel.checks import require_intel_tables
from natcert.intel.console import console_for, counts_table, progress_for
from natcert.intel.ingest import Ingestor, IngestSummary, report_files
from natcert.pipeline.collectors import CollectorError
from natcert.pipeline.feeds import load_catalogue
from natcert.pipeline.outputs.files import file_format


class Command(BaseCommand):
    help = (
        "Ingest report files of one catalogue feed: store each file raw, parse it, quarantine "
        "bad rows with a reason, enrich (taxonomy, country/ASN, owner), de-duplicate and "
        "store the events. Re-ingesting the same file adds nothing. "
        "Example: natcert ingest drop.txt --feed spamhaus-drop-v4"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "path", type=Path, help="a report file, or a directory whose files are all reports"
        )
        parser.add_argument(
            "--feed",
            required=True,
            help="catalogue feed name (see `natcert feeds list`); selects the parser",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="parse and enrich in memory only; write nothing to the database",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print one JSON object (events, quarantined, duplicates, "
            "by_type, by_sector, files) instead of tables",
        )
        parser.add_argument(
            "--output",
            type=Path,
            metavar="FILE",
            help="also write the normalized events (dotted field names) to FILE: "
            "JSON Lines for .jsonl/.ndjson, CSV for .csv",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        require_intel_tables()
        catalogue = load_catalogue()
        feed = catalogue.get(options["feed"])
        if feed is None:
            raise CommandError(f"no feed {options['feed']!r}; known: {', '.join(catalogue)}")
        output: Path | None = options["output"]
        if output is not None:
            try:
                file_format(output)
            except ValueError as exc:
                raise CommandError(f"--output: {exc}") from None
            if not output.parent.is_dir():  # say so before anything is stored
                raise CommandError(f"--output {output}: folder {output.parent} does not exist")
        try:
            paths = report_files(options["path"])
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        ingestor = Ingestor(feed, dry_run=options["dry_run"], keep_batches=output is not None)
        console = console_for(self.stdout)
        try:
            ingest_with_progress(ingestor, paths, console)
        except CollectorError as exc:
            raise CommandError(str(exc)) from None
        if output is not None:
            write_output(ingestor, output)
        summary = ingestor.summary
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_json()))
        else:
            print_summary(console, summary, output)


def ingest_with_progress(ingestor: Ingestor, paths: list[Path], console: Console) -> None:
    """Ingest ``paths`` one by one under a progress bar (shown only on a terminal)."""
    with progress_for(console) as progress:
        progress.set_total(len(paths))
        for path in paths:
            progress.start(path.name)
            ingestor.ingest_files([path], on_progress=progress)
            progress.advance()


def write_output(ingestor: Ingestor, output: Path) -> int:
    """Write the ingested batches to ``output`` with dotted names (internal columns dropped
    by the writer); returns rows written. Raises ``CommandError`` when it cannot write."""
    import polars as pl

    from natcert.pipeline.outputs.files import write_file

    batch = (
        pl.concat(ingestor.batches, how="diagonal_relaxed") if ingestor.batches else pl.DataFrame()
    )
    try:
        return write_file(batch, output)
    except (OSError, ValueError) as exc:
        raise CommandError(f"--output {output}: {exc}") from None


def print_summary(console: Console, summary: IngestSummary, output: Path | None) -> None:
    mode = " (dry run: nothing stored)" if summary.dry_run else ""
    verb = "would be stored" if summary.dry_run else "stored"
    console.print(
        f"[bold]{summary.feed}[/bold]{mode}: {summary.reports} report(s), "
        f"{summary.new_reports} new; {summary.events:,} event(s) {verb}, "
        f"{summary.duplicates:,} duplicate(s), {summary.quarantined:,} row(s) quarantined"
    )
    if summary.by_type:
        console.print(counts_table("by classification.type", summary.by_type, label="type"))
    if summary.by_sector:
        console.print(counts_table("by constituency.sector", summary.by_sector, label="sector"))
    for entry in summary.files:
        for example in entry["quarantine_examples"]:
            whole = " (the whole file)" if example["line"] is None else ""
            console.print(
                f"  quarantined in {entry['name']}{whole}: {example['reason']}",
                markup=False,
                highlight=False,
            )
        hidden = entry["quarantined"] - len(entry["quarantine_examples"])
        if hidden > 0:
            console.print(
                f"  ... and {hidden:,} more quarantined row(s) in {entry['name']}",
                markup=False,
                highlight=False,
            )
    if output is not None:
        console.print(f"events written to {output}")
