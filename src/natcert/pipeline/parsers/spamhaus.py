"""Spamhaus DROP / EDROP / ASN-DROP lists and the Spamhaus CERT portal feed.

* DROP and EDROP (https://www.spamhaus.org/blocklists/do-not-route-or-peer/): netblocks
  "hijacked or leased by professional spam or cyber-crime operations". Text form
  ``1.10.16.0/20 ; SBL256894`` with ``;`` comments; JSON-lines form (``drop_v4.json``,
  ``drop_v6.json``) ``{"cidr": ..., "sblid": ..., "rir": ...}`` ending with a
  ``{"type": "metadata", ...}`` line, which is skipped.
* ASN-DROP: autonomous systems; text ``AS260 ; AE | XCONNECT24 ...`` or JSON lines
  ``{"asn": ..., "rir": ..., "domain": ..., "cc": ..., "asname": ...}``.
* Spamhaus CERT portal (https://www.spamhaus.com/product/data-query-service/ CERT feed):
  CSV ``ip, asn, country, lastseen, botname, domain, remote_ip, remote_port, local_port,
  protocol`` with ``;`` comments; ``lastseen`` is Unix time; ``-`` and ``?`` mean unknown.

All list entries are classified other / blacklist (IntelMQ's name for a block list entry).
"""

from __future__ import annotations

from typing import ClassVar

import polars as pl

from natcert.pipeline.parsers._common import (
    RAW,
    check_rows,
    extra_column,
    is_fqdn,
    lines_frame,
    normalize_ip,
    normalize_network,
    parse_time,
    parsed,
    read_json_records,
    records_frame,
    shown,
    split_csv,
)
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Reject, Report

_BLACKLIST = (
    pl.lit("other").alias("classification.taxonomy"),
    pl.lit("blacklist").alias("classification.type"),
)


def _is_json_lines(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


def _json_rows(text: str, keys: dict[str, str]) -> tuple[pl.DataFrame, list[Reject]]:
    """Spamhaus JSON lines as String columns; the trailing metadata record is dropped."""
    records, rejects = read_json_records(text, ())
    kept = [r for r in records if r.data.get("type") != "metadata"]
    return records_frame(kept, keys), rejects


def _text_rows(text: str) -> pl.DataFrame:
    """``value ; comment`` lines → ``_value``, ``_comment`` (String) + ``_line`` + ``raw``."""
    lines = lines_frame(text, (";", "#"))
    parts = pl.col(RAW).str.splitn(";", 2)
    return lines.with_columns(
        parts.struct.field("field_0").str.strip_chars().alias("_value"),
        parts.struct.field("field_1").str.strip_chars().alias("_comment"),
    )


class _DropList(Parser):
    """DROP-style netblock lists (text or JSON lines)."""

    name: ClassVar[str]

    def parse(self, report: Report) -> ParsedBatch:
        text = report.text()
        if _is_json_lines(text):
            keys = {"_value": "cidr", "_comment": "sblid", "rir": "rir"}
            frame, rejects = _json_rows(text, keys)
        else:
            frame, rejects = _text_rows(text), []
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("rir"))
        frame = frame.with_columns(normalize_network(pl.col("_value")).alias("source.network"))
        reason = pl.format("'{}' is not a network like 192.0.2.0/24", shown(pl.col("_value")))
        good, bad = check_rows(frame, [(pl.col("source.network").is_null(), reason)])
        events = good.select(
            "source.network",
            *_BLACKLIST,
            extra_column({"_comment": "sblid", "rir": "rir"}),
            LINE,
            RAW,
        )
        return parsed(events, rejects, bad)


@register
class DropParser(_DropList):
    """Spamhaus DROP (IPv4 or IPv6), text ``drop.txt`` or JSON lines ``drop_v4.json``."""

    name = "spamhaus.drop"
    description = "Spamhaus DROP: netblocks not to route or peer with"
    doc_url = "https://www.spamhaus.org/blocklists/do-not-route-or-peer/"


@register
class EdropParser(_DropList):
    """Spamhaus EDROP (same format as DROP; merged into DROP by Spamhaus in 2024)."""

    name = "spamhaus.edrop"
    description = "Spamhaus EDROP: extended DROP netblocks"
    doc_url = "https://www.spamhaus.org/blocklists/do-not-route-or-peer/"


@register
class AsnDropParser(Parser):
    """Spamhaus ASN-DROP: text ``AS260 ; AE | name`` or JSON lines ``asndrop.json``."""

    name = "spamhaus.asndrop"
    description = "Spamhaus ASN-DROP: autonomous systems not to route or peer with"
    doc_url = "https://www.spamhaus.org/blocklists/do-not-route-or-peer/"

    def parse(self, report: Report) -> ParsedBatch:
        text = report.text()
        if _is_json_lines(text):
            keys = {
                "_value": "asn",
                "_cc": "cc",
                "_name": "asname",
                "rir": "rir",
                "domain": "domain",
            }
            frame, rejects = _json_rows(text, keys)
        else:
            frame, rejects = _text_rows(text), []
            detail = pl.col("_comment").str.splitn("|", 2)
            frame = frame.with_columns(
                detail.struct.field("field_0").str.strip_chars().alias("_cc"),
                detail.struct.field("field_1").str.strip_chars().alias("_name"),
                pl.lit(None, dtype=pl.String).alias("rir"),
                pl.lit(None, dtype=pl.String).alias("domain"),
            )
        number = pl.col("_value").str.strip_chars().str.strip_prefix("AS").str.strip_prefix("as")
        frame = frame.with_columns(number.cast(pl.Int64, strict=False).alias("source.asn"))
        asn_ok = pl.col("source.asn").is_between(1, 4294967295)
        reason = pl.format("'{}' is not an AS number like AS64496", shown(pl.col("_value")))
        good, bad = check_rows(frame, [(~asn_ok, reason)])
        events = good.select(
            "source.asn",
            pl.when(pl.col("_name") != "").then(pl.col("_name")).alias("source.as_name"),
            pl.when(pl.col("_cc").str.contains("^[A-Za-z]{2}$"))
            .then(pl.col("_cc").str.to_uppercase())
            .alias("source.geolocation.cc"),
            *_BLACKLIST,
            extra_column(["rir", "domain"]),
            LINE,
            RAW,
        )
        return parsed(events, rejects, bad)


# ------------------------------------------------------------------------- Spamhaus CERT

CERT_COLUMNS = (
    "ip",
    "asn",
    "country",
    "lastseen",
    "botname",
    "domain",
    "remote_ip",
    "remote_port",
    "local_port",
    "protocol",
)
CERT_BOTNAMES: dict[str, tuple[str, str]] = {
    "iotrdp": ("intrusion-attempts", "brute-force"),
    "sshauth": ("intrusion-attempts", "brute-force"),
    "telnetauth": ("intrusion-attempts", "brute-force"),
    "smtpauth": ("intrusion-attempts", "brute-force"),
    "imap": ("intrusion-attempts", "brute-force"),
    "w_wplogin": ("intrusion-attempts", "brute-force"),
    "iotscan": ("information-gathering", "scanner"),
    "wpscanner": ("information-gathering", "scanner"),
    "openrelay": ("vulnerable", "vulnerable-system"),
    "proxyget": ("other", "proxy"),
    "l_spamlink": ("abusive-content", "spam"),
    "authspoofbadehlo": ("abusive-content", "spam"),
    "extortion": ("abusive-content", "spam"),
    "misc": ("other", "undetermined"),
}
"""Spamhaus CERT ``botname`` values that are not malware → RSIT; any other botname is a
malware family: malicious-code / infected-system with ``malware.name`` set."""
_UNKNOWN = ("", "-", "?")


def _known(column: str) -> pl.Expr:
    value = pl.col(column).str.strip_chars()
    return pl.when(~value.is_in(_UNKNOWN)).then(value)


def _port(column: str) -> pl.Expr:
    number = _known(column).cast(pl.Int64, strict=False)
    return pl.when(number.is_between(0, 65535)).then(number)


@register
class SpamhausCertParser(Parser):
    """Spamhaus CERT portal feed: infected and abusing hosts in a CERT's constituency."""

    name = "spamhaus.cert"
    description = "Spamhaus CERT portal: bots, scanners and brute-forcers (CSV)"
    doc_url = "https://www.spamhaus.com/resource-center/spamhaus-cert-portal/"

    def parse(self, report: Report) -> ParsedBatch:
        lines = lines_frame(report.text(), (";", "#"))
        frame, ragged = split_csv(lines, CERT_COLUMNS)
        bot = pl.col("botname").str.strip_chars().str.to_lowercase()
        domain = _known("domain")
        frame = frame.with_columns(
            normalize_ip(pl.col("ip").str.strip_chars()).alias("source.ip"),
            parse_time(pl.col("lastseen")).alias("time.source"),
        )
        good, bad = check_rows(
            frame,
            [
                (
                    pl.col("source.ip").is_null(),
                    pl.format("'{}' is not an IPv4 or IPv6 address", shown(pl.col("ip"))),
                ),
                (
                    pl.col("time.source").is_null(),
                    pl.format("lastseen '{}' is not a Unix time", shown(pl.col("lastseen"))),
                ),
            ],
        )
        # Values that fit no field (a URL as domain, "ip:port:name" as port) stay in extra.
        good = good.with_columns(
            pl.when(~is_fqdn(domain) & normalize_ip(domain).is_null())
            .then(domain)
            .alias("_domain"),
            pl.when(_port("local_port").is_null()).then(_known("local_port")).alias("_local"),
            pl.when(normalize_ip(_known("remote_ip")).is_null())
            .then(_known("remote_ip"))
            .alias("_remote"),
        )
        known = bot.is_in(list(CERT_BOTNAMES))
        asn = pl.col("asn").str.strip_chars().str.strip_prefix("AS").cast(pl.Int64, strict=False)
        events = good.select(
            "source.ip",
            "time.source",
            asn.alias("source.asn"),
            pl.col("country").str.strip_chars().alias("source.geolocation.cc"),
            bot.replace_strict(
                {k: v[0] for k, v in CERT_BOTNAMES.items()}, default="malicious-code"
            ).alias("classification.taxonomy"),
            bot.replace_strict(
                {k: v[1] for k, v in CERT_BOTNAMES.items()}, default="infected-system"
            ).alias("classification.type"),
            bot.alias("classification.identifier"),
            pl.when(~known).then(bot).alias("malware.name"),
            pl.when(is_fqdn(domain)).then(domain.str.to_lowercase()).alias("destination.fqdn"),
            pl.coalesce(normalize_ip(_known("remote_ip")), normalize_ip(domain)).alias(
                "destination.ip"
            ),
            _port("remote_port").alias("destination.port"),
            _port("local_port").alias("source.port"),
            _known("protocol").str.to_lowercase().alias("protocol.transport"),
            extra_column({"_domain": "domain", "_local": "local_port", "_remote": "remote_ip"}),
            LINE,
            RAW,
        )
        return parsed(events, ragged, bad)


__all__ = ["AsnDropParser", "DropParser", "EdropParser", "SpamhausCertParser"]
