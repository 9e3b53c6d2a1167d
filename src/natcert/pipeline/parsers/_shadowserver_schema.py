"""Shadowserver report types: the table's shape, and the reader of the published schema.

Shadowserver (https://www.shadowserver.org/what-we-do/network-reporting/) sends about 170
report types as CSV files whose columns change over time. A :class:`ReportType` says how to
find a type (file-name aliases, a header signature), how to classify its events (RSIT
machine names, https://github.com/enisaeu/Reference-Security-Incident-Taxonomy-Task-Force)
and how its columns become harmonization fields. Columns no mapping names go to ``extra``.

The built-in table (``_shadowserver_reports.BUILTIN``) covers the common types and every
header generation natcert has seen (2017 legacy names such as ``cc_port``, 2022 names such
as ``src_ip``), so natcert works offline. :func:`load_report_table` reads Shadowserver's
published IntelMQ schema (``https://interchange.shadowserver.org/intelmq/v1/schema``),
:meth:`ReportTable.overlay` lays it over the built-in table and
:func:`refresh_report_table` downloads it into the data directory.
"""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PUBLISHED_SCHEMA_URL = "https://interchange.shadowserver.org/intelmq/v1/schema"
SCHEMA_FILE = "shadowserver-intelmq.json"

CONVERSIONS = frozenset(
    {"text", "lower", "upper", "time", "ip", "network", "int", "asn", "nonzero", "fqdn"}
    | {"url", "http_url", "cve", "ip_host", "ip_net"}
)
"""Column conversions natcert applies (see ``shadowserver._convert``)."""

# The published schema names IntelMQ helper functions; this is what each becomes here.
_PUBLISHED_CONVERSIONS = {
    "add_UTC_to_timestamp": "time",
    "convert_date": "time",
    "convert_date_utc": "time",
    "validate_ip": "ip",
    "validate_network": "network",
    "convert_int": "int",
    "invalidate_zero": "nonzero",
    "validate_fqdn": "fqdn",
    "convert_http_host_and_url": "http_url",
    "extract_cve_from_tag": "cve",
}
_INT_FIELDS = frozenset({"source.asn", "destination.asn", "source.port", "destination.port"})


@dataclass(frozen=True)
class Mapping:
    """CSV ``column`` → harmonization ``field`` through conversion ``conv``.

    ``field`` may be ``extra.<key>`` (kept in ``extra`` under ``key``) or ``extra.`` (kept in
    ``extra`` under the column name). Several mappings to one field are tried in order.
    """

    column: str
    field: str
    conv: str = "text"


@dataclass(frozen=True)
class ReportType:
    """One Shadowserver report type (``name`` as in its file names, e.g. ``scan_ssh``)."""

    name: str
    title: str
    taxonomy: str
    type: str
    identifier: str
    mappings: tuple[Mapping, ...] = ()
    signature: frozenset[str] | None = None
    aliases: tuple[str, ...] = ()
    constants: tuple[tuple[str, str], ...] = ()
    doc_url: str = ""
    use_common: bool = True

    def mappings_for(self, header: list[str], common: tuple[Mapping, ...]) -> list[Mapping]:
        """The mappings that apply to ``header``: own ones first, then the ``common`` ones
        (columns shared by many types) for columns the type does not map itself."""
        own = [m for m in self.mappings if m.column in header]
        if not self.use_common:
            return own
        mapped = {m.column for m in self.mappings}
        return own + [m for m in common if m.column in header and m.column not in mapped]


@dataclass(frozen=True)
class ReportTable:
    """Report types by name, with lookups by file name and by header."""

    types: dict[str, ReportType] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.types)

    def overlay(self, published: ReportTable) -> ReportTable:
        """This table with ``published`` laid over it.

        For a type natcert knows, natcert keeps its RSIT classification, aliases, header
        signature and its own column mappings; the published mappings take the other
        columns (new columns, and the shared ones natcert would map the common way). An
        IPv6 type natcert does not know takes the classification of its IPv4 sibling.
        """
        merged = dict(self.types)
        for name, new in published.types.items():
            old = merged.get(name)
            if old is None:
                sibling = self.types.get(re.sub(r"^(scan|population)6_", r"\1_", name))
                sibling = sibling or self.types.get(name.replace("event6_", "event4_"))
                if sibling is None:
                    merged[name] = new
                    continue
                old = replace(sibling, name=name, aliases=new.aliases, signature=None)
            columns = {m.column for m in old.mappings}
            taken = tuple(m for m in new.mappings if m.column not in columns)
            merged[name] = replace(
                old, mappings=old.mappings + taken, doc_url=new.doc_url or old.doc_url
            )
        return ReportTable(merged)

    def by_file_name(self, file_name: str) -> ReportType | None:
        """The type a Shadowserver file name names, or None.

        ``2022-01-01-scan_ssh-asn-region.csv`` → ``scan_ssh`` (the date prefix is dropped and
        the longest known name or alias that starts the rest wins); legacy names such as
        ``snmp.csv`` or ``Sinkhole-HTTP-Drone.csv`` through aliases; IPv6 names
        (``scan6_telnet``) fall back to the IPv4 type.
        """
        stem = Path(file_name).name.lower()
        stem = re.sub(r"\.(csv|txt)(\.gz)?$", "", stem)
        stem = re.sub(r"^\d{4}-\d{2}-\d{2}[-_]", "", stem).replace("-", "_")
        names = self._names()
        for candidate in (stem, re.sub(r"^(scan|event|population)6_", r"\g<1>4_", stem)):
            candidate = re.sub(r"^(scan|population)4_", r"\1_", candidate)
            best = max(
                (n for n in names if candidate == n or candidate.startswith(n + "_")),
                key=len,
                default=None,
            )
            if best is not None:
                return self.types[names[best]]
        return None

    def by_header(self, header: list[str]) -> ReportType | None:
        """The type whose signature columns are all in ``header`` (the longest signature
        wins; on a tie the earlier type in the table), or None."""
        present = set(header)
        best: ReportType | None = None
        for kind in self.types.values():
            fits = bool(kind.signature) and (kind.signature or frozenset()) <= present
            if fits and (best is None or len(kind.signature or ()) > len(best.signature or ())):
                best = kind
        return best

    def _names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for kind in self.types.values():
            for alias in (kind.name, *kind.aliases):
                names.setdefault(alias.lower().replace("-", "_"), kind.name)
        return names


# ---------------------------------------------------------------------------- published


def rsit_class(taxonomy: str, kind: str, name: str) -> tuple[str, str]:
    """An IntelMQ-style (taxonomy, type) from the published schema as RSIT machine names.

    IntelMQ files reachable services it does not judge as ``other``/``other``; natcert calls
    a reachable service report ``vulnerable``/``potentially-unwanted-accessible``.
    """
    taxonomy = taxonomy.strip().lower().replace(" ", "-")
    kind = kind.strip().lower().replace(" ", "-")
    if (taxonomy, kind) in {("other", "other"), ("", "")} and name.startswith(
        ("scan", "population")
    ):
        return "vulnerable", "potentially-unwanted-accessible"
    return taxonomy or "other", kind or "other"


def _published_type(key: str, entry: dict[str, Any]) -> ReportType:
    constants = dict(entry.get("constant_fields") or {})
    name = str(entry.get("file_name") or key)
    taxonomy, kind = rsit_class(
        str(constants.pop("classification.taxonomy", "")),
        str(constants.pop("classification.type", "")),
        name,
    )
    identifier = str(constants.pop("classification.identifier", name))
    mappings = []
    for row in [*entry.get("required_fields", []), *entry.get("optional_fields", [])]:
        target, column = str(row[0]), str(row[1])
        function = str(row[2]) if len(row) > 2 and row[2] else ""
        if function.startswith("scan_exchange_"):
            continue  # classification from the tag: natcert's table does this per row
        conv = _PUBLISHED_CONVERSIONS.get(function, "text")
        if target in _INT_FIELDS and conv == "nonzero":
            conv = "asn"
        mappings.append(Mapping(column, target, conv))
    aliases = (key,) if key != name else ()
    return ReportType(
        name=name,
        title=str(entry.get("feed_name") or name),
        taxonomy=taxonomy,
        type=kind,
        identifier=identifier,
        mappings=tuple(mappings),
        aliases=aliases,
        constants=tuple((k, str(v)) for k, v in constants.items()),
        doc_url=str(entry.get("url") or ""),
        use_common=False,
    )


def parse_published(document: Any) -> ReportTable:
    """A :class:`ReportTable` from the decoded published schema (``{type: entry}``).

    Raises ``ValueError`` when ``document`` does not have that shape.
    """
    if not isinstance(document, dict):
        raise ValueError("the Shadowserver schema is not a JSON object")
    types: dict[str, ReportType] = {}
    for key, entry in document.items():
        if key.startswith("_") or not isinstance(entry, dict):
            continue
        try:
            kind = _published_type(key, entry)
        except (IndexError, TypeError, AttributeError) as exc:
            raise ValueError(f"Shadowserver schema entry {key!r} is malformed: {exc}") from None
        types[kind.name] = kind
    if not types:
        raise ValueError("the Shadowserver schema lists no report types")
    return ReportTable(types)


def load_report_table(path: Path | str) -> ReportTable:
    """Read Shadowserver's published IntelMQ schema file (``intelmq.json``) at ``path``.

    Returns the published types only; lay them over the built-in table with
    ``BUILTIN.overlay(...)``. Raises ``OSError`` if unreadable, ``ValueError`` if malformed.
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    return parse_published(document)


def refresh_report_table(
    url: str = PUBLISHED_SCHEMA_URL, dest: Path | str = ".", *, timeout: float = 30.0
) -> Path:
    """Download the published schema from ``url`` into the data directory ``dest``.

    The file is checked (it must parse as a report table) before it replaces
    ``dest/shadowserver-intelmq.json`` atomically; returns that path. Raises ``OSError``
    (including ``urllib.error.URLError``) on network errors and ``ValueError`` when the
    download is not a schema.
    """
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"refusing to fetch {url!r}: only http(s) URLs")
    request = urllib.request.Request(url, headers={"User-Agent": "natcert"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        body = response.read()
    try:
        parse_published(json.loads(body))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{url}: not JSON ({exc})") from None
    directory = Path(dest)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / SCHEMA_FILE
    partial = target.with_suffix(".part")
    partial.write_bytes(body)
    partial.replace(target)
    return target
