"""CERT Polska n6 stream events (JSON; one object, an array, or one object per line).

n6 (https://n6.readthedocs.io/) is CERT Polska's platform for sharing security events; its
stream API delivers each event as a JSON object with a ``category`` (n6's own taxonomy,
https://n6.readthedocs.io/usage/data_model/ — mapped here to RSIT), ``time``, a list of
``address`` objects (``ip``, ``cc``, ``asn``) and optional ``fqdn``, ``url``, ``name``
(malware or threat), ``proto``, ``sport``, ``dport``, ``dip``. An event with several
addresses becomes one batch row per address (all with the event's line number). The
event's other keys (``source``, ``confidence``, ``origin``, ``adip``, ``id``, ...) form ``extra``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import polars as pl

from natcert.pipeline.parsers._common import (
    RAW,
    UTC_DATETIME,
    JsonRecord,
    as_text,
    is_fqdn,
    is_url,
    normalize_ip,
    parse_time,
    read_json_records,
    shown,
    take_rejects,
)
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Reject, Report, ReportError

N6_TO_RSIT: dict[str, tuple[str, str]] = {
    "amplifier": ("vulnerable", "ddos-amplifier"),
    "backdoor": ("intrusions", "system-compromise"),
    "bots": ("malicious-code", "infected-system"),
    "cnc": ("malicious-code", "c2-server"),
    "deface": ("intrusions", "application-compromise"),
    "dns-query": ("other", "other"),
    "dos-attacker": ("availability", "ddos"),
    "dos-victim": ("availability", "ddos"),
    "flow": ("other", "other"),
    "flow-anomaly": ("other", "other"),
    "fraud": ("fraud", "masquerade"),
    "leak": ("information-content-security", "data-leak"),
    "malurl": ("malicious-code", "malware-distribution"),
    "malware-action": ("malicious-code", "malware-configuration"),
    "phish": ("fraud", "phishing"),
    "proxy": ("vulnerable", "potentially-unwanted-accessible"),
    "sandbox-url": ("malicious-code", "malware-distribution"),
    "scam": ("fraud", "masquerade"),
    "scanning": ("information-gathering", "scanner"),
    "server-exploit": ("intrusion-attempts", "exploit"),
    "spam": ("abusive-content", "spam"),
    "spam-url": ("abusive-content", "spam"),
    "tor": ("other", "tor"),
    "vulnerable": ("vulnerable", "vulnerable-system"),
    "webinject": ("malicious-code", "malware-configuration"),
    "other": ("other", "other"),
}
"""n6 ``category`` → RSIT (taxonomy, type); an unknown category gives other/undetermined."""

# n6 key → batch column for the scalar keys; the rest of the event goes to ``extra``.
_SCALARS = {
    "time": "_time",
    "category": "_category",
    "name": "_name",
    "fqdn": "_fqdn",
    "url": "_url",
    "proto": "protocol.transport",
    "sport": "_sport",
    "dport": "_dport",
    "dip": "_dip",
}
_ADDRESS = {"ip": "_ip", "cc": "source.geolocation.cc", "asn": "_asn"}
_MALWARE_CATEGORIES = ("bots", "cnc", "malurl", "malware-action", "backdoor", "webinject")


def _rows(records: list[JsonRecord]) -> dict[str, list[Any]]:
    """String cells, one row per (event, address); unknown keys collected as ``_extra``."""
    columns = [LINE, RAW, *_SCALARS.values(), *_ADDRESS.values(), "_extra"]
    data: dict[str, list[Any]] = {name: [] for name in columns}
    for record in records:
        addresses = record.data.get("address")
        if not isinstance(addresses, list) or not addresses:
            addresses = [{}]
        rest = {k: v for k, v in record.data.items() if k not in _SCALARS and k != "address"}
        for address in addresses:
            address = address if isinstance(address, dict) else {"ip": address}
            data[LINE].append(record.line)
            data[RAW].append(record.raw)
            for key, name in (*_SCALARS.items(), *_ADDRESS.items()):
                source = address if name in _ADDRESS.values() else record.data
                data[name].append(as_text(source.get(key)))
            data["_extra"].append(as_text(rest) if rest else None)
    return data


def _cell(name: str) -> pl.Expr:
    value = pl.col(name).str.strip_chars()
    return pl.when(value != "").then(value)


def _port(name: str) -> pl.Expr:
    port = _cell(name).cast(pl.Int64, strict=False)
    return pl.when(port.is_between(0, 65535)).then(port)


def _classified(frame: pl.DataFrame) -> pl.DataFrame:
    category = _cell("_category").str.to_lowercase()
    taxonomy = {k: v[0] for k, v in N6_TO_RSIT.items()}
    kind = {k: v[1] for k, v in N6_TO_RSIT.items()}
    name = _cell("_name").str.to_lowercase()
    url = _cell("_url")
    fqdn = _cell("_fqdn").str.to_lowercase().str.strip_suffix(".")
    return frame.with_columns(
        parse_time(_cell("_time")).cast(UTC_DATETIME).alias("time.source"),
        normalize_ip(_cell("_ip")).alias("source.ip"),
        _cell("_asn").str.strip_prefix("AS").cast(pl.Int64, strict=False).alias("source.asn"),
        pl.when(is_fqdn(fqdn)).then(fqdn).alias("source.fqdn"),
        pl.when(is_url(url)).then(url).alias("source.url"),
        _port("_sport").alias("source.port"),
        _port("_dport").alias("destination.port"),
        normalize_ip(_cell("_dip")).alias("destination.ip"),
        category.replace_strict(taxonomy, default="other").alias("classification.taxonomy"),
        category.replace_strict(kind, default="undetermined").alias("classification.type"),
        pl.coalesce(name, category).alias("classification.identifier"),
        pl.when(category.is_in(_MALWARE_CATEGORIES)).then(name).alias("malware.name"),
    )


def _reject_reason() -> tuple[pl.Expr, pl.Expr]:
    no_time = pl.col("time.source").is_null()
    bad_ip = _cell("_ip").is_not_null() & pl.col("source.ip").is_null()
    nothing = pl.all_horizontal(
        pl.col(c).is_null() for c in ("source.ip", "source.fqdn", "source.url")
    )
    reason = (
        pl.when(no_time)
        .then(pl.format("'{}' in 'time' is not a date and time", shown(pl.col("_time"))))
        .when(bad_ip)
        .then(pl.format("'{}' in 'address' is not an IPv4 or IPv6 address", shown(pl.col("_ip"))))
        .otherwise(pl.lit("no address, fqdn or url to act on"))
    )
    return no_time | bad_ip | nothing, reason


def parse_n6(records: list[JsonRecord]) -> tuple[pl.DataFrame, list[Reject]]:
    """The batch and rejects for decoded n6 event ``records``."""
    frame = pl.DataFrame(_rows(records), schema_overrides={LINE: pl.Int64})
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c in frame.columns if c != LINE)
    frame = _classified(frame)
    bad, reason = _reject_reason()
    frame, rejects = take_rejects(frame, bad, reason)
    frame = frame.with_columns(pl.col("_extra").alias("extra"))
    keep = [c for c in frame.columns if not c.startswith("_") and c != RAW]
    return frame.select(LINE, *sorted(keep), RAW), rejects


@register
class N6StreamParser(Parser):
    """CERT Polska n6 stream API events (``category`` mapped to RSIT)."""

    name: ClassVar[str] = "certpl.n6_stream"
    description: ClassVar[str] = "CERT Polska n6 stream events (JSON objects, arrays or lines)"
    doc_url: ClassVar[str] = "https://n6.readthedocs.io/"

    def parse(self, report: Report) -> ParsedBatch:
        records, rejects = read_json_records(report.text())
        if records and not any("category" in r.data for r in records):
            raise ReportError("not an n6 event stream: no record has a 'category'")
        if not records:
            raise ReportError(f"no JSON event in the report ({len(rejects)} unreadable lines)")
        events, bad = parse_n6(records)
        return ParsedBatch(events, sorted([*rejects, *bad], key=lambda r: r.line or 0))
