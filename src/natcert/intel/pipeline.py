"""The Django side's pipeline wiring: the expert chain and ``ingest_report``.

Experts run in this order (each a ``natcert.pipeline.experts.base.Expert``):

1. taxonomy: fills ``classification.taxonomy`` from ``classification.type`` (RSIT);
2. geo: ``source.geolocation.cc`` / ``source.asn`` from geoip2fast's bundled data, or from
   MaxMind ``.mmdb`` files / a pyasn ``ipasn`` file when ``settings.NATCERT.geo_mmdb_country``,
   ``geo_mmdb_asn`` or ``ipasn_file`` are set;
3. ownership: ``constituency.*`` from the registry (longest prefix, then ASN, then domain);
4. dedup: adds ``_hash``, the stable event hash the event store is idempotent on.
"""

from __future__ import annotations

from django.conf import settings

from natcert.pipeline.experts.base import Expert


def geo_expert() -> Expert:
    """The geo/ASN expert over the configured sources, asked in order: MaxMind ``.mmdb``
    files, then a pyasn ``ipasn`` file (when configured), then geoip2fast's bundled data,
    which always answers last for whatever the others left empty."""
    from natcert.pipeline.experts.geo import (
        GeoExpert,
        Geoip2fastSource,
        GeoSource,
        IpasnSource,
        MaxMindSource,
    )

    env = settings.NATCERT
    sources: list[GeoSource] = []
    if env.geo_mmdb_country or env.geo_mmdb_asn:
        sources.append(MaxMindSource(country=env.geo_mmdb_country, asn=env.geo_mmdb_asn))
    if env.ipasn_file:
        sources.append(IpasnSource(env.ipasn_file))
    sources.append(Geoip2fastSource())
    return GeoExpert(sources)


def ownership_expert() -> Expert:
    """The ownership expert over the registry as it is now (prefixes, ASNs, domains)."""
    from natcert.constituency.ownership import build_index
    from natcert.pipeline.experts.ownership import OwnershipExpert

    return OwnershipExpert(build_index())


def build_experts() -> list[Expert]:
    """The expert chain in order: taxonomy, geo, ownership, dedup."""
    from natcert.pipeline.experts.dedup import DedupExpert
    from natcert.pipeline.experts.taxonomy import TaxonomyExpert

    return [TaxonomyExpert(), geo_expert(), ownership_expert(), DedupExpert()]
