"""Host names, IDN, registered domains (Public Suffix List) and hosts of URLs."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from natcert.lib.domains import (
    host_from_url,
    is_ip_literal,
    normalize_host,
    normalize_hosts,
    registered_domain,
    registered_domains,
    url_host_expr,
    url_hosts,
)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("WWW.Example.GOV.pk.", "www.example.gov.pk"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("Bücher.PK", "xn--bcher-kva.pk"),
        ("xn--bcher-kva.pk", "xn--bcher-kva.pk"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("192.0.2.1", "192.0.2.1"),
    ],
)
def test_normalize_host(host: str, expected: str) -> None:
    assert normalize_host(host) == expected


@pytest.mark.parametrize("host", ["", " . ", "a..b", "x" * 64 + ".com"])
def test_normalize_host_rejects(host: str) -> None:
    with pytest.raises(ValueError, match="is not a valid host name"):
        normalize_host(host)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("www.example.gov.pk", "example.gov.pk"),
        ("a.b.example.gov.pk", "example.gov.pk"),
        ("example.gov.pk", "example.gov.pk"),
        ("gov.pk", None),
        ("pk", None),
        ("a.b.example.co.uk", "example.co.uk"),
        ("WWW.München.de", "xn--mnchen-3ya.de"),
        ("foo.blogspot.com", "foo.blogspot.com"),
        ("192.0.2.1", None),
        ("2001:db8::1", None),
        ("a..b", None),
    ],
)
def test_registered_domain(host: str, expected: str | None) -> None:
    assert registered_domain(host) == expected


def test_registered_domains_vectorized_keeps_nulls_and_order() -> None:
    hosts = pl.Series(
        "h", ["www.example.gov.pk", None, "gov.pk", "www.example.gov.pk", "x.y.example.ca"]
    )
    result = registered_domains(hosts)
    assert result.to_list() == ["example.gov.pk", None, None, "example.gov.pk", "example.ca"]
    assert result.name == "h"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Example.gov.pk:8443/x?y#z", "www.example.gov.pk"),
        ("http://user:pw@example.com/", "example.com"),
        ("http://[2001:db8::1]:8080/a", "2001:db8::1"),
        ("http://192.0.2.1:80/Mozi.m", "192.0.2.1"),
        ("example.com/path", "example.com"),
        ("hxxp://bücher.pk./", "xn--bcher-kva.pk"),
        ("http:///nohost", None),
        ("https://WWW.BÜCHER.pk/", "www.xn--bcher-kva.pk"),
        ("ftp://files.example.org/a", "files.example.org"),
        ("  http://spaced.example/ ", "spaced.example"),
    ],
)
def test_host_from_url_and_vectorized_agree(url: str, host: str | None) -> None:
    assert host_from_url(url) == host
    column = pl.DataFrame({"u": [url]}).select(url_host_expr(pl.col("u"))).to_series()
    assert normalize_hosts(column).to_list() == [host]
    assert normalize_hosts(url_hosts(pl.Series([url, None]))).to_list() == [host, None]


def test_url_host_expr_on_nulls_and_empty() -> None:
    frame = pl.DataFrame({"u": [None, "", "https://EXAMPLE.org"]})
    assert frame.select(url_host_expr(pl.col("u"))).to_series().to_list() == [
        None,
        None,
        "example.org",
    ]


def test_normalize_hosts_only_idn_rows_change_beyond_case() -> None:
    hosts = pl.Series("host", ["A.Example.COM.", "Bücher.PK", None, "a..ü"])
    assert normalize_hosts(hosts).to_list() == ["a.example.com", "xn--bcher-kva.pk", None, None]


def test_is_ip_literal() -> None:
    assert is_ip_literal("192.0.2.1") and is_ip_literal("2001:db8::1")
    assert not is_ip_literal("example.com")


labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)


@given(st.lists(labels, min_size=1, max_size=4), st.sampled_from(["com", "gov.pk", "co.uk"]))
def test_registered_domain_is_a_suffix_with_one_label_more(parts: list[str], suffix: str) -> None:
    host = ".".join([*parts, suffix])
    domain = registered_domain(host)
    assert domain == f"{parts[-1]}.{suffix}"
    assert registered_domain(domain) == domain
