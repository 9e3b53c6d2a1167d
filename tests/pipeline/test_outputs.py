"""File outputs (JSON Lines, CSV) and the in-memory ports."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from natcert.pipeline.outputs.files import formula_safe, write_file, write_files
from natcert.pipeline.outputs.memory import MemoryEventSink, MemoryReportStore
from natcert.pipeline.report import Reject, Report


def _batch() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "_line": [1, 2],
            "_hash": ["h1", "h2"],
            "source.ip": ["1.2.3.4", None],
            "source.url": [None, "http://x.example/=cmd"],
            "source.port": [80, None],
            "time.source": [datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), None],
            "event_description.text": ['=HYPERLINK("http://evil")', "\tplain"],
            "extra": ['{"tags":["elf"]}', None],
        }
    )


def test_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    assert write_file(_batch(), path) == 2
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert rows[0] == {
        "source.ip": "1.2.3.4",
        "source.port": 80,
        "time.source": "2024-01-02T03:04:05+00:00",
        "event_description.text": '=HYPERLINK("http://evil")',
        "extra": {"tags": ["elf"]},
    }
    assert rows[1] == {"source.url": "http://x.example/=cmd", "event_description.text": "\tplain"}


def test_jsonl_keeps_row_order_and_text_that_looks_like_a_null_member(tmp_path: Path) -> None:
    tricky = ',"source.ip":null,"source.ip":null}{"":0'
    batch = pl.DataFrame(
        {
            "source.ip": [None, "1.2.3.4", None],
            "raw": [tricky, "b", '\\",\\"source.ip\\":null'],
            "feed.name": ["f", "f", "f"],
            "extra": [None, None, '{"a":null}'],
        }
    )
    path = tmp_path / "events.jsonl"
    write_file(batch, path)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert rows == [
        {"raw": tricky, "feed.name": "f"},
        {"source.ip": "1.2.3.4", "raw": "b", "feed.name": "f"},
        {"raw": '\\",\\"source.ip\\":null', "feed.name": "f", "extra": {"a": None}},
    ]
    write_file(batch.head(1), path)  # one row: every field is constant
    assert json.loads(path.read_text()) == {"raw": tricky, "feed.name": "f"}


def test_csv_is_formula_safe_and_has_no_internal_columns(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    write_file(_batch(), path)
    rows = list(csv.DictReader(path.open(newline="")))
    assert "_hash" not in rows[0] and "_line" not in rows[0]
    assert rows[0]["event_description.text"] == '\'=HYPERLINK("http://evil")'
    assert rows[1]["event_description.text"] == "'\tplain"
    assert rows[0]["time.source"] == "2024-01-02T03:04:05Z"
    assert rows[0]["source.port"] == "80"
    assert rows[1]["source.url"] == "http://x.example/=cmd"


def test_several_batches_one_header(tmp_path: Path) -> None:
    path = tmp_path / "all.csv"
    assert write_files([_batch(), _batch()], path) == 4
    assert path.read_text().count("source.ip") == 1


def test_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.jsonl, \.ndjson or \.csv"):
        write_file(_batch(), tmp_path / "events.xlsx")


def test_memory_store_and_sink() -> None:
    store = MemoryReportStore()
    report = Report(feed="f", raw=b"abc")
    first, again = store.store_report(report), store.store_report(Report(feed="f", raw=b"abc"))
    assert first.is_new and not again.is_new and first.id == again.id
    reject = Reject(line=1, raw="x", reason="bad")
    assert store.quarantine(first.id, report, [reject]) == 1
    assert store.quarantine(first.id, report, [reject]) == 0
    sink = MemoryEventSink()
    assert sink.write_events(first.id, _batch()).inserted == 2
    result = sink.write_events(first.id, _batch())
    assert (result.inserted, result.duplicates) == (0, 2)
    assert len(sink) == 2 and sink.events().height == 2


def test_empty_batches_write_empty_files(tmp_path: Path) -> None:
    for name in ("e.jsonl", "e.csv"):
        assert write_file(pl.DataFrame(), tmp_path / name) == 0
        assert (tmp_path / name).read_bytes() == b""


def test_formula_safe_only_touches_a_leading_formula_character() -> None:
    batch = pl.DataFrame({"a": ["=x", "a=b", "+1", None, "\tq", "x$1"], "n": [1, 2, 3, 4, 5, 6]})
    out = formula_safe(batch)
    assert out.get_column("a").to_list() == ["'=x", "a=b", "'+1", None, "'\tq", "x$1"]
    assert out.get_column("n").to_list() == [1, 2, 3, 4, 5, 6]
