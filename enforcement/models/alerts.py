"""Alerts raised by the deadline scan, the notification outbox, and the in-app inbox."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cases import Case, CaseEvent
from .deadlines import Deadline, NodeType
from .org import Court, Team


class Alert(models.Model):
    """A deadline reached a level. At most one per deadline, level and generation: a constraint says so."""

    class Level(models.TextChoices):
        NEARING = "nearing", _("Nearing")
        OVERDUE = "overdue", _("Overdue")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="alerts")
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    generation = models.PositiveIntegerField(default=0)
    # Copied from the case and the deadline when raised, so the supervisor page filters and sorts
    # alerts without joining the deadline tables.
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="alerts")
    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    node_type = models.ForeignKey(
        NodeType, verbose_name=_("node"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledgement = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "level", "generation"], name="one_alert_per_level")
        ]
        indexes = [
            models.Index(
                fields=["court", "due_at"], name="alert_unresolved", condition=Q(resolved_at__isnull=True)
            ),
            models.Index(
                fields=["judge", "due_at"],
                name="alert_judge_unresolved",
                condition=Q(resolved_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.case_id} {self.node_type_id}"


class OutboxMessage(models.Model):
    """One notification to deliver on one channel. Claimed, sent, then marked: never fire-and-forget."""

    class Channel(models.TextChoices):
        INBOX = "inbox", _("In-app inbox")
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Group chat robot")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Nobody to send to")
        FAILED = "failed", _("Failed")

    # Exactly one of the three: an alert or a reminder of an urgent node (sent at once), or a daily digest.
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    reminder = models.ForeignKey(
        "Reminder", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    digest = models.ForeignKey(
        "Digest", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker that claimed the message and died leaves it claimed only until then.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(fields=["alert", "channel"], name="one_message_per_channel"),
            models.UniqueConstraint(fields=["reminder", "channel"], name="one_reminder_message_per_channel"),
            models.UniqueConstraint(fields=["digest", "channel"], name="one_digest_message_per_channel"),
            models.CheckConstraint(
                condition=(
                    Q(alert__isnull=False, reminder__isnull=True, digest__isnull=True)
                    | Q(alert__isnull=True, reminder__isnull=False, digest__isnull=True)
                    | Q(alert__isnull=True, reminder__isnull=True, digest__isnull=False)
                ),
                name="outbox_of_one_thing",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="outbox_due", condition=Q(status__in=["pending", "sending"])
            )
        ]

    def __str__(self) -> str:
        if self.digest_id is not None:
            return f"{self.channel} {self.status} digest {self.digest_id}"
        if self.reminder_id is not None:
            return f"{self.channel} {self.status} reminder {self.reminder_id}"
        return f"{self.channel} {self.status} alert {self.alert_id}"


class InboxItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox")
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reminder = models.ForeignKey(
        "Reminder", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    digest = models.ForeignKey("Digest", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "alert"], name="one_inbox_item_per_alert"),
            models.UniqueConstraint(fields=["user", "reminder"], name="one_inbox_item_per_reminder"),
            models.UniqueConstraint(fields=["user", "digest"], name="one_inbox_item_per_digest"),
        ]
        indexes = [models.Index(fields=["user"], name="inbox_unread", condition=Q(read_at__isnull=True))]

    def __str__(self) -> str:
        return self.title


class SmsMessage(models.Model):
    """One text message to a party's mobile about a public event of his case.

    Written by ``record_event`` in the transaction of the event, one per event and number (a constraint
    says so, so nothing is sent twice); delivered by ``enforcement.sms.deliver_sms``: claimed, sent, then
    marked, like the staff outbox.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="sms_messages")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("mobile number"), max_length=20)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker that claimed the message and died leaves it claimed only until then.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # What the provider answered (its message id), for tracing a message a party says never came.
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("text message to a party")
        verbose_name_plural = _("text messages to parties")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "phone"], name="one_sms_per_event_and_phone")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="sms_due", condition=Q(status__in=["pending", "sending"])
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.phone[:3]}…{self.phone[-4:]} event {self.event_id}"
