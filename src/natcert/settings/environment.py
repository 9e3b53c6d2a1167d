"""Operator configuration read from ``NATCERT_*`` environment variables.

Variables (all optional):

- ``NATCERT_DATA_DIR``: where the SQLite database, reports, secret key and static files live.
  Default ``$XDG_DATA_HOME/natcert`` (``~/.local/share/natcert``).
- ``NATCERT_DATABASE_URL``: ``postgresql://user@host:port/dbname``; default SQLite in the data dir.
- ``NATCERT_SECRET_KEY``: Django's secret; default a random key kept in ``DATA_DIR/secret_key``.
- ``NATCERT_DEBUG`` (``1``/``0``), ``NATCERT_ALLOWED_HOSTS`` (comma separated),
  ``NATCERT_TLS`` (``1`` when served over HTTPS: secure cookies and HSTS),
  ``NATCERT_EMAIL_BACKEND``, ``NATCERT_LOG_LEVEL``,
  ``NATCERT_GEO_MMDB_COUNTRY``, ``NATCERT_GEO_MMDB_ASN``, ``NATCERT_IPASN_FILE``: optional
  enrichment sources (MaxMind GeoLite2 ``.mmdb`` files, a pyasn/RouteViews ``ipasn`` file).
- ``NATCERT_BROKER_URL``: ``redis://127.0.0.1:6379/0`` selects Celery workers (scale-out);
  unset, the pipeline runs in-process.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class Environment:
    data_dir: Path
    secret_key: str
    debug: bool
    allowed_hosts: list[str]
    tls: bool
    database: dict[str, Any]
    email_backend: str
    log_level: str
    geo_mmdb_country: Path | None
    geo_mmdb_asn: Path | None
    ipasn_file: Path | None
    broker_url: str | None


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _optional_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "natcert"


def database_from_url(url: str | None, data_dir: Path) -> dict[str, Any]:
    """Django ``DATABASES['default']`` for a ``postgresql://`` or ``sqlite:///`` URL.

    Raises ``ValueError`` for any other scheme.
    """
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": data_dir / "natcert.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "natcert",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
        }
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parsed.path}
    raise ValueError(f"NATCERT_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


def _secret_key(data_dir: Path) -> str:
    configured = os.environ.get("NATCERT_SECRET_KEY")
    if configured:
        return configured
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


def load_environment() -> Environment:
    data_dir = Path(os.environ.get("NATCERT_DATA_DIR") or default_data_dir()).expanduser()
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    hosts = os.environ.get("NATCERT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    return Environment(
        data_dir=data_dir,
        secret_key=_secret_key(data_dir),
        debug=_flag("NATCERT_DEBUG"),
        allowed_hosts=[h.strip() for h in hosts.split(",") if h.strip()],
        tls=_flag("NATCERT_TLS"),
        database=database_from_url(os.environ.get("NATCERT_DATABASE_URL"), data_dir),
        email_backend=os.environ.get(
            "NATCERT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        ),
        log_level=os.environ.get("NATCERT_LOG_LEVEL", "WARNING"),
        geo_mmdb_country=_optional_path("NATCERT_GEO_MMDB_COUNTRY"),
        geo_mmdb_asn=_optional_path("NATCERT_GEO_MMDB_ASN"),
        ipasn_file=_optional_path("NATCERT_IPASN_FILE"),
        broker_url=os.environ.get("NATCERT_BROKER_URL") or None,
    )


def bootstrap_static_dir() -> Path:
    """The folder of Bootstrap's ``css/`` and ``js/`` as installed by the bootstrap-wrapper
    package from PyPI (served under ``/static/vendor/bootstrap/``: no CDN)."""
    import bootstrap_wrapper

    return Path(bootstrap_wrapper.__file__).resolve().parent.parent / "bootstrap"
