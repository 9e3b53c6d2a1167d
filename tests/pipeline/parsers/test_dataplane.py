"""DataPlane.org reports: every sample, the firstseen variant, pipes in AS names."""

from __future__ import annotations

from datetime import UTC, datetime

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.report import ParsedBatch, Report
from tests.conftest import SAMPLES

FEED = SAMPLES / "feeds" / "dataplane"


def parse(raw: bytes) -> ParsedBatch:
    return get_parser("dataplane.report").parse(Report(feed="test", raw=raw))


def test_sshpwauth_sample() -> None:
    batch = parse((FEED / "sshpwauth.txt").read_bytes())
    assert (len(batch), len(batch.rejects)) == (3, 0)
    first, second, third = batch.events.rows(named=True)
    assert (first["source.ip"], first["source.asn"], first["source.as_name"]) == (
        "170.239.104.183", None, None,
    )  # fmt: skip
    assert first["time.source"] == datetime(2016, 12, 1, 4, 26, 48, tzinfo=UTC)
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "intrusion-attempts", "brute-force",
    )  # fmt: skip
    assert (first["protocol.application"], first["classification.identifier"]) == (
        "ssh", "sshpwauth",
    )  # fmt: skip
    assert (second["source.asn"], second["source.ip"]) == (4134, "117.21.224.121")
    assert third["source.as_name"] == "TEST-AS company | With | pipe"


def test_dnsversion_sample() -> None:
    batch = parse((FEED / "dnsversion.txt").read_bytes())
    assert (len(batch), len(batch.rejects)) == (1, 0)
    event = batch.events.row(0, named=True)
    assert (event["source.ip"], event["source.asn"], event["classification.type"]) == (
        "185.142.236.35", 174, "scanner",
    )  # fmt: skip


def test_proto41_sample_has_firstseen() -> None:
    batch = parse((FEED / "proto41.txt").read_bytes())
    assert (len(batch), len(batch.rejects)) == (1, 0)
    event = batch.events.row(0, named=True)
    assert (event["source.ip"], event["source.as_name"]) == ("45.6.192.1", "LVLT-1")
    assert event["time.source"] == datetime(2021, 8, 28, 5, 0, 18, tzinfo=UTC)
    assert event["classification.type"] == "potentially-unwanted-accessible"


def test_malformed_rows() -> None:
    raw = b"# c\n1 | A | 1.2.3.4 | 2024-01-01 00:00:00 | newthing\n"
    raw += b"1 | A | 1.2.3 | 2024-01-01 00:00:00 | sshpwauth\n1 | A | 1.2.3.4\n"
    raw += b"1 | A | 1.2.3.4 | today | sshpwauth\n"
    batch = parse(raw)
    event = batch.events.row(0, named=True)
    assert (event["classification.taxonomy"], event["classification.type"]) == (
        "other", "undetermined",
    )  # fmt: skip
    assert [(r.line, r.reason) for r in batch.rejects] == [
        (3, "line 3: '1.2.3' is not an IPv4 or IPv6 address"),
        (4, "line 4: too few fields: expected 5 or 6, found 3"),
        (5, "line 5: 'today' is not a time like 2024-04-02 12:00:00"),
    ]
