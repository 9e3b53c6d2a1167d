"""Every registered parser on every sample file: a ParsedBatch or a ReportError, nothing else.

Iterates over ``all_parsers()``, so parsers added later are covered automatically. A parser
fed another family's file must reject its rows (or the whole report) cleanly.
"""

from __future__ import annotations

import polars as pl
import pytest

from natcert.pipeline.feeds import load_catalogue
from natcert.pipeline.parsers.base import all_parsers
from natcert.pipeline.report import LINE, ParsedBatch, Report, ReportError
from tests.conftest import SAMPLES

FILES = sorted(p for p in (SAMPLES / "feeds").rglob("*") if p.is_file())
ODD_INPUTS = {
    "empty": b"",
    "blank lines": b"\n \n\t\n",
    "binary": bytes(range(256)) * 4,
    "nul bytes": b"a\x00b\n\x00\n",
    "bom and crlf": b"\xef\xbb\xbf1.2.3.4\r\n",
    "lone quote": b'"\n"a","b\n',
    "json scalar": b"42",
    "json null": b"null",
    "deep json": b"[" * 5000 + b"]" * 5000,
    "long line": b"x" * 200_000,
}


def _check(parser_name: str, raw: bytes, what: str, name: str = "") -> None:
    parser = all_parsers()[parser_name]()
    try:
        result = parser.parse(Report(feed="robustness", raw=raw, name=name))
    except ReportError:
        return
    assert isinstance(result, ParsedBatch), f"{parser_name} on {what}"
    assert isinstance(result.events, pl.DataFrame), f"{parser_name} on {what}"
    if result.events.height:
        assert result.events[LINE].dtype == pl.Int64, f"{parser_name} on {what}"
        assert result.events[LINE].null_count() == 0, f"{parser_name} on {what}"
    for reject in result.rejects:
        assert reject.reason, f"{parser_name} on {what}: a reject without a reason"


def test_samples_exist() -> None:
    assert len(FILES) > 50


@pytest.mark.parametrize("parser_name", sorted(all_parsers()))
def test_every_sample_file(parser_name: str) -> None:
    for path in FILES:
        _check(parser_name, path.read_bytes(), str(path.relative_to(SAMPLES)), path.name)


@pytest.mark.parametrize("parser_name", sorted(all_parsers()))
@pytest.mark.parametrize("label", sorted(ODD_INPUTS))
def test_odd_inputs(parser_name: str, label: str) -> None:
    _check(parser_name, ODD_INPUTS[label], label)


def test_catalogue_parsers_are_registered() -> None:
    parsers = all_parsers()
    missing = {f.name: f.parser for f in load_catalogue().values() if f.parser not in parsers}
    assert missing == {}


def test_parsers_are_documented() -> None:
    for name, cls in all_parsers().items():
        assert cls.name == name
        assert cls.description and cls.doc_url.startswith("https://"), name
