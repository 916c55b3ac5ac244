"""Cases, their parties and the case timeline."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .. import eventtexts
from .org import Court, Team

# The case's columns derived from its running deadlines (see ``Case.next_due_at``).
URGENCY_FIELDS = ("next_due_at", "overdue_deadlines", "nearing_deadlines")
QUEUE_ORDER = ("next_due_at", "filed_at", "id", "overdue_deadlines", "nearing_deadlines")


class CaseType(models.Model):
    """Type codes of enforcement case numbers (执, 执恢, ...): data, because only two are confirmed."""

    code = models.CharField(_("type code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=50)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


FIRST_ENFORCEMENT = "执"


class PropertyKind(models.TextChoices):
    """Kinds of the respondent's property a lead points to: told at the first interview or reported online."""

    BANK_ACCOUNT = "bank_account", _("Bank account")
    REAL_ESTATE = "real_estate", _("Real estate")
    VEHICLE = "vehicle", _("Vehicle")
    WAGES = "wages", _("Wages or other income")
    EQUITY = "equity", _("Equity")
    OTHER = "other", _("Other property")


class Case(models.Model):
    class Status(models.TextChoices):
        FILED = "filed", pgettext_lazy("case status", "Filed")
        CLOSED = "closed", _("Closed")

    class Closure(models.TextChoices):
        # 法发〔2014〕26号; 中止执行 is not a closure but a deducted period.
        PERFORMED = "performed", _("Fully performed")
        TERMINATED_THIS_ROUND = (
            "terminated_this_round",
            _("Terminated for this round (no executable property)"),
        )
        TERMINATED = "terminated", _("Enforcement terminated")
        WITHDRAWN_BY_COURT = "cancelled", _("Case cancelled")
        NOT_ENFORCED = "not_enforced", _("Enforcement refused")
        DISMISSED = "dismissed", _("Application dismissed")

    class TerminationGround(models.TextChoices):
        # 终结执行 (RULES.md "Closure modes"): the ground is recorded with the ruling.
        APPLICANT_WITHDREW = "applicant_withdrew", _("The applicant withdrew the application")
        TITLE_REVOKED = "title_revoked", _("The title was revoked")
        DEBTOR_DIED = "debtor_died", _("The debtor died, leaving no estate and no successor")
        MAINTENANCE_CREDITOR_DIED = "maintenance_creditor_died", _("The creditor of maintenance died")
        DESTITUTE_DEBTOR = "destitute_debtor", _("The debtor is destitute and unable to work")
        BANKRUPTCY = "bankruptcy", _("The debtor was declared bankrupt")
        DISSOLVED = "dissolved", _("The debtor organisation was dissolved without a successor")
        TRANSFERRED = "transferred", _("The case was transferred to another court")
        OTHER = "other", _("Another ground the law provides")

    class TitleKind(models.TextChoices):
        JUDGMENT = "judgment", _("Judgment")
        RULING = "ruling", _("Ruling")
        MEDIATION = "mediation", _("Mediation statement")
        PAYMENT_ORDER = "payment_order", _("Payment order")
        ARBITRATION = "arbitration", _("Arbitral award")
        NOTARIAL = "notarial", _("Notarised debt instrument")
        ADMINISTRATIVE = "administrative", _("Administrative decision")
        OTHER = "other", _("Other")

    class ClaimKind(models.TextChoices):
        MONEY = "money", _("Payment of money")
        ACT = "act", _("Performance of an act")
        PROPERTY = "property", _("Delivery of property")

    NON_LITIGATION_TITLES = frozenset({TitleKind.ARBITRATION, TitleKind.NOTARIAL, TitleKind.ADMINISTRATIVE})

    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="cases")
    case_type = models.ForeignKey(CaseType, verbose_name=_("case type"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("case number"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.FILED)

    class Stream(models.TextChoices):
        UNSORTED = "", _("Not triaged yet")
        SIMPLE = "simple", _("Simple stream")
        COMPLEX = "complex", _("Complex stream")

    stream = models.CharField(_("stream"), max_length=8, choices=Stream.choices, blank=True, db_index=True)
    # Who works the case; set by assignment. Access, alert routing and queues read them.
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    responsible_judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible judge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_responsible",
    )

    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure = models.CharField(_("closure"), max_length=24, choices=Closure.choices, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)
    closure_ground = models.CharField(
        _("ground of termination"), max_length=32, choices=TerminationGround.choices, blank=True
    )
    closure_ruling_number = models.CharField(_("number of the closure ruling"), max_length=60, blank=True)
    # A resumed case (执恢) is a new case filed on the old one's title; both keep the link.
    resumed_from = models.ForeignKey(
        "self",
        verbose_name=_("resumes the case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resumptions",
    )

    received_on = models.DateField(_("application received on"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    title_court_name = models.CharField(_("issuing court or body"), max_length=100)
    title_case_number = models.CharField(_("case number of the title"), max_length=60)
    # The title's number with brackets and spaces normalised, so the duplicate check is not fooled
    # by "(2024)" against "（2024）".
    title_case_number_key = models.CharField(max_length=60, editable=False, db_index=True)
    title_kind = models.CharField(
        _("kind of title"), max_length=16, choices=TitleKind.choices, default=TitleKind.JUDGMENT
    )
    title_effective_date = models.DateField(_("date the title took effect"))

    claim_kind = models.CharField(_("claim"), max_length=16, choices=ClaimKind.choices)
    claim_amount = models.DecimalField(
        _("amount claimed"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    claim_description = models.TextField(_("claim description"), blank=True)

    preservation_in_place = models.BooleanField(_("preservation already in place"), default=False)
    preservation_amount = models.DecimalField(
        _("amount preserved"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    preservation_detail = models.TextField(_("preservation details"), blank=True)

    # Only a keyed hash of the parties' query code is kept; the code itself is shown once.
    query_code_hash = models.CharField(max_length=64, editable=False)
    query_code_issued_at = models.DateTimeField(null=True, editable=False)

    # What the queues sort and filter by, derived from the case's running deadlines and written only by
    # ``enforcement.urgency.refresh_case_urgency``, which every write of the deadline engine calls (as
    # healthchecks keeps ``alert_after`` on the check): the earliest due time among the running deadlines
    # (none: no clock runs), and how many of them are overdue and nearing.
    next_due_at = models.DateTimeField(_("most urgent due time"), null=True, blank=True, editable=False)
    overdue_deadlines = models.PositiveSmallIntegerField(_("overdue deadlines"), default=0, editable=False)
    nearing_deadlines = models.PositiveSmallIntegerField(_("nearing deadlines"), default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["query_code_hash", *URGENCY_FIELDS])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "case_type", "year", "seq"], name="unique_case_sequence"
            ),
            models.CheckConstraint(
                condition=~Q(claim_kind="money") | Q(claim_amount__isnull=False),
                name="money_claim_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(claim_amount__isnull=True) | Q(claim_amount__gt=0), name="claim_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(preservation_amount__isnull=True) | Q(preservation_amount__gt=0),
                name="preservation_amount_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["court", "title_case_number_key"], name="case_title_lookup"),
            # The queues' order (next_due_at ASC NULLS LAST, filed_at, id): PostgreSQL's ascending b-tree
            # keeps NULLs last, so a page is an index scan that stops at its LIMIT, never a sort of all the
            # judge's or team's cases. The counts ride at the end, so the counts at the top of the queue
            # are an index-only scan of the same index.
            models.Index(fields=["responsible_judge", *QUEUE_ORDER], name="case_judge_queue"),
            models.Index(fields=["team", *QUEUE_ORDER], name="case_team_queue"),
            # The indicators' case lists: cases closed, and cases filed, in a court's month.
            models.Index(fields=["court", "closed_at"], name="case_court_closed"),
            models.Index(fields=["court", "filed_at"], name="case_court_filed"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A case saved whole never writes its urgency back: the copy in memory may be older than the row,
        which the deadline engine updates in place. Only ``refresh_case_urgency`` writes those columns."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            skip = {*URGENCY_FIELDS, *self.get_deferred_fields()}
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in skip
            ]
        super().save(*args, **kwargs)

    @property
    def is_non_litigation(self) -> bool:
        return self.title_kind in self.NON_LITIGATION_TITLES

    def applicants(self) -> list["Party"]:
        return [p for p in self.parties.all() if p.role == Party.Role.APPLICANT]

    def respondents(self) -> list["Party"]:
        return [p for p in self.parties.all() if p.role == Party.Role.RESPONDENT]


class Party(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")
        THIRD_PARTY = "third_party", _("Third party")

    class Kind(models.TextChoices):
        PERSON = "person", _("Natural person")
        ORGANISATION = "organisation", _("Organisation")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident identity card")
        USCC = "uscc", _("Unified social credit code")
        OTHER = "other", _("Other document (passport, permit, ...)")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100)
    id_type = models.CharField(_("identity document"), max_length=16, choices=IdType.choices)
    id_number = models.CharField(_("identity number"), max_length=50, blank=True, db_index=True)
    # Why a clerk accepted a social credit code whose check character fails (some real codes do).
    id_warning_override = models.TextField(_("reason for accepting a failed check"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    agent_name = models.CharField(_("agent"), max_length=100, blank=True)
    agent_phone = models.CharField(_("agent's phone"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case_id", "role", "position", "id"]
        indexes = [models.Index(fields=["name"], name="party_name")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class CaseEvent(models.Model):
    """One entry of the case timeline. Append-only: corrections are new events."""

    class Kind(models.TextChoices):
        CASE_FILED = "case_filed", _("Case filed")
        NOTICE_DELIVERED = "notice_delivered", _("Notice delivered")
        INTERVIEW_RECORDED = "interview_recorded", _("First interview recorded")
        INTERVIEW_LOCKED = "interview_locked", _("First interview record locked")
        QUERY_CODE_REISSUED = "query_code_reissued", _("Query code reissued")
        CASE_CLOSED = "case_closed", _("Case closed")
        ALERT_ACKNOWLEDGED = "alert_acknowledged", _("Deadline alert acknowledged")
        TRIAGED = "triaged", _("Triaged")
        TRIAGE_OVERRIDDEN = "triage_overridden", _("Triage overridden")
        ASSIGNED = "assigned", _("Responsible judge assigned")
        REASSIGNED = "reassigned", _("Case reassigned")
        PLAN_RECORDED = "plan_recorded", _("Risk assessment and enforcement plan recorded")
        NOTICE_SERVED = "notice_served", _("Enforcement notice served")
        REPORT_ORDER_SERVED = "report_order_served", _("Property-report order served")
        LEADS_REQUESTED = "leads_requested", _("Applicant asked for property leads")
        ONLINE_SEARCH_STARTED = "online_search_started", _("Online property search started")
        ONLINE_SEARCH_RESULTS = "online_search_results", _("Online property search results recorded")
        LEAD_VERIFIED = "lead_verified", _("Property lead verified")
        PARTY_LEAD_REPORTED = "party_lead_reported", _("Property lead reported by a party online")
        NOTE_ADDED = "note_added", _("Note added")
        MONEY_RECEIVED = "money_received", _("Money received in the case account")
        PAYOUT_PROPOSED = "payout_proposed", _("Payout proposed")
        PAYOUT_APPROVED = "payout_approved", _("Payout approved")
        PAYOUT_REJECTED = "payout_rejected", _("Payout rejected")
        PAYOUT_CANCELLED = "payout_cancelled", _("Payout cancelled")
        MONEY_PAID = "money_paid", _("Money paid out")
        PAYOUT_HELD = "payout_held", _("Payout held")
        PAYOUT_HOLD_RELEASED = "payout_hold_released", _("Payout hold released")
        MONEY_ADJUSTED = "money_adjusted", _("Case account adjusted")
        ONLINE_SEARCH_REPLY = "online_search_reply", _("Reply to an online property search recorded")
        MEASURE_TAKEN = "measure_taken", _("Property measure taken")
        MEASURE_RENEWED = "measure_renewed", _("Property measure renewed")
        MEASURE_RELEASED = "measure_released", _("Property measure released")
        MEASURE_LAPSED = "measure_lapsed", _("Property measure lapsed without renewal")
        DEDUCTION_LINKED = "deduction_linked", _("Deducted money linked to its measure")
        DEDUCTION_UNLINKED = "deduction_unlinked", _("Deducted money unlinked: the entry was reversed")
        DETENTION_PROPOSED = "detention_proposed", _("Judicial detention proposed")
        DETENTION_APPROVED = "detention_approved", _("Judicial detention approved and begun")
        DETENTION_REFUSED = "detention_refused", _("Judicial detention refused")
        DETENTION_FAMILY_NOTIFIED = "detention_family_notified", _("Family of the detained person notified")
        DETENTION_RELEASED = "detention_released", _("Detained person released early")
        FINE_PROPOSED = "fine_proposed", _("Fine proposed")
        FINE_APPROVED = "fine_approved", _("Fine imposed")
        FINE_REFUSED = "fine_refused", _("Fine refused")
        CLOSURE_PROPOSED = "closure_proposed", _("Closure proposed for approval")
        CLOSURE_REVIEWED = "closure_reviewed", _("Closure proposal reviewed")
        CLOSURE_EVIDENCE = "closure_evidence", _("Evidence of a closure condition recorded")
        CLOSURE_INTERVIEW = "closure_interview", _("Applicant interviewed about the closure")
        CLOSURE_SERVED = "closure_served", _("Closure ruling served")
        CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued to the debtor")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
        RESTRICTION_PROPOSED = "restriction_proposed", _("Consumption restriction proposed")
        RESTRICTION_APPROVED = "restriction_approved", _("Consumption restriction issued")
        RESTRICTION_REFUSED = "restriction_refused", _("Consumption restriction refused")
        RESTRICTION_LIFTED = "restriction_lifted", _("Consumption restriction lifted")
        DEBTOR_LISTED = "debtor_listed", _("Put on the dishonest-debtor list")
        LISTING_SERVED = "listing_served", _("Listing decision served")
        LISTING_REFUSED = "listing_refused", _("Dishonest-debtor listing refused")
        LISTING_EXTENDED = "listing_extended", _("Dishonest-debtor listing extended")
        LISTING_REMOVAL_GROUND = (
            "listing_removal_ground",
            _("Ground for removal from the dishonest-debtor list recorded"),
        )
        LISTING_REMOVED = "listing_removed", _("Removed from the dishonest-debtor list")
        POOL_SEARCH_RECORDED = "pool_search_recorded", _("终本 re-search recorded")
        CASE_RESUMED = "case_resumed", _("Enforcement resumed")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public = models.BooleanField(_("visible to parties"), default=False)
    # What staff typed (a note, what was found): shown as typed, scrubbed of numbers for parties.
    detail = models.TextField(_("detail"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The system's words for the event, as a code and language-neutral parameters, put into words in the
    # reader's language when shown (``enforcement.eventtexts``).
    text_code = models.CharField(_("text code"), max_length=60, blank=True, default="")
    text_params = models.JSONField(_("text parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def text(self) -> str:
        """The system's words for the event in the active language ("" when it has none)."""
        return eventtexts.text_of(self)


@eventtexts.register(eventtexts.CASE_CLOSED)
def _case_closed_text(params: Mapping[str, Any]) -> str:
    return str(Case.Closure(params["closure"]).label)
