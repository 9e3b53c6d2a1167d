"""ASN/country enrichment on the real geoip2fast data, small MaxMind DBs and ipasn files."""

from __future__ import annotations

import gzip
import ipaddress
import warnings
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natcert.lib.network import ip_keys
from natcert.pipeline.experts.geo import (
    GeoExpert,
    Geoip2fastSource,
    GeoLayer,
    IpasnSource,
    MaxMindSource,
    country_prefixes,
    read_ipasn,
)
from tests.pipeline.experts.mmdb_writer import write_mmdb

PTCL = "Pakistan Telecommunication Company Limited"


def _batch(**columns: Any) -> pl.DataFrame:
    return pl.DataFrame(
        columns, schema_overrides={k: pl.Int64 for k in columns if k.endswith(".asn")}
    )


def test_geoip2fast_default_source_knows_pakistan() -> None:
    batch = _batch(
        **{
            "source.ip": [
                "39.32.0.1",
                "2400:adc0::1",
                "8.8.8.8",
                "10.0.0.1",
                None,
                "::ffff:39.32.0.1",
                "not an ip",
            ]
        }
    )
    out = GeoExpert().process(batch)
    assert out["source.geolocation.cc"].to_list() == ["PK", "PK", "US", None, None, "PK", None]
    assert out["source.as_name"][0] == PTCL
    assert out["source.as_name"][2] == "GOOGLE"
    assert out["source.as_name"][3] is None  # private range: no AS
    assert "source.asn" not in out.columns  # geoip2fast has no AS numbers


def test_existing_values_are_kept_unless_overwrite() -> None:
    batch = _batch(
        **{"source.ip": ["39.32.0.1", "39.32.0.2"], "source.geolocation.cc": ["XX", None]}
    )
    assert GeoExpert().process(batch)["source.geolocation.cc"].to_list() == ["XX", "PK"]
    forced = GeoExpert(overwrite=True).process(batch)
    assert forced["source.geolocation.cc"].to_list() == ["PK", "PK"]


def test_destination_is_enriched_too_and_empty_batches_pass() -> None:
    batch = _batch(**{"source.ip": [None], "destination.ip": ["8.8.8.8"]})
    out = GeoExpert().process(batch)
    assert out["destination.geolocation.cc"].to_list() == ["US"]
    empty = pl.DataFrame(schema={"source.ip": pl.String})
    assert GeoExpert().process(empty).height == 0


def test_geoip2fast_agrees_with_its_own_country_lookup() -> None:
    with warnings.catch_warnings():  # geoip2fast's own regexes warn when compiled
        warnings.simplefilter("ignore", DeprecationWarning)
        from geoip2fast import GeoIP2Fast

    reference = GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn-ipv6.dat.gz")
    ips = [str(ipaddress.IPv4Address(n * 2654435761 % 2**32)) for n in range(1, 400)]
    ips += ["2400:adc0::1", "2001:4860:4860::8888", "2a00:1450:4001::1"]
    out = GeoExpert().process(_batch(**{"source.ip": ips}))
    for ip, cc in zip(ips, out["source.geolocation.cc"], strict=True):
        detail = reference.lookup(ip)
        known = not detail.is_private and detail.country_code.isalpha()
        assert cc == (detail.country_code if known else None), ip


def test_country_prefixes_of_pakistan() -> None:
    prefixes = country_prefixes("pk")
    assert prefixes == sorted(prefixes, key=lambda r: _order(r[0]))
    assert len(prefixes) == len(set(prefixes)) > 1000
    networks = [ipaddress.ip_network(cidr) for cidr, _name in prefixes]
    assert any(ipaddress.ip_address("39.32.0.1") in n for n in networks)
    assert any(ipaddress.ip_address("2400:adc0::1") in n for n in networks)
    owner = next(
        name
        for cidr, name in prefixes
        if ipaddress.ip_address("39.32.0.1") in ipaddress.ip_network(cidr)
    )
    assert owner == PTCL
    out = GeoExpert().process(_batch(**{"source.ip": [str(n[0]) for n in networks[::50]]}))
    assert set(out["source.geolocation.cc"].to_list()) == {"PK"}
    with pytest.raises(ValueError, match="not a country code"):
        country_prefixes("QQ")


def _order(cidr: str) -> tuple[int, int, int]:
    network = ipaddress.ip_network(cidr)
    return network.version, int(network.network_address), network.prefixlen


def test_maxmind_country_and_asn(tmp_path: Path) -> None:
    country = write_mmdb(
        tmp_path / "c.mmdb",
        {
            "39.32.0.0/11": {"country": {"iso_code": "PK"}},
            "39.32.0.0/24": {"country": {"iso_code": "AE"}},
            "2400:adc0::/32": {"registered_country": {"iso_code": "PK"}},
        },
        "GeoLite2-Country",
    )
    asn = write_mmdb(
        tmp_path / "a.mmdb",
        {
            "39.32.0.0/11": {
                "autonomous_system_number": 17557,
                "autonomous_system_organization": PTCL,
            },
            "2400:adc0::/32": {
                "autonomous_system_number": 9541,
                "autonomous_system_organization": "Cyber Internet Services",
            },
        },
        "GeoLite2-ASN",
    )
    expert = GeoExpert([MaxMindSource(country, asn)])
    batch = _batch(**{"source.ip": ["39.33.1.1", "39.32.0.5", "2400:adc0::9", "1.1.1.1"]})
    out = expert.process(batch)
    assert out["source.geolocation.cc"].to_list() == ["PK", "AE", "PK", None]
    assert out["source.asn"].to_list() == [17557, 17557, 9541, None]
    assert out["source.asn"].dtype == pl.Int64
    assert out["source.as_name"].to_list() == [PTCL, PTCL, "Cyber Internet Services", None]


def test_sources_are_asked_in_order(tmp_path: Path) -> None:
    country = write_mmdb(
        tmp_path / "c.mmdb", {"8.8.8.0/24": {"country": {"iso_code": "ZZ"}}}, "GeoLite2-Country"
    )
    expert = GeoExpert([MaxMindSource(country=country), Geoip2fastSource()])
    out = expert.process(_batch(**{"source.ip": ["8.8.8.8", "8.8.4.4"]}))
    assert out["source.geolocation.cc"].to_list() == ["ZZ", "US"]


IPASN = """; IP-ASN32-DAT file
; Original source:\trib.20240618.0000.bz2
1.0.0.0/24\t13335
39.32.0.0/11\t17557
39.32.0.0/16\t64500
2400:adc0::/32\t9541
"""


@pytest.mark.parametrize("compressed", [False, True])
def test_ipasn_file_gives_numbers(tmp_path: Path, compressed: bool) -> None:
    path = tmp_path / ("ipasn.dat.gz" if compressed else "ipasn.dat")
    path.write_bytes(gzip.compress(IPASN.encode()) if compressed else IPASN.encode())
    expert = GeoExpert([IpasnSource(path)])
    batch = _batch(
        **{
            "source.ip": ["1.0.0.1", "39.32.1.1", "39.40.0.1", "2400:adc0::1", "9.9.9.9"],
            "source.asn": [None, None, None, None, 3],
        }
    )
    assert expert.process(batch)["source.asn"].to_list() == [13335, 64500, 17557, 9541, 3]


def test_ipasn_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.dat"
    path.write_text("; header\n1.0.0.0/24\t13335\n1.0.1.0/33\t1\n")
    with pytest.raises(ValueError, match=r"ipasn line 3: '1\.0\.1\.0/33' is not"):
        read_ipasn(path)
    path.write_text("1.0.0.0/24 13335\n")
    with pytest.raises(ValueError, match=r"ipasn line 1: .* no AS number"):
        read_ipasn(path)


def test_layer_from_nested_networks_most_specific_wins() -> None:
    layer = GeoLayer.from_networks(
        "cc",
        [(ipaddress.ip_network("10.0.0.0/8"), "AA"), (ipaddress.ip_network("10.1.0.0/16"), "BB")],
    )
    source = type("Fixed", (), {"name": "fixed", "layers": lambda self: [layer]})()
    out = GeoExpert([source]).process(_batch(**{"source.ip": ["10.1.2.3", "10.2.0.0", "11.0.0.0"]}))
    assert out["source.geolocation.cc"].to_list() == ["BB", "AA", None]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(8, 32), st.sampled_from("ABC"))),
    st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(8, 32), st.sampled_from("XYZ"))),
    st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=40),
)
def test_one_merged_search_answers_like_each_layer(
    cc: list[tuple[int, int, str]], names: list[tuple[int, int, str]], probes: list[int]
) -> None:
    def layer(field: Any, rows: list[tuple[int, int, str]]) -> GeoLayer:
        nets = [(ipaddress.IPv4Network((a, n), strict=False), v) for a, n, v in rows]
        return GeoLayer.from_networks(field, nets)

    layers = [layer("cc", cc), layer("as_name", names)]
    source = type("Fixed", (), {"name": "fixed", "layers": lambda self: layers})()
    texts = [str(ipaddress.IPv4Address(p)) for p in probes] + ["2001:db8::1", "x", None]
    out = GeoExpert([source]).process(_batch(**{"source.ip": texts}))
    keys = ip_keys(pl.Series(texts, dtype=pl.String))
    assert out["source.geolocation.cc"].to_list() == layers[0].lookup(keys).to_list()
    assert out["source.as_name"].to_list() == layers[1].lookup(keys).to_list()
