from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CaseNumberCounter, FirstInterview, InterviewLead, NoticeDelivery


@admin.register(CaseNumberCounter)
class CaseNumberCounterAdmin(admin.ModelAdmin):
    """Visible for support; never edited by hand (that would create gaps or duplicates)."""

    list_display = ["court", "case_type", "year", "last_seq"]
    list_filter = ["court", "year"]
    readonly_fields = ["court", "case_type", "year", "last_seq"]

    def has_add_permission(self, request):
        return False


class PropertyLeadInline(admin.TabularInline):
    model = InterviewLead
    extra = 0


@admin.register(FirstInterview)
class FirstInterviewAdmin(SimpleHistoryAdmin):
    list_display = ["case", "conducted_at", "interviewer", "willingness", "locked_at"]
    search_fields = ["case__number"]
    inlines = [PropertyLeadInline]


@admin.register(NoticeDelivery)
class NoticeDeliveryAdmin(SimpleHistoryAdmin):
    list_display = ["case", "kind", "recipient", "method", "delivered_at", "acknowledged"]
    list_filter = ["kind", "method", "acknowledged"]
