"""natcert's own table of the common Shadowserver report types (works offline).

Each entry: the type's file-name ``name`` (as in ``2022-01-01-scan_ssh-asn-region.csv``), a
title, its RSIT class, the ``classification.identifier``, the header ``signature`` (columns
that all appear only in this type's header, used when the file name says nothing), file-name
aliases of legacy generations, and the column mappings the type needs beyond :data:`COMMON`.
IPv6 variants (``scan6_*``, ``event6_*``) use the IPv4 entry. Column meanings come from
Shadowserver's report pages (https://www.shadowserver.org/what-we-do/network-reporting/).
"""

from __future__ import annotations

from natcert.pipeline.parsers._shadowserver_schema import Mapping, ReportTable, ReportType

M = Mapping

COMMON: tuple[Mapping, ...] = (
    M("timestamp", "time.source", "time"),
    M("ip", "source.ip", "ip"),
    M("src_ip", "source.ip", "ip"),
    M("port", "source.port", "int"),
    M("src_port", "source.port", "int"),
    M("asn", "source.asn", "asn"),
    M("src_asn", "source.asn", "asn"),
    M("geo", "source.geolocation.cc", "upper"),
    M("src_geo", "source.geolocation.cc", "upper"),
    M("hostname", "source.reverse_dns", "fqdn"),
    M("src_hostname", "source.reverse_dns", "fqdn"),
    M("protocol", "protocol.transport", "lower"),
    M("dst_ip", "destination.ip", "ip"),
    M("dst_port", "destination.port", "int"),
    M("dst_asn", "destination.asn", "asn"),
    M("dst_geo", "destination.geolocation.cc", "upper"),
    M("dst_hostname", "destination.reverse_dns", "fqdn"),
    M("naics", "extra.naics", "nonzero"),
    M("sic", "extra.sic", "nonzero"),
    M("src_naics", "extra.src_naics", "nonzero"),
    M("dst_naics", "extra.dst_naics", "nonzero"),
)
"""Columns with one meaning in every report type (2017 and 2022 header names)."""

ACCESSIBLE = ("vulnerable", "potentially-unwanted-accessible")
AMPLIFIER = ("vulnerable", "ddos-amplifier")
VULNERABLE = ("vulnerable", "vulnerable-system")
WEAK_CRYPTO = ("vulnerable", "weak-crypto")
DISCLOSURE = ("vulnerable", "information-disclosure")
INFECTED = ("malicious-code", "infected-system")
COMPROMISED = ("intrusions", "system-compromise")
SCANNER = ("information-gathering", "scanner")
BRUTE_FORCE = ("intrusion-attempts", "brute-force")
DDOS = ("availability", "ddos")
BLACKLIST = ("other", "blacklist")
PHISHING = ("fraud", "phishing")
SPAM = ("abusive-content", "spam")
MALWARE_DISTRIBUTION = ("malicious-code", "malware-distribution")
OTHER = ("other", "other")

# Sinkhole reports: the malware family is in ``infection`` (2022), else ``family``/``tag``.
_MALWARE = (
    M("infection", "malware.name", "lower"),
    M("family", "malware.name", "lower"),
    M("tag", "malware.name", "lower"),
    M("infection", "classification.identifier", "lower"),
    M("tag", "classification.identifier", "lower"),
)
_HTTP = (
    M("http_url", "destination.url", "http_url"),
    M("http_host", "destination.fqdn", "fqdn"),
)
_REFERER = (
    M("http_referer_ip", "source.ip", "ip"),
    M("http_referer_port", "source.port", "int"),
    M("http_referer_asn", "source.asn", "asn"),
    M("http_referer_geo", "source.geolocation.cc", "upper"),
    M("http_referer_hostname", "source.reverse_dns", "fqdn"),
)
_SPAM_SENDER = tuple(
    M(f"src_{c}", "extra.", "text") for c in ("ip", "asn", "geo", "region", "city", "naics")
)


def _t(
    name: str,
    title: str,
    rsit: tuple[str, str],
    identifier: str,
    signature: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
    mappings: tuple[Mapping, ...] = (),
    application: str = "",
) -> ReportType:
    return ReportType(
        name=name,
        title=title,
        taxonomy=rsit[0],
        type=rsit[1],
        identifier=identifier,
        mappings=mappings,
        signature=frozenset(signature) if signature else None,
        aliases=aliases,
        constants=(("protocol.application", application),) if application else (),
    )


_TYPES = (
    # Scans of reachable services (one row per IP:port).
    _t("scan_dns", "DNS-Open-Resolvers", AMPLIFIER, "dns-open-resolver",
       ("ip", "dns_version", "min_amplification"), ("dns_open_resolvers",), (), "dns"),
    _t("scan_ldap_udp", "Open-LDAP", AMPLIFIER, "open-ldap",
       ("ip", "configuration_naming_context", "amplification"), ("ldap_udp",), (), "ldap"),
    _t("scan_ldap_tcp", "Open-LDAP-TCP", ACCESSIBLE, "open-ldap",
       ("ip", "configuration_naming_context"), ("ldap_tcp",), (), "ldap"),
    _t("scan_chargen", "Open-Chargen", AMPLIFIER, "open-chargen",
       ("ip", "size"), ("chargen",), (), "chargen"),
    _t("scan_snmp", "Open-SNMP", AMPLIFIER, "open-snmp",
       ("ip", "sysdesc", "sysname"), ("snmp", "open_snmp"), (), "snmp"),
    _t("scan_ssl", "Accessible-SSL", ACCESSIBLE, "accessible-ssl",
       ("ip", "handshake", "cipher_suite", "ssl_poodle", "freak_vulnerable"), (), (), "tls"),
    _t("scan_ssl_poodle", "SSL-POODLE-Vulnerable-Servers", WEAK_CRYPTO, "ssl-poodle",
       ("ip", "handshake", "cipher_suite", "ssl_poodle"), ("ssl_poodle",), (), "tls"),
    _t("scan_ssl_freak", "SSL-FREAK-Vulnerable-Servers", WEAK_CRYPTO, "ssl-freak",
       ("ip", "handshake", "cipher_suite", "freak_vulnerable"), ("ssl_freak",), (), "tls"),
    _t("scan_elasticsearch", "Open-Elasticsearch", DISCLOSURE, "open-elasticsearch",
       ("ip", "cluster_name", "lucene_version"), ("open_elasticsearch", "elasticsearch")),
    _t("scan_ipmi", "Open-IPMI", VULNERABLE, "open-ipmi",
       ("ip", "ipmi_version"), ("ipmi", "open_ipmi"), (), "ipmi"),
    _t("scan_rsync", "Accessible-Rsync", ACCESSIBLE, "accessible-rsync",
       ("ip", "module", "motd"), ("accessible_rsync", "rsync"), (), "rsync"),
    _t("scan_ssh", "Accessible-SSH", ACCESSIBLE, "accessible-ssh",
       ("ip", "serverid_software"), ("accessible_ssh", "ssh"), (), "ssh"),
    _t("scan_rdp", "Accessible-RDP", ACCESSIBLE, "accessible-rdp",
       ("ip", "rdp_protocol"), ("accessible_rdp", "rdp"), (), "rdp"),
    _t("scan_smb", "Accessible-SMB", ACCESSIBLE, "accessible-smb",
       ("ip", "smb_major_number"), ("accessible_smb", "smb"), (), "smb"),
    _t("scan_telnet", "Accessible-Telnet", ACCESSIBLE, "accessible-telnet",
       ("ip", "banner"), ("accessible_telnet", "telnet"), (), "telnet"),
    _t("scan_ics", "Accessible-ICS", ACCESSIBLE, "accessible-ics",
       ("ip", "raw_response", "device_id"), ("accessible_ics",)),
    _t("scan_quic", "Accessible-QUIC", ACCESSIBLE, "accessible-quic",
       ("ip", "version_field_1"), ("accessible_quic",), (), "quic"),
    _t("scan_adb", "Accessible-ADB", ACCESSIBLE, "accessible-adb",
       ("ip", "model", "device", "features"), ("accessible_adb",), (), "adb"),
    _t("scan_cisco_smart_install", "Accessible-Cisco-Smart-Install", VULNERABLE,
       "accessible-cisco-smart-install", (), ("cisco_smart_install",)),
    _t("scan_exchange", "Vulnerable-Exchange-Server", VULNERABLE, "vulnerable-exchange",
       ("ip", "servername"), ("exchange",)),
    _t("scan_log4shell_vulnerable", "Vulnerable-Log4j", VULNERABLE, "log4shell",
       ("ip", "status", "method", "public_source"), ("log4shell",)),
    _t("scan_synfulknock", "SYNful-Knock", COMPROMISED, "synfulknock",
       ("ip", "raw_packet", "sequence_number"), ("synfulknock",)),
    _t("population_http_proxy", "Accessible-HTTP-Proxy", ACCESSIBLE, "accessible-http-proxy",
       ("ip", "proxy_authenticate"), ("http_proxy",), (), "http"),
    _t("scan_caida", "CAIDA-IP-Spoofer", VULNERABLE, "ip-spoofer",
       ("ip", "routedspoof"), ("caida",), (M("network", "source.network", "network"),)),
    # Events seen by sinkholes, honeypots and darknets (2022 names).
    _t("event4_ip_spoofer", "IP-Spoofer-Events", VULNERABLE, "ip-spoofer",
       ("src_ip", "routedspoof"), ("event_ip_spoofer", "ip_spoofer"),
       (M("network", "source.network", "network"),)),
    _t("event4_sinkhole", "Sinkhole-Events", INFECTED, "sinkhole",
       ("src_ip", "infection", "event_id"), ("event_sinkhole",), _MALWARE),
    _t("event4_sinkhole_http", "Sinkhole-Events-HTTP", INFECTED, "sinkhole-http",
       ("src_ip", "infection", "http_url", "http_host"), ("event_sinkhole_http",),
       _MALWARE + _HTTP, "http"),
    _t("event4_sinkhole_http_referer", "Sinkhole-Events-HTTP-Referer", INFECTED,
       "sinkhole-http-referer", ("http_referer_ip", "http_url"),
       ("event_sinkhole_http_referer",), _REFERER + _MALWARE + _HTTP, "http"),
    _t("event4_microsoft_sinkhole", "Microsoft-Sinkhole-Events", INFECTED, "sinkhole",
       ("src_ip", "infection", "event_id"), ("event_microsoft_sinkhole",), _MALWARE),
    _t("event4_microsoft_sinkhole_http", "Microsoft-Sinkhole-Events-HTTP", INFECTED,
       "sinkhole-http", ("src_ip", "infection", "http_url", "http_host"),
       ("event_microsoft_sinkhole_http",), _MALWARE + _HTTP, "http"),
    _t("event4_honeypot_darknet", "Honeypot-Darknet", SCANNER, "darknet",
       ("src_ip", "infection", "event_id", "count"),
       ("event_honeypot_darknet", "honeypot_darknet"), _MALWARE[:3]),
    _t("event4_honeypot_brute_force", "Honeypot-Brute-Force-Events", BRUTE_FORCE,
       "brute-force", ("src_ip", "username", "password", "client_version"),
       ("event_honeypot_brute_force", "honeypot_brute_force"),
       (M("infection", "classification.identifier", "lower"),
        M("service", "protocol.application", "lower"))),
    _t("event4_honeypot_ddos_amp", "Honeypot-Amplification-DDoS-Events", DDOS,
       "amplification-ddos-victim", ("src_ip", "request", "bytes", "end_time"),
       ("event_honeypot_ddos_amp", "honeypot_ddos_amp")),
    _t("event4_honeypot_http_scan", "Honeypot-HTTP-Scan", SCANNER, "http-scan",
       ("src_ip", "pattern", "http_request_method"),
       ("event_honeypot_http_scan", "honeypot_http_scan"), (), "http"),
    _t("event4_ddos_participant", "DDoS-Participant", DDOS, "ddos-participant",
       ("src_ip", "attack_src_ip"), ("event_ddos_participant", "ddos_participant")),
    _t("darknet", "Darknet", SCANNER, "darknet",
       ("ip", "dst_ip", "count", "public_source"), (), _MALWARE[:3]),
    # Legacy (2017) sinkhole reports.
    _t("botnet_drone", "Botnet-Drone", INFECTED, "botnet-drone",
       ("ip", "infection", "cc", "cc_port"), ("drone",),
       (*_MALWARE, M("cc", "destination.ip", "ip"), M("cc_port", "destination.port", "int"),
        M("cc_asn", "destination.asn", "asn"), M("cc_geo", "destination.geolocation.cc", "upper"),
        M("cc_dns", "destination.fqdn", "fqdn"), M("type", "protocol.transport", "lower"))),
    _t("sinkhole_http_drone", "Sinkhole-HTTP-Drone", INFECTED, "sinkhole-http",
       ("ip", "src_port", "dst_ip", "type", "http_agent", "http_host"), (),
       (M("type", "malware.name", "lower"), M("type", "classification.identifier", "lower"),
        M("url", "destination.url", "http_url"), M("http_host", "destination.fqdn", "fqdn")),
       "http"),
    _t("microsoft_sinkhole", "Microsoft-Sinkhole", INFECTED, "sinkhole-http",
       ("ip", "src_port", "dst_ip", "type", "http_agent", "http_host"), (),
       (M("type", "malware.name", "lower"), M("type", "classification.identifier", "lower"),
        M("url", "destination.url", "http_url"), M("http_host", "destination.fqdn", "fqdn"))),
    _t("ipv6_sinkhole_http_drone", "IPv6-Sinkhole-HTTP-Drone", INFECTED, "sinkhole-http",
       ("src_ip", "tag", "http_url", "forwarded_by"), (),
       (M("tag", "malware.name", "lower"), M("tag", "classification.identifier", "lower"),
        *_HTTP), "http"),
    # Lists of hosts, URLs and domains.
    _t("blocklist", "Blocklist", BLACKLIST, "blacklisted-ip",
       ("ip", "source", "reason"), ("blacklist",),
       (M("ip", "source.ip", "ip_host"), M("ip", "source.network", "ip_net"))),
    _t("spam_url", "Spam-URL", SPAM, "spam-url",
       ("url", "host", "sender", "subject"), (),
       (M("url", "source.url", "url"), M("host", "source.fqdn", "fqdn"), *_SPAM_SENDER)),
    _t("phish_url", "Phish-URL", PHISHING, "phish-url",
       ("url", "host", "ip", "source"), (),
       (M("url", "source.url", "url"), M("host", "source.fqdn", "fqdn"))),
    _t("sandbox_url", "Sandbox-URL", MALWARE_DISTRIBUTION, "sandbox-url",
       ("ip", "md5", "url", "user_agent"), (),
       (M("url", "source.url", "url"), M("host", "source.fqdn", "fqdn"))),
    _t("sandbox_dns", "Sandbox-DNS", OTHER, "sandbox-dns",
       ("md5hash", "request", "response"), (), (M("request", "source.fqdn", "fqdn"),), "dns"),
)  # fmt: skip

BUILTIN = ReportTable({kind.name: kind for kind in _TYPES})
"""natcert's table: types earlier in it win a header-signature tie."""

TAG_RULES: dict[str, tuple[tuple[str, tuple[str, str], str], ...]] = {
    "scan_exchange": (("webshell", COMPROMISED, "exchange-webshell"),),
    "scan6_exchange": (("webshell", COMPROMISED, "exchange-webshell"),),
}
"""Per type: (substring of ``tag``, RSIT class, identifier) that reclassify a row."""
