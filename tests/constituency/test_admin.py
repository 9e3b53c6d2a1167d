"""Every admin page of the registry loads."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from natcert.constituency.models import (
    CERT,
    AutonomousSystem,
    Contact,
    Domain,
    NetworkPrefix,
    Organisation,
    Sector,
)
from natcert.core.models import AuditLog

pytestmark = pytest.mark.django_db

MODELS = [CERT, Sector, Organisation, NetworkPrefix, AutonomousSystem, Domain, Contact]


@pytest.fixture
def admin_client(registry: None) -> Client:
    client = Client()
    client.force_login(User.objects.create(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_list_add_and_change_pages(admin_client: Client, model: type) -> None:
    opts = model._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    assert admin_client.get(reverse(f"{base}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{base}_changelist"), {"q": "ptcl"}).status_code == 200
    assert admin_client.get(reverse(f"{base}_add")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200


def test_prefix_search_by_address(admin_client: Client) -> None:
    url = reverse("admin:constituency_networkprefix_changelist")
    page = admin_client.get(url, {"q": "198.51.100.200"}).content.decode()
    assert "198.51.100.128/25" in page
    assert "198.51.100.0/24" in page
    assert "203.0.113.0/24" not in page


def test_adding_a_prefix_with_host_bits_shows_the_error(admin_client: Client) -> None:
    org = Organisation.objects.get(slug="ptcl")
    url = reverse("admin:constituency_networkprefix_add")
    page = admin_client.post(url, {"organisation": org.pk, "cidr": "10.0.0.1/8"})
    assert page.status_code == 200
    assert "did you mean 10.0.0.0/8?" in page.content.decode()
    page = admin_client.post(url, {"organisation": org.pk, "cidr": "10.0.0.0/8"})
    assert page.status_code == 302
    assert NetworkPrefix.objects.get(cidr="10.0.0.0/8").end == "0" * 24 + "0affffff"


def test_organisation_without_cert_gets_the_sectors(admin_client: Client) -> None:
    sector = Sector.objects.get(slug="banking")
    url = reverse("admin:constituency_organisation_add")
    data = {"name": "New Bank", "slug": "new-bank", "sector": sector.pk, "country": "pk"}
    for prefix in ("prefixes", "autonomous_systems", "domains", "contacts"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org = Organisation.objects.get(slug="new-bank")
    assert (org.cert.slug, org.country) == ("bank-cert", "PK")


def test_audit_log_is_read_only(admin_client: Client) -> None:
    url = reverse("admin:core_auditlog_changelist")
    assert admin_client.get(url).status_code == 200
    entry = AuditLog.objects.first()
    assert entry is not None
    assert admin_client.get(reverse("admin:core_auditlog_change", args=[entry.pk])).status_code == (
        200
    )
    assert admin_client.get(reverse("admin:core_auditlog_add")).status_code == 403
