"""Admin for reference data (courts, case types, the working calendar, node types) and a read-mostly view
of cases and their deadlines for administrators."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import roles
from .duedates import describe
from .models import (
    Alert,
    CalendarDay,
    CalendarYear,
    Case,
    CaseEvent,
    CaseType,
    ClosureEvidence,
    ClosureInterview,
    ClosureProposal,
    ClosureRequirement,
    ClosureService,
    Court,
    CourtMembership,
    Deadline,
    Deduction,
    DeductionRule,
    Extension,
    NodeType,
    OutboxMessage,
    Party,
    ReminderRung,
    SmsMessage,
    Team,
    TeamKind,
    TeamMembership,
)
from .services.calendar import (
    NoticeDay,
    NoticeResult,
    apply_year_notice,
    check_calendar_administrator,
    is_calendar_administrator,
    parse_notice,
    remove_calendar_day,
    set_calendar_day,
)


class ReadOnlyAdminMixin:
    """Rows written only by services: the admin shows them and changes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NoRevertMixin:
    """History to look at, never to revert: simple_history's version page saves a POSTed form for
    anyone who may view the history, so a crafted request could put a service-written row back."""

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, NoRevertMixin, SimpleHistoryAdmin):
    """Service-written rows with history: shown, never changed or reverted in the admin."""


@admin.register(Court)
class CourtAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent", "digest_time", "is_active"]
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
class CaseAdmin(NoRevertMixin, SimpleHistoryAdmin):
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
    readonly_fields = [
        "case",
        "kind",
        "occurred_at",
        "actor",
        "public",
        "text_code",
        "text_params",
        "detail",
        "data",
    ]

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


# --- The working calendar, node types and the deadline engine ---------------------------------------------
# Calendar writes go through enforcement.services.calendar, so every change recomputes the open deadlines
# it moves; deadlines, deductions, extensions, alerts and outbox messages are written by services only.


class NoticeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100)
    notice = forms.CharField(
        label=_("The notice's days"),
        widget=forms.Textarea(attrs={"rows": 20, "cols": 60, "class": "vLargeTextField"}),
        help_text=_(
            "One line each: a date or a range, rest (休) or workday (班), the holiday's name. For example "
            "“2027-02-15..2027-02-23 rest 春节” or “2027-02-14 workday 春节调休”. Lines starting with # "
            "are ignored. The year's national days become exactly these."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("For example the notice's number (国办发明电〔2026〕…)."),
    )

    def clean_notice(self) -> list[NoticeDay]:
        return parse_notice(self.cleaned_data["notice"])


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    """Years whose national holidays are loaded; a year is loaded from its notice, not typed in here."""

    list_display = ["year", "source", "loaded_at", "loaded_by", "note"]
    list_filter = ["source"]
    readonly_fields = ["year", "source", "loaded_at", "loaded_by"]
    fields = ["year", "source", "loaded_at", "loaded_by", "note"]
    change_list_template = "admin/enforcement/calendaryear/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CalendarYear | None = None) -> bool:
        return is_calendar_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: CalendarYear | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "load-notice/",
                self.admin_site.admin_view(self.load_notice_view),
                name="enforcement_calendaryear_load_notice",
            )
        ]
        return own + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra_context = {**(extra_context or {}), "may_load_notice": is_calendar_administrator(request.user)}
        return super().changelist_view(request, extra_context)

    def load_notice_view(self, request: HttpRequest) -> HttpResponse:
        """Load a year's State Council notice: the year's national days become the ones pasted."""
        check_calendar_administrator(request.user)
        actor = roles.acting_user(request.user)
        if request.method == "POST":
            form = NoticeForm(request.POST)
            if form.is_valid():
                try:
                    result = apply_year_notice(
                        actor=actor,
                        year=form.cleaned_data["year"],
                        days=form.cleaned_data["notice"],
                        note=form.cleaned_data["note"],
                    )
                except ValidationError as error:
                    form.add_error("notice", error)
                else:
                    messages.success(request, _notice_message(result))
                    return redirect("admin:enforcement_calendaryear_changelist")
        else:
            form = NoticeForm(initial={"year": timezone.localdate().year + 1})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Load a year's State Council notice"),
            "opts": self.opts,
            "form": form,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/enforcement/calendaryear/load_notice.html", context)


def _notice_message(result: NoticeResult) -> str:
    days = ngettext("%(count)d day added", "%(count)d days added", len(result.added)) % {
        "count": len(result.added)
    }
    changed = ngettext("%(count)d changed", "%(count)d changed", len(result.changed)) % {
        "count": len(result.changed)
    }
    removed = ngettext("%(count)d removed", "%(count)d removed", len(result.removed)) % {
        "count": len(result.removed)
    }
    moved = ngettext(
        "%(count)d open deadline was recomputed.",
        "%(count)d open deadlines were recomputed.",
        result.deadlines_moved,
    ) % {"count": result.deadlines_moved}
    return gettext(
        "Loaded the holidays of %(year)s from the notice: %(days)s, %(changed)s, %(removed)s. %(moved)s"
    ) % {
        "year": result.calendar_year.year,
        "days": days,
        "changed": changed,
        "removed": removed,
        "moved": moved,
    }


class CalendarYearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """National holidays and make-up working days (empty court), and a court's own extra rest days.

    Saving and deleting go through the calendar services, which recompute the open deadlines moved.
    """

    list_display = ["date", "court", "kind", "name"]
    list_filter = ["court", "kind", CalendarYearFilter]
    search_fields = ["name", "court__name", "court__code"]
    date_hierarchy = "date"
    autocomplete_fields = ["court"]
    fields = ["date", "court", "kind", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarDay | None = None) -> list[str]:
        # A row is a date of a calendar: another date or court is another row (delete this one, add that).
        return ["date", "court"] if obj is not None else []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_calendar_administrator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: CalendarDay | None = None) -> bool:
        return is_calendar_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: CalendarDay | None = None) -> bool:
        return is_calendar_administrator(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        saved = set_calendar_day(
            actor=roles.acting_user(request.user),
            date=obj.date,
            kind=obj.kind,
            name=obj.name,
            court=obj.court,
        )
        obj.pk = saved.pk
        self._report_moved(request, saved)

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        remove_calendar_day(actor=roles.acting_user(request.user), day=obj)
        self._report_moved(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        actor = roles.acting_user(request.user)
        moved = 0
        for day in list(queryset):
            remove_calendar_day(actor=actor, day=day)
            moved += getattr(day, "deadlines_moved", 0)
        self._report_moved(request, moved)

    def _report_moved(self, request: HttpRequest, changed: CalendarDay | int) -> None:
        moved = changed if isinstance(changed, int) else getattr(changed, "deadlines_moved", 0)
        message = ngettext(
            "%(count)d open deadline was recomputed after this calendar change.",
            "%(count)d open deadlines were recomputed after this calendar change.",
            moved,
        ) % {"count": moved}
        self.message_user(request, message, messages.INFO)


class ReminderRungInline(admin.TabularInline):
    """The reminder ladder of a long clock: remind this many days before it runs out."""

    model = ReminderRung
    extra = 0


@admin.register(NodeType)
class NodeTypeAdmin(SimpleHistoryAdmin):
    """Time limits as data. A row with a court overrides the default (empty court) for that court."""

    inlines = [ReminderRungInline]

    list_display = [
        "code",
        "name",
        "court",
        "budget",
        "unit",
        "counting",
        "warn_lead_days",
        "public",
        "responsible",
        "extendable",
        "urgent",
        "is_active",
    ]
    list_filter = [
        "court",
        "unit",
        "counting",
        "public",
        "responsible",
        "extendable",
        "outlives_case",
        "met_on_closure",
        "is_active",
    ]
    search_fields = ["code", "name", "basis"]
    autocomplete_fields = ["court"]


@admin.register(ClosureRequirement)
class ClosureRequirementAdmin(SimpleHistoryAdmin):
    """What a closure mode needs (终本: more than 3 months since filing). A row with a court replaces the
    default (empty court) of the same mode and condition for that court; inactive, it switches it off."""

    list_display = ["closure", "condition", "kind", "court", "months", "accepts_evidence", "is_active"]
    list_filter = ["closure", "kind", "court", "is_active"]
    search_fields = ["basis"]
    autocomplete_fields = ["court"]


@admin.register(ClosureProposal)
class ClosureProposalAdmin(ReadOnlyHistoryAdmin):
    """The reviews of 终本 and 终结执行, on record: made on the closing page, read here."""

    list_display = ["case", "closure", "status", "proposed_by", "proposed_at", "decided_by", "decided_at"]
    list_filter = ["closure", "status", "case__court"]
    search_fields = ["case__number", "ruling_number"]


@admin.register(ClosureInterview)
class ClosureInterviewAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "closure", "applicant_name", "interviewed_on", "recorded_by"]
    search_fields = ["case__number", "applicant_name"]


@admin.register(ClosureEvidence)
class ClosureEvidenceAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "kind", "recorded_by", "recorded_at", "withdrawn_at"]
    list_filter = ["kind"]
    search_fields = ["case__number"]


@admin.register(ClosureService)
class ClosureServiceAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "served_to", "served_on", "method", "document_number"]
    search_fields = ["case__number", "served_to"]


@admin.register(DeductionRule)
class DeductionRuleAdmin(SimpleHistoryAdmin):
    """How long a kind of deducted period may last (暂缓执行: 3 months, 3 more with approval). A row with a
    court overrides the default for that court; a change applies to periods recorded afterwards."""

    list_display = ["kind", "court", "months_without_approval", "additional_months", "basis"]
    list_filter = ["kind", "court"]
    search_fields = ["basis"]
    autocomplete_fields = ["court"]


class DeductionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Deduction
    extra = 0
    fields = readonly_fields = (
        "kind",
        "start_date",
        "end_date",
        "reason",
        "approved_by",
        "recorded_at",
        "additional_months",
        "additional_approved_by",
    )


class ExtensionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Extension
    extra = 0
    fields = readonly_fields = (
        "months",
        "status",
        "reason",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    )


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "node_type", "due_date", "status", "paused"]
    list_filter = ["status", "paused", "node_type__code", "case__court"]
    search_fields = ["case__number"]
    list_select_related = ["case", "node_type"]
    date_hierarchy = "due_date"
    fields = readonly_fields = (
        "case",
        "node_type",
        "subject_type",
        "subject_id",
        "anchor_at",
        "due_date",
        "due_at",
        "warn_at",
        "status",
        "paused",
        "generation",
        "how_computed",
        "opened_at",
        "opened_by",
        "closed_at",
        "closed_by",
        "computed_at",
    )
    inlines = [DeductionInline, ExtensionInline]

    @admin.display(description=_("how the due date was computed"))
    def how_computed(self, obj: Deadline) -> str:
        steps = obj.explanation if isinstance(obj.explanation, list) else []
        return format_html_join(mark_safe("<br>"), "{}", ((describe(step),) for step in steps))


@admin.register(Deduction)
class DeductionAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "deadline",
        "kind",
        "start_date",
        "end_date",
        "approved_by",
        "recorded_at",
        "additional_months",
        "additional_approved_by",
    ]
    list_filter = ["kind"]
    search_fields = ["deadline__case__number", "reason"]
    list_select_related = ["deadline__node_type", "approved_by"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "deadline",
        "months",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["deadline__case__number", "reason"]
    list_select_related = ["deadline__node_type", "requested_by", "decided_by"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "node_type", "level", "court", "judge", "due_at", "raised_at", "resolved_at"]
    list_filter = ["level", "court", "node_type"]
    search_fields = ["case__number"]
    list_select_related = ["case", "node_type", "court", "judge"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["alert", "channel", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["alert__case__number", "last_error"]
    list_select_related = ["alert"]


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "phone", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["case__number", "phone", "last_error"]
    list_select_related = ["case"]


from . import admin_indicators  # noqa: E402, F401 - the indicators have an admin module of their own
