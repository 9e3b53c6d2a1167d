"""The event field catalogue, loaded from ``fields.yaml`` beside this module.

Field names follow IntelMQ's harmonization (https://docs.intelmq.org/latest/dev/data-format/);
natcert adds the ``constituency.*`` owner fields. Each field has a *type* that decides its
Polars dtype (see ``TYPES``) and how :mod:`natcert.pipeline.schema.validate` normalizes it.
Columns whose name starts with ``_`` are internal (``_line``, ``_hash``) and never exported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

FIELDS_FILE = Path(__file__).with_name("fields.yaml")
INTERNAL_PREFIX = "_"

UTC_DATETIME = pl.Datetime("us", "UTC")

TYPES: dict[str, pl.DataType] = {
    "IPAddress": pl.String(),
    "IPNetwork": pl.String(),
    "ASN": pl.Int64(),
    "Port": pl.Int64(),
    "FQDN": pl.String(),
    "URL": pl.String(),
    "Integer": pl.Int64(),
    "Float": pl.Float64(),
    "Accuracy": pl.Float64(),
    "Boolean": pl.Boolean(),
    "DateTime": UTC_DATETIME,
    "String": pl.String(),
    "Raw": pl.String(),
    "LowercaseString": pl.String(),
    "UppercaseString": pl.String(),
    "CountryCode": pl.String(),
    "ClassificationTaxonomy": pl.String(),
    "ClassificationType": pl.String(),
    "TLP": pl.String(),
    "JSONDict": pl.String(),
}
"""Every field type and the Polars dtype its column has after validation."""


@dataclass(frozen=True)
class Field:
    """One event field: dotted ``name``, ``type`` (a key of ``TYPES``) and ``description``.

    ``indicator``: the field can identify what an event is about (a row needs one).
    ``lenient``: a bad value is dropped (null) instead of quarantining the row.
    """

    name: str
    type: str
    description: str
    indicator: bool = False
    lenient: bool = False

    @property
    def dtype(self) -> pl.DataType:
        return TYPES[self.type]


def load_fields(path: Path = FIELDS_FILE) -> dict[str, Field]:
    """Read a catalogue file into ``{name: Field}``; raises ``ValueError`` on unknown types
    or duplicate names."""
    fields: dict[str, Field] = {}
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        field = Field(**entry)
        if field.type not in TYPES:
            raise ValueError(f"{path.name}: field {field.name!r} has unknown type {field.type!r}")
        if field.name in fields:
            raise ValueError(f"{path.name}: field {field.name!r} is listed twice")
        fields[field.name] = field
    return fields


FIELDS: dict[str, Field] = load_fields()
"""The catalogue: every known field by name, in catalogue order."""

INDICATORS: tuple[str, ...] = tuple(name for name, f in FIELDS.items() if f.indicator)
"""Fields of which an event needs at least one (source/destination ip, network, asn, ...)."""


def is_known(name: str) -> bool:
    """Whether ``name`` is a catalogue field (internal ``_`` columns are not)."""
    return name in FIELDS


def is_internal(name: str) -> bool:
    """Whether ``name`` is an internal column (``_line``, ``_hash``), never exported."""
    return name.startswith(INTERNAL_PREFIX)


def polars_dtype(name: str) -> pl.DataType:
    """The dtype of field ``name`` in a validated batch. Raises ``KeyError`` if unknown."""
    try:
        return FIELDS[name].dtype
    except KeyError:
        raise KeyError(f"{name!r} is not a field of the event catalogue") from None


def render_markdown(fields: dict[str, Field] | None = None) -> str:
    """The catalogue as a Markdown document: one table per section (``source``, ...)."""
    fields = FIELDS if fields is None else fields
    sections: dict[str, list[Field]] = {}
    for field in fields.values():
        sections.setdefault(field.name.split(".")[0], []).append(field)
    lines = [
        "# Event fields",
        "",
        "Generated from `src/natcert/pipeline/schema/fields.yaml`. Names follow IntelMQ's",
        "harmonization; *indicator* fields identify what an event is about (each event has",
        "at least one); bad values of *lenient* fields are dropped instead of quarantining",
        "the row.",
    ]
    for section, members in sections.items():
        lines += ["", f"## {section}", "", "| field | type | notes | description |"]
        lines.append("|---|---|---|---|")
        for f in members:
            notes = ", ".join(
                n for n, on in (("indicator", f.indicator), ("lenient", f.lenient)) if on
            )
            description = f.description.replace("|", "\\|")
            lines.append(f"| `{f.name}` | {f.type} | {notes} | {description} |")
    return "\n".join(lines) + "\n"
