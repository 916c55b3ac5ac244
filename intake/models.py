"""What the window clerk records: case-number counters, materials, notices handed over, first interview."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from enforcement.models import Case, CaseType, Court, Party


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


class PropertyLead(models.Model):
    """A lead to the respondent's property given by the applicant at the first interview."""

    class Kind(models.TextChoices):
        BANK_ACCOUNT = "bank_account", _("Bank account")
        REAL_ESTATE = "real_estate", _("Real estate")
        VEHICLE = "vehicle", _("Vehicle")
        WAGES = "wages", _("Wages or other income")
        EQUITY = "equity", _("Equity")
        OTHER = "other", _("Other property")

    interview = models.ForeignKey(FirstInterview, on_delete=models.CASCADE, related_name="leads")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    detail = models.TextField(_("detail"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property lead")
        verbose_name_plural = _("property leads")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail[:30]}"


# --- The parties online (进度查询, 预约, 线索, 留言) ----------------------------------------------------


class QueryAttempt(models.Model):
    """One progress query, kept to throttle guessing per client address and per case number."""

    client_ip = models.GenericIPAddressField(_("client address"))
    # The case number as typed, normalised: a number that does not exist is throttled all the same.
    case_number_key = models.CharField(_("case number"), max_length=60)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress query")
        verbose_name_plural = _("progress queries")
        indexes = [
            models.Index(fields=["client_ip", "at"], name="query_attempt_ip"),
            models.Index(fields=["case_number_key", "at"], name="query_attempt_case"),
        ]

    def __str__(self) -> str:
        return f"{self.client_ip} {self.case_number_key} {self.at:%Y-%m-%d %H:%M}"


class QueryBlock(models.Model):
    """A client address or a case number throttled after too many failed queries: supervisors see these."""

    class Scope(models.TextChoices):
        CLIENT = "client", _("Client address")
        CASE = "case", _("Case number")

    scope = models.CharField(_("throttled by"), max_length=8, choices=Scope.choices)
    key = models.CharField(_("address or case number"), max_length=60)
    failures = models.PositiveIntegerField(_("failed queries"))
    blocked_at = models.DateTimeField(_("throttled at"), default=timezone.now)
    until = models.DateTimeField(pgettext_lazy("end of a throttle", "until"))

    class Meta:
        verbose_name = _("throttled progress query")
        verbose_name_plural = _("throttled progress queries")
        ordering = ["-blocked_at", "-id"]
        indexes = [models.Index(fields=["scope", "key", "until"], name="query_block_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} → {self.until:%Y-%m-%d %H:%M}"


class PublicProgress(models.Model):
    """What parties may see of one case, ready to show: the progress query's read model.

    Built from the case's rows on the first query after a change and dropped whenever one of them
    changes (``intake.progress_snapshot``), so a query reads one row instead of five tables. It holds
    no identity number, phone or address: a party is recognised by a keyed digest of his identity number.
    """

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    data = models.JSONField(_("what parties see"))
    built_at = models.DateTimeField(_("built at"), default=timezone.now)

    class Meta:
        verbose_name = _("public progress of a case")
        verbose_name_plural = _("public progress of cases")

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.built_at:%Y-%m-%d %H:%M}"


class AppointmentSlot(models.Model):
    """A time the judge offers to meet parties; one booking per slot."""

    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("judge"), on_delete=models.PROTECT, related_name="slots"
    )
    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=100)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["judge", "starts_at"], name="slot_judge_time")]

    def __str__(self) -> str:
        return f"{self.judge} {self.starts_at:%Y-%m-%d %H:%M}"


class Appointment(models.Model):
    """A party's booking of a slot to meet the judge about his case. No legal deadline; on both sides."""

    slot = models.ForeignKey(
        AppointmentSlot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="appointments"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="appointments"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.CASCADE, related_name="appointments"
    )
    topic = models.CharField(_("what to talk about"), max_length=200, blank=True)
    booked_at = models.DateTimeField(
        pgettext_lazy("when the party booked the appointment", "booked at"), default=timezone.now
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=models.Q(cancelled_at__isnull=True), name="one_booking_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.slot}"


class PartyLead(models.Model):
    """A lead to the respondent's property reported by a party online; the judge verifies it in time."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="party_leads"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PropertyLead.Kind.choices)
    detail = models.TextField(_("detail"))
    urgent = models.BooleanField(_("urgent (the property may be moved soon)"), default=False)
    submitted_at = models.DateTimeField(_("reported at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property lead from a party")
        verbose_name_plural = _("property leads from parties")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_kind_display()}"


class LeadAttachment(models.Model):
    lead = models.ForeignKey(PartyLead, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="leads/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("lead attachment")
        verbose_name_plural = _("lead attachments")

    def __str__(self) -> str:
        return self.original_name


class PartyMessage(models.Model):
    """A message between a party and the case's judge, shown on both sides."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="party_messages"
    )
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.CASCADE, related_name="+")
    from_party = models.BooleanField(_("written by the party"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message with a party")
        verbose_name_plural = _("messages with parties")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_party=True, author__isnull=True)
                | models.Q(from_party=False, author__isnull=False),
                name="message_author_matches_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.created_at:%Y-%m-%d %H:%M}"
