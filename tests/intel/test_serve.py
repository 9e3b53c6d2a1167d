"""``natcert serve`` runs gunicorn with WhiteNoise static files and answers on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from natcert.intel.management.commands.serve import gunicorn_argv

NATCERT = Path(sys.executable).with_name("natcert")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], deadline_s: float = 60) -> None:
    """Poll until gunicorn accepts connections (a readiness wait, not a timing assertion)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early: {process.stdout.read()!r}")  # type: ignore[union-attr]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("serve did not listen")


def test_gunicorn_command_line() -> None:
    argv = gunicorn_argv("127.0.0.1", 8123, 3)
    assert argv[1:4] == ["-m", "gunicorn", "natcert.wsgi:application"]
    assert "127.0.0.1:8123" in argv and "3" in argv


@pytest.mark.slow
def test_serve_answers_on_a_free_port(tmp_path: Path) -> None:
    env = {**os.environ, "NATCERT_DATA_DIR": str(tmp_path)}
    env.pop("NATCERT_DATABASE_URL", None)  # its own SQLite database in tmp_path
    subprocess.run([NATCERT, "migrate", "--verbosity", "0"], env=env, check=True)
    port = free_port()
    process = subprocess.Popen(
        [NATCERT, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(port, process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200  # redirects to a login page that renders
        css = f"http://127.0.0.1:{port}/static/vendor/bootstrap/css/bootstrap.min.css"
        with urllib.request.urlopen(css, timeout=30) as response:
            assert response.status == 200 and b"Bootstrap" in response.read(2000)
        assert (tmp_path / "static").is_dir()  # collectstatic ran first
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
