"""A minimal MaxMind DB writer for tests (https://maxmind.github.io/MaxMind-DB/).

IPv6 tree (IPv4 networks live under ``::/96``), 24-bit records, data types utf8 string,
uint16/32/64, map, array. Enough to make small GeoLite2-shaped files; not for production.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"


def _size_bytes(size: int) -> tuple[int, bytes]:
    if size < 29:
        return size, b""
    if size < 29 + 256:
        return 29, bytes([size - 29])
    if size < 285 + 65536:
        return 30, (size - 285).to_bytes(2, "big")
    return 31, (size - 65821).to_bytes(3, "big")


def _control(type_number: int, size: int) -> bytes:
    size_bits, extra = _size_bytes(size)
    if type_number <= 7:
        return bytes([(type_number << 5) | size_bits]) + extra
    return bytes([size_bits, type_number - 7]) + extra


def _uint(type_number: int, value: int) -> bytes:
    body = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return _control(type_number, len(body)) + body


def encode(value: Any) -> bytes:
    """Encode a Python value in the MaxMind DB data format."""
    if isinstance(value, str):
        body = value.encode()
        return _control(2, len(body)) + body
    if isinstance(value, int):
        return _uint(6 if value < 2**32 else 9, value)
    if isinstance(value, dict):
        items = b"".join(encode(str(k)) + encode(v) for k, v in value.items())
        return _control(7, len(value)) + items
    if isinstance(value, list):
        return _control(11, len(value)) + b"".join(encode(v) for v in value)
    raise TypeError(f"cannot encode {value!r}")


def write_mmdb(path: Path, records: dict[str, dict[str, Any]], database_type: str) -> Path:
    """Write ``{cidr: record}`` as an IPv6 MaxMind DB (nested networks: inner ones win)."""
    data = bytearray()
    tree: list[list[Any]] = [[None, None]]  # child: None, ("node", i) or ("data", offset)
    ordered = sorted(
        records.items(), key=lambda item: ipaddress.ip_network(item[0]).prefixlen
    )  # outer first, so inner networks split the leaves they fall in
    for cidr, record in ordered:
        offset = len(data)
        data += encode(record)
        _insert(tree, ipaddress.ip_network(cidr), ("data", offset))
    node_count = len(tree)

    def record_value(child: Any) -> int:
        if child is None:
            return node_count
        kind, number = child
        return number if kind == "node" else node_count + 16 + number

    body = b"".join(
        record_value(left).to_bytes(3, "big") + record_value(right).to_bytes(3, "big")
        for left, right in tree
    )
    metadata = {
        "binary_format_major_version": 2,
        "binary_format_minor_version": 0,
        "build_epoch": 1_700_000_000,
        "database_type": database_type,
        "description": {"en": "natcert test database"},
        "ip_version": 6,
        "languages": ["en"],
        "node_count": node_count,
        "record_size": 24,
    }
    meta = b"".join(encode(k) + _encode_metadata(k, v) for k, v in metadata.items())
    raw = body + bytes(16) + bytes(data) + METADATA_MARKER + _control(7, len(metadata)) + meta
    path.write_bytes(raw)
    return path


def _encode_metadata(key: str, value: Any) -> bytes:
    """libmaxminddb insists on the exact integer types of the metadata fields."""
    if key.endswith(("version", "record_size")):
        return _uint(5, value)
    if key == "build_epoch":
        return _uint(9, value)
    return encode(value)


def _insert(tree: list[list[Any]], network: Any, leaf: tuple[str, int]) -> None:
    address = int(network.network_address)
    length = network.prefixlen
    if network.version == 4:
        address, length = address, length + 96
    node = 0
    for depth in range(length):
        bit = (address >> (127 - depth)) & 1
        child = tree[node][bit]
        if depth == length - 1:
            tree[node][bit] = leaf
            return
        if child is None or child[0] == "data":
            tree.append([child, child])  # push an outer network's data down both branches
            tree[node][bit] = ("node", len(tree) - 1)
        node = tree[node][bit][1]
