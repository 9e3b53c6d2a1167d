"""CINS Army ci-badguys.txt (no public sample: small hand-written lists)."""

from __future__ import annotations

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.report import ParsedBatch, Report


def parse(raw: bytes) -> ParsedBatch:
    return get_parser("cinsarmy.badguys").parse(Report(feed="test", raw=raw))


def test_list_of_addresses() -> None:
    batch = parse(b"1.13.2.35\r\n1.14.5.197\r\n101.32.102.144\r\n")
    assert (len(batch), len(batch.rejects)) == (3, 0)
    first = batch.events.row(0, named=True)
    assert (first["source.ip"], first["_line"], first["raw"]) == ("1.13.2.35", 1, "1.13.2.35")
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "other", "blacklist",
    )  # fmt: skip


def test_malformed_lines() -> None:
    batch = parse(b"1.2.3.4\n01.2.3.4\n1.2.3\n")
    assert batch.events["source.ip"].to_list() == ["1.2.3.4"]
    assert [r.reason for r in batch.rejects] == [
        "line 2: '01.2.3.4' is not an IPv4 or IPv6 address",
        "line 3: '1.2.3' is not an IPv4 or IPv6 address",
    ]


def test_empty_list() -> None:
    assert len(parse(b"")) == 0
