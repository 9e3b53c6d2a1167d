"""CINS Army list (Collective Intelligence Network Security, Sentinel IPS).

``https://cinsscore.com/list/ci-badguys.txt``: one IPv4 address per line, no header, of
hosts with a poor CINS score (attacks seen by Sentinel IPS sensors) that are not already on
other major lists. Documented at https://cinsscore.com/#list. Classified other / blacklist.
"""

from __future__ import annotations

import polars as pl

from natcert.pipeline.parsers._common import RAW, parsed, read_ip_list
from natcert.pipeline.parsers.base import Parser, register
from natcert.pipeline.report import LINE, ParsedBatch, Report


@register
class CinsArmyParser(Parser):
    """CINS Army ``ci-badguys.txt``: poor-reputation IPv4 addresses."""

    name = "cinsarmy.badguys"
    description = "CINS Army list: addresses with a poor CINS threat score"
    doc_url = "https://cinsscore.com/#list"

    def parse(self, report: Report) -> ParsedBatch:
        frame, rejects = read_ip_list(report.text())
        events = frame.select(
            "source.ip",
            pl.lit("other").alias("classification.taxonomy"),
            pl.lit("blacklist").alias("classification.type"),
            LINE,
            RAW,
        )
        return parsed(events, rejects)
