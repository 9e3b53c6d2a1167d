"""Deterministic URLhaus ``csv_recent`` reports whose hosts sit inside a constituency.

The format is URLhaus's CSV dump (https://urlhaus.abuse.ch/downloads/csv_recent/, documented at
https://urlhaus.abuse.ch/api/): a block of ``#`` comment lines ending with the column list
``# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter``, then one row
per URL with every field double-quoted.

Generation is vectorized (numpy picks, polars builds the strings): one million rows take about
a few seconds on two cores. The same ``seed`` always yields the same bytes.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from natcert.pipeline.parsers.abusech import URLHAUS_COLUMNS

HEADER = (
    "################################################################\n"
    "# abuse.ch URLhaus Database Dump (CSV - recent URLs)           #\n"
    "# Last updated: {updated} (UTC)                      #\n"
    "#                                                              #\n"
    "# Terms Of Use: https://urlhaus.abuse.ch/api/                  #\n"
    "# For questions please contact urlhaus [at] abuse.ch           #\n"
    "################################################################\n"
    "#\n"
    "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
)
COLUMNS = list(URLHAUS_COLUMNS)
PATHS = [
    "Mozi.m",
    "Mozi.a",
    "i",
    "bin.sh",
    "mips",
    "x86",
    "arm7",
    "sora.sh",
    "update.exe",
    "invoice.doc",
    "wp-content/uploads/a.zip",
    "files/payload.bin",
    "dl/setup.msi",
]
TAGS = [
    "elf,Mozi",
    "32-bit,elf,mips,Mozi",
    "elf,mirai",
    "exe,AgentTesla",
    "doc,emotet",
    "zip,Formbook",
    "msi,RemcosRAT",
    "sh,gafgyt",
    "",
    "exe,Amadey",
]
REPORTERS = ["lrz_urlhaus", "geenensp", "abuse_ch", "Cryptolaemus1", "NDA0E", "zbetcheckin"]
HOST_LABELS = ["www", "mail", "cdn", "files", "portal", "static", "app", "dl"]
FIRST_ID = 3_000_000
START = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Constituency:
    """IPv4 networks and registered domains to draw hosts from.

    ``starts`` / ``sizes``: first address (as an integer) and number of addresses of each IPv4
    prefix (int64 arrays); ``domains``: registered domain names (``ptcl-pakistan.com.pk``).
    """

    starts: np.ndarray
    sizes: np.ndarray
    domains: list[str]


def slug(name: str) -> str:
    """A DNS label from an AS name: ``'PTCL-Pakistan Telecom'`` → ``'ptcl-pakistan-telecom'``."""
    label = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return label or "org"


def domain_for(as_name: str) -> str:
    """The demo registered domain of an organisation named after its AS."""
    return f"{slug(as_name)}.com.pk"


def constituency(prefixes: Sequence[tuple[str, str]]) -> Constituency:
    """Host pools from ``(cidr, as_name)`` pairs with an AS name (so every host has an owner);
    IPv6 prefixes are skipped (URLhaus URLs with IPv6 literals are rare). Raises ``ValueError``
    when no such IPv4 prefix is given."""
    nets = [ipaddress.ip_network(cidr, strict=False) for cidr, name in prefixes if name]
    v4 = [net for net in nets if net.version == 4]
    if not v4:
        raise ValueError("no IPv4 prefix to generate addresses in")
    starts = np.array([int(net.network_address) for net in v4], dtype=np.int64)
    sizes = np.array([net.num_addresses for net in v4], dtype=np.int64)
    domains = sorted({domain_for(name) for _, name in prefixes if name})
    return Constituency(starts, sizes, domains or ["example.com.pk"])


def _pick(values: list[str], index: np.ndarray) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(pl.Series(index, dtype=pl.UInt32))


def _hosts(rng: np.random.Generator, pool: Constituency, n: int) -> pl.Series:
    """70 % IPv4 literals inside the prefixes, 30 % host names under the domains."""
    net = rng.integers(0, len(pool.sizes), n)
    ints = pool.starts[net] + (rng.random(n) * pool.sizes[net]).astype(np.int64)
    octets = pl.DataFrame({f"o{k}": (ints >> (24 - 8 * k)) & 255 for k in range(4)})
    ips = octets.select(pl.concat_str(pl.all(), separator=".")).to_series()
    names = (
        pl.DataFrame(
            {
                "label": _pick(HOST_LABELS, rng.integers(0, len(HOST_LABELS), n)),
                "domain": _pick(pool.domains, rng.integers(0, len(pool.domains), n)),
            }
        )
        .select(pl.concat_str("label", "domain", separator="."))
        .to_series()
    )
    return pl.select(pl.when(pl.Series(rng.random(n) < 0.7)).then(ips).otherwise(names)).to_series()


def frame(pool: Constituency, rows: int, seed: int = 42) -> pl.DataFrame:
    """``rows`` URLhaus rows as a string frame with the columns of :data:`COLUMNS`.

    About 2 % of the rows repeat an earlier row exactly (overlapping dumps), so the
    deduplicator has work to do.
    """
    rng = np.random.default_rng(seed)
    n = rows
    ids = np.arange(FIRST_ID + n, FIRST_ID, -1, dtype=np.int64)
    start_us = int(START.timestamp()) * 1_000_000
    added = start_us - np.arange(n, dtype=np.int64) * 2_000_000  # one URL every 2 s, newest first
    seen = rng.integers(0, 3 * 86400, n)
    port = rng.integers(1024, 65535, n)
    with_port = rng.random(n) < 0.6
    df = pl.DataFrame(
        {
            "id": ids,
            "added": pl.Series(added).cast(pl.Datetime("us", "UTC")),
            "scheme": _pick(["http", "https"], (rng.random(n) < 0.1).astype(np.int64)),
            "host": _hosts(rng, pool, n),
            "port": np.where(with_port, port, -1),
            "path": _pick(PATHS, rng.integers(0, len(PATHS), n)),
            "online": rng.random(n) < 0.35,
            "seen": seen,
            "tags": _pick(TAGS, rng.integers(0, len(TAGS), n)),
            "reporter": _pick(REPORTERS, rng.integers(0, len(REPORTERS), n)),
        }
    )
    stamp = "%Y-%m-%d %H:%M:%S"
    out = df.select(
        pl.col("id").cast(pl.String),
        pl.col("added").dt.strftime(stamp).alias("dateadded"),
        pl.concat_str(
            "scheme",
            pl.lit("://"),
            "host",
            pl.when(pl.col("port") >= 0).then(pl.format(":{}", "port")).otherwise(pl.lit("")),
            pl.lit("/"),
            "path",
        ).alias("url"),
        pl.when("online").then(pl.lit("online")).otherwise(pl.lit("offline")).alias("url_status"),
        (pl.col("added") + pl.duration(seconds=pl.col("seen")))
        .dt.strftime(stamp)
        .alias("last_online"),
        pl.lit("malware_download").alias("threat"),
        "tags",
        pl.format("https://urlhaus.abuse.ch/url/{}/", "id").alias("urlhaus_link"),
        "reporter",
    )
    repeat = np.flatnonzero(rng.random(n) < 0.02)
    if repeat.size:
        source = (rng.random(repeat.size) * repeat).astype(np.int64)
        order = np.arange(n)
        order[repeat] = source
        out = out[order]
    return out


def render(rows: pl.DataFrame, updated: datetime = START + timedelta(days=1)) -> bytes:
    """The frame as a URLhaus CSV report: comment header, then fully quoted rows."""
    body = rows.write_csv(include_header=False, quote_style="always")
    head = HEADER.format(updated=updated.strftime("%Y-%m-%d %H:%M:%S"))
    return head.encode() + body.encode()


def report_bytes(prefixes: Sequence[tuple[str, str]], rows: int, seed: int = 42) -> bytes:
    """``rows`` deterministic URLhaus rows inside ``prefixes`` as report bytes."""
    return render(frame(constituency(prefixes), rows, seed))
