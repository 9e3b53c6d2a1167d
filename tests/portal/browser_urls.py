"""Test-only URLs for the Chromium tests: the site plus a session hand-over endpoint.

Chromium's command-line modes (``--dump-dom``, ``--screenshot``) can neither fill in a form
nor set a cookie, so the test logs in with Django's test client and hands the session key to
the browser through ``/__test__/session/?key=...&next=...``, which sets the session cookie and
redirects. Only ``@pytest.mark.urls("tests.portal.browser_urls")`` tests mount it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme

from natcert.urls import urlpatterns as site_urlpatterns


def hand_over_session(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.SESSION_COOKIE_NAME, request.GET["key"], httponly=True)
    return response


urlpatterns = [
    *site_urlpatterns,
    path("__test__/session/", hand_over_session),
]
