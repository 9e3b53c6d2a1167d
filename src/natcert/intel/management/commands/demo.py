"""``natcert demo``: a working instance with a demo constituency and events, then serve it."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from natcert.intel.console import console_for, counts_table
from natcert.intel.demo import (
    constituency_pool,
    data_dir,
    demo_anchor,
    ensure_admin,
    ingest_demo_reports,
    totals,
    write_demo_reports,
)


class Command(BaseCommand):
    help = (
        "Bring up a demo instance: migrate the database, load a demo constituency (CERTs, "
        "sectors, organisations, prefixes, domains), generate reports in real feed formats "
        "(URLhaus, Feodo Tracker, Spamhaus DROP, blocklist.de, DataPlane, OpenPhish, "
        "Shadowserver) under DATA_DIR/demo-reports/, ingest them, print a summary, create the "
        "'admin' account (random password in DATA_DIR/admin-password) and serve the portal. "
        "Safe to run again: nothing is added twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="stop after the summary instead of serving the portal",
        )
        parser.add_argument(
            "--country",
            default="PK",
            help="ISO 3166-1 alpha-2 code of the demo constituency (default PK)",
        )
        parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
        parser.add_argument("--port", type=int, default=8000, help="port to serve on")

    def handle(self, *args: Any, **options: Any) -> None:
        from natcert.constituency.demo import load_demo_constituency

        console = console_for(self.stdout)
        country = options["country"].upper()
        console.print(f"natcert demo: data directory {data_dir()}")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            load_demo_constituency(country)
        except (KeyError, ValueError) as exc:
            raise CommandError(f"--country {country}: {exc}") from None
        directory = data_dir() / "demo-reports"
        pool = constituency_pool(country, demo_anchor(directory))
        reports = write_demo_reports(directory, pool)
        console.print(f"{len(reports)} demo reports in {directory}")
        run = ingest_demo_reports(reports)
        for name, counts in totals().items():
            unit = "rows" if name.startswith("quarantined") else "events"
            label = name.split(" by ")[-1]
            console.print(counts_table(name, counts, label=label, unit=unit, empty="unassigned"))
        console.print(
            f"this run added {run.added_events:,} event(s) and "
            f"{run.added_quarantined:,} quarantined row(s)"
        )
        if run.skipped_feeds:
            console.print(
                f"[yellow]skipped (feed or parser not available):[/yellow] "
                f"{', '.join(run.skipped_feeds)}"
            )
        password_file, created = ensure_admin(data_dir())
        verb = "created" if created else "exists"
        console.print(f"admin account {verb}: user 'admin', password in {password_file}")
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
