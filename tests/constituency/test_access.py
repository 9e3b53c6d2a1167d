"""Who sees the registry (until accounts add memberships: system and national staff only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User

from natcert.constituency import access
from natcert.constituency.models import Organisation

pytestmark = pytest.mark.django_db


def users() -> dict[str, Any]:
    return {
        "system": None,
        "superuser": User.objects.create(username="root", is_staff=True, is_superuser=True),
        "staff": User.objects.create_user("staff", is_staff=True),
        "plain": User.objects.create_user("plain"),
        "inactive staff": User.objects.create_user("gone", is_staff=True, is_active=False),
        "anonymous": AnonymousUser(),
    }


SEES_ALL = {"system", "superuser", "staff"}


def test_role_matrix(registry: None) -> None:
    for name, user in users().items():
        expected = name in SEES_ALL
        assert access.organisations_for(user).count() == (2 if expected else 0), name
        assert access.prefixes_for(user).exists() is expected, name
        assert access.autonomous_systems_for(user).exists() is expected, name
        assert access.domains_for(user).exists() is expected, name
        assert access.contacts_for(user).exists() is expected, name
        assert access.certs_for(user).exists() is expected, name
        assert access.sectors_for(user).exists() is expected, name
        if expected:
            assert access.access_organisation_by_slug(user, "ptcl").name == "PTCL"
        else:
            with pytest.raises(Organisation.DoesNotExist):
                access.access_organisation_by_slug(user, "ptcl")
