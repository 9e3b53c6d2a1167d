"""``natcert fetch FEED``: download a feed over HTTP (conditional GET) and ingest it."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from natcert.intel.access import access_feed_state
from natcert.intel.actions import do_record_feed_error, do_record_feed_not_modified
from natcert.intel.checks import require_intel_tables
from natcert.intel.console import console_for, progress_for
from natcert.intel.ingest import Ingestor
from natcert.intel.management.commands.ingest import print_summary
from natcert.pipeline.collectors import CollectorError
from natcert.pipeline.collectors.http import HttpState, fetch_feed
from natcert.pipeline.feeds import load_catalogue


class Command(BaseCommand):
    help = (
        "Fetch one catalogue feed over HTTP(S) and ingest the report. Sends the stored ETag / "
        "Last-Modified so an unchanged feed costs one 304 answer; unchanged bytes add nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("feed", help="catalogue feed name (see `natcert feeds list`)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="fetch and parse, but store nothing and keep the HTTP state",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        require_intel_tables()
        catalogue = load_catalogue()
        feed = catalogue.get(options["feed"])
        if feed is None:
            raise CommandError(f"no feed {options['feed']!r}; known: {', '.join(catalogue)}")
        dry_run = options["dry_run"]
        state = access_feed_state(None, feed.name)
        try:
            fetched = fetch_feed(
                feed, HttpState(state.etag, state.last_modified) if state else None
            )
        except CollectorError as exc:
            if not dry_run:
                do_record_feed_error(feed.name, str(exc), actor=None)
            raise CommandError(f"{feed.name}: {exc}") from None
        console = console_for(self.stdout)
        if fetched.report is None:  # 304 Not Modified
            if not dry_run:
                do_record_feed_not_modified(feed.name, actor=None)
            self.stdout.write(
                json.dumps({"feed": feed.name, "not_modified": True})
                if options["json"]
                else f"{feed.name}: not modified"
            )
            return
        ingestor = Ingestor(feed, dry_run=dry_run)
        with progress_for(console) as progress:
            ingestor.ingest(
                fetched.report,
                on_progress=progress,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
            )
        if options["json"]:
            self.stdout.write(json.dumps(ingestor.summary.as_json()))
        else:
            print_summary(console, ingestor.summary, None)
