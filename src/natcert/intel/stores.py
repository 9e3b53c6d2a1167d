"""Database adapters for the pipeline's ports (``natcert.pipeline.ports``).

``DatabaseReportStore`` keeps each report's bytes (content addressed, before parsing) and
its quarantined rows; ``DatabaseEventSink`` bulk-inserts a batch and skips events whose
``event_hash`` is already stored. PostgreSQL takes a COPY path (psycopg 3
``cursor.copy()`` into a temporary table, then ``INSERT ... ON CONFLICT DO NOTHING``);
SQLite takes ``INSERT OR IGNORE`` with ``executemany`` (what ``bulk_create(ignore_conflicts=True)``
emits, minus the per-row model instances). Either way the database counts what it inserted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import polars as pl
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from natcert.intel.fields import EVENT_FIELDS, HASH_COLUMN, EventField
from natcert.intel.ipkeys import ip_keys
from natcert.intel.models import Event, QuarantinedRow, Report
from natcert.pipeline.ports import StoredReport, WriteResult
from natcert.pipeline.report import Reject
from natcert.pipeline.report import Report as PipelineReport

CHUNK_ROWS = 50_000
"""Rows written per statement group: bounds memory on very large reports."""

_DTYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "ip": pl.String(),
    "json": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "time": pl.Datetime("us", "UTC"),
}


def report_path(sha256: str) -> str:
    """Storage name of a report's bytes: ``reports/<first two hex digits>/<sha256>``."""
    return f"reports/{sha256[:2]}/{sha256}"


class DatabaseReportStore:
    """``ReportStore`` on the ``Report`` and ``QuarantinedRow`` tables."""

    def store_report(self, report: PipelineReport) -> StoredReport:
        """Keep the bytes and hash; the same bytes give the same id with ``is_new=False``."""
        sha = report.sha256
        existing = Report.objects.filter(sha256=sha).only("id").first()
        if existing is not None:
            return StoredReport(id=existing.pk, is_new=False)
        name = report_path(sha)
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(report.raw))
        try:
            with transaction.atomic():
                row = Report.objects.create(
                    feed_name=report.feed,
                    sha256=sha,
                    raw_file=name,
                    name=report.name[:255],
                    url=report.url,
                    provider=report.provider[:100],
                    media_type=report.media_type[:100],
                    observed=report.observed,
                    size=len(report.raw),
                )
        except IntegrityError:  # another worker stored the same bytes meanwhile
            return StoredReport(id=Report.objects.get(sha256=sha).pk, is_new=False)
        return StoredReport(id=row.pk, is_new=True)

    def quarantine(self, report_id: int, report: PipelineReport, rejects: list[Reject]) -> int:
        """Keep ``rejects`` (line 0 = whole report); returns how many rows were new."""
        rows = {
            (reject.line or 0, reject.reason): QuarantinedRow(
                feed_name=report.feed,
                report_id=report_id,
                line=reject.line or 0,
                raw=reject.raw,
                reason=reject.reason,
            )
            for reject in rejects
        }
        if not rows:
            return 0
        with transaction.atomic():
            known = set(
                QuarantinedRow.objects.filter(report_id=report_id).values_list("line", "reason")
            )
            new = [row for key, row in rows.items() if key not in known]
            QuarantinedRow.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        return len(new)


def _column(batch: pl.DataFrame, field: EventField) -> pl.Expr:
    dtype = _DTYPES[field.kind]
    if field.dotted not in batch.columns:
        expr = pl.lit(None, dtype=dtype)
    elif field.kind == "json" and batch.schema[field.dotted] != pl.String:
        expr = pl.col(field.dotted).map_elements(json.dumps, return_dtype=pl.String)
    else:
        expr = pl.col(field.dotted).cast(dtype, strict=False)
    if field.kind == "text":
        max_length = getattr(Event._meta.get_field(field.column), "max_length", None)
        expr = expr.fill_null("")
        if max_length:
            expr = expr.str.slice(0, max_length)
    return expr.alias(field.column)


def event_rows(report_id: int, batch: pl.DataFrame) -> pl.DataFrame:
    """The batch as ``Event`` columns: converted, truncated to column sizes, one row per
    distinct ``_hash``. Raises ``ValueError`` when the batch has no ``_hash`` column."""
    if HASH_COLUMN not in batch.columns:
        raise ValueError("the batch has no _hash column: run the dedup expert before storing")
    rows = batch.select(
        pl.lit(report_id, dtype=pl.Int64).alias("report_id"),
        pl.col(HASH_COLUMN).cast(pl.String).alias("event_hash"),
        *(_column(batch, field) for field in EVENT_FIELDS),
    ).filter(pl.col("event_hash").is_not_null())
    rows = rows.unique(subset="event_hash", keep="first", maintain_order=True)
    source_keys = ip_keys(rows["source_ip"])
    rows = rows.with_columns(
        source_ip_key=source_keys,
        source_ip=pl.when(source_keys != "").then(pl.col("source_ip")),
        destination_ip=pl.when(ip_keys(rows["destination_ip"]) != "").then(
            pl.col("destination_ip")
        ),
        time_observation=pl.col("time_observation").fill_null(pl.lit(timezone.now())),
    )
    return rows


def _chunks(frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
    for offset in range(0, frame.height, CHUNK_ROWS):
        yield frame.slice(offset, CHUNK_ROWS)


class DatabaseEventSink:
    """``EventSink`` on the ``Event`` table; idempotent on ``event_hash``."""

    def write_events(self, report_id: int, batch: pl.DataFrame) -> WriteResult:
        """Insert the batch's events; returns inserted and duplicate counts (duplicates are
        rows whose hash is already stored or repeated within the batch)."""
        if batch.height == 0:
            return WriteResult(inserted=0, duplicates=0)
        rows = event_rows(report_id, batch)
        write = _copy_chunk if connection.vendor == "postgresql" else _insert_chunk
        inserted = 0
        with transaction.atomic():
            for chunk in _chunks(rows):
                inserted += write(chunk)
        return WriteResult(inserted=inserted, duplicates=batch.height - inserted)


def _insert_chunk(chunk: pl.DataFrame) -> int:
    """SQLite: one ``INSERT OR IGNORE`` executed for every row (``executemany``).

    This is the statement ``bulk_create(ignore_conflicts=True)`` generates, without building
    a model instance and preparing each value in Python per row (about 4/5 of the time on
    large reports). Values are written as Django's SQLite backend writes them: datetimes as
    naive UTC ``YYYY-MM-DD HH:MM:SS[.ffffff]`` text, JSON as text.
    """
    datetimes = [name for name, dtype in chunk.schema.items() if isinstance(dtype, pl.Datetime)]
    rows = chunk.with_columns(
        pl.when(pl.col(name).dt.microsecond() == 0)
        .then(pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S"))
        .otherwise(pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
        .alias(name)
        for name in datetimes
    ).rows()
    names = ", ".join(chunk.columns)
    marks = ", ".join(["%s"] * len(chunk.columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT OR IGNORE INTO {Event._meta.db_table} ({names}) VALUES ({marks})",  # noqa: S608
            rows,
        )
        return max(cursor.rowcount, 0)


def _copy_chunk(chunk: pl.DataFrame) -> int:
    columns = chunk.columns
    names = ", ".join(columns)
    payload = chunk.with_columns(
        pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S%.f+00:00")
    ).write_csv(quote_style="non_numeric", include_header=False)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS natcert_event_load")
        cursor.execute(
            f"CREATE TEMP TABLE natcert_event_load ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {names} FROM {Event._meta.db_table} WITH NO DATA"
        )
        raw_cursor = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw_cursor.copy(f"COPY natcert_event_load ({names}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(payload.encode())
        cursor.execute(
            f"INSERT INTO {Event._meta.db_table} ({names}) "  # noqa: S608
            f"SELECT {names} FROM natcert_event_load "
            "ON CONFLICT (event_hash) DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE natcert_event_load")
    return inserted
