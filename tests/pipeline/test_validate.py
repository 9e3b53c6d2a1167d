"""Validation: normalization, reasons, extra, indicators; properties with hypothesis."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from natcert.pipeline.schema.validate import NO_INDICATOR, validate


def _one(**columns: object) -> pl.DataFrame:
    return pl.DataFrame({k: [v] for k, v in columns.items()})


def test_normalizes_known_columns() -> None:
    batch = pl.DataFrame(
        {
            "_line": [7],
            "raw": ["  the line  "],
            "source.ip": [" 2001:DB8::1 "],
            "source.network": ["10.1.2.3/8"],
            "source.fqdn": ["Bücher.Example."],
            "source.url": ["hxxp://evil.example/x"],
            "source.asn": ["AS64500"],
            "source.port": ["8080"],
            "classification.type": ["C&C"],
            "tlp": ["amber+strict"],
            "time.source": ["2024-01-02T03:04:05+02:00"],
            "source.geolocation.cc": ["pk"],
        }
    )
    event = validate(batch).events.row(0, named=True)
    assert event["source.ip"] == "2001:db8::1"
    assert event["source.network"] == "10.0.0.0/8"
    assert event["source.fqdn"] == "xn--bcher-kva.example"
    assert event["source.url"] == "http://evil.example/x"
    assert event["source.asn"] == 64500
    assert event["source.port"] == 8080
    assert event["classification.type"] == "c2-server"
    assert event["tlp"] == "TLP:AMBER+STRICT"
    assert event["time.source"] == datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert event["source.geolocation.cc"] == "PK"
    assert event["raw"] == "  the line  "


def test_bad_values_become_rejects_with_line_raw_and_reason() -> None:
    batch = pl.DataFrame(
        {
            "_line": [1, 2, 3],
            "raw": ["ok", "bad ip", "bad port"],
            "source.ip": ["1.2.3.4", "999.1.1.1", "1.2.3.4"],
            "source.port": [80, 80, 70000],
        }
    )
    result = validate(batch)
    assert result.events.get_column("_line").to_list() == [1]
    first, second = result.rejects
    assert (first.line, first.raw) == (2, "bad ip")
    assert first.reason == "source.ip: '999.1.1.1' is not an IP address"
    assert second.reason == "source.port: '70000' is not a port (0 to 65535)"


def test_several_problems_are_joined() -> None:
    reject = validate(_one(_line=1, **{"source.ip": "x", "tlp": "purple"})).rejects[0]
    assert (
        reject.reason == "source.ip: 'x' is not an IP address; tlp: 'purple' is not a TLP 2.0 label"
    )


def test_rows_without_indicator_are_rejected() -> None:
    batch = pl.DataFrame(
        {"_line": [1, 2], "source.ip": [None, "1.1.1.1"], "malware.name": ["x", "y"]}
    )
    result = validate(batch)
    assert [r.reason for r in result.rejects] == [NO_INDICATOR]
    assert result.rejects[0].raw == '{"source.ip":null,"malware.name":"x"}'
    only_text = validate(_one(**{"malware.name": "emotet"}))
    assert only_text.events.height == 0 and only_text.rejects[0].line == 1


def test_padded_ipv4_and_leading_zeros() -> None:
    result = validate(pl.DataFrame({"source.ip": [" 1.2.3.4\t", "010.1.1.1"]}))
    assert result.events.get_column("source.ip").to_list() == ["1.2.3.4"]
    assert result.rejects[0].reason == "source.ip: '010.1.1.1' is not an IP address"


def test_lenient_fields_drop_bad_values_only() -> None:
    batch = _one(
        **{"source.ip": "1.2.3.4", "source.reverse_dns": "<script>", "source.geolocation.cc": "xyz"}
    )
    result = validate(batch)
    assert not result.rejects
    assert result.events.row(0, named=True)["source.reverse_dns"] is None


def test_unknown_columns_move_into_extra() -> None:
    batch = pl.DataFrame(
        {
            "source.ip": ["1.1.1.1", "2.2.2.2", "3.3.3.3"],
            "extra": ['{"a":1}', None, None],
            "extra.reporter": ["me", "you", None],
            "threat": ["x", None, None],
        }
    )
    events = validate(batch).events
    assert "threat" not in events.columns and "extra.reporter" not in events.columns
    assert events.get_column("extra").to_list() == [
        '{"a":1,"reporter":"me","threat":"x"}',
        '{"reporter":"you","threat":null}',
        None,
    ]


def test_empty_text_is_null_and_internal_columns_pass() -> None:
    batch = _one(_line=3, _custom="keep", **{"source.ip": "1.1.1.1", "malware.name": "  "})
    event = validate(batch).events.row(0, named=True)
    assert event["malware.name"] is None and event["_custom"] == "keep"


def test_empty_batch() -> None:
    result = validate(pl.DataFrame({"source.ip": []}, schema={"source.ip": pl.String}))
    assert result.events.height == 0 and result.rejects == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.ip_addresses(), min_size=1, max_size=20))
def test_every_valid_address_passes_in_canonical_form(addresses: list[object]) -> None:
    texts = [str(a) for a in addresses]
    events = validate(pl.DataFrame({"source.ip": texts})).events
    assert events.get_column("source.ip").to_list() == [str(ipaddress.ip_address(t)) for t in texts]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=20))
def test_any_text_is_either_an_address_or_rejected(texts: list[str]) -> None:
    result = validate(pl.DataFrame({"source.ip": texts, "raw": texts}))
    assert result.events.height + len(result.rejects) == len(texts)
    for value in result.events.get_column("source.ip").to_list():
        assert str(ipaddress.ip_address(value)) == value
    for reject in result.rejects:
        assert reject.reason.startswith(("source.ip: '", "no indicator"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(-10, 2**33), st.none()), min_size=1, max_size=20))
def test_asn_range(numbers: list[int | None]) -> None:
    result = validate(pl.DataFrame({"source.asn": numbers}, schema={"source.asn": pl.Int64}))
    kept = result.events.get_column("source.asn").to_list()
    assert all(1 <= n <= 4294967295 for n in kept)
    assert len(kept) == sum(1 for n in numbers if n is not None and 1 <= n <= 4294967295)


def test_one_value_columns_are_normalized_or_rejected_on_every_row() -> None:
    batch = pl.DataFrame(
        {
            "source.ip": ["192.0.2.1", "192.0.2.2", "192.0.2.3"],
            "tlp": ["amber"] * 3,
            "feed.url": ["hxxp://feed.example/x"] * 3,
            "feed.name": [None, None, None],
        }
    )
    events = validate(batch).events
    assert events["tlp"].to_list() == ["TLP:AMBER"] * 3
    assert events["feed.url"].to_list() == ["http://feed.example/x"] * 3
    assert events["feed.name"].to_list() == [None] * 3
    bad = validate(batch.with_columns(pl.lit("http://bad host/").alias("feed.url")))
    assert bad.events.height == 0
    assert [r.line for r in bad.rejects] == [1, 2, 3]
    assert bad.rejects[0].reason == "feed.url: 'http://bad host/' is not a URL with a host"


def test_large_batches_give_what_small_ones_give() -> None:
    urls = ["http://a.example/x", "hxxp://b.example/", "http://bad host/", "ftp://c.example/"]
    ips = ["192.0.2.1", " 192.0.2.2", "::FFFF:1.2.3.4", "999.1.1.1", None]
    size = 60_000  # above the size at which columns are normalized in threads
    batch = pl.DataFrame(
        {
            "source.url": [urls[i % 4] for i in range(size)],
            "source.ip": [ips[i % 5] for i in range(size)],
            "source.fqdn": [None if i % 3 else "WWW.Example.PK." for i in range(size)],
            "_line": range(1, size + 1),
        }
    )
    large = validate(batch)
    parts = [validate(batch.slice(i, 1_000)) for i in range(0, size, 1_000)]
    assert large.events.equals(pl.concat([p.events for p in parts]))
    assert large.rejects == [r for p in parts for r in p.rejects]
