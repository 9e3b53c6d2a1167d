"""Choice sets of the intel app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedStatus(models.TextChoices):
    """Outcome of a feed's last run."""

    NEVER = "never", _("never run")
    OK = "ok", _("ok")
    NOT_MODIFIED = "not-modified", _("not modified")
    ERROR = "error", _("error")
