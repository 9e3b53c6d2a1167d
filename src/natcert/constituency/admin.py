"""Admin for the registry: list filters, search (a prefix list also finds the prefixes that
contain a searched IP address), inlines for what an organisation owns."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from natcert.constituency.models import (
    CERT,
    AutonomousSystem,
    Contact,
    Domain,
    NetworkPrefix,
    Organisation,
    Sector,
)


class PrefixInline(admin.TabularInline):
    model = NetworkPrefix
    fields = ("cidr",)
    extra = 0


class AutonomousSystemInline(admin.TabularInline):
    model = AutonomousSystem
    fields = ("number", "name")
    extra = 0


class DomainInline(admin.TabularInline):
    model = Domain
    fields = ("name",)
    extra = 0


class OrganisationContactInline(admin.StackedInline):
    model = Contact
    fk_name = "organisation"
    fields = ("name", "email", "role", "languages", "pgp_key")
    extra = 0


class CERTContactInline(admin.StackedInline):
    model = Contact
    fk_name = "cert"
    fields = ("name", "email", "role", "languages", "pgp_key")
    extra = 0


@admin.register(CERT)
class CERTAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "parent", "email")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "email")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012  # Django reads a dict
    inlines = (CERTContactInline,)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "cert")
    list_filter = ("cert",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012  # Django reads a dict


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "sector", "cert", "country")
    list_filter = ("sector", "cert", "country")
    list_select_related = ("sector", "cert")
    search_fields = ("name", "slug", "domains__name", "autonomous_systems__name")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012  # Django reads a dict
    inlines = (PrefixInline, AutonomousSystemInline, DomainInline, OrganisationContactInline)


@admin.register(NetworkPrefix)
class NetworkPrefixAdmin(admin.ModelAdmin):
    list_display = ("cidr", "family", "organisation")
    list_filter = ("family", "organisation__sector")
    list_select_related = ("organisation",)
    search_fields = ("cidr", "organisation__name", "organisation__slug")
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "cidr")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[NetworkPrefix], search_term: str
    ) -> tuple[QuerySet[NetworkPrefix], bool]:
        try:
            containing = NetworkPrefix.objects.containing(search_term)
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(pk__in=containing.values("pk")), False


@admin.register(AutonomousSystem)
class AutonomousSystemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "name", "organisation")
    list_filter = ("organisation__sector",)
    list_select_related = ("organisation",)
    search_fields = ("=number", "name", "organisation__name")
    autocomplete_fields = ("organisation",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AutonomousSystem], search_term: str
    ) -> tuple[QuerySet[AutonomousSystem], bool]:
        term = search_term.strip().upper().removeprefix("AS")
        return super().get_search_results(
            request, queryset, term if term.isdigit() else search_term
        )


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "__str__", "organisation")
    list_filter = ("organisation__sector",)
    list_select_related = ("organisation",)
    search_fields = ("name", "organisation__name")
    autocomplete_fields = ("organisation",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "role", "organisation", "cert")
    list_filter = ("role", "organisation__sector", "cert")
    list_select_related = ("organisation", "cert")
    search_fields = ("name", "email", "organisation__name", "cert__name")
    autocomplete_fields = ("organisation", "cert")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"role": "abuse", **super().get_changeform_initial_data(request)}
