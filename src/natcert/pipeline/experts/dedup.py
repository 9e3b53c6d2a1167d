"""Event hashes and in-batch deduplication.

``_hash`` is a stable 128-bit hash of an event's identifying fields (every non-internal column
except ``time.observation``, ``feed.url`` and ``raw``), written as 32 lower-case hex digits::

    _hash = hex32( XOR over the non-null identifying fields f of
                   XXH3-128(text(value of f), seed = XXH3-64(name of f, seed 0)) )

* ``text``: the value as UTF-8 text: a datetime is its count of microseconds since
  1970-01-01T00:00:00Z (a naive one is read as UTC), an integer its decimal digits, a string
  itself, any other value as Polars casts it to text.
* XXH3 is xxHash's XXH3 (https://xxhash.com/, spec ``doc/xxhash_spec.md``); the 128-bit
  results are read as unsigned integers and ``hex32`` writes their XOR big-endian (XXH3's
  canonical digest order, as ``xxhash.xxh3_128_hexdigest`` prints it). No field gives
  ``"0" * 32``.

Each field is hashed on its own, seeded by its name, so the hash needs no per-row text
building: a null field and a missing column hash alike, the column order of a batch does not
matter, and a column holding one value on every row (``feed.name``, ``tlp``) is hashed once
and mixed in as a constant. The hash depends only on the definition above, not on the Polars
or polars-hash version (``tests/pipeline/test_dedup.py`` recomputes it with the ``xxhash``
package).
"""

from __future__ import annotations

import functools

import polars as pl
import xxhash
from polars_hash import BytesNameSpace, NonCryptographicHashingNameSpace

from natcert.pipeline.schema.catalogue import is_internal

HASH = "_hash"
NOT_IDENTIFYING = frozenset({"time.observation", "feed.url", "raw"})
_DIGEST = "_digest"
_LOW64 = 2**64


def identifying_columns(batch: pl.DataFrame) -> list[str]:
    """The columns that enter the hash, sorted by name."""
    return sorted(c for c in batch.columns if not is_internal(c) and c not in NOT_IDENTIFYING)


@functools.cache
def field_seed(name: str) -> int:
    """The XXH3-128 seed of field ``name``: XXH3-64 of its UTF-8 name (seed 0)."""
    return xxhash.xxh3_64_intdigest(name.encode())


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            column = column.dt.replace_time_zone("UTC")
        return column.dt.epoch("us").cast(pl.String)
    return column if dtype == pl.String else column.cast(pl.String)


def _field_digest(name: str, dtype: pl.DataType) -> pl.Expr:
    """UInt128 XXH3-128 of the field's text, seeded by its name; null where it is null."""
    text = NonCryptographicHashingNameSpace(_as_text(name, dtype))
    return text.xxh3_128(seed=field_seed(name))


def is_constant(column: pl.Series) -> bool:
    """Whether ``column`` holds one non-null value on every row (and has rows)."""
    if not column.len() or column.null_count() or column[0] != column[-1]:
        return False  # the first/last test rejects most varying columns without a scan
    return bool((column == column[0]).all())


def digests(batch: pl.DataFrame) -> pl.Expr:
    """Expression for the UInt128 event digest of every row of ``batch`` (see the module
    docstring); constant columns are hashed once and mixed in as a literal."""
    constant, varying = 0, []
    for name in identifying_columns(batch):
        column, dtype = batch.get_column(name), batch.schema[name]
        if column.null_count() == column.len():
            continue
        if is_constant(column):
            first = batch.head(1).select(_field_digest(name, dtype)).item()
            constant ^= int(first)
        else:
            varying.append(_field_digest(name, dtype).fill_null(0))
    combined = pl.lit(constant, dtype=pl.UInt128)
    for digest in varying:
        combined = combined ^ digest
    return combined


def hex32(digest: pl.Expr) -> pl.Expr:
    """A UInt128 expression as 32 lower-case hex digits, most significant first."""
    halves = [(digest // _LOW64).cast(pl.UInt64), (digest % _LOW64).cast(pl.UInt64)]
    return pl.concat_str([BytesNameSpace(half).to_be().bin.encode("hex") for half in halves])


def add_hash(batch: pl.DataFrame) -> pl.DataFrame:
    """``batch`` with ``_hash`` (String, 32 hex digits) set for every row."""
    return batch.with_columns(hex32(digests(batch)).alias(HASH))


def _mask(rows: pl.Series, height: int) -> pl.Series:
    """Boolean mask of ``height`` rows, ``True`` at the indices ``rows``."""
    return pl.repeat(False, height, dtype=pl.Boolean, eager=True).scatter(rows, True)


def deduplicate(batch: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """``(batch with _hash and without repeated events, how many rows were dropped)``.

    The first row of each hash is kept; row order is preserved.
    """
    keyed = batch.with_columns(digests(batch).alias(_DIGEST))
    digest = keyed.get_column(_DIGEST)
    firsts = digest.arg_unique()  # index of each digest's first row (faster than is_first_distinct)
    dropped = batch.height - firsts.len()
    if dropped:
        keyed = keyed.filter(_mask(firsts, batch.height))
    return keyed.with_columns(hex32(pl.col(_DIGEST)).alias(HASH)).drop(_DIGEST), dropped


class DedupExpert:
    """Expert adding ``_hash`` and dropping in-batch duplicates; ``dropped`` says how many
    rows the last ``process`` call removed."""

    name = "dedup"

    def __init__(self) -> None:
        self.dropped = 0

    def process(self, batch: pl.DataFrame) -> pl.DataFrame:
        unique, self.dropped = deduplicate(batch)
        return unique
