"""Column normalizers, one per field type, each working on a whole column.

Every normalizer has two tiers. A vectorized check finds the values already in canonical form
(nearly all of them in real feeds) and keeps them as they are. The other values go, once per
*distinct* value, through a Python function that returns the canonical form, ``None`` (blank:
becomes null, not an error) or raises ``ValueError`` (invalid). So IPv6 addresses, Unicode
domain names, padded text or legacy labels cost Python time only for themselves.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import idna
import polars as pl

from natcert.lib.tlp import TLP, TLP_LABELS
from natcert.pipeline.schema import rsit

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
IPV4 = rf"^{_OCTET}(?:\.{_OCTET}){{3}}$"
IPV4_NETWORK = rf"^({_OCTET})\.({_OCTET})\.({_OCTET})\.({_OCTET})(?:/(3[0-2]|[12]?[0-9]))?$"
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
FQDN = rf"^(?:{_LABEL}\.)*{_LABEL}$"
URL_START = r"^https?://[A-Za-z0-9._~%!$&'()*+,;=-]+(?::[0-9]{1,5})?(?:[/?#]|$)"
URL_CANONICAL = rf"{URL_START.removesuffix('(?:[/?#]|$)')}(?:[/?#][^\x00-\x1f\x7f]*)?$"
"""``URL_START`` and no control character anywhere, as one pattern (one pass per row)."""
_FQDN_RE = re.compile(FQDN)
_IPV4_RE = re.compile(IPV4)
_SCHEMELESS = re.compile(r"^[A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?::[0-9]{1,5})?(?:[/?#]|$)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOST_BAD = re.compile(r"[\s/\\?#@]")
_OUTER_BLANK = r"^\s|\s$"


@dataclass(frozen=True)
class Outcome:
    """A normalized column (null where blank or invalid) and which rows were invalid
    (``None`` when none was)."""

    value: pl.Series
    invalid: pl.Series | None
    problem: str


Slow = Callable[[Any], Any]
Maybe = pl.Series | Callable[[pl.Series], pl.Series]


def _text(column: pl.Series) -> pl.Series:
    if column.dtype == pl.String:
        return column
    return column.cast(pl.String)


def resolve(
    column: pl.Series,
    ok: pl.Series,
    fast: pl.Series,
    slow: Slow,
    problem: str,
    maybe: Maybe | None = None,
) -> Outcome:
    """``fast`` where ``ok``; elsewhere ``slow(value)`` computed once per distinct value.

    ``maybe``: if given, only those rows may go to ``slow``; other rows not ``ok`` are
    invalid without further ado (keeps garbage columns off the Python path). Either a Boolean
    Series of every row or a function giving it for the rows that are neither ok nor null
    (only called when there are such rows).
    """
    ok = ok.fill_null(False)
    pending_rows = ~ok & column.is_not_null()
    hopeless = None
    if maybe is not None and pending_rows.any():
        if callable(maybe):
            maybe = _on_rows(pending_rows, maybe(column.filter(pending_rows)))
        hopeless = pending_rows & ~maybe.fill_null(False)
        pending_rows = pending_rows & maybe.fill_null(False)
        hopeless = hopeless if hopeless.any() else None
    pending = column.filter(pending_rows)
    if pending.is_empty():  # rows neither ok nor pending are null (or hopeless)
        value = fast if hopeless is None else fast.zip_with(~hopeless, _nulls(fast))
        return Outcome(value.alias(column.name), hopeless, problem)
    mapping: dict[Any, Any] = {}
    invalid: list[Any] = []
    for value in pending.unique().to_list():
        try:
            mapping[value] = slow(value)
        except ValueError:
            invalid.append(value)
    fallback = column.replace_strict(
        mapping or {pending[0]: None}, default=None, return_dtype=fast.dtype
    )
    bad = (~ok & column.is_in(invalid)) if invalid else None
    if hopeless is not None:
        bad = hopeless if bad is None else bad | hopeless
    return Outcome(fast.zip_with(ok, fallback).alias(column.name), bad, problem)


def _matches(column: pl.Series, pattern: str) -> pl.Series:
    """``column.str.contains(pattern)``, except that null rows give false, not null.

    The search runs as a lazy query, which polars spreads over its threads (an eager Series
    method uses one). A regex search costs about as much on a null slot as on a value, so a
    column that is mostly null is searched on its values only.
    """
    if column.null_count() * 2 <= column.len():
        return _contains(column, pattern).fill_null(False)
    present = column.is_not_null()
    return _on_rows(present, _contains(column.filter(present), pattern))


def _contains(column: pl.Series, pattern: str) -> pl.Series:
    query = column.to_frame().lazy().select(pl.first().str.contains(pattern))
    return query.collect().to_series()


def _on_rows(rows: pl.Series, values: pl.Series) -> pl.Series:
    """A Boolean Series as long as ``rows``: ``values`` (one per true row) there, else false."""
    blank = pl.repeat(False, rows.len(), dtype=pl.Boolean, eager=True).alias(rows.name)
    return blank.scatter(rows.arg_true(), values)


def _nulls(like: pl.Series) -> pl.Series:
    return pl.repeat(None, like.len(), dtype=like.dtype, eager=True)


def _v6_or_padded(column: pl.Series) -> pl.Series:
    """Rows worth a look by ``ipaddress``: IPv6 (a colon) or text with blanks around it."""
    return column.str.contains(":", literal=True) | column.str.contains(_OUTER_BLANK)


def _stripped(value: Any) -> str | None:
    text = str(value).strip()
    return text or None


def _ip(value: Any) -> str | None:
    text = _stripped(value)
    return None if text is None else str(ipaddress.ip_address(text))


def ip_address(column: pl.Series) -> Outcome:
    """IPv4 dotted quad (no leading zeros) or IPv6 in compressed form; only IPv6 and padded
    values go through ``ipaddress``."""
    column = _text(column)
    ok = _matches(column, IPV4)
    return resolve(column, ok, column, _ip, "is not an IP address", _v6_or_padded)


def _network(value: Any) -> str | None:
    text = _stripped(value)
    return None if text is None else ipaddress.ip_network(text, strict=False).compressed


def _ipv4_network(column: pl.Series) -> pl.Series:
    parts = column.str.extract_groups(IPV4_NETWORK).struct.unnest()
    octets = [parts.get_column(str(i)).cast(pl.Int64) for i in range(1, 5)]
    length = parts.get_column("5").cast(pl.Int64).fill_null(32)
    address = octets[0] * 16777216 + octets[1] * 65536 + octets[2] * 256 + octets[3]
    block = (2 ** (32 - length)).cast(pl.Int64)
    network = address - address % block
    quads = [((network // 256**shift) % 256).cast(pl.String) for shift in (3, 2, 1, 0)]
    frame = pl.DataFrame({"a": quads[0], "b": quads[1], "c": quads[2], "d": quads[3]})
    dotted = frame.select(pl.concat_str(pl.all(), separator=".")).to_series()
    return (dotted + "/" + length.cast(pl.String)).alias(column.name)


def ip_network(column: pl.Series) -> Outcome:
    """CIDR, host bits cleared (``10.1.2.3/8`` → ``10.0.0.0/8``); a bare address is a /32
    or /128."""
    column = _text(column)
    ok = _matches(column, IPV4_NETWORK)
    fast = _ipv4_network(column) if ok.any() else column
    problem = "is not an IP network (CIDR)"
    return resolve(column, ok, fast, _network, problem, _v6_or_padded)


def _integer_in(low: int, high: int, *, as_prefix: bool = False) -> Slow:
    def convert(value: Any) -> int | None:
        text = _stripped(value)
        if text is None:
            return None
        if as_prefix and text[:2].upper() == "AS":
            text = text[2:].strip()
        number = float(text)
        if not number.is_integer() or not low <= number <= high:
            raise ValueError(text)
        return int(number)

    return convert


def _integer(column: pl.Series, low: int, high: int, problem: str, **kw: bool) -> Outcome:
    number = column.cast(pl.Int64, strict=False)
    ok = number.is_between(low, high)
    if column.dtype.is_float():
        ok = ok & (column == column.floor())
    return resolve(column, ok, number, _integer_in(low, high, **kw), problem)


def asn(column: pl.Series) -> Outcome:
    """Autonomous system number 1..4294967295; ``AS64500`` is read as 64500."""
    return _integer(column, 1, 4294967295, "is not an AS number", as_prefix=True)


def port(column: pl.Series) -> Outcome:
    """TCP/UDP port 0..65535."""
    return _integer(column, 0, 65535, "is not a port (0 to 65535)")


def integer(column: pl.Series) -> Outcome:
    return _integer(column, -(2**63), 2**63 - 1, "is not an integer")


def _fqdn(value: Any) -> str | None:
    text = _stripped(value)
    if text is None:
        return None
    name = text.lower().rstrip(".")
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError) as exc:
            raise ValueError(str(exc)) from None
    if not _FQDN_RE.match(name) or _IPV4_RE.match(name) or len(name) > 253:
        raise ValueError(name)
    return name


def fqdn(column: pl.Series) -> Outcome:
    """Host name: lower case, final dot removed, IDNA A-label form; IP literals refused."""
    column = _text(column)
    ok = _matches(column, FQDN) & ~_matches(column, IPV4) & (column.str.len_bytes() <= 253)
    return resolve(column, ok, column, _fqdn, "is not a domain name")


def _url(value: Any) -> str | None:
    text = _stripped(value)
    if text is None:
        return None
    if text[:4].lower() == "hxxp":
        text = "http" + text[4:]
    if "://" not in text and _SCHEMELESS.match(text):
        text = "http://" + text
    parts = urlsplit(text)
    host = parts.netloc.rpartition("@")[2]
    if not parts.scheme or not host or _HOST_BAD.search(host) or _CONTROL.search(text):
        raise ValueError(text)
    return text


def url(column: pl.Series) -> Outcome:
    """Absolute URL with a scheme and a host. ``hxxp`` is re-armed to ``http`` and a URL
    without a scheme (``example.com/x``) gets ``http://``, as IntelMQ does."""
    column = _text(column)
    ok = _matches(column, URL_CANONICAL)
    return resolve(column, ok, column, _url, "is not a URL with a host")


def datetime(column: pl.Series) -> Outcome:
    """UTC timestamp (µs). Text is ISO 8601 (``T`` or space, optional ``Z``/offset, or a bare
    date); naive times are read as UTC; integers are Unix seconds."""
    problem = "is not a date and time"
    dtype = column.dtype
    if isinstance(dtype, pl.Datetime):
        moved = (
            column.dt.replace_time_zone("UTC")
            if dtype.time_zone is None
            else column.dt.convert_time_zone("UTC")
        )
        return Outcome(moved.dt.cast_time_unit("us"), None, problem)
    if dtype == pl.Date:
        return Outcome(column.cast(pl.Datetime("us")).dt.replace_time_zone("UTC"), None, problem)
    if dtype.is_integer():
        return Outcome(pl.from_epoch(column, "s").dt.replace_time_zone("UTC"), None, problem)
    text = _text(column).str.strip_chars()
    iso = text.str.replace("T", " ", literal=True).str.replace(r"[Zz]$", "+00:00")
    aware = iso.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%:z", strict=False, time_unit="us")
    naive = iso.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us")
    day = iso.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
    frame = pl.DataFrame({"a": aware, "n": naive.dt.replace_time_zone("UTC"), "d": day})
    value = frame.select(pl.coalesce("a", "n", pl.col("d").dt.replace_time_zone("UTC"))).to_series()
    bad = (text.is_not_null() & (text != "") & value.is_null()).fill_null(False)
    return Outcome(value.alias(column.name), bad if bad.any() else None, problem)


_BOOLEANS = {"true": True, "1": True, "yes": True, "y": True, "t": True}
_BOOLEANS |= {"false": False, "0": False, "no": False, "n": False, "f": False}


def _boolean(value: Any) -> bool | None:
    text = _stripped(value)
    if text is None:
        return None
    if text.lower() not in _BOOLEANS:
        raise ValueError(text)
    return _BOOLEANS[text.lower()]


def boolean(column: pl.Series) -> Outcome:
    problem = "is not true or false"
    if column.dtype == pl.Boolean:
        return Outcome(column, None, problem)
    if column.dtype.is_numeric():
        return Outcome(column != 0, None, problem)
    none = pl.Series(column.name, [False] * column.len())
    return resolve(_text(column), none, none.cast(pl.Boolean), _boolean, problem)


def _float_in(low: float, high: float) -> Slow:
    def convert(value: Any) -> float | None:
        text = _stripped(value)
        if text is None:
            return None
        number = float(text)
        if not low <= number <= high:
            raise ValueError(text)
        return number

    return convert


def float_(column: pl.Series) -> Outcome:
    number = column.cast(pl.Float64, strict=False)
    ok = number.is_not_null() & number.is_finite()
    return resolve(column, ok, number, _float_in(float("-inf"), float("inf")), "is not a number")


def accuracy(column: pl.Series) -> Outcome:
    number = column.cast(pl.Float64, strict=False)
    return resolve(
        column, number.is_between(0, 100), number, _float_in(0, 100), "is not a percentage"
    )


def _text_rule(pattern: str, convert: Callable[[str], str], problem: str) -> Callable[..., Outcome]:
    def normalize(column: pl.Series) -> Outcome:
        column = _text(column)
        ok = ~_matches(column, pattern) & (column != "")

        def slow(value: Any) -> str | None:
            text = _stripped(value)
            return None if text is None else convert(text)

        return resolve(column, ok, column, slow, problem)

    return normalize


def _country(text: str) -> str:
    code = text.upper()
    if len(code) != 2 or not code.isascii() or not code.isalnum():
        raise ValueError(text)
    return code


def country_code(column: pl.Series) -> Outcome:
    """ISO 3166-1 alpha-2 code, upper case."""
    column = _text(column)
    ok = _matches(column, r"^[A-Z0-9]{2}$")
    slow = lambda v: _convert_blank(v, _country)  # noqa: E731
    return resolve(column, ok, column, slow, "is not a two-letter country code")


def _classification_type(text: str) -> str:
    key = text.lower()
    type_ = rsit.LEGACY_TYPES.get(key, key)
    if type_ not in rsit.TYPE_CLASS:
        raise ValueError(text)
    return type_


def _taxonomy(text: str) -> str:
    if text.lower() not in rsit.CLASSES:
        raise ValueError(text)
    return text.lower()


def _tlp(text: str) -> str:
    return TLP.parse(text).label


def _json_object(text: str) -> str:
    if not isinstance(json.loads(text), dict):
        raise ValueError(text)
    return text


def _member_of(
    values: list[str], convert: Callable[[str], str], problem: str
) -> Callable[..., Outcome]:
    def normalize(column: pl.Series) -> Outcome:
        column = _text(column)
        return resolve(
            column, column.is_in(values), column, lambda v: _convert_blank(v, convert), problem
        )

    return normalize


def _convert_blank(value: Any, convert: Callable[[str], str]) -> str | None:
    text = _stripped(value)
    return None if text is None else convert(text)


def json_dict(column: pl.Series) -> Outcome:
    """A JSON object as text (a struct column is encoded); text not starting with ``{`` and
    ending with ``}`` is decoded with ``json`` to decide."""
    problem = "is not a JSON object"
    if isinstance(column.dtype, pl.Struct):
        return Outcome(column.struct.json_encode().alias(column.name), None, problem)
    column = _text(column)
    ok = column.str.starts_with("{") & column.str.ends_with("}")
    return resolve(column, ok, column, lambda v: _convert_blank(v, _json_object), problem)


def raw(column: pl.Series) -> Outcome:
    """Original text, kept exactly."""
    return Outcome(_text(column), None, "is not text")


NORMALIZERS: dict[str, Callable[[pl.Series], Outcome]] = {
    "IPAddress": ip_address,
    "IPNetwork": ip_network,
    "ASN": asn,
    "Port": port,
    "Integer": integer,
    "FQDN": fqdn,
    "URL": url,
    "DateTime": datetime,
    "Boolean": boolean,
    "Float": float_,
    "Accuracy": accuracy,
    "String": _text_rule(_OUTER_BLANK, str, "is not text"),
    "Raw": raw,
    "LowercaseString": _text_rule(r"^\s|\s$|[A-Z]", str.lower, "is not text"),
    "UppercaseString": _text_rule(r"^\s|\s$|[a-z]", str.upper, "is not text"),
    "CountryCode": country_code,
    "ClassificationType": _member_of(
        list(rsit.TYPES), _classification_type, "is not an RSIT classification type"
    ),
    "ClassificationTaxonomy": _member_of(
        list(rsit.CLASSES), _taxonomy, "is not an RSIT classification class"
    ),
    "TLP": _member_of(TLP_LABELS, _tlp, "is not a TLP 2.0 label"),
    "JSONDict": json_dict,
}
"""The normalizer of each field type (every key of ``catalogue.TYPES``)."""
