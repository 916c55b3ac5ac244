"""The parties' rows, for support: read only, since every change goes through the portal's services (which
check the party, the limits and the case, and write the timeline). The lobby's settings, guidance and
forms are reference data that administrators edit here, every change kept in their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enforcement.admin import ReadOnlyAdminMixin, ReadOnlyHistoryAdmin

from .models import (
    Appointment,
    AppointmentSlot,
    DocumentTemplate,
    LeadAttachment,
    LobbyGuide,
    LobbyScreen,
    OnlineLead,
    PartyMessage,
    QueryBlock,
)


@admin.register(QueryBlock)
class QueryBlockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["scope", "key", "failures", "blocked_at", "until"]
    list_filter = ["scope"]
    search_fields = ["key"]


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(ReadOnlyHistoryAdmin):
    list_display = ["judge", "court", "starts_at", "ends_at", "place", "withdrawn_at"]
    list_filter = ["court"]
    date_hierarchy = "starts_at"


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "party", "slot", "booked_at", "cancelled_at"]
    search_fields = ["case__number"]
    list_select_related = ["case", "party", "slot__judge"]


class LeadAttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LeadAttachment
    fields = ["original_name", "content_type", "size"]
    extra = 0


@admin.register(OnlineLead)
class OnlineLeadAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "party", "kind", "urgent", "submitted_at"]
    list_filter = ["kind", "urgent"]
    search_fields = ["case__number"]
    list_select_related = ["case", "party"]
    inlines = [LeadAttachmentInline]


@admin.register(PartyMessage)
class PartyMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "party", "from_party", "author", "created_at", "read_at"]
    list_filter = ["from_party"]
    search_fields = ["case__number"]
    list_select_related = ["case", "party", "author"]


@admin.register(LobbyScreen)
class LobbyScreenAdmin(SimpleHistoryAdmin):
    list_display = ["court", "enabled", "rows_per_page", "seconds_per_page", "opening_hours"]
    list_filter = ["enabled"]
    list_select_related = ["court"]
    autocomplete_fields = ["court"]


@admin.register(LobbyGuide)
class LobbyGuideAdmin(SimpleHistoryAdmin):
    list_display = ["title", "court", "language", "order", "active"]
    list_filter = ["active", "language", "court"]
    search_fields = ["title", "body"]
    list_select_related = ["court"]


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["title", "court", "order", "active"]
    list_filter = ["active", "court"]
    search_fields = ["title", "description"]
    list_select_related = ["court"]
