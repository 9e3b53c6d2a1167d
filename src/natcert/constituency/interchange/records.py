"""The in-memory form of a constituency file, shared by both formats, the demo and export.

Every record keeps the 1-based ``line`` of the file it came from (0 when built in code), so
errors can say ``line 14: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class RegistryFileError(ValueError):
    """A constituency file cannot be imported; ``errors`` lists every problem, by line.

    A ``ValueError``: callers that treat bad input alike may catch that instead.
    """

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def by_line(errors: list[str]) -> list[str]:
    """``errors`` sorted by their ``line N:`` prefix (stable; unnumbered ones first)."""

    def number(error: str) -> int:
        head = error.split(":", 1)[0]
        return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0

    return sorted(errors, key=number)


class Lines:
    """Mixin: ``line_of(field)`` is the line of that field's value, else the record's line."""

    line: int
    lines: dict[str, int]

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)


def at(line: int, message: str) -> str:
    """``'line 14: message'``, or just the message for records built in code (line 0)."""
    return f"line {line}: {message}" if line else message


@dataclass
class Item:
    """A prefix or domain name as written in the file (normalised by validation)."""

    value: str
    line: int = field(default=0, compare=False)


@dataclass
class AsnItem:
    """An AS number (``64500`` or ``AS64500``; an int after validation) and its name."""

    number: str | int
    name: str = ""
    line: int = field(default=0, compare=False)


@dataclass
class ContactRecord(Lines):
    name: str
    email: str
    role: str = "abuse"
    languages: list[str] = field(default_factory=list)
    pgp_key: str = ""
    line: int = field(default=0, compare=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def key(self) -> tuple[str, str, str, str, str]:
        """Identity used to compare with stored contacts (e-mail compared case-insensitively)."""
        return (self.name, self.email.lower(), self.role, ",".join(self.languages), self.pgp_key)


@dataclass
class CertRecord(Lines):
    slug: str
    name: str
    kind: str = "sectoral"
    parent: str = ""
    email: str = ""
    contacts: list[ContactRecord] = field(default_factory=list)
    line: int = field(default=0, compare=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class SectorRecord(Lines):
    slug: str
    name: str
    cert: str
    line: int = field(default=0, compare=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class OrganisationRecord(Lines):
    """An organisation and everything it owns. Importing it replaces its prefixes, AS numbers,
    domains and contacts with the listed ones."""

    slug: str
    name: str
    sector: str
    cert: str = ""
    country: str = ""
    prefixes: list[Item] = field(default_factory=list)
    asns: list[AsnItem] = field(default_factory=list)
    domains: list[Item] = field(default_factory=list)
    contacts: list[ContactRecord] = field(default_factory=list)
    line: int = field(default=0, compare=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class Registry:
    certs: list[CertRecord] = field(default_factory=list)
    sectors: list[SectorRecord] = field(default_factory=list)
    organisations: list[OrganisationRecord] = field(default_factory=list)
