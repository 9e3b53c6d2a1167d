"""Write batches to files: JSON Lines or CSV, chosen by the file suffix.

Both formats use the dotted field names, leave out internal ``_`` columns, and write times as
ISO 8601 in UTC with microseconds only when present: ``2024-03-13T18:49:10Z`` in CSV,
``2024-03-13T18:49:10+00:00`` in JSON Lines (Polars' native JSON encoding).

* JSON Lines (``.jsonl``, ``.ndjson``): one object per event; null fields are left out and
  ``extra`` is written as a nested JSON object, not as a string. Events with the same set of
  present fields are written together (order of first appearance), so the file's row order
  can differ from the batch's.
* CSV (``.csv``, RFC 4180, UTF-8, header row): every column of the batch. A text cell starting
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (``'``)
  so that spreadsheet programs do not run it as a formula (OWASP "CSV injection"); numbers
  are written as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO

import polars as pl

from natcert.pipeline.schema.catalogue import is_internal

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
FORMULA_START = r"^[=+\-@\t\r]"
_ISO = "%Y-%m-%dT%H:%M:%S%.fZ"  # CSV; JSON Lines uses +00:00


def file_format(path: Path) -> str:
    """``"jsonl"`` or ``"csv"`` for ``path``'s suffix; raises ``ValueError`` otherwise."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise ValueError(f"{path.name}: write .jsonl, .ndjson or .csv (not {suffix or 'no suffix'!r})")


def _public(batch: pl.DataFrame) -> pl.DataFrame:
    """Public columns only, datetimes in UTC."""
    columns = []
    for name, dtype in batch.schema.items():
        if is_internal(name):
            continue
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            column = (
                column.dt.replace_time_zone("UTC")
                if dtype.time_zone is None
                else column.dt.convert_time_zone("UTC")
            )
        columns.append(column.alias(name))
    return batch.select(columns)


def formula_safe(batch: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would read as a formula, prefixed with ``'``."""
    risky = [
        name
        for name, dtype in batch.schema.items()
        if dtype == pl.String and batch.get_column(name).str.contains(FORMULA_START).any()
    ]
    return batch.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START))
        .then("'" + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in risky
    )


def _encode(columns: list[str], constant: str) -> pl.Expr:
    """JSON object of ``columns`` (none null in these rows) followed by the pre-encoded
    ``constant`` members (``"name":value,...``); ``extra`` is nested as an object."""
    plain = [c for c in columns if c != "extra"]
    tail = [constant] if constant else []
    if "extra" in columns:
        tail.append('"extra":')
    head: list[pl.Expr] = [pl.lit("{")]
    if plain:
        body = pl.struct(plain).struct.json_encode()
        if not tail:
            return body
        head = [body.str.strip_suffix("}"), pl.lit(",")]
    pieces = [*head, pl.lit(",".join(tail))]
    if "extra" in columns:
        pieces.append(pl.col("extra"))
    return pl.concat_str([*pieces, pl.lit("}")])


def _constant_members(table: pl.DataFrame, names: list[str]) -> tuple[list[str], str]:
    """Columns holding one value in every row (feed.name, time.observation, ...), and their
    members encoded once: encoding them per row would cost as much as the rest."""
    same = [c for c in names if c != "extra" and (table.get_column(c) == table[0, c]).all()]
    if not same:
        return [], ""
    encoded = table.head(1).select(pl.struct(same).struct.json_encode()).item()
    return same, encoded[1:-1]


def _jsonl_groups(batch: pl.DataFrame) -> list[pl.Series]:
    """JSON objects (text), one per event, null fields left out, as a list of groups.

    Rows are grouped by which fields are null so that each group is encoded with exactly its
    present fields (no per-row Python, no text surgery); groups come in order of first
    appearance, rows keep their order within a group.
    """
    table = _public(batch)
    if not table.width or not table.height:
        return [pl.Series("line", ["{}"] * table.height, dtype=pl.String)]
    counts = table.null_count().row(0)
    always = [c for c, n in zip(table.columns, counts, strict=True) if n == 0]
    sometimes = [c for c, n in zip(table.columns, counts, strict=True) if 0 < n < table.height]
    same, constant = _constant_members(table, always)
    always = [c for c in always if c not in same]
    if not sometimes:
        return [table.select(_encode(always, constant).alias("line")).to_series()]
    pattern = pl.sum_horizontal(
        pl.col(c).is_null().cast(pl.Int64) * (1 << i) for i, c in enumerate(sometimes)
    )
    groups = []
    for (key,), group in table.group_by(pattern.alias("_nulls"), maintain_order=True):
        present = {c for i, c in enumerate(sometimes) if not int(str(key)) >> i & 1}
        columns = [c for c in table.columns if c in always or c in present]
        groups.append(group.select(_encode(columns, constant).alias("line")).to_series())
    return groups


def jsonl_lines(batch: pl.DataFrame) -> pl.Series:
    """One JSON object (text) per event, null fields left out (see ``_jsonl_groups`` for the
    order)."""
    groups = _jsonl_groups(batch)
    return pl.concat(groups) if len(groups) > 1 else groups[0]


def write_jsonl(batch: pl.DataFrame, out: IO[bytes]) -> None:
    """Append ``batch`` to a binary stream as JSON Lines."""
    for lines in _jsonl_groups(batch):
        if lines.len():
            # JSON text has no raw newline: an unquoted one-column CSV is exactly JSON Lines.
            lines.to_frame().write_csv(out, include_header=False, quote_style="never")


def write_csv(batch: pl.DataFrame, out: IO[bytes], *, header: bool = True) -> None:
    """Append ``batch`` to a binary stream as CSV (formula-safe, see the module docstring)."""
    table = formula_safe(_public(batch))
    if not table.width:
        return
    table.write_csv(out, include_header=header, datetime_format=_ISO, quote_style="necessary")


def write_file(batch: pl.DataFrame, path: Path) -> int:
    """Write ``batch`` to ``path`` (replacing it), format by suffix; returns rows written.

    Raises ``ValueError`` for an unknown suffix and ``OSError`` if the file cannot be written.
    """
    kind = file_format(path)
    with path.open("wb") as out:
        if kind == "jsonl":
            write_jsonl(batch, out)
        else:
            write_csv(batch, out)
    return batch.height


def write_files(batches: Iterable[pl.DataFrame], path: Path) -> int:
    """Write several batches to one file (CSV header once); returns rows written.

    All batches must have the same columns when writing CSV.
    """
    kind = file_format(path)
    rows = 0
    with path.open("wb") as out:
        for batch in batches:
            if kind == "jsonl":
                write_jsonl(batch, out)
            else:
                write_csv(batch, out, header=rows == 0)
            rows += batch.height
    return rows
