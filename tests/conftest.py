"""Suite-wide fixtures: where the shared samples are, and an isolated data directory."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
REFERENCE = REPO.parent / "shared" / "reference"


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
