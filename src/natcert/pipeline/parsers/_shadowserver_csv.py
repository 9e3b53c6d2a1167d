"""Reading a Shadowserver CSV report into String columns, with ragged rows handled.

Shadowserver's files are known to drop trailing empty columns (whole reports, e.g. the 2017
``microsoft-sinkhole`` and 2022 ``scan_rdp`` samples, have every data row one field short
of the header). So a row with FEWER fields than the header is kept: the missing trailing
fields read as null and the row's :data:`MISSING` column says how many were missing. A row
with MORE fields than the header is rejected ("line 7: 31 fields, header has 29"), as is a
row with broken quoting. Nothing here raises for a row; only a report without a readable
header line raises ``ReportError``.

Well-formed lines are split by polars' native CSV reader (columnar); only lines that reader
cannot place go through ``_common.split_csv``, and only the rows *that* refuses go through
the :mod:`csv` module, one by one, for a second chance.
"""

from __future__ import annotations

import csv

import polars as pl

from natcert.pipeline.parsers._common import RAW, lines_frame, split_csv, take_rejects
from natcert.pipeline.report import LINE, Reject, ReportError

__all__ = ["MISSING", "read_report_csv"]

MISSING = "_missing"
"""Internal column (Int64): how many trailing fields the row lacked (null when none)."""

_SENTINEL = "\x01natcert"
_SENTINEL_FIELD = "," + _SENTINEL


def read_report_csv(text: str) -> tuple[pl.DataFrame, list[Reject], list[str]]:
    """(String columns named by the header + ``_line`` + ``raw`` + ``_missing``, rejects,
    header), rows in line order.

    Lines with balanced quotes and no backslash-escaped quote are split by polars, with a
    sentinel field appended to each line: the column the sentinel lands in is the line's
    field count. Lines it cannot place, and lines with odd quotes or ``\\"``, go through
    ``_common.split_csv``; what that refuses gets a second chance from :func:`_second_chance`.
    Raises ``ReportError`` when the report is empty or its header line is not readable CSV.
    """
    lines = lines_frame(text, comment_prefixes=())
    if lines.height == 0:
        raise ReportError("the report is empty")
    header = _header(lines[RAW][0])
    body = lines.slice(1)
    raw = pl.col(RAW)
    simple = (raw.str.count_matches('"', literal=True) % 2 == 0) & ~raw.str.contains(
        '\\"', literal=True
    )
    fast, flagged, too_many = _split_fast(body.filter(simple), header)
    slow = pl.concat([flagged, body.filter(~simple)]).sort(LINE)
    if slow.height == 0:  # the usual case: polars placed every line
        return fast, too_many, header
    good, refused = split_csv(slow, header)
    good = good.with_columns(pl.lit(None, dtype=pl.Int64).alias(MISSING))
    rescued, rejects = _second_chance(refused, header)
    rows = pl.concat([fast, *(part.select(fast.columns) for part in (good, rescued))])
    return rows.sort(LINE), sorted([*too_many, *rejects], key=lambda r: r.line or 0), header


def _header(line: str) -> list[str]:
    """The column names, made unique (``a``, ``a_2``); ``ReportError`` if not readable."""
    try:
        names = [name.strip() for name in next(csv.reader([line]), [])]
    except csv.Error as error:
        raise ReportError(f"the header line is not readable as CSV: {error}") from None
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return unique


def _empty(header: list[str]) -> pl.DataFrame:
    columns = {**dict.fromkeys(header, pl.String), LINE: pl.Int64, RAW: pl.String}
    return pl.DataFrame(schema={**columns, MISSING: pl.Int64})


def _split_fast(
    lines: pl.DataFrame, header: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame, list[Reject]]:
    """(rows split natively, lines left for the careful splitter, rows with too many fields).

    A row whose sentinel lands right after the last header column fits; earlier, the row is
    short and kept (the sentinel cell is blanked, :data:`MISSING` set); one column later,
    it has one field too many and is rejected. Any other line is left for ``split_csv``.
    """
    width = len(header)
    if lines.height == 0:
        return _empty(header), lines, []
    names = [f"_c{i}" for i in range(width + 2)]
    data = lines.select(pl.concat_str(pl.col(RAW), pl.lit(_SENTINEL_FIELD)))
    try:
        parsed = pl.read_csv(
            data.to_series().str.join("\n").item().encode(),
            has_header=False,
            schema=dict.fromkeys(names, pl.String),
            truncate_ragged_lines=True,
            missing_columns="insert",
            infer_schema=False,
        )
    except pl.exceptions.PolarsError:
        return _empty(header), lines, []
    if parsed.height != lines.height:  # quoting made records span lines: be careful instead
        return _empty(header), lines, []
    fits = (parsed[names[width]] == _SENTINEL).fill_null(False)
    rows = pl.concat([parsed, lines], how="horizontal")
    good = rows.filter(fits).with_columns(pl.lit(None, dtype=pl.Int64).alias(MISSING))
    if good.height == rows.height:  # the usual case: every row as wide as the header
        return _cells(good, names, header), lines.clear(), []
    short, unplaced, too_many = _ragged(rows.filter(~fits), names, width)
    kept = pl.concat([_cells(good, names, header), _cells(short, names, header)])
    return kept.sort(LINE), unplaced.select(lines.columns), too_many


def _ragged(
    rows: pl.DataFrame, names: list[str], width: int
) -> tuple[pl.DataFrame, pl.DataFrame, list[Reject]]:
    """(short rows with the sentinel blanked and ``_missing`` set, rows whose sentinel is
    out of sight, rejects for rows with one field too many), from rows that do not fit."""
    rows = rows.with_columns(
        pl.coalesce(pl.when(pl.col(n) == _SENTINEL).then(i) for i, n in enumerate(names))
        .cast(pl.Int64)
        .alias("_n")
    )
    short = rows.filter(pl.col("_n") < width)
    blanked = short["_n"].unique().to_list()
    short = short.with_columns(
        *(pl.when(pl.col("_n") != i).then(pl.col(names[i])).alias(names[i]) for i in blanked),
        (width - pl.col("_n")).alias(MISSING),
    )
    _, too_many = take_rejects(
        rows.filter(pl.col("_n") == width + 1),
        pl.lit(True),
        pl.format(f"{{}} fields, header has {width}", pl.col("_n")),
    )
    return short, rows.filter(pl.col("_n").is_null()), too_many


def _cells(rows: pl.DataFrame, names: list[str], header: list[str]) -> pl.DataFrame:
    """The first ``len(header)`` columns renamed to the header, with ``_line``, ``raw``,
    ``_missing``."""
    cells = (pl.col(n).alias(h) for n, h in zip(names, header, strict=False))
    return rows.select(*cells, LINE, RAW, MISSING)


def _second_chance(rejects: list[Reject], header: list[str]) -> tuple[pl.DataFrame, list[Reject]]:
    """(rows recovered from ``split_csv``'s rejects, rejects that stay), one row at a time.

    Rows refused for their field count are re-counted: fewer fields than the header are
    kept, more are rejected with the count. Rows refused for their quoting are recovered
    only when they escape a quote inside a quoted field as ``\\"`` (some reports do) and
    read strictly with that escape. A row the :mod:`csv` module cannot read keeps a reason.
    """
    width = len(header)
    kept: list[Reject] = []
    rows: list[list[str | int | None]] = []
    for reject in rejects:
        line, raw = reject.line, reject.raw
        escaped = '\\"' in raw
        if line is None or ("quote" in reject.reason and not escaped):
            kept.append(reject)
            continue
        try:
            reader = csv.reader([raw], strict=True, escapechar="\\" if escaped else None)
            fields = next(reader, [])
        except csv.Error as error:
            kept.append(Reject(line, raw, _unreadable(reject, error)))
            continue
        if len(fields) > width:
            kept.append(Reject(line, raw, f"line {line}: {len(fields)} fields, header has {width}"))
            continue
        missing = width - len(fields)
        rows.append([*(v or None for v in fields), *[None] * missing, line, raw, missing or None])
    schema = _empty(header).schema
    return pl.DataFrame(rows, schema=schema, orient="row"), kept


def _unreadable(reject: Reject, error: csv.Error) -> str:
    """The reason for a row the :mod:`csv` module refused too."""
    if "field limit" in str(error):
        limit = csv.field_size_limit()
        return f"line {reject.line}: a field is longer than {limit} characters, the most allowed"
    if "quote" in reject.reason:
        return reject.reason
    return f"line {reject.line}: not readable as CSV ({error})"
