"""Named read queries of the registry."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.db import models

from natcert.constituency.netdata import address_hex

if TYPE_CHECKING:
    from natcert.constituency.models import NetworkPrefix  # noqa: F401  # used in a string


class NetworkPrefixQuerySet(models.QuerySet["NetworkPrefix"]):
    def containing(self, address: str) -> NetworkPrefixQuerySet:
        """Prefixes that contain ``address`` (IPv4 or IPv6), longest first.

        Raises ``ValueError`` when ``address`` is not an IP address.
        """
        ip = ipaddress.ip_address(address.strip())
        key = address_hex(ip)
        return self.filter(family=ip.version, start__lte=key, end__gte=key).order_by(
            "-start", "end"
        )
