"""DShield block list and AS details."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.report import ParsedBatch, Report
from tests.conftest import SAMPLES

FEED = SAMPLES / "feeds" / "dshield"


def parse(name: str, raw: bytes) -> ParsedBatch:
    return get_parser(name).parse(Report(feed="test", raw=raw))


def test_block_sample() -> None:
    batch = parse("dshield.block", (FEED / "block.txt").read_bytes())
    assert (len(batch), len(batch.rejects)) == (2, 0)
    first, second = batch.events.rows(named=True)
    assert first["source.network"] == "43.229.53.0/24"
    assert (first["source.geolocation.cc"], first["source.abuse_contact"]) == (
        "JP", "admin@v6nic.net",
    )  # fmt: skip
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "information-gathering", "scanner",
    )  # fmt: skip
    assert json.loads(first["extra"]) == {"attacks": "788", "network_name": "Japan Inet"}
    assert first["_line"] == 32
    assert (second["source.network"], second["source.geolocation.cc"]) == ("194.63.140.0/24", None)


def test_block_malformed_rows() -> None:
    raw = b"Start\tEnd\tNetblock\tAttacks\tName\tCountry\temail\n"
    raw += b"1.2.3.0\t1.2.3.255\t33\t5\tx\tUS\ta@b.example\n1.2.3.0\t1.2.3.255\n"
    batch = parse("dshield.block", raw)
    assert len(batch) == 0
    assert [(r.line, r.reason) for r in batch.rejects] == [
        (2, "line 2: '1.2.3.0/33' is not a network start and prefix length"),
        (3, "line 3: too few fields: expected 7, found 2"),
    ]


def test_asdetails_sample() -> None:
    batch = parse("dshield.asdetails", (FEED / "asdetailsascii.html").read_bytes())
    # The sample opens with a 5-line HTML licence comment: 4 non-blank lines are rejects.
    assert (len(batch), len(batch.rejects)) == (2, 4)
    first, second = batch.events.rows(named=True)
    assert first["source.ip"] == "109.230.148.140"
    assert first["time.source"] == datetime(2015, 12, 22, tzinfo=UTC)
    assert json.loads(first["extra"]) == {
        "reports": "85", "targets": "56", "updated": "2015-12-22 11:09:07",
    }  # fmt: skip
    assert second["source.ip"] == "109.230.155.61"  # zero padding removed
    assert batch.rejects[0].reason == "line 1: too few fields: expected 6, found 1"


def test_asdetails_bad_address() -> None:
    batch = parse(
        "dshield.asdetails", b"300.001.002.003\t1\t1\t\t2015-12-10\t2015-12-14 12:40:59\n"
    )
    assert [r.reason for r in batch.rejects] == ["line 1: '300.001.002.003' is not an IPv4 address"]
