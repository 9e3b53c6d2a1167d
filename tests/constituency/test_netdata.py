"""Prefix, AS number and domain parsing (property-based where the input space is large)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from natcert.constituency.netdata import (
    normalize_domain,
    parse_asn,
    parse_prefix,
    prefix_range,
)

networks = st.one_of(
    st.builds(
        lambda a, n: ipaddress.IPv4Network((a, n), strict=False),
        st.integers(0, 2**32 - 1),
        st.integers(0, 32),
    ),
    st.builds(
        lambda a, n: ipaddress.IPv6Network((a, n), strict=False),
        st.integers(0, 2**128 - 1),
        st.integers(0, 128),
    ),
)


@given(networks)
def test_prefix_round_trip_and_range(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network,
) -> None:
    assert parse_prefix(str(network).upper()) == network
    cidr, family, start, end = prefix_range(network)
    assert (cidr, family) == (str(network), network.version)
    assert len(start) == len(end) == 32
    assert int(start, 16) == int(network.network_address)
    assert int(end, 16) == int(network.broadcast_address)
    assert start <= end


@given(networks, st.integers(1, 2**128 - 1))
def test_host_bits_suggest_the_network(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network, offset: int
) -> None:
    host_bits = offset % network.num_addresses
    if host_bits == 0:
        return
    address = network.network_address + host_bits
    text = f"{address}/{network.prefixlen}"
    with pytest.raises(ValueError) as caught:
        parse_prefix(text)
    assert str(caught.value) == f"{text} has host bits set (did you mean {network}?)"


@pytest.mark.parametrize(
    ("value", "number"),
    [(64500, 64500), ("AS64500", 64500), ("as 1", 1), (" 4294967295 ", 2**32 - 1)],
)
def test_asn(value: str | int, number: int) -> None:
    assert parse_asn(value) == number


@pytest.mark.parametrize("value", [0, "AS0", 2**32, "ASN", "", "AS-1", True])
def test_bad_asn(value: str | int) -> None:
    with pytest.raises(ValueError, match="AS number"):
        parse_asn(value)


def test_domains() -> None:
    assert normalize_domain("WWW.Example.GOV.PK.") == "www.example.gov.pk"
    assert normalize_domain("پاکستان.example") == "xn--mgbai9azgqp6j.example"
    for bad in ("", "localhost", "http://x.pk/", "a..pk", "-x-.pk"):
        with pytest.raises(ValueError):  # message checked elsewhere
            normalize_domain(bad)
