"""Microsoft CTIP: the Interflow and Azure samples, layout detection, bad records."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl
import pytest

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.report import Report, ReportError
from tests.conftest import SAMPLES

FEED = SAMPLES / "feeds" / "microsoft-ctip"


def sample(name: str) -> Report:
    return Report(feed="microsoft-ctip", raw=(FEED / name).read_bytes(), name=name)


def test_every_sample_is_covered() -> None:
    assert {p.name for p in FEED.iterdir()} == {"ctip_interflow.json", "ctip_azure.jsonl"}


def test_interflow_sample() -> None:
    parsed = get_parser("microsoft.ctip_interflow").parse(sample("ctip_interflow.json"))
    assert (parsed.events.height, len(parsed.rejects)) == (5, 0)
    events = parsed.events
    assert events["_line"].to_list() == [1, 2, 3, 4, 5]
    first = events.row(0, named=True)
    assert first["time.source"] == datetime(2018, 2, 6, 9, 37, 2, tzinfo=UTC)
    assert (first["source.ip"], first["source.port"], first["source.asn"]) == (
        "224.0.5.8", 1204, 65536,
    )  # fmt: skip
    assert (first["destination.ip"], first["destination.port"]) == ("198.18.18.18", 443)
    assert first["classification.identifier"] == "B85-R2S"
    assert first["malware.name"] == "b85-r2s"
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "malicious-code", "infected-system",
    )  # fmt: skip
    assert first["tlp"] == "TLP:GREEN"
    assert first["event_description.text"] == "Host is a member of Botnet B85-R2S"
    assert json.loads(first["extra"])["confidence"] == "20"
    # "192.88.99.209, 192.88.99.209": the first address is the destination.
    assert events["destination.ip"][4] == "192.88.99.209"
    # A binary hostname is not a domain: it stays in extra, not in destination.fqdn.
    assert events["destination.fqdn"].null_count() == 5
    assert "hostname" in json.loads(events["extra"][4])
    assert events.schema["time.source"] == pl.Datetime("us", "UTC")


def test_azure_sample() -> None:
    parsed = get_parser("microsoft.ctip_azure").parse(sample("ctip_azure.jsonl"))
    assert (parsed.events.height, len(parsed.rejects)) == (6, 0)
    events = parsed.events
    first = events.row(0, named=True)
    # DateTimeReceivedUtc is a Windows FILETIME (100 ns ticks since 1601).
    assert first["time.source"] == datetime(2020, 5, 24, 22, 45, 28, 487000, tzinfo=UTC)
    assert (first["source.ip"], first["source.port"], first["source.asn"]) == (
        "224.0.5.8", 65116, 64496,
    )  # fmt: skip
    assert first["source.as_name"] == "Example AS 1"
    assert first["source.geolocation.cc"] == "AT"
    assert first["classification.identifier"] == "B67-SS-TINBA"
    assert first["malware.name"] == "avalanche"
    assert first["tlp"] == "TLP:AMBER"
    assert json.loads(first["extra"])["custom_field1"] == "tinba"
    # "YELLOW" and "Unknown" are not TLP 2.0 labels: left for the feed's default.
    assert events["tlp"].to_list()[1:] == [None, None, "TLP:GREEN", "TLP:GREEN", "TLP:GREEN"]
    last = events.row(5, named=True)
    assert last["destination.fqdn"] == "example.com"
    assert last["destination.url"] == "http://example.com/index.php"
    assert last["malware.name"] == "malware"


def test_auto_detection_and_wrong_layout() -> None:
    auto = get_parser("microsoft.ctip")
    assert auto.parse(sample("ctip_interflow.json")).events.height == 5
    assert auto.parse(sample("ctip_azure.jsonl")).events.height == 6
    with pytest.raises(ReportError, match="Azure"):
        get_parser("microsoft.ctip_azure").parse(sample("ctip_interflow.json"))
    with pytest.raises(ReportError, match="Interflow"):
        get_parser("microsoft.ctip_interflow").parse(sample("ctip_azure.jsonl"))


def test_bad_records_are_rejected() -> None:
    ticks = {"DateTimeReceivedUtc": 132348339284870000}
    lines = [
        {"DataFeed": "CTIP-Infected", "SourceIp": "192.0.2.1", **ticks},
        {"DataFeed": "CTIP-Infected", "SourceIp": "999.1.2.3", **ticks},
        {"DataFeed": "CTIP-Infected", "SourceIp": "192.0.2.3"},
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\n{broken\n[1]\n"
    parsed = get_parser("microsoft.ctip").parse(Report(feed="x", raw=text.encode()))
    assert parsed.events["source.ip"].to_list() == ["192.0.2.1"]
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (2, "line 2: '999.1.2.3' in 'SourceIp' is not an IPv4 or IPv6 address"),
        (3, "line 3: '<empty>' in 'DateTimeReceivedUtc' is not a time"),
        (
            4,
            "line 4: not valid JSON (Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1))",
        ),
        (5, "line 5: not a JSON object"),
    ]


def test_other_families_are_refused_cleanly() -> None:
    parser = get_parser("microsoft.ctip")
    for path in sorted((SAMPLES / "feeds").rglob("*")):
        if not path.is_file() or path.is_relative_to(FEED):
            continue
        try:
            parsed = parser.parse(Report(feed="x", raw=path.read_bytes(), name=path.name))
        except ReportError:
            continue
        assert parsed.events.height == 0, path
