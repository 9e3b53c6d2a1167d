"""blocklist.de attacker lists: one IP address per line, one list per attacked service.

The lists (https://www.blocklist.de/en/export.html) are plain text at
``https://lists.blocklist.de/lists/<service>.txt``; the file name says which service the
addresses attacked in the last 48 hours, so the parser reads it from the report's URL (or
name) to classify the events. An unknown or missing name gives other / blacklist.
"""

from __future__ import annotations

import re

import polars as pl

from natcert.pipeline.parsers._common import RAW, parsed, read_ip_list
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Report

BRUTE_FORCE = ("intrusion-attempts", "brute-force")
LISTS: dict[str, tuple[str, str, str | None]] = {
    "ssh": (*BRUTE_FORCE, "ssh"),
    "imap": (*BRUTE_FORCE, "imap"),
    "ftp": (*BRUTE_FORCE, "ftp"),
    "sip": (*BRUTE_FORCE, "sip"),
    "mail": (*BRUTE_FORCE, "smtp"),
    "bruteforcelogin": (*BRUTE_FORCE, None),
    "strongips": (*BRUTE_FORCE, None),
    "apache": ("intrusion-attempts", "exploit", "http"),
    "bots": ("abusive-content", "spam", "http"),
    "ircbot": ("malicious-code", "infected-system", "irc"),
    "all": ("other", "blacklist", None),
}
"""List name → (RSIT taxonomy, RSIT type, protocol.application)."""
_NAME = re.compile(r"([A-Za-z]+)\.txt(?:$|[?#])")


def list_name(report: Report) -> str:
    """The blocklist.de list of ``report`` (``ssh``, ``imap``, ...) from its URL or name."""
    for where in (report.url, report.name):
        match = _NAME.search(where or "")
        if match:
            return match.group(1).lower()
    return ""


@register
class BlocklistDeParser(Parser):
    """One of the blocklist.de per-service lists of attacking IP addresses."""

    name = "blocklistde.list"
    description = "blocklist.de: addresses that attacked a service (ssh, mail, imap, ...)"
    doc_url = "https://www.blocklist.de/en/export.html"

    def parse(self, report: Report) -> ParsedBatch:
        frame, rejects = read_ip_list(report.text())
        kind = list_name(report)
        taxonomy, type_, application = LISTS.get(kind, ("other", "blacklist", None))
        events = frame.select(
            "source.ip",
            pl.lit(taxonomy).alias("classification.taxonomy"),
            pl.lit(type_).alias("classification.type"),
            pl.lit(application, dtype=pl.String).alias("protocol.application"),
            pl.lit(kind or None, dtype=pl.String).alias("classification.identifier"),
            LINE,
            RAW,
        )
        return parsed(events, rejects)
