"""The parties online: the progress query (its throttle and snapshot), appointments, messages and leads.

The tables were created by ``intake`` and moved here with their rows (``portal/migrations/0001``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from enforcement.models import Case, Court, Party, PropertyKind


class QueryAttempt(models.Model):
    """One failed progress query or certificate check, kept to throttle guessing (``portal.throttle``)."""

    class Purpose(models.TextChoices):
        PROGRESS = "progress", _("Progress query")
        CERTIFICATE = "certificate", _("Certificate check")

    purpose = models.CharField(_("query"), max_length=12, choices=Purpose.choices, default=Purpose.PROGRESS)
    client_ip = models.GenericIPAddressField(_("client address"))
    # The case number as typed, normalised: a number that does not exist is throttled all the same.
    # Empty for a certificate check, which is throttled by address only.
    case_number_key = models.CharField(_("case number"), max_length=60, blank=True)
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
        CERTIFICATE = "cert", _("Client address checking certificates")

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
    changes (``portal.snapshot``), so a query reads one row instead of five tables. It holds
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


class OnlineLead(models.Model):
    """A lead to the respondent's property reported by a party online; the judge verifies it in time."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="party_leads"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PropertyKind.choices)
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
    lead = models.ForeignKey(OnlineLead, on_delete=models.CASCADE, related_name="attachments")
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


# --- The lobby: the LED screen in the hall and the self-service terminals (``portal.lobby``) -------------


class LobbyScreen(models.Model):
    """A court's lobby screen and terminal feed. A court shows nothing until an administrator adds its row
    and ticks ``enabled``: the lobby publishes (masked) who has a case at the court, so it is a decision."""

    court = models.OneToOneField(
        Court, verbose_name=_("court"), on_delete=models.CASCADE, related_name="lobby_screen"
    )
    enabled = models.BooleanField(_("show the lobby screen and the terminal feed"), default=False)
    rows_per_page = models.PositiveSmallIntegerField(
        _("cases per screen page"), default=10, validators=[MinValueValidator(3), MaxValueValidator(30)]
    )
    seconds_per_page = models.PositiveSmallIntegerField(
        _("seconds each screen page is shown"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lobby screen")
        verbose_name_plural = _("lobby screens")

    def __str__(self) -> str:
        return str(self.court)


class LobbyGuide(models.Model):
    """A piece of guidance for the terminals (what to bring, how to apply): one court's, or every court's."""

    court = models.ForeignKey(
        Court,
        verbose_name=_("court"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: shown at every court."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: shown in every language."),
    )
    title = models.CharField(pgettext_lazy("of guidance or a form", "title"), max_length=100)
    body = models.TextField(pgettext_lazy("of guidance or a form", "text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("shown"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lobby guidance")
        verbose_name_plural = _("lobby guidance")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class DocumentTemplate(models.Model):
    """A form a party may download at the terminal (强制执行申请书, 授权委托书, …): its text, rendered to PDF
    when downloaded. One court's, or every court's."""

    court = models.ForeignKey(
        Court,
        verbose_name=_("court"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: offered at every court."),
    )
    title = models.CharField(pgettext_lazy("of guidance or a form", "title"), max_length=100)
    description = models.CharField(_("what it is for"), max_length=300, blank=True)
    body = models.TextField(
        pgettext_lazy("of guidance or a form", "text"),
        help_text=_("Plain text: an empty line starts a new paragraph, ____ leaves a blank to fill in."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title
