"""A fast path for :func:`natcert.pipeline.parsers._common.read_csv`: polars' CSV reader.

The exact reader in ``_common`` splits lines with polars expressions; on big reports most of
its time goes into counting and splitting. Here polars' native reader (Rust, multi-threaded)
splits the report twice without any quoting: once on NUL (one field per line, giving ``raw``)
and once on the field separator (plain files) or on ``"`` (files whose fields are all quoted,
like abuse.ch dumps). The two reads see the same lines, so rows line up by position.

A row is taken from the fast read only when it is *provably* what RFC 4180
(https://www.rfc-editor.org/rfc/rfc4180) gives for the line: its pieces have the expected
shape and their lengths add up to the line's length, so nothing was dropped, truncated or
padded. Every other row (comments, blanks, ragged rows, escaped quotes, ...) goes through the
exact reader, so results are identical; only the work moves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import polars as pl

from natcert.pipeline.report import LINE, Reject

RAW = "raw"
Split = Callable[[pl.DataFrame, Sequence[str]], tuple[pl.DataFrame, list[Reject]]]
"""The exact reader for leftover rows: (``_line`` + ``raw`` frame, columns) → (rows, rejects)."""

MIN_FAST_LINES = 1000
"""Reports with fewer lines skip the fast path: the exact reader is as quick on them."""


def comment_pattern(comment_prefixes: Sequence[str]) -> str:
    """The regular expression of a line to skip: blank, or a comment after blanks."""
    skipped = "|".join(["$", *(re.escape(p) for p in comment_prefixes if p)])
    return rf"^\s*(?:{skipped})"


def read_lines(data: bytes) -> pl.Series:
    """Every ``\\n``-separated line of ``data`` (NUL-free, non-blank UTF-8) as a String Series.

    polars drops a ``\\r`` before ``\\n`` and keeps a last line without ``\\n``.
    """
    frame = pl.read_csv(
        data,
        has_header=False,
        separator="\x00",
        quote_char=None,
        schema={RAW: pl.String},
        empty_string_is_null=False,
    )
    return frame.to_series().fill_null("")


def _pieces(data: bytes, separator: str, width: int) -> pl.DataFrame:
    """Each line of ``data`` cut at every ``separator`` byte, into ``width`` String columns.

    Missing pieces are empty strings and pieces past ``width`` are dropped; a first line of
    exactly ``width`` pieces is prepended (and removed) because polars sizes rows by it.
    """
    names = [f"p{i}" for i in range(width)]
    first = separator.encode() * (width - 1) + b"\n"
    frame = pl.read_csv(
        first + data,
        has_header=False,
        separator=separator,
        quote_char=None,
        schema=dict.fromkeys(names, pl.String),
        empty_string_is_null=False,
        truncate_ragged_lines=True,
        missing_columns="insert",
    )
    return frame.slice(1).fill_null("")


def _fields_fast(
    data: bytes, lines: pl.Series, columns: Sequence[str], separator: str, quoted: bool
) -> pl.DataFrame | None:
    """``columns`` + ``raw`` + ``_exact`` (the fast read is right) per line, None if misaligned."""
    n = len(columns)
    width = 2 * n + 1 if quoted else n
    pieces = _pieces(data, '"' if quoted else separator, width)
    if pieces.height != lines.len():
        return None
    names = pieces.columns
    values = names[1::2] if quoted else names
    glue = 3 * n - 1 if quoted else n - 1  # quotes and separators between the values
    total = pl.sum_horizontal(pl.col(v).str.len_bytes() for v in values) + glue
    exact = pl.col(RAW).str.len_bytes() == total
    if quoted:
        between = [pl.col(p) == separator for p in names[2:-1:2]]
        exact = pl.all_horizontal(pl.col(names[0]) == "", pl.col(names[-1]) == "", *between, exact)
    else:
        exact = exact & ~pl.col(RAW).str.contains('"', literal=True)
    return pieces.with_columns(lines.alias(RAW)).select(
        *(pl.col(v).alias(c) for v, c in zip(values, columns, strict=True)),
        pl.col(RAW),
        exact.fill_null(False).alias("_exact"),
    )


def _take(frame: pl.DataFrame, mask: pl.Series) -> pl.DataFrame:
    """Rows of ``frame`` where ``mask``; a zero-copy slice when they are contiguous."""
    count = int(mask.sum())
    if count == 0:
        return frame.clear()
    start = int(mask.arg_max() or 0)
    if count == frame.height or mask.slice(start, count).all():
        return frame.slice(start, count)
    return frame.filter(mask)


def read_csv_fast(
    data: bytes,
    lines: pl.Series,
    columns: Sequence[str],
    *,
    separator: str,
    comment_prefixes: Sequence[str],
    first_line: int,
    exact_split: Split,
) -> tuple[pl.DataFrame, list[Reject]] | None:
    """``read_csv`` of the lines numbered ≥ ``first_line``; None when the fast path does not apply.

    ``data`` is the report as UTF-8 without NUL, ``lines`` its lines as the exact reader
    numbers them (``\\r``-stripped). Rows the fast read cannot vouch for (and that are not
    blank or comments) are handed to ``exact_split``.
    """
    n = len(columns)
    if n < 2 or len(separator.encode()) != 1 or separator == '"':
        return None
    skip = comment_pattern(comment_prefixes)
    body = lines.slice(first_line - 1).head(MIN_FAST_LINES)
    sample = body.filter(~body.str.contains(skip)).head(1)
    quoted = sample.len() > 0 and bool(sample.str.starts_with('"').all())
    frame = _fields_fast(data, lines, columns, separator, quoted)
    if frame is None:
        return None
    frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(LINE))
    frame = frame.slice(first_line - 1)
    mask = frame["_exact"]
    # A quoted row starts with '"': only a comment prefix starting with '"' could match it.
    if not quoted or any(p.startswith('"') for p in comment_prefixes):
        mask = mask & ~frame[RAW].str.contains(skip)
    good = _take(frame, mask).select(*columns, LINE, RAW)
    rest = _take(frame.select(LINE, RAW), ~mask)
    rest = rest.filter(~pl.col(RAW).str.contains(skip))
    if rest.height == 0:
        return good, []
    other, rejects = exact_split(rest, columns)
    return pl.concat([good, other]).sort(LINE), rejects


def report_lines(data: bytes) -> pl.Series | None:
    """The lines of report ``data`` (UTF-8, BOM already removed) as the exact reader numbers
    them; None when only the exact reader can tell (NUL bytes, invalid UTF-8, no data)."""
    if not data or b"\x00" in data:
        return None
    try:
        lines = read_lines(data)
    except pl.exceptions.ComputeError:  # invalid UTF-8: the exact reader decodes with U+FFFD
        return None
    return lines.str.strip_suffix("\r") if b"\r" in data else lines


def _quote_count(data: bytes) -> int:
    return data.count(b'"')


def read_quoted_csv(
    data: bytes, columns: Sequence[str], *, exact_split: Split
) -> tuple[pl.DataFrame, list[Reject]] | None:
    """``read_csv`` of a report whose rows quote every field (``"a","b",...``), like abuse.ch
    dumps, with ``#`` comments; None when the fast path does not apply.

    Each line is cut at ``","``: a line is taken as is when it starts and ends with ``"``,
    has ``len(columns)`` pieces and no other ``"`` (checked for the whole report at once by
    counting its quote bytes, row by row only when that count disagrees). Such a line is
    exactly what RFC 4180 reads. Other lines (comments, blanks, escaped quotes, ragged
    rows, ...) go to ``exact_split``; rows come back in line order.
    """
    lines = report_lines(data)
    n = len(columns)
    if lines is None or n < 2:
        return None
    names = [f"_p{i}" for i in range(n)]
    first, last = pl.col(names[0]), pl.col(names[-1])
    frame = (
        lines.to_frame(RAW)
        .lazy()
        .with_row_index(LINE, offset=1)
        .with_columns(pl.col(LINE).cast(pl.Int64), pl.col(RAW).str.splitn('","', n).alias("_s"))
        .with_columns(pl.col("_s").struct.rename_fields(names))
        .unnest("_s")
        .with_columns(
            (first.str.starts_with('"') & last.str.ends_with('"')).fill_null(False).alias("_ok"),
            first.str.slice(1),
            last.str.head(-1),
        )
        .rename(dict(zip(names, columns, strict=True)))
        .collect()
    )
    ok = frame["_ok"]
    rest = _take(frame.select(LINE, RAW), ~ok)
    # An accepted line holds 2 * n quotes plus those inside its fields.
    quotes = 2 * n * int(ok.sum()) + int(rest[RAW].str.count_matches('"', literal=True).sum())
    if quotes != _quote_count(data):
        inner = pl.any_horizontal(pl.col(c).str.contains('"', literal=True) for c in columns)
        ok = frame.select(pl.col("_ok") & ~inner.fill_null(True)).to_series()
        rest = _take(frame.select(LINE, RAW), ~ok)
    good = _take(frame, ok).select(*columns, LINE, RAW)
    rest = rest.filter(~pl.col(RAW).str.contains(comment_pattern(["#"])))
    if rest.height == 0:
        return good, []
    other, rejects = exact_split(rest, columns)
    return pl.concat([good, other]).sort(LINE), rejects
