"""``natcert fetch``: conditional GET against a real HTTP server on 127.0.0.1, then ingest."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from django.core.management import CommandError, call_command

from natcert.intel.management.commands import fetch as fetch_command
from natcert.intel.models import Event, FeedState
from natcert.pipeline.feeds import load_catalogue

pytestmark = pytest.mark.django_db
BODY = b"; Spamhaus DROP List\n1.10.16.0/20 ; SBL256894\n5.34.242.0/23 ; SBL194796\n"
ETAG = '"drop-v1"'


class Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        Handler.seen.append(dict(self.headers))
        if self.path == "/missing":
            self.send_response(404)
            self.end_headers()
        elif self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.end_headers()
        else:
            self.send_response(200)
            self.send_header("ETag", ETAG)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local_feed(server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The catalogue's DROP feed, pointed at the local server (allowed: a private address)."""
    catalogue = load_catalogue()
    drop = replace(catalogue["spamhaus-drop-v4"], url=f"{server}/drop.txt", allow_private=True)
    missing = replace(drop, name="spamhaus-edrop", url=f"{server}/missing")
    patched = {**catalogue, drop.name: drop, missing.name: missing}
    monkeypatch.setattr(fetch_command, "load_catalogue", lambda: patched)
    return drop.name


def fetch(*args: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("fetch", *args, "--json", stdout=out)
    return dict(json.loads(out.getvalue()))


def test_fetch_then_not_modified(local_feed: str) -> None:
    first = fetch(local_feed)
    assert first["events"] == 2 and Event.objects.count() == 2
    state = FeedState.objects.get(name=local_feed)
    assert state.etag == ETAG and state.last_status == "ok"
    second = fetch(local_feed)
    assert second == {"feed": local_feed, "not_modified": True}
    assert Handler.seen[-1].get("If-None-Match") == ETAG
    state.refresh_from_db()
    assert state.last_status == "not-modified" and state.runs == 2
    assert Event.objects.count() == 2


def test_dry_run_keeps_no_state(local_feed: str) -> None:
    assert fetch(local_feed, "--dry-run")["events"] == 2
    assert not FeedState.objects.exists() and not Event.objects.exists()


def test_http_error_is_recorded(local_feed: str) -> None:
    with pytest.raises(CommandError, match="404"):
        fetch("spamhaus-edrop")
    state = FeedState.objects.get(name="spamhaus-edrop")
    assert state.last_status == "error" and "404" in state.last_error
