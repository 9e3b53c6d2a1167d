"""Shadowserver reports: every real sample, type detection, short and long rows, the schema."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from natcert.pipeline.parsers import _shadowserver_csv
from natcert.pipeline.parsers.base import get_parser
from natcert.pipeline.parsers.shadowserver import (
    BUILTIN,
    MISSING_FIELDS_KEY,
    ShadowserverReport,
    load_report_table,
    parse_shadowserver,
    refresh_report_table,
    report_table,
)
from natcert.pipeline.report import Report, ReportError
from tests.conftest import REFERENCE, SAMPLES

FEED = SAMPLES / "feeds" / "shadowserver"
SCHEMA = REFERENCE / "shadowserver" / "intelmq.json"

# file, events, rejects, report type, first event: identifier, source.ip, source.port, type
CASES = [
    ("legacy-2017/Sinkhole-HTTP-Drone.csv", 2, 0, "sinkhole_http_drone",
     "avalanche-goznym", "198.51.100.55", 63339, "infected-system"),
    ("legacy-2017/chargen_short.csv", 1, 0, "scan_chargen",
     "open-chargen", "192.168.45.68", 19, "ddos-amplifier"),
    ("legacy-2017/drone.csv", 10, 0, "botnet_drone",
     "sinkhole", "210.23.139.130", 3218, "infected-system"),
    ("legacy-2017/microsoft-sinkhole.csv", 14, 0, "microsoft_sinkhole",
     "b68-zeroaccess-1-64bit", "77.12.73.138", 64742, "infected-system"),
    ("legacy-2017/snmp.csv", 10, 0, "scan_snmp",
     "open-snmp", "129.113.21.93", 161, "ddos-amplifier"),
    ("legacy-2017/ssl_poodle.csv", 1, 0, "scan_ssl_poodle",
     "ssl-poodle", "203.0.113.85", 8443, "weak-crypto"),
    ("legacy-newfeeds/dns-open-resolvers.csv", 91, 0, "scan_dns",
     "dns-open-resolver", "198.51.100.4", 53, "ddos-amplifier"),
    ("legacy-newfeeds/open-elasticsearch-server.csv", 93, 0, "scan_elasticsearch",
     "open-elasticsearch", "198.51.100.4", 9200, "information-disclosure"),
    ("legacy-newfeeds/ssl-freak.csv", 49, 0, "scan_ssl_freak",
     "ssl-freak", "198.51.100.143", 443, "weak-crypto"),
    ("reports-2022/Accessible-Rsync.csv", 625, 0, "scan_rsync",
     "accessible-rsync", "198.51.100.199", 873, "potentially-unwanted-accessible"),
    ("reports-2022/Darknet.csv", 66, 0, "darknet",
     "darknet", "198.51.100.47", None, "scanner"),
    ("reports-2022/IPv6-Sinkhole-HTTP-Drone.csv", 3, 0, "ipv6_sinkhole_http_drone",
     "ghost-push", "2001:db8:abcd:12::", 36738, "infected-system"),
    ("reports-2022/blacklist.csv", 2, 0, "blocklist",
     "blacklisted-ip", "198.123.245.134", None, "blacklist"),
    ("reports-2022/event4_ddos_participant.csv", 3, 0, "event4_ddos_participant",
     "ddos-participant", "192.168.0.1", 38055, "ddos"),
    ("reports-2022/event4_honeypot_darknet.csv", 8, 0, "event4_honeypot_darknet",
     "darknet", "61.3.1.2", 4717, "scanner"),
    ("reports-2022/event4_honeypot_http_scan.csv", 2, 0, "event4_honeypot_http_scan",
     "http-scan", "191.23.45.67", 36455, "scanner"),
    ("reports-2022/event4_ip_spoofer.csv", 6, 0, "event4_ip_spoofer",
     "ip-spoofer", "98.191.250.0", None, "vulnerable-system"),
    ("reports-2022/event4_microsoft_sinkhole_http.csv", 5, 0, "event4_microsoft_sinkhole_http",
     "necurs", "31.206.1.2", 49245, "infected-system"),
    ("reports-2022/event4_sinkhole.csv", 2, 1, "event4_sinkhole",
     "victorygate.b", "190.113.1.2", 17409, "infected-system"),
    ("reports-2022/event4_sinkhole_http.csv", 5, 0, "event4_sinkhole_http",
     "avalanche-andromeda", "103.196.1.2", 60902, "infected-system"),
    ("reports-2022/event4_sinkhole_http_referer.csv", 5, 0, "event4_sinkhole_http_referer",
     "kovter", "178.162.203.211", 80, "infected-system"),
    ("reports-2022/honeypot_brute_force.csv", 6, 0, "event4_honeypot_brute_force",
     "ssh-brute-force", "141.98.1.2", 30123, "brute-force"),
    ("reports-2022/honeypot_ddos_amp.csv", 4, 1, "event4_honeypot_ddos_amp",
     "amplification-ddos-victim", "107.141.1.2", None, "ddos"),
    ("reports-2022/phish_url.csv", 3, 0, "phish_url",
     "phish-url", "172.245.0.0", None, "phishing"),
    ("reports-2022/population_http_proxy.csv", 3, 0, "population_http_proxy",
     "accessible-http-proxy", "192.168.0.1", 3128, "potentially-unwanted-accessible"),
    ("reports-2022/sandbox_dns.csv", 3, 0, "sandbox_dns", "sandbox-dns", None, None, "other"),
    ("reports-2022/sandbox_url.csv", 3, 0, "sandbox_url",
     "sandbox-url", "23.196.47.89", None, "malware-distribution"),
    ("reports-2022/scan6_telnet.csv", 2, 0, "scan_telnet",
     "accessible-telnet", "2a01::12", 5678, "potentially-unwanted-accessible"),
    ("reports-2022/scan_caida.csv", 5, 0, "scan_caida",
     "ip-spoofer", "137.97.71.0", None, "vulnerable-system"),
    ("reports-2022/scan_dns.csv", 100, 0, "scan_dns",
     "dns-open-resolver", "198.51.100.179", 53, "ddos-amplifier"),
    ("reports-2022/scan_exchange.csv", 7, 0, "scan_exchange",
     "vulnerable-exchange", "12.237.1.2", 443, "vulnerable-system"),
    ("reports-2022/scan_ics.csv", 3, 0, "scan_ics",
     "accessible-ics", "192.168.0.1", 502, "potentially-unwanted-accessible"),
    ("reports-2022/scan_ipmi.csv", 95, 0, "scan_ipmi",
     "open-ipmi", "198.51.100.4", 623, "vulnerable-system"),
    ("reports-2022/scan_ldap_udp.csv", 3, 0, "scan_ldap_udp",
     "open-ldap", "192.168.0.1", 389, "ddos-amplifier"),
    ("reports-2022/scan_log4shell_vulnerable.csv", 3, 0, "scan_log4shell_vulnerable",
     "log4shell", "198.51.100.147", 80, "vulnerable-system"),
    ("reports-2022/scan_quic.csv", 3, 0, "scan_quic",
     "accessible-quic", "176.255.0.0", 443, "potentially-unwanted-accessible"),
    ("reports-2022/scan_rdp.csv", 2, 0, "scan_rdp",
     "accessible-rdp", "198.123.245.178", 5678, "potentially-unwanted-accessible"),
    ("reports-2022/scan_ssh.csv", 3, 0, "scan_ssh",
     "accessible-ssh", "18.179.0.0", 22, "potentially-unwanted-accessible"),
    ("reports-2022/scan_ssl.csv", 3, 0, "scan_ssl",
     "accessible-ssl", "96.60.0.0", 10443, "potentially-unwanted-accessible"),
    ("reports-2022/scan_synfulknock.csv", 3, 0, "scan_synfulknock",
     "synfulknock", "66.9.0.0", 80, "system-compromise"),
    ("reports-2022/spam_url.csv", 3, 0, "spam_url", "spam-url", "192.168.0.1", None, "spam"),
    ("reports-2022/test_smb.csv", 3, 0, "scan_smb",
     "accessible-smb", "192.168.0.1", 445, "potentially-unwanted-accessible"),
]  # fmt: skip


def report(relative: str, name: str | None = None) -> Report:
    path = FEED / relative
    return Report(feed="shadowserver", raw=path.read_bytes(), name=name or path.name)


def csv_report(text: str, name: str = "2022-01-01-scan_ssh-asn-region.csv") -> Report:
    return Report(feed="shadowserver", raw=text.encode(), name=name)


def test_every_sample_is_covered() -> None:
    on_disk = {str(p.relative_to(FEED)) for p in FEED.glob("*/*.csv")}
    assert on_disk == {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("relative", "events", "rejects", "kind", "identifier", "ip", "port", "rsit_type"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_sample(
    relative: str,
    events: int,
    rejects: int,
    kind: str,
    identifier: str | None,
    ip: str | None,
    port: int | None,
    rsit_type: str | None,
) -> None:
    parsed = get_parser("shadowserver.report").parse(report(relative))
    assert (parsed.events.height, len(parsed.rejects)) == (events, rejects)
    header = (FEED / relative).read_text().split("\n", 1)[0].replace('"', "").split(",")
    found = BUILTIN.by_file_name(Path(relative).name) or BUILTIN.by_header(header)
    assert found is not None and found.name == kind
    if events == 0:
        return
    first = parsed.events.row(0, named=True)
    assert first["classification.identifier"] == identifier
    assert first.get("source.ip") == ip
    assert first.get("source.port") == port
    assert first["classification.type"] == rsit_type
    assert parsed.events["_line"][0] == 2
    assert parsed.events.schema["time.source"] == pl.Datetime("us", "UTC")
    assert parsed.events.schema["_line"] == pl.Int64
    for column in ("source.asn", "source.port", "destination.port", "destination.asn"):
        if column in parsed.events.columns:
            assert parsed.events.schema[column] == pl.Int64
    for text in parsed.events["extra"].drop_nulls():
        assert isinstance(json.loads(text), dict)


def test_first_rows_in_detail() -> None:
    rsync = parse_shadowserver(report("reports-2022/Accessible-Rsync.csv")).events.row(
        0, named=True
    )
    assert rsync["time.source"] == datetime(2018, 10, 22, 11, 11, 11, tzinfo=UTC)
    assert rsync["source.asn"] == 25255
    assert rsync["source.geolocation.cc"] == "AT"
    assert rsync["source.reverse_dns"] == "198-51-100-137.example.net"
    assert rsync["protocol.transport"] == "tcp"
    assert rsync["classification.taxonomy"] == "vulnerable"
    assert json.loads(rsync["extra"]) == {
        "tag": "rsync", "region": "OBEROSTERREICH", "city": "STEYR", "module": "data",
        "password": "N",
    }  # fmt: skip
    assert rsync["raw"].startswith('"2018-10-22 11:11:11","198.51.100.199"')

    drone = parse_shadowserver(report("legacy-2017/drone.csv")).events.row(0, named=True)
    assert (drone["destination.ip"], drone["destination.port"]) == ("74.208.164.166", 80)
    assert (drone["destination.asn"], drone["destination.geolocation.cc"]) == (8560, "US")
    assert drone["malware.name"] == "sinkhole"

    http = parse_shadowserver(report("reports-2022/IPv6-Sinkhole-HTTP-Drone.csv")).events
    assert http["destination.url"][0] == "http://198-51-100-38.example.net/okla/api/1"
    assert http["destination.ip"][0] == "2a02:1668:1034::2"

    phish = parse_shadowserver(report("reports-2022/phish_url.csv")).events.row(0, named=True)
    assert phish["source.url"] == "https://priceless-pare.example.net/Postal-/acec6/"
    assert phish["source.fqdn"] == "priceless-pare.example.net"
    assert phish["classification.taxonomy"] == "fraud"

    spoof = parse_shadowserver(report("reports-2022/event4_ip_spoofer.csv")).events
    assert spoof["source.network"][0] == "98.191.250.0/24"

    dns = parse_shadowserver(report("reports-2022/sandbox_dns.csv")).events
    assert dns["source.fqdn"].to_list() == [
        "time.windows.com",
        "time.windows.com",
        "client-office365-tas.msedge.net",
    ]


def test_exchange_webshell_rows_are_compromises() -> None:
    events = parse_shadowserver(report("reports-2022/scan_exchange.csv")).events
    webshell = events.filter(pl.col("classification.identifier") == "exchange-webshell")
    assert webshell["_line"].to_list() == [3, 4]
    assert set(webshell["classification.taxonomy"]) == {"intrusions"}
    assert set(webshell["classification.type"]) == {"system-compromise"}


def test_bad_values_are_rejected_with_the_reason() -> None:
    parsed = parse_shadowserver(report("reports-2022/event4_sinkhole.csv"))
    [bad] = parsed.rejects
    assert bad.line == 4
    assert bad.reason == (
        "line 4: '148.81.111.11.12' in column 'dst_ip' is not an IPv4 or IPv6 address"
    )
    assert bad.raw.startswith('"2021-03-04 00:00:00"')


def test_real_short_rows_are_kept() -> None:
    """Shadowserver drops trailing empty columns: whole real reports are one field short."""
    sinkhole = parse_shadowserver(report("legacy-2017/microsoft-sinkhole.csv"))
    assert sinkhole.rejects == []
    assert sinkhole.events["_line"].to_list() == list(range(2, 16))
    first = sinkhole.events.row(0, named=True)
    assert (first["destination.ip"], first["destination.port"]) == ("168.63.184.224", 16470)
    assert (first["destination.asn"], first["destination.geolocation.cc"]) == (8075, "SG")
    assert (first["source.asn"], first["source.geolocation.cc"]) == (6805, "DE")
    assert first["malware.name"] == "b68-zeroaccess-1-64bit"
    assert json.loads(first["extra"]) == {MISSING_FIELDS_KEY: 1}
    last = sinkhole.events.row(-1, named=True)
    assert last["destination.url"] == "http://9A5BB34EEDE4B85B9E81F40D530B68FF.co.cc/message.php"
    assert last["malware.name"] == "bamital-b58"
    assert json.loads(last["extra"])["http_referer"] == "0"

    rdp = parse_shadowserver(report("reports-2022/scan_rdp.csv"))
    assert rdp.rejects == []
    assert rdp.events["source.ip"].to_list() == ["198.123.245.178", "198.123.245.233"]
    extra = json.loads(rdp.events["extra"][1])
    assert extra[MISSING_FIELDS_KEY] == 1
    assert "jarm" not in extra  # the dropped last column reads as null
    assert extra["subject_common_name"] == "RAMBLA01.rambla.local"
    assert (extra["sector"], extra["bluekeep_vulnerable"]) == ("Information Technology", "N")
    assert rdp.events["protocol.application"].to_list() == ["rdp", "rdp"]

    synful = parse_shadowserver(report("reports-2022/scan_synfulknock.csv")).events
    counts = [json.loads(e).get(MISSING_FIELDS_KEY) for e in synful["extra"]]
    assert counts == [None, None, 1]  # only line 4 lacks its (empty) 'sector'


def test_well_formed_and_short_rows_stay_columnar(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("row-by-row splitting used")

    monkeypatch.setattr(_shadowserver_csv, "split_csv", refuse)
    monkeypatch.setattr(_shadowserver_csv, "_second_chance", refuse)
    for relative in (
        "reports-2022/Accessible-Rsync.csv",
        "legacy-2017/microsoft-sinkhole.csv",
        "reports-2022/scan_rdp.csv",
    ):
        assert parse_shadowserver(report(relative)).events.height > 0


HEADER = '"timestamp","ip","protocol","port","hostname","tag","asn","geo","serverid_software"\n'


def test_ragged_rows_more_and_fewer_fields() -> None:
    text = HEADER + (
        '"2022-01-01 00:00:01","192.0.2.1","tcp",22,,"ssh",64496,"AT","OpenSSH"\n'
        '"2022-01-01 00:00:02","192.0.2.2","tcp",22,,"ssh",64496,"AT"\n'
        '"2022-01-01 00:00:03","192.0.2.3","tcp",22,,"ssh",64496,"AT","OpenSSH","extra"\n'
        '"2022-01-01 00:00:04","192.0.2.4","tcp",22,,"ssh,64496,"AT","OpenSSH"\n'
        "\n"
        '"2022-01-01 00:00:05","192.0.2.5","tcp",99999,,"ssh",64496,"AT","OpenSSH"\n'
        '"not a time","192.0.2.6","tcp",22,,"ssh",AS64496,"AT","OpenSSH"\n'
    )
    text += (
        '"2022-01-01 00:00:09","192.0.2.9","tcp",22,,"ssh",64496,"AT","OpenSSH",1,2,3\n'
        '"2022-01-01 00:00:10","192.0.2.10","tcp"\n'
        '"2022-01-01 00:00:11","192.0.2.11","tcp",22,,"s\\"s\\"h",64496\n'
        '"2022-01-01 00:00:12","192.0.2.12","tcp",22,,"ssh",64496,"AT","\\""\n'
        '"2022-01-01 00:00:13"\n'
    )
    parsed = parse_shadowserver(csv_report(text))
    events = parsed.events
    ips = ["192.0.2.1", "192.0.2.2", "192.0.2.10", "192.0.2.11", "192.0.2.12"]
    assert events["source.ip"].to_list() == ips
    missing = [json.loads(e or "{}").get(MISSING_FIELDS_KEY) for e in events["extra"]]
    assert missing == [None, 1, 6, 2, None]
    assert events["source.port"].to_list() == [22, 22, None, 22, 22]
    assert json.loads(events["extra"][3])["tag"] == 's"s"h'
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (4, "line 4: 10 fields, header has 9"),
        (5, "line 5: unbalanced or misplaced double quote"),
        (7, "line 7: '99999' in column 'port' is not a port number (0-65535)"),
        (8, "line 8: 'not a time' in column 'timestamp' is not a date and time"),
        (9, "line 9: 12 fields, header has 9"),
        (13, "line 13: no IP address, network, URL or domain to act on"),
    ]


def test_unreadable_rows_and_headers() -> None:
    huge = "y" * 200_000
    text = HEADER + (
        f'"2022-01-01 00:00:01","192.0.2.1","tcp",22,,"ssh",64496,"AT","{huge}"\n'
        f'"2022-01-01 00:00:02","192.0.2.2","tcp",22,,"ssh",64496,"AT","{huge}\\""\n'
        '"2022-01-01 00:00:03","192.0.2.3","tcp",22,,"ssh",64496,"AT","a\r\\"b\n'
    )
    parsed = parse_shadowserver(csv_report(text))
    assert parsed.events["source.ip"].to_list() == ["192.0.2.1"]
    assert len(json.loads(parsed.events["extra"][0])["serverid_software"]) == 200_000
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (3, "line 3: a field is longer than 131072 characters, the most allowed"),
        (4, "line 4: unbalanced or misplaced double quote"),
    ]
    with pytest.raises(ReportError, match="header line is not readable as CSV"):
        parse_shadowserver(csv_report("x" * 200_000))
    binary = Report(feed="shadowserver", raw=b"timestamp,ip\n" + bytes(range(256)) * 4)
    assert parse_shadowserver(binary, report_type="scan_ssh").events.height == 0


def test_backslash_escaped_quotes_get_a_second_chance() -> None:
    parsed = parse_shadowserver(report("reports-2022/population_http_proxy.csv"))
    assert parsed.rejects == []
    extra = json.loads(parsed.events["extra"][0])
    assert extra["proxy_authenticate"] == 'Basic realm=""Squid proxy-caching web server""'


def test_report_type_override_and_detection() -> None:
    rows = '"2022-01-01 00:00:01","192.0.2.1","tcp",22,,"ssh",64496,"AT","OpenSSH"\n'
    by_name = parse_shadowserver(csv_report(HEADER + rows, name="whatever.csv"))
    assert by_name.events["classification.identifier"][0] == "accessible-ssh"  # by header
    forced = ShadowserverReport(report_type="scan_telnet").parse(csv_report(HEADER + rows))
    assert forced.events["classification.identifier"][0] == "accessible-telnet"
    with pytest.raises(ReportError, match="unknown Shadowserver report type 'nope'"):
        parse_shadowserver(csv_report(HEADER + rows), report_type="nope")
    unknown = '"timestamp","ip","colour"\n"2022-01-01 00:00:01","192.0.2.1","red"\n'
    with pytest.raises(ReportError, match="pass report_type="):
        parse_shadowserver(csv_report(unknown, name="mystery.csv"))
    dated = parse_shadowserver(csv_report(unknown, name="2022-01-01-scan_ssh-asn-region.csv"))
    assert dated.events["classification.identifier"][0] == "accessible-ssh"


@pytest.mark.parametrize(
    ("file_name", "kind"),
    [
        ("2022-01-01-scan_ssh-asn-region.csv", "scan_ssh"),
        ("2022-01-01-scan_ssl_freak-geo.csv", "scan_ssl_freak"),
        ("2021-03-04-event4_sinkhole_http_referer-asn.csv", "event4_sinkhole_http_referer"),
        ("2021-03-04-event6_sinkhole-asn.csv", "event4_sinkhole"),
        ("snmp.csv", "scan_snmp"),
        ("Sinkhole-HTTP-Drone.csv", "sinkhole_http_drone"),
        ("Accessible-Rsync.csv", "scan_rsync"),
        ("blacklist.csv", "blocklist"),
    ],
)
def test_file_names(file_name: str, kind: str) -> None:
    found = BUILTIN.by_file_name(file_name)
    assert found is not None and found.name == kind


def test_api_report_list_types_are_known() -> None:
    listing = json.loads((FEED / "api" / "reports-list.json").read_text())
    for entry in listing:
        found = BUILTIN.by_file_name(entry["file"])
        assert found is not None, entry["file"]
        assert entry["type"] in (found.name, *found.aliases)


def test_other_families_are_refused_cleanly() -> None:
    for path in sorted((SAMPLES / "feeds").rglob("*")):
        if not path.is_file() or path.is_relative_to(FEED):
            continue
        data = Report(feed="x", raw=path.read_bytes(), name=path.name)
        try:
            parsed = parse_shadowserver(data)
        except ReportError:
            continue
        assert parsed.events.height == 0, path
    with pytest.raises(ReportError):
        parse_shadowserver(csv_report(""))


def test_published_schema_loads_and_parses_every_sample() -> None:
    published = load_report_table(SCHEMA)
    assert len(published) >= 170
    assert published.types["event4_sinkhole_http"].taxonomy == "malicious-code"
    assert published.types["scan_ssh"].type == "potentially-unwanted-accessible"
    table = BUILTIN.overlay(published)
    for relative, events, rejects, *_ in CASES:
        parsed = parse_shadowserver(report(relative), table=table)
        assert (parsed.events.height, len(parsed.rejects)) == (events, rejects), relative
    alone = parse_shadowserver(report("reports-2022/scan_ssh.csv"), table=published)
    assert alone.events.height == 3
    assert alone.events["source.asn"][0] == 16509


def test_load_report_table_refuses_garbage(tmp_path: Path) -> None:
    bad = tmp_path / "schema.json"
    bad.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a JSON object"):
        load_report_table(bad)
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not JSON"):
        load_report_table(bad)


@pytest.fixture
def schema_server() -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SCHEMA.parent))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_refresh_downloads_into_the_data_directory(schema_server: str, tmp_path: Path) -> None:
    saved = refresh_report_table(f"{schema_server}/intelmq.json", tmp_path / "shadowserver")
    assert saved.parent == tmp_path / "shadowserver"
    assert saved.read_bytes() == SCHEMA.read_bytes()
    assert len(load_report_table(saved)) == len(load_report_table(SCHEMA))
    refreshed = report_table(saved.parent)
    assert "scan6_msrpc" in refreshed.types and "darknet" in refreshed.types
    assert report_table(tmp_path / "nothing") is BUILTIN
    with pytest.raises(ValueError, match="not JSON"):
        refresh_report_table(f"{schema_server}/ABOUT.md", tmp_path / "other")
    assert not (tmp_path / "other").exists()
    with pytest.raises(ValueError, match="only http"):
        refresh_report_table("file:///etc/passwd", tmp_path)
