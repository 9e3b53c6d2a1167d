"""Named read queries over events: the portal's filters as one queryset method each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models

from natcert.intel.ipkeys import network_key_range

if TYPE_CHECKING:
    from natcert.intel.models import Event  # noqa: F401


@dataclass(frozen=True)
class EventFilter:
    """The portal's event filters; ``None`` or ``""`` means "any".

    ``ip`` takes an address or a CIDR network (IPv4 or IPv6) and matches ``source.ip``;
    times are aware datetimes compared with ``time.observation``.
    """

    since: datetime | None = None
    until: datetime | None = None
    feed: str = ""
    taxonomy: str = ""
    classification_type: str = ""
    ip: str = ""
    asn: int | None = None
    country: str = ""
    fqdn: str = ""
    organisation: str = ""
    sector: str = ""
    cert: str = ""


class EventQuerySet(models.QuerySet["Event"]):
    def observed_between(self, since: datetime | None, until: datetime | None) -> EventQuerySet:
        qs = self
        if since is not None:
            qs = qs.filter(time_observation__gte=since)
        if until is not None:
            qs = qs.filter(time_observation__lt=until)
        return qs

    def in_network(self, text: str) -> EventQuerySet:
        """Events whose ``source.ip`` is ``text`` or inside it. Raises ``ValueError``."""
        first, last = network_key_range(text)
        return self.filter(source_ip_key__gte=first, source_ip_key__lte=last)

    def for_fqdn(self, fqdn: str) -> EventQuerySet:
        """Events for ``fqdn`` or any name below it (``example.pk`` matches ``www.example.pk``)."""
        name = fqdn.strip().lower().rstrip(".")
        return self.filter(models.Q(source_fqdn=name) | models.Q(source_fqdn__endswith="." + name))

    def matching(self, spec: EventFilter) -> EventQuerySet:
        """Apply every set filter of ``spec`` (AND). Raises ``ValueError`` for a bad ``ip``."""
        qs = self.observed_between(spec.since, spec.until)
        exact = {
            "feed_name": spec.feed,
            "classification_taxonomy": spec.taxonomy,
            "classification_type": spec.classification_type,
            "source_geolocation_cc": spec.country.upper(),
            "constituency_organisation": spec.organisation,
            "constituency_sector": spec.sector,
            "constituency_cert": spec.cert,
        }
        qs = qs.filter(**{column: value for column, value in exact.items() if value})
        if spec.asn is not None:
            qs = qs.filter(source_asn=spec.asn)
        if spec.ip:
            qs = qs.in_network(spec.ip)
        if spec.fqdn:
            qs = qs.for_fqdn(spec.fqdn)
        return qs
