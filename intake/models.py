"""What the window clerk records: case-number counters, materials, notices handed over, first interview."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from enforcement.models import Case, CaseType, Court, Party, PropertyKind


class CaseNumberCounter(models.Model):
    """The last sequence number given out per court, case type and year.

    Allocation locks this row (SELECT ... FOR UPDATE) in the filing transaction, so numbers are unique
    and, because a failed filing rolls the increment back with it, without gaps.
    """

    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="+")
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")
        constraints = [
            models.UniqueConstraint(fields=["court", "case_type", "year"], name="unique_case_number_counter")
        ]

    def __str__(self) -> str:
        return f"{self.court.code} {self.case_type.code} {self.year}: {self.last_seq}"


class ReceivedMaterial(models.Model):
    """One item of the materials checklist the clerk ticked when receiving the application."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application for enforcement")
        TITLE_COPY = "title_copy", _("Copy of the title of enforcement")
        EFFECTIVENESS = "effectiveness", _("Certificate that the title took effect")
        APPLICANT_ID = "applicant_id", _("Applicant's identity documents")
        AUTHORISATION = "authorisation", _("Power of attorney of the agent")
        RESPONDENT_INFO = "respondent_info", _("Respondent's identity and address")
        PROPERTY_LEADS = "property_leads", _("Materials on the respondent's property")
        PRESERVATION = "preservation", _("Preservation ruling")
        OTHER = "other", _("Other materials")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("material"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("material received")
        verbose_name_plural = _("materials received")
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="unique_material_per_case")]

    def __str__(self) -> str:
        return self.get_kind_display()


class NoticeDelivery(models.Model):
    """A notice handed to a party, with his acknowledgement."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance notice")
        RIGHTS = "rights", _("Notice of rights and obligations")

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("Handed over at the window")
        POST = "post", _("By post")
        ELECTRONIC = "electronic", _("Electronic service")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notice_deliveries")
    kind = models.CharField(_("notice"), max_length=16, choices=Kind.choices)
    recipient = models.ForeignKey(
        Party, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.IN_PERSON)
    delivered_at = models.DateTimeField(_("delivered at"), default=timezone.now)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("delivered by"), on_delete=models.PROTECT, related_name="+"
    )
    acknowledged = models.BooleanField(_("receipt acknowledged by the party"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        ordering = ["delivered_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient.name}"


account_number_validator = RegexValidator(
    r"^\d{6,32}$", _("A bank account number has 6 to 32 digits, without spaces or letters.")
)


class FirstInterview(models.Model):
    """The first-interview record (初次接待笔录 / 执前谈话), editable until the clerk locks it."""

    class Willingness(models.TextChoices):
        UNKNOWN = "unknown", _("Not yet known")
        PAY_IN_FULL = "pay_in_full", _("Willing to pay in full")
        NEGOTIATE = "negotiate", _("Willing to negotiate or settle")
        REFUSES = "refuses", _("Refuses to pay")
        UNREACHABLE = "unreachable", _("Could not be reached")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="first_interview")
    conducted_at = models.DateTimeField(_("conducted at"), default=timezone.now)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("interviewer"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    attendees = models.CharField(_("attendees"), max_length=200, blank=True)
    debtor_contacts = models.TextField(_("respondent's contacts"), blank=True)
    debtor_whereabouts = models.TextField(_("respondent's whereabouts"), blank=True)
    willingness = models.CharField(
        _("respondent's willingness to pay or settle"),
        max_length=16,
        choices=Willingness.choices,
        default=Willingness.UNKNOWN,
    )
    willingness_detail = models.TextField(_("details of willingness"), blank=True)
    payout_bank_name = models.CharField(_("payout bank"), max_length=100, blank=True)
    payout_account_name = models.CharField(_("payout account holder"), max_length=100, blank=True)
    payout_account_number = models.CharField(
        _("payout account number"), max_length=32, blank=True, validators=[account_number_validator]
    )
    # The risks box as clerks wrote it before risks were recorded by kind (intake migration 0004). Kept
    # so that the record, and every version of it in history, still says what was written; nothing
    # reads it to decide anything, and nothing writes it any more. The risks are the ``risks`` rows.
    legacy_risks_text = models.TextField(
        _("risks as written before they were recorded by kind"), blank=True, editable=False
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("first interview")
        verbose_name_plural = _("first interviews")

    def __str__(self) -> str:
        return str(_("First interview of %(case)s") % {"case": self.case.number})

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def risk_kinds(self) -> list[str]:
        """The kinds of risk noted, in a fixed order (uses a prefetch of ``risks`` when there is one)."""
        return sorted(risk.kind for risk in self.risks.all())


class RiskKind(models.TextChoices):
    """The kinds of risk the first interview records; each has its triage condition."""

    REFUSES = "refuses", _("Refuses to pay")
    WHEREABOUTS_UNKNOWN = "whereabouts_unknown", _("Whereabouts unknown")
    OBSTRUCTION = "obstruction", _("Obstruction or violence")
    MOVING_PROPERTY = "moving_property", _("Moving property away")
    MANY_CREDITORS = "many_creditors", _("Many creditors")
    OTHER = "other", pgettext_lazy("risk kind", "Other")


class InterviewRisk(models.Model):
    """A risk of enforcement noted at the first interview, by kind: the fact triage reads.

    No row means no risk: "无" is the absence of any kind and is never stored. Only the kind "other"
    carries a text, which describes that risk.
    """

    Kind = RiskKind

    interview = models.ForeignKey(FirstInterview, on_delete=models.CASCADE, related_name="risks")
    kind = models.CharField(_("kind of risk"), max_length=20, choices=Kind.choices)
    detail = models.TextField(_("description of the other risk"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk noted at the first interview")
        verbose_name_plural = _("risks noted at the first interview")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "kind"], name="one_interview_risk_per_kind"),
            models.CheckConstraint(
                condition=models.Q(kind__in=RiskKind.values),
                name="interview_risk_kind_known",
            ),
            # The text belongs to "other" alone: a text on another kind would be a second, unread box.
            models.CheckConstraint(
                condition=(models.Q(kind="other") & ~models.Q(detail=""))
                | (~models.Q(kind="other") & models.Q(detail="")),
                name="interview_risk_text_only_for_other",
            ),
        ]
        indexes = [models.Index(fields=["kind"], name="interview_risk_kind")]

    def __str__(self) -> str:
        text = self.get_kind_display()
        return f"{text}: {self.detail[:30]}" if self.detail else str(text)


class InterviewLead(models.Model):
    """A lead to the respondent's property given by the applicant at the first interview (a party's report
    online is ``portal.OnlineLead``)."""

    interview = models.ForeignKey(FirstInterview, on_delete=models.CASCADE, related_name="leads")
    kind = models.CharField(_("kind"), max_length=16, choices=PropertyKind.choices)
    detail = models.TextField(_("detail"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property lead")
        verbose_name_plural = _("property leads")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail[:30]}"


class Resumption(models.Model):
    """A case closed as 终本 filed again as 执恢 (恢复执行): why, and by whom. The two cases are linked by
    ``Case.resumed_from`` (the old case's ``resumptions``); this row keeps the reason."""

    class Reason(models.TextChoices):
        PROPERTY_FOUND = "property_found", _("Property found in a re-search of the 终本 pool")
        APPLICANT_REQUEST = "applicant_request", _("The applicant's request")

    case = models.OneToOneField(
        Case, verbose_name=_("resumed case"), on_delete=models.PROTECT, related_name="resumption"
    )
    # One resumption per closed case: a resumed case closed as 终本 again is resumed from itself.
    original = models.OneToOneField(
        Case, verbose_name=_("case resumed"), on_delete=models.PROTECT, related_name="resumed_by"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    pool_round = models.PositiveSmallIntegerField(
        _("re-search round that found property"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resumption")
        verbose_name_plural = _("resumptions")

    def __str__(self) -> str:
        return f"{self.original_id} → {self.case_id}"
