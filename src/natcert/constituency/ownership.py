"""The ownership index built from the registry, cached per process.

``build_index()`` returns a :class:`natcert.pipeline.experts.ownership.OwnershipIndex` over
every prefix, AS number and domain of the registry. The index is cached and rebuilt when the
registry changed: a one-query fingerprint (row count and latest ``updated`` of each registry
table) is compared on every call, so edits made by another process (admin, worker, CLI) are
seen too. Actions also call :func:`invalidate_index` when their transaction commits.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import TYPE_CHECKING

from django.db import connection

from natcert.constituency.models import (
    CERT,
    AutonomousSystem,
    Domain,
    NetworkPrefix,
    Organisation,
    Sector,
)

if TYPE_CHECKING:
    from natcert.pipeline.experts.ownership import Owner, OwnershipIndex

_TABLES = (CERT, Sector, Organisation, NetworkPrefix, AutonomousSystem, Domain)
_lock = threading.Lock()
_cached: tuple[Hashable, OwnershipIndex] | None = None


def registry_fingerprint() -> tuple[tuple[int, str], ...]:
    """(row count, latest ``updated``) of each table the index is built from (one query)."""
    quote = connection.ops.quote_name
    # Only quoted table names of our own models: no input reaches this SQL.
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), MAX({quote('updated')}) FROM {quote(model._meta.db_table)}"  # noqa: S608
        for i, model in enumerate(_TABLES)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = sorted(cursor.fetchall())
    return tuple((int(count), str(latest)) for _, count, latest in rows)


def owners() -> dict[str, Owner]:
    """Organisation slug → :class:`Owner` (organisation, sector, responsible CERT)."""
    from natcert.pipeline.experts.ownership import Owner

    return {
        org.slug: Owner(
            organisation=org.slug,
            organisation_name=org.name,
            sector=org.sector.slug,
            sector_name=org.sector.name,
            cert=org.cert.slug,
            cert_name=org.cert.name,
        )
        for org in Organisation.objects.select_related("sector", "cert")
    }


def load_index() -> OwnershipIndex:
    """A fresh index from the database (no cache)."""
    from natcert.pipeline.experts.ownership import OwnershipIndex

    return OwnershipIndex.build(
        prefixes=NetworkPrefix.objects.values_list("cidr", "organisation__slug").iterator(),
        asns=AutonomousSystem.objects.values_list("number", "organisation__slug").iterator(),
        domains=Domain.objects.values_list("name", "organisation__slug").iterator(),
        owners=owners(),
    )


def build_index() -> OwnershipIndex:
    """The cached index, rebuilt first when the registry changed since it was built."""
    global _cached
    fingerprint = registry_fingerprint()
    with _lock:
        if _cached is not None and _cached[0] == fingerprint:
            return _cached[1]
        index = load_index()
        _cached = (fingerprint, index)
        return index


def invalidate_index() -> None:
    """Forget the cached index; the next :func:`build_index` rebuilds it."""
    global _cached
    with _lock:
        _cached = None
