"""PhishTank verified online phishing URLs (``online-valid.json``).

The database dump (https://phishtank.org/developer_info.php) is a JSON array of objects:
``phish_id``, ``url``, ``phish_detail_url``, ``submission_time``, ``verified``,
``verification_time``, ``online``, ``target`` and ``details`` (a list of ``ip_address``,
``cidr_block``, ``announcing_network``, ``rir``, ``country``, ``detail_time``); the first
detail is used. ``time.source`` is the verification time (ISO 8601 with offset).
"""

from __future__ import annotations

import polars as pl

from natcert.pipeline.parsers._common import (
    RAW,
    add_url_host,
    check_rows,
    extra_column,
    is_url,
    normalize_ip,
    normalize_network,
    parse_time,
    parsed,
    read_json_records,
    records_frame,
    shown,
)
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Report

_KEYS = {
    "source.url": "url",
    "event_description.url": "phish_detail_url",
    "event_description.target": "target",
    "_verified_at": "verification_time",
    "_submitted_at": "submission_time",
    "_ip": "details.0.ip_address",
    "_network": "details.0.cidr_block",
    "_asn": "details.0.announcing_network",
    "source.geolocation.cc": "details.0.country",
    "phish_id": "phish_id",
    "rir": "details.0.rir",
    "online": "online",
    "verified": "verified",
    "submission_time": "submission_time",
}


@register
class PhishTankParser(Parser):
    """PhishTank ``online-valid.json``: verified phishing URLs that are online."""

    name = "phishtank.online_valid"
    description = "PhishTank verified online phishing URLs (JSON dump)"
    doc_url = "https://phishtank.org/developer_info.php"

    def parse(self, report: Report) -> ParsedBatch:
        records, rejects = read_json_records(report.text(), ())
        frame = records_frame(records, _KEYS).with_columns(
            pl.coalesce(
                parse_time(pl.col("_verified_at")), parse_time(pl.col("_submitted_at"))
            ).alias("time.source")
        )
        reason = pl.format("'{}' is not a URL", shown(pl.col("source.url")))
        good, bad = check_rows(frame, [(~is_url(pl.col("source.url")), reason)])
        good = add_url_host(good, "source.url")
        events = good.select(
            "source.url",
            "source.fqdn",
            pl.coalesce("source.ip", normalize_ip(pl.col("_ip"))).alias("source.ip"),
            "source.port",
            normalize_network(pl.col("_network")).alias("source.network"),
            pl.col("_asn").cast(pl.Int64, strict=False).alias("source.asn"),
            "source.geolocation.cc",
            "event_description.url",
            "event_description.target",
            "time.source",
            pl.lit("fraud").alias("classification.taxonomy"),
            pl.lit("phishing").alias("classification.type"),
            extra_column(["phish_id", "rir", "online", "verified", "submission_time"]),
            LINE,
            RAW,
        )
        return parsed(events, rejects, bad)
