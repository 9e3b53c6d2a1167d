"""The only way views, APIs, exports and commands obtain registry objects.

Scoping today (``accounts`` will add memberships and roles): ``user=None`` is the system (CLI,
pipeline) and sees everything; an active staff user or superuser is a national CERT
analyst/admin and sees everything; anybody else sees nothing. ``access_*_by_slug`` raise
``Organisation.DoesNotExist`` / ``CERT.DoesNotExist`` / ``Sector.DoesNotExist`` for objects
that do not exist *or* that the user may not see (no existence leak).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from natcert.constituency.models import (
    CERT,
    AutonomousSystem,
    Contact,
    Domain,
    NetworkPrefix,
    Organisation,
    Sector,
)
from natcert.core.access import sees_everything


def certs_for(user: Any) -> QuerySet[CERT]:
    """CERTs ``user`` may see."""
    if sees_everything(user):
        return CERT.objects.all()
    return CERT.objects.none()


def sectors_for(user: Any) -> QuerySet[Sector]:
    """Sectors ``user`` may see, with their CERT."""
    if sees_everything(user):
        return Sector.objects.select_related("cert")
    return Sector.objects.none()


def organisations_for(user: Any) -> QuerySet[Organisation]:
    """Organisations ``user`` may see, with sector and responsible CERT."""
    if sees_everything(user):
        return Organisation.objects.select_related("sector", "cert")
    return Organisation.objects.none()


def prefixes_for(user: Any) -> QuerySet[NetworkPrefix]:
    """Prefixes of the organisations ``user`` may see."""
    return NetworkPrefix.objects.filter(organisation__in=organisations_for(user))


def autonomous_systems_for(user: Any) -> QuerySet[AutonomousSystem]:
    """AS numbers of the organisations ``user`` may see."""
    return AutonomousSystem.objects.filter(organisation__in=organisations_for(user))


def domains_for(user: Any) -> QuerySet[Domain]:
    """Domains of the organisations ``user`` may see."""
    return Domain.objects.filter(organisation__in=organisations_for(user))


def contacts_for(user: Any) -> QuerySet[Contact]:
    """Contacts of the organisations and CERTs ``user`` may see."""
    if sees_everything(user):
        return Contact.objects.select_related("organisation", "cert")
    return Contact.objects.none()


def access_organisation_by_slug(user: Any, slug: str) -> Organisation:
    """The organisation ``slug`` if ``user`` may see it; ``Organisation.DoesNotExist`` otherwise."""
    return organisations_for(user).get(slug=slug)


def access_cert_by_slug(user: Any, slug: str) -> CERT:
    """The CERT ``slug`` if ``user`` may see it; ``CERT.DoesNotExist`` otherwise."""
    return certs_for(user).get(slug=slug)


def access_sector_by_slug(user: Any, slug: str) -> Sector:
    """The sector ``slug`` if ``user`` may see it; ``Sector.DoesNotExist`` otherwise."""
    return sectors_for(user).get(slug=slug)
