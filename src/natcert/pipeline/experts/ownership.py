"""Who owns an indicator: the one resolver shared by the pipeline, the API and the UI.

Rules, in order (DESIGN.md, "Ownership"):

1. **prefix** — an IP address belongs to the organisation with the longest registered prefix
   holding it (IPv4 and IPv6; IPv4-mapped IPv6 addresses count as IPv4);
2. **asn** — else to the organisation that registered the event's AS number (``source.asn``);
3. **domain** — else, for a host name (``source.fqdn`` or the host of ``source.url``), to the
   organisation with the longest registered domain that is the name or a parent of it, on label
   boundaries: ``example.gov.pk`` owns ``www.example.gov.pk`` but not ``badexample.gov.pk``.
   A public suffix such as ``gov.pk`` matches only if it was itself registered. Names are
   compared in their IDN ASCII form (``xn--``).

When two organisations registered the same prefix, AS number or domain, the one whose key sorts
first wins, so the answer never depends on the order of the registry's rows.

Vectorization: nested prefixes are flattened once into disjoint intervals searched with
``numpy.searchsorted``; domains become nested intervals of reversed names (``kp.vog.elpmaxe.``)
flattened the same way and searched with polars' ``search_sorted``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

from natcert.lib.domains import (
    host_from_url,
    is_ip_literal,
    normalize_host,
    normalize_hosts,
    url_hosts,
)
from natcert.lib.network import (
    IPIntervals,
    IPNetwork,
    flatten,
    format_asn,
    ip_keys,
    parse_asn,
    parse_network,
    unmap_network,
)

ORGANISATION = "constituency.organisation"
SECTOR = "constituency.sector"
CERT = "constituency.cert"
Rule = Literal["prefix", "asn", "domain"]
KT = TypeVar("KT")
_ASN_TEXT = re.compile(r"(?i)(?:asn?\s*)?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Owner:
    """An organisation of the constituency with its sector and responsible CERT (slugs), and
    their display names. Empty strings mean "none"; they become nulls in a batch."""

    organisation: str
    sector: str = ""
    cert: str = ""
    organisation_name: str = ""
    sector_name: str = ""
    cert_name: str = ""


@dataclass(frozen=True)
class Match:
    """The answer of :meth:`OwnershipIndex.resolve_one`: which rule matched, on which registered
    key (``"39.32.0.0/11"``, ``"AS64500"``, ``"example.gov.pk"``), and the owner."""

    rule: Rule
    key: str
    owner: Owner

    @property
    def organisation(self) -> str:
        return self.owner.organisation


@dataclass(frozen=True)
class _DomainTable:
    """Disjoint half-open intervals of reversed names ``[starts[i], ends[i])`` → ``values[i]``."""

    starts: pl.Series
    ends: pl.Series
    values: npt.NDArray[np.int32]

    @classmethod
    def build(cls, domains: Mapping[str, int]) -> _DomainTable:
        nested = [(_reverse_key(d), _reverse_key(d)[:-1] + "/", v) for d, v in domains.items()]
        segments = flatten(nested)
        return cls(
            pl.Series([s for s, _e, _v in segments], dtype=pl.String),
            pl.Series([e for _s, e, _v in segments], dtype=pl.String),
            np.asarray([v for _s, _e, v in segments], dtype=np.int32),
        )

    def lookup(self, hosts: pl.Series) -> npt.NDArray[np.int32]:
        """Owner index per normalized host name (``-1`` for none or null)."""
        if len(self.starts) == 0:
            return np.full(len(hosts), -1, dtype=np.int32)
        keys = pl.select(pl.lit(hosts).str.reverse() + ".").to_series().fill_null("")
        index = self.starts.search_sorted(keys, side="right").cast(pl.Int64).to_numpy() - 1
        safe = np.maximum(index, 0)
        inside = (keys < self.ends.gather(safe)).to_numpy()
        return np.where((index >= 0) & inside, self.values[safe], -1).astype(np.int32)


def _reverse_key(name: str) -> str:
    return name[::-1] + "."


class OwnershipIndex:
    """Prefixes, AS numbers and domains of the constituency, ready for vectorized lookups.

    Build it with :meth:`build`; it is immutable and safe to share between threads.
    """

    def __init__(
        self,
        owners: list[Owner],
        prefixes: dict[IPNetwork, int],
        asns: dict[int, int],
        domains: dict[str, int],
    ) -> None:
        self.owners = owners
        self._prefixes = prefixes
        self._asns = asns
        self._domains = domains
        self._intervals = IPIntervals.from_prefixes(prefixes.items())
        self._asn_keys = np.asarray(sorted(asns), dtype=np.int64)
        self._asn_values = np.asarray([asns[a] for a in sorted(asns)], dtype=np.int32)
        self._domain_table = _DomainTable.build(domains)
        self._columns = {
            ORGANISATION: _labels([o.organisation for o in owners]),
            SECTOR: _labels([o.sector for o in owners]),
            CERT: _labels([o.cert for o in owners]),
        }

    @classmethod
    def build(
        cls,
        prefixes: Iterable[tuple[str, str]],
        asns: Iterable[tuple[int, str]],
        domains: Iterable[tuple[str, str]],
        owners: Mapping[str, Owner],
    ) -> OwnershipIndex:
        """Index ``(cidr, organisation)``, ``(asn, organisation)`` and ``(domain, organisation)``
        rows; ``owners`` maps each organisation key (slug) to its :class:`Owner`.

        Raises ``ValueError`` for an unreadable prefix (``'10.0.0.1/8' has host bits set``),
        AS number or domain, or an organisation missing from ``owners``.
        """
        keys = sorted(owners)
        rank = {key: position for position, key in enumerate(keys)}

        def owner_of(item: object, organisation: str) -> int:
            if organisation not in rank:
                raise ValueError(f"{item!s} belongs to unknown organisation {organisation!r}")
            return rank[organisation]

        table_p: dict[IPNetwork, int] = {}
        for cidr, organisation in prefixes:
            network = unmap_network(parse_network(cidr))
            _keep_first(table_p, network, owner_of(cidr, organisation))
        table_a: dict[int, int] = {}
        for asn, organisation in asns:
            _keep_first(table_a, parse_asn(asn), owner_of(asn, organisation))
        table_d: dict[str, int] = {}
        for domain, organisation in domains:
            name = normalize_host(domain.strip().removeprefix("*."))  # *.x.pk means x.pk
            _keep_first(table_d, name, owner_of(domain, organisation))
        return cls([owners[k] for k in keys], table_p, table_a, table_d)

    @classmethod
    def empty(cls) -> OwnershipIndex:
        """An index that owns nothing (every lookup misses)."""
        return cls([], {}, {}, {})

    def __repr__(self) -> str:
        return (
            f"<OwnershipIndex {len(self.owners)} organisations, {len(self._prefixes)} prefixes,"
            f" {len(self._asns)} AS numbers, {len(self._domains)} domains>"
        )

    # -- one indicator -------------------------------------------------------------------------

    def resolve_one(self, indicator: str) -> Match | None:
        """Who owns one indicator: an IP address, a CIDR network (the longest registered prefix
        containing all of it), ``"AS64500"`` / ``"64500"``, a host name, a URL or an e-mail
        address. ``None`` when nothing matches or the indicator is unreadable."""
        text = indicator.strip()
        if not text:
            return None
        if _ASN_TEXT.fullmatch(text):
            try:
                return self._match_asn(parse_asn(text))
            except ValueError:
                return None
        try:
            return self._match_network(parse_network(text.strip("[]"), strict=False))
        except ValueError:
            pass
        if "/" in text or "://" in text:
            host = host_from_url(text)
        else:
            host = _try_host(text.rpartition("@")[2])
        if host is None:
            return None
        if is_ip_literal(host):
            try:
                return self._match_network(parse_network(host, strict=False))
            except ValueError:
                return None
        return self._match_domain(host)

    def _match_network(self, network: IPNetwork) -> Match | None:
        network = unmap_network(network)
        for length in range(network.prefixlen, -1, -1):
            candidate = network.supernet(new_prefix=length)
            if candidate in self._prefixes:
                return Match("prefix", str(candidate), self.owners[self._prefixes[candidate]])
        return None

    def _match_asn(self, asn: int) -> Match | None:
        if asn in self._asns:
            return Match("asn", format_asn(asn), self.owners[self._asns[asn]])
        return None

    def _match_domain(self, host: str) -> Match | None:
        labels = host.split(".")
        for start in range(len(labels)):
            suffix = ".".join(labels[start:])
            if suffix in self._domains:
                return Match("domain", suffix, self.owners[self._domains[suffix]])
        return None

    # -- whole batches -------------------------------------------------------------------------

    def owner_ids(self, batch: pl.DataFrame) -> npt.NDArray[np.int32]:
        """Index into :attr:`owners` for every row (``int32``, ``-1`` where nothing matches).

        Host names (``source.fqdn``, else the host of ``source.url``) are read only for the
        rows that their address does not already place.
        """
        ids = np.full(batch.height, -1, dtype=np.int32)
        ips = _column(batch, "source.ip")
        if self._prefixes:
            ids = self._intervals.lookup(ip_keys(ips))
        rows = np.flatnonzero(ids < 0)
        hosts = _raw_hosts(batch, rows) if (self._domains or self._prefixes) else None
        if self._prefixes and hosts is not None:  # a URL or FQDN written as an address
            named = hosts.is_not_null().to_numpy()
            if rows.size < batch.height:
                named &= ips.gather(rows).is_null().to_numpy()
            else:
                named &= ips.is_null().to_numpy()
            if named.any():
                named &= _maybe_address(hosts)
            if named.any():
                ids[rows[named]] = self._intervals.lookup(ip_keys(hosts.filter(named)))
        if self._asns and "source.asn" in batch.columns:
            asn = batch.get_column("source.asn").cast(pl.Int64, strict=False).fill_null(-1)
            ids = np.where(ids < 0, self._lookup_asn(asn.to_numpy()), ids).astype(np.int32)
        if self._domains and hosts is not None:
            open_ = (ids[rows] < 0) & hosts.is_not_null().to_numpy()
            if open_.any():
                ids[rows[open_]] = self._lookup_hosts(hosts.filter(open_))
        return ids

    def _lookup_hosts(self, hosts: pl.Series) -> npt.NDArray[np.int32]:
        """Owner per raw host name; each distinct name is normalized and searched once."""
        distinct = hosts.unique()
        found = pl.Series(self._domain_table.lookup(normalize_hosts(distinct)), dtype=pl.Int32)
        return hosts.replace_strict(distinct, found, return_dtype=pl.Int32).to_numpy()

    def _lookup_asn(self, asn: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
        position = np.searchsorted(self._asn_keys, asn)
        safe = np.minimum(position, len(self._asn_keys) - 1)
        found = self._asn_keys[safe] == asn
        return np.where(found, self._asn_values[safe], -1).astype(np.int32)

    def annotate(self, batch: pl.DataFrame) -> pl.DataFrame:
        """Set ``constituency.organisation``, ``.sector`` and ``.cert`` (String) from
        ``source.ip``, then ``source.asn``, then ``source.fqdn`` or the host of ``source.url``.
        Rows that match nothing keep the values they had (null if the columns were absent)."""
        ids = self.owner_ids(batch)
        index = pl.lit(pl.Series(np.where(ids < 0, len(self.owners), ids).astype(np.uint32)))
        columns = []
        for name, labels in self._columns.items():
            found = pl.lit(labels).gather(index)
            if name in batch.columns:
                found = pl.coalesce(found, pl.col(name))
            columns.append(found.alias(name))
        return batch.lazy().with_columns(columns).collect()  # the lazy query runs them in parallel


class OwnershipExpert:
    """The pipeline expert: annotates each batch with its owners through an
    :class:`OwnershipIndex` (replace :attr:`index` to follow registry changes)."""

    name = "ownership"

    def __init__(self, index: OwnershipIndex) -> None:
        self.index = index

    def process(self, batch: pl.DataFrame) -> pl.DataFrame:
        return self.index.annotate(batch)


def _labels(values: list[str]) -> pl.Series:
    """Owner attribute per index, plus a trailing null for "no owner"; empty strings → null."""
    return pl.Series([v or None for v in values] + [None], dtype=pl.String)


def _keep_first(table: dict[KT, int], key: KT, value: int) -> None:
    table[key] = min(value, table.get(key, value))


def indicator_problem(indicator: str) -> str | None:
    """Why ``indicator`` cannot be looked up (a sentence), or ``None`` when it reads as an IP
    address or network, an AS number, a host name, a URL or an e-mail address. Lets callers
    tell a typo from an indicator nobody owns."""
    text = indicator.strip()
    if not text:
        return "empty indicator"
    if _ASN_TEXT.fullmatch(text):
        try:
            parse_asn(text)
        except ValueError as exc:
            return str(exc)
        return None
    try:
        parse_network(text.strip("[]"), strict=False)
        return None
    except ValueError as exc:
        network_error = str(exc)
    if _IP_LIKE.fullmatch(text):
        return network_error
    host = host_from_url(text) if ("/" in text or "://" in text) else None
    if host is None and "://" not in text:
        host = _try_host(text.rpartition("@")[2])
    if host is None:
        return f"{text!r} is not an IP address, AS number, domain name, URL or e-mail address"
    return None


_IP_LIKE = re.compile(r"[0-9.]+(?:/\d*)?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:/\d*)?")


def _try_host(text: str) -> str | None:
    try:
        return normalize_host(text)
    except ValueError:
        return None


def _column(batch: pl.DataFrame, name: str) -> pl.Series:
    if name in batch.columns:
        return batch.get_column(name).cast(pl.String)
    return pl.Series(name, [None] * batch.height, dtype=pl.String)


def _maybe_address(hosts: pl.Series) -> npt.NDArray[np.bool_]:
    """Hosts that ``ip_keys`` could read as an address (a dotted quad starts with a digit, an
    IPv6 address has a colon); the others are not worth converting."""
    query = hosts.to_frame().lazy().select(pl.first().str.contains(r"^[0-9]|:").fill_null(False))
    return query.collect().to_series().to_numpy()


def _raw_hosts(batch: pl.DataFrame, rows: npt.NDArray[np.intp]) -> pl.Series | None:
    """Host of each of ``rows`` as written: ``source.fqdn``, else the host of ``source.url``
    (URLs are cut only where the FQDN is missing)."""

    def take(name: str, at: npt.NDArray[np.intp]) -> pl.Series:
        column = _column(batch, name)
        return column if at.size == batch.height else column.gather(at)

    hosts = take("source.fqdn", rows) if "source.fqdn" in batch.columns else None
    if "source.url" not in batch.columns:
        return hosts
    if hosts is None:
        return url_hosts(take("source.url", rows))
    missing = hosts.is_null().to_numpy()
    if not missing.any():
        return hosts
    where = np.flatnonzero(missing)
    from_url = pl.repeat(None, hosts.len(), dtype=pl.String, eager=True)
    return hosts.fill_null(from_url.scatter(where, url_hosts(take("source.url", rows[where]))))
