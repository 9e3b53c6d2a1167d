"""Deterministic demo reports in the real formats of public feeds.

Each generator writes the layout its provider publishes (banner comments, header, quoting),
with indicators drawn from the demo constituency's prefixes and domains, a few from outside
it, and a few malformed rows so the quarantine has something to show. The same seed, anchor
time and constituency always give the same bytes, so re-ingesting adds nothing.

Formats: URLhaus CSV (https://urlhaus.abuse.ch/api/#csv), Feodo Tracker IP blocklist CSV
(https://feodotracker.abuse.ch/blocklist/), Spamhaus DROP (https://www.spamhaus.org/drop/),
blocklist.de per-service lists (https://www.blocklist.de/en/export.html), DataPlane.org
sshpwauth (https://dataplane.org/), OpenPhish community feed (https://openphish.com/feed.txt),
Shadowserver "Accessible RDP" scan report (https://www.shadowserver.org/what-we-do/
network-reporting/accessible-rdp-report/).
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

OUTSIDE_NETWORKS = ("45.95.147.0/24", "185.220.101.0/24", "91.92.240.0/22", "2a0e:fb40::/32")
"""Public networks outside any demo constituency (indicators that stay unowned)."""


@dataclass(frozen=True)
class Pool:
    """What the generators draw from: addresses inside and outside the constituency, the
    constituency's prefixes and domains, and the anchor time rows are dated back from."""

    inside: tuple[str, ...]
    outside: tuple[str, ...]
    prefixes: tuple[str, ...]
    domains: tuple[str, ...]
    anchor: datetime
    country: str


def _addresses(cidr: str, rng: random.Random, count: int) -> list[str]:
    network = ipaddress.ip_network(cidr, strict=False)
    span = min(network.num_addresses - 2, 65_000)
    if span < 1:
        return [str(network.network_address)]
    return [str(network.network_address + 1 + rng.randrange(span)) for _ in range(count)]


def build_pool(
    prefixes: list[str],
    domains: list[str],
    *,
    seed: int,
    anchor: datetime,
    country: str,
    per_prefix: int = 2,
) -> Pool:
    """A pool of ``per_prefix`` addresses per IPv4 prefix (IPv6 prefixes give one each)."""
    rng = random.Random(seed)
    inside: list[str] = []
    for cidr in sorted(prefixes):
        ipv6 = ":" in cidr
        inside.extend(_addresses(cidr, rng, 1 if ipv6 else per_prefix))
    outside = [a for cidr in OUTSIDE_NETWORKS for a in _addresses(cidr, rng, 3)]
    return Pool(
        tuple(inside),
        tuple(outside),
        tuple(sorted(prefixes)),
        tuple(sorted(domains)),
        anchor,
        country.upper(),
    )


def _ipv4(pool: Pool) -> list[str]:
    return [a for a in pool.inside if ":" not in a]


def _when(pool: Pool, rng: random.Random, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return (pool.anchor - timedelta(minutes=rng.randrange(1, 6 * 24 * 60))).strftime(fmt)


def _sample(rng: random.Random, items: list[str] | tuple[str, ...], count: int) -> list[str]:
    return rng.sample(list(items), min(count, len(items)))


def _abusech_banner(title: str, pool: Pool) -> str:
    lines = [
        f"# abuse.ch {title}",
        f"# Last updated: {pool.anchor:%Y-%m-%d %H:%M:%S} (UTC)",
        "#",
        "# Terms Of Use: https://urlhaus.abuse.ch/api/",
        "# For questions please contact urlhaus [at] abuse.ch",
    ]
    rule = "#" * 64
    return "\n".join([rule, *(line.ljust(63) + "#" for line in lines), rule, "#"]) + "\n"


def urlhaus_csv(pool: Pool, rng: random.Random) -> str:
    """URLhaus ``csv_recent`` dump: quoted CSV under a ``#`` banner and header comment."""
    out = [
        _abusech_banner("URLhaus Database Dump (CSV - recent URLs)", pool),
        "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n",
    ]
    hosts = [
        *(f"{a}:{rng.choice([80, 8080, 42315])}" for a in _sample(rng, _ipv4(pool), 40)),
        *_sample(rng, pool.domains, 6),
        *_sample(rng, pool.outside, 3),
    ]
    for index, host in enumerate(hosts):
        uid = 3_100_000 + index * 7
        when = _when(pool, rng)
        tags = rng.choice(["elf,Mozi", "32-bit,elf,mips,Mirai", "exe,AgentTesla", "zip,QakBot"])
        url = f"http://{host}/{rng.choice(['Mozi.m', 'bin.sh', 'i', 'invoice.zip'])}"
        out.append(
            f'"{uid}","{when}","{url}","online","{when}","malware_download","{tags}",'
            f'"https://urlhaus.abuse.ch/url/{uid}/","{rng.choice(["lrz_urlhaus", "geenensp"])}"\n'
        )
    out.append('"3199999","2024-13-45 99:00:00","not a url","online"\n')  # malformed
    return "".join(out)


def feodo_csv(pool: Pool, rng: random.Random) -> str:
    """Feodo Tracker ``ipblocklist.csv``: botnet C2 servers, quoted CSV, ``#`` banner."""
    out = [
        _abusech_banner("Feodo Tracker Botnet C2 IP Blocklist (CSV)", pool),
        '# "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n',
    ]
    rows = [*_sample(rng, _ipv4(pool), 15), *_sample(rng, pool.outside, 2)]
    for address in rows:
        out.append(
            f'"{_when(pool, rng)}","{address}","{rng.choice([443, 447, 2222, 8080])}",'
            f'"online","{pool.anchor:%Y-%m-%d}",'
            f'"{rng.choice(["QakBot", "Emotet", "Pikabot", "BumbleBee"])}"\n'
        )
    out.append('"2024-01-01 00:00:00","256.1.1.1","443","online","2024-01-01","Emotet"\n')
    out.append(f"# Number of entries: {len(rows) + 1}\n")
    return "".join(out)


def spamhaus_drop(pool: Pool, rng: random.Random) -> str:
    """Spamhaus DROP: ``; `` comment header, ``CIDR ; SBLnnnnnn`` per line."""
    out = [
        f"; Spamhaus DROP List {pool.anchor:%Y/%m/%d} - (c) {pool.anchor:%Y} The Spamhaus "
        "Project SLU\n",
        "; https://www.spamhaus.org/drop/drop.txt\n",
        f"; Last-Modified: {pool.anchor:%a, %d %b %Y %H:%M:%S} GMT\n",
    ]
    networks = [
        str(ipaddress.ip_network(f"{a}/24", strict=False)) for a in _sample(rng, _ipv4(pool), 8)
    ]
    networks += ["45.95.147.0/24", "91.92.240.0/22"]
    for index, network in enumerate(sorted(set(networks))):
        out.append(f"{network} ; SBL{600000 + index * 13}\n")
    out.append("300.12.0.0/16 ; SBL699999\n")
    return "".join(out)


def blocklistde(pool: Pool, rng: random.Random) -> str:
    """blocklist.de ``ssh.txt``: one attacking address per line, no header."""
    rows = [*_sample(rng, pool.inside, 120), *_sample(rng, pool.outside, 5), "999.1.2.3"]
    return "".join(f"{row}\n" for row in rows)


def dataplane_sshpwauth(pool: Pool, rng: random.Random) -> str:
    """DataPlane.org ``sshpwauth.txt``: ``#`` preamble, ``|``-separated padded columns."""
    out = [
        "# DataPlane.org - for operators, by operators\n",
        "# sshpwauth\n",
        f"# {pool.anchor - timedelta(days=7):%Y-%m-%d %H:00} - {pool.anchor:%Y-%m-%d %H:00}\n",
        "#\n",
        "# ASN          |  ASname                          |  ipaddr           |  "
        "lastseen             |  category\n",
    ]
    for address in [*_sample(rng, _ipv4(pool), 60), *_sample(rng, pool.outside, 2), "1.2.3"]:
        asn, name = rng.choice(
            [("17557", "PKTELECOM-AS-PK"), ("45595", "PKTELECOM-AS-AP"), ("NA", "NA")]
        )
        out.append(f"{asn:<13}|  {name:<32}|  {address:<17}|  {_when(pool, rng)}  |  sshpwauth\n")
    return "".join(out)


def openphish(pool: Pool, rng: random.Random) -> str:
    """OpenPhish community ``feed.txt``: one phishing URL per line."""
    paths = ["wp-includes/secure/login.php", "verify/account/index.html", "office365/auth/"]
    urls = [
        f"https://{rng.choice(['portal', 'mail', 'www'])}.{d}/{rng.choice(paths)}"
        for d in _sample(rng, pool.domains, 8)
    ]
    urls += ["https://secure-login-update.example.com/bank/", "http://[broken"]
    return "".join(f"{url}\n" for url in urls)


SHADOWSERVER_RDP_COLUMNS = (
    "timestamp",
    "ip",
    "port",
    "hostname",
    "tag",
    "handshake",
    "asn",
    "geo",
    "region",
    "city",
    "rdp_protocol",
    "cert_length",
    "subject_common_name",
    "issuer_common_name",
    "cert_issue_date",
    "cert_expiration_date",
    "sha1_fingerprint",
    "cert_serial_number",
    "ssl_version",
    "signature_algorithm",
    "key_algorithm",
    "sha256_fingerprint",
    "sha512_fingerprint",
    "md5_fingerprint",
    "naics",
    "sic",
    "sector",
    "tlsv13_support",
    "tlsv13_cipher",
    "cve20190708_vulnerable",
    "bluekeep_vulnerable",
    "jarm",
)


def shadowserver_scan_rdp(pool: Pool, rng: random.Random) -> str:
    """Shadowserver ``scan_rdp`` report CSV: every value quoted except numbers."""
    out = [",".join(f'"{c}"' for c in SHADOWSERVER_RDP_COLUMNS) + "\n"]
    for address in [*_sample(rng, _ipv4(pool), 150), "10.0.0.300"]:
        values = {
            "timestamp": f'"{_when(pool, rng)}"',
            "ip": f'"{address}"',
            "port": "3389",
            "tag": '"rdp"',
            "asn": str(rng.choice([17557, 45595, 9541])),
            "geo": f'"{pool.country}"',
            "rdp_protocol": '"RDP"',
            "bluekeep_vulnerable": f'"{rng.choice("NY")}"',
        }
        out.append(",".join(values.get(c, "") for c in SHADOWSERVER_RDP_COLUMNS) + "\n")
    return "".join(out)


@dataclass(frozen=True)
class DemoFeed:
    """One demo report: the catalogue feed that parses it, its file name, its generator."""

    feed: str
    filename: str
    generate: Callable[[Pool, random.Random], str]


DEMO_FEEDS: tuple[DemoFeed, ...] = (
    DemoFeed("abusech-urlhaus-csv", "urlhaus-csv_recent.csv", urlhaus_csv),
    DemoFeed("abusech-feodo-ipblocklist", "feodotracker-ipblocklist.csv", feodo_csv),
    DemoFeed("spamhaus-drop-v4", "spamhaus-drop.txt", spamhaus_drop),
    DemoFeed("blocklistde-ssh", "blocklistde-ssh.txt", blocklistde),
    DemoFeed("dataplane-sshpwauth", "dataplane-sshpwauth.txt", dataplane_sshpwauth),
    DemoFeed("openphish-community", "openphish-feed.txt", openphish),
    DemoFeed("shadowserver-reports", "scan_rdp.csv", shadowserver_scan_rdp),
)


def render(demo: DemoFeed, pool: Pool, seed: int) -> bytes:
    """The report bytes of ``demo`` (its own random stream, so feeds do not shift each other)."""
    rng = random.Random(f"{seed}:{demo.feed}")
    return demo.generate(pool, rng).encode()
