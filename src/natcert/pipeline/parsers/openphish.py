"""OpenPhish phishing URLs: the free ``feed.txt`` and the commercial JSON-lines feed.

* Community feed https://openphish.com/feed.txt: one URL per line.
* Premium/commercial feed (https://openphish.com/phishing_feeds.html): one JSON object per
  line with ``url``, ``host``, ``ip``, ``asn`` (``AS13335``), ``asn_name``, ``country_code``,
  ``brand``, ``sector``, ``isotime`` (ISO 8601 UTC) and more.

Every event is fraud / phishing; the host of the URL gives ``source.fqdn`` or ``source.ip``.
"""

from __future__ import annotations

import polars as pl

from natcert.pipeline.parsers._common import (
    RAW,
    add_url_host,
    check_rows,
    extra_column,
    is_url,
    lines_frame,
    normalize_ip,
    parse_time,
    parsed,
    read_json_records,
    records_frame,
    shown,
)
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Report

PHISHING = (
    pl.lit("fraud").alias("classification.taxonomy"),
    pl.lit("phishing").alias("classification.type"),
)


def _not_url(column: str) -> tuple[pl.Expr, pl.Expr]:
    return ~is_url(pl.col(column)), pl.format("'{}' is not a URL", shown(pl.col(column)))


@register
class OpenPhishParser(Parser):
    """OpenPhish community feed: one phishing URL per line."""

    name = "openphish.feed"
    description = "OpenPhish community feed of phishing URLs (text)"
    doc_url = "https://openphish.com/phishing_feeds.html"

    def parse(self, report: Report) -> ParsedBatch:
        lines = lines_frame(report.text())
        frame = lines.with_columns(pl.col(RAW).str.strip_chars().alias("source.url"))
        good, rejects = check_rows(frame, [_not_url("source.url")])
        good = add_url_host(good, "source.url")
        events = good.select(
            "source.url", "source.fqdn", "source.ip", "source.port", *PHISHING, LINE, RAW
        )
        return parsed(events, rejects)


_COMMERCIAL = {
    "source.url": "url",
    "_host": "host",
    "_ip": "ip",
    "_asn": "asn",
    "source.as_name": "asn_name",
    "source.geolocation.cc": "country_code",
    "event_description.target": "brand",
    "_time": "isotime",
    "sector": "sector",
    "family_id": "family_id",
    "phishing_kit": "phishing_kit",
    "emails": "emails",
}


@register
class OpenPhishCommercialParser(Parser):
    """OpenPhish premium feed: one JSON object per phishing URL."""

    name = "openphish.commercial"
    description = "OpenPhish premium phishing feed (JSON lines)"
    doc_url = "https://openphish.com/phishing_feeds.html"

    def parse(self, report: Report) -> ParsedBatch:
        records, rejects = read_json_records(report.text(), ())
        frame = records_frame(records, _COMMERCIAL).with_columns(
            parse_time(pl.col("_time")).alias("time.source")
        )
        good, bad = check_rows(frame, [_not_url("source.url")])
        good = add_url_host(good, "source.url")
        asn = pl.col("_asn").str.strip_chars().str.strip_prefix("AS").cast(pl.Int64, strict=False)
        emails = pl.when(pl.col("emails") != "[]").then(pl.col("emails"))
        events = good.with_columns(emails.alias("emails")).select(
            "source.url",
            pl.coalesce(pl.col("_host").str.to_lowercase(), "source.fqdn").alias("source.fqdn"),
            pl.coalesce(normalize_ip(pl.col("_ip")), "source.ip").alias("source.ip"),
            "source.port",
            asn.alias("source.asn"),
            "source.as_name",
            "source.geolocation.cc",
            "event_description.target",
            "time.source",
            *PHISHING,
            extra_column(["sector", "family_id", "phishing_kit", "emails"]),
            LINE,
            RAW,
        )
        return parsed(events, rejects, bad)
