"""The demo constituency: sector rules, real data, idempotence."""

from __future__ import annotations

import pytest

from natcert.constituency.actions import do_apply_registry
from natcert.constituency.demo import build_demo_registry, load_demo_constituency, load_rules
from natcert.constituency.models import CERT, Domain, NetworkPrefix, Organisation
from natcert.core.models import AuditLog

ROWS = [
    ("192.0.2.0/24", "Habib Bank Limited"),
    ("198.51.100.0/24", "Pakistan Telecommunication Company Limited"),
    ("2001:db8::/32", "Pakistan Telecommunication Company Limited"),
    ("203.0.113.0/25", "Ministry of Information Technology"),
    ("203.0.113.128/25", "K-Electric Limited"),
    ("100.64.0.0/24", "Aga Khan University"),
    ("100.64.1.0/24", "Gourmet Foods"),
    ("100.64.2.0/24", ""),  # no AS name: skipped
    ("100.64.1.0/24", "Somebody Else"),  # already given: skipped
    ("10.1.1.1/8", "Host Bits Networks"),  # normalised to 10.0.0.0/8
]


def test_rules_file_sectors() -> None:
    rules = load_rules()
    assert [s["slug"] for s in rules.sectors] == [
        "banking-finance",
        "energy",
        "government",
        "education",
        "telecom",
        "other",
    ]
    expected = {
        "Habib Bank Limited": "banking-finance",
        "Mobilink Microfinance Bank": "banking-finance",
        "K-Electric Limited": "energy",
        "Pakistan Telecommunication Authority": "government",
        "Ministry of Information Technology": "government",
        "Aga Khan University": "education",
        "Pakistan Telecommunication Company Limited": "telecom",
        "Nayatel (Pvt) Ltd": "telecom",
        "Cyber Internet Services Pvt Ltd.": "telecom",
        "Gourmet Foods": "other",
    }
    assert {name: rules.sector_for(name) for name in expected} == expected


def test_demo_registry_from_rows() -> None:
    registry, summary = build_demo_registry(ROWS, "PK", load_rules())
    assert (summary.organisations, summary.prefixes, summary.skipped) == (7, 8, 2)
    by_slug = {o.slug: o for o in registry.organisations}
    assert by_slug["host-bits-networks"].prefixes[0].value == "10.0.0.0/8"
    assert [d.value for d in by_slug["ministry-of-information-technology"].domains] == [
        "mit.gov.pk"
    ]
    assert [d.value for d in by_slug["aga-khan-university"].domains] == ["aku.edu.pk"]
    assert registry.certs[0].slug == "pkcert"
    assert {c.parent for c in registry.certs[1:]} == {"pkcert"}


@pytest.mark.django_db
def test_demo_rows_load_and_are_idempotent() -> None:
    registry, _ = build_demo_registry(ROWS, "PK", load_rules())
    first = do_apply_registry(registry, actor=None)
    assert first.changed
    registry, _ = build_demo_registry(ROWS, "PK", load_rules())
    assert not do_apply_registry(registry, actor=None).changed
    assert Organisation.objects.get(slug="k-electric-limited").cert.slug == "energy-cert"
    assert CERT.objects.get(slug="pkcert").name == "PKCERT (National)"


@pytest.mark.django_db
def test_real_demo_constituency_is_idempotent() -> None:
    summary = load_demo_constituency("PK")
    assert summary.organisations > 100
    assert summary.prefixes > 1000
    assert NetworkPrefix.objects.filter(family=6).exists()
    assert NetworkPrefix.objects.filter(family=4).exists()
    assert Domain.objects.filter(name__endswith=".gov.pk").exists()
    assert set(summary.by_sector) >= {"telecom", "banking-finance", "government", "other"}
    audits = AuditLog.objects.count()
    again = load_demo_constituency("PK")
    assert not again.changes.changed
    assert AuditLog.objects.count() == audits
    assert "prefix: " in "\n".join(again.lines())
