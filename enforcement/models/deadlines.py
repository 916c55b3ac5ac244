"""Node types (time limits as data), the deadlines they open, deductions and extensions."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .cases import Case
from .org import Court


class NodeType(models.Model):
    """A kind of time limit (RULES.md), editable by administrators, overridable per court."""

    class Unit(models.TextChoices):
        DAYS = "days", pgettext_lazy("unit of a time limit", "days")
        MONTHS = "months", pgettext_lazy("unit of a time limit", "months")
        HOURS = "hours", _("hours")

    class Counting(models.TextChoices):
        CALENDAR = "calendar", _("Calendar days, moved off a rest day at the end")
        WORKING = "working", _("Working days only")
        # Terms of freezes, seizures and seals lapse on their day whatever day it is: moving the end to
        # the next working day would tell the judge he has time the bank or registry does not give him.
        EXACT = "exact", _("Calendar days, ending on the day as it falls (terms of measures)")

    class Responsible(models.TextChoices):
        JUDGE = "judge", _("The responsible judge")
        TEAM_LEAD = "team_lead", _("The team lead")
        FINANCE = "finance", _("Finance")
        JUDGE_AND_LEAD = "judge_and_lead", _("The responsible judge and the team lead")
        # The 终本 pool's re-searches: the lead and judges of the court's pool team, else the case's judge.
        POOL_KEEPER = "pool_keeper", _("The keeper of the 终本 pool")

    code = models.CharField(_("code"), max_length=40)
    court = models.ForeignKey(
        Court,
        verbose_name=_("court (empty: every court)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="node_types",
    )
    name = models.CharField(_("name"), max_length=100)
    budget = models.PositiveIntegerField(_("budget"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.DAYS)
    counting = models.CharField(
        _("counting"), max_length=10, choices=Counting.choices, default=Counting.CALENDAR
    )
    warn_lead_days = models.PositiveSmallIntegerField(_("warn this many days before"), default=3)
    public = models.BooleanField(_("parties see it on the timeline"), default=False)
    responsible = models.CharField(
        _("responsible"), max_length=16, choices=Responsible.choices, default=Responsible.JUDGE
    )
    extendable = models.BooleanField(_("may be extended with approval"), default=False)
    # Terms of freezes and seals run on after a case closes (终结本次执行 keeps them, and they must be
    # renewed): closing the case does not stop these clocks.
    outlives_case = models.BooleanField(_("keeps running after the case closes"), default=False)
    # Whole-case limits (执行期限) are what closing the case fulfils: closing meets them, on time or late,
    # instead of cancelling them as it does the clocks of steps that will no longer be taken.
    met_on_closure = models.BooleanField(_("closing the case meets it"), default=False)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    # Urgent: its alerts and reminders are sent at once; the others wait for the daily digest.
    urgent = models.BooleanField(_("urgent: notify at once, not in the daily digest"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("node type")
        verbose_name_plural = _("node types")
        ordering = ["code", "court_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(court__isnull=True), name="unique_default_node"
            ),
            models.UniqueConstraint(fields=["code", "court"], name="unique_court_node"),
        ]

    def __str__(self) -> str:
        scope = f" ({self.court.code})" if self.court is not None else ""
        return f"{self.name}{scope}"


class Deadline(models.Model):
    """One running clock on a case. Its due time is derived (``enforcement.duedates``), never typed in."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        NEARING = "nearing", _("Nearing")
        OVERDUE = "overdue", _("Overdue")
        MET = "met", _("Met")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.OPEN, Status.NEARING, Status.OVERDUE)

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="deadlines")
    node_type = models.ForeignKey(
        NodeType, verbose_name=_("node"), on_delete=models.PROTECT, related_name="+"
    )
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    anchor_at = models.DateTimeField(_("clock started"))
    # The node type's rule as it stood when the clock started: editing a node type later changes the
    # deadlines opened after the edit, never the ones already running.
    budget = models.PositiveIntegerField(_("budget"))
    unit = models.CharField(_("unit"), max_length=8, choices=NodeType.Unit.choices)
    counting = models.CharField(_("counting"), max_length=10, choices=NodeType.Counting.choices)
    warn_lead_days = models.PositiveSmallIntegerField(_("warn this many days before"))
    due_date = models.DateField(_("last day"))
    # The exclusive end: the start of the day after the last day, in the court's time zone.
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("warn from"))
    # A deduction is running: the clock stands still and the scan leaves the deadline alone.
    paused = models.BooleanField(_("paused"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # Bumped whenever a recomputation takes the deadline back from nearing or overdue, so that a later
    # alert of the same level is a new alert, not a conflict with the resolved one.
    generation = models.PositiveIntegerField(default=0)
    explanation = models.JSONField(_("how the due date was computed"), default=list)

    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("met or cancelled at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "id"]
        indexes = [
            # The scan's two queries: open deadlines reaching their warning time, and active ones
            # reaching their due time. Partial, so their size follows the open work, not history.
            models.Index(
                fields=["warn_at"], name="deadline_to_warn", condition=Q(status="open", paused=False)
            ),
            models.Index(
                fields=["due_at"],
                name="deadline_to_expire",
                condition=Q(status__in=["open", "nearing"], paused=False),
            ),
            # The reminder ladder: running deadlines of a node type whose due time is in a rung's window.
            models.Index(
                fields=["node_type", "due_at"],
                name="deadline_ladder",
                condition=Q(status__in=["open", "nearing"], paused=False),
            ),
            # The scan's catch-up (alerts of deadlines closed since the last scan) and paused refresh.
            models.Index(fields=["closed_at"], name="deadline_closed", condition=Q(closed_at__isnull=False)),
            models.Index(
                fields=["id"],
                name="deadline_paused",
                condition=Q(paused=True, status__in=["open", "nearing", "overdue"]),
            ),
            models.Index(fields=["case", "status"], name="deadline_case_status"),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.node_type.code} {self.due_date}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def met_late(self) -> bool:
        """Met, but after its last day: the due time is frozen once a deadline is met, so lateness is
        derived from when it was met, as the alerts' lateness is."""
        return self.status == self.Status.MET and self.closed_at is not None and self.closed_at >= self.due_at


class Deduction(models.Model):
    """A period that does not count toward a time limit (扣除期间), approved by a supervisor."""

    class Kind(models.TextChoices):
        PUBLIC_NOTICE = "public_notice", _("Service by public notice")
        APPRAISAL = "appraisal", _("Appraisal and valuation")
        AUDIT = "audit", _("Audit")
        JURISDICTION = "jurisdiction", _("Jurisdiction dispute")
        SUSPENSION = "suspension", _("Suspension of enforcement until resumption")
        DEFERRAL = "deferral", _("Deferred enforcement (settlement, guarantee or higher court)")
        AUCTION = "auction", _("Auction and sale of seized property")
        INSTRUCTIONS = "instructions", _("Request for instructions to a higher court")
        PAYOUT_HOLD = "payout_hold", _("Payout held for a statutory reason")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="deductions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until (empty while it runs)"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # The kind's DeductionRule as it stood when the period was recorded (a later edit of the rule changes
    # the periods recorded after it, like a node type's budget); empty for kinds without a longest term.
    months_without_approval = models.PositiveSmallIntegerField(
        _("longest term without approval (months)"), null=True, blank=True
    )
    additional_months_allowed = models.PositiveSmallIntegerField(
        _("longest additional period (months)"), null=True, blank=True
    )
    # The additional period beyond ``months_without_approval``, approved by a second person.
    additional_months = models.PositiveSmallIntegerField(
        _("additional period approved (months)"), null=True, blank=True
    )
    additional_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("additional period approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    additional_approved_at = models.DateTimeField(_("additional period approved at"), null=True, blank=True)
    additional_reason = models.TextField(_("reason for the additional period"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="deduction_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}–{self.end_date or '…'}"

    @property
    def term_end(self) -> datetime.date | None:
        """The last day of its term without approval (None: no longest term). As with the engine's month
        budgets, the day it starts (the decision's day) is not counted in the term (民事诉讼法 第八十五条): 3
        months from 01-10 end on 04-10, or on the month's last day when it has no such day."""
        if self.months_without_approval is None:
            return None
        return self.start_date + relativedelta(months=self.months_without_approval)

    @property
    def latest_end(self) -> datetime.date | None:
        """The last day it may count: its term, and the additional period once approved."""
        if self.months_without_approval is None:
            return None
        months = self.months_without_approval + (self.additional_months or 0)
        return self.start_date + relativedelta(months=months)

    @property
    def may_get_additional_period(self) -> bool:
        """Running, with a longest term that an approved additional period may extend, not yet approved."""
        return (
            self.end_date is None
            and self.months_without_approval is not None
            and bool(self.additional_months_allowed)
            and self.additional_months is None
        )


class DeductionRule(models.Model):
    """How long a kind of deducted period may last: 暂缓执行 at most 3 months, and with the approval of an
    additional period at most 3 more (《最高人民法院关于正确适用暂缓执行措施若干问题的规定》第七条).

    Data, editable by administrators, overridable per court like node types; a kind without a rule has no
    longest term (中止执行 lasts until the cause ends).
    """

    kind = models.CharField(_("kind of deducted period"), max_length=16, choices=Deduction.Kind.choices)
    court = models.ForeignKey(
        Court,
        verbose_name=_("court (empty: every court)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deduction_rules",
    )
    months_without_approval = models.PositiveSmallIntegerField(
        _("longest term without approval (months)"), validators=[MinValueValidator(1)]
    )
    additional_months = models.PositiveSmallIntegerField(
        _("longest additional period with approval (months)"),
        default=0,
        help_text=_("0: no additional period may be approved."),
    )
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deduction rule")
        verbose_name_plural = _("deduction rules")
        ordering = ["kind", "court_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(court__isnull=True), name="unique_default_deduction_rule"
            ),
            models.UniqueConstraint(fields=["kind", "court"], name="unique_court_deduction_rule"),
        ]

    def __str__(self) -> str:
        scope = f" ({self.court.code})" if self.court is not None else ""
        return f"{self.get_kind_display()}: {self.months_without_approval} + {self.additional_months}{scope}"


class Extension(models.Model):
    """A longer limit for the whole case, requested in time and approved by a court president."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("status: waiting for a decision", "Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extensions")
    months = models.PositiveSmallIntegerField(
        pgettext_lazy("length of an extension", "months"), validators=[MinValueValidator(1)]
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"+{self.months} {self.get_status_display()}"
