"""Microsoft Cyber Threat Intelligence Program (CTIP) infected-host feeds.

Microsoft's Digital Crimes Unit shares, with national CERTs under an agreement, the hosts
its sinkholes see talking to botnet command servers (https://www.microsoft.com/en-us/
corporate-responsibility/cybersecurity/digital-crimes-unit; CTIP data is delivered through
Interflow as a JSON array and through Azure storage as JSON lines). Both are infected
systems: ``malicious-code`` / ``infected-system``. ``microsoft.ctip`` tells the two apart by
their keys; ``microsoft.ctip_interflow`` and ``microsoft.ctip_azure`` insist on one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import polars as pl

from natcert.lib.tlp import TLP
from natcert.pipeline.parsers._common import (
    RAW,
    UTC_DATETIME,
    JsonRecord,
    extra_column,
    is_fqdn,
    normalize_ip,
    parse_time,
    read_json_records,
    records_frame,
    shown,
    take_rejects,
)
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Reject, Report, ReportError

DOC_URL = "https://www.microsoft.com/en-us/corporate-responsibility/cybersecurity"

# Interflow (JSON array, lower-case keys) → column; ``_``-prefixed columns are intermediate.
INTERFLOW = {
    "_time": "firstreporteddatetime",
    "_src": "networksourceipv4",
    "_sport": "networksourceport",
    "_dst": "networkdestinationipv4",
    "_dport": "networkdestinationport",
    "_asn": "networksourceasn",
    "_host": "hostname",
    "_code": "externalid",
    "_tlp": "tlplevel",
    "event_description.text": "description",
    "x.threat_type": "indicatorthreattype",
    "x.confidence": "confidence",
    "x.expiration": "indicatorexpirationdatetime",
    "x.user_agent": "useragent",
    "x.additional_metadata": "additionalmetadata",
}
# Azure (JSON lines, CamelCase keys, nested objects).
AZURE = {
    "_filetime": "DateTimeReceivedUtc",
    "_src": "SourceIp",
    "_sport": "SourcePort",
    "_dst": "DestinationIp",
    "_dport": "DestinationPort",
    "_asn": "SourceIpInfo.SourceIpAsnNumber",
    "_host": "HttpInfo.HttpHost",
    "_request": "HttpInfo.HttpRequest",
    "_code": "ThreatCode",
    "_family": "Malware",
    "_tlp": "TLP",
    "source.as_name": "SourceIpInfo.SourceIpAsnOrgName",
    "source.geolocation.cc": "SourceIpInfo.SourceIpCountryCode",
    "x.data_feed": "DataFeed",
    "x.sourced_from": "SourcedFrom",
    "x.confidence": "ThreatConfidence",
    "x.total_encounters": "TotalEncounters",
    "x.target_ip": "TargetIp",
    "x.target_port": "TargetPort",
    "x.region": "SourceIpInfo.SourceIpRegion",
    "x.city": "SourceIpInfo.SourceIpCity",
    "x.connection_type": "SourceIpInfo.SourceIpConnectionType",
    "x.http_method": "HttpInfo.HttpMethod",
    "x.http_referrer": "HttpInfo.HttpReferrer",
    "x.user_agent": "HttpInfo.HttpUserAgent",
    **{f"x.custom_field{n}": f"CustomInfo.CustomField{n}" for n in range(1, 6)},
}
_FILETIME_EPOCH = 116_444_736_000_000_000  # 1601-01-01 → 1970-01-01 in 100 ns ticks
_EMPTY = ("", "[]", '["null"]', "[null]", '[""]', "null")


def _text(name: str) -> pl.Expr:
    value = pl.col(name).str.strip_chars()
    return pl.when(~value.is_in(_EMPTY)).then(value)


def _tlp_labels(values: pl.Series) -> pl.Series:
    table: dict[str, str | None] = {}
    for value in values.drop_nulls().unique().to_list():
        try:
            table[value] = TLP.parse(value).label
        except ValueError:
            table[value] = None  # "Unknown", TLP 1.0 "Yellow": the feed's default applies
    return values.replace_strict(table, default=None, return_dtype=pl.String)


def _port(name: str) -> pl.Expr:
    port = _text(name).cast(pl.Int64, strict=False)
    return pl.when(port.is_between(0, 65535)).then(port)


def _columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Typed harmonization columns from the String columns of either layout."""
    if "_filetime" in frame.columns:
        ticks = _text("_filetime").cast(pl.Int64, strict=False)
        time = pl.from_epoch((ticks - _FILETIME_EPOCH) // 10, time_unit="us")
        time = time.dt.replace_time_zone("UTC")
    else:
        time = parse_time(_text("_time"))
    host = _text("_host").str.to_lowercase()
    fqdn = pl.when(is_fqdn(host)).then(host)
    first_dst = _text("_dst").str.split(",").list.first().str.strip_chars()
    columns = [
        time.cast(UTC_DATETIME).alias("time.source"),
        normalize_ip(_text("_src")).alias("source.ip"),
        _port("_sport").alias("source.port"),
        normalize_ip(first_dst).alias("destination.ip"),
        _port("_dport").alias("destination.port"),
        _text("_asn").str.strip_prefix("AS").cast(pl.Int64, strict=False).alias("source.asn"),
        fqdn.alias("destination.fqdn"),
        _text("_code").alias("classification.identifier"),
        pl.coalesce(_text(c) for c in ("_family", "_code") if c in frame.columns)
        .str.to_lowercase()
        .alias("malware.name"),
        pl.col("_tlp").map_batches(_tlp_labels, return_dtype=pl.String).alias("tlp"),
        pl.lit("malicious-code").alias("classification.taxonomy"),
        pl.lit("infected-system").alias("classification.type"),
        pl.when(fqdn.is_null()).then(_text("_host")).alias("x.hostname"),
    ]
    if "_request" in frame.columns:
        path = _text("_request")
        url = pl.concat_str(pl.lit("http://"), fqdn, path)
        columns.append(pl.when(path.str.starts_with("/")).then(url).alias("destination.url"))
    return frame.with_columns(columns)


def _problems(layout: Mapping[str, str]) -> tuple[pl.Expr, pl.Expr]:
    """(row is bad, reason) for a frame after :func:`_columns`, naming the record's keys."""
    time = "_filetime" if "_filetime" in layout else "_time"
    checks = [
        ("time.source", time, "a time"),
        ("source.ip", "_src", "an IPv4 or IPv6 address"),
    ]
    reasons = [
        pl.when(pl.col(field).is_null()).then(
            pl.format(f"'{{}}' in {layout[column]!r} is not {what}", shown(pl.col(column)))
        )
        for field, column, what in checks
    ]
    bad = pl.col("time.source").is_null() | pl.col("source.ip").is_null()
    return bad, pl.concat_str(reasons, separator="; ", ignore_nulls=True)


def parse_ctip(records: list[JsonRecord], layout: Mapping[str, str]) -> pl.DataFrame:
    """The batch for decoded CTIP ``records`` with the key ``layout`` (INTERFLOW or AZURE)."""
    frame = _columns(records_frame(records, layout))
    extras = {c: c.removeprefix("x.") for c in frame.columns if c.startswith("x.")}
    frame = frame.with_columns(_text(c).alias(c) for c in extras)
    return frame.with_columns(extra_column(extras))


def _layout(records: list[JsonRecord]) -> Mapping[str, str] | None:
    keys = set(records[0].data) if records else set()
    if {"SourceIp", "DataFeed"} & keys:
        return AZURE
    if {"networksourceipv4", "indicatorthreattype"} & keys:
        return INTERFLOW
    return None


def _parse(report: Report, want: Mapping[str, str] | None) -> ParsedBatch:
    records, rejects = read_json_records(report.text())
    layout = _layout(records)
    if layout is None or (want is not None and layout is not want):
        expected = {id(AZURE): "Azure", id(INTERFLOW): "Interflow"}.get(id(want), "CTIP")
        raise ReportError(f"not a Microsoft CTIP {expected} report (no such keys in record 1)")
    frame = parse_ctip(records, layout)
    bad, reason = _problems(layout)
    frame, bad_rows = take_rejects(frame, bad, reason)
    keep = [c for c in frame.columns if not c.startswith(("_", "x.")) and c != RAW]
    events = frame.select(LINE, *sorted(keep), RAW)
    return ParsedBatch(events, sorted([*rejects, *bad_rows], key=_line))


def _line(reject: Reject) -> int:
    return reject.line or 0


@register
class CtipParser(Parser):
    """Microsoft CTIP, Interflow or Azure layout (told apart by the first record's keys)."""

    name: ClassVar[str] = "microsoft.ctip"
    description: ClassVar[str] = (
        "Microsoft CTIP infected hosts (Interflow JSON or Azure JSON lines)"
    )
    doc_url: ClassVar[str] = DOC_URL
    layout: ClassVar[Mapping[str, str] | None] = None

    def parse(self, report: Report) -> ParsedBatch:
        return _parse(report, self.layout)


@register
class CtipInterflowParser(CtipParser):
    """Microsoft CTIP through Interflow: a JSON array of lower-case keyed indicators."""

    name: ClassVar[str] = "microsoft.ctip_interflow"
    description: ClassVar[str] = "Microsoft CTIP infected hosts, Interflow JSON array"
    layout: ClassVar[Mapping[str, str] | None] = INTERFLOW


@register
class CtipAzureParser(CtipParser):
    """Microsoft CTIP through Azure storage: JSON lines with nested ``SourceIpInfo``."""

    name: ClassVar[str] = "microsoft.ctip_azure"
    description: ClassVar[str] = "Microsoft CTIP infected hosts, Azure JSON lines"
    layout: ClassVar[Mapping[str, str] | None] = AZURE
