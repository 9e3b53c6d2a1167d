"""Admin for the audit log: read-only (rows are written by actions only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from natcert.core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("timestamp", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_type", "object_id", "actor_label")
    date_hierarchy = "timestamp"
    readonly_fields = (
        "timestamp",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "data",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditLog | None = None) -> bool:
        return False
