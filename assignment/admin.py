from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Team, TeamKind, TeamMembership


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
