"""DataPlane.org reports: pipe-separated ``ASN | ASname | ipaddr | lastseen | category``.

Each report (https://dataplane.org/, e.g. ``sshpwauth.txt``, ``dnsversion.txt``) lists the
source addresses a sensor network saw doing one thing; ``#`` lines are comments. Some
reports (``proto41``) add a ``firstseen`` column before ``lastseen``. AS names may contain
``|``, so fields are taken from both ends: ASN first, then address and times from the end.
``NA`` means an unknown ASN. Times are UTC.
"""

from __future__ import annotations

import polars as pl

from natcert.pipeline.parsers._common import (
    RAW,
    check_rows,
    lines_frame,
    normalize_ip,
    parse_time,
    parsed,
    shown,
)
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Report

SCANNER = ("information-gathering", "scanner")
BRUTE_FORCE = ("intrusion-attempts", "brute-force")
CATEGORIES: dict[str, tuple[str, str, str | None]] = {
    "sshpwauth": (*BRUTE_FORCE, "ssh"),
    "telnetlogin": (*BRUTE_FORCE, "telnet"),
    "sshclient": (*SCANNER, "ssh"),
    "dnsrd": (*SCANNER, "dns"),
    "dnsrdany": (*SCANNER, "dns"),
    "dnsversion": (*SCANNER, "dns"),
    "sipinvitation": (*SCANNER, "sip"),
    "sipquery": (*SCANNER, "sip"),
    "sipregistration": (*SCANNER, "sip"),
    "smtpgreet": (*SCANNER, "smtp"),
    "vncrfb": (*SCANNER, "vnc"),
    "smtpdata": ("abusive-content", "spam", "smtp"),
    "proto41": ("vulnerable", "potentially-unwanted-accessible", None),
}
"""DataPlane category → (RSIT taxonomy, RSIT type, protocol.application); others are
other / undetermined."""
_TIME = ("%Y-%m-%d %H:%M:%S",)


def _mapped(index: int) -> dict[str, str | None]:
    return {key: value[index] for key, value in CATEGORIES.items()}


@register
class DataPlaneParser(Parser):
    """Any DataPlane.org report (sshpwauth, dnsversion, proto41, ...)."""

    name = "dataplane.report"
    description = "DataPlane.org sensor reports (pipe-separated)"
    doc_url = "https://dataplane.org/"

    def parse(self, report: Report) -> ParsedBatch:
        lines = lines_frame(report.text())
        fields = pl.col("_f")
        frame = lines.with_columns(
            _f=pl.col(RAW).str.split("|").list.eval(pl.element().str.strip_chars())
        ).with_columns(
            _n=fields.list.len(),
            _first=parse_time(fields.list.get(-3, null_on_oob=True), _TIME),
        )
        # With a firstseen column the address is 4th from the end, else 3rd.
        has_first = pl.col("_first").is_not_null() & (pl.col("_n") >= 6)
        tail = pl.when(has_first).then(4).otherwise(3)
        frame = frame.with_columns(
            _asn=fields.list.first(),
            _ip=fields.list.get(-tail, null_on_oob=True),
            _name=fields.list.slice(1, pl.col("_n") - tail - 1).list.join(" | "),
            _last=fields.list.get(-2, null_on_oob=True),
            _category=fields.list.last().str.to_lowercase(),
        ).with_columns(
            normalize_ip(pl.col("_ip")).alias("source.ip"),
            parse_time(pl.col("_last"), _TIME).alias("time.source"),
        )
        checks = [
            (
                pl.col("_n") < 5,
                pl.format("too few fields: expected 5 or 6, found {}", pl.col("_n")),
            ),
            (
                pl.col("source.ip").is_null(),
                pl.format("'{}' is not an IPv4 or IPv6 address", shown(pl.col("_ip"))),
            ),
            (
                pl.col("time.source").is_null(),
                pl.format("'{}' is not a time like 2024-04-02 12:00:00", shown(pl.col("_last"))),
            ),
        ]
        good, rejects = check_rows(frame, checks)
        category = pl.col("_category")
        events = good.select(
            "source.ip",
            "time.source",
            pl.col("_asn").cast(pl.Int64, strict=False).alias("source.asn"),
            pl.when(~pl.col("_name").is_in(["", "NA"])).then("_name").alias("source.as_name"),
            category.replace_strict(_mapped(0), default="other").alias("classification.taxonomy"),
            category.replace_strict(_mapped(1), default="undetermined").alias(
                "classification.type"
            ),
            category.alias("classification.identifier"),
            category.replace_strict(_mapped(2), default=None, return_dtype=pl.String).alias(
                "protocol.application"
            ),
            LINE,
            RAW,
        )
        return parsed(events, rejects)
