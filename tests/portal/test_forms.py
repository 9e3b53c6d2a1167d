"""The event filter form: what it accepts and the messages it gives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from natcert.portal.forms import EventFilterForm


def errors(data: dict[str, str]) -> dict[str, list[str]]:
    form = EventFilterForm(data)
    assert not form.is_valid()
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def test_empty_form_is_valid_and_filters_nothing() -> None:
    form = EventFilterForm({})
    assert form.is_valid()
    spec = form.to_filter()
    assert spec.ip == "" and spec.asn is None and spec.since is None


@pytest.mark.parametrize(
    ("typed", "network"),
    [
        ("10.0.0.5", "10.0.0.5/32"),
        (" 10.1.2.3/8 ", "10.0.0.0/8"),
        ("2001:db8::1", "2001:db8::1/128"),
        ("2001:db8::/32", "2001:db8::/32"),
    ],
)
def test_ip_accepts_addresses_and_cidr(typed: str, network: str) -> None:
    form = EventFilterForm({"ip": typed})
    assert form.is_valid()
    assert form.to_filter().ip == network


@pytest.mark.parametrize("typed", ["10.0.0.300", "10.0.0.0/33", "example.pk", "2001:db8::g"])
def test_ip_rejects_with_a_clear_message(typed: str) -> None:
    assert errors({"ip": typed}) == {"ip": [f"'{typed}' is not an IP address or CIDR"]}


@pytest.mark.parametrize(
    ("typed", "asn"), [("64500", 64500), ("AS64500", 64500), ("as4200000000", 4200000000)]
)
def test_asn_accepts_plain_and_as_prefixed(typed: str, asn: int) -> None:
    form = EventFilterForm({"asn": typed})
    assert form.is_valid()
    assert form.to_filter().asn == asn


@pytest.mark.parametrize("typed", ["ASx", "-1", "4294967296", "AS 1 2"])
def test_asn_rejects(typed: str) -> None:
    assert errors({"asn": typed})["asn"][0].startswith(f"'{typed}' is not an AS number")


def test_country_is_upper_cased_and_checked() -> None:
    form = EventFilterForm({"country": "pk"})
    assert form.is_valid() and form.to_filter().country == "PK"
    assert errors({"country": "PAK"}) == {
        "country": ["'PAK' is not a two-letter country code (like PK)"]
    }


def test_fqdn_is_normalised_and_checked() -> None:
    form = EventFilterForm({"fqdn": "Example.PK."})
    assert form.is_valid() and form.to_filter().fqdn == "example.pk"
    assert errors({"fqdn": "exa mple.pk"}) == {"fqdn": ["'exa mple.pk' is not a domain name"]}


def test_slugs_are_checked() -> None:
    assert "organisation" in errors({"organisation": "bank <1>"})
    assert "sector" in errors({"sector": "a b"})


def test_times_are_utc_and_ordered() -> None:
    form = EventFilterForm({"since": "2026-11-01T10:00", "until": "2026-11-02T00:00"})
    assert form.is_valid()
    assert form.to_filter().since == datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    assert errors({"since": "2026-11-02T00:00", "until": "2026-11-01T00:00"}) == {
        "until": ["'To' must be later than 'From'."]
    }
    assert "since" in errors({"since": "yesterday"})


def test_invalid_fields_are_marked_for_assistive_technology() -> None:
    form = EventFilterForm({"ip": "10.0.0.300", "fqdn": "a b"})
    assert not form.is_valid()
    html = str(form["ip"])
    assert 'aria-invalid="true"' in html and "is-invalid" in html
    assert 'aria-describedby="id_ip-error"' in html
    assert 'aria-describedby="id_fqdn-error id_fqdn-help"' in str(form["fqdn"])


def test_sort_order_defaults_to_newest() -> None:
    assert EventFilterForm({}).sort_order == "-time"
    assert EventFilterForm({"sort": "time"}).sort_order == "time"
    assert EventFilterForm({"sort": "junk"}).sort_order == "-time"
