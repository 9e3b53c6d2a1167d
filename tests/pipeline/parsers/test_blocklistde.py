"""blocklist.de per-service lists: classification from the list name, bad lines."""

from __future__ import annotations

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.report import ParsedBatch, Report
from tests.conftest import SAMPLES

FEED = SAMPLES / "feeds" / "blocklistde"


def parse(raw: bytes, url: str) -> ParsedBatch:
    return get_parser("blocklistde.list").parse(Report(feed="test", raw=raw, url=url))


def test_imap_sample() -> None:
    batch = parse((FEED / "imap.txt").read_bytes(), "https://lists.blocklist.de/lists/imap.txt")
    assert (len(batch), len(batch.rejects)) == (6, 0)
    first = batch.events.row(0, named=True)
    assert (first["source.ip"], first["_line"], first["raw"]) == ("192.0.2.4", 1, "192.0.2.4")
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "intrusion-attempts", "brute-force",
    )  # fmt: skip
    assert (first["protocol.application"], first["classification.identifier"]) == (
        "imap", "imap",
    )  # fmt: skip


def test_list_name_from_report_name_and_unknown_list() -> None:
    raw = b"198.51.100.7\n"
    report = Report(feed="t", raw=raw, name="apache.txt")
    event = get_parser("blocklistde.list").parse(report).events.row(0, named=True)
    assert (event["classification.type"], event["protocol.application"]) == ("exploit", "http")
    unknown = parse(raw, "https://example.invalid/list").events.row(0, named=True)
    assert (unknown["classification.type"], unknown["classification.identifier"]) == (
        "blacklist", None,
    )  # fmt: skip


def test_bad_lines_are_rejected() -> None:
    batch = parse(b"192.0.2.1\n192.0.2.999\n\n2001:DB8::1\nhello world\n", "x/ssh.txt")
    assert batch.events["source.ip"].to_list() == ["192.0.2.1", "2001:db8::1"]
    assert [(r.line, r.reason) for r in batch.rejects] == [
        (2, "line 2: '192.0.2.999' is not an IPv4 or IPv6 address"),
        (5, "line 5: 'hello world' is not an IPv4 or IPv6 address"),
    ]
