"""The one mapping between the batch's dotted field names and the ``Event`` table's columns.

Batches, exports and the API speak IntelMQ harmonization names (``source.ip``); the database
uses underscores (``source_ip``). The sink, the exports and the portal's filters all read this
table, so a field is added in exactly one place (plus a migration). Field meanings:
https://docs.intelmq.org/latest/dev/data-format/ and ``natcert.pipeline.schema``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "ip", "int", "float", "time", "json"]


@dataclass(frozen=True)
class EventField:
    """One event field: its dotted name, its ``Event`` column and its storage kind.

    ``kind`` drives conversion: ``text`` columns store ``""`` for missing values (Django's
    convention), every other kind stores ``NULL``.
    """

    dotted: str
    column: str
    kind: Kind


def _f(dotted: str, kind: Kind = "text") -> EventField:
    return EventField(dotted, dotted.replace(".", "_"), kind)


EVENT_FIELDS: tuple[EventField, ...] = (
    _f("source.ip", "ip"),
    _f("source.network"),
    _f("source.asn", "int"),
    _f("source.as_name"),
    _f("source.fqdn"),
    _f("source.url"),
    _f("source.port", "int"),
    _f("source.reverse_dns"),
    _f("source.geolocation.cc"),
    _f("destination.ip", "ip"),
    _f("destination.network"),
    _f("destination.asn", "int"),
    _f("destination.fqdn"),
    _f("destination.url"),
    _f("destination.port", "int"),
    _f("classification.taxonomy"),
    _f("classification.type"),
    _f("classification.identifier"),
    _f("malware.name"),
    _f("protocol.transport"),
    _f("protocol.application"),
    _f("feed.name"),
    _f("feed.provider"),
    _f("feed.url"),
    _f("feed.accuracy", "float"),
    _f("time.source", "time"),
    _f("time.observation", "time"),
    _f("event_description.text"),
    _f("tlp"),
    _f("extra", "json"),
    _f("raw"),
    _f("constituency.organisation"),
    _f("constituency.sector"),
    _f("constituency.cert"),
)
"""Every stored event field, in export order."""

BY_DOTTED: dict[str, EventField] = {f.dotted: f for f in EVENT_FIELDS}
BY_COLUMN: dict[str, EventField] = {f.column: f for f in EVENT_FIELDS}
DOTTED_NAMES: tuple[str, ...] = tuple(f.dotted for f in EVENT_FIELDS)

HASH_COLUMN = "_hash"
"""Internal batch column set by the dedup expert; stored as ``Event.event_hash``."""


def column_for(dotted: str) -> str:
    """The ``Event`` column of a dotted field name. Raises ``KeyError`` for unknown names."""
    try:
        return BY_DOTTED[dotted].column
    except KeyError:
        raise KeyError(f"{dotted!r} is not a stored event field") from None


def dotted_for(column: str) -> str:
    """The dotted field name of an ``Event`` column. Raises ``KeyError`` for unknown columns."""
    try:
        return BY_COLUMN[column].dotted
    except KeyError:
        raise KeyError(f"{column!r} is not an event column") from None
