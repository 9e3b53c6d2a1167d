"""Access helpers shared by every app's ``access.py``.

Until ``accounts`` provides memberships and roles, the rule is: ``None`` is the system (CLI,
pipeline, demo loader) and sees everything; an active superuser or staff user is treated as a
national CERT analyst/admin and sees everything; everybody else sees nothing.
"""

from __future__ import annotations

from typing import Any


def is_system(user: Any) -> bool:
    """True for ``None``: code running on the operator's behalf (management commands, workers)."""
    return user is None


def sees_everything(user: Any) -> bool:
    """True when ``user`` may read every object of the registry (system, national staff)."""
    if is_system(user):
        return True
    if not getattr(user, "is_active", False) or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff)
