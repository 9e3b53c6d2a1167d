"""The shared parser helpers: unit cases and hypothesis properties (never crash, exact lines)."""

from __future__ import annotations

import csv
import io
import ipaddress
import json
from datetime import UTC, datetime
from unittest.mock import patch

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natcert.pipeline.parsers import _addresses, _common
from natcert.pipeline.parsers._common import (
    add_url_host,
    extra_column,
    is_fqdn,
    is_ipv4,
    is_url,
    lines_frame,
    normalize_ip,
    normalize_network,
    parse_time,
    read_csv,
    read_ip_list,
    read_json_records,
    read_quoted_csv,
    records_frame,
    split_csv,
)
from natcert.pipeline.report import ReportError

SETTINGS = settings(max_examples=60, deadline=None)
LINE_TEXT = st.text(st.characters(exclude_characters="\n", exclude_categories=("Cs",)), max_size=30)
FIELD = st.text(st.characters(exclude_characters="\n\r", exclude_categories=("Cs",)))


# Unicode White_Space (what the regex \s means); unlike str.isspace, not \x1c-\x1f.
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
WHITE_SPACE += "\u2028\u2029\u202f\u205f\u3000"


def _expected_lines(text: str, prefixes: tuple[str, ...]) -> list[tuple[int, str]]:
    """Reference implementation of lines_frame in plain Python."""
    kept = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        stripped = line.lstrip(WHITE_SPACE)
        if stripped and not any(stripped.startswith(p) for p in prefixes):
            kept.append((number, line))
    return kept


@SETTINGS
@given(st.lists(LINE_TEXT, max_size=20))
def test_lines_frame_numbers_every_kept_line(lines: list[str]) -> None:
    text = "\n".join(lines)
    frame = lines_frame(text, ("#", ";"))
    assert frame.columns == ["_line", "raw"]
    assert frame.rows() == _expected_lines(text, ("#", ";"))


@SETTINGS
@given(st.binary(max_size=300))
def test_readers_never_crash_on_bytes(raw: bytes) -> None:
    text = raw.decode("utf-8", errors="replace")
    lines_frame(text)
    read_csv(text, ["a", "b"])
    read_ip_list(text)
    try:
        read_json_records(text)
        read_csv(text)
    except ReportError:
        pass


@SETTINGS
@given(st.lists(st.lists(FIELD, min_size=3, max_size=3), min_size=1, max_size=8), st.booleans())
def test_split_csv_round_trips_python_csv(rows: list[list[str]], quote_all: bool) -> None:
    out = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    csv.writer(out, lineterminator="\n", quoting=quoting).writerows(rows)
    frame, rejects = read_csv(out.getvalue(), ["a", "b", "c"], comment_prefixes=())
    # csv writes a row of blank fields as a blank-looking line only when it has no quotes.
    expected = [(i + 1, r) for i, r in enumerate(rows) if out.getvalue().split("\n")[i].strip()]
    assert rejects == []
    assert [(line, [a, b, c]) for a, b, c, line, _ in frame.rows()] == expected


@SETTINGS
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=10))
def test_ragged_rows_are_rejected_with_counts(widths: list[int]) -> None:
    text = "\n".join(",".join(["x"] * width) for width in widths)
    frame, rejects = read_csv(text, ["a", "b", "c"])
    assert frame["_line"].to_list() == [i + 1 for i, w in enumerate(widths) if w == 3]
    for reject in rejects:
        found = widths[reject.line - 1] if reject.line else 0
        word = "few" if found < 3 else "many"
        assert reject.reason == f"line {reject.line}: too {word} fields: expected 3, found {found}"


def test_split_csv_quoting_cases() -> None:
    lines = lines_frame('"1","a,b",""\n2,"he said ""hi""",z\n"3","x\n4,"a"b,c\n5,,\n')
    frame, rejects = split_csv(lines, ["a", "b", "c"])
    assert frame.rows() == [
        ("1", "a,b", "", 1, '"1","a,b",""'),
        ("2", 'he said "hi"', "z", 2, '2,"he said ""hi""",z'),
        ("5", "", "", 5, "5,,"),
    ]
    assert [(r.line, r.reason) for r in rejects] == [
        (3, "line 3: unbalanced or misplaced double quote"),
        (4, "line 4: unbalanced or misplaced double quote"),
    ]


def test_read_csv_header_and_duplicates() -> None:
    frame, rejects = read_csv('# c\nip,"a b",ip\n1.2.3.4,x,y\n')
    assert frame.columns == ["ip", "a b", "ip_2", "_line", "raw"]
    assert (frame.row(0), rejects) == (("1.2.3.4", "x", "y", 3, "1.2.3.4,x,y"), [])
    with pytest.raises(ReportError):
        read_csv("# only comments\n")


def test_json_shapes() -> None:
    assert [r.line for r in read_json_records('[{"a":1},{"b":2}]')[0]] == [1, 2]
    assert [r.data for r in read_json_records('{"data":[{"a":1}]}')[0]] == [{"a": 1}]
    assert [r.data for r in read_json_records('{"a":1}')[0]] == [{"a": 1}]
    records, rejects = read_json_records('{"a":1}\n\n{bad\n[1]\n')
    assert [r.line for r in records] == [1]
    assert [(r.line, r.reason.split(" (")[0]) for r in rejects] == [
        (3, "line 3: not valid JSON"),
        (4, "line 4: not a JSON object"),
    ]
    frame = records_frame(records, {"x": "a", "y": "missing"})
    assert frame.rows() == [("1", None, 1, '{"a":1}')]


IPV4S = st.ip_addresses(v=4).map(str)
IPV6S = st.ip_addresses(v=6).map(str)


@SETTINGS
@given(st.lists(st.one_of(IPV4S, IPV6S, st.text(max_size=20)), min_size=1, max_size=20))
def test_normalize_ip_agrees_with_ipaddress(values: list[str]) -> None:
    def reference(value: str) -> str | None:
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            return None

    got = pl.DataFrame({"v": values}).select(normalize_ip(pl.col("v")))["v"].to_list()
    assert got == [reference(v) for v in values]


def test_ip_and_network_details() -> None:
    frame = pl.DataFrame({"v": ["1.2.3.4", "01.2.3.4", "256.1.1.1", " 1.2.3.4", "2001:DB8::1"]})
    assert frame.select(is_ipv4(pl.col("v")))["v"].to_list() == [True, False, False, False, False]
    assert frame.select(normalize_ip(pl.col("v")))["v"][4] == "2001:db8::1"
    nets = pl.DataFrame({"n": ["10.0.0.1/8", "1.2.3.0/33", "2001:db8::/32", "x", None]})
    assert nets.select(normalize_network(pl.col("n")))["n"].to_list() == [
        "10.0.0.0/8", None, "2001:db8::/32", None, None,
    ]  # fmt: skip
    names = pl.DataFrame({"d": ["a.example", "999.1.1.1", "a..b", "-a.b", "x_y.example", "a" * 64]})
    assert names.select(is_fqdn(pl.col("d")))["d"].to_list() == [
        True, False, False, False, True, False,
    ]  # fmt: skip


def test_url_hosts() -> None:
    urls = [
        "http://192.0.2.1:8080/x",
        "https://[2001:DB8::1]/",
        "HTTP://Example.COM./a?b#c",
        "ftp://user:pw@files.example:99999/",
        "nonsense",
        None,
    ]
    frame = add_url_host(pl.DataFrame({"u": urls}, schema={"u": pl.String}), "u", "source")
    assert frame.drop("u").rows() == [
        (None, "192.0.2.1", 8080),
        (None, "2001:db8::1", 443),
        ("example.com", None, 80),
        ("files.example", None, None),
        (None, None, None),
        (None, None, None),
    ]


def test_url_hosts_mix_fast_and_exact_rows() -> None:
    urls = [
        "http://a.example:81/",
        "http://u@b.example:82/",
        "http://bü.example:8080/x",
        "https://[::1]:83/",
        "HTTPS://1.2.3.4",
        None,
    ]
    frame = pl.DataFrame({"u": urls, "n": range(6)}, schema={"u": pl.String, "n": pl.Int64})
    found = add_url_host(frame, "u", "s")
    assert found.columns == ["u", "n", "s.fqdn", "s.ip", "s.port"]
    assert found.drop("u", "n").rows() == [
        ("a.example", None, 81),
        ("b.example", None, 82),
        (None, None, None),  # a non-ASCII authority takes the exact path
        (None, "::1", 83),
        (None, "1.2.3.4", 443),
        (None, None, None),
    ]


URL_TEXT = st.text(alphabet="aZ09.:/@[]?#\\ü-_ +", max_size=12)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["http", "HTTPS", "1x", "a+b.c", ""]), URL_TEXT)))
def test_url_hosts_fast_path_agrees_with_exact_reader(parts: list[tuple[str, str]]) -> None:
    urls = [f"{scheme}://{rest}" for scheme, rest in parts]
    frame = pl.DataFrame({"u": urls}, schema={"u": pl.String})
    exact = _addresses._url_hosts_exact(frame, "u", "s")
    assert add_url_host(frame, "u", "s").drop("u").equals(exact)


@SETTINGS
@given(st.lists(st.text(alphabet="hH1+:/?# \t\n\u00a0\u2028xé", max_size=12)))
def test_is_url_is_a_scheme_a_host_character_and_no_blank(texts: list[str]) -> None:
    frame = pl.DataFrame({"u": texts}, schema={"u": pl.String})
    u = pl.col("u")
    expected = u.str.contains(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\s]") & ~u.str.contains(r"\s")
    assert frame.select(is_url(u))["u"].to_list() == frame.select(expected)["u"].to_list()


@SETTINGS
@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)))
def test_parse_time_shapes(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=UTC)
    texts = [
        moment.strftime("%Y-%m-%d %H:%M:%S"),
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        moment.strftime("%Y-%m-%d %H:%M:%S UTC"),
        moment.isoformat(),
        str(int(moment.timestamp())),
    ]
    parsed = pl.DataFrame({"t": texts}).select(parse_time(pl.col("t")))["t"]
    assert parsed.dtype == pl.Datetime("us", "UTC")
    assert parsed.to_list()[:4] == [moment] * 4
    if len(texts[4]) >= 9:
        assert parsed[4] == moment


def test_parse_time_offsets_and_garbage() -> None:
    frame = pl.DataFrame({"t": ["2022-11-16T14:08:44+05:00", "2022-11-15", "soon", None]})
    assert frame.select(parse_time(pl.col("t")))["t"].to_list() == [
        datetime(2022, 11, 16, 9, 8, 44, tzinfo=UTC),
        datetime(2022, 11, 15, tzinfo=UTC),
        None,
        None,
    ]


@SETTINGS
@given(st.lists(st.tuples(st.none() | FIELD, st.none() | FIELD), min_size=1, max_size=10))
def test_extra_column_is_json_of_non_empty_cells(rows: list[tuple[str | None, str | None]]) -> None:
    frame = pl.DataFrame(rows, schema={"a": pl.String, "b": pl.String}, orient="row")
    extra = frame.select(extra_column({"a": "first", "b": "x.y"}))["extra"].to_list()
    for (a, b), text in zip(rows, extra, strict=True):
        expected = {k: v for k, v in (("first", a), ("x.y", b)) if v}
        assert (json.loads(text) if text is not None else {}) == expected
        assert (text is None) == (not expected)


def test_lines_frame_replaces_lone_surrogates() -> None:
    assert lines_frame("a\ud800b\nc").rows() == [(1, "a?b"), (2, "c")]


TRICKY_LINES = [
    '"1","a,b","c"',
    '"2","he said ""hi""","z"',
    '"3","x',
    '"4","a"b,"c"',
    "5,,",
    "6,x,y",
    '"7","b\r","c"',
    '"8","9","10","11"',
    '"12",""',
    '"13","","",""',
    '# "14","a","b"',
    "   ",
    "",
    '"15",16,"17"',
    '"18","é","ü"',
    '"19","a","b"""',
]


@SETTINGS
@given(st.lists(st.sampled_from(TRICKY_LINES), max_size=12), st.booleans())
def test_big_reports_read_like_small_ones(extra: list[str], quoted: bool) -> None:
    filler = [f'"{i}","x{i}","y"' if quoted else f"{i},x{i},y" for i in range(1100)]
    lines = ["# a comment", *filler[:500], *extra, *filler[500:], *extra]
    text = "\n".join(lines) + "\n"
    fast = read_csv(text, ["a", "b", "c"])
    assert _common._read_csv_fast(text, ["a", "b", "c"], ",", ("#",)) is not None
    with patch.object(_common, "MIN_FAST_LINES", 10**9):
        exact = read_csv(text, ["a", "b", "c"])
    assert fast[0].rows() == exact[0].rows()
    assert fast[1] == exact[1]
    header = read_csv('"a","b","c"\n' + text)
    assert header[0].columns[:3] == ["a", "b", "c"]
    assert header[0]["_line"][0] == 3


def _is_fqdn_reference(name: str) -> bool:
    """The domain name rules spelled out one by one (what ``is_fqdn`` compiles into one shape)."""
    labels = name.split(".")
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    return (
        len(name) <= 253
        and all(0 < len(label) <= 63 and set(label) <= allowed for label in labels)
        and not any(label.startswith("-") or label.endswith("-") for label in labels)
        and "_" not in labels[-1]
        and any(c.isascii() and c.isalpha() for c in labels[-1])
    )


@SETTINGS
@given(st.lists(st.text(alphabet="aZ09-_.é \n", max_size=70), max_size=20))
def test_is_fqdn_agrees_with_the_rules(names: list[str]) -> None:
    names += ["a" * 63 + ".example", "a" * 64 + ".example", ".".join(["a" * 50] * 5) + ".xy"]
    got = pl.DataFrame({"d": names}, schema={"d": pl.String}).select(is_fqdn(pl.col("d")))
    assert got["d"].to_list() == [_is_fqdn_reference(name) for name in names]


@SETTINGS
@given(
    st.lists(st.sampled_from([*TRICKY_LINES, '"20","a"b","c"', '""21,"a","b"', '","']), max_size=12)
)
def test_quoted_reports_read_like_the_exact_reader(extra: list[str]) -> None:
    filler = [f'"{i}","x,{i}","y"' for i in range(30)]
    text = "\n".join(["# a comment", *filler[:10], *extra, *filler[10:], *extra]) + "\n"
    columns = ["a", "b", "c"]
    fast = read_quoted_csv(text.encode(), columns, exact_split=split_csv)
    assert fast is not None
    with patch.object(_common, "MIN_FAST_LINES", 10**9):
        exact = read_csv(text, columns)
    assert fast[0].rows() == exact[0].rows()
    assert fast[1] == exact[1]
    assert read_quoted_csv(b"\x00", columns, exact_split=split_csv) is None
    assert read_quoted_csv(b'"\xff","b","c"\n', columns, exact_split=split_csv) is None
