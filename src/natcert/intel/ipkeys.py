"""Sortable keys for IP addresses, so CIDR filters are plain index range scans.

An address becomes 32 lowercase hex digits of its IPv6 form (IPv4 is mapped into
``::ffff:0:0/96``, RFC 4291 §2.5.5.2). Lexicographic order of keys is numeric order of
addresses, so ``a.b.c.d/n`` is ``key >= first AND key <= last`` on SQLite and PostgreSQL.
"""

from __future__ import annotations

import ipaddress

import polars as pl


def ip_key(text: str) -> str:
    """The key of one address; ``""`` when ``text`` is not an IPv4/IPv6 address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv4Address):
        address = ipaddress.IPv6Address(f"::ffff:{address}")
    return f"{int(address):032x}"


def network_key_range(text: str) -> tuple[str, str]:
    """First and last key of a network or address (``10.0.0.0/8``, ``2001:db8::/32``).

    Raises ``ValueError`` naming the input when it is neither.
    """
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address or network") from None
    return ip_key(str(network[0])), ip_key(str(network[-1]))


_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"^{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}$"
_HEX_OCTET = {str(n): f"{n:02x}" for n in range(256)}
_V4_MAPPED = "00000000000000000000ffff"


def ip_keys(addresses: pl.Series) -> pl.Series:
    """Keys for a whole column (nulls and non-addresses give ``""``).

    Dotted-quad IPv4 (the bulk of every feed) is converted with column expressions; other
    values (IPv6, odd spellings) once per distinct value with :func:`ip_key`.
    """
    frame = pl.DataFrame({"a": addresses.cast(pl.String)})
    octets = pl.col("a").str.split(".")
    ipv4 = frame.select(
        pl.when(pl.col("a").str.contains(_IPV4)).then(
            pl.concat_str(
                pl.lit(_V4_MAPPED),
                *(
                    octets.list.get(i, null_on_oob=True).replace_strict(
                        _HEX_OCTET, default=None, return_dtype=pl.String
                    )
                    for i in range(4)
                ),
            )
        )
    ).to_series()
    others = addresses.filter(ipv4.is_null() & addresses.is_not_null())
    mapping = {value: ip_key(value) for value in others.unique().to_list()}
    rest = addresses.replace_strict(mapping, default="", return_dtype=pl.String)
    return ipv4.fill_null(rest).fill_null("").rename(addresses.name)
