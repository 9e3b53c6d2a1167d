"""Preconditions the intel commands check before touching the database."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import connection

from natcert.intel.models import Event, FeedState


def require_intel_tables() -> None:
    """Raise ``CommandError`` with the fix when the intel tables do not exist yet."""
    tables = set(connection.introspection.table_names())
    missing = {Event._meta.db_table, FeedState._meta.db_table} - tables
    if missing:
        raise CommandError(
            f"the database ({connection.settings_dict['NAME']}) is not set up: "
            "run `natcert migrate` first (or `natcert demo`)"
        )
