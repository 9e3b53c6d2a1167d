"""Vectorized address checks for parsers: IPv4/IPv6, networks, domain names, URL hosts.

IPv4 is a dotted quad without leading zeros (RFC 791 text form as ``inet_pton`` reads it);
IPv6 and networks are validated and written in RFC 5952 form by :mod:`ipaddress`, once per
distinct value; URL parts follow RFC 3986 (``scheme://[userinfo@]host[:port]``).
Import these from :mod:`natcert.pipeline.parsers._common`, which re-exports them.
"""

from __future__ import annotations

import ipaddress

import polars as pl

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4_PATTERN = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
"""An IPv4 dotted quad without leading zeros (unanchored; anchor it with ``^...$``)."""


def is_ipv4(expr: pl.Expr) -> pl.Expr:
    """True where ``expr`` is exactly an IPv4 dotted quad (no leading zeros, no spaces)."""
    return expr.str.contains(f"^{IPV4_PATTERN}$")


def _canonical_ipv6(values: pl.Series) -> pl.Series:
    """Compressed RFC 5952 form of each IPv6 string in ``values``; null when invalid."""
    candidates = values.filter(values.str.contains(":", literal=True)).unique().to_list()
    if not candidates:
        return pl.Series(values.name, [None] * len(values), dtype=pl.String)
    table: dict[str, str | None] = {}
    for value in candidates:
        try:
            table[value] = str(ipaddress.IPv6Address(value))
        except ValueError:
            table[value] = None
    return values.replace_strict(table, default=None, return_dtype=pl.String)


def normalize_ip(expr: pl.Expr) -> pl.Expr:
    """``expr`` as a canonical IP address string, or null when it is not one.

    IPv4 is checked with a regular expression; IPv6 (anything with a ``:``) is validated and
    compressed with :mod:`ipaddress` once per distinct value (IPv6 rows are rare in feeds).
    """
    v6 = expr.map_batches(_canonical_ipv6, return_dtype=pl.String)
    return pl.when(is_ipv4(expr)).then(expr).when(expr.str.contains(":")).then(v6)


def _canonical_network(values: pl.Series) -> pl.Series:
    unique = values.drop_nulls().unique().to_list()
    table: dict[str, str | None] = {}
    for value in unique:
        try:
            table[value] = str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            table[value] = None
    return values.replace_strict(table, default=None, return_dtype=pl.String)


def normalize_network(expr: pl.Expr) -> pl.Expr:
    """``expr`` (``a.b.c.d/len`` or IPv6 CIDR) as a canonical network, or null if invalid.

    Host bits are cleared (``10.0.0.1/8`` → ``10.0.0.0/8``); validated per distinct value.
    """
    return expr.map_batches(_canonical_network, return_dtype=pl.String)


_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}
FQDN_PATTERN = (
    r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_\-]{0,61}[A-Za-z0-9_])?\.)*"
    r"[A-Za-z0-9\-]{0,30}[A-Za-z][A-Za-z0-9\-]{0,30}$"
)
"""A domain name whose last label (the TLD) has a letter, so ``999.1.1.1`` is not one."""


_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_\-]{0,61}[A-Za-z0-9_])?"
_FQDN_SHAPE = rf"^(?:{_LABEL}\.)*[A-Za-z0-9](?:[A-Za-z0-9\-]{{0,61}}[A-Za-z0-9])?$"
"""Labels of 1–63 letters, digits, ``-``, ``_`` (no ``-`` at either end) joined by dots; the
last label (the TLD) without ``_``."""


def is_fqdn(expr: pl.Expr) -> pl.Expr:
    """True where ``expr`` is a syntactically valid domain name (labels ≤ 63, total ≤ 253).

    Letters, digits, ``-`` and ``_``; no empty label; the last label must have a letter.
    """
    letter_tld = expr.str.contains(r"[A-Za-z][A-Za-z0-9\-]*$")
    # The shape admits ASCII only, so bytes count characters.
    return expr.str.contains(_FQDN_SHAPE) & letter_tld & (expr.str.len_bytes() <= 253)


_SCHEME = r"^[A-Za-z][A-Za-z0-9+.\-]*://"


def _url_authority(urls: pl.DataFrame, url: str) -> pl.DataFrame:
    """``scheme`` (lower case) and ``auth`` (the authority) of each URL in column ``url``,
    null where the URL does not start with ``scheme://``. The authority ends at the first
    ``/``, ``?``, ``#`` or ``\\``."""
    u = pl.col(url)
    sep = u.str.find("://", literal=True)
    ok = u.str.contains(_SCHEME)
    rest = pl.when(ok).then(u.str.slice(sep + 3))
    end = rest.str.find(r"[/?#\\]").fill_null(rest.str.len_chars())
    return (
        urls.lazy()
        .select(
            scheme=pl.when(ok).then(u.str.head(sep)).str.to_lowercase(),
            auth=rest.str.head(end),
        )
        .collect()
    )


def _host_port(auth: pl.Series, bracketed: bool) -> tuple[pl.Expr, pl.Expr]:
    """Expressions over ``auth`` (the authority): its host and port (text, null when none).

    User info ends at the first ``@``; the port follows the first ``:`` (after ``]:`` for a
    bracketed host, only looked for when ``bracketed``). User info costs a pass only when
    some authority has an ``@``.
    """
    rest = pl.col("auth")
    if auth.str.contains("@", literal=True).any():
        rest = rest.str.slice(rest.str.find("@", literal=True).fill_null(-1) + 1)
    colon = rest.str.find(":", literal=True)
    if bracketed:
        bracket = rest.str.find("]:", literal=True) + 1
        colon = pl.when(rest.str.starts_with("[")).then(bracket).otherwise(colon)
    host = rest.str.head(colon.fill_null(rest.str.len_chars()))
    return host, rest.str.slice(colon + 1)


def is_url(expr: pl.Expr) -> pl.Expr:
    """True where ``expr`` looks like ``scheme://host...`` without blanks."""
    return expr.str.contains(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\s]\S*$")


_URL_PARTS = (
    r"^([A-Za-z][A-Za-z0-9+.\-]*)://([\x00-\x7f&&[^/?#\\:@\[]]*)"
    r"(?::([\x00-\x7f&&[^/?#\\@\[]]*))?(?:[/?#\\]|$)"
)
"""``scheme://host[:port]`` of a URL whose authority is ASCII without ``@`` or ``[``: the
common case, read in one pass. Other URLs go through :func:`_url_authority`."""


def add_url_host(
    frame: pl.DataFrame, url: str = "source.url", prefix: str = "source"
) -> pl.DataFrame:
    """``frame`` with ``<prefix>.fqdn``, ``<prefix>.ip`` and ``<prefix>.port`` from a URL.

    The host goes to ``.ip`` when it is an IPv4 or (bracketed) IPv6 literal, else lower-cased
    and without a trailing dot to ``.fqdn`` when it is a valid domain name. The port is the
    explicit one (null when out of range), else the scheme's default (http 80, https 443,
    ftp 21); Int64. Existing columns of those names are replaced.
    """
    first, second = url_host_stages(url, prefix)
    found = frame.lazy().with_columns(first).with_columns(second).collect()
    return finish_url_host(found, url, prefix)


_SLOW = "_url_slow"
_PARTS = ("_url_scheme", "_url_host", "_url_port")


def url_host_stages(url: str, prefix: str) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The columns of :func:`add_url_host` as two ``with_columns`` stages of a query, for
    parsers that compute them alongside others; pass the result to :func:`finish_url_host`.

    Most URLs are cut with one regular expression (:data:`_URL_PARTS`); the others (user
    info, brackets, non-ASCII authority, no ``scheme://``) are flagged and redone there.
    """
    parts = pl.col(url).str.extract_groups(_URL_PARTS).struct
    first = [parts.field(str(i + 1)).alias(name) for i, name in enumerate(_PARTS)]
    slow = pl.col(url).is_not_null() & pl.col(_PARTS[0]).is_null()
    return first, [*_host_columns(prefix, bracketed=False, parts=_PARTS), slow.alias(_SLOW)]


def finish_url_host(frame: pl.DataFrame, url: str, prefix: str) -> pl.DataFrame:
    """``frame`` after the stages of :func:`url_host_stages`: flagged rows redone, the
    helper columns dropped."""
    slow = frame[_SLOW]
    frame = frame.drop(_SLOW, *_PARTS)
    if slow.any():
        rows = slow.arg_true()
        other = _url_hosts_exact(frame.select(url).filter(slow), url, prefix)
        frame = frame.with_columns(frame[name].scatter(rows, other[name]) for name in other.columns)
    return frame


def _host_columns(
    prefix: str, bracketed: bool, parts: tuple[str, str, str] = ("scheme", "host", "port")
) -> list[pl.Expr]:
    """``<prefix>.fqdn``, ``.ip``, ``.port`` from the columns ``parts`` (scheme, host and
    port as text, null when none); IPv6 literals are looked for only when ``bracketed``."""
    names = dict(zip(("scheme", "host", "port"), parts, strict=True))

    def col(name: str) -> pl.Expr:
        return pl.col(names[name])

    num = col("port").cast(pl.Int64, strict=False)
    name = col("host").str.to_lowercase().str.strip_suffix(".")
    v4, br = is_ipv4(col("host")), col("host").str.starts_with("[")
    v6 = pl.lit(None, dtype=pl.String)
    if bracketed:
        v6 = normalize_ip(col("host").str.strip_prefix("[").str.strip_suffix("]"))
    scheme = col("scheme").str.to_lowercase()
    default = scheme.replace_strict(_DEFAULT_PORTS, default=None, return_dtype=pl.Int64)
    return [
        pl.when(~v4 & ~br & is_fqdn(name)).then(name).alias(f"{prefix}.fqdn"),
        pl.when(v4).then(col("host")).when(br).then(v6).alias(f"{prefix}.ip"),
        pl.when(col("port").str.len_chars() > 0)
        .then(pl.when((num > 0) & (num < 65536)).then(num))
        .otherwise(default)
        .cast(pl.Int64)
        .alias(f"{prefix}.port"),
    ]


def _url_hosts_exact(frame: pl.DataFrame, url: str, prefix: str) -> pl.DataFrame:
    """The three columns of :func:`add_url_host` for any URLs, authority first."""
    parts = _url_authority(frame, url)
    bracketed = bool(parts["auth"].str.contains("[", literal=True).any())
    host, port = _host_port(parts["auth"], bracketed)
    hosts = parts.lazy().select("scheme", host=host, port=port)
    return hosts.select(_host_columns(prefix, bracketed)).collect()
