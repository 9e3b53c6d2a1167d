"""The read-only admin pages of the intel tables render for a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["feedstate", "report", "event", "quarantinedrow"])
def test_admin_lists_render_read_only(client: Client, model: str) -> None:
    admin = get_user_model().objects.create_superuser("root", password="a-long-password-9")
    client.force_login(admin)
    assert client.get(f"/admin/intel/{model}/").status_code == 200
    assert client.get(f"/admin/intel/{model}/add/").status_code == 403
