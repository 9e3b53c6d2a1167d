"""Abstract model mixins and the audit log.

Every app's models inherit :class:`TimestampedModel`; shared objects carry a :class:`TLPField`
through :class:`TLPModel`. Every action writes one :class:`AuditLog` row (see
:func:`natcert.core.audit.record_audit`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from natcert.core.fields import TLPField
from natcert.lib.tlp import TLP


class TimestampedModel(models.Model):
    """Adds ``created`` and ``updated`` (timezone-aware UTC, set by the database layer)."""

    created = models.DateTimeField(auto_now_add=True, editable=False)
    updated = models.DateTimeField(auto_now=True, editable=False, db_index=True)

    class Meta:
        abstract = True


class TLPModel(models.Model):
    """Adds ``tlp``: the TLP 2.0 label the object may be shared at (default ``TLP:AMBER``)."""

    tlp = TLPField()

    class Meta:
        abstract = True

    @property
    def tlp_label(self) -> str:
        """The label as TLP 2.0 spells it, e.g. ``TLP:AMBER+STRICT``."""
        return TLP(self.tlp).label


class AuditLog(models.Model):
    """One state change made through an action: who, what, on which object, with which data.

    ``actor`` is null for the system (CLI, pipeline, demo loader); ``actor_label`` keeps the
    user name even after the user is deleted. ``object_type`` is ``"<app_label>.<model>"``,
    ``object_id`` the primary key or natural key as text (blank for bulk actions).
    """

    timestamp = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ("-timestamp", "-id")
        indexes = (models.Index(fields=["object_type", "object_id"], name="core_audit_object"),)
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        who = self.actor_label or "system"
        target = f" {self.object_type}:{self.object_id}" if self.object_type else ""
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {who} {self.action}{target}"
