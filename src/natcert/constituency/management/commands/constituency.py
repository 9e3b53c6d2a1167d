"""``natcert constituency import|export``: the registry as YAML or CSV files.

File formats: :mod:`natcert.constituency.interchange.yaml_format` and
:mod:`natcert.constituency.interchange.csv_format` (also in the app's README).
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from natcert.constituency.actions import do_import_constituency
from natcert.constituency.interchange import (
    FORMATS,
    RegistryFileError,
    snapshot_registry,
    write_registry,
)


def _format_of(path: str | None, given: str | None) -> str:
    if given:
        return given
    if path and Path(path).suffix.lower() == ".csv":
        return "csv"
    return "yaml"


class Command(BaseCommand):
    help = "Import or export the constituency registry (CERTs, sectors, organisations, networks)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{import,export}")
        imp = sub.add_parser(
            "import",
            help="import a YAML or CSV file (all or nothing)",
            description="Import a constituency file in one transaction. Every error is "
            "reported with its line; on any error nothing is imported. Organisations, "
            "sectors and CERTs are matched by slug; an organisation's prefixes, AS numbers, "
            "domains and contacts are replaced by those in the file.",
        )
        imp.add_argument("file", help="the file to read ('-' for standard input)")
        imp.add_argument(
            "--format",
            choices=FORMATS,
            help="file format (default: from the extension; .csv is CSV, else YAML)",
        )
        imp.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and show what would change, write nothing",
        )
        exp = sub.add_parser(
            "export",
            help="write the registry as YAML or CSV",
            description="Write the whole registry; importing the output reproduces it.",
        )
        exp.add_argument(
            "--format",
            choices=FORMATS,
            help="file format (default: from --output's extension, else YAML)",
        )
        exp.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options["file"], options["format"], options["dry_run"])
        else:
            self._export(options["output"], options["format"])

    def _import(self, path: str, fmt: str | None, dry_run: bool) -> None:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text") from None
        try:
            summary = do_import_constituency(
                text, _format_of(path, fmt), actor=None, dry_run=dry_run, source=path
            )
        except RegistryFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{path}: {error}")
            count = len(exc.errors)
            raise CommandError(
                f"nothing imported: {count} error{'s' if count != 1 else ''} in {path}"
            ) from None
        for line in summary.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("dry run: nothing was written")

    def _export(self, output: str | None, fmt: str | None) -> None:
        text = write_registry(snapshot_registry(), _format_of(output, fmt))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")
