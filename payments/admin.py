"""Admin of the case money. Administrators set up each court's enforcement account; everything that is
money (ledger, bank transactions, payouts, holds, statements, reconciliations) is shown read-only: it
changes only through the services, which lock, check and keep the ledger's invariants."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from enforcement import roles
from enforcement.admin import ReadOnlyAdminMixin, ReadOnlyHistoryAdmin

from .models import (
    Allocation,
    BankTransaction,
    CaseAccount,
    CourtAccount,
    IdempotencyKey,
    LedgerEntry,
    PayeeAccount,
    PaymentBatch,
    Payout,
    PayoutHold,
    PayoutLine,
    Reconciliation,
    RefusedNotification,
    StatementImport,
)


def is_administrator(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or roles.has_role(user, roles.ADMINISTRATOR)


def every_field(model: Any) -> tuple[str, ...]:
    return tuple(field.name for field in model._meta.concrete_fields)


# --- The court's account: set up by administrators ----------------------------------------------------------


@admin.register(CourtAccount)
class CourtAccountAdmin(SimpleHistoryAdmin):
    list_display = [
        "court",
        "bank_name",
        "account_number",
        "sub_account_prefix",
        "opened_on",
        "higher_approval_above",
    ]
    search_fields = ["court__code", "court__name", "account_number"]
    autocomplete_fields = ["court"]
    list_select_related = ["court"]

    def get_readonly_fields(self, request: HttpRequest, obj: CourtAccount | None = None) -> list[str]:
        fields = ["last_sub_account_seq"]
        if obj is not None:
            fields.append("court")
            # Money for an unknown sub-account finds its court by the prefix: fixed once numbers exist.
            if obj.case_accounts.exists():
                fields.append("sub_account_prefix")
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: CourtAccount | None = None) -> bool:
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: CourtAccount | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CourtAccount, form: ModelForm, change: bool) -> None:
        if not change:
            obj.save()
        elif form.changed_data:
            # Only what the form changed: filing moves the sub-account sequence under a row lock, and a
            # full save would write back the value read when the form was opened.
            obj.save(update_fields=form.changed_data)


# --- Money: read-only ---------------------------------------------------------------------------------------


class EntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LedgerEntry
    extra = 0
    fields = readonly_fields = ("booked_at", "kind", "amount", "balance_after", "recorded_by", "note")
    ordering = ["id"]
    show_change_link = True


@admin.register(CaseAccount)
class CaseAccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "case", "balance", "opened_at"]
    list_filter = ["court_account__court"]
    search_fields = ["number", "case__number"]
    list_select_related = ["case"]
    fields = readonly_fields = every_field(CaseAccount)
    inlines = [EntryInline]


class AllocationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Allocation
    fk_name = "debit"
    extra = 0
    fields = readonly_fields = ("credit", "amount")
    verbose_name_plural = _("taken from the credits")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["booked_at", "account", "kind", "amount", "balance_after", "recorded_by"]
    list_filter = ["kind", "account__court_account__court"]
    search_fields = ["account__number", "account__case__number", "note"]
    list_select_related = ["account", "recorded_by"]
    date_hierarchy = "booked_at"
    fields = readonly_fields = every_field(LedgerEntry)
    inlines = [AllocationInline]


@admin.register(BankTransaction)
class BankTransactionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["transaction_id", "booked_at", "amount", "status", "court", "case", "payer_name"]
    list_filter = ["status", "source", "court", "payer_review_needed"]
    search_fields = ["transaction_id", "account_number", "payer_name", "case__number"]
    list_select_related = ["court", "case"]
    date_hierarchy = "booked_at"
    fields = readonly_fields = every_field(BankTransaction)


@admin.register(RefusedNotification)
class RefusedNotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Money the bank notified that could not be recorded: finance settles it with the bank."""

    list_display = [
        "transaction_id",
        "reason",
        "amount",
        "court",
        "booked_at",
        "deliveries",
        "last_received_at",
    ]
    list_filter = ["reason", "court"]
    search_fields = ["transaction_id", "account_number", "payer_name"]
    list_select_related = ["court"]
    date_hierarchy = "last_received_at"
    fields = readonly_fields = every_field(RefusedNotification)


@admin.register(PayeeAccount)
class PayeeAccountAdmin(ReadOnlyHistoryAdmin):
    list_display = ["account_name", "account_number", "bank_name", "case", "confirmed_by", "confirmed_at"]
    search_fields = ["account_name", "account_number", "case__number"]
    list_select_related = ["case", "confirmed_by"]
    fields = readonly_fields = every_field(PayeeAccount)


class PayoutLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PayoutLine
    extra = 0
    fields = readonly_fields = ("payee", "amount", "bank_name", "account_name", "account_number")


@admin.register(Payout)
class PayoutAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "amount", "status", "proposed_by", "proposed_at", "decided_by", "paid_at"]
    list_filter = ["status", "needs_higher_approval", "case__court"]
    search_fields = ["case__number", "bank_reference"]
    list_select_related = ["case", "proposed_by", "decided_by"]
    fields = readonly_fields = every_field(Payout)
    inlines = [PayoutLineInline]


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "court", "status", "total", "exported_at", "confirmed_at"]
    list_filter = ["status", "court"]
    fields = readonly_fields = every_field(PaymentBatch)


@admin.register(PayoutHold)
class PayoutHoldAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "reason", "status", "requested_by", "decided_by", "start_date", "end_date"]
    list_filter = ["status", "reason", "case__court"]
    search_fields = ["case__number", "detail"]
    list_select_related = ["case", "requested_by", "decided_by"]
    fields = readonly_fields = every_field(PayoutHold)


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["court", "filename", "closing_at", "closing_balance", "lines", "credited", "duplicates"]
    list_filter = ["court"]
    fields = readonly_fields = every_field(StatementImport)


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "court",
        "run_on",
        "as_of",
        "statement_balance",
        "case_balances",
        "unmatched",
        "difference",
    ]
    list_filter = ["court"]
    date_hierarchy = "run_on"
    fields = readonly_fields = every_field(Reconciliation)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "key", "endpoint", "status_code", "created_at"]
    search_fields = ["key", "user__username"]
    fields = readonly_fields = ("user", "key", "endpoint", "request_hash", "status_code", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdempotencyKey]:
        return super().get_queryset(request).select_related("user")
