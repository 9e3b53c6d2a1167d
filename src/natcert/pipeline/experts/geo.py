"""ASN and country enrichment: ``source.asn``, ``source.as_name``, ``source.geolocation.cc``
(and ``destination.*`` likewise) looked up for whole columns at once.

A :class:`GeoSource` supplies :class:`GeoLayer` s, each a set of disjoint address intervals
with one value per interval for one field; the expert turns a column of addresses into keys
once (:func:`natcert.lib.network.ip_keys`) and answers every layer with ``numpy.searchsorted``;
the IPv4 tables of the layers asked together are cut into one table first, so one search
answers them all.

Sources:

- :class:`Geoip2fastSource` (the default): the data files shipped in the ``geoip2fast`` package
  (MaxMind GeoLite2 country and AS names, IPv4 and IPv6; no AS numbers), a gzip'd pickle
  ``(version, source_info, total, database)`` — https://github.com/rabuchaim/geoip2fast.
- :class:`MaxMindSource`: GeoLite2/GeoIP2 ``Country`` and ``ASN`` ``.mmdb`` files
  (https://maxmind.github.io/MaxMind-DB/), read with ``maxminddb``.
- :class:`IpasnSource`: pyasn / RouteViews ``ipasn`` files (``prefix<TAB>asn`` lines, ``;``
  comments, optionally gzip'd) — https://github.com/hadiasghari/pyasn.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import importlib.util
import ipaddress
import itertools
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import maxminddb
import numpy as np
import numpy.typing as npt
import polars as pl

from natcert.lib.network import (
    IntervalTable,
    IPIntervals,
    IPKeys,
    IPNetwork,
    ip_keys,
    ipv6_bytes,
    parse_asn,
    parse_network,
)

Field = Literal["asn", "as_name", "cc"]
COLUMNS: dict[Field, str] = {"asn": "asn", "as_name": "as_name", "cc": "geolocation.cc"}
DTYPES: dict[Field, type[pl.DataType]] = {"asn": pl.Int64, "as_name": pl.String, "cc": pl.String}
IPV4_END = 2**32
_PRIVATE_COUNTRY_IDS = 16  # geoip2fast: country ids below 16 are reserved/private ranges
_UNKNOWN_AS_NAMES = {"<unknown>", "IANA.ORG"}
_MERGED_KEPT = 16  # merged tables a GeoExpert keeps (one per set of layers asked together)


@dataclass(frozen=True)
class GeoLayer:
    """One field answered by address intervals: ``intervals`` map addresses to positions in
    ``labels`` (Int64 for ``asn``, String otherwise)."""

    field: Field
    intervals: IPIntervals
    labels: pl.Series

    def lookup(self, keys: IPKeys) -> pl.Series:
        """The value for every row of ``keys`` (null where no interval holds it)."""
        return self.labels_at(self.intervals.lookup(keys))

    def labels_at(self, found: npt.NDArray[np.int32]) -> pl.Series:
        """``labels`` at the positions ``found`` (null where ``-1``)."""
        return pl.select(self.labels_expr(found)).to_series()

    def labels_expr(self, found: npt.NDArray[np.int32]) -> pl.Expr:
        """An expression for :meth:`labels_at` (so several run side by side in one query)."""
        index = np.where(found < 0, len(self.labels), found).astype(np.uint32)
        padded = self.labels.extend_constant(None, 1)
        return pl.lit(padded).gather(pl.lit(pl.Series(index)))

    @classmethod
    def from_networks(cls, field: Field, rows: Iterable[tuple[IPNetwork, object]]) -> GeoLayer:
        """Build from ``(network, value)`` rows (nested networks: the most specific wins)."""
        positions: dict[object, int] = {}
        pairs = [(net, positions.setdefault(value, len(positions))) for net, value in rows]
        labels = pl.Series(list(positions), dtype=DTYPES[field])
        return cls(field, IPIntervals.from_prefixes(pairs), labels)


@dataclass(frozen=True)
class _Merged:
    """The IPv4 tables of several layers cut into one, so one search answers them all:
    ``table`` maps an address to a row of ``positions`` (one column per layer, ``-1`` where
    that layer has no interval). IPv6 is rare in feeds; each layer searches its own table."""

    layers: tuple[GeoLayer, ...]
    table: IntervalTable
    positions: npt.NDArray[np.int32]

    @classmethod
    def build(cls, layers: Sequence[GeoLayer]) -> _Merged:
        """Cut the layers' IPv4 tables (at least one) at every interval boundary; keep the
        pieces some layer covers and join touching pieces with the same positions."""
        tables = [layer.intervals.v4 for layer in layers]
        bounds = [t.starts.astype(np.uint64) for t in tables]
        bounds += [t.ends.astype(np.uint64) + np.uint64(1) for t in tables]
        cuts = np.unique(np.concatenate(bounds))
        cuts = cuts[cuts < IPV4_END]
        ends = np.append(cuts[1:] - np.uint64(1), np.uint64(IPV4_END - 1))[: len(cuts)]
        starts = cuts.astype(np.uint32)
        positions = np.stack([t.lookup(starts) for t in tables], axis=1).reshape(-1, len(tables))
        keep = np.asarray((positions >= 0).any(axis=1), dtype=np.bool_)
        starts, ends, positions = starts[keep], ends[keep], positions[keep]
        touching = starts[1:] == ends[:-1] + np.uint64(1)
        same = np.asarray(touching & (positions[1:] == positions[:-1]).all(axis=1), np.bool_)
        first = np.concatenate([[True], ~same])[: len(starts)]
        last = np.concatenate([~same, [True]])[: len(starts)]
        segments = np.arange(int(first.sum()), dtype=np.int32)
        table = IntervalTable(starts[first], ends[last].astype(np.uint32), segments)
        return cls(tuple(layers), table, positions[first])

    def lookup(self, keys: IPKeys) -> list[npt.NDArray[np.int32]]:
        """Per layer, the position in its labels of every row of ``keys`` (``-1``: none)."""
        segment = self.table.lookup(keys.v4_sorted)
        hit = segment >= 0
        found = []
        for column, layer in enumerate(self.layers):
            out = np.full(len(keys), -1, dtype=np.int32)
            if hit.any():
                at = self.positions[np.maximum(segment, 0), column]
                out[keys.v4_order] = np.where(hit, at, -1)
            if len(keys.v6_rows):
                out[keys.v6_rows] = layer.intervals.v6.lookup(keys.v6)
            found.append(out)
        return found


class GeoSource(Protocol):
    """Anything that can give layers (loaded lazily, once)."""

    name: str

    def layers(self) -> Sequence[GeoLayer]: ...


class Geoip2fastSource:
    """Country codes and AS names from the ``geoip2fast`` package data (or a file like it)."""

    name = "geoip2fast"

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else _geoip2fast_default()

    def layers(self) -> Sequence[GeoLayer]:
        return _geoip2fast_layers(self.path)


class MaxMindSource:
    """GeoLite2-Country (``country.iso_code``, else ``registered_country.iso_code``) and
    GeoLite2-ASN (``autonomous_system_number`` / ``_organization``) databases; either optional.
    The trees are flattened once into intervals (a few seconds for the full databases)."""

    name = "maxmind"

    def __init__(self, country: Path | str | None = None, asn: Path | str | None = None) -> None:
        self.country = Path(country) if country else None
        self.asn = Path(asn) if asn else None

    @functools.cached_property
    def _layers(self) -> list[GeoLayer]:
        layers = []
        if self.country:
            records = list(_mmdb_records(self.country))
            layers.append(GeoLayer.from_networks("cc", _mmdb_country(records)))
        if self.asn:
            records = list(_mmdb_records(self.asn))
            number = ((n, r.get("autonomous_system_number")) for n, r in records)
            name = ((n, r.get("autonomous_system_organization")) for n, r in records)
            layers.append(GeoLayer.from_networks("asn", _present(number)))
            layers.append(GeoLayer.from_networks("as_name", _present(name)))
        return layers

    def layers(self) -> Sequence[GeoLayer]:
        return self._layers


class IpasnSource:
    """AS numbers from a pyasn/RouteViews ``ipasn`` file (plain or gzip'd)."""

    name = "ipasn"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @functools.cached_property
    def _layers(self) -> list[GeoLayer]:
        return [GeoLayer.from_networks("asn", read_ipasn(self.path))]

    def layers(self) -> Sequence[GeoLayer]:
        return self._layers


def read_ipasn(path: Path) -> list[tuple[IPNetwork, int]]:
    """``(network, asn)`` rows of an ``ipasn`` file. Raises ``ValueError`` naming the first
    unreadable line (``ipasn line 3: '1.2.3.0/33' is not ...``)."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    lines = pl.DataFrame({"text": raw.decode("utf-8", errors="replace").splitlines()})
    table = (
        lines.with_row_index("line", offset=1)
        .filter(~pl.col("text").str.strip_chars().str.starts_with(";"))
        .filter(pl.col("text").str.strip_chars() != "")
        .with_columns(pl.col("text").str.strip_chars().str.split_exact("\t", 1).alias("f"))
        .select("line", pl.col("f").struct.field("field_0"), pl.col("f").struct.field("field_1"))
    )
    rows = []
    for line, prefix, asn in table.iter_rows():
        try:
            if asn is None:
                raise ValueError(f"{prefix!r} has no AS number after a tab")
            rows.append((parse_network(prefix, strict=False), parse_asn(asn)))
        except ValueError as error:
            raise ValueError(f"ipasn line {line}: {error}") from None
    return rows


class GeoExpert:
    """Fills ``<side>.asn``, ``<side>.as_name`` and ``<side>.geolocation.cc`` from
    ``<side>.ip`` for ``source`` and ``destination``. Sources are asked in order; by default
    only missing values are filled (``overwrite=True``: the sources win over the feed)."""

    name = "geo"

    def __init__(self, sources: Sequence[GeoSource] | None = None, *, overwrite: bool = False):
        self.sources = list(sources) if sources is not None else [Geoip2fastSource()]
        self.overwrite = overwrite
        self._merged: dict[tuple[int, ...], _Merged] = {}

    def process(self, batch: pl.DataFrame) -> pl.DataFrame:
        for side in ("source", "destination"):
            if f"{side}.ip" in batch.columns and batch.height:
                batch = self._enrich(batch, side)
        return batch

    def _enrich(self, batch: pl.DataFrame, side: str) -> pl.DataFrame:
        wanted = [f for f in COLUMNS if self.overwrite or self._missing(batch, side, f)]
        layers = [x for s in self.sources for x in s.layers() if x.field in wanted]
        if not layers:
            return batch
        positions = self._merge(layers).lookup(ip_keys(batch.get_column(f"{side}.ip")))
        columns = []
        for field in wanted:
            found = [
                layer.labels_expr(at)
                for layer, at in zip(layers, positions, strict=True)
                if layer.field == field
            ]
            if not found:
                continue
            name = f"{side}.{COLUMNS[field]}"
            new = found[0] if len(found) == 1 else pl.coalesce(found)
            if name in batch.columns:
                old = pl.col(name).cast(DTYPES[field], strict=False)
                new = pl.coalesce([new, old] if self.overwrite else [old, new])
            columns.append(new.cast(DTYPES[field]).alias(name))
        return batch.lazy().with_columns(columns).collect()

    def _merge(self, layers: list[GeoLayer]) -> _Merged:
        """The layers' merged table, built on first use (the sources' layers are loaded once,
        so their identities key the cache; the entry holds them, keeping the ids valid)."""
        key = tuple(id(layer) for layer in layers)
        merged = self._merged.get(key)
        if merged is None:
            if len(self._merged) >= _MERGED_KEPT:
                self._merged.clear()
            merged = self._merged[key] = _Merged.build(layers)
        return merged

    @staticmethod
    def _missing(batch: pl.DataFrame, side: str, field: Field) -> bool:
        name = f"{side}.{COLUMNS[field]}"
        return name not in batch.columns or batch.get_column(name).null_count() > 0


def country_prefixes(cc: str) -> list[tuple[str, str]]:
    """Every prefix of country ``cc`` (ISO 3166 alpha-2, e.g. ``"PK"``) in the geoip2fast data,
    split along AS boundaries, with the AS name announcing it (``""`` where none is known).
    Sorted: IPv4 first, then by address. Raises ``ValueError`` for an unknown code."""
    data = _geoip2fast_data(_geoip2fast_default())
    code = cc.strip().upper()
    if code not in data.country_ids:
        raise ValueError(f"{cc!r} is not a country code in the geoip2fast data")
    wanted = data.country_ids[code]
    result: list[tuple[str, str]] = []
    for country, asn in ((data.country.v4, data.asn.v4), (data.country.v6, data.asn.v6)):
        for row in np.flatnonzero(country.values == wanted):
            start, end = _int(country.starts[row]), _int(country.ends[row]) + 1
            result.extend(_split_by_as(asn, data.as_names, start, end))
    return sorted(result, key=lambda row: _sort_key(row[0]))


# -- geoip2fast -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Geoip2fastData:
    """The geoip2fast country and AS-name tables as intervals, with their labels."""

    country: IPIntervals
    country_codes: list[str | None]
    country_ids: dict[str, int]
    asn: IPIntervals
    as_names: list[str | None]


def _geoip2fast_default() -> Path:
    spec = importlib.util.find_spec("geoip2fast")
    if spec is None or spec.origin is None:
        raise RuntimeError("the geoip2fast package is not installed")
    return Path(spec.origin).with_name("geoip2fast-asn-ipv6.dat.gz")


@functools.cache
def _geoip2fast_data(path: Path) -> _Geoip2fastData:
    with gzip.open(path) as handle:
        # The file ships inside the installed geoip2fast package (or is an operator-chosen
        # file of the same kind); it is trusted like the package's own code.
        _version, _info, _total, database = pickle.load(handle)  # noqa: S301
    (_i, _ia, names_c, names_a, first_c, first_a, id_c, id_a, len_c, len_a) = database
    codes = [None if i < _PRIVATE_COUNTRY_IDS else n.split(":")[0] for i, n in enumerate(names_c)]
    return _Geoip2fastData(
        _intervals(first_c, len_c, id_c),
        codes,
        {code: i for i, code in enumerate(codes) if code},
        _intervals(first_a, len_a, id_a),
        [None if n in _UNKNOWN_AS_NAMES else n for n in names_a],
    )


@functools.cache
def _geoip2fast_layers(path: Path) -> tuple[GeoLayer, ...]:
    data = _geoip2fast_data(path)
    return (
        GeoLayer("cc", data.country, pl.Series(data.country_codes, dtype=pl.String)),
        GeoLayer("as_name", data.asn, pl.Series(data.as_names, dtype=pl.String)),
    )


def _intervals(
    firsts: list[list[int]], lengths: list[list[int]], ids: list[list[int]]
) -> IPIntervals:
    """geoip2fast's chunked lists (first address as an integer, IPv6 above 2**32; prefix length;
    label id) → tables. The networks are sorted and disjoint already: no flattening needed.
    IPv4 ranges may then no longer be single CIDR blocks (see :func:`_coalesce`)."""
    starts = list(itertools.chain.from_iterable(firsts))
    prefixlen = np.fromiter(itertools.chain.from_iterable(lengths), dtype=np.uint64)
    values = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int32)
    split = bisect.bisect_left(starts, IPV4_END)
    start4 = np.asarray(starts[:split], dtype=np.uint64)
    end4 = np.minimum(start4 + _host_mask(32 - prefixlen[:split]), IPV4_END - 1)
    v4 = _coalesce(start4, end4, values[:split])
    start6 = ipv6_bytes(starts[split:])
    halves = np.frombuffer(start6.tobytes(), dtype=">u8").reshape(-1, 2)
    host = 128 - prefixlen[split:]
    masks = np.stack([_host_mask(np.clip(host, 64, 128) - 64), _host_mask(np.clip(host, 0, 64))])
    end6 = np.frombuffer((halves | masks.T).astype(">u8").tobytes(), dtype="S16")
    return IPIntervals(v4, IntervalTable(start6, end6, values[split:]))


def _coalesce(
    starts: npt.NDArray[np.uint64], ends: npt.NDArray[np.uint64], values: npt.NDArray[np.int32]
) -> IntervalTable:
    """Join touching IPv4 ranges with the same value (a country's neighbouring blocks): a
    smaller table, so a faster search."""
    touching = (starts[1:] == ends[:-1] + 1) & (values[1:] == values[:-1])
    first = np.concatenate([[True], ~touching])
    last = np.concatenate([~touching, [True]])
    return IntervalTable(
        starts[first].astype(np.uint32), ends[last].astype(np.uint32), values[first]
    )


def _host_mask(bits: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """``2**bits - 1`` for 0 ≤ bits ≤ 64, without overflowing at 64."""
    full = np.uint64(2**64 - 1)
    shifted = np.left_shift(np.uint64(1), np.minimum(bits, 63).astype(np.uint64)) - np.uint64(1)
    return np.where(bits >= 64, full, shifted).astype(np.uint64)


def _int(key: object) -> int:
    """An interval key (``uint32`` or ``S16`` item; numpy strips trailing NULs) as an int."""
    if isinstance(key, bytes):
        return int.from_bytes(key.ljust(16, b"\0"), "big")
    return int(key)  # type: ignore[call-overload]


def _split_by_as(
    table: IntervalTable, names: list[str | None], start: int, end: int
) -> Iterator[tuple[str, str]]:
    """Cut ``[start, end)`` along the AS ranges of ``table`` overlapping it (both are CIDR
    blocks, so each overlap is the smaller block); uncovered parts get an empty AS name."""
    version = 4 if table.starts.dtype == np.uint32 else 6
    probe = np.asarray([_key(start, version)], dtype=table.starts.dtype)
    position = max(int(np.searchsorted(table.starts, probe, side="right")[0]) - 1, 0)
    cursor = start
    while position < len(table.starts) and _int(table.starts[position]) < end:
        low = max(_int(table.starts[position]), start)
        high = min(_int(table.ends[position]) + 1, end)
        name = names[int(table.values[position])] or ""
        position += 1
        if low >= high:
            continue
        if cursor < low:
            yield from ((cidr, "") for cidr in _cidrs(cursor, low, version))
        yield from ((cidr, name) for cidr in _cidrs(low, high, version))
        cursor = high
    if cursor < end:
        yield from ((cidr, "") for cidr in _cidrs(cursor, end, version))


def _key(value: int, version: int) -> int | bytes:
    return value if version == 4 else value.to_bytes(16, "big")


def _cidrs(start: int, end: int, version: int) -> Iterator[str]:
    """CIDR texts covering ``[start, end)``."""
    make = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
    first, last = make(start), make(end - 1)
    return (str(n) for n in ipaddress.summarize_address_range(first, last))


def _sort_key(cidr: str) -> tuple[int, int, int]:
    network = ipaddress.ip_network(cidr)
    return network.version, int(network.network_address), network.prefixlen


# -- MaxMind --------------------------------------------------------------------------------


def _mmdb_records(path: Path) -> Iterator[tuple[IPNetwork, dict[str, Any]]]:
    with maxminddb.open_database(str(path)) as reader:
        for network, record in reader:
            if isinstance(record, dict):
                yield network, record


def _mmdb_country(
    records: Iterable[tuple[IPNetwork, dict[str, Any]]],
) -> Iterator[tuple[IPNetwork, str]]:
    for network, record in records:
        country = record.get("country") or record.get("registered_country") or {}
        code = country.get("iso_code") if isinstance(country, dict) else None
        if code:
            yield network, str(code)


def _present(rows: Iterable[tuple[IPNetwork, object]]) -> Iterator[tuple[IPNetwork, object]]:
    return ((network, value) for network, value in rows if value is not None)
