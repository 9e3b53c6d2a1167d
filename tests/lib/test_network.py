"""IP/CIDR/ASN helpers and the vectorized key and interval machinery."""

from __future__ import annotations

import ipaddress

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from natcert.lib.network import (
    IPIntervals,
    flatten,
    format_asn,
    ip_keys,
    ipv4_key_expr,
    normalize_ip,
    normalize_network,
    parse_asn,
    parse_ip,
    parse_network,
    unmap,
    unmap_network,
)


def test_parse_ip_accepts_both_families_and_brackets() -> None:
    assert str(parse_ip(" 192.0.2.1 ")) == "192.0.2.1"
    assert str(parse_ip("[2001:DB8::1]")) == "2001:db8::1"


@pytest.mark.parametrize("text", ["999.1.2.3", "01.2.3.4", "1.2.3", "", "2001:db8:::1", "x"])
def test_parse_ip_rejects_with_the_value_in_the_message(text: str) -> None:
    with pytest.raises(ValueError, match="is not an IPv4 or IPv6 address"):
        parse_ip(text)


def test_normalize_ip_compresses_and_unmaps() -> None:
    assert normalize_ip("2001:0DB8:0000::0001") == "2001:db8::1"
    assert normalize_ip("::ffff:192.0.2.7") == "192.0.2.7"


def test_parse_network_explains_host_bits() -> None:
    with pytest.raises(
        ValueError, match=r"'10.0.0.1/8' has host bits set \(did you mean 10.0.0.0/8"
    ):
        parse_network("10.0.0.1/8")
    assert str(parse_network("10.0.0.1/8", strict=False)) == "10.0.0.0/8"
    assert normalize_network("2001:DB8::/32") == "2001:db8::/32"
    assert str(parse_network("192.0.2.1")) == "192.0.2.1/32"


@pytest.mark.parametrize("text", ["10.0.0.0/33", "300.0.0.0/8", "banana", "2001:db8::/129"])
def test_parse_network_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not an IPv4 or IPv6 network"):
        parse_network(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("AS64500", 64500),
        ("as64500", 64500),
        ("64500", 64500),
        ("AS 64500", 64500),
        ("ASN64500", 64500),
        (64500, 64500),
        ("1.10", 65546),
        ("4294967295", 2**32 - 1),
    ],
)
def test_parse_asn(text: str | int, number: int) -> None:
    assert parse_asn(text) == number


@pytest.mark.parametrize("text", ["AS-FOO", "", "AS", "-1", "4294967296", "1.70000", True, "6.4e4"])
def test_parse_asn_rejects(text: str | int) -> None:
    with pytest.raises(ValueError, match="is not an AS number"):
        parse_asn(text)


def test_format_asn() -> None:
    assert format_asn(64500) == "AS64500"


def test_ipv4_key_expr_matches_ipaddress_and_rejects_junk() -> None:
    texts = [
        "0.0.0.0",
        "255.255.255.255",
        "192.0.2.1",
        "01.2.3.4",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        " 1.2.3.4",
        "+1.2.3.4",
        "1..2.3",
        None,
        "::1",
    ]
    got = pl.DataFrame({"ip": texts}).select(ipv4_key_expr(pl.col("ip"))).to_series().to_list()
    expected: list[int | None] = []
    for text in texts:
        try:
            expected.append(int(ipaddress.IPv4Address(text or "")))
        except ValueError:
            expected.append(None)
    assert got == expected


def test_ip_keys_split_families_and_unmap() -> None:
    keys = ip_keys(pl.Series(["192.0.2.1", "::ffff:192.0.2.2", "2001:db8::1", None, "x", "[::1]"]))
    assert keys.is_v4.tolist() == [True, True, False, False, False, False]
    assert keys.v4[:2].tolist() == [int(ipaddress.ip_address("192.0.2.1")), 0xC0000202]
    assert keys.v6_rows.tolist() == [2, 5]
    assert keys.v6[0] == ipaddress.ip_address("2001:db8::1").packed.rstrip(b"\0")
    assert len(keys) == 6


def test_flatten_innermost_wins_and_duplicates_keep_smallest_value() -> None:
    segments = flatten([(0, 100, 5), (10, 20, 1), (10, 20, 0), (50, 60, 2), (55, 56, 3)])
    assert segments == [
        (0, 10, 5),
        (10, 20, 0),
        (20, 50, 5),
        (50, 55, 2),
        (55, 56, 3),
        (56, 60, 2),
        (60, 100, 5),
    ]


def test_flatten_works_on_strings() -> None:
    segments = flatten([("a.", "a/", 0), ("a.b.", "a.b/", 1)])
    assert segments == [("a.", "a.b.", 0), ("a.b.", "a.b/", 1), ("a.b/", "a/", 0)]


def test_unmap_network() -> None:
    assert str(unmap_network(ipaddress.ip_network("::ffff:10.0.0.0/104"))) == "10.0.0.0/8"
    assert str(unmap_network(ipaddress.ip_network("2001:db8::/32"))) == "2001:db8::/32"


def _naive(
    prefixes: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int]],
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> int:
    best: tuple[int, int] | None = None
    for network, value in prefixes:
        if address.version == network.version and address in network:
            candidate = (-network.prefixlen, value)
            best = candidate if best is None or candidate < best else best
    return -1 if best is None else best[1]


v4_networks = st.builds(
    lambda a, n: ipaddress.IPv4Network((a, n), strict=False),
    st.integers(0, 2**32 - 1),
    st.integers(0, 32),
)
v6_networks = st.builds(
    lambda a, n: ipaddress.IPv6Network((a, n), strict=False),
    st.integers(0, 2**128 - 1),
    st.integers(0, 128),
)


@given(
    st.lists(st.tuples(v4_networks | v6_networks, st.integers(0, 5)), max_size=12),
    st.lists(st.integers(0, 2**32 - 1), max_size=20),
)
def test_ip_intervals_agree_with_naive_longest_prefix(
    prefixes: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int]], raw: list[int]
) -> None:
    # probe random addresses and every prefix boundary (first, last, last + 1)
    addresses: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [
        ipaddress.IPv4Address(value) for value in raw
    ]
    for network, _value in prefixes:
        top = 2**network.max_prefixlen - 1
        for edge in (network.network_address, network.broadcast_address):
            for delta in (-1, 0, 1):
                if 0 <= int(edge) + delta <= top:
                    addresses.append(
                        ipaddress.ip_address(int(edge) + delta)
                        if network.version == 4
                        else ipaddress.IPv6Address(int(edge) + delta)
                    )
    table = IPIntervals.from_prefixes(prefixes)
    keys = ip_keys(pl.Series([str(a) for a in addresses], dtype=pl.String))
    # IPv4-mapped IPv6 addresses and prefixes (::ffff:0:0/96 and below) count as IPv4
    unmapped = [(unmap_network(n), v) for n, v in prefixes]
    expected = [_naive(unmapped, unmap(a)) for a in addresses]
    assert table.lookup(keys).tolist() == expected


def test_lookup_on_empty_tables() -> None:
    table = IPIntervals.from_prefixes([])
    assert table.lookup(ip_keys(pl.Series(["1.2.3.4", "::1"]))).tolist() == [-1, -1]
    assert isinstance(table.lookup(ip_keys(pl.Series([], dtype=pl.String))), np.ndarray)


def test_ip_keys_are_remembered_by_content_not_by_object() -> None:
    first = ip_keys(pl.Series(["192.0.2.1", "192.0.2.2", None]))
    assert ip_keys(pl.Series("other", ["192.0.2.1", "192.0.2.2", None])) is first
    swapped = ip_keys(pl.Series(["192.0.2.2", "192.0.2.1", None]))
    assert swapped is not first
    assert swapped.v4[:2].tolist() == first.v4[1::-1].tolist()
