"""``natcert serve``: collect static files, then run the portal under gunicorn.

Static files are served by WhiteNoise from ``STATIC_ROOT`` (no CDN, no web server needed);
put a TLS-terminating reverse proxy in front for anything but a local demo.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    """The command line that runs natcert's WSGI app under gunicorn on ``host:port``."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "natcert.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]


class Command(BaseCommand):
    help = (
        "Serve the natcert portal with gunicorn (static files through WhiteNoise). Runs "
        "collectstatic first. Binds 127.0.0.1:8000 by default; stop with Ctrl-C."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address to listen on (default 127.0.0.1: this machine only)",
        )
        parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
        parser.add_argument(
            "--workers", type=int, default=2, help="gunicorn worker processes (default 2)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        host, port = options["host"], options["port"]
        self.stdout.write(f"natcert portal on http://{host}:{port}/ (Ctrl-C stops it)")
        self.stdout.flush()
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", "natcert.settings")
        argv = gunicorn_argv(host, port, options["workers"])
        # Replace this process: gunicorn then receives Ctrl-C and service-manager signals.
        os.execve(argv[0], argv, env)  # noqa: S606
