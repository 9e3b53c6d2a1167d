"""Spamhaus DROP / EDROP / ASN-DROP (text and JSON lines) and the Spamhaus CERT feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.report import ParsedBatch, Report
from tests.conftest import SAMPLES

DROP = SAMPLES / "feeds" / "spamhaus-drop"
CERT = SAMPLES / "feeds" / "spamhaus-cert"


def parse(name: str, raw: bytes) -> ParsedBatch:
    return get_parser(name).parse(Report(feed="test", raw=raw))


def reasons(batch: ParsedBatch) -> list[tuple[int | None, str]]:
    return [(r.line, r.reason) for r in batch.rejects]


def test_drop_text_sample() -> None:
    batch = parse("spamhaus.drop", (DROP / "drop.lasso").read_bytes())
    assert (len(batch), len(batch.rejects)) == (10, 0)
    first = batch.events.row(0, named=True)
    assert first["source.network"] == "1.4.0.0/17"
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "other", "blacklist",
    )  # fmt: skip
    assert json.loads(first["extra"]) == {"sblid": "SBL256893"}
    assert (first["_line"], first["raw"]) == (5, "1.4.0.0/17 ; SBL256893")
    assert batch.events["source.network"][-1] == "27.133.208.0/20"


def test_drop_json_lines_with_metadata() -> None:
    raw = (
        b'{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}\n'
        b'{"cidr":"2001:db8::/32","sblid":"SBL1","rir":"ripencc"}\n'
        b'{"cidr":"1.10.16.0/33","sblid":"SBL2","rir":"apnic"}\n'
        b'{"type":"metadata","timestamp":1712345678,"size":3,"records":3}\n'
    )
    batch = parse("spamhaus.drop", raw)
    assert batch.events["source.network"].to_list() == ["1.10.16.0/20", "2001:db8::/32"]
    assert json.loads(batch.events["extra"][0]) == {"sblid": "SBL256894", "rir": "apnic"}
    assert reasons(batch) == [(3, "line 3: '1.10.16.0/33' is not a network like 192.0.2.0/24")]


def test_edrop_same_format() -> None:
    raw = b"; Spamhaus EDROP List 2024/01/01\n; comment\n5.188.10.0/23 ; SBL402741\nnope ; SBL1\n"
    batch = parse("spamhaus.edrop", raw)
    assert batch.events["source.network"].to_list() == ["5.188.10.0/23"]
    assert reasons(batch) == [(4, "line 4: 'nope' is not a network like 192.0.2.0/24")]


def test_asndrop_text_sample() -> None:
    batch = parse("spamhaus.asndrop", (DROP / "asndrop.txt").read_bytes())
    assert (len(batch), len(batch.rejects)) == (2, 0)
    first, second = batch.events.rows(named=True)
    assert (first["source.asn"], first["source.geolocation.cc"], first["source.as_name"]) == (
        260, "AE", "XCONNECT24 - Xconnect24 Inc., US",
    )  # fmt: skip
    assert (second["source.asn"], second["source.geolocation.cc"]) == (10516, None)
    assert first["classification.type"] == "blacklist"


def test_asndrop_json_lines() -> None:
    raw = (
        b'{"asn":6939,"rir":"arin","domain":"he.example","cc":"US","asname":"EXAMPLE-AS"}\n'
        b'{"asn":"x","rir":"arin"}\n'
        b'{"type":"metadata","timestamp":1712345678,"size":2,"records":2}\n'
    )
    batch = parse("spamhaus.asndrop", raw)
    event = batch.events.row(0, named=True)
    assert (event["source.asn"], event["source.as_name"], event["source.geolocation.cc"]) == (
        6939, "EXAMPLE-AS", "US",
    )  # fmt: skip
    assert json.loads(event["extra"]) == {"rir": "arin", "domain": "he.example"}
    assert reasons(batch) == [(2, "line 2: 'x' is not an AS number like AS64496")]


def test_cert_sample() -> None:
    batch = parse("spamhaus.cert", (CERT / "cert.txt").read_bytes())
    assert (len(batch), len(batch.rejects)) == (19, 0)
    first = batch.events.row(0, named=True)
    assert (first["source.ip"], first["source.asn"], first["source.geolocation.cc"]) == (
        "109.126.64.2", 12635, "AT",
    )  # fmt: skip
    assert first["time.source"] == datetime(2015, 8, 31, 8, 16, 10, tzinfo=UTC)
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "malicious-code", "infected-system",
    )  # fmt: skip
    assert (first["malware.name"], first["destination.port"], first["protocol.transport"]) == (
        "asprox", 25, "tcp",
    )  # fmt: skip
    by_bot = {row["classification.identifier"]: row for row in batch.events.rows(named=True)}
    assert by_bot["patcher"]["destination.fqdn"] == "dxxt.sinkhole.dk"
    assert by_bot["patcher"]["destination.ip"] == "212.227.20.19"
    assert by_bot["sshauth"]["classification.type"] == "brute-force"
    assert by_bot["sshauth"]["malware.name"] is None
    assert by_bot["wpscanner"]["classification.type"] == "scanner"
    assert by_bot["iotmirai"]["destination.port"] is None  # '?' means unknown
    spam = by_bot["l_spamlink"]
    assert spam["classification.type"] == "spam"
    assert json.loads(spam["extra"]) == {
        "domain": "http://example.com/",
        "local_port": "192.168.46.8:1660:darkmailer2",
        "remote_ip": "http://example.com/",
    }


def test_cert_malformed_rows() -> None:
    raw = b"; ip, asn\n1.2.3.4,AS1,AT,1441008970,asprox\n300.1.1.1,AS1,AT,1441008970,x,,,,,tcp\n"
    raw += b"1.2.3.4,AS1,AT,never,x,,,,,tcp\n"
    batch = parse("spamhaus.cert", raw)
    assert len(batch) == 0
    assert reasons(batch) == [
        (2, "line 2: too few fields: expected 10, found 5"),
        (3, "line 3: '300.1.1.1' is not an IPv4 or IPv6 address"),
        (4, "line 4: lastseen 'never' is not a Unix time"),
    ]
