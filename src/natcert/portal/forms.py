"""The portal's forms: the event filter (a GET form) and the login form's widgets.

Each filter field validates what a person types and says what is wrong in words
(``'10.0.0.300' is not an IP address or CIDR``); the valid form becomes an
:class:`natcert.intel.querysets.EventFilter` for :func:`natcert.intel.access.access_events`.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from natcert.intel.querysets import EventFilter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SORT_NEWEST = "-time"
SORT_OLDEST = "time"
SORT_CHOICES = [(SORT_NEWEST, _("Newest first")), (SORT_OLDEST, _("Oldest first"))]

_ASN = re.compile(r"^(?:AS)?(\d{1,10})$", re.IGNORECASE)
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_FQDN = re.compile(r"^[A-Za-z0-9_.-]{1,253}$")
_SLUG = re.compile(r"^[-A-Za-z0-9_]{1,100}$")
_ASN_MAX = 2**32 - 1  # RFC 6793: four-octet AS numbers


def _text(
    label: StrOrPromise, help_text: StrOrPromise = "", placeholder: str = ""
) -> forms.CharField:
    attrs = {"class": "form-control form-control-sm"}
    if placeholder:
        attrs["placeholder"] = _("e.g. %(example)s") % {"example": placeholder}
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        max_length=255,
        widget=forms.TextInput(attrs=attrs),
    )


def _when(label: StrOrPromise, help_text: StrOrPromise) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control form-control-sm"},
            format="%Y-%m-%dT%H:%M",
        ),
    )


class EventFilterForm(forms.Form):
    """Filters of the event list. Every field is optional; blank means "any".

    ``ip`` takes an IPv4/IPv6 address or CIDR network (containment), ``asn`` ``64500`` or
    ``AS64500``, ``country`` an ISO 3166-1 alpha-2 code, ``fqdn`` a domain (itself and names
    below it). Times are UTC and compared with ``time.observation`` (``until`` exclusive).
    """

    since = _when(_("From"), _("UTC, inclusive"))
    until = _when(_("To"), _("UTC, exclusive"))
    feed = _text(_("Feed"), placeholder="abusech-urlhaus-csv")
    taxonomy = _text(_("Taxonomy"), placeholder="malicious-code")
    type = _text(_("Type"), placeholder="malware-distribution")
    ip = _text(_("IP or CIDR"), placeholder="192.0.2.0/24")
    asn = _text(_("ASN"), placeholder="AS64500")
    country = _text(_("Country"), placeholder="PK")
    fqdn = _text(_("Domain"), _("Matches the name and every name below it"), "example.pk")
    organisation = _text(_("Organisation"), placeholder="pak-bank")
    sector = _text(_("Sector"), placeholder="banking")
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=SORT_CHOICES,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    SUGGESTED = ("feed", "taxonomy", "type", "organisation", "sector")
    """Fields with a ``<datalist>`` of known values (``id="<name>-options"``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.SUGGESTED:
            self.fields[name].widget.attrs["list"] = f"{name}-options"
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def full_clean(self) -> None:
        """Validate, then mark each invalid input for Bootstrap and screen readers."""
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            described = [f"id_{name}-error", attrs.get("aria-describedby", "")]
            attrs["aria-describedby"] = " ".join(part for part in described if part)

    def clean_ip(self) -> str:
        value: str = self.cleaned_data["ip"].strip()
        if not value:
            return ""
        try:
            return str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise forms.ValidationError(
                _("'%(value)s' is not an IP address or CIDR"), params={"value": value}
            ) from None

    def clean_asn(self) -> int | None:
        value: str = self.cleaned_data["asn"].strip()
        if not value:
            return None
        match = _ASN.match(value)
        if match is None or int(match.group(1)) > _ASN_MAX:
            raise forms.ValidationError(
                _("'%(value)s' is not an AS number (like 64500 or AS64500)"),
                params={"value": value},
            )
        return int(match.group(1))

    def clean_country(self) -> str:
        value: str = self.cleaned_data["country"].strip()
        if value and not _COUNTRY.match(value):
            raise forms.ValidationError(
                _("'%(value)s' is not a two-letter country code (like PK)"),
                params={"value": value},
            )
        return value.upper()

    def clean_fqdn(self) -> str:
        value: str = self.cleaned_data["fqdn"].strip().lower().rstrip(".")
        if value and not _FQDN.match(value):
            raise forms.ValidationError(
                _("'%(value)s' is not a domain name"), params={"value": value}
            )
        return value

    def _clean_slug(self, name: str) -> str:
        value: str = self.cleaned_data[name].strip()
        if value and not _SLUG.match(value):
            raise forms.ValidationError(
                _("'%(value)s' is not a slug (letters, digits, - and _)"),
                params={"value": value},
            )
        return value

    def clean_organisation(self) -> str:
        return self._clean_slug("organisation")

    def clean_sector(self) -> str:
        return self._clean_slug("sector")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        since: datetime | None = cleaned.get("since")
        until: datetime | None = cleaned.get("until")
        if since and until and since >= until:
            self.add_error("until", _("'To' must be later than 'From'."))
        return cleaned

    def to_filter(self) -> EventFilter:
        """The access layer's filter; call only after ``is_valid()`` returned ``True``."""
        data = self.cleaned_data
        return EventFilter(
            since=data.get("since"),
            until=data.get("until"),
            feed=data.get("feed", "").strip(),
            taxonomy=data.get("taxonomy", "").strip(),
            classification_type=data.get("type", "").strip(),
            ip=data.get("ip", ""),
            asn=data.get("asn"),
            country=data.get("country", ""),
            fqdn=data.get("fqdn", ""),
            organisation=data.get("organisation", ""),
            sector=data.get("sector", ""),
        )

    @property
    def sort_order(self) -> str:
        """``-time`` (default) or ``time``; valid even when other fields are not."""
        value = self.data.get("sort", SORT_NEWEST)
        return value if value in (SORT_NEWEST, SORT_OLDEST) else SORT_NEWEST

    @property
    def active(self) -> bool:
        """True when any filter (not the order or the page) is set."""
        return any(self.data.get(name) for name in self.fields if name != "sort")


class LoginForm(AuthenticationForm):
    """Django's login form with Bootstrap classes and the right ``autocomplete`` hints."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "username", "autofocus": True}
        )
        self.fields["password"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "current-password"}
        )
