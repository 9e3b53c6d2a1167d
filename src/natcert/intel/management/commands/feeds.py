"""``natcert feeds list [--json]``: the feed catalogue with each feed's stored state."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.table import Table

from natcert.intel.access import access_feed_states
from natcert.intel.actions import do_set_feed_enabled
from natcert.intel.checks import require_intel_tables
from natcert.intel.console import console_for
from natcert.intel.models import FeedState
from natcert.pipeline.feeds import Feed, load_catalogue


def feed_row(feed: Feed, state: FeedState | None) -> dict[str, Any]:
    """One feed as a JSON-ready dict: catalogue entry plus state (``enabled`` is the
    operator's switch when set, else the catalogue default)."""

    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "name": feed.name,
        "provider": feed.provider,
        "title": feed.title,
        "url": feed.url,
        "parser": feed.parser,
        "schedule": feed.schedule,
        "tlp": feed.tlp,
        "doc_url": feed.doc_url,
        "notes": feed.notes,
        "enabled": state.enabled if state else feed.enabled,
        "last_run": when(state.last_run) if state else None,
        "last_status": state.last_status if state else FeedState.STATUS_NEVER,
        "last_error": state.last_error if state else "",
        "reports": state.reports_total if state else 0,
        "events": state.events_total if state else 0,
        "quarantined": state.quarantined_total if state else 0,
    }


class Command(BaseCommand):
    help = (
        "The threat-feed catalogue natcert ships, with each feed's state in this instance; "
        "switch feeds on or off. Example: natcert feeds list --json"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="ACTION", parser_class=CommandParser
        )
        listing = sub.add_parser("list", help="list every catalogue feed and its state")
        listing.add_argument(
            "--json", action="store_true", help="print a JSON array of feeds instead of a table"
        )
        for action, verb in (("enable", "fetch"), ("disable", "stop fetching")):
            switch = sub.add_parser(action, help=f"{verb} a feed on schedule")
            switch.add_argument("name", help="catalogue feed name")

    def handle(self, *args: Any, **options: Any) -> None:
        require_intel_tables()
        if options["action"] in ("enable", "disable"):
            self.switch(options["name"], options["action"] == "enable")
            return
        states = access_feed_states(None)
        rows = [feed_row(feed, states.get(name)) for name, feed in load_catalogue().items()]
        if options.get("json"):
            self.stdout.write(json.dumps(rows, indent=1))
            return
        table = Table(title=f"{len(rows)} feeds", title_justify="left")
        for column in (
            "name",
            "provider",
            "parser",
            "schedule",
            "tlp",
            "enabled",
            "last run",
            "status",
            "events",
        ):
            table.add_column(column, justify="right" if column == "events" else "left")
        for row in rows:
            table.add_row(
                row["name"],
                row["provider"],
                row["parser"],
                row["schedule"],
                row["tlp"],
                "yes" if row["enabled"] else "no",
                (row["last_run"] or "")[:16],
                row["last_status"],
                f"{row['events']:,}",
            )
        console_for(self.stdout).print(table)

    def switch(self, name: str, enabled: bool) -> None:
        if name not in load_catalogue():
            raise CommandError(f"no feed {name!r} in the catalogue (see `natcert feeds list`)")
        do_set_feed_enabled(name, enabled, actor=None)
        self.stdout.write(f"{name}: {'enabled' if enabled else 'disabled'}")
