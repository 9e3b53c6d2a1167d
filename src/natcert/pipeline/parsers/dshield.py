"""DShield (SANS Internet Storm Center) block list and AS details.

* ``block.txt`` (https://feeds.dshield.org/block.txt): the top 20 attacking /24 subnets of the
  last three days; ``#`` comments, then a tab-separated header row
  ``Start End Netblock Attacks Name Country email`` and one row per subnet. Classified
  information-gathering / scanner (the count is of targets reporting scans).
* AS details (https://dshield.org/asdetailsascii.html?as=N): ``#`` comments, then
  ``source IP <tab> Reports <tab> Targets <tab> First Seen <tab> Last Seen <tab> Updated``;
  the IP is zero-padded (``109.230.155.061``) and is unpadded here.
"""

from __future__ import annotations

import polars as pl

from natcert.pipeline.parsers._common import (
    RAW,
    check_rows,
    extra_column,
    lines_frame,
    normalize_ip,
    normalize_network,
    parse_time,
    parsed,
    shown,
    split_csv,
)
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Report

BLOCK_COLUMNS = ("start", "end", "netblock", "attacks", "name", "country", "email")
AS_COLUMNS = ("ip", "reports", "targets", "first_seen", "last_seen", "updated")
SCANNER = (
    pl.lit("information-gathering").alias("classification.taxonomy"),
    pl.lit("scanner").alias("classification.type"),
)


def _blank_null(column: str) -> pl.Expr:
    value = pl.col(column).str.strip_chars()
    return pl.when(value != "").then(value)


@register
class DShieldBlockParser(Parser):
    """DShield recommended block list: the most active attacking /24 networks."""

    name = "dshield.block"
    description = "DShield top 20 attacking /24 subnets (block.txt)"
    doc_url = "https://feeds.dshield.org/block.txt"

    def parse(self, report: Report) -> ParsedBatch:
        lines = lines_frame(report.text())
        header = pl.col(RAW).str.to_lowercase().str.starts_with("start\t")
        frame, ragged = split_csv(lines.filter(~header), BLOCK_COLUMNS, separator="\t")
        cidr = pl.format("{}/{}", pl.col("start").str.strip_chars(), pl.col("netblock"))
        frame = frame.with_columns(normalize_network(cidr).alias("source.network"))
        reason = pl.format("'{}' is not a network start and prefix length", shown(cidr))
        good, bad = check_rows(frame, [(pl.col("source.network").is_null(), reason)])
        events = good.select(
            "source.network",
            *SCANNER,
            _blank_null("country").alias("source.geolocation.cc"),
            _blank_null("email").alias("source.abuse_contact"),
            extra_column({"attacks": "attacks", "name": "network_name"}),
            LINE,
            RAW,
        )
        return parsed(events, ragged, bad)


@register
class DShieldASParser(Parser):
    """DShield AS details: attacking addresses of one autonomous system."""

    name = "dshield.asdetails"
    description = "DShield attacking addresses per AS (asdetailsascii)"
    doc_url = "https://dshield.org/asdetailsascii.html"

    def parse(self, report: Report) -> ParsedBatch:
        frame, ragged = split_csv(lines_frame(report.text()), AS_COLUMNS, separator="\t")
        unpadded = pl.col("ip").str.strip_chars().str.replace_all(r"(^|\.)0+([0-9])", "$1$2")
        frame = frame.with_columns(
            normalize_ip(unpadded).alias("source.ip"),
            parse_time(pl.col("last_seen")).alias("time.source"),
        )
        reason = pl.format("'{}' is not an IPv4 address", shown(pl.col("ip")))
        good, bad = check_rows(frame, [(pl.col("source.ip").is_null(), reason)])
        events = good.select(
            "source.ip",
            "time.source",
            *SCANNER,
            extra_column(["reports", "targets", "first_seen", "updated"]),
            LINE,
            RAW,
        )
        return parsed(events, ragged, bad)
