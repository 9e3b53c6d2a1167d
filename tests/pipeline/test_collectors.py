"""Collectors against a real HTTP server on 127.0.0.1 and real files."""

from __future__ import annotations

import gzip
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path

import pytest

from natcert.pipeline.collectors import CollectorError
from natcert.pipeline.collectors.file import collect_path
from natcert.pipeline.collectors.http import HttpState, Limits, fetch, fetch_feed, why_forbidden
from natcert.pipeline.feeds import Feed

BODY = b"1.2.3.4\n5.6.7.8\n"
ETAG = '"v1"'
MODIFIED = "Wed, 13 Mar 2024 18:49:10 GMT"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        routes = {
            "/etag": self._etag,
            "/modified": self._modified,
            "/big": lambda: self._send(200, b"x" * 5000),
            "/gzip": lambda: self._send(200, gzip.compress(BODY), Content_Encoding="gzip"),
            "/file.gz": lambda: self._send(200, gzip.compress(BODY)),
            "/bomb": lambda: self._send(
                200, gzip.compress(b"0" * 100_000), Content_Encoding="gzip"
            ),
            "/slow": self._slow,
            "/host": lambda: self._send(200, self.headers["Host"].encode()),
            "/to-private": lambda: self._send(302, Location="http://10.1.2.3/feed"),
            "/to-local": lambda: self._send(302, Location="/etag"),
            "/loop": lambda: self._send(302, Location="/loop"),
            "/missing": lambda: self._send(404, b"no"),
        }
        route = routes.get(self.path)
        if route is None:
            self._send(404)
        else:
            route()

    def _etag(self) -> None:
        if self.headers.get("If-None-Match") == ETAG:
            self._send(304)
        else:
            self._send(200, BODY, ETag=ETAG)

    def _modified(self) -> None:
        if self.headers.get("If-Modified-Since") == MODIFIED:
            self._send(304)
        else:
            self._send(200, BODY, Last_Modified=MODIFIED)

    def _slow(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "10")
        self.end_headers()
        time.sleep(1.5)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _get(url: str, **kw: object):  # type: ignore[no-untyped-def]
    return fetch(url, feed="test", allow_private=True, **kw)  # type: ignore[arg-type]


def test_etag_then_304(base: str) -> None:
    first = _get(base + "/etag")
    assert first.report is not None and first.report.raw == BODY
    assert first.state == HttpState(etag=ETAG)
    again = _get(base + "/etag", state=first.state)
    assert (again.status, again.report) == (304, None)


def test_last_modified_then_304(base: str) -> None:
    first = _get(base + "/modified")
    assert first.state.last_modified == MODIFIED
    assert _get(base + "/modified", state=first.state).report is None


def test_gzip_encoding_and_gzip_files(base: str) -> None:
    for path in ("/gzip", "/file.gz"):
        result = _get(base + path)
        assert result.report is not None and result.report.raw == BODY
    assert _get(base + "/file.gz").report.name == "file"  # type: ignore[union-attr]


def test_size_cap(base: str) -> None:
    with pytest.raises(CollectorError, match="more than the 1000-byte limit"):
        _get(base + "/big", limits=Limits(max_bytes=1000))
    with pytest.raises(CollectorError, match="more than the 1000-byte limit"):
        _get(base + "/bomb", limits=Limits(max_bytes=1000))


def test_read_timeout(base: str) -> None:
    with pytest.raises(CollectorError, match=re.escape("sent nothing for 0.3 s")):
        _get(base + "/slow", limits=Limits(read=0.3))


def test_loopback_refused_without_allow_private(base: str) -> None:
    with pytest.raises(CollectorError, match=re.escape("127.0.0.1, a loopback address")):
        fetch(base + "/etag", feed="test")


def test_redirect_to_private_address_refused(base: str) -> None:
    # The test server's own address is allowed explicitly; the redirect target is not.
    with pytest.raises(CollectorError, match=re.escape("10.1.2.3, a private address")):
        fetch(base + "/to-private", feed="test", allow_networks=["127.0.0.1/32"])
    assert fetch(base + "/etag", feed="test", allow_networks=["127.0.0.1/32"]).report


def test_redirects_followed_with_allow_private_and_capped(base: str) -> None:
    result = _get(base + "/to-local")
    assert result.report is not None and result.url == base + "/etag"
    with pytest.raises(CollectorError, match="more than 5 redirects"):
        _get(base + "/loop")
    with pytest.raises(CollectorError, match="answered HTTP 404"):
        _get(base + "/missing")


def test_connects_to_the_vetted_address_with_the_original_host(base: str) -> None:
    port = base.rsplit(":", 1)[1]
    result = _get(f"http://feed.example.org:{port}/host", resolver=lambda h, p: ["127.0.0.1"])
    assert result.report is not None and result.report.raw == f"feed.example.org:{port}".encode()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.1", "private"),
        ("127.0.0.1", "loopback"),
        ("169.254.1.1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "not globally"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::a00:1", "private"),
        ("ff02::1", "multicast"),
        ("2002:7f00:1::", "loopback"),
    ],
)
def test_forbidden_addresses(address: str, reason: str) -> None:
    assert reason in (why_forbidden(ip_address(address)) or "")


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses(address: str) -> None:
    assert why_forbidden(ip_address(address)) is None


def test_file_collector(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_bytes(b"x")
    (tmp_path / "a.txt").write_bytes(BODY)
    (tmp_path / ".hidden").write_bytes(b"no")
    reports = collect_path(tmp_path, feed="f", provider="p")
    assert [r.name for r in reports] == ["a.txt", "b.csv"]
    assert reports[0].raw == BODY and reports[0].url.startswith("file://")
    assert collect_path(tmp_path / "a.txt", feed="f")[0].name == "a.txt"
    with pytest.raises(CollectorError, match="neither a file nor a directory"):
        collect_path(tmp_path / "nope", feed="f")


def test_fetch_feed_uses_the_catalogue_entry(base: str) -> None:
    feed = Feed(
        name="local",
        provider="Us",
        title="t",
        url=base + "/etag",
        parser="x",
        schedule="1h",
        tlp="TLP:CLEAR",
        doc_url="",
        allow_private=True,
    )
    result = fetch_feed(feed)
    assert result.report is not None and result.report.provider == "Us"
    assert result.etag == ETAG and fetch_feed(feed, result.state).report is None
