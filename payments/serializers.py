"""Input and output of the money API. Amounts travel as decimal strings with two places, never floats."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.api.fields import AwareDateTimeField, MoneyField, id_field
from enforcement.api.pagination import PagePagination
from enforcement.api.serializers import DeadlineOutput, StrictSerializer
from enforcement.duedates import describe
from enforcement.people import display_name_or_none
from enforcement.selectors.deadlines import deadline_as_dict

from .models import BankTransaction, LedgerEntry, Payout, PayoutHold, PayoutLine
from .selectors import CaseMoney
from .services import Payee

# --- Fields ------------------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "format": "decimal", "example": "1"})
class ShareField(serializers.Field):
    """A payee's share of a total: a positive whole number, or a decimal string ("1", "2.5")."""

    default_error_messages = {
        "invalid": _('A share is a positive whole number or a decimal string, e.g. 1 or "2.5".'),
    }

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        try:
            share = Decimal(str(data).strip())
        except InvalidOperation:
            self.fail("invalid")
        if not share.is_finite() or share <= 0:
            self.fail("invalid")
        return share

    def to_representation(self, value: Decimal) -> str:
        return str(value)


# --- The bank's notification -------------------------------------------------------------------------------


class BankNotificationInput(serializers.Serializer):
    """What the bank sends. Not strict: a field the bank adds later must not make us refuse money."""

    transaction_id = serializers.CharField(max_length=64, help_text="The bank's id of the transaction.")
    account = serializers.CharField(
        max_length=64, allow_blank=True, help_text="The sub-account number the payer paid to."
    )
    # No limit here: the service refuses an amount too large for the ledger, and tells finance.
    amount = MoneyField(largest=None)
    payer_name = serializers.CharField(max_length=500, allow_blank=True)
    payer_account = serializers.CharField(max_length=500, allow_blank=True)
    booked_at = AwareDateTimeField(help_text="ISO 8601 with its UTC offset.")


class BankNotificationOutput(serializers.Serializer):
    transaction_id = serializers.CharField()
    status = serializers.ChoiceField(choices=BankTransaction.Status.choices)
    case = serializers.CharField(allow_null=True, help_text="The number of the case credited, if matched.")
    created = serializers.BooleanField(
        help_text="False: this transaction was already known; nothing changed."
    )


# --- Staff input -------------------------------------------------------------------------------------------


class PayoutLineInput(StrictSerializer):
    payee = id_field("Id of an applicant of the case.")
    amount = MoneyField()


class PayoutShareInput(StrictSerializer):
    payee = id_field("Id of an applicant of the case.")
    share = ShareField()


class ProposePayoutInput(StrictSerializer):
    """Either the lines with their amounts, or a total with each payee's share (split to the cent)."""

    lines: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PayoutLineInput(), required=False, max_length=50
    )
    amount = MoneyField(required=False, help_text="The total to split by shares.")
    shares: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PayoutShareInput(), required=False, max_length=50
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        by_lines = "lines" in attrs
        by_shares = "amount" in attrs or "shares" in attrs
        if by_lines == by_shares:
            raise serializers.ValidationError(
                _("Send either lines (payee and amount each), or an amount with the payees' shares.")
            )
        if by_shares and not ("amount" in attrs and "shares" in attrs):
            missing = "shares" if "amount" in attrs else "amount"
            raise serializers.ValidationError({missing: [_("Send the amount and the shares together.")]})
        return attrs


class EmptyInput(StrictSerializer):
    """No input: only refuses fields sent by mistake (they would otherwise be silently ignored)."""


class ApprovalNoteInput(StrictSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MoneyNoteInput(StrictSerializer):
    note = serializers.CharField(max_length=2000)


class PayInput(StrictSerializer):
    bank_reference = serializers.CharField(max_length=64, help_text="The bank's reference of the payment.")
    paid_at = AwareDateTimeField(required=False, allow_null=True, default=None, help_text="Default: now.")


class ClaimTransactionInput(StrictSerializer):
    case = serializers.CharField(max_length=60, help_text="The case's id, or its number.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class HoldInput(StrictSerializer):
    reason = serializers.ChoiceField(choices=PayoutHold.Reason.choices)
    detail = serializers.CharField(max_length=5000)


TAKE_OUT_KINDS = [
    (kind.value, kind.label) for kind in (LedgerEntry.Kind.COURT_FEE, LedgerEntry.Kind.REFUNDED)
]


class TakeOutInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=TAKE_OUT_KINDS)
    amount = MoneyField()
    note = serializers.CharField(max_length=2000)


class TransferInput(StrictSerializer):
    target = id_field("Id of the case the money moves to.")
    amount = MoneyField()
    note = serializers.CharField(max_length=2000)


class PayeeInput(StrictSerializer):
    party = id_field("Id of an applicant of the case.")
    bank_name = serializers.CharField(max_length=100)
    account_name = serializers.CharField(max_length=100)
    account_number = serializers.CharField(max_length=40)
    basis = serializers.CharField(max_length=200, help_text="What the account was confirmed from.")


class PayoutListQuery(StrictSerializer):
    status = serializers.ChoiceField(choices=Payout.Status.choices, required=False, allow_blank=True)
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=PagePagination.max_page_size, required=False)


# --- Output ------------------------------------------------------------------------------------------------


class LedgerEntryOutput(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    amount = MoneyField(signed=True, help_text="Money in positive, money out negative.")
    balance_after = MoneyField(
        signed=True,
    )
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "kind_display",
            "amount",
            "balance_after",
            "booked_at",
            "recorded_at",
            "recorded_by",
            "note",
            "bank_transaction",
            "payout_line",
            "counterpart",
            "reverses",
        ]

    def get_recorded_by(self, entry: LedgerEntry) -> str | None:
        return display_name_or_none(entry.recorded_by)


class PayoutLineOutput(serializers.ModelSerializer):
    payee_name = serializers.CharField(source="payee.name")
    amount = MoneyField()

    class Meta:
        model = PayoutLine
        fields = ["id", "payee", "payee_name", "amount", "bank_name", "account_name", "account_number"]


class PayoutOutput(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number")
    amount = MoneyField()
    status_display = serializers.CharField(source="get_status_display")
    proposed_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    paid_by = serializers.SerializerMethodField()
    cancelled_by = serializers.SerializerMethodField()
    lines = PayoutLineOutput(many=True)

    class Meta:
        model = Payout
        fields = [
            "id",
            "case",
            "case_number",
            "amount",
            "status",
            "status_display",
            "needs_higher_approval",
            "reason",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "batch",
            "paid_by",
            "paid_at",
            "bank_reference",
            "cancelled_by",
            "cancelled_at",
            "lines",
        ]

    def get_proposed_by(self, payout: Payout) -> str | None:
        return display_name_or_none(payout.proposed_by)

    def get_decided_by(self, payout: Payout) -> str | None:
        return display_name_or_none(payout.decided_by)

    def get_paid_by(self, payout: Payout) -> str | None:
        return display_name_or_none(payout.paid_by)

    def get_cancelled_by(self, payout: Payout) -> str | None:
        return display_name_or_none(payout.cancelled_by)


class HoldOutput(serializers.ModelSerializer):
    reason_display = serializers.CharField(source="get_reason_display")
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    released_by = serializers.SerializerMethodField()

    class Meta:
        model = PayoutHold
        fields = [
            "id",
            "case",
            "reason",
            "reason_display",
            "detail",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "start_date",
            "end_date",
            "released_by",
            "release_note",
        ]

    def get_requested_by(self, hold: PayoutHold) -> str | None:
        return display_name_or_none(hold.requested_by)

    def get_decided_by(self, hold: PayoutHold) -> str | None:
        return display_name_or_none(hold.decided_by)

    def get_released_by(self, hold: PayoutHold) -> str | None:
        return display_name_or_none(hold.released_by)


class PayeeOutput(serializers.Serializer):
    party = serializers.IntegerField(source="party.pk")
    party_name = serializers.CharField(source="party.name")
    bank_name = serializers.CharField()
    account_name = serializers.CharField()
    account_number = serializers.CharField()
    basis = serializers.CharField(help_text="What the account was confirmed from.")


class BankTransactionOutput(serializers.ModelSerializer):
    amount = MoneyField()
    court = serializers.CharField(source="court.code", allow_null=True, default=None)
    case_number = serializers.CharField(source="case.number", allow_null=True, default=None)
    claim_explanation = serializers.SerializerMethodField()

    class Meta:
        model = BankTransaction
        fields = [
            "id",
            "transaction_id",
            "source",
            "status",
            "court",
            "account_number",
            "amount",
            "payer_name",
            "payer_account",
            "booked_at",
            "received_at",
            "case",
            "case_number",
            "claim_due_date",
            "claim_explanation",
            "resolution_note",
            "payer_review_needed",
            "payer_reviewed_at",
            "payer_review_note",
        ]

    def get_claim_explanation(self, tx: BankTransaction) -> list[str]:
        return [describe(step) for step in tx.claim_explanation]


class TransferOutput(serializers.Serializer):
    source_entry = LedgerEntryOutput(help_text="The money leaving this case.")
    target_entry = LedgerEntryOutput(help_text="The same money arriving on the target case.")


class CaseMoneyOutput(serializers.Serializer):
    account_number = serializers.SerializerMethodField()
    balance = MoneyField(help_text="Money in the case's sub-account.")
    reserved = MoneyField(help_text="Promised to payouts not yet paid.")
    available = MoneyField(help_text="Free for a new payout, fee or transfer.")
    entries = LedgerEntryOutput(many=True, help_text="The ledger, newest first.")
    payouts = PayoutOutput(many=True)
    holds = HoldOutput(many=True)
    payees = serializers.SerializerMethodField()
    payer_reviews = BankTransactionOutput(many=True, help_text="Paid by someone not a respondent.")
    payout_deadlines = serializers.SerializerMethodField()

    def get_account_number(self, money: CaseMoney) -> str | None:
        return money.account.number if money.account is not None else None

    @extend_schema_field(PayeeOutput(many=True))
    def get_payees(self, money: CaseMoney) -> list[dict[str, Any]]:
        payees: list[Payee] = list(money.payees.values())
        return list(PayeeOutput(payees, many=True).data)

    @extend_schema_field(DeadlineOutput(many=True))
    def get_payout_deadlines(self, money: CaseMoney) -> list[dict[str, Any]]:
        return [deadline_as_dict(d) for d in money.payout_deadlines]
