"""Template helpers of the portal's layout."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def admin_app_url(app_label: str) -> str:
    """The Django admin page of ``app_label``, or the admin index when the app has no admin."""
    try:
        return reverse("admin:app_list", args=[app_label])
    except NoReverseMatch:
        return reverse("admin:index")
