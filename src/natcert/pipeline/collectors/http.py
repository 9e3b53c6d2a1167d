"""HTTP(S) collector: fetch one feed URL safely and return it as a report.

What it guarantees:

* **Conditional GET** (RFC 9110 §13): the caller passes the last ``HttpState`` (ETag,
  Last-Modified) and persists the one returned; an unchanged feed answers 304 and yields no
  report.
* **Bounded**: connect and read timeouts, an overall deadline, and a size cap on the decoded
  body (default 200 MiB); ``Content-Encoding: gzip`` and gzip files (``.gz`` bodies) are
  decompressed under the same cap.
* **SSRF-safe**: the host is resolved once and *every* address it resolves to must be public
  (not private, loopback, link-local, multicast, reserved, unspecified or otherwise not
  globally routable; IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged by the IPv4 address
  inside). The connection then goes to that vetted address, with the original ``Host`` header
  and, for HTTPS, TLS SNI and certificate checks against the original host name, so DNS
  rebinding cannot switch the target. Redirects are followed by hand (at most 5), each hop
  vetted the same way. ``allow_private=True`` lifts the address checks for feeds on an
  internal network; ``allow_networks`` allows only the given CIDRs.

Every failure is a :class:`~natcert.pipeline.collectors.CollectorError` whose message says
what went wrong in words a person can act on.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from natcert.pipeline.collectors import CollectorError
from natcert.pipeline.feeds import Feed
from natcert.pipeline.report import Report

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * MiB
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "natcert-collector/0.1 (+https://github.com/natcert)"
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_CHUNK = 64 * 1024

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
"""``resolver(host, port) -> addresses`` (text); the default asks the system's DNS."""


@dataclass(frozen=True)
class HttpState:
    """What the server said last time, sent back for a conditional GET; persist it."""

    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class HttpResult:
    """``report`` is ``None`` when the feed did not change (HTTP 304)."""

    report: Report | None
    state: HttpState
    status: int
    url: str

    @property
    def etag(self) -> str:
        return self.state.etag

    @property
    def last_modified(self) -> str:
        return self.state.last_modified


@dataclass(frozen=True)
class Limits:
    """Seconds to connect, seconds of silence while reading, seconds overall; body bytes."""

    connect: float = 10.0
    read: float = 60.0
    total: float = 600.0
    max_bytes: int = DEFAULT_MAX_BYTES


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to. Raises ``CollectorError`` if it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise CollectorError(f"cannot resolve the host name {host!r}: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def why_forbidden(address: Address) -> str | None:
    """Why ``address`` may not be fetched from without ``allow_private`` (``None``: public)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return why_forbidden(embedded)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    article = {True: "an", False: "a"}
    return next(
        (f"{article[name[0] in 'aeiou']} {name} address" for name, hit in checks if hit), None
    )


@dataclass(frozen=True)
class Policy:
    """Which addresses may be fetched from: public ones always; every address when
    ``allow_private``; otherwise also those inside ``allow_networks``."""

    allow_private: bool = False
    allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    def why_refused(self, address: Address) -> str | None:
        if self.allow_private or any(address in net for net in self.allow_networks):
            return None
        return why_forbidden(address)


def _vet(host: str, port: int, resolver: Resolver, policy: Policy) -> str:
    """The address to connect to for ``host``; raises ``CollectorError`` if any is refused."""
    addresses = resolver(host, port)
    if not addresses:
        raise CollectorError(f"the host name {host!r} resolves to no address")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        reason = policy.why_refused(address)
        if reason:
            raise CollectorError(
                f"refusing to fetch from {host}: it resolves to {address}, {reason} "
                "(set allow_private on the feed if it really is on an internal network)"
            )
    return addresses[0]


def _pool(
    scheme: str, host: str, address: str, port: int, limits: Limits
) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=limits.connect, read=limits.read)
    if scheme == "http":
        return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    return urllib3.HTTPSConnectionPool(
        address,
        port,
        timeout=timeout,
        retries=False,
        maxsize=1,
        ssl_context=ssl.create_default_context(),
        server_hostname=host,
        assert_hostname=host,
    )


def _host_header(host: str, port: int, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host.encode("idna").decode("ascii")
    default = 80 if scheme == "http" else 443
    return name if port == default else f"{name}:{port}"


def _read_body(
    response: urllib3.BaseHTTPResponse, url: str, limits: Limits, deadline: float
) -> bytes:
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > limits.max_bytes:
        raise CollectorError(
            f"{url} is {length} bytes, more than the {limits.max_bytes}-byte limit"
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.stream(_CHUNK, decode_content=True):
        size += len(chunk)
        if size > limits.max_bytes:
            raise CollectorError(
                f"{url} is more than the {limits.max_bytes}-byte limit; stopped reading"
            )
        if time.monotonic() > deadline:
            raise CollectorError(f"{url} took more than {limits.total:g} s to download; stopped")
        chunks.append(chunk)
    return _gunzip(b"".join(chunks), url, limits.max_bytes)


def _gunzip(body: bytes, url: str, max_bytes: int) -> bytes:
    """``body`` decompressed if it is a gzip file (magic bytes 1f 8b), else unchanged."""
    if body[:2] != b"\x1f\x8b":
        return body
    out: list[bytes] = []
    size, data = 0, body
    try:
        while data:  # a gzip file may hold several members
            inflater = zlib.decompressobj(wbits=31)
            part = inflater.decompress(data, max_bytes + 1 - size)
            size += len(part)
            out.append(part)
            if size > max_bytes or inflater.unconsumed_tail:
                raise CollectorError(f"{url} unpacks to more than the {max_bytes}-byte limit")
            data = inflater.unused_data
    except zlib.error as exc:
        raise CollectorError(f"{url} looks gzip-compressed but does not unpack: {exc}") from None
    return b"".join(out)


def _explain(exc: HTTPError, url: str, limits: Limits) -> CollectorError:
    if isinstance(exc, ConnectTimeoutError):
        return CollectorError(f"{url}: no connection within {limits.connect:g} s")
    if isinstance(exc, ReadTimeoutError):
        return CollectorError(f"{url}: the server sent nothing for {limits.read:g} s")
    if isinstance(exc, SSLError):
        return CollectorError(f"{url}: TLS failed (certificate or protocol): {exc}")
    if isinstance(exc, NewConnectionError):
        return CollectorError(f"{url}: could not connect ({exc})")
    if isinstance(exc, ProtocolError):
        return CollectorError(f"{url}: the connection broke off ({exc})")
    return CollectorError(f"{url}: {exc}")


@dataclass(frozen=True)
class _Hop:
    status: int
    headers: dict[str, str]
    body: bytes


def _get(
    url: str,
    headers: dict[str, str],
    limits: Limits,
    deadline: float,
    resolver: Resolver,
    policy: Policy,
) -> _Hop:
    """One GET of ``url`` (no redirect following); the body is read only for a 200."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CollectorError(f"{url!r} is not an http:// or https:// URL with a host")
    try:
        port = parts.port or (80 if parts.scheme == "http" else 443)
    except ValueError:
        raise CollectorError(f"{url!r} has an invalid port") from None
    host = parts.hostname
    address = _vet(host, port, resolver, policy)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pool = _pool(parts.scheme, host, address, port, limits)
    try:
        response = pool.urlopen(
            "GET",
            target,
            headers={**headers, "Host": _host_header(host, port, parts.scheme)},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            body = _read_body(response, url, limits, deadline) if response.status == 200 else b""
            return _Hop(response.status, dict(response.headers), body)
        finally:
            response.release_conn()
    except HTTPError as exc:
        raise _explain(exc, url, limits) from None
    finally:
        pool.close()


def fetch(
    url: str,
    *,
    feed: str,
    provider: str = "",
    state: HttpState | None = None,
    allow_private: bool = False,
    allow_networks: Sequence[str] = (),
    limits: Limits | None = None,
    headers: dict[str, str] | None = None,
    resolver: Resolver = system_resolver,
) -> HttpResult:
    """GET ``url`` for ``feed`` and return the body as a report (``None`` if unchanged).

    ``state``: the ``HttpState`` returned last time (conditional GET). ``allow_private``:
    lift the address checks; ``allow_networks``: CIDRs allowed although not public (a feed
    server on a known internal address). ``headers``: extra request headers (an API key).
    ``resolver``: host name lookup (the system's DNS by default).

    Raises ``CollectorError`` for refused addresses, more than 5 redirects, any status other
    than 200/304, timeouts, TLS failures and bodies over ``limits.max_bytes``.
    """
    limits = limits or Limits()
    state = state or HttpState()
    request = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **(headers or {})}
    if state.etag:
        request["If-None-Match"] = state.etag
    if state.last_modified:
        request["If-Modified-Since"] = state.last_modified
    policy = Policy(allow_private, tuple(ipaddress.ip_network(n) for n in allow_networks))
    deadline = time.monotonic() + limits.total
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        hop = _get(current, request, limits, deadline, resolver, policy)
        if hop.status not in REDIRECTS:
            return _result(hop, url, current, feed, provider, state)
        location = hop.headers.get("Location") or hop.headers.get("location")
        if not location:
            raise CollectorError(f"{current} answered HTTP {hop.status} without a Location")
        current = urljoin(current, location)
    raise CollectorError(f"{url}: more than {MAX_REDIRECTS} redirects; stopped at {current}")


def _result(
    hop: _Hop, url: str, final: str, feed: str, provider: str, state: HttpState
) -> HttpResult:
    if hop.status == 304:
        return HttpResult(report=None, state=state, status=304, url=final)
    if hop.status != 200:
        raise CollectorError(f"{final} answered HTTP {hop.status}; expected 200 (or 304)")
    lower = {k.lower(): v for k, v in hop.headers.items()}
    name = urlsplit(final).path.rstrip("/").rpartition("/")[2].removesuffix(".gz")
    report = Report(
        feed=feed,
        raw=hop.body,
        provider=provider,
        url=url,
        name=name,
        media_type=lower.get("content-type", "").split(";")[0].strip(),
    )
    new_state = HttpState(etag=lower.get("etag", ""), last_modified=lower.get("last-modified", ""))
    return HttpResult(report=report, state=new_state, status=200, url=final)


def fetch_feed(
    feed: Feed, state: HttpState | None = None, *, limits: Limits | None = None
) -> HttpResult:
    """``fetch`` for a catalogue feed: its URL, name, provider and ``allow_private``."""
    return fetch(
        feed.url,
        feed=feed.name,
        provider=feed.provider,
        state=state,
        allow_private=feed.allow_private,
        limits=limits,
    )
