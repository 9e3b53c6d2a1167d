"""abuse.ch parsers: URLhaus CSV/JSON, Feodo Tracker CSV/JSON and ThreatFox."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.report import ParsedBatch, Report
from tests.conftest import SAMPLES

FEEDS = SAMPLES / "feeds"

URLHAUS_CSV = b"""################################################################
# abuse.ch URLhaus Database Dump (CSV - recent URLs)           #
# Last updated: 2024-03-19 11:40:05 (UTC)                      #
################################################################
#
# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
"2786904","2024-03-19 11:34:09","http://115.55.244.160:41619/Mozi.m","online","2024-03-19 11:34:09","malware_download","elf,Mozi","https://urlhaus.abuse.ch/url/2786904/","lrz_urlhaus"
"2786903","2024-03-19 11:33:08","https://Evil.Example.COM/x.exe","offline","","malware_download","exe","https://urlhaus.abuse.ch/url/2786903/","geenensp"
"2786902","2024-03-19 11:33:08","not a url","online","","malware_download","exe","https://urlhaus.abuse.ch/url/2786902/","geenensp"
"2786901","2024-03-19 11:33:08","http://x.example/"
"2786900","2024-03-19 11:30:00","http://[2001:db8::1]:8080/a","online","","malware_download","","https://urlhaus.abuse.ch/url/2786900/","me"
"2786899","yesterday","http://y.example/","online","","malware_download","","https://urlhaus.abuse.ch/url/2786899/","me"
"""

FEODO_CSV = b"""################################################################
# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)          #
# Last updated: 2024-03-19 11:18:22 UTC                        #
################################################################
"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"
"2021-01-17 07:44:46","51.178.161.32","4643","online","2024-03-19","Dridex"
"2023-12-01 09:01:02","2001:db8::7","443","offline","2024-03-18","QakBot"
"2021-01-17 07:44:46","51.178.161.320","4643","online","2024-03-19","Dridex"
"2021-01-17 07:44:46","51.178.161.33","99999","online","2024-03-19","Dridex"
# "Number of entries: 4"
"""


def parse(name: str, raw: bytes, url: str = "") -> ParsedBatch:
    return get_parser(name).parse(Report(feed="test", raw=raw, url=url))


def reasons(batch: ParsedBatch) -> list[tuple[int | None, str]]:
    return [(r.line, r.reason) for r in batch.rejects]


def test_urlhaus_csv() -> None:
    batch = parse("abusech.urlhaus_csv", URLHAUS_CSV)
    assert (len(batch), len(batch.rejects)) == (3, 3)
    first = batch.events.row(0, named=True)
    assert first["source.url"] == "http://115.55.244.160:41619/Mozi.m"
    assert (first["source.ip"], first["source.port"], first["source.fqdn"]) == (
        "115.55.244.160", 41619, None,
    )  # fmt: skip
    assert first["time.source"] == datetime(2024, 3, 19, 11, 34, 9, tzinfo=UTC)
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "malicious-code", "malware-distribution",
    )  # fmt: skip
    assert first["status"] == "online"
    assert first["event_description.url"] == "https://urlhaus.abuse.ch/url/2786904/"
    assert json.loads(first["extra"]) == {
        "urlhaus_id": "2786904",
        "tags": "elf,Mozi",
        "threat": "malware_download",
        "reporter": "lrz_urlhaus",
        "last_online": "2024-03-19 11:34:09",
    }
    assert first["_line"] == 7
    second = batch.events.row(1, named=True)
    assert (second["source.fqdn"], second["source.ip"], second["source.port"]) == (
        "evil.example.com", None, 443,
    )  # fmt: skip
    assert "last_online" not in json.loads(second["extra"])
    ipv6 = batch.events.row(2, named=True)
    assert (ipv6["source.ip"], ipv6["source.port"], ipv6["source.fqdn"]) == (
        "2001:db8::1", 8080, None,
    )  # fmt: skip
    assert reasons(batch)[:2] == [
        (9, "line 9: 'not a url' is not a URL"),
        (10, "line 10: too few fields: expected 9, found 3"),
    ]
    assert reasons(batch)[2] == (
        12, "line 12: dateadded 'yesterday' is not a time like 2024-03-19 11:34:09"
    )  # fmt: skip


def test_urlhaus_csv_older_layout_without_last_online() -> None:
    raw = (
        b"# id,dateadded,url,url_status,threat,tags,urlhaus_link,reporter\n"
        b'"1","2019-01-01 00:00:00","http://a.example/x","online","malware_download",'
        b'"exe","https://urlhaus.abuse.ch/url/1/","r"\n'
    )
    batch = parse("abusech.urlhaus_csv", raw)
    assert (len(batch), len(batch.rejects)) == (1, 0)
    assert batch.events["source.fqdn"].to_list() == ["a.example"]


def test_urlhaus_json_samples() -> None:
    full = parse(
        "abusech.urlhaus_json",
        (FEEDS / "abusech-urlhaus" / "urlhaus_json_full_records_2024.ndjson").read_bytes(),
    )
    assert (len(full), len(full.rejects)) == (3, 0)
    first = full.events.row(0, named=True)
    assert (first["source.url"], first["source.ip"], first["source.port"]) == (
        "http://178.141.56.23:57421/Mozi.m", "178.141.56.23", 57421,
    )  # fmt: skip
    assert first["time.source"] == datetime(2024, 3, 13, 18, 49, 10, tzinfo=UTC)
    assert json.loads(first["extra"])["tags"] == "elf,Mozi"
    recent = parse(
        "abusech.urlhaus_json",
        (FEEDS / "abusech-urlhaus" / "urlhaus_json_records_2024.ndjson").read_bytes(),
    )
    assert (len(recent), len(recent.rejects)) == (2, 0)
    assert recent.events["status"].to_list() == ["online", "online"]


def test_urlhaus_json_dump_and_api_shapes() -> None:
    record = {"dateadded": "2024-03-19 11:34:09 UTC", "url": "http://a.example/", "tags": None}
    dump = parse("abusech.urlhaus_json", json.dumps({"77": [record]}).encode())
    assert dump.events["source.fqdn"].to_list() == ["a.example"]
    assert json.loads(dump.events["extra"][0]) == {"urlhaus_id": "77"}
    api = {"query_status": "ok", "urls": [{**record, "date_added": record.pop("dateadded")}]}
    assert len(parse("abusech.urlhaus_json", json.dumps(api).encode())) == 1


def test_urlhaus_json_malformed_line() -> None:
    raw = b'{"url": "http://a.example/", "dateadded": "2024-03-19 11:34:09 UTC"}\n{oops\n'
    batch = parse("abusech.urlhaus_json", raw)
    assert len(batch) == 1
    assert batch.rejects[0].line == 2
    assert batch.rejects[0].reason.startswith("line 2: not valid JSON")


def test_feodo_csv() -> None:
    batch = parse("abusech.feodo_csv", FEODO_CSV)
    assert (len(batch), len(batch.rejects)) == (2, 2)
    first = batch.events.row(0, named=True)
    assert (first["source.ip"], first["source.port"], first["malware.name"]) == (
        "51.178.161.32", 4643, "dridex",
    )  # fmt: skip
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "malicious-code", "c2-server",
    )  # fmt: skip
    assert first["time.source"] == datetime(2021, 1, 17, 7, 44, 46, tzinfo=UTC)
    assert first["status"] == "online"
    assert batch.events["source.ip"][1] == "2001:db8::7"
    assert reasons(batch) == [
        (8, "line 8: '51.178.161.320' is not an IPv4 or IPv6 address"),
        (9, "line 9: '99999' is not a port number"),
    ]


def test_feodo_csv_headerless_and_empty() -> None:
    raw = b"# Firstseen,DstIP,DstPort,LastOnline,Malware\n"
    raw += b"2019-05-01 10:00:00,192.0.2.1,447,2019-06-01,TrickBot\n"
    batch = parse("abusech.feodo_csv", raw)
    assert (len(batch), len(batch.rejects)) == (1, 0)
    assert batch.events.row(0, named=True)["malware.name"] == "trickbot"
    assert len(parse("abusech.feodo_csv", b"# no entries\n")) == 0


def test_feodo_json_sample() -> None:
    raw = (FEEDS / "abusech-feodotracker" / "ipblocklist_2022.json").read_bytes()
    batch = parse("abusech.feodo_json", raw)
    assert (len(batch), len(batch.rejects)) == (4, 0)
    first = batch.events.row(0, named=True)
    assert (first["source.ip"], first["source.port"], first["source.asn"]) == (
        "51.178.161.32", 4643, 16276,
    )  # fmt: skip
    assert (first["source.as_name"], first["source.geolocation.cc"]) == ("OVH", "FR")
    assert first["source.reverse_dns"] == "srv-web.ffconsulting.com"
    assert first["malware.name"] == "dridex"
    assert first["time.source"] == datetime(2021, 1, 17, 7, 44, 46, tzinfo=UTC)
    assert batch.events["time.source"][3] is None  # the last record has no first_seen


def test_feodo_json_bad_record() -> None:
    batch = parse("abusech.feodo_json", b'[{"ip_address": "x", "port": 1}, 5]')
    assert len(batch) == 0
    assert reasons(batch) == [
        (1, "line 1: 'x' is not an IPv4 or IPv6 address"),
        (2, "record 2: not a JSON object"),
    ]


def test_threatfox_sample() -> None:
    raw = (FEEDS / "abusech-threatfox" / "threatfox_api_commercial_fields.ndjson").read_bytes()
    batch = parse("abusech.threatfox", raw)
    assert (len(batch), len(batch.rejects)) == (2, 0)
    first = batch.events.row(0, named=True)
    assert first["source.fqdn"] == "wizzy.hopto.org"
    assert (first["classification.taxonomy"], first["classification.type"]) == (
        "malicious-code", "c2-server",
    )  # fmt: skip
    assert first["malware.name"] == "asyncrat"
    assert first["time.source"] == datetime(2022, 8, 5, 19, 43, 8, tzinfo=UTC)
    assert json.loads(first["extra"])["confidence_level"] == "100"
    assert batch.events["time.source"][1] == datetime(2022, 8, 5, 11, 40, 15, tzinfo=UTC)


def test_threatfox_export_shapes_and_rejects() -> None:
    export = {
        "1": [{"ioc_value": "192.0.2.9:2404", "ioc_type": "ip:port", "threat_type": "botnet_cc",
               "malware_printable": "Remcos", "first_seen_utc": "2023-12-04 10:29:48"}],
        "2": [{"ioc_value": "http://bad.example/p.exe", "ioc_type": "url",
               "threat_type": "payload_delivery", "first_seen_utc": "2023-12-04 10:29:48"}],
        "3": [{"ioc_value": "d41d8cd98f00b204e9800998ecf8427e", "ioc_type": "md5_hash",
               "threat_type": "payload"}],
        "4": [{"ioc_value": "192.0.2.300:80", "ioc_type": "ip:port"}],
    }  # fmt: skip
    batch = parse("abusech.threatfox", json.dumps(export).encode())
    assert (len(batch), len(batch.rejects)) == (2, 2)
    ip_port, url = batch.events.rows(named=True)
    assert (ip_port["source.ip"], ip_port["source.port"], ip_port["malware.name"]) == (
        "192.0.2.9", 2404, "remcos",
    )  # fmt: skip
    assert (url["source.fqdn"], url["classification.type"]) == (
        "bad.example", "malware-distribution",
    )  # fmt: skip
    assert reasons(batch) == [
        (3, "line 3: ioc type 'md5_hash' is a file hash, not a network indicator"),
        (4, "line 4: '192.0.2.300:80' is not an IP address and port"),
    ]


def test_empty_dumps_and_api_answers() -> None:
    for name in ("abusech.urlhaus_json", "abusech.threatfox"):
        assert (len(parse(name, b"{}")), parse(name, b"{}").rejects) == (0, [])
    no_result = b'{"query_status": "no_result", "data": "Your search did not yield any results"}'
    assert (
        len(parse("abusech.threatfox", no_result)),
        parse("abusech.threatfox", no_result).rejects,
    ) == (0, [])


def test_urlhaus_csv_quick_reader_matches_the_exact_one() -> None:
    """The all-quoted fast path gives what the generic CSV reader gives, rejects included."""
    from polars.testing import assert_frame_equal

    from natcert.pipeline.parsers import abusech

    body = URLHAUS_CSV + b'"1","2024-03-19 11:34:09","http://a.example/""x","","","","","",""\n\n'
    for raw in (body, b"\xef\xbb\xbf" + body.replace(b"\n", b"\r\n")):
        fast = parse("abusech.urlhaus_csv", raw)
        text = Report(feed="test", raw=raw).text()
        frame, rejects = abusech.read_csv(text, abusech._urlhaus_header(text))
        exact = abusech._urlhaus_events(abusech._with_columns(frame, abusech.URLHAUS_COLUMNS))
        assert_frame_equal(fast.events, exact.events)
        assert reasons(fast) == sorted(reasons(exact) + [(r.line, r.reason) for r in rejects])
