"""Parsing and normalising the registry's network facts: prefixes, AS numbers, domain names.

Pure Python (no Django). Every function raises ``ValueError`` with a message a person
understands, quoting the input, e.g. ``'10.0.0.1/8' has host bits set (did you mean
10.0.0.0/8?)``. Callers add the line number or field.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import NamedTuple

import idna

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ASN_MAX = 4_294_967_295  # 32-bit AS numbers (RFC 6793); 0 is reserved (RFC 7607)
HEX_WIDTH = 32  # an IPv6 address is 128 bits = 32 hex digits; IPv4 is padded to the same width

_ASN_TEXT = re.compile(r"^(?:AS)?\s*(\d+)$", re.IGNORECASE)


class PrefixRange(NamedTuple):
    """A normalised prefix and its first/last address as fixed-width hex (sortable as text)."""

    cidr: str
    family: int
    start: str
    end: str


@lru_cache(maxsize=1 << 16)  # networks are immutable; an import parses each prefix twice
def parse_prefix(text: str) -> IPNetwork:
    """``'203.0.113.0/24'`` → the network; a bare address is a /32 or /128.

    Raises ``ValueError`` when the text is not an IPv4/IPv6 prefix or has host bits set.
    """
    raw = str(text).strip()
    if not raw:
        raise ValueError("empty prefix")
    try:
        return ipaddress.ip_network(raw, strict=True)
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(raw, strict=False)
    except ValueError:
        raise ValueError(f"'{raw}' is not an IPv4 or IPv6 prefix") from None
    raise ValueError(f"{raw} has host bits set (did you mean {loose}?)")


def address_hex(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """The address as 32 lowercase hex digits (IPv4 zero-padded): text order = numeric order."""
    return format(int(address), f"0{HEX_WIDTH}x")


def prefix_range(network: IPNetwork) -> PrefixRange:
    """The normalised text form, family (4 or 6) and hex bounds of ``network``."""
    return PrefixRange(
        cidr=str(network),
        family=network.version,
        start=address_hex(network.network_address),
        end=address_hex(network.broadcast_address),
    )


def parse_asn(value: str | int) -> int:
    """``64500``, ``'64500'``, ``'AS64500'`` → ``64500``.

    Raises ``ValueError`` outside 1..4294967295 or for anything that is not an AS number.
    """
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an AS number")
    if isinstance(value, int):
        number = value
    else:
        match = _ASN_TEXT.match(str(value).strip())
        if match is None:
            raise ValueError(f"'{value}' is not an AS number (expected e.g. AS64500 or 64500)")
        number = int(match.group(1))
    if not 1 <= number <= ASN_MAX:
        raise ValueError(f"AS number {number} is out of range (1 to {ASN_MAX})")
    return number


def normalize_domain(text: str) -> str:
    """A domain name in its ASCII (punycode) form, lowercase, without trailing dot.

    ``'Bücher.Example.PK.'`` → ``'xn--bcher-kva.example.pk'``. Raises ``ValueError`` for an
    empty name, a single label, or labels IDNA 2008 / UTS #46 reject.
    """
    raw = str(text).strip().rstrip(".")
    if not raw:
        raise ValueError("empty domain name")
    if "://" in raw or "/" in raw or "@" in raw or " " in raw:
        raise ValueError(f"'{text}' is not a domain name (give only the name, e.g. example.gov.pk)")
    try:
        ascii_name = idna.encode(raw, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"'{text}' is not a valid domain name ({exc})") from None
    if "." not in ascii_name:
        raise ValueError(f"'{text}' is not a fully qualified domain name (no dot)")
    return ascii_name.lower()


def domain_display(name: str) -> str:
    """The Unicode form of a stored punycode name (for people); the name itself on failure."""
    try:
        return idna.decode(name)
    except idna.IDNAError:
        return name
