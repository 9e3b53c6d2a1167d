"""OpenPhish community text feed and commercial JSON lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.report import ParsedBatch, Report
from tests.conftest import SAMPLES

FEED = SAMPLES / "feeds" / "openphish"


def parse(name: str, raw: bytes) -> ParsedBatch:
    return get_parser(name).parse(Report(feed="test", raw=raw))


def test_feed_sample() -> None:
    batch = parse("openphish.feed", (FEED / "feed.txt").read_bytes())
    assert (len(batch), len(batch.rejects)) == (2, 0)
    first = batch.events.row(0, named=True)
    assert first["source.url"] == "http://www..example.com/phishing"
    assert first["source.fqdn"] is None  # an empty label: not a valid domain name
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "fraud", "phishing",
    )  # fmt: skip


def test_feed_hosts_and_bad_lines() -> None:
    batch = parse("openphish.feed", b"https://Login.Example.com/x\nhttp://192.0.2.8:81/\nfoo\n")
    assert batch.events["source.fqdn"].to_list() == ["login.example.com", None]
    assert batch.events["source.ip"].to_list() == [None, "192.0.2.8"]
    assert batch.events["source.port"].to_list() == [443, 81]
    assert [(r.line, r.reason) for r in batch.rejects] == [(3, "line 3: 'foo' is not a URL")]


def test_commercial_sample() -> None:
    batch = parse("openphish.commercial", (FEED / "feed_commercial.jsonl").read_bytes())
    assert (len(batch), len(batch.rejects)) == (2, 0)
    first = batch.events.row(0, named=True)
    assert first["source.url"] == (
        "http://example.com/glossy/zip/secure/d553c33636b465c21554b757e48bcf04/"
    )
    assert (first["source.fqdn"], first["source.ip"], first["source.asn"]) == (
        "example.com", "104.24.119.70", 13335,
    )  # fmt: skip
    assert (first["source.as_name"], first["source.geolocation.cc"]) == ("Example Pete", "US")
    assert first["event_description.target"] == "Webmail Providers"
    assert first["time.source"] == datetime(2018, 2, 6, 15, 16, 6, tzinfo=UTC)
    assert json.loads(first["extra"]) == {
        "sector": "Email Provider", "family_id": "922070603a96d81be0e354099d62f54e",
    }  # fmt: skip


def test_commercial_malformed() -> None:
    batch = parse("openphish.commercial", b'{"url": "nope"}\n[1]\n')
    assert [(r.line, r.reason) for r in batch.rejects] == [
        (1, "line 1: 'nope' is not a URL"),
        (2, "line 2: not a JSON object"),
    ]
