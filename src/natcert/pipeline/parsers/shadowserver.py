"""Shadowserver network reports (CSV), driven by a table of report types.

Source: https://www.shadowserver.org/what-we-do/network-reporting/ (report pages, one per
type) and the machine-readable schema https://github.com/The-Shadowserver-Foundation/report_schema.
The report type comes from ``report_type=`` if given, else from the file name
(``Report.name``, e.g. ``2022-01-01-scan_ssh-asn-region.csv`` or legacy ``snmp.csv``), else
from the header. Columns become harmonization fields through the type's mappings; the rest
go to ``extra`` (a JSON object keyed by column name).

Shadowserver's files drop trailing empty columns, so a row with fewer fields than the header
is kept, its missing trailing fields read as null, and its ``extra`` records how many were
missing as the JSON number ``"natcert.missing_fields"`` (:data:`MISSING_FIELDS_KEY`). Rows
with more fields than the header ("line 7: 31 fields, header has 29"), broken quoting, bad
addresses, ports, ASNs or timestamps, or nothing to identify a host (no IP, network, URL or
domain) are rejected with the reason; the parser never raises for a row. The CSV reading is
in :mod:`natcert.pipeline.parsers._shadowserver_csv`.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import polars as pl

from natcert.pipeline.parsers._common import (
    IPV4_PATTERN,
    RAW,
    UTC_DATETIME,
    extra_column,
    is_fqdn,
    normalize_ip,
    normalize_network,
    parse_time,
    shown,
    take_rejects,
)
from natcert.pipeline.parsers._shadowserver_csv import MISSING, read_report_csv
from natcert.pipeline.parsers._shadowserver_reports import BUILTIN, COMMON, TAG_RULES
from natcert.pipeline.parsers._shadowserver_schema import (
    PUBLISHED_SCHEMA_URL,
    SCHEMA_FILE,
    Mapping,
    ReportTable,
    ReportType,
    load_report_table,
    refresh_report_table,
)
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Report, ReportError

__all__ = [
    "BUILTIN",
    "MISSING_FIELDS_KEY",
    "PUBLISHED_SCHEMA_URL",
    "ReportTable",
    "ShadowserverReport",
    "detect_report_type",
    "load_report_table",
    "refresh_report_table",
    "report_table",
]

BATCH_FIELDS = frozenset(
    {
        f"{side}.{name}"
        for side in ("source", "destination")
        for name in (
            "ip", "network", "asn", "as_name", "fqdn", "url", "port",
            "geolocation.cc", "reverse_dns",
        )
    }
    | {"classification.taxonomy", "classification.type", "classification.identifier"}
    | {"malware.name", "protocol.transport", "protocol.application", "time.source"}
    | {"event_description.text"}
)  # fmt: skip
"""Fields that become batch columns; every other mapped field goes into ``extra``."""

MISSING_FIELDS_KEY = "natcert.missing_fields"
"""``extra`` key: how many trailing fields a short row lacked (a JSON number; absent when
the row had them all)."""

_INT_FIELDS = frozenset({"source.asn", "destination.asn", "source.port", "destination.port"})
_IDENTITY = (
    "source.ip", "source.network", "source.url", "source.fqdn",
    "destination.ip", "destination.url", "destination.fqdn",
)  # fmt: skip
_CHECKED = {
    "time": "is not a date and time",
    "ip": "is not an IPv4 or IPv6 address",
    "ip_host": "is not an IPv4 or IPv6 address or network",
    "network": "is not an IP network (address/prefix length)",
    "int": "is not a whole number",
    "asn": "is not an AS number",
}


def detect_report_type(
    table: ReportTable, file_name: str, header: list[str], report_type: str | None = None
) -> ReportType:
    """The report type: ``report_type`` if given, else by file name, else by header.

    Raises ``ReportError`` naming the choices when ``report_type`` is unknown or nothing
    matches.
    """
    if report_type:
        kind = table.types.get(report_type) or table.by_file_name(report_type)
        if kind is None:
            raise ReportError(f"unknown Shadowserver report type {report_type!r}")
        return kind
    kind = table.by_file_name(file_name) if file_name else None
    kind = kind or table.by_header(header)
    if kind is None:
        raise ReportError(
            f"cannot tell the Shadowserver report type of {file_name or 'the report'!r} "
            f"from its name or header ({', '.join(header[:6])}, ...); pass report_type="
        )
    return kind


def _text(col: pl.Expr) -> pl.Expr:
    value = col.str.strip_chars()
    return pl.when(value != "").then(value)


def _convert(frame_columns: set[str], mapping: Mapping) -> pl.Expr:
    """The converted value of ``mapping.column`` (String, or Datetime for ``time``)."""
    raw = _text(pl.col(mapping.column))
    conv = mapping.conv
    if conv == "time":
        return parse_time(raw)
    if conv == "ip":
        return normalize_ip(raw)
    if conv == "ip_host":
        return pl.when(~raw.str.contains("/", literal=True)).then(normalize_ip(raw))
    if conv in ("network", "ip_net"):
        return pl.when(raw.str.contains("/", literal=True)).then(normalize_network(raw))
    if conv in ("int", "asn"):
        number = raw.str.strip_prefix("AS").cast(pl.Int64, strict=False).cast(pl.String)
        return pl.when(number != "0").then(number) if conv == "asn" else number
    if conv == "nonzero":
        return pl.when(raw != "0").then(raw)
    if conv == "lower":
        return raw.str.to_lowercase()
    if conv == "upper":
        return raw.str.to_uppercase()
    if conv == "fqdn":
        name = raw.str.to_lowercase().str.strip_suffix(".")
        return pl.when(is_fqdn(name) & ~name.str.contains(f"^{IPV4_PATTERN}$")).then(name)
    if conv == "http_url" and "http_host" in frame_columns:
        return _http_url(raw, _text(pl.col("http_host")))
    if conv == "cve":
        return raw.str.to_uppercase().str.extract_all(r"CVE-\d{4}-\d+").list.join(",")
    return raw


def _http_url(value: pl.Expr, host: pl.Expr) -> pl.Expr:
    """``http://host/path`` from a request line (``GET /path HTTP/1.1``) or a bare path."""
    path = value.str.replace(r"^[A-Z]+ ", "").str.replace(r" HTTP/[0-9.]+$", "")
    full = path.str.contains("^[a-zA-Z][a-zA-Z0-9+.-]*://")
    joined = pl.concat_str(pl.lit("http://"), host, path)
    return (
        pl.when(full).then(path).when(path.str.starts_with("/") & host.is_not_null()).then(joined)
    )


def _problem(mapping: Mapping, converted: pl.Expr) -> pl.Expr | None:
    """A reason (String) where the cell has a value the conversion refused, else null."""
    what = _CHECKED.get(mapping.conv)
    if what is None:
        return None
    raw = _text(pl.col(mapping.column))
    if mapping.conv == "ip_host":
        converted = converted.is_not_null() | normalize_network(raw).is_not_null()
    elif mapping.conv == "asn":
        converted = converted.is_not_null() | (raw == "0")
    elif mapping.conv == "network":  # a plain address in a network column is not an error
        converted = converted.is_not_null() | ~raw.str.contains("/", literal=True)
    else:
        converted = converted.is_not_null()
    if mapping.field.endswith(".port") and mapping.conv == "int":
        port = raw.cast(pl.Int64, strict=False)
        converted = converted & port.is_between(0, 65535)
        what = "is not a port number (0-65535)"
    return pl.when(raw.is_not_null() & ~converted).then(
        pl.format(f"'{{}}' in column {mapping.column!r} {what}", shown(raw))
    )


def _field_key(mapping: Mapping) -> str:
    if mapping.field == "extra.":
        return f"extra.{mapping.column}"
    if mapping.field.startswith("extra.") or mapping.field in BATCH_FIELDS:
        return mapping.field
    return f"extra.{mapping.field}"


def _build(frame: pl.DataFrame, kind: ReportType, header: list[str]) -> pl.DataFrame:
    """A frame with one column per target field, and ``_reason`` (null for good rows)."""
    columns = set(frame.columns)
    by_field: dict[str, list[pl.Expr]] = {}
    problems: list[pl.Expr] = []
    mappings = kind.mappings_for(header, COMMON)
    for mapping in mappings:
        key = _field_key(mapping)
        converted = _convert(columns, mapping)
        if key.startswith("extra."):
            if mapping.conv in _CHECKED:  # details that do not convert are kept as sent
                converted = pl.coalesce(converted.cast(pl.String), _text(pl.col(mapping.column)))
        elif (problem := _problem(mapping, converted)) is not None:
            problems.append(problem)
        by_field.setdefault(key, []).append(converted)
    mapped = {m.column for m in mappings}
    for column in header:
        if column not in mapped:
            by_field.setdefault(f"extra.{column}", []).append(_text(pl.col(column)))
    built = []
    for name, exprs in by_field.items():
        if name != "time.source":
            exprs = [expr.cast(pl.String) for expr in exprs]
        built.append((pl.coalesce(exprs) if len(exprs) > 1 else exprs[0]).alias(name))
    reason = (
        pl.concat_str(problems, separator="; ", ignore_nulls=True)
        if problems
        else pl.lit(None, dtype=pl.String)
    )
    reason = pl.when(reason != "").then(reason).alias("_reason")
    return frame.select(LINE, RAW, MISSING, *built, reason)


def _classify(frame: pl.DataFrame, kind: ReportType) -> pl.DataFrame:
    constants = {
        "classification.taxonomy": kind.taxonomy,
        "classification.type": kind.type,
        "classification.identifier": kind.identifier,
        **dict(kind.constants),
    }
    columns: list[pl.Expr] = []
    for name, value in constants.items():
        key = name if name in BATCH_FIELDS else f"extra.{name}"
        given = pl.col(key) if key in frame.columns else pl.lit(None, dtype=pl.String)
        columns.append(pl.coalesce(given, pl.lit(value)).alias(key))
    frame = frame.with_columns(columns)
    tag = pl.col("extra.tag") if "extra.tag" in frame.columns else None
    for needle, (taxonomy, kind_type), identifier in TAG_RULES.get(kind.name, ()):
        if tag is None:
            break
        hit = tag.str.to_lowercase().str.contains(needle, literal=True).fill_null(False)
        frame = frame.with_columns(
            pl.when(hit).then(pl.lit(value)).otherwise(pl.col(name)).alias(name)
            for name, value in (
                ("classification.taxonomy", taxonomy),
                ("classification.type", kind_type),
                ("classification.identifier", identifier),
            )
        )
    return frame


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    extras = [c for c in frame.columns if c.startswith("extra.")]
    fields = [c for c in frame.columns if c in BATCH_FIELDS]
    typed = [
        pl.col(c).cast(pl.Int64) if c in _INT_FIELDS else pl.col(c)
        for c in sorted(fields)
        if c != "time.source"
    ]
    time = pl.col("time.source").cast(UTC_DATETIME)
    extra = _noting_missing(extra_column({c: c.removeprefix("extra.") for c in extras}))
    return frame.select(pl.col(LINE), time, *typed, extra, pl.col(RAW))


def _noting_missing(extra: pl.Expr) -> pl.Expr:
    """``extra`` with ``"natcert.missing_fields": N`` first where the row was short."""
    rest = pl.when(extra.is_null()).then(pl.lit("}")).otherwise(pl.lit(",") + extra.str.slice(1))
    noted = pl.concat_str(
        pl.lit(f'{{"{MISSING_FIELDS_KEY}":'), pl.col(MISSING).cast(pl.String), rest
    )
    return pl.when(pl.col(MISSING).is_null()).then(extra).otherwise(noted).alias("extra")


def _identified(frame: pl.DataFrame) -> pl.Expr:
    present = [pl.col(c).is_not_null() for c in _IDENTITY if c in frame.columns]
    return pl.any_horizontal(present) if present else pl.lit(False)


def parse_shadowserver(
    report: Report, report_type: str | None = None, table: ReportTable = BUILTIN
) -> ParsedBatch:
    """Parse one Shadowserver CSV report into a batch and rejects (see the module doc).

    Raises ``ReportError`` when the report is empty, has no header or its type is unknown.
    """
    frame, rejects, header = read_report_csv(report.text())
    if "timestamp" not in header:
        raise ReportError(f"not a Shadowserver report: no 'timestamp' column in {header[:6]}")
    kind = detect_report_type(table, report.name, header, report_type)
    built = _build(frame, kind, header)
    built, bad = take_rejects(built, pl.col("_reason").is_not_null(), pl.col("_reason"))
    built = built.drop("_reason")
    if "time.source" not in built.columns:
        built = built.with_columns(pl.lit(None, dtype=UTC_DATETIME).alias("time.source"))
    missing = (
        pl.when(pl.col("time.source").is_null())
        .then(pl.lit("no timestamp"))
        .otherwise(pl.lit("no IP address, network, URL or domain to act on"))
    )
    built, empty = take_rejects(
        built, pl.col("time.source").is_null() | ~_identified(built), missing
    )
    events = _finish(_classify(built, kind))
    return ParsedBatch(events, sorted([*rejects, *bad, *empty], key=lambda r: r.line or 0))


def report_table(data_dir: Path | str | None = None) -> ReportTable:
    """natcert's table, overlaid with the schema :func:`refresh_report_table` saved in
    ``data_dir`` (``shadowserver-intelmq.json``) when there is one that reads; else the
    built-in table alone."""
    if data_dir is None:
        return BUILTIN
    path = Path(data_dir) / SCHEMA_FILE
    try:
        return BUILTIN.overlay(load_report_table(path))
    except (OSError, ValueError):
        return BUILTIN


@register
class ShadowserverReport(Parser):
    """Any Shadowserver report; the type is detected from the file name or the header."""

    name: ClassVar[str] = "shadowserver.report"
    description: ClassVar[str] = (
        "Shadowserver network reports (scan_*, event4_*, sinkhole, honeypot, blocklist, "
        "legacy 2017 names), columns mapped by natcert's report-type table"
    )
    doc_url: ClassVar[str] = "https://www.shadowserver.org/what-we-do/network-reporting/"

    def __init__(self, report_type: str | None = None, table: ReportTable | None = None):
        self.report_type = report_type
        self.table = table if table is not None else BUILTIN

    def parse(self, report: Report) -> ParsedBatch:
        return parse_shadowserver(report, self.report_type, self.table)
