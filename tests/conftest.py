"""Suite-wide fixtures: where the shared samples are, and an isolated data directory."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    """The workplace's ``shared/`` folder (real samples and references; never copied here).

    ``NATCERT_SHARED_DIR`` wins; otherwise ``../shared`` beside the checkout (how CI lays it
    out), then ``/work/shared`` for a throw-away clone made elsewhere on a developer machine.
    """
    candidates = [os.environ.get("NATCERT_SHARED_DIR", ""), REPO.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "samples").is_dir():
            return Path(candidate)
    raise RuntimeError(
        "the shared samples folder was not found: set NATCERT_SHARED_DIR to the folder "
        "that holds samples/ and reference/ (normally ../shared beside the checkout)"
    )


SHARED = _shared_dir()
SAMPLES = SHARED / "samples"
REFERENCE = SHARED / "reference"


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Mark every test that uses the database with ``db`` so the PostgreSQL run selects it."""
    import pytest

    for item in items:
        if item.get_closest_marker("django_db") or {
            "db",
            "transactional_db",
            "client",
            "admin_client",
            "live_server",
            "django_user_model",
        } & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
