"""Read-only admin views of the intel tables (rows are written by the pipeline and actions;
feeds are switched with ``natcert feeds enable|disable``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from natcert.intel.models import Event, FeedState, QuarantinedRow, Report


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FeedState)
class FeedStateAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "enabled",
        "last_run",
        "last_status",
        "events_total",
        "quarantined_total",
    )
    list_filter = ("enabled", "last_status")
    search_fields = ("name",)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("feed_name", "name", "observed", "size", "events_count", "quarantined_count")
    list_filter = ("feed_name",)
    search_fields = ("sha256", "name")
    date_hierarchy = "observed"


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = (
        "time_observation",
        "feed_name",
        "classification_type",
        "source_ip",
        "source_fqdn",
        "constituency_organisation",
        "constituency_sector",
    )
    list_filter = ("feed_name", "classification_type", "constituency_sector")
    search_fields = ("source_ip", "source_fqdn", "event_hash")
    raw_id_fields = ("report",)


@admin.register(QuarantinedRow)
class QuarantinedRowAdmin(ReadOnlyAdmin):
    list_display = ("feed_name", "report", "line", "reason", "created")
    list_filter = ("feed_name",)
    search_fields = ("reason", "raw")
    raw_id_fields = ("report",)
