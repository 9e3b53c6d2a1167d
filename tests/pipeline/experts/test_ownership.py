"""The ownership resolver: longest prefix, then AS number, then registered-domain suffix."""

from __future__ import annotations

import ipaddress

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natcert.lib.network import unmap, unmap_network
from natcert.pipeline.experts.ownership import (
    CERT,
    ORGANISATION,
    SECTOR,
    Match,
    Owner,
    OwnershipExpert,
    OwnershipIndex,
)

ORGS = ["alpha", "bravo", "charlie", "delta"]
OWNERS = {key: Owner(key, f"{key}-sector", f"{key}-cert", key.title()) for key in ORGS}
OWNERS["solo"] = Owner("solo")  # no sector, no CERT


def _index(prefixes=(), asns=(), domains=()) -> OwnershipIndex:  # type: ignore[no-untyped-def]
    return OwnershipIndex.build(prefixes, asns, domains, OWNERS)


@pytest.fixture(scope="module")
def index() -> OwnershipIndex:
    return _index(
        prefixes=[
            ("39.32.0.0/11", "alpha"),
            ("39.32.1.0/24", "bravo"),
            ("39.32.1.128/25", "alpha"),
            ("2400:adc0::/32", "charlie"),
            ("2400:adc0:1::/48", "delta"),
            ("::ffff:10.0.0.0/104", "solo"),
        ],
        asns=[(64500, "bravo"), ("AS64501", "charlie")],
        domains=[
            ("example.gov.pk", "alpha"),
            ("sub.example.gov.pk", "delta"),
            ("Bücher.pk", "charlie"),
            ("gov.pk", "bravo"),
        ],
    )


@pytest.mark.parametrize(
    ("indicator", "rule", "key", "organisation"),
    [
        ("39.32.0.1", "prefix", "39.32.0.0/11", "alpha"),
        ("39.32.1.5", "prefix", "39.32.1.0/24", "bravo"),
        ("39.32.1.200", "prefix", "39.32.1.128/25", "alpha"),
        ("39.32.1.0/25", "prefix", "39.32.1.0/24", "bravo"),
        ("::ffff:39.32.1.1", "prefix", "39.32.1.0/24", "bravo"),
        ("10.9.8.7", "prefix", "10.0.0.0/8", "solo"),
        ("2400:adc0::1", "prefix", "2400:adc0::/32", "charlie"),
        ("2400:adc0:1:2::1", "prefix", "2400:adc0:1::/48", "delta"),
        ("AS64500", "asn", "AS64500", "bravo"),
        ("as64501", "asn", "AS64501", "charlie"),
        ("64500", "asn", "AS64500", "bravo"),
        ("www.example.gov.pk", "domain", "example.gov.pk", "alpha"),
        ("a.b.example.gov.pk", "domain", "example.gov.pk", "alpha"),
        ("a.sub.example.gov.pk", "domain", "sub.example.gov.pk", "delta"),
        ("https://WWW.Example.GOV.pk./login", "domain", "example.gov.pk", "alpha"),
        ("http://[2400:adc0::5]:8080/", "prefix", "2400:adc0::/32", "charlie"),
        ("http://39.32.0.9/x.sh", "prefix", "39.32.0.0/11", "alpha"),
        ("abuse@example.gov.pk", "domain", "example.gov.pk", "alpha"),
        ("www.bücher.pk", "domain", "xn--bcher-kva.pk", "charlie"),
        ("xn--bcher-kva.pk", "domain", "xn--bcher-kva.pk", "charlie"),
        ("other.gov.pk", "domain", "gov.pk", "bravo"),
    ],
)
def test_resolve_one(
    index: OwnershipIndex, indicator: str, rule: str, key: str, organisation: str
) -> None:
    match = index.resolve_one(indicator)
    assert match is not None
    assert (match.rule, match.key, match.organisation) == (rule, key, organisation)
    assert match.owner == OWNERS[organisation]


@pytest.mark.parametrize(
    "indicator",
    [
        "8.8.8.8",
        "AS1",
        "example.com",
        "badexample.gov.pk.com",
        "",
        "   ",
        "http://",
        "39.0.0.0/8",
        "a..b",
    ],
)
def test_resolve_one_misses(index: OwnershipIndex, indicator: str) -> None:
    assert index.resolve_one(indicator) is None


def test_public_suffix_is_not_owned_unless_registered() -> None:
    only = _index(domains=[("example.gov.pk", "alpha")])
    assert only.resolve_one("gov.pk") is None
    assert only.resolve_one("x.gov.pk") is None
    assert only.resolve_one("badexample.gov.pk") is None
    assert only.resolve_one("example.gov.pk") == Match("domain", "example.gov.pk", OWNERS["alpha"])


def test_annotate_rules_in_order(index: OwnershipIndex) -> None:
    batch = pl.DataFrame(
        {
            "source.ip": ["39.32.1.5", None, None, "8.8.8.8", None, None, "2400:adc0:1::1", None],
            "source.asn": [64501, 64500, None, 64501, None, None, None, 1],
            "source.fqdn": [
                None,
                "www.example.gov.pk",
                "a.sub.example.gov.pk",
                None,
                None,
                None,
                None,
                "nowhere.example",
            ],
            "source.url": [
                None,
                None,
                "http://www.example.gov.pk/",
                None,
                "https://WWW.BÜCHER.pk/",
                "http://39.32.0.9/i",
                None,
                None,
            ],
        },
        schema_overrides={"source.asn": pl.Int64},
    )
    out = index.annotate(batch)
    assert out[ORGANISATION].to_list() == [
        "bravo",
        "bravo",
        "delta",
        "charlie",
        "charlie",
        "alpha",
        "delta",
        None,
    ]
    assert out[SECTOR].to_list()[:2] == ["bravo-sector", "bravo-sector"]
    assert out[CERT].to_list()[-1] is None
    assert out.columns[: batch.width] == batch.columns


def test_annotate_keeps_existing_owner_where_nothing_matches(index: OwnershipIndex) -> None:
    batch = pl.DataFrame(
        {
            "source.ip": ["39.32.0.1", "8.8.8.8"],
            ORGANISATION: ["old", "old"],
            SECTOR: [None, "s"],
            CERT: [None, None],
        }
    )
    out = index.annotate(batch)
    assert out[ORGANISATION].to_list() == ["alpha", "old"]
    assert out[SECTOR].to_list() == ["alpha-sector", "s"]


def test_owner_without_sector_gives_nulls(index: OwnershipIndex) -> None:
    out = index.annotate(pl.DataFrame({"source.ip": ["10.0.0.1"]}))
    assert out.row(0) == ("10.0.0.1", "solo", None, None)


def test_annotate_without_owner_columns_and_empty_index() -> None:
    batch = pl.DataFrame({"feed.name": ["x"]})
    assert _index().annotate(batch)[ORGANISATION].to_list() == [None]
    assert OwnershipIndex.empty().annotate(pl.DataFrame({"source.ip": ["1.2.3.4"]})).width == 4
    assert OwnershipIndex.empty().resolve_one("1.2.3.4") is None


def test_expert_wraps_the_index(index: OwnershipIndex) -> None:
    expert = OwnershipExpert(index)
    assert expert.name == "ownership"
    assert expert.process(pl.DataFrame({"source.ip": ["39.32.0.1"]}))[ORGANISATION][0] == "alpha"


def test_wildcard_domain_means_the_domain_and_below() -> None:
    wild = _index(domains=[("*.Example.pk", "alpha")])
    assert wild.resolve_one("example.pk") == Match("domain", "example.pk", OWNERS["alpha"])
    assert wild.resolve_one("a.example.pk") == Match("domain", "example.pk", OWNERS["alpha"])


def test_build_rejects_bad_rows() -> None:
    with pytest.raises(ValueError, match="has host bits set"):
        _index(prefixes=[("10.0.0.1/8", "alpha")])
    with pytest.raises(ValueError, match="unknown organisation 'zulu'"):
        _index(asns=[(64500, "zulu")])
    with pytest.raises(ValueError, match="is not an AS number"):
        _index(asns=[("ASX", "alpha")])
    with pytest.raises(ValueError, match="is not a valid host name"):
        _index(domains=[("a..b", "alpha")])


def test_duplicates_resolve_to_the_first_organisation_key() -> None:
    one = _index(
        prefixes=[("10.0.0.0/8", "delta"), ("10.0.0.0/8", "bravo")],
        asns=[(1, "delta"), (1, "bravo")],
        domains=[("a.pk", "delta"), ("A.pk.", "bravo")],
    )
    for indicator in ("10.1.1.1", "AS1", "www.a.pk"):
        match = one.resolve_one(indicator)
        assert match is not None and match.organisation == "bravo"
    batch = pl.DataFrame(
        {
            "source.ip": ["10.1.1.1", None, None],
            "source.asn": [None, 1, None],
            "source.fqdn": [None, None, "a.pk"],
        }
    )
    assert one.annotate(batch)[ORGANISATION].to_list() == ["bravo"] * 3


# -- properties: the vectorized path agrees with a naive reference ----------------------------

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
small_v6 = st.integers(0, 2**128 - 1) | st.integers(0xFFFF_0000_0000, 0xFFFF_FFFF_FFFF)
networks = st.one_of(
    st.builds(
        lambda a, n: ipaddress.IPv4Network((a, n), strict=False),
        st.integers(0, 2**32 - 1),
        st.integers(0, 32),
    ),
    st.builds(
        lambda a, n: ipaddress.IPv6Network((a, n), strict=False), small_v6, st.integers(0, 128)
    ),
)


def _naive_prefix(prefixes: list[tuple[Network, str]], text: str) -> str | None:
    address = unmap(ipaddress.ip_address(text))
    best: tuple[int, str] | None = None
    for network, organisation in prefixes:
        network = unmap_network(network)
        if network.version == address.version and address in network:
            candidate = (-network.prefixlen, organisation)
            best = candidate if best is None or candidate < best else best
    return None if best is None else best[1]


def _probes(prefixes: list[tuple[Network, str]], extra: list[int]) -> list[str]:
    texts = [str(ipaddress.IPv4Address(n)) for n in extra]
    for network, _org in prefixes:
        kind = ipaddress.IPv4Address if network.version == 4 else ipaddress.IPv6Address
        for edge in (int(network.network_address), int(network.broadcast_address)):
            for value in (edge - 1, edge, edge + 1):
                if 0 <= value < 2**network.max_prefixlen:
                    texts.append(str(kind(value)))
                    if network.version == 4:
                        texts.append(f"::ffff:{kind(value)}")
    return texts


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(networks, st.sampled_from(ORGS)), max_size=10),
    st.lists(st.integers(0, 2**32 - 1), max_size=10),
)
def test_annotate_agrees_with_naive_longest_prefix(
    prefixes: list[tuple[Network, str]], extra: list[int]
) -> None:
    index = _index(prefixes=[(str(n), org) for n, org in prefixes])
    texts = _probes(prefixes, extra)
    out = index.annotate(pl.DataFrame({"source.ip": texts}, schema={"source.ip": pl.String}))
    expected = [_naive_prefix(prefixes, t) for t in texts]
    assert out[ORGANISATION].to_list() == expected
    for text, organisation in zip(texts, expected, strict=True):
        match = index.resolve_one(text)
        assert (match.organisation if match else None) == organisation


label = st.sampled_from(["a", "b", "xn--bcher-kva", "gov", "pk", "co"])
names = st.lists(label, min_size=1, max_size=4).map(".".join)


def _naive_domain(domains: list[tuple[str, str]], host: str) -> str | None:
    best: tuple[int, str] | None = None
    for domain, organisation in domains:
        if host == domain or host.endswith("." + domain):
            candidate = (-len(domain), organisation)
            best = candidate if best is None or candidate < best else best
    return None if best is None else best[1]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(names, st.sampled_from(ORGS)), max_size=8),
    st.lists(names, max_size=12),
    st.booleans(),
)
def test_domain_suffix_agrees_with_naive(
    domains: list[tuple[str, str]], hosts: list[str], as_urls: bool
) -> None:
    index = _index(domains=domains)
    probes = hosts + [d for d, _o in domains] + ["x." + d for d, _o in domains]
    column = "source.url" if as_urls else "source.fqdn"
    values = [f"https://{h.upper()}:443/p?q" if as_urls else h for h in probes]
    out = index.annotate(pl.DataFrame({column: values}, schema={column: pl.String}))
    expected = [_naive_domain(domains, h) for h in probes]
    assert out[ORGANISATION].to_list() == expected
    for value, organisation in zip(values, expected, strict=True):
        match = index.resolve_one(value)
        assert (match.organisation if match else None) == organisation


def test_hosts_are_read_only_where_the_address_does_not_place_the_row(
    index: OwnershipIndex,
) -> None:
    batch = pl.DataFrame(
        {
            "source.ip": ["39.32.1.5", "8.8.8.8", None, None],
            "source.fqdn": [None, None, None, "x.gov.pk"],
            "source.url": [
                "http://not-a-registered-host.example/",
                "http://www.example.gov.pk/x",  # address unowned: the URL's host decides
                "http://39.32.0.9/i",  # no address column value: the URL's host is one
                "http://39.32.0.9/i",  # the FQDN comes before the URL
            ],
        }
    )
    assert index.annotate(batch)[ORGANISATION].to_list() == ["bravo", "alpha", "alpha", "bravo"]
