"""Money of the cases (一案一账号): each case's receiving sub-account, the money that arrives, the
append-only ledger, payouts with their approval, holds with a statutory reason, and reconciliation.

Invariants the services keep under a row lock on the case account, and the database checks:

* every ledger entry records the account's balance after it (``balance_after >= 0``), and the account's
  ``balance`` equals the sum of its entries' amounts and the last entry's ``balance_after``;
* every debit is allocated (``Allocation``) to the credits it uses up, oldest first; a credit (money
  received, transferred in, a reversed debit) fully allocated has its payout deadline met. So the sum of
  the credits' unallocated parts is the balance too;
* payouts not yet paid reserve their amount: a new proposal must fit in ``balance − reserved``.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from enforcement.models import Case, Court, Party

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

prefix_validator = RegexValidator(r"^\d{4}$", _("Four digits, e.g. 0302."))
bank_account_validator = RegexValidator(
    r"^\d{6,32}$", _("A bank account number has 6 to 32 digits, without spaces or letters.")
)


class CourtAccount(models.Model):
    """The court's enforcement-money account at its bank, and the court's money settings."""

    court = models.OneToOneField(
        Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="money_account"
    )
    bank_name = models.CharField(_("bank"), max_length=100)
    account_name = models.CharField(_("account holder"), max_length=100)
    account_number = models.CharField(
        _("master account number"), max_length=32, validators=[bank_account_validator]
    )
    # Case sub-accounts are the prefix, a sequence and a check digit: the bank routes them to the
    # master account, and the prefix tells which court money for an unknown sub-account belongs to.
    sub_account_prefix = models.CharField(
        _("sub-account prefix"), max_length=4, unique=True, validators=[prefix_validator]
    )
    last_sub_account_seq = models.PositiveIntegerField(default=0, editable=False)
    # Payouts above this amount need a court president's approval, not only a team lead's.
    higher_approval_above = models.DecimalField(
        _("payouts above this amount need a president's approval"),
        default=Decimal("500000.00"),
        validators=[MinValueValidator(ZERO)],
        max_digits=14,
        decimal_places=2,
    )
    # No money is booked on the account before the bank opened it: a booking time before this day is a
    # wrong date, and the bank's notification of it is refused.
    opened_on = models.DateField(
        _("opened at the bank on"),
        default=timezone.localdate,
        help_text=_("The day the bank opened the account; money booked before it is refused."),
    )
    history = HistoricalRecords(excluded_fields=["last_sub_account_seq"])

    class Meta:
        verbose_name = _("court enforcement account")
        verbose_name_plural = _("court enforcement accounts")

    def __str__(self) -> str:
        return f"{self.court.code} {self.bank_name} {self.account_number}"


class CaseAccount(models.Model):
    """One receiving sub-account per case. ``balance`` is derived from the ledger, kept under a lock."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="account"
    )
    court_account = models.ForeignKey(
        CourtAccount, verbose_name=_("court account"), on_delete=models.PROTECT, related_name="case_accounts"
    )
    number = models.CharField(_("sub-account number"), max_length=20, unique=True)
    balance = models.DecimalField(_("balance"), default=ZERO, editable=False, max_digits=14, decimal_places=2)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("case account")
        verbose_name_plural = _("case accounts")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="case_balance_not_negative")]

    def __str__(self) -> str:
        return self.number


class BankTransaction(models.Model):
    """Money that arrived in the court's account, from a statement or a bank notification.

    The bank's transaction id is unique: the same transaction delivered twice is stored (and credited)
    once. Matched to a case by the sub-account number, or claimed to one by finance.
    """

    class Source(models.TextChoices):
        STATEMENT = "statement", _("Bank statement")
        NOTIFICATION = "notification", _("Bank notification")

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched by sub-account")
        UNMATCHED = "unmatched", _("Waiting to be claimed")
        CLAIMED = "claimed", _("Claimed to a case by finance")
        RETURNED = "returned", _("Returned to the payer")

    transaction_id = models.CharField(_("bank transaction id"), max_length=64, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # The court whose master account received it: from the statement, or from the sub-account prefix.
    court = models.ForeignKey(
        Court, verbose_name=_("court"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account_number = models.CharField(_("sub-account given"), max_length=40, blank=True)
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(CENT)], max_digits=14, decimal_places=2
    )
    payer_name = models.CharField(_("payer"), max_length=100, blank=True)
    payer_account = models.CharField(_("payer's account"), max_length=40, blank=True)
    booked_at = models.DateTimeField(pgettext_lazy("when the bank booked the money", "booked at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_transactions",
    )
    # Unmatched money must be claimed within a limit computed by the deadline engine.
    claim_due_date = models.DateField(_("claim by"), null=True, blank=True)
    claim_explanation = models.JSONField(_("how the claim date was computed"), default=list, blank=True)
    late_flagged_at = models.DateTimeField(_("flagged late at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed or returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("claimed or returned at"), null=True, blank=True)
    resolution_note = models.TextField(_("note"), blank=True)
    # Money paid by someone who is not a respondent of the case is looked at by a person.
    payer_review_needed = models.BooleanField(_("payer is not a respondent"), default=False)
    payer_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payer_reviewed_at = models.DateTimeField(_("payer reviewed at"), null=True, blank=True)
    payer_review_note = models.TextField(_("payer review note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["-booked_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bank_transaction_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["matched", "claimed"], case__isnull=False)
                | Q(status__in=["unmatched", "returned"], case__isnull=True),
                name="bank_transaction_case_matches_status",
            ),
        ]
        indexes = [
            models.Index(
                fields=["court", "booked_at"], name="bank_tx_unmatched", condition=Q(status="unmatched")
            )
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.amount}"


class RefusedNotification(models.Model):
    """A bank notification refused although the bank says the money arrived: kept, so it is not lost.

    One row per transaction id, reason and content (a fingerprint of what was sent); the bank's retries
    of the same content only count ``deliveries``. Finance and the court's supervisors are told once per
    transaction id and reason (the row with ``alerted``, unique), however many variants arrive.
    """

    class Reason(models.TextChoices):
        CONFLICT = "conflict", _("Already recorded with other details")
        TOO_LARGE = "too_large", _("Too large for the ledger")
        BOOKING_TIME = "booking_time", _("Impossible booking time")

    transaction_id = models.CharField(_("bank transaction id"), max_length=64)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    fingerprint = models.CharField(max_length=64, editable=False)
    court = models.ForeignKey(
        Court, verbose_name=_("court"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # As sent (the amount as text: one too large for the ledger does not fit a money column either).
    amount = models.CharField(_("amount"), max_length=70)
    account_number = models.CharField(_("sub-account given"), max_length=64, blank=True)
    payer_name = models.CharField(_("payer"), max_length=500, blank=True)
    payer_account = models.CharField(_("payer's account"), max_length=500, blank=True)
    booked_at = models.DateTimeField(pgettext_lazy("when the bank booked the money", "booked at"))
    explanation = models.TextField(_("why it was refused"))
    deliveries = models.PositiveIntegerField(_("deliveries"), default=1)
    first_received_at = models.DateTimeField(_("first received at"), default=timezone.now)
    last_received_at = models.DateTimeField(_("last received at"), default=timezone.now)
    alerted = models.BooleanField(_("finance alerted"), default=False)

    class Meta:
        verbose_name = _("refused bank notification")
        verbose_name_plural = _("refused bank notifications")
        ordering = ["-last_received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["transaction_id", "reason", "fingerprint"], name="one_refusal_per_content"
            ),
            models.UniqueConstraint(
                fields=["transaction_id", "reason"],
                condition=Q(alerted=True),
                name="one_refusal_alert_per_transaction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.reason} {self.amount}"


class LedgerEntry(models.Model):
    """One movement of a case's money. Never updated or deleted: a wrong entry is reversed by another."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Money received")
        PAID_OUT = "paid_out", _("Paid out")
        REFUNDED = "refunded", _("Refunded to the payer")
        COURT_FEE = "court_fee", _("Court fees")
        TRANSFER_IN = "transfer_in", _("Transfer from another case")
        TRANSFER_OUT = "transfer_out", _("Transfer to another case")
        REVERSAL = "reversal", _("Reversal of a wrong entry")

    CREDITS = (Kind.RECEIVED, Kind.TRANSFER_IN)
    DEBITS = (Kind.PAID_OUT, Kind.REFUNDED, Kind.COURT_FEE, Kind.TRANSFER_OUT)

    account = models.ForeignKey(
        CaseAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Signed: money in is positive, money out negative; the balance is their sum.
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    balance_after = models.DecimalField(_("balance after"), max_digits=14, decimal_places=2)
    booked_at = models.DateTimeField(pgettext_lazy("when the bank booked the money", "booked at"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    # A foreign key, not one-to-one: money credited to the wrong case is reversed there, goes back to
    # the unmatched queue and is claimed again, a second credit of the same transaction.
    bank_transaction = models.ForeignKey(
        BankTransaction,
        verbose_name=_("bank transaction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    payout_line = models.OneToOneField(
        "PayoutLine",
        verbose_name=_("payout line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entry",
    )
    # The other half of a transfer between cases.
    counterpart = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["account_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="ledger_balance_not_negative"),
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=["received", "transfer_in"], amount__gt=0)
                | Q(kind__in=["paid_out", "refunded", "court_fee", "transfer_out"], amount__lt=0)
                | Q(kind="reversal", reverses__isnull=False),
                name="ledger_sign_follows_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("ledger entries are append-only: reverse a wrong entry instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("ledger entries are append-only: reverse a wrong entry instead")

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


class Allocation(models.Model):
    """Part of a debit taken from one credit: how a payout deadline knows its money has gone out."""

    debit = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="allocations_used")
    credit = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.UniqueConstraint(fields=["debit", "credit"], name="one_allocation_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.debit_id} ← {self.credit_id} {self.amount}"


class PayeeAccount(models.Model):
    """An applicant's account for payouts, confirmed by the judge (the first interview gives one too)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    party = models.OneToOneField(
        Party, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="payee_account"
    )
    bank_name = models.CharField(_("bank"), max_length=100)
    account_name = models.CharField(_("account holder"), max_length=100)
    account_number = models.CharField(_("account number"), max_length=32, validators=[bank_account_validator])
    basis = models.CharField(_("confirmed from"), max_length=200)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payee account")
        verbose_name_plural = _("payee accounts")

    def __str__(self) -> str:
        return f"{self.account_name} {self.account_number}"


class Payout(models.Model):
    """Money paid to the applicants: proposed by the judge, approved by another person, paid by finance."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for approval")
        APPROVED = "approved", _("Approved, waiting for payment")
        EXPORTED = "exported", _("In a payment file sent to the bank")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    # These reserve their amount of the balance.
    PENDING = (Status.PROPOSED, Status.APPROVED, Status.EXPORTED)

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="payouts")
    account = models.ForeignKey(CaseAccount, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(CENT)], max_digits=14, decimal_places=2
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # A president must approve: the amount is above the court's threshold.
    needs_higher_approval = models.BooleanField(_("needs a president's approval"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    batch = models.ForeignKey(
        "PaymentBatch",
        verbose_name=_("payment file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="payout_approver_not_proposer",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | ~Q(bank_reference=""), name="paid_payout_has_reference"
            ),
        ]
        indexes = [models.Index(fields=["status", "proposed_at"], name="payout_status")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.amount} {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING


class PayoutLine(models.Model):
    """One payee of a payout, with the account the money goes to, copied when proposed."""

    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="lines")
    payee = models.ForeignKey(Party, verbose_name=_("payee"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(CENT)], max_digits=14, decimal_places=2
    )
    bank_name = models.CharField(_("bank"), max_length=100)
    account_name = models.CharField(_("account holder"), max_length=100)
    account_number = models.CharField(_("account number"), max_length=32)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payout line")
        verbose_name_plural = _("payout lines")
        ordering = ["payout_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_line_amount_positive"),
            models.UniqueConstraint(fields=["payout", "payee"], name="one_line_per_payee"),
        ]

    def __str__(self) -> str:
        return f"{self.account_name} {self.amount}"


class PaymentBatch(models.Model):
    """A payment file of approved payouts exported for the bank, confirmed once the bank has paid it."""

    class Status(models.TextChoices):
        EXPORTED = "exported", _("Sent to the bank")
        CONFIRMED = "confirmed", _("Paid by the bank")

    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.EXPORTED)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("exported by"), on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(_("exported at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment file")
        verbose_name_plural = _("payment files")
        ordering = ["-exported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.court.code} #{self.pk} {self.total}"


class PayoutHold(models.Model):
    """Payout of a case's money stopped for a statutory reason; approved, it pauses the payout clocks."""

    class Reason(models.TextChoices):
        OBJECTION = "objection", _("Enforcement objection pending")
        DISTRIBUTION = "distribution", _("Distribution among several creditors")
        ACCOUNT_UNKNOWN = "account_unknown", _("Applicant's account unknown")
        SUSPENSION = "suspension", _("Enforcement suspended")
        DISPUTE = "dispute", _("Ownership of the money disputed")
        OTHER = "other", _("Other statutory reason")

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("status: waiting for a decision", "Requested")
        ACTIVE = "active", _("In force")
        REFUSED = "refused", _("Refused")
        RELEASED = "released", _("Released")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="payout_holds"
    )
    reason = models.CharField(_("statutory reason"), max_length=16, choices=Reason.choices)
    detail = models.TextField(_("detail"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or refused by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or refused at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    start_date = models.DateField(_("held from"), null=True, blank=True)
    end_date = models.DateField(_("held until"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    release_note = models.TextField(_("release note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payout hold")
        verbose_name_plural = _("payout holds")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["requested", "active"]),
                name="one_open_hold_per_case",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="hold_approver_not_requester",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_reason_display()}"


class StatementImport(models.Model):
    """One bank statement file imported: how many lines, and the master balance it ends with."""

    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file"), max_length=200)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lines = models.PositiveIntegerField(_("lines"), default=0)
    credited = models.PositiveIntegerField(_("new transactions"), default=0)
    duplicates = models.PositiveIntegerField(_("already known"), default=0)
    closing_balance = models.DecimalField(
        _("closing balance of the master account"), max_digits=14, decimal_places=2
    )
    closing_at = models.DateTimeField(_("balance as of"))

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")
        ordering = ["-closing_at", "-id"]

    def __str__(self) -> str:
        return f"{self.court.code} {self.filename}"


class Reconciliation(models.Model):
    """The daily comparison of the ledger with the master account's balance on the last statement."""

    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="reconciliations")
    run_on = models.DateField(_("run on"))
    as_of = models.DateTimeField(_("balance as of"))
    statement_balance = models.DecimalField(_("master account balance"), max_digits=14, decimal_places=2)
    case_balances = models.DecimalField(_("sum of case balances"), max_digits=14, decimal_places=2)
    unmatched = models.DecimalField(_("unmatched money"), max_digits=14, decimal_places=2)
    difference = models.DecimalField(_("difference"), max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-run_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "run_on"], name="one_reconciliation_per_statement_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.court.code} {self.run_on} {self.difference}"

    @property
    def balanced(self) -> bool:
        return self.difference == ZERO


class IdempotencyKey(models.Model):
    """A money-moving API request already answered: the same key gets the same answer, once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    endpoint = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
