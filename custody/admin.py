"""Admin of custody: read-only. Measures, their terms, searches, detentions and fines change only through
``custody.services``, which lock, check the legal limits and keep the clocks and the timeline right."""

from django.contrib import admin

from enforcement.admin import ReadOnlyAdminMixin, ReadOnlyHistoryAdmin

from .models import (
    DeductionReceipt,
    Detention,
    Fine,
    FoundAsset,
    Measure,
    MeasureTerm,
    PropertySearch,
    SearchInquiry,
)


class InquiryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SearchInquiry
    fields = ["institution_kind", "institution", "reply", "replied_on", "reply_note"]


@admin.register(PropertySearch)
class PropertySearchAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "requested_on", "requested_by"]
    search_fields = ["case__number"]
    list_select_related = ["case", "requested_by"]
    inlines = [InquiryInline]


@admin.register(FoundAsset)
class FoundAssetAdmin(ReadOnlyHistoryAdmin):
    list_display = ["description", "kind", "amount", "inquiry"]
    list_filter = ["kind"]
    search_fields = ["description", "reference", "inquiry__search__case__number"]


class TermInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MeasureTerm
    fields = ["number", "starts_after", "months", "ends_on", "ruling_number", "recorded_by", "recorded_at"]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "kind", "asset", "holder", "amount", "status", "effective_on", "expires_on"]
    list_filter = ["kind", "status", "rank"]
    search_fields = ["case__number", "asset", "asset_reference", "holder", "ruling_number"]
    list_select_related = ["case"]
    date_hierarchy = "expires_on"
    inlines = [TermInline]


@admin.register(DeductionReceipt)
class DeductionReceiptAdmin(ReadOnlyHistoryAdmin):
    list_display = ["measure", "entry", "linked_by", "linked_at"]


@admin.register(Detention)
class DetentionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "person_name", "days", "status", "started_at", "release_on", "family_notified_at"]
    list_filter = ["status"]
    search_fields = ["case__number", "person_name", "decision_number"]
    list_select_related = ["case"]


@admin.register(Fine)
class FineAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "person_name", "amount", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["case__number", "person_name", "decision_number"]
    list_select_related = ["case"]
