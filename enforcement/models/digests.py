"""The reminder ladder of long clocks, the daily digest, and the scan's watermark."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cases import Case
from .deadlines import Deadline, NodeType
from .org import Court, Team


class ReminderRung(models.Model):
    """A rung of a node type's reminder ladder: remind this many days before the due time (data)."""

    node_type = models.ForeignKey(
        NodeType, verbose_name=_("node"), on_delete=models.CASCADE, related_name="reminder_rungs"
    )
    days_before = models.PositiveSmallIntegerField(
        _("days before the due time"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("reminder rung")
        verbose_name_plural = _("reminder rungs")
        ordering = ["node_type_id", "-days_before"]
        constraints = [models.UniqueConstraint(fields=["node_type", "days_before"], name="one_rung_per_day")]

    def __str__(self) -> str:
        return f"{self.node_type_id} −{self.days_before}"


class Reminder(models.Model):
    """A rung fired for a deadline. At most one per deadline, rung and generation: a constraint says so."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField(_("days before the due time"))
    generation = models.PositiveIntegerField(default=0)
    # Copied when fired, like the alerts', so the digest reads them without joining the deadline tables.
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.CASCADE, related_name="+")
    node_type = models.ForeignKey(
        NodeType, verbose_name=_("node"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    # The deadline was met, cancelled or replaced (a renewed measure) before the reminder was read.
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "days_before", "generation"], name="one_reminder_per_rung"
            )
        ]
        indexes = [
            models.Index(
                fields=["court", "raised_at"],
                name="reminder_unresolved",
                condition=Q(resolved_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"−{self.days_before} {self.case_id} {self.node_type_id}"


class DigestRun(models.Model):
    """A court's digests of a day were written: the row is the lock two workers meet on."""

    court = models.ForeignKey(Court, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    digests = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")
        constraints = [models.UniqueConstraint(fields=["court", "day"], name="one_digest_run_per_day")]

    def __str__(self) -> str:
        return f"{self.court_id} {self.day}"


class Digest(models.Model):
    """One person's (or one group-chat robot's) daily list of nearing and overdue items, as sent."""

    court = models.ForeignKey(Court, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # "user:<id>" or "webhook:<team id>": the unique key of a recipient within a court.
    recipient = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    webhook_url = models.URLField(max_length=500, blank=True)
    mobiles = models.JSONField(default=list)
    title = models.CharField(max_length=200)
    body = models.TextField()
    items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        ordering = ["-day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "day", "recipient"], name="one_digest_per_recipient_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.recipient}"


class ScanState(models.Model):
    """When the scan last ran (one row): the ladder fires rungs crossed since, the catch-up reads the
    deadlines closed since."""

    name = models.CharField(max_length=20, primary_key=True)
    last_scan_at = models.DateTimeField()

    class Meta:
        verbose_name = _("scan state")
        verbose_name_plural = _("scan states")

    def __str__(self) -> str:
        return f"{self.name} {self.last_scan_at}"
