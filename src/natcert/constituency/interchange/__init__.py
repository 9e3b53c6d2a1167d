"""Reading, checking, applying and writing constituency files (YAML and CSV).

``read_registry(text, fmt)`` → :class:`Registry`; ``validate_registry(registry)`` → errors;
``apply_registry(registry)`` writes it (caller holds the transaction); ``snapshot_registry()``
reads the database back into a :class:`Registry`; ``write_registry(registry, fmt)`` → text.
The file formats are documented in :mod:`.yaml_format` and :mod:`.csv_format`.
"""

from __future__ import annotations

from natcert.constituency.interchange.apply import ImportSummary, apply_registry
from natcert.constituency.interchange.csv_format import read_csv, write_csv
from natcert.constituency.interchange.records import (
    AsnItem,
    CertRecord,
    ContactRecord,
    Item,
    OrganisationRecord,
    Registry,
    RegistryFileError,
    SectorRecord,
)
from natcert.constituency.interchange.snapshot import snapshot_registry
from natcert.constituency.interchange.validate import validate_registry
from natcert.constituency.interchange.yaml_format import read_yaml, write_yaml

FORMATS = ("yaml", "csv")


def read_registry(text: str, fmt: str) -> Registry:
    """Parse ``text`` in ``fmt`` (``yaml`` or ``csv``); ``RegistryFileError`` lists every
    structural error (bad YAML/CSV, unknown fields or kinds)."""
    if fmt == "yaml":
        return read_yaml(text)
    if fmt == "csv":
        return read_csv(text)
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


def write_registry(registry: Registry, fmt: str) -> str:
    """Render ``registry`` as ``yaml`` or ``csv`` text."""
    if fmt == "yaml":
        return write_yaml(registry)
    if fmt == "csv":
        return write_csv(registry)
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


__all__ = [
    "FORMATS",
    "AsnItem",
    "CertRecord",
    "ContactRecord",
    "ImportSummary",
    "Item",
    "OrganisationRecord",
    "Registry",
    "RegistryFileError",
    "SectorRecord",
    "apply_registry",
    "read_registry",
    "snapshot_registry",
    "validate_registry",
    "write_registry",
]
