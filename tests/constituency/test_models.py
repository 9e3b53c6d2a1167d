"""Model validation: the errors a person sees in the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from natcert.constituency.actions import (
    do_add_autonomous_system,
    do_add_contact,
    do_add_domain,
    do_add_prefix,
    do_create_cert,
    do_create_organisation,
    do_create_sector,
)
from natcert.constituency.models import CERT, NetworkPrefix, Organisation
from natcert.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Organisation:
    cert = do_create_cert(name="Telecom CERT", slug="telecom-cert", kind="sectoral", actor=None)
    sector = do_create_sector(name="Telecom", slug="telecom", cert=cert, actor=None)
    return do_create_organisation(name="PTCL", slug="ptcl", sector=sector, country="pk", actor=None)


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_organisation_defaults_to_the_sectors_cert(org: Organisation) -> None:
    assert org.cert.slug == "telecom-cert"
    assert org.country == "PK"
    assert AuditLog.objects.filter(action="constituency.create_organisation").get().object_id == (
        str(org.pk)
    )


def test_prefix_is_normalised_with_its_range(org: Organisation) -> None:
    prefix = do_add_prefix(org, "2001:DB8:0::/32", actor=None)
    assert (prefix.cidr, prefix.family) == ("2001:db8::/32", 6)
    assert prefix.start == "20010db8" + "0" * 24
    assert prefix.end == "20010db8" + "f" * 24
    v4 = do_add_prefix(org, "203.0.113.0/24", actor=None)
    assert (v4.start, v4.end) == ("0" * 24 + "cb007100", "0" * 24 + "cb0071ff")


@pytest.mark.parametrize(
    ("cidr", "message"),
    [
        ("10.0.0.1/8", "10.0.0.1/8 has host bits set (did you mean 10.0.0.0/8?)"),
        ("10.0.0.0/33", "'10.0.0.0/33' is not an IPv4 or IPv6 prefix"),
        ("banana", "'banana' is not an IPv4 or IPv6 prefix"),
        ("2001:db8::1/32", "2001:db8::1/32 has host bits set (did you mean 2001:db8::/32?)"),
    ],
)
def test_bad_prefixes(org: Organisation, cidr: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        do_add_prefix(org, cidr, actor=None)
    assert messages(caught) == {"cidr": [message]}
    assert not NetworkPrefix.objects.exists()


def test_prefix_owned_by_two_organisations(org: Organisation) -> None:
    other = do_create_organisation(name="Other", slug="other", sector=org.sector, actor=None)
    do_add_prefix(org, "203.0.113.0/24", actor=None)
    with pytest.raises(ValidationError) as caught:
        do_add_prefix(other, "203.0.113.0/24", actor=None)
    assert messages(caught) == {"cidr": ["203.0.113.0/24 is already owned by organisation 'ptcl'."]}
    # Nested prefixes of another organisation are allowed: the longest prefix wins.
    do_add_prefix(other, "203.0.113.128/25", actor=None)
    assert [p.cidr for p in NetworkPrefix.objects.containing("203.0.113.200")] == [
        "203.0.113.128/25",
        "203.0.113.0/24",
    ]
    assert not NetworkPrefix.objects.containing("203.0.114.1").exists()


def test_asn_and_domain_validation(org: Organisation) -> None:
    do_add_autonomous_system(org, 64500, "PTCL", actor=None)
    with pytest.raises(ValidationError, match="AS64500 is already owned by organisation 'ptcl'"):
        do_add_autonomous_system(org, 64500, actor=None)
    with pytest.raises(ValidationError, match="out of range"):
        do_add_autonomous_system(org, 4_294_967_296, actor=None)
    domain = do_add_domain(org, "Bücher.Example.PK.", actor=None)
    assert domain.name == "xn--bcher-kva.example.pk"
    assert str(domain) == "bücher.example.pk"
    with pytest.raises(ValidationError, match="already owned"):
        do_add_domain(org, "xn--bcher-kva.example.pk", actor=None)
    with pytest.raises(ValidationError, match="not a fully qualified domain name"):
        do_add_domain(org, "localhost", actor=None)


def test_contact_belongs_to_exactly_one_owner(org: Organisation) -> None:
    with pytest.raises(ValidationError, match="either an organisation or a CERT"):
        do_add_contact(name="X", email="x@example.org", actor=None)
    with pytest.raises(ValidationError, match="either an organisation or a CERT"):
        do_add_contact(name="X", email="x@example.org", organisation=org, cert=org.cert, actor=None)
    with pytest.raises(ValidationError, match="ASCII-armoured"):
        do_add_contact(name="X", email="x@example.org", organisation=org, pgp_key="abc", actor=None)
    contact = do_add_contact(
        name="SOC", email="soc@example.org", organisation=org, languages="EN ur", actor=None
    )
    assert contact.languages == "en,ur"


def test_cert_cannot_be_its_own_ancestor() -> None:
    national = do_create_cert(name="National", slug="national", kind="national", actor=None)
    child = do_create_cert(name="Child", slug="child", kind="sectoral", parent=national, actor=None)
    national.parent = child
    with pytest.raises(ValidationError, match="own parent or ancestor"):
        national.full_clean()
    assert CERT.objects.get(slug="national").parent is None


def test_country_must_be_two_letters(org: Organisation) -> None:
    org.country = "PAK"
    with pytest.raises(ValidationError, match="two-letter"):
        org.full_clean()
