"""Event hashes and in-batch deduplication.

``_hash`` is a stable 128-bit hash (XXH3-128, 32 lower-case hex digits) of an event's
identifying fields: every non-internal column except ``time.observation``, ``feed.url`` and
``raw``. The canonical text hashed is, for the non-null fields in sorted name order,
``name U+001F value U+001E`` one after the other, where a datetime is written as its count of
microseconds since 1970-01-01T00:00:00Z and every other value as Polars casts it to text.
A null field and a missing column therefore hash alike, and the column order of a batch does
not matter. The hash depends only on this text, not on the Polars version.
"""

from __future__ import annotations

import polars as pl
import xxhash

from natcert.pipeline.schema.catalogue import is_internal

HASH = "_hash"
NOT_IDENTIFYING = frozenset({"time.observation", "feed.url", "raw"})
_FIELD_SEP = "\x1f"
_MEMBER_END = "\x1e"


def identifying_columns(batch: pl.DataFrame) -> list[str]:
    """The columns that enter the hash, sorted by name."""
    return sorted(c for c in batch.columns if not is_internal(c) and c not in NOT_IDENTIFYING)


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            column = column.dt.replace_time_zone("UTC")
        return column.dt.epoch("us").cast(pl.String)
    return column.cast(pl.String)


def _parts(batch: pl.DataFrame, name: str) -> list[pl.Expr | str]:
    """The pieces of ``name U+001F value U+001E`` for one column ("" where the value is
    null); plain strings are literal text."""
    column = batch.get_column(name)
    text = _as_text(name, column.dtype)
    if column.null_count() == 0:
        first = batch.head(1).select(text).item() if column.len() else None
        if first is not None and (column == column[0]).all():  # constant (feed.name, tlp)
            return [name + _FIELD_SEP + first + _MEMBER_END]
        return [name + _FIELD_SEP, text, _MEMBER_END]
    return [(pl.lit(name + _FIELD_SEP) + text + pl.lit(_MEMBER_END)).fill_null("")]


def canonical_text(batch: pl.DataFrame) -> pl.Series:
    """The text each row's hash is computed from (see the module docstring)."""
    pieces: list[pl.Expr | str] = []
    for name in identifying_columns(batch):
        for piece in _parts(batch, name):
            if isinstance(piece, str) and pieces and isinstance(pieces[-1], str):
                pieces[-1] += piece  # merge neighbouring literals
            else:
                pieces.append(piece)
    if not pieces:
        return pl.Series("canonical", [""] * batch.height, dtype=pl.String)
    exprs = [pl.lit(p, dtype=pl.String) if isinstance(p, str) else p for p in pieces]
    return batch.select(pl.concat_str(exprs).alias("canonical")).to_series()


def add_hash(batch: pl.DataFrame) -> pl.DataFrame:
    """``batch`` with ``_hash`` (String, 32 hex digits) set for every row."""
    digests = list(map(xxhash.xxh3_128_digest, canonical_text(batch).cast(pl.Binary).to_list()))
    hexes = pl.Series(HASH, digests, dtype=pl.Binary).bin.encode("hex")
    return batch.with_columns(hexes.alias(HASH))


def deduplicate(batch: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """``(batch with _hash and without repeated events, how many rows were dropped)``.

    The first row of each hash is kept; row order is preserved.
    """
    hashed = add_hash(batch)
    if hashed.get_column(HASH).n_unique() == hashed.height:
        return hashed, 0
    unique = hashed.filter(pl.col(HASH).is_first_distinct())
    return unique, hashed.height - unique.height


class DedupExpert:
    """Expert adding ``_hash`` and dropping in-batch duplicates; ``dropped`` says how many
    rows the last ``process`` call removed."""

    name = "dedup"

    def __init__(self) -> None:
        self.dropped = 0

    def process(self, batch: pl.DataFrame) -> pl.DataFrame:
        unique, self.dropped = deduplicate(batch)
        return unique
