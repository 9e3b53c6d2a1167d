"""Login, logout, the login requirement of every page, the layout and the security headers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.portal.conftest import PASSWORD

PAGES = [
    reverse("portal:home"),
    reverse("portal:event_list"),
    reverse("portal:event_detail", args=[1]),
    reverse("portal:feed_list"),
    reverse("portal:quarantine", args=["test-feed"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_page_requires_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={url}"


@pytest.mark.django_db
def test_login_page_renders_an_accessible_form(client: Client) -> None:
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="form-label" for="id_username">' in html
    assert '<label class="form-label" for="id_password">' in html
    assert 'autocomplete="current-password"' in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/portal/portal.css" in html
    assert "<style" not in html and " style=" not in html  # the CSP forbids inline styles


@pytest.mark.django_db
def test_login_then_logout(client: Client, analyst: Any) -> None:
    response = client.post(
        reverse("portal:login"),
        {"username": "duty", "password": PASSWORD, "next": reverse("portal:event_list")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:event_list")
    assert client.get(reverse("portal:home")).status_code == 200

    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login")
    assert client.get(reverse("portal:home")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_says_so(client: Client, analyst: Any) -> None:
    response = client.post(reverse("portal:login"), {"username": "duty", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logged_in_user_skips_the_login_page(analyst_client: Client) -> None:
    response = analyst_client.get(reverse("portal:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_layout_shows_navigation_and_the_user(analyst_client: Client) -> None:
    html = analyst_client.get(reverse("portal:home")).content.decode()
    for link in (reverse("portal:event_list"), reverse("portal:feed_list"), "/admin/"):
        assert f'href="{link}' in html
    assert "Constituency" in html
    assert "Dana Duty" in html
    assert 'name="language"' in html and 'value="ur"' in html
    assert 'class="nav-link active" aria-current="page"' in html


@pytest.mark.django_db
def test_non_staff_user_has_no_admin_links(client: Client) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("member", password=PASSWORD)
    client.force_login(user)
    html = client.get(reverse("portal:home")).content.decode()
    assert "/admin/" not in html
    assert "Constituency" not in html


@pytest.mark.parametrize(
    "url", [reverse("portal:home"), reverse("portal:event_list"), reverse("portal:feed_list")]
)
def test_strict_csp_on_every_page(analyst_client: Client, url: str) -> None:
    response = analyst_client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    html = response.content.decode()
    assert "<style" not in html and " style=" not in html
    assert "<script>" not in html  # only <script src=...> from /static/
    assert "http://" not in html.replace("http://testserver", "")  # no CDN


@pytest.mark.django_db
def test_language_switch_sets_urdu_and_rtl(client: Client, analyst: Any) -> None:
    client.force_login(analyst)
    response = client.post(reverse("portal:set_language"), {"language": "ur", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="ur" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html


def test_static_assets_are_served_locally(analyst_client: Client) -> None:
    for path in (
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        "/static/portal/portal.css",
    ):
        response = analyst_client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
