"""The duty analyst's pages: dashboard, events, one event, feeds, a feed's quarantine.

Views are thin: they validate the query string, ask ``natcert.intel.access`` (directly or via
:mod:`natcert.portal.queries`) and render. Every page needs a logged-in user; what the user
sees is decided by the access layer.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from natcert.intel.access import (
    IntelObjectNotFound,
    access_event_by_id,
    access_events,
    access_quarantine,
    access_report_by_id,
)
from natcert.intel.fields import EVENT_FIELDS
from natcert.intel.models import Event
from natcert.pipeline.feeds import load_catalogue
from natcert.portal import queries
from natcert.portal.forms import SORT_OLDEST, EventFilterForm, LoginForm

EVENTS_PER_PAGE = 50
QUARANTINE_PER_PAGE = 100


def _page(request: HttpRequest, items: Any, per_page: int) -> Page[Any]:
    """The requested page (``?page=``); out-of-range or junk numbers give the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Dashboard: event counts (24 h, 7 d), breakdowns by sector and type, feed runs."""
    return render(request, "portal/home.html", {"dash": queries.dashboard(request.user)})


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """Events matching the GET filters, paginated, newest (or oldest) first.

    Invalid filters render the form with its messages and no results.
    """
    form = EventFilterForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        spec = form.to_filter() if request.GET else None
        try:
            events = access_events(request.user, spec)
        except ValueError as exc:  # the access layer's own check of ``ip``
            form.add_error("ip", str(exc))
        else:
            if form.sort_order == SORT_OLDEST:
                events = events.order_by("time_observation", "id")
            page = _page(request, events, EVENTS_PER_PAGE)
    return render(
        request,
        "portal/event_list.html",
        {
            "form": form,
            "page": page,
            "sort": form.sort_order,
            "suggestions": queries.filter_suggestions(request.user),
        },
    )


FieldRow = tuple[str, str, Any]


def _event_fields(event: Event) -> tuple[list[FieldRow], list[FieldRow]]:
    """``(dotted name, label, value)`` of every stored field except ``raw`` and ``extra``,
    split into the fields the event has and the empty ones (``None`` or ``""``)."""
    present: list[FieldRow] = []
    empty: list[FieldRow] = []
    for field in EVENT_FIELDS:
        if field.column in ("raw", "extra"):
            continue
        model_field = Event._meta.get_field(field.column)
        label = getattr(model_field, "verbose_name", field.dotted)
        value = getattr(event, field.column)
        row = (field.dotted, str(label), value)
        (empty if value is None or value == "" else present).append(row)
    return present, empty


@login_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """Every field of one event with its harmonization name, its raw line and its report."""
    try:
        event = access_event_by_id(request.user, event_id)
    except IntelObjectNotFound:
        raise Http404(_("No such event.")) from None
    extra = json.dumps(event.extra, indent=2, sort_keys=True) if event.extra else ""
    present, empty = _event_fields(event)
    return render(
        request,
        "portal/event_detail.html",
        {
            "event": event,
            "fields": present,
            "empty_fields": empty,
            "extra": extra,
            "report": event.report,
            "owner": queries.owner_names(request.user, event),
        },
    )


@login_required
def feed_list(request: HttpRequest) -> HttpResponse:
    """Every catalogue feed: last run, status, stored events and quarantined rows."""
    return render(request, "portal/feed_list.html", {"rows": queries.feed_rows(request.user)})


@login_required
def quarantine(request: HttpRequest, feed: str) -> HttpResponse:
    """Rows of ``feed`` the parsers refused (optionally of one ``?report=``), with reasons."""
    if feed not in load_catalogue() and not access_quarantine(request.user, feed=feed).exists():
        raise Http404(_("No such feed."))
    report = None
    report_param = request.GET.get("report", "")
    if report_param:
        try:
            report = access_report_by_id(request.user, int(report_param))
        except (ValueError, IntelObjectNotFound):
            raise Http404(_("No such report.")) from None
    rows = access_quarantine(request.user, feed=feed, report_id=report.pk if report else None)
    return render(
        request,
        "portal/quarantine.html",
        {
            "feed_name": feed,
            "catalogue_feed": queries.catalogue_feed(feed),
            "report": report,
            "page": _page(request, rows, QUARANTINE_PER_PAGE),
        },
    )


class LoginView(auth_views.LoginView):
    """Django's login with natcert's page; a logged-in user goes straight to the dashboard."""

    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), back to the login page."""
