"""Host names and registered domains: normalizing, IDN, public suffixes, hosts of URLs.

A *registered domain* (also "registrable domain") is the public suffix plus one label:
``www.example.gov.pk`` → ``example.gov.pk`` because ``gov.pk`` is a public suffix. The list is
the Public Suffix List (https://publicsuffix.org/) shipped offline inside the
``publicsuffixlist`` package. Internationalized names are converted to their ASCII (punycode,
``xn--``) form with ``idna`` following UTS #46 (https://www.unicode.org/reports/tr46/), so
``münchen.de`` and ``xn--mnchen-3ya.de`` are the same host.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import idna
import polars as pl
from publicsuffixlist import PublicSuffixList

URL_HOST_PATTERN = r"^\s*(?:[A-Za-z][A-Za-z0-9+.\-]*://)?(?:[^/?#@]*@)?(\[[^\]/?#]*\]|[^:/?#\s]*)"
"""Captures the host of an absolute URL (scheme optional, user info skipped, IPv6 bracketed)."""


@functools.cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def normalize_host(host: str) -> str:
    """Lower case, no trailing dot, no IPv6 brackets, IDN in ASCII (``Bücher.PK.`` →
    ``xn--bcher-kva.pk``). IP literals pass through unchanged apart from brackets.

    Raises ``ValueError`` (``'a..b' is not a valid host name: ...``) for empty or invalid names.
    """
    value = host.strip().rstrip(".")
    if value.startswith("[") and value.endswith("]"):
        return value[1:-1].lower()
    if not value:
        raise ValueError(f"{host!r} is not a valid host name: it is empty")
    if value.isascii():
        value = value.lower()
        labels = value.split(".")
        if all(label and len(label) < 64 for label in labels) and len(value) < 254:
            return value
    try:
        return idna.encode(value, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise ValueError(f"{host!r} is not a valid host name: {error}") from None


def is_ip_literal(host: str) -> bool:
    """Whether ``host`` is written as an IP address rather than a name."""
    return ":" in host or host.replace(".", "").isdigit()


def registered_domain(host: str) -> str | None:
    """The registered domain of a host name, in ASCII form, or ``None`` for a public suffix
    itself (``gov.pk``), an IP literal or an unreadable name.

    ``www.example.gov.pk`` → ``example.gov.pk``; ``WWW.München.de`` → ``xn--mnchen-3ya.de``.
    Private-section suffixes of the list count (``foo.blogspot.com`` is its own domain).
    """
    try:
        name = normalize_host(host)
    except ValueError:
        return None
    if is_ip_literal(name):
        return None
    result = _psl().privatesuffix(name)
    return str(result) if result else None


def registered_domains(hosts: pl.Series) -> pl.Series:
    """Vectorized :func:`registered_domain` over a String Series (each distinct value computed
    once); nulls stay null. Returns a String Series of the same length and name."""
    distinct = hosts.drop_nulls().unique()
    domains = pl.Series([registered_domain(h) for h in distinct.to_list()], dtype=pl.String)
    return hosts.replace_strict(distinct, domains, default=None, return_dtype=pl.String)


def host_from_url(url: str) -> str | None:
    """The normalized host of a URL (``https://WWW.Example.gov.pk:8443/x`` →
    ``www.example.gov.pk``); a URL without a scheme (``example.com/path``) is read as one with
    ``http://``. ``None`` when there is no readable host."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname
        return normalize_host(host) if host else None
    except ValueError:
        return None


def url_host_expr(url: pl.Expr) -> pl.Expr:
    """A String expression: the host of each URL, lower case, without brackets or trailing dot.

    Only lower-casing is done in polars; apply :func:`normalize_hosts` to the result when
    names may be internationalized (non-ASCII). Null (not empty) when a URL has no host.
    """
    host = url.str.extract(URL_HOST_PATTERN, 1).str.strip_chars("[]").str.strip_chars_end(".")
    return pl.when(host.str.len_bytes() > 0).then(host.str.to_lowercase())


def url_hosts(urls: pl.Series) -> pl.Series:
    """The raw host of each URL (case and trailing dot as written; brackets removed), null
    where there is none: what :func:`url_host_expr` gives before lower-casing, but faster.

    ``http(s)://host[:port][/...]`` (nearly every feed URL) is cut with literal prefix
    stripping and one regex search; only rows with another scheme, user info, an IPv6
    literal or non-ASCII text go through :data:`URL_HOST_PATTERN`.
    """
    rest = (
        urls.cast(pl.String)
        .rename("u")
        .to_frame()
        .select(pl.col("u").str.strip_prefix("http://").str.strip_prefix("https://"))
    )
    cut = rest.select(pl.col("u").str.head(pl.col("u").str.find("[:/?#]").fill_null(2**31)))
    odd = rest.select(
        pl.col("u").str.contains(r"[@\[ \t]|://")
        | (pl.col("u").str.len_bytes() != pl.col("u").str.len_chars())  # find: bytes, head: chars
    ).to_series()
    hosts = cut.to_series()
    if odd.any():
        rows = odd.fill_null(False).arg_true()
        exact = urls.gather(rows).to_frame("u").select(pl.col("u").str.extract(URL_HOST_PATTERN))
        hosts = hosts.scatter(rows, exact.to_series().str.strip_chars("[]"))
    return pl.select(pl.when(hosts.str.len_bytes() > 0).then(hosts)).to_series().rename(urls.name)


def normalize_hosts(hosts: pl.Series) -> pl.Series:
    """Vectorized :func:`normalize_host`: ASCII names are lower-cased in polars; only the
    non-ASCII rows (IDN) go through ``idna``. Invalid names become null."""
    frame = hosts.cast(pl.String).rename("h").to_frame()
    lowered = frame.select(
        pl.col("h").str.strip_chars().str.strip_chars_end(".").str.to_lowercase()
    ).to_series()
    foreign = lowered.str.contains(r"[^\x00-\x7F]").fill_null(False)
    if foreign.any():
        distinct = lowered.filter(foreign).unique()
        mapped = pl.Series([_try_normalize(h) for h in distinct.to_list()], dtype=pl.String)
        lowered = lowered.replace(distinct, mapped)
    result = pl.select(pl.when(lowered.str.len_bytes() > 0).then(lowered)).to_series()
    return result.rename(hosts.name)


def _try_normalize(host: str) -> str | None:
    try:
        return normalize_host(host)
    except ValueError:
        return None
