"""Write batches to files: JSON Lines or CSV, chosen by the file suffix.

Both formats use the dotted field names, leave out internal ``_`` columns, and write times as
ISO 8601 in UTC with microseconds only when present: ``2024-03-13T18:49:10Z`` in CSV,
``2024-03-13T18:49:10+00:00`` in JSON Lines (Polars' native JSON encoding).

* JSON Lines (``.jsonl``, ``.ndjson``): one object per event, in batch order; null fields are
  left out and ``extra`` is written as a nested JSON object (its JSON text spliced in as is),
  not as a string. Member order is not significant: fields holding the same value on every
  row of the batch come first (encoded once per batch), then ``extra``, then the rest in
  column order. Each line is built by Polars' struct JSON encoder plus one regular-expression
  pass that drops null members (see ``_members``); no per-row Python.
* CSV (``.csv``, RFC 4180, UTF-8, header row): every column of the batch. A text cell starting
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (``'``)
  so that spreadsheet programs do not run it as a formula (OWASP "CSV injection"); numbers
  are written as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import polars as pl

from natcert.pipeline.experts.dedup import is_constant
from natcert.pipeline.schema.catalogue import is_internal

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
EXTRA = "extra"
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
    """Text cells that a spreadsheet would read as a formula, prefixed with ``'``.

    One parallel pass finds the columns holding such a cell; only those are rewritten.
    """
    text = [name for name, dtype in batch.schema.items() if dtype == pl.String]
    if not text or not batch.height:
        return batch
    found = batch.select(pl.col(text).str.contains(FORMULA_START).any()).row(0)
    risky = [name for name, hit in zip(text, found, strict=True) if hit]
    return batch.with_columns(pl.col(risky).str.replace(f"^({FORMULA_START[1:]})", "'$1"))


_ANCHOR = ""  # name of the never-null first member that gives every other one a leading comma


def _constant_members(table: pl.DataFrame) -> tuple[list[str], str]:
    """Columns holding one value on every row (feed.name, time.observation, ...), and their
    members encoded once (``"name":value,...``): encoding them per row would cost as much
    as the rest."""
    same = [c for c in table.columns if c != EXTRA and is_constant(table.get_column(c))]
    if not same:
        return [], ""
    encoded = table.head(1).select(pl.struct(same).struct.json_encode()).item()
    return same, encoded[1:-1]


def _members(table: pl.DataFrame, columns: list[str]) -> pl.Expr:
    """``,"name":value`` for each of ``columns`` not null in the row, in order, then ``}``.

    The row is encoded once behind a never-null anchor member ``"":0``, so that every
    member starts with ``,"name":``; a null member is then exactly the text ``,"name":null``
    followed by ``,`` or ``}``. Neither that text nor ``{"":0`` can occur inside an encoded
    string value (a ``"`` there is always escaped as ``\\"``), so one regular-expression
    replace removes the anchor and every null member.
    """
    anchor = pl.lit(0, dtype=pl.Int8).alias(_ANCHOR)
    encoded = pl.struct(anchor, *columns).struct.json_encode()
    nulls = [re.escape(_null_member(c)) for c in columns if table.get_column(c).null_count()]
    pattern = re.escape('{"":0') + "".join(f"|,{member}" for member in nulls)
    return encoded.str.replace_all(pattern, "")


def _null_member(name: str) -> str:
    """``"name":null`` exactly as the struct encoder writes a null field ``name``."""
    encoded = pl.select(pl.struct(pl.lit(None, dtype=pl.Int8).alias(name)).struct.json_encode())
    return str(encoded.item())[1:-1]


def jsonl_lines(batch: pl.DataFrame) -> pl.Series:
    """One JSON object (text) per event in batch order; null fields are left out and
    ``extra`` (JSON object text) is nested as raw JSON (see the module docstring)."""
    table = _public(batch)
    present = [c for c in table.columns if table.get_column(c).null_count() < table.height]
    if not present or not table.height:
        return pl.Series("line", ["{}"] * table.height, dtype=pl.String)
    same, constant = _constant_members(table.select(present))
    varying = [c for c in present if c not in same and c != EXTRA]
    pieces = [pl.lit("{" + constant)]
    if EXTRA in present:
        pieces.append(pl.concat_str([pl.lit(',"extra":'), pl.col(EXTRA)]))  # null: left out
    pieces.append(_members(table, varying) if varying else pl.lit("}"))
    line = pl.concat_str(pieces, ignore_nulls=True)
    if not constant:
        line = line.str.replace("{,", "{", literal=True)  # the first member's comma
    return table.select(line.alias("line")).to_series()


def write_jsonl(batch: pl.DataFrame, out: IO[bytes]) -> None:
    """Append ``batch`` to a binary stream as JSON Lines."""
    if batch.height:
        # JSON text has no raw newline: an unquoted one-column CSV is exactly JSON Lines.
        lines = jsonl_lines(batch).to_frame()
        lines.write_csv(out, include_header=False, quote_style="never")


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
