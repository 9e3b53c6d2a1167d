"""Vectorized building blocks shared by the feed parsers.

Every reader returns a :class:`polars.DataFrame` carrying ``_line`` (Int64, 1-based line or
record number in the report) and ``raw`` (the original line or record text), plus a list of
:class:`~natcert.pipeline.report.Reject` for rows that could not be read. Validation helpers
are polars expressions, so a parser checks a whole report at once; rows failing a check are
moved to the rejects with :func:`take_rejects`. The address checks live in
:mod:`natcert.pipeline.parsers._addresses` and are re-exported here.

CSV follows RFC 4180 quoting (https://www.rfc-editor.org/rfc/rfc4180) one record per line;
IP addresses follow RFC 791 dotted quads (no leading zeros) and RFC 4291/5952 for IPv6.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import polars as pl

from natcert.pipeline.parsers._addresses import (
    FQDN_PATTERN,
    IPV4_PATTERN,
    add_url_host,
    finish_url_host,
    is_fqdn,
    is_ipv4,
    is_url,
    normalize_ip,
    normalize_network,
    url_host_stages,
)
from natcert.pipeline.parsers._csv_fast import (
    MIN_FAST_LINES,
    comment_pattern,
    read_csv_fast,
    read_lines,
    read_quoted_csv,
)
from natcert.pipeline.report import LINE, ParsedBatch, Reject, ReportError

RAW = "raw"
UTC_DATETIME = pl.Datetime("us", "UTC")

_FIELD_LIMIT = 200  # characters of a field quoted in a reject reason


# ---------------------------------------------------------------------------- lines


def lines_frame(text: str, comment_prefixes: Sequence[str] = ("#",)) -> pl.DataFrame:
    """The non-blank, non-comment lines of ``text``: columns ``_line`` (Int64) and ``raw``.

    Lines are split on ``\\n`` (a trailing ``\\r`` is dropped) and numbered from 1 in the
    whole text, so blank and comment lines still count. A line is blank when it has only
    Unicode White_Space, a comment when it starts with one of ``comment_prefixes`` after
    leading white space.
    """
    lines = _split_lines(text)
    frame = pl.DataFrame(lines).with_row_index(LINE, offset=1)
    frame = frame.with_columns(pl.col(LINE).cast(pl.Int64))
    skipped = comment_pattern(comment_prefixes)
    return frame.filter(~pl.col(RAW).str.contains(skipped)).select(LINE, RAW)


def _encoded(text: str) -> tuple[str, bytes]:
    """(``text``, its UTF-8 bytes); lone surrogates (only possible in a ``str`` not decoded
    from bytes) become ``?`` in both."""
    try:
        return text, text.encode()
    except UnicodeEncodeError:
        data = text.encode(errors="replace")
        return data.decode(), data


def _split_lines(text: str, data: bytes | None = None) -> pl.Series:
    """``text.split("\\n")`` (each without a trailing ``\\r``) as a String Series named ``raw``.

    Uses polars' multi-threaded reader when safe; ``data`` is ``text`` encoded, if known.
    """
    if data is None:
        text, data = _encoded(text)
    if "\x00" in text or not text or text.isspace():
        lines = pl.Series(RAW, text.split("\n"), dtype=pl.String)
    else:
        # NUL never occurs in the text, so each line is exactly one field; no quoting applies.
        lines = read_lines(data)
    return lines.str.strip_suffix("\r") if "\r" in text else lines


def take_rejects(
    frame: pl.DataFrame, bad: pl.Expr, reason: pl.Expr
) -> tuple[pl.DataFrame, list[Reject]]:
    """Split ``frame`` into (rows where ``bad`` is false, rejects for the others).

    ``bad`` is a boolean expression (null counts as bad); ``reason`` a String expression
    evaluated on the bad rows only, e.g. ``pl.format("'{}' is not an IP address", ...)``.
    The reason is prefixed with ``line N: ``.
    """
    mask = bad.fill_null(True)
    flagged = frame.with_columns(_bad=mask)
    bad_rows = flagged.filter(pl.col("_bad"))
    if bad_rows.height == 0:
        return frame, []
    reasons = bad_rows.select(LINE, RAW, reason.alias("_reason"))
    rejects = [
        Reject(line=line, raw=raw or "", reason=f"line {line}: {why}")
        for line, raw, why in reasons.iter_rows()
    ]
    return flagged.filter(~pl.col("_bad")).drop("_bad"), rejects


def check_rows(
    frame: pl.DataFrame, checks: Sequence[tuple[pl.Expr, pl.Expr]]
) -> tuple[pl.DataFrame, list[Reject]]:
    """Reject rows failing any ``(bad, reason)`` check; a row's reason is its first failure.

    Each ``bad`` is a boolean expression (null counts as bad), each reason a String expression.
    """
    if not checks:
        return frame, []
    flags = [bad.fill_null(True) for bad, _ in checks]
    reason: Any = pl.when(flags[0]).then(checks[0][1])
    for flag, (_, why) in zip(flags[1:], checks[1:], strict=True):
        reason = reason.when(flag).then(why)
    return take_rejects(frame, pl.any_horizontal(flags), reason.otherwise(pl.lit("invalid row")))


def parsed(events: pl.DataFrame, *reject_lists: Sequence[Reject]) -> ParsedBatch:
    """A :class:`ParsedBatch` of ``events`` and all rejects, ordered by line."""
    rejects = [r for group in reject_lists for r in group]
    rejects.sort(key=lambda r: (r.line is None, r.line or 0))
    return ParsedBatch(events, rejects)


def shown(expr: pl.Expr) -> pl.Expr:
    """``expr`` as text for a reject reason: truncated, and ``<empty>`` when null/blank."""
    text = expr.cast(pl.String).str.slice(0, _FIELD_LIMIT)
    return pl.when(text.is_null() | (text == "")).then(pl.lit("<empty>")).otherwise(text)


# ---------------------------------------------------------------------------- CSV


def _split_quoted(frame: pl.DataFrame, sep: str) -> pl.DataFrame:
    """Adds ``_f`` (list of fields; null for broken quoting) using a regular expression.

    The line gets a leading separator so that every field match is non-empty and starts
    with one separator (empty regex matches would make the scanner skip characters).
    """
    esc = re.escape(sep)
    pattern = f'{esc}("(?:[^"]|"")*"|[^{esc}"]*)'
    line = pl.concat_str(pl.lit(sep), pl.col(RAW))
    matches = line.str.extract_all(pattern)
    covered = matches.list.eval(pl.element().str.len_bytes()).list.sum()
    field = pl.element().str.slice(1)
    quoted = field.str.starts_with('"') & field.str.ends_with('"') & (field.str.len_bytes() > 1)
    unquoted = field.str.slice(1).str.head(-1).str.replace_all('""', '"', literal=True)
    cells = matches.list.eval(pl.when(quoted).then(unquoted).otherwise(field))
    # A line whose characters are not all covered by fields has broken quoting.
    broken = covered != line.str.len_bytes()
    return frame.with_columns(_f=pl.when(broken).then(None).otherwise(cells))


def _fields(part: pl.DataFrame, kind: int, sep: str, columns: Sequence[str]) -> pl.DataFrame:
    """``columns`` of the rows of one kind (0 no quotes, 1 all quoted, 2 other), all of
    which have exactly ``len(columns)`` fields."""
    n = len(columns)
    if kind == 2:
        split = _split_quoted(part, sep)
        cells = [pl.col("_f").list.get(i, null_on_oob=True).alias(c) for i, c in enumerate(columns)]
        return split.select(*cells, LINE, RAW)
    text = pl.col(RAW) if kind == 0 else pl.col(RAW).str.slice(1).str.head(-1)
    by = sep if kind == 0 else f'"{sep}"'
    struct = text.str.splitn(by, n).struct.rename_fields(list(columns)).alias("_s")
    return part.select(struct, LINE, RAW).unnest("_s")


def split_csv(
    lines: pl.DataFrame, columns: Sequence[str], *, separator: str = ","
) -> tuple[pl.DataFrame, list[Reject]]:
    """Split each ``raw`` line of ``lines`` into the String ``columns`` (RFC 4180 quoting).

    Returns (frame with ``columns`` + ``_line`` + ``raw`` in line order, rejects). Rows with
    too few or too many fields, or with broken quoting, are rejected with a reason. Fields
    never span lines. Lines without quotes and lines whose fields are all quoted are counted
    and split with literal searches; only mixed lines go through a regular expression.
    """
    if len(separator) != 1 or separator == '"':
        raise ValueError("separator must be one character other than '\"'")
    raw = pl.col(RAW)
    frame = lines.with_columns(
        _q=raw.str.count_matches('"', literal=True),
        _i=raw.str.count_matches(f'"{separator}"', literal=True),
    )
    plain = pl.col("_q") == 0
    all_quoted = (
        raw.str.starts_with('"') & raw.str.ends_with('"') & (pl.col("_q") == 2 * (pl.col("_i") + 1))
    )
    frame = frame.with_columns(_kind=pl.when(plain).then(0).when(all_quoted).then(1).otherwise(2))
    # Each count is a pass over the text: count separators only when some line has no quote.
    n_plain = (
        raw.str.count_matches(separator, literal=True) + 1 if frame["_q"].eq(0).any() else None
    )
    frame = frame.with_columns(
        _n=pl.when(pl.col("_kind") == 0)
        .then(n_plain)
        .when(pl.col("_kind") == 1)
        .then(pl.col("_i") + 1)
    ).drop("_q", "_i")
    if frame["_kind"].eq(2).any():
        tricky = _split_quoted(frame.filter(pl.col("_kind") == 2), separator)
        counted = tricky.select(LINE, _m=pl.col("_f").list.len())
        frame = frame.join(counted, on=LINE, how="left", maintain_order="left")
        frame = frame.with_columns(_n=pl.coalesce("_n", "_m")).drop("_m")
    want = len(columns)
    count = pl.col("_n")
    reason = (
        pl.when(count.is_null())
        .then(pl.lit("unbalanced or misplaced double quote"))
        .when(count < want)
        .then(pl.format(f"too few fields: expected {want}, found {{}}", count))
        .otherwise(pl.format(f"too many fields: expected {want}, found {{}}", count))
    )
    good, rejects = take_rejects(frame, count != want, reason)
    kinds = good["_kind"].unique().sort().to_list()
    parts = [_fields(good.filter(pl.col("_kind") == k), k, separator, columns) for k in kinds]
    if len(parts) == 1:
        return parts[0], rejects
    if not parts:
        return _fields(good, 0, separator, columns), rejects
    return pl.concat(parts).sort(LINE), rejects


def read_csv(
    text: str,
    columns: Sequence[str] | None = None,
    *,
    separator: str = ",",
    comment_prefixes: Sequence[str] = ("#",),
) -> tuple[pl.DataFrame, list[Reject]]:
    """Read CSV ``text`` into String columns + ``_line`` + ``raw``; ragged rows are rejects.

    With ``columns=None`` the first data line is the header (names stripped of blanks;
    duplicates get ``_2``, ``_3`` suffixes). Raises ``ReportError`` when a header is needed
    and the text has no data line. Big reports go through polars' native reader first
    (:mod:`._csv_fast`); rows it cannot vouch for are read like small reports.
    """
    fast = _read_csv_fast(text, columns, separator, comment_prefixes)
    if fast is not None:
        return fast
    lines = lines_frame(text, comment_prefixes)
    if columns is None:
        if lines.height == 0:
            raise ReportError("no header line: the report has no data")
        names = _split_quoted(lines.head(1), separator)["_f"][0]
        if names is None:
            raise ReportError(f"line {lines[LINE][0]}: the header line has broken quoting")
        columns = _unique_names([str(name).strip() for name in names])
        lines = lines.slice(1)
    return split_csv(lines, columns, separator=separator)


def _read_csv_fast(
    text: str, columns: Sequence[str] | None, separator: str, comment_prefixes: Sequence[str]
) -> tuple[pl.DataFrame, list[Reject]] | None:
    """:func:`read_csv` through :func:`read_csv_fast`; None when that does not apply."""
    head_end = -1
    for _ in range(MIN_FAST_LINES):
        head_end = text.find("\n", head_end + 1)
        if head_end < 0:
            return None
    text, data = _encoded(text)
    if "\x00" in text:
        return None
    first_line = 1
    if columns is None:
        head = lines_frame(text[: head_end + 1], comment_prefixes)
        names = _split_quoted(head.head(1), separator)["_f"][0] if head.height else None
        if names is None:
            return None
        columns = _unique_names([str(name).strip() for name in names])
        first_line = int(head[LINE][0]) + 1
    return read_csv_fast(
        data,
        _split_lines(text, data),
        columns,
        separator=separator,
        comment_prefixes=comment_prefixes,
        first_line=first_line,
        exact_split=lambda rest, names: split_csv(rest, names, separator=separator),
    )


def _unique_names(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return unique


def read_ip_list(
    text: str, comment_prefixes: Sequence[str] = ("#",)
) -> tuple[pl.DataFrame, list[Reject]]:
    """A list of one IP address per line → (``source.ip`` + ``_line`` + ``raw``, rejects).

    Blanks around the address are ignored; anything else on the line makes it a reject.
    """
    lines = lines_frame(text, comment_prefixes)
    value = pl.col(RAW).str.strip_chars()
    frame = lines.with_columns(normalize_ip(value).alias("source.ip"))
    reason = pl.format("'{}' is not an IPv4 or IPv6 address", shown(value))
    good, rejects = take_rejects(frame, pl.col("source.ip").is_null(), reason)
    return good.select("source.ip", LINE, RAW), rejects


# ---------------------------------------------------------------------------- JSON


class JsonRecord(NamedTuple):
    """One decoded JSON object with its 1-based line/record number and original text."""

    line: int
    raw: str
    data: dict[str, Any]


def read_json_records(
    text: str, list_keys: Sequence[str] = ("data", "results", "records")
) -> tuple[list[JsonRecord], list[Reject]]:
    """Decode a JSON array, an object holding a list under one of ``list_keys``, or NDJSON.

    For a whole JSON document, ``line`` is the record number (1-based) and ``raw`` the record
    re-encoded; for NDJSON, ``line`` is the line number and ``raw`` the line. Undecodable
    lines and non-object records are rejects. A single JSON object without such a list is
    one record. Raises ``ReportError`` when ``text`` is blank.
    """
    stripped = text.strip()
    if not stripped:
        raise ReportError("the report is empty")
    try:
        document = json.loads(stripped)
    except (ValueError, RecursionError):
        return _read_ndjson(text)
    if isinstance(document, dict):
        listed = [document[k] for k in list_keys if isinstance(document.get(k), list)]
        items: list[Any] = listed[0] if listed else [document]
    elif isinstance(document, list):
        items = document
    else:
        raise ReportError("the JSON document is neither an object nor an array")
    records, rejects = [], []
    for number, item in enumerate(items, start=1):
        raw = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        if isinstance(item, dict):
            records.append(JsonRecord(number, raw, item))
        else:
            rejects.append(Reject(number, raw, f"record {number}: not a JSON object"))
    return records, rejects


def _read_ndjson(text: str) -> tuple[list[JsonRecord], list[Reject]]:
    records, rejects = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:
            reason = f"line {number}: not valid JSON ({str(exc)[:80]})"
            rejects.append(Reject(number, line, reason))
            continue
        if isinstance(item, dict):
            records.append(JsonRecord(number, line, item))
        else:
            rejects.append(Reject(number, line, f"line {number}: not a JSON object"))
    return records, rejects


def as_text(value: Any) -> str | None:
    """A JSON value as a String cell: strings as is, null as None, others JSON-encoded."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def records_frame(records: Sequence[JsonRecord], columns: Mapping[str, str]) -> pl.DataFrame:
    """A frame of String columns from ``records``: ``{column: json key}`` + ``_line`` + ``raw``.

    A missing key gives null; non-string values are converted with :func:`as_text`. A key
    may be dotted (``"details.0.ip"``) to reach into nested objects and lists.
    """
    data: dict[str, list[Any]] = {name: [] for name in columns}
    for record in records:
        for name, key in columns.items():
            data[name].append(as_text(_dig(record.data, key)))
    schema = dict.fromkeys(columns, pl.String)
    frame = pl.DataFrame(data, schema=schema)
    return frame.with_columns(
        pl.Series(LINE, [r.line for r in records], dtype=pl.Int64),
        pl.Series(RAW, [r.raw for r in records], dtype=pl.String),
    )


def _dig(value: Any, key: str) -> Any:
    for part in key.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


# ---------------------------------------------------------------------------- time

_NAIVE_FORMATS = ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def _to_utc(expr: pl.Expr, fmt: str) -> pl.Expr:
    parsed = expr.str.to_datetime(fmt, time_unit="us", strict=False, cache=False)
    if "%z" in fmt or "%:z" in fmt or "%#z" in fmt:
        return parsed.dt.convert_time_zone("UTC")
    return parsed.dt.replace_time_zone("UTC")


def _first_parsed(tries: Sequence[pl.Expr]) -> Callable[[pl.Series], pl.Series]:
    """A batch function: ``pl.coalesce(tries)`` over the cells (``tries`` read ``pl.col("t")``),
    evaluating a try only while some given cell is still unparsed."""

    def parse(cells: pl.Series) -> pl.Series:
        frame = cells.to_frame("t")
        out = frame.select(tries[0].cast(UTC_DATETIME)).to_series()
        for attempt in tries[1:]:
            if not (out.is_null() & cells.is_not_null()).any():
                break
            out = frame.select(pl.coalesce(pl.lit(out), attempt.cast(UTC_DATETIME))).to_series()
        return out.alias(cells.name)

    return parse


def parse_time(expr: pl.Expr, formats: Sequence[str] | None = None) -> pl.Expr:
    """``expr`` parsed to ``Datetime("us", "UTC")``; null where no format matches.

    With ``formats`` (chrono/strftime syntax) those are tried in order; naive results are
    read as UTC, ``%z`` results converted. Without, common feed shapes are accepted:
    ``YYYY-MM-DD[ T]HH:MM[:SS[.f]]`` with an optional ``Z``/``UTC``/``GMT`` suffix or a
    ``±HH:MM`` offset, a bare date, and Unix epoch seconds (9–11 digits). A later format is
    only tried when an earlier one left a cell unparsed.
    """
    text = pl.col("t")
    if formats:
        tries = [_to_utc(text, fmt) for fmt in formats]
    else:
        text = text.str.strip_chars()
        naive = text.str.replace(r"(?i)\s*(?:Z|UTC|GMT|\+00:?00)$", "").str.replace("T", " ")
        epoch = text.str.extract(r"^([0-9]{9,11})$").cast(pl.Int64, strict=False)
        tries = [_to_utc(naive, fmt) for fmt in _NAIVE_FORMATS]
        tries.append(_to_utc(text.str.replace("T", " "), "%Y-%m-%d %H:%M:%S%#z"))
        tries.append(_to_utc(text.str.replace("T", " "), "%Y-%m-%d %H:%M:%S%.f%#z"))
        tries.append(pl.from_epoch(epoch, time_unit="s").dt.replace_time_zone("UTC"))
    return expr.cast(pl.String).map_batches(_first_parsed(tries), return_dtype=UTC_DATETIME)


# ---------------------------------------------------------------------------- extra


def _json_objects(cells: pl.Series) -> pl.Series:
    """A batch function: each row of a struct of String fields as a JSON object without its
    null members (null when none is left), via polars' JSON encoder.

    A member left null is written ``"key":null`` by the encoder and then cut out with a
    literal replace, in the rows having a null only; a ``"`` inside a string value is always
    escaped, so the cut cannot hit a value. Fields that have no null in the batch cost
    nothing.
    """
    frame = cells.struct.unnest()
    text = cells.struct.json_encode().alias("e")
    names = frame.columns
    nulls = [name for name in names if frame[name].null_count()]
    if not nulls:
        return text
    rows = frame.select(pl.any_horizontal(pl.col(n).is_null() for n in nulls)).to_series()
    rows = rows.arg_true()
    keys = [
        pl.select(pl.struct(pl.lit(None, pl.String).alias(n)).struct.json_encode()).item()
        for n in names
    ]
    members = {name: key[1:-1] for name, key in zip(names, keys, strict=True)}  # '"key":null'
    expr = pl.col("e")
    for name in nulls:
        if name != names[-1]:
            expr = expr.str.replace(members[name] + ",", "", literal=True)
    if names[-1] in nulls:
        expr = expr.str.replace("," + members[names[-1]] + "}", "}", literal=True)
        expr = expr.str.replace("{" + members[names[-1]] + "}", "{}", literal=True)
    cut = text.gather(rows).to_frame().select(expr).to_series()
    out = text.scatter(rows, cut)
    return out.to_frame().select(pl.when(pl.col("e") != "{}").then(pl.col("e"))).to_series()


def extra_column(columns: Mapping[str, str] | Sequence[str]) -> pl.Expr:
    """The ``extra`` column: a JSON object of the given leftover String columns per row.

    ``columns`` maps column name → key in the object (or is a list of names used as keys).
    Null and empty cells are left out; a row with nothing left gives null, not ``{}``.
    Values are JSON strings (other dtypes are cast to String).
    """
    pairs = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
    if not pairs:
        return pl.lit(None, dtype=pl.String).alias("extra")
    fields = []
    for name, key in pairs.items():
        text = pl.col(name).cast(pl.String)
        fields.append(pl.when(text != "").then(text).alias(key))
    objects = pl.struct(fields).map_batches(_json_objects, return_dtype=pl.String)
    return objects.alias("extra")


__all__ = [
    "FQDN_PATTERN",
    "IPV4_PATTERN",
    "RAW",
    "UTC_DATETIME",
    "JsonRecord",
    "add_url_host",
    "as_text",
    "check_rows",
    "extra_column",
    "finish_url_host",
    "is_fqdn",
    "is_ipv4",
    "is_url",
    "lines_frame",
    "normalize_ip",
    "normalize_network",
    "parse_time",
    "parsed",
    "read_csv",
    "read_ip_list",
    "read_json_records",
    "read_quoted_csv",
    "records_frame",
    "shown",
    "split_csv",
    "take_rejects",
    "url_host_stages",
]
