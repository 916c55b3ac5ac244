"""Admin for triage rules (reference data, editable), leave and recusals; the records of decisions,
assignments, plans and notes are read-only here: they are written by the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enforcement.admin import ReadOnlyAdminMixin, ReadOnlyHistoryAdmin

from .models import Absence, Assignment, CaseNote, CasePlan, Recusal, TriageDecision, TriageRule


@admin.register(TriageRule)
class TriageRuleAdmin(SimpleHistoryAdmin):
    list_display = ["priority", "name", "condition", "threshold", "stream", "court", "is_active"]
    list_display_links = ["name"]
    list_filter = ["court", "stream", "condition", "is_active"]
    search_fields = ["name"]


@admin.register(TriageDecision)
class TriageDecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "rule", "rule_stream", "override_stream", "decided_at", "overridden_by"]
    list_filter = ["rule_stream", "override_stream"]
    search_fields = ["case__number"]
    list_select_related = ["case", "rule", "overridden_by"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "team", "judge", "method", "assigned_at", "ended_at"]
    list_filter = ["method", "team"]
    search_fields = ["case__number", "judge__username", "judge__first_name", "judge__last_name"]
    list_select_related = ["case", "team__court", "judge"]


@admin.register(Absence)
class AbsenceAdmin(SimpleHistoryAdmin):
    list_display = ["user", "first_day", "last_day", "reason"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    date_hierarchy = "first_day"


@admin.register(Recusal)
class RecusalAdmin(SimpleHistoryAdmin):
    list_display = ["user", "party_name", "party_id_number", "reason"]
    search_fields = ["user__username", "party_name", "party_id_number"]
    autocomplete_fields = ["user"]


@admin.register(CasePlan)
class CasePlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "recorded_by", "recorded_at"]
    search_fields = ["case__number"]
    list_select_related = ["case", "recorded_by"]


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "author", "created_at", "__str__"]
    search_fields = ["case__number", "text"]
    list_select_related = ["case", "author"]
