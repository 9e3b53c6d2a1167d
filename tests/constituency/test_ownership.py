"""The ownership index from the registry, its cache, and ``natcert resolve``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from natcert.constituency import ownership
from natcert.constituency.actions import do_add_prefix, do_import_constituency
from natcert.constituency.models import Organisation
from natcert.pipeline.experts.ownership import Owner

pytestmark = pytest.mark.django_db


def resolve(*args: str) -> str:
    out = StringIO()
    call_command("resolve", *args, stdout=out)
    return out.getvalue()


def test_index_resolves_each_rule(registry: None) -> None:
    index = ownership.build_index()
    match = index.resolve_one("198.51.100.200")
    assert match is not None
    assert (match.rule, match.key, match.owner.organisation) == (
        "prefix",
        "198.51.100.128/25",
        "hbl",
    )
    assert match.owner == Owner(
        "hbl", "banking", "pkcert", "Habib Bank", "Banking & Finance", "PKCERT (National)"
    )
    assert index.resolve_one("AS64501").key == "AS64501"  # type: ignore[union-attr]
    domain = index.resolve_one("www.bücher.example.pk")
    assert domain is not None and domain.key == "xn--bcher-kva.example.pk"
    assert index.resolve_one("192.0.2.1") is None


def test_index_is_cached_and_follows_changes(registry: None) -> None:
    first = ownership.build_index()
    assert ownership.build_index() is first
    do_add_prefix(Organisation.objects.get(slug="ptcl"), "192.0.2.0/24", actor=None)
    second = ownership.build_index()
    assert second is not first
    assert second.resolve_one("192.0.2.1").organisation == "ptcl"  # type: ignore[union-attr]
    # A change that bypasses the actions (the admin, another process) is seen too.
    Organisation.objects.filter(slug="ptcl").update(name="PTCL renamed")
    assert ownership.build_index() is second  # update() leaves ``updated`` alone ...
    org = Organisation.objects.get(slug="ptcl")
    org.name = "PTCL again"
    org.save()  # ... save() moves it
    assert ownership.build_index().resolve_one("192.0.2.1").owner.organisation_name == (  # type: ignore[union-attr]
        "PTCL again"
    )


def test_import_refreshes_the_index(registry: None) -> None:
    assert ownership.build_index().resolve_one("192.0.2.1") is None
    text = "organisations:\n  - {slug: new, name: New, sector: telecom, prefixes: [192.0.2.0/24]}\n"
    do_import_constituency(text, "yaml", actor=None)
    assert ownership.build_index().resolve_one("192.0.2.1").organisation == "new"  # type: ignore[union-attr]


def test_resolve_command_text(registry: None) -> None:
    lines = resolve("203.0.113.7", "AS64500", "www.ptcl.example.pk", "192.0.2.1").splitlines()
    assert lines == [
        "203.0.113.7          PTCL (ptcl) · sector Telecom (telecom) · CERT Telecom CERT "
        "(telecom-cert) · rule prefix 203.0.113.0/24",
        "AS64500              PTCL (ptcl) · sector Telecom (telecom) · CERT Telecom CERT "
        "(telecom-cert) · rule asn AS64500",
        "www.ptcl.example.pk  PTCL (ptcl) · sector Telecom (telecom) · CERT Telecom CERT "
        "(telecom-cert) · rule domain ptcl.example.pk",
        "192.0.2.1            no owner",
    ]


def test_resolve_command_json(registry: None) -> None:
    data = json.loads(resolve("2001:db8::1", "example.org", "--json"))
    assert data == [
        {
            "indicator": "2001:db8::1",
            "rule": "prefix",
            "key": "2001:db8::/32",
            "owner": {
                "organisation": "ptcl",
                "sector": "telecom",
                "cert": "telecom-cert",
                "organisation_name": "PTCL",
                "sector_name": "Telecom",
                "cert_name": "Telecom CERT",
            },
        },
        {"indicator": "example.org", "rule": None, "key": None, "owner": None},
    ]


def test_resolve_tells_a_typo_from_an_unowned_indicator(registry: None) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match="3 indicator"):
        call_command(
            "resolve",
            "198.51.100.200",
            "999.1.1.1",
            "AS99999999999",
            "http://",
            "192.0.2.1",
            stdout=out,
        )
    lines = dict(line.split(maxsplit=1) for line in out.getvalue().splitlines())
    assert lines["198.51.100.200"].startswith("Habib Bank (hbl)")
    assert lines["999.1.1.1"] == "error: '999.1.1.1' is not an IPv4 or IPv6 network"
    assert "is not an AS number" in lines["AS99999999999"]
    assert lines["192.0.2.1"] == "no owner"
