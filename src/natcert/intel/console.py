"""Rich console helpers shared by the intel management commands (tables, progress)."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO

from django.core.management.base import OutputWrapper
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


def console_for(stream: OutputWrapper) -> Console:
    """A rich console writing to a command's ``self.stdout``; colours and progress bars only
    when it is a terminal."""
    # Django's wrapper appends a newline to every write(); rich needs the raw stream.
    target: IO[str] = getattr(stream, "_out", sys.stdout)
    # Piped output (files, CI logs, tests) is not cut at 80 columns.
    width = None if target.isatty() else 200
    return Console(file=target, highlight=False, width=width)


def counts_table(
    title: str,
    counts: Mapping[str, int],
    *,
    label: str,
    unit: str = "events",
    empty: str = "(none)",
) -> Table:
    """A two-column table of ``counts`` (largest first) with a total row; ``empty`` names
    the blank key."""
    table = Table(title=title, title_justify="left", show_footer=len(counts) > 1)
    table.add_column(label, footer="total")
    table.add_column(unit, justify="right", footer=f"{sum(counts.values()):,}")
    for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(key or empty, f"{value:,}")
    return table


class ProgressReporter:
    """A progress bar over reports; the runner's row counts show in its description."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.task = progress.add_task("starting", total=None) if progress else None
        self.name = ""

    def start(self, name: str) -> None:
        """A new report begins."""
        self.name = name
        self._describe(name)

    def set_total(self, total: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, total=total)

    def advance(self) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)

    def __call__(self, done: int, total: int) -> None:
        """``on_progress(done, total)`` for ``run_report``: rows processed of rows parsed."""
        self._describe(f"{self.name}: {done:,}/{total:,} rows")

    def _describe(self, text: str) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, description=text)


@contextmanager
def progress_for(console: Console) -> Iterator[ProgressReporter]:
    """A live bar when ``console`` is a terminal, a silent reporter otherwise."""
    if not console.is_terminal:
        yield ProgressReporter(None)
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield ProgressReporter(progress)
