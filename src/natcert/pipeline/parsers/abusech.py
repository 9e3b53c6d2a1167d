"""abuse.ch feeds: URLhaus (CSV, JSON), Feodo Tracker IP blocklist (CSV, JSON), ThreatFox.

* URLhaus lists URLs that distribute malware (https://urlhaus.abuse.ch/api/): the CSV dumps
  (``/downloads/csv_recent/``) carry the column names in a comment,
  ``# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter``, with every
  field quoted; the JSON forms are one record per line, the API's ``{"urls": [...]}`` or the
  dump's ``{"<id>": [record]}``.
* Feodo Tracker lists botnet C2 servers (https://feodotracker.abuse.ch/blocklist/): CSV
  ``first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware`` and a JSON array.
* ThreatFox shares IOCs (https://threatfox.abuse.ch/api/): API ``{"data": [...]}``, NDJSON,
  or the export ``{"<id>": [record]}``; ``ioc_type`` is ``ip:port``, ``domain``, ``url`` or
  a file hash (rejected: not a network indicator).

Times are UTC (abuse.ch documents every time as UTC).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from natcert.pipeline.parsers._common import (
    RAW,
    JsonRecord,
    add_url_host,
    as_text,
    check_rows,
    extra_column,
    finish_url_host,
    is_fqdn,
    is_url,
    lines_frame,
    normalize_ip,
    parse_time,
    parsed,
    read_csv,
    read_json_records,
    read_quoted_csv,
    records_frame,
    shown,
    split_csv,
    url_host_stages,
)
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Reject, Report

URLHAUS_COLUMNS = (
    "id",
    "dateadded",
    "url",
    "url_status",
    "last_online",
    "threat",
    "tags",
    "urlhaus_link",
    "reporter",
)
FEODO_COLUMNS = ("first_seen_utc", "dst_ip", "dst_port", "c2_status", "last_online", "malware")
_ABUSECH_TIMES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d")


def _bad_time(column: str, parsed: str) -> tuple[pl.Expr, pl.Expr]:
    """A check: ``column`` is given but did not parse into ``parsed``."""
    given = pl.col(column).is_not_null() & (pl.col(column).str.strip_chars() != "")
    return (
        given & pl.col(parsed).is_null(),
        pl.format(f"{column} '{{}}' is not a time like 2024-03-19 11:34:09", shown(pl.col(column))),
    )


def _flatten_dump(records: list[JsonRecord], id_key: str) -> list[JsonRecord]:
    """Expand an abuse.ch dump ``{"<id>": [record, ...], ...}`` (read as one record).

    An empty dump ``{}`` and an API answer without results (``{"query_status": "no_result",
    ...}``) hold no record.
    """
    if len(records) != 1:
        return records
    data = records[0].data
    if not data or "query_status" in data:
        return []
    if not all(isinstance(v, list) for v in data.values()):
        return records
    flat: list[JsonRecord] = []
    for key, items in data.items():
        for item in items:
            if isinstance(item, dict):
                record = {id_key: key, **item}
                flat.append(JsonRecord(len(flat) + 1, as_text(record) or "", record))
    return flat


# ------------------------------------------------------------------------- URLhaus


_URLHAUS_EXTRA = {
    "id": "urlhaus_id",
    "tags": "tags",
    "threat": "threat",
    "reporter": "reporter",
    "last_online": "last_online",
}


def _urlhaus_events(frame: pl.DataFrame) -> ParsedBatch:
    """URLhaus rows (String columns of ``URLHAUS_COLUMNS``) → malware-distribution events."""
    checks = [
        (~is_url(pl.col("source.url")), pl.format("'{}' is not a URL", shown(pl.col("url")))),
        _bad_time("dateadded", "time.source"),
    ]
    hosts, ports = url_host_stages("source.url", "source")
    # One query for everything per row, so polars runs the columns side by side.
    frame = (
        frame.lazy()
        .with_columns(
            pl.col("url").str.strip_chars().alias("source.url"),
            parse_time(pl.col("dateadded"), _ABUSECH_TIMES).alias("time.source"),
            extra_column(_URLHAUS_EXTRA),
        )
        .with_columns(*hosts)
        .with_columns(
            *ports, pl.any_horizontal(bad.fill_null(True) for bad, _ in checks).alias("_bad")
        )
        .collect()
    )
    bad = frame["_bad"]
    rejects: list[Reject] = []
    if bad.any():
        rejects = check_rows(frame.filter(bad), checks)[1]
        frame = frame.filter(~bad)
    good = finish_url_host(frame, "source.url", "source")
    events = good.select(
        pl.col("source.url"),
        pl.col("source.fqdn"),
        pl.col("source.ip"),
        pl.col("source.port"),
        pl.col("time.source"),
        pl.lit("malicious-code").alias("classification.taxonomy"),
        pl.lit("malware-distribution").alias("classification.type"),
        pl.col("url_status").alias("status"),
        pl.col("urlhaus_link").alias("event_description.url"),
        pl.col("extra"),
        pl.col(LINE),
        pl.col(RAW),
    )
    return ParsedBatch(events, rejects)


def _urlhaus_header(text: str) -> list[str]:
    """Column names from the ``# id,dateadded,...`` comment; the current layout if absent."""
    for line in text[:8192].split("\n"):
        names = [name.strip() for name in line.lstrip("#").strip().split(",")]
        if line.startswith("#") and names[:2] == ["id", "dateadded"] and "url" in names:
            return names
    return list(URLHAUS_COLUMNS)


def _with_columns(frame: pl.DataFrame, names: tuple[str, ...]) -> pl.DataFrame:
    """``frame`` with every column of ``names`` (missing ones as null String)."""
    missing = [pl.lit(None, dtype=pl.String).alias(n) for n in names if n not in frame.columns]
    return frame.with_columns(missing) if missing else frame


@register
class URLhausCSVParser(Parser):
    """URLhaus CSV dump: one quoted row per URL, columns named in a ``#`` comment."""

    name = "abusech.urlhaus_csv"
    description = "abuse.ch URLhaus malware URLs, CSV dump (recent or online)"
    doc_url = "https://urlhaus.abuse.ch/api/#csv"

    def parse(self, report: Report) -> ParsedBatch:
        data = report.raw.removeprefix(b"\xef\xbb\xbf")  # what report.text() strips
        # report.text()[:8192], without decoding the whole report
        names = _urlhaus_header(data[: 4 * 8192 + 4].decode(errors="replace")[:8192])
        fast = None
        if len(set(names)) == len(names):
            fast = read_quoted_csv(data, names, exact_split=split_csv)
        frame, rejects = fast or read_csv(report.text(), names)
        batch = _urlhaus_events(_with_columns(frame, URLHAUS_COLUMNS))
        return parsed(batch.events, rejects, batch.rejects)


def _urlhaus_record(data: dict[str, Any]) -> dict[str, Any]:
    tags = data.get("tags")
    return {
        "id": data.get("id"),
        "dateadded": data.get("dateadded", data.get("date_added")),
        "url": data.get("url"),
        "url_status": data.get("url_status"),
        "last_online": data.get("last_online"),
        "threat": data.get("threat"),
        "tags": ",".join(map(str, tags)) if isinstance(tags, list) else tags,
        "urlhaus_link": data.get("urlhaus_link", data.get("urlhaus_reference")),
        "reporter": data.get("reporter"),
    }


@register
class URLhausJSONParser(Parser):
    """URLhaus JSON: NDJSON records, the API's ``{"urls": [...]}`` or the JSON dump."""

    name = "abusech.urlhaus_json"
    description = "abuse.ch URLhaus malware URLs, JSON / NDJSON"
    doc_url = "https://urlhaus.abuse.ch/api/"

    def parse(self, report: Report) -> ParsedBatch:
        records, rejects = read_json_records(report.text(), ("urls", "data"))
        records = _flatten_dump(records, "id")
        rows = [JsonRecord(r.line, r.raw, _urlhaus_record(r.data)) for r in records]
        frame = records_frame(rows, {c: c for c in URLHAUS_COLUMNS})
        batch = _urlhaus_events(frame)
        return parsed(batch.events, rejects, batch.rejects)


# ------------------------------------------------------------------------- Feodo Tracker

_FEODO_ALIASES = {
    "firstseen": "first_seen_utc",
    "first_seen": "first_seen_utc",
    "dstip": "dst_ip",
    "ip_address": "dst_ip",
    "dstport": "dst_port",
    "port": "dst_port",
    "lastonline": "last_online",
    "status": "c2_status",
}


def _feodo_events(frame: pl.DataFrame) -> ParsedBatch:
    """Feodo rows (``FEODO_COLUMNS`` + optional JSON extras) → c2-server events."""
    frame = _with_columns(frame, (*FEODO_COLUMNS, "hostname", "as_number", "as_name", "country"))
    port = pl.col("dst_port").str.strip_chars()
    frame = frame.with_columns(
        normalize_ip(pl.col("dst_ip").str.strip_chars()).alias("source.ip"),
        port.cast(pl.Int64, strict=False).alias("source.port"),
        parse_time(pl.col("first_seen_utc"), _ABUSECH_TIMES).alias("time.source"),
    )
    bad_port = (port != "") & ~pl.col("source.port").is_between(0, 65535).fill_null(False)
    good, rejects = check_rows(
        frame,
        [
            (
                pl.col("source.ip").is_null(),
                pl.format("'{}' is not an IPv4 or IPv6 address", shown(pl.col("dst_ip"))),
            ),
            (bad_port.fill_null(False), pl.format("'{}' is not a port number", shown(port))),
            _bad_time("first_seen_utc", "time.source"),
        ],
    )
    events = good.select(
        "source.ip",
        "source.port",
        "time.source",
        pl.lit("malicious-code").alias("classification.taxonomy"),
        pl.lit("c2-server").alias("classification.type"),
        pl.col("malware").str.strip_chars().str.to_lowercase().alias("malware.name"),
        pl.col("hostname").alias("source.reverse_dns"),
        pl.col("as_number").cast(pl.Int64, strict=False).alias("source.asn"),
        pl.col("as_name").alias("source.as_name"),
        pl.col("country").alias("source.geolocation.cc"),
        pl.col("c2_status").alias("status"),
        extra_column(["last_online"]),
        LINE,
        RAW,
    )
    return ParsedBatch(events, rejects)


@register
class FeodoCSVParser(Parser):
    """Feodo Tracker botnet C2 IP blocklist, CSV (header row or ``#`` comment header)."""

    name = "abusech.feodo_csv"
    description = "abuse.ch Feodo Tracker botnet C2 IP blocklist, CSV"
    doc_url = "https://feodotracker.abuse.ch/blocklist/"

    def parse(self, report: Report) -> ParsedBatch:
        text = report.text()
        lines = lines_frame(text)
        if lines.height == 0:
            return ParsedBatch(_feodo_events(_empty(FEODO_COLUMNS)).events)
        names = _feodo_header(text, lines[RAW][0])
        if names is not None and _is_header(lines[RAW][0]):
            lines = lines.slice(1)
        frame, rejects = split_csv(lines, names or list(FEODO_COLUMNS))
        batch = _feodo_events(frame)
        return parsed(batch.events, rejects, batch.rejects)


def _is_header(line: str) -> bool:
    return line.replace('"', "").strip().lower().startswith("first")


def _feodo_header(text: str, first: str) -> list[str] | None:
    """Column names from a header row, or from the ``# Firstseen,DstIP,...`` comment."""
    candidates = [first] if _is_header(first) else []
    candidates += [ln.lstrip("#") for ln in text[:8192].split("\n") if ln.startswith("#")]
    for line in candidates:
        names = [n.strip().strip('"').strip().lower() for n in line.split(",")]
        names = [_FEODO_ALIASES.get(n, n) for n in names]
        if "dst_ip" in names and "first_seen_utc" in names:
            return names
    return None


def _empty(names: tuple[str, ...]) -> pl.DataFrame:
    schema = {**dict.fromkeys(names, pl.String), LINE: pl.Int64, RAW: pl.String}
    return pl.DataFrame(schema=schema)


@register
class FeodoJSONParser(Parser):
    """Feodo Tracker botnet C2 IP blocklist, JSON array of objects."""

    name = "abusech.feodo_json"
    description = "abuse.ch Feodo Tracker botnet C2 IP blocklist, JSON"
    doc_url = "https://feodotracker.abuse.ch/blocklist/"

    def parse(self, report: Report) -> ParsedBatch:
        records, rejects = read_json_records(report.text())
        keys = {
            "first_seen_utc": "first_seen",
            "dst_ip": "ip_address",
            "dst_port": "port",
            "c2_status": "status",
            "last_online": "last_online",
            "malware": "malware",
            "hostname": "hostname",
            "as_number": "as_number",
            "as_name": "as_name",
            "country": "country",
        }
        batch = _feodo_events(records_frame(records, keys))
        return parsed(batch.events, rejects, batch.rejects)


# ------------------------------------------------------------------------- ThreatFox

THREATFOX_TYPES: dict[str, tuple[str, str]] = {
    "botnet_cc": ("malicious-code", "c2-server"),
    "payload_delivery": ("malicious-code", "malware-distribution"),
    "payload": ("malicious-code", "malware-distribution"),
    "cc_skimming": ("malicious-code", "malware-distribution"),
}
"""ThreatFox ``threat_type`` → RSIT (taxonomy, type); others give other/undetermined."""
_HASH_TYPES = ("md5_hash", "sha1_hash", "sha256_hash", "sha3_384_hash", "imphash", "tlsh")
_THREATFOX_KEYS = {
    "id": ("id",),
    "ioc": ("ioc", "ioc_value"),
    "ioc_type": ("ioc_type",),
    "threat_type": ("threat_type",),
    "malware": ("malware_printable", "malware"),
    "malware_id": ("malware",),
    "confidence_level": ("confidence_level",),
    "first_seen": ("first_seen", "first_seen_utc"),
    "last_seen": ("last_seen", "last_seen_utc"),
    "reference": ("reference",),
    "reporter": ("reporter",),
    "tags": ("tags",),
}


def _threatfox_record(data: dict[str, Any]) -> dict[str, Any]:
    row = {}
    for column, keys in _THREATFOX_KEYS.items():
        row[column] = next((data[k] for k in keys if data.get(k) is not None), None)
    if isinstance(row["tags"], list):
        row["tags"] = ",".join(map(str, row["tags"]))
    return row


def _threatfox_events(frame: pl.DataFrame) -> ParsedBatch:
    kind = pl.col("ioc_type").str.strip_chars().str.to_lowercase()
    ioc = pl.col("ioc").str.strip_chars()
    ipport = ioc.str.extract(r"^\[?([0-9A-Fa-f:.]+?)\]?:([0-9]{1,5})$", 1)
    port = ioc.str.extract(r":([0-9]{1,5})$", 1).cast(pl.Int64, strict=False)
    frame = frame.with_columns(
        pl.when(kind == "url").then(ioc).alias("source.url"),
        pl.when(kind == "ip:port").then(normalize_ip(ipport)).alias("_ip"),
        pl.when(kind == "ip:port").then(port).alias("_port"),
        pl.when(kind == "domain").then(ioc.str.to_lowercase()).alias("_domain"),
        parse_time(pl.col("first_seen")).alias("time.source"),
    )
    checks = [
        (
            kind.is_in(_HASH_TYPES),
            pl.format("ioc type '{}' is a file hash, not a network indicator", kind),
        ),
        (
            (kind == "url") & ~is_url(ioc),
            pl.format("url '{}' is not a URL", shown(ioc)),
        ),
        (
            (kind == "ip:port") & pl.col("_ip").is_null(),
            pl.format("'{}' is not an IP address and port", shown(ioc)),
        ),
        ((kind == "domain") & ~is_fqdn(ioc), pl.format("'{}' is not a domain", shown(ioc))),
        (
            ~kind.is_in(["url", "ip:port", "domain", *_HASH_TYPES]),
            pl.format("unknown ioc type '{}'", shown(kind)),
        ),
        _bad_time("first_seen", "time.source"),
    ]
    good, rejects = check_rows(frame, checks)
    good = add_url_host(good, "source.url")
    threat = pl.col("threat_type").str.strip_chars().str.to_lowercase()
    events = good.select(
        "source.url",
        pl.coalesce("_domain", "source.fqdn").alias("source.fqdn"),
        pl.coalesce("_ip", "source.ip").alias("source.ip"),
        pl.coalesce("_port", "source.port").alias("source.port"),
        "time.source",
        threat.replace_strict({k: v[0] for k, v in THREATFOX_TYPES.items()}, default="other").alias(
            "classification.taxonomy"
        ),
        threat.replace_strict(
            {k: v[1] for k, v in THREATFOX_TYPES.items()}, default="undetermined"
        ).alias("classification.type"),
        pl.col("malware").str.to_lowercase().alias("malware.name"),
        extra_column(
            {
                "id": "threatfox_id",
                "threat_type": "threat_type",
                "malware_id": "malpedia",
                "confidence_level": "confidence_level",
                "last_seen": "last_seen",
                "reference": "reference",
                "reporter": "reporter",
                "tags": "tags",
            }
        ),
        LINE,
        RAW,
    )
    return ParsedBatch(events, rejects)


@register
class ThreatFoxParser(Parser):
    """ThreatFox IOCs: API JSON (``{"data": [...]}``), NDJSON, or the JSON export."""

    name = "abusech.threatfox"
    description = "abuse.ch ThreatFox IOCs (ip:port, domain, url), JSON / NDJSON"
    doc_url = "https://threatfox.abuse.ch/api/"

    def parse(self, report: Report) -> ParsedBatch:
        records, rejects = read_json_records(report.text(), ("data",))
        records = _flatten_dump(records, "id")
        rows = [JsonRecord(r.line, r.raw, _threatfox_record(r.data)) for r in records]
        frame = records_frame(rows, {c: c for c in _THREATFOX_KEYS})
        batch = _threatfox_events(frame)
        return parsed(batch.events, rejects, batch.rejects)


__all__ = [
    "FeodoCSVParser",
    "FeodoJSONParser",
    "ThreatFoxParser",
    "URLhausCSVParser",
    "URLhausJSONParser",
]
