"""CERT Polska n6 stream events: the sample, category mapping, addresses, bad events."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.parsers.certpl import N6_TO_RSIT
from natcert.pipeline.report import Report, ReportError
from tests.conftest import SAMPLES

FEED = SAMPLES / "feeds" / "cert-pl-n6"


def parse(text: str) -> tuple[list[dict[str, object]], list[tuple[int | None, str]]]:
    parsed = get_parser("certpl.n6_stream").parse(Report(feed="n6", raw=text.encode()))
    return list(parsed.events.iter_rows(named=True)), [(r.line, r.reason) for r in parsed.rejects]


def test_every_sample_is_covered() -> None:
    assert {p.name for p in FEED.iterdir()} == {"n6_stream_event.json"}


def test_stream_event_sample() -> None:
    raw = (FEED / "n6_stream_event.json").read_bytes()
    parsed = get_parser("certpl.n6_stream").parse(Report(feed="n6", raw=raw))
    assert (parsed.events.height, len(parsed.rejects)) == (1, 0)
    event = parsed.events.row(0, named=True)
    assert event["time.source"] == datetime(2015, 11, 17, 12, 17, 27, 43452, tzinfo=UTC)
    assert (event["source.ip"], event["source.asn"], event["source.geolocation.cc"]) == (
        "68.68.96.235", 18779, "US",
    )  # fmt: skip
    assert (event["source.port"], event["destination.port"]) == (22308, 80)
    assert event["protocol.transport"] == "tcp"
    assert (event["classification.taxonomy"], event["classification.type"]) == (
        "malicious-code", "infected-system",
    )  # fmt: skip
    assert event["classification.identifier"] == "sality"
    assert event["malware.name"] == "sality"
    assert json.loads(event["extra"]) == {
        "origin": "sinkhole", "confidence": "high", "source": "cert-pl.sinkhole",
        "adip": "x.x.111.99", "type": "event", "id": "d77ae8cf681dcdbb6e20014581401ed5",
    }  # fmt: skip
    assert event["_line"] == 1


def test_categories_map_to_rsit_and_addresses_explode() -> None:
    events = [
        {"category": "phish", "time": "2024-01-01T00:00:00Z", "url": "http://bad.example/x",
         "fqdn": "bad.example",
         "address": [{"ip": "192.0.2.1"}, {"ip": "192.0.2.2", "asn": 64496}]},
        {"category": "cnc", "time": "2024-01-01T00:00:01Z", "name": "Emotet",
         "address": [{"ip": "2001:db8::1", "cc": "PL"}]},
        {"category": "something-new", "time": "2024-01-01 00:00:02", "fqdn": "x.example"},
    ]  # fmt: skip
    rows, rejects = parse("\n".join(json.dumps(e) for e in events))
    assert rejects == []
    assert [(r["_line"], r["source.ip"]) for r in rows] == [
        (1, "192.0.2.1"), (1, "192.0.2.2"), (2, "2001:db8::1"), (3, None),
    ]  # fmt: skip
    assert rows[0]["classification.type"] == "phishing"
    assert rows[0]["source.url"] == "http://bad.example/x"
    assert rows[1]["source.asn"] == 64496
    assert (rows[2]["classification.type"], rows[2]["malware.name"]) == ("c2-server", "emotet")
    assert (rows[3]["classification.taxonomy"], rows[3]["classification.type"]) == (
        "other", "undetermined",
    )  # fmt: skip
    assert all(cls and kind for cls, kind in N6_TO_RSIT.values())


def test_bad_events_are_rejected() -> None:
    text = "\n".join(
        [
            json.dumps({"category": "bots", "time": "yesterday", "address": [{"ip": "192.0.2.1"}]}),
            json.dumps({"category": "bots", "time": "2024-01-01T00:00:00Z",
                        "address": [{"ip": "999.1.2.3"}]}),
            json.dumps({"category": "bots", "time": "2024-01-01T00:00:00Z"}),
            "{oops",
        ]
    )  # fmt: skip
    rows, rejects = parse(text)
    assert rows == []
    assert rejects[:3] == [
        (1, "line 1: 'yesterday' in 'time' is not a date and time"),
        (2, "line 2: '999.1.2.3' in 'address' is not an IPv4 or IPv6 address"),
        (3, "line 3: no address, fqdn or url to act on"),
    ]
    assert rejects[3][0] == 4 and rejects[3][1].startswith("line 4: not valid JSON")


def test_other_families_are_refused_cleanly() -> None:
    parser = get_parser("certpl.n6_stream")
    for path in sorted((SAMPLES / "feeds").rglob("*")):
        if not path.is_file() or path.is_relative_to(FEED):
            continue
        try:
            parsed = parser.parse(Report(feed="x", raw=path.read_bytes(), name=path.name))
        except ReportError:
            continue
        assert parsed.events.height == 0, path
    with pytest.raises(ReportError):
        parser.parse(Report(feed="x", raw=b""))
