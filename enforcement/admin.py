"""Admin for reference data (courts, case types) and a read-mostly view of cases for administrators."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Case, CaseEvent, CaseType, Court, CourtMembership, Party, Team, TeamKind, TeamMembership


@admin.register(Court)
class CourtAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]


@admin.register(CourtMembership)
class CourtMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "court", "is_primary"]
    list_filter = ["court"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["court"]


@admin.register(CaseType)
class CaseTypeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "is_active", "sort_order"]


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    fields = ("role", "kind", "name", "id_type", "id_number", "phone")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    """Cases are filed and changed through the application's services; the admin only looks."""

    list_display = ["number", "court", "status", "filed_at", "claim_kind", "claim_amount"]
    list_filter = ["court", "status", "claim_kind", "year"]
    search_fields = ["number", "title_case_number", "parties__name"]
    inlines = [PartyInline]
    readonly_fields = [f.name for f in Case._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "occurred_at", "actor", "public"]
    list_filter = ["kind", "public"]
    search_fields = ["case__number"]
    readonly_fields = ["case", "kind", "occurred_at", "actor", "public", "detail", "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TeamKind)
class TeamKindAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "court", "kind", "service_phone", "is_active"]
    list_filter = ["court", "kind", "is_active"]
    search_fields = ["name"]
    inlines = [TeamMembershipInline]
