"""PhishTank online-valid JSON dump."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.report import ParsedBatch, Report, ReportError
from tests.conftest import SAMPLES

FEED = SAMPLES / "feeds" / "phishtank"


def parse(raw: bytes) -> ParsedBatch:
    return get_parser("phishtank.online_valid").parse(Report(feed="test", raw=raw))


def test_online_valid_sample() -> None:
    batch = parse((FEED / "online-valid_2022.json").read_bytes())
    assert (len(batch), len(batch.rejects)) == (3, 0)
    first = batch.events.row(0, named=True)
    assert (first["source.url"], first["source.fqdn"]) == ("https://ardentig.top/", "ardentig.top")
    assert (first["source.ip"], first["source.network"], first["source.asn"]) == (
        "204.152.210.139", "204.152.192.0/19", 8100,
    )  # fmt: skip
    assert first["source.geolocation.cc"] == "US"
    assert first["time.source"] == datetime(2022, 11, 16, 14, 12, 55, tzinfo=UTC)
    assert first["event_description.target"] == "AEON Card"
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "fraud", "phishing",
    )  # fmt: skip
    assert json.loads(first["extra"])["phish_id"] == "7946016"


def test_malformed_record() -> None:
    batch = parse(b'[{"phish_id": "1", "url": "not a url"}, {"url": "http://a.example/"}]')
    assert batch.events["source.fqdn"].to_list() == ["a.example"]
    assert [(r.line, r.reason) for r in batch.rejects] == [(1, "line 1: 'not a url' is not a URL")]


def test_empty_report() -> None:
    with pytest.raises(ReportError):
        parse(b"  \n")
