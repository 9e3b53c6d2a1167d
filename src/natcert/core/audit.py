"""``record_audit``: the one call every action makes to leave an audit row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from natcert.core.models import AuditLog


def record_audit(
    action: str,
    *,
    actor: Any,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    data: Mapping[str, Any] | None = None,
) -> AuditLog:
    """Write one :class:`AuditLog` row and return it.

    ``action`` is a dotted verb such as ``"constituency.create_organisation"``; ``actor`` a user,
    or ``None`` (or an anonymous user) for the system. ``target`` fills ``object_type``
    (``"app_label.model"``) and ``object_id`` (its primary key); without it pass them
    explicitly, or leave them blank for bulk actions. ``data`` must be JSON-serialisable
    (dates, decimals and UUIDs are accepted). Call it inside the action's transaction, so the
    row is rolled back with the change.
    """
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        actor=user,
        actor_label=user.get_username() if user is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=dict(data or {}),
    )
