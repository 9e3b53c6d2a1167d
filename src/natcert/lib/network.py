"""IP addresses, networks and AS numbers: parsing, normalizing and vectorized range lookups.

Scalar helpers wrap :mod:`ipaddress` with messages a person can act on. The vectorized part turns
a polars String column of addresses into sortable keys (IPv4 as ``UInt32`` computed by polars
expressions; IPv6 as 16-byte big-endian ``numpy`` ``S16`` keys, the only rows that go through
:mod:`ipaddress`) and looks them up in :class:`IntervalTable` s with ``numpy.searchsorted``
(IPv4 keys sorted once per column and shared by every lookup: a sorted search walks the table
in order, which is several times faster than random probes).
References: RFC 4291 (IPv6 text forms, IPv4-mapped ``::ffff:0:0/96``), RFC 5396 (AS number text).
"""

from __future__ import annotations

import functools
import ipaddress
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ASN_MAX = 2**32 - 1
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4_PATTERN = rf"^{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}$"
"""Dotted-quad IPv4 without leading zeros (what :mod:`ipaddress` accepts)."""

K = TypeVar("K", int, str)


def parse_ip(text: str) -> IPAddress:
    """Read one IPv4 or IPv6 address (surrounding blanks and IPv6 brackets are ignored).

    Raises ``ValueError``: ``'999.1.2.3' is not an IPv4 or IPv6 address``.
    """
    value = text.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"{text!r} is not an IPv4 or IPv6 address") from None


def unmap(address: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped IPv6 address (``::ffff:1.2.3.4``), else itself."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def normalize_ip(text: str) -> str:
    """The canonical text of an address (IPv6 compressed and lower case, IPv4-mapped unmapped)."""
    return str(unmap(parse_ip(text)))


def parse_network(text: str, *, strict: bool = True) -> IPNetwork:
    """Read a CIDR network (``10.0.0.0/8``, ``2001:db8::/32``); a bare address is a /32 or /128.

    With ``strict`` (the default) host bits must be zero. Raises ``ValueError`` with the reason:
    ``'10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)`` or ``... is not a network``.
    """
    value = text.strip()
    try:
        return ipaddress.ip_network(value, strict=strict)
    except ValueError as error:
        if strict and "host bits set" in str(error):
            loose = ipaddress.ip_network(value, strict=False)
            raise ValueError(f"{text!r} has host bits set (did you mean {loose}?)") from None
        detail = "" if "does not appear" in str(error) else f": {error}"
        raise ValueError(f"{text!r} is not an IPv4 or IPv6 network{detail}") from None


def normalize_network(text: str, *, strict: bool = True) -> str:
    """The canonical CIDR text of a network, e.g. ``2001:db8::/32``; see :func:`parse_network`."""
    return str(parse_network(text, strict=strict))


def parse_asn(value: str | int) -> int:
    """Read an AS number: ``64500``, ``"64500"``, ``"AS64500"``, ``"as 64500"``, ``"ASN64500"``
    or RFC 5396 asdot ``"1.10"`` (= 65546). Range 0 … 4294967295.

    Raises ``ValueError``: ``'AS-FOO' is not an AS number``.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an AS number")
    if isinstance(value, int):
        number = value
    else:
        word = value.strip().upper().removeprefix("ASN").removeprefix("AS").strip()
        high, dot, low = word.partition(".")
        try:
            if not (high.isdigit() and (not dot or low.isdigit())):
                raise ValueError
            number = (int(high) << 16) + int(low) if dot else int(high)
            if dot and (int(high) > 0xFFFF or int(low) > 0xFFFF):
                raise ValueError
        except ValueError:
            raise ValueError(f"{value!r} is not an AS number") from None
    if not 0 <= number <= ASN_MAX:
        raise ValueError(f"{value!r} is not an AS number (range 0 to {ASN_MAX})")
    return number


def format_asn(asn: int) -> str:
    """``64500`` → ``"AS64500"``."""
    return f"AS{asn}"


def ipv4_key_expr(column: pl.Expr) -> pl.Expr:
    """A ``UInt32`` expression: the IPv4 address in a String column as a number, null otherwise."""
    return pl.when(column.str.contains(IPV4_PATTERN)).then(_dotted_quad_key(column))


def _dotted_quad_key(column: pl.Expr) -> pl.Expr:
    """``a.b.c.d`` → ``a·2²⁴ + b·2¹⁶ + c·2⁸ + d`` (``UInt32``); no validation."""
    parts = column.str.split_exact(".", 3)
    key: pl.Expr | None = None
    for index in range(4):
        octet = parts.struct.field(f"field_{index}").cast(pl.UInt32, strict=False)
        key = octet if key is None else key * 256 + octet
    assert key is not None
    return key


def ipv6_bytes(values: Iterable[int]) -> npt.NDArray[np.bytes_]:
    """128-bit integers as big-endian 16-byte keys (``S16``), which sort like the numbers."""
    data = b"".join(value.to_bytes(16, "big") for value in values)
    return np.frombuffer(data, dtype="S16")


@dataclass(frozen=True)
class IPKeys:
    """Sortable keys of a column of addresses.

    ``v4`` (``uint32``, one per row, 0 where ``is_v4`` is false) and ``is_v4`` (bool) cover IPv4
    and IPv4-mapped IPv6 rows; ``v6`` (``S16``) holds the keys of the other IPv6 rows, whose row
    numbers are ``v6_rows``. Nulls and unreadable text are in neither.
    """

    v4: npt.NDArray[np.uint32]
    is_v4: npt.NDArray[np.bool_]
    v6_rows: npt.NDArray[np.intp]
    v6: npt.NDArray[np.bytes_]

    def __len__(self) -> int:
        return len(self.v4)

    @functools.cached_property
    def v4_order(self) -> npt.NDArray[np.intp]:
        """Rows of the IPv4 keys, by key: searching sorted keys is several times faster
        (the table is walked in order), and every lookup of these keys shares the sort."""
        rows = np.flatnonzero(self.is_v4)
        return rows[np.argsort(self.v4[rows])]

    @functools.cached_property
    def v4_sorted(self) -> npt.NDArray[np.uint32]:
        """The IPv4 keys in ascending order (``v4[v4_order]``)."""
        return self.v4[self.v4_order]


_CACHE_SIZE = 4
_cache: OrderedDict[tuple[int, ...], IPKeys] = OrderedDict()
_cache_lock = threading.Lock()


def ip_keys(column: pl.Series) -> IPKeys:
    """Keys of a String column of addresses (see :class:`IPKeys`); IPv4 fully in polars.

    The last few results are remembered by a fingerprint of the column's content (length,
    nulls and two order-sensitive 64-bit hash sums), so the experts that read the same
    ``source.ip`` one after the other (geo, ownership) convert it once.
    """
    fingerprint = _fingerprint(column)
    with _cache_lock:
        if fingerprint in _cache:
            _cache.move_to_end(fingerprint)
            return _cache[fingerprint]
    keys = _ip_keys(column)
    with _cache_lock:
        _cache[fingerprint] = keys
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return keys


def _fingerprint(column: pl.Series) -> tuple[int, ...]:
    weights = np.arange(1, len(column) + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    seeds = (11, 29)
    hashes = (
        column.to_frame()
        .lazy()
        .select(  # one query: the hashes are computed in parallel
            pl.first().hash(seed=seed).alias(str(seed)) for seed in seeds
        )
    )
    frame = hashes.collect()
    sums = (int((frame.get_column(str(s)).to_numpy() * weights).sum()) for s in seeds)
    return (len(column), column.null_count(), *sums)


def _ip_keys(column: pl.Series) -> IPKeys:
    text = column.cast(pl.String)
    present = text.is_not_null()
    candidates = present.arg_true().to_numpy() if text.has_nulls() else np.arange(len(text))
    texts = text.gather(candidates) if text.has_nulls() else text
    is_quad = pl.first().str.contains(IPV4_PATTERN).fill_null(False)
    quad = texts.to_frame().lazy().select(is_quad).collect().to_series().to_numpy()
    is_v4 = np.zeros(len(column), dtype=np.bool_)
    is_v4[candidates[quad]] = True
    keys4 = np.zeros(len(column), dtype=np.uint32)
    if quad.any():
        keys4[is_v4] = _dotted_quad_keys(texts.filter(pl.Series(quad)))
    others = texts.filter(pl.Series(~quad))
    maybe6 = others.str.contains(":", literal=True).fill_null(False).to_numpy()
    rows6: list[int] = []
    ints6: list[int] = []
    parsed: dict[str, IPAddress | None] = {}
    rows = candidates[~quad][maybe6].tolist()
    for row, value in zip(rows, others.filter(pl.Series(maybe6)).to_list(), strict=True):
        if value not in parsed:
            try:
                parsed[value] = unmap(parse_ip(value))
            except ValueError:
                parsed[value] = None
        address = parsed[value]
        if isinstance(address, ipaddress.IPv4Address):
            keys4[row] = int(address)
            is_v4[row] = True
        elif address is not None:
            rows6.append(row)
            ints6.append(int(address))
    return IPKeys(keys4, is_v4, np.asarray(rows6, dtype=np.intp), ipv6_bytes(ints6))


def _dotted_quad_keys(quads: pl.Series) -> npt.NDArray[np.uint32]:
    """Keys of a String Series holding only dotted quads (split once, octets cast at once)."""
    flat = quads.rename("ip").to_frame().lazy().select(pl.col("ip").str.split(".").explode())
    octets = flat.select(pl.col("ip").cast(pl.UInt32)).collect().to_series().to_numpy()
    a, b, c, d = octets.reshape(-1, 4).T
    return (a << 24) | (b << 16) | (c << 8) | d


@dataclass(frozen=True)
class IntervalTable:
    """Disjoint sorted closed intervals ``[starts[i], ends[i]]`` → ``values[i]`` (``int32``)."""

    starts: npt.NDArray[Any]
    ends: npt.NDArray[Any]
    values: npt.NDArray[np.int32]

    def lookup(self, keys: npt.NDArray[Any]) -> npt.NDArray[np.int32]:
        """The value of the interval holding each key, ``-1`` where none does."""
        if len(self.starts) == 0 or len(keys) == 0:
            return np.full(len(keys), -1, dtype=np.int32)
        index = np.searchsorted(self.starts, keys, side="right") - 1
        safe = np.maximum(index, 0)
        hit = (index >= 0) & (keys <= self.ends[safe])
        return np.where(hit, self.values[safe], np.int32(-1)).astype(np.int32, copy=False)


def flatten(intervals: Sequence[tuple[K, K, int]]) -> list[tuple[K, K, int]]:
    """Flatten nested half-open intervals ``[start, end)`` (each pair nested or disjoint, as
    CIDR prefixes are) into disjoint ones where the innermost wins. For equal intervals the
    smallest value wins. Works for any ordered keys (numbers, strings). Output sorted by start.
    """
    out: list[tuple[K, K, int]] = []
    stack: list[tuple[K, K, int]] = []
    cursor: K | None = None

    def close_until(bound: K | None) -> None:
        nonlocal cursor
        while stack and (bound is None or stack[-1][1] <= bound):
            _start, end, value = stack.pop()
            if cursor is not None and cursor < end:
                out.append((cursor, end, value))
                cursor = end

    for start, end, value in sorted(intervals, key=lambda item: (item[0], _neg(item[1]), item[2])):
        if stack and stack[-1][0] == start and stack[-1][1] == end:
            continue  # duplicate interval: the smaller value, sorted first, is kept
        close_until(start)
        if stack and cursor is not None and cursor < start:
            out.append((cursor, start, stack[-1][2]))
        cursor = start
        stack.append((start, end, value))
    close_until(None)
    return out


class _Neg:
    """Reverses the order of any comparable key (for descending sort of strings)."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Neg) -> bool:
        return bool(self.key > other.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Neg) and bool(self.key == other.key)

    __hash__ = None  # type: ignore[assignment]


def _neg(key: Any) -> Any:
    return -key if isinstance(key, int) else _Neg(key)


@dataclass(frozen=True)
class IPIntervals:
    """An IPv4 table (``uint32`` keys) and an IPv6 table (``S16`` keys) answering together."""

    v4: IntervalTable
    v6: IntervalTable

    @classmethod
    def from_prefixes(cls, prefixes: Iterable[tuple[IPNetwork, int]]) -> IPIntervals:
        """Longest-prefix-match tables from ``(network, value)``; IPv4-mapped IPv6 prefixes
        (``::ffff:0:0/96`` and below) count as IPv4. Equal prefixes: the smallest value wins."""
        families: dict[int, list[tuple[int, int, int]]] = {4: [], 6: []}
        for network, value in prefixes:
            network = unmap_network(network)
            start = int(network.network_address)
            families[network.version].append((start, start + network.num_addresses, value))
        return cls(_table(flatten(families[4]), 4), _table(flatten(families[6]), 6))

    def lookup(self, keys: IPKeys) -> npt.NDArray[np.int32]:
        """One value per row of ``keys`` (``int32``), ``-1`` where no interval holds it."""
        out = np.full(len(keys), -1, dtype=np.int32)
        out[keys.v4_order] = self.v4.lookup(keys.v4_sorted)
        if len(keys.v6_rows):
            out[keys.v6_rows] = self.v6.lookup(keys.v6)
        return out


def unmap_network(network: IPNetwork) -> IPNetwork:
    """``::ffff:10.0.0.0/104`` → ``10.0.0.0/8``; other networks unchanged."""
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None:
            return ipaddress.IPv4Network((int(mapped), network.prefixlen - 96))
    return network


def _table(segments: list[tuple[int, int, int]], version: int) -> IntervalTable:
    values = np.asarray([value for _s, _e, value in segments], dtype=np.int32)
    if version == 4:
        starts = np.asarray([start for start, _e, _v in segments], dtype=np.uint32)
        ends = np.asarray([end - 1 for _s, end, _v in segments], dtype=np.uint32)
        return IntervalTable(starts, ends, values)
    return IntervalTable(
        ipv6_bytes(start for start, _e, _v in segments),
        ipv6_bytes(end - 1 for _s, end, _v in segments),
        values,
    )
