"""Validate a parsed batch against the field catalogue, vectorized.

Rules (the contract is in ``docs/contracts.md``):

* every catalogue column is cast to its dtype and normalized by the normalizer of its type
  (:mod:`natcert.pipeline.schema.normalize`); text is trimmed and blank text becomes null
  (``raw`` is kept exactly);
* a row with a non-null value that is not valid for its field is rejected with a reason such as
  ``source.ip: '999.1.1.1' is not an IP address`` (several problems are joined with ``; ``),
  except for *lenient* fields, whose bad values are just dropped;
* a row with no indicator (none of ``catalogue.INDICATORS``) is rejected;
* columns that are neither catalogue fields nor internal (``_``) are moved into ``extra``
  (a JSON object), under their name without an ``extra.`` prefix; null values are kept as null;
* internal columns pass through; ``_line`` is added (1-based) if the parser left it out.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from natcert.pipeline.report import LINE, ParsedBatch, Reject
from natcert.pipeline.schema.catalogue import FIELDS, INDICATORS, Field, is_internal
from natcert.pipeline.schema.normalize import NORMALIZERS, Outcome

REASON = "__reason"
NO_INDICATOR = "no indicator: the row has no source or destination ip, network, asn, fqdn or url"
_SHOWN = 80  # characters of a bad value quoted in a reason
_PARALLEL_ROWS = 50_000  # batches this large normalize their columns in threads


@dataclass(frozen=True)
class _Checked:
    values: list[pl.Series]
    invalid: dict[str, tuple[pl.Series, str]]  # field → (invalid rows, problem)


def _check_fields(batch: pl.DataFrame) -> _Checked:
    """Normalize every catalogue column; large batches use a few threads (polars releases
    the GIL while it works, so columns are normalized side by side)."""
    fields = [FIELDS[name] for name in batch.columns if name in FIELDS]
    columns = [batch.get_column(field.name) for field in fields]
    if batch.height >= _PARALLEL_ROWS and len(fields) > 1:
        # URL columns (the slowest) first, so that no thread is left with one at the end
        order = sorted(range(len(fields)), key=lambda i: fields[i].type != "URL")
        with ThreadPoolExecutor(max_workers=pl.thread_pool_size()) as pool:
            done = pool.map(_normalize, [fields[i] for i in order], [columns[i] for i in order])
            by_position = dict(zip(order, done, strict=True))
        outcomes = [by_position[i] for i in range(len(fields))]
    else:
        outcomes = [_normalize(f, column) for f, column in zip(fields, columns, strict=True)]
    values: list[pl.Series] = []
    invalid: dict[str, tuple[pl.Series, str]] = {}
    for field, outcome in zip(fields, outcomes, strict=True):
        values.append(outcome.value.cast(field.dtype).alias(field.name))
        if outcome.invalid is not None and not field.lenient:
            invalid[field.name] = (outcome.invalid, outcome.problem)
    return _Checked(values, invalid)


def _normalize(field: Field, column: pl.Series) -> Outcome:
    """``NORMALIZERS[field.type](column)``; normalizers work row by row, so a text column
    holding one value (``feed.*``, ``tlp`` and the like) is normalized on its first row only
    (and kept as it is when that row was already in canonical form)."""
    if column.dtype in (pl.Categorical, pl.Null) or isinstance(column.dtype, pl.Enum):
        column = column.cast(pl.String)
    normalizer = NORMALIZERS[field.type]
    if not _constant(column):
        return normalizer(column)
    one = normalizer(column.head(1))
    if one.invalid is None and one.value.dtype == column.dtype and one.value.equals(column[:1]):
        return Outcome(column, None, one.problem)
    size = column.len()
    invalid = None if one.invalid is None else one.invalid.new_from_index(0, size)
    return Outcome(one.value.new_from_index(0, size).alias(column.name), invalid, one.problem)


def _constant(column: pl.Series) -> bool:
    """Whether ``column`` is text of two rows or more that are all equal (or all null)."""
    size = column.len()
    if column.dtype != pl.String or size < 2 or column[0] != column[-1]:
        return False
    nulls = column.null_count()
    if nulls:
        return nulls == size
    return column[size // 2] == column[0] and bool((column == column[0]).all())


def _extra_expr(batch: pl.DataFrame, unknown: list[str]) -> pl.Expr:
    """``extra`` with the ``unknown`` columns merged in as JSON members."""
    members = []
    for name in unknown:
        expr = pl.col(name)
        if isinstance(batch.schema[name], pl.Datetime):
            expr = expr.dt.to_string("%Y-%m-%dT%H:%M:%S%.fZ")
        members.append(expr.alias(name.removeprefix("extra.")))
    new = pl.struct(members).struct.json_encode()
    all_null = pl.all_horizontal([pl.col(n).is_null() for n in unknown])
    current = pl.col("extra") if "extra" in batch.columns else pl.lit(None, dtype=pl.String)
    merged = pl.concat_str(
        [current.str.strip_suffix("}"), new.str.strip_prefix("{")], separator=","
    )
    return (
        pl.when(all_null)
        .then(current)
        .when(current.is_null() | (current == "{}"))
        .then(new)
        .otherwise(merged)
        .alias("extra")
    )


def _reasons(batch: pl.DataFrame, checked: _Checked, mask: pl.Series) -> pl.Series:
    """The reason of every masked row (built on those rows only)."""
    columns: dict[str, pl.Series] = {}
    parts: list[pl.Expr] = []
    for i, (name, (bad, problem)) in enumerate(checked.invalid.items()):
        columns[f"b{i}"] = bad.filter(mask)
        columns[f"v{i}"] = batch.get_column(name).filter(mask).cast(pl.String)
        shown = pl.col(f"v{i}").str.strip_chars().str.slice(0, _SHOWN)
        message = pl.format("{}: '{}' {}", pl.lit(name), shown, pl.lit(problem))
        parts.append(pl.when(pl.col(f"b{i}")).then(message))
    if not parts:
        return pl.Series(REASON, [NO_INDICATOR] * int(mask.sum()), dtype=pl.String)
    joined = pl.concat_str(parts, separator="; ", ignore_nulls=True)
    return (
        pl.DataFrame(columns)
        .select(pl.when(joined == "").then(pl.lit(NO_INDICATOR)).otherwise(joined).alias(REASON))
        .to_series()
    )


def _rejects(batch: pl.DataFrame, checked: _Checked, mask: pl.Series) -> list[Reject]:
    if "raw" in batch.columns:
        raw = batch.get_column("raw").filter(mask).cast(pl.String).fill_null("")
    else:
        visible = [pl.col(c).cast(pl.String) for c in batch.columns if not is_internal(c)]
        raw = batch.filter(mask).select(pl.struct(visible).struct.json_encode()).to_series()
    lines = batch.get_column(LINE).filter(mask).to_list()
    reasons = _reasons(batch, checked, mask).to_list()
    return [
        Reject(line=line, raw=text, reason=reason)
        for line, text, reason in zip(lines, raw.to_list(), reasons, strict=True)
    ]


def validate(batch: pl.DataFrame) -> ParsedBatch:
    """Normalize ``batch`` to the catalogue; return the valid rows and the rejected ones.

    ``batch``: a parser's batch (catalogue columns of any reasonable dtype, ``_line``, ``raw``,
    anything else). Returns ``ParsedBatch(events, rejects)`` where ``events`` has catalogue
    dtypes (``catalogue.polars_dtype``) and keeps the input's row order; each reject carries
    the row's ``_line``, its ``raw`` text (or the row as JSON when there is no ``raw`` column)
    and every reason found. Never raises for bad values.
    """
    if LINE not in batch.columns:
        batch = batch.with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))
    checked = _check_fields(batch)
    events = batch.with_columns(checked.values)
    unknown = [c for c in batch.columns if c not in FIELDS and not is_internal(c)]
    if unknown:
        events = events.with_columns(_extra_expr(batch, unknown)).drop(unknown)
    present = [c for c in INDICATORS if c in events.columns]
    no_indicator = (
        events.select(~pl.any_horizontal(pl.col(c).is_not_null() for c in present)).to_series()
        if present
        else pl.Series([True] * batch.height)
    )
    mask = no_indicator
    for bad, _ in checked.invalid.values():
        mask = mask | bad
    if not mask.any():
        return ParsedBatch(events=events)
    return ParsedBatch(events=events.filter(~mask), rejects=_rejects(batch, checked, mask))
