"""The organisation: courts, their staff, and the teams of the service center.

Teams live in the core, not in the assignment app, because access (a judge sees his teams' cases),
alert routing (the team lead, the team's group-chat robot) and the supervisor pages all depend on them;
the assignment app decides which team and judge take a case.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

court_code_validator = RegexValidator(
    # A province abbreviation (one character) plus 2 digits (intermediate court) or 4 digits (basic
    # court) of the administrative division code, e.g. 蒙03 or 蒙0302; 最高法 is the Supreme People's Court.
    regex=r"^(最高法|[\u4e00-\u9fff](\d{2}|\d{4})?)$",
    message=_("A court code is a province abbreviation followed by 2 or 4 digits, e.g. 蒙0302."),
)


class Court(models.Model):
    class Level(models.TextChoices):
        SUPREME = "supreme", _("Supreme People's Court")
        HIGH = "high", _("High court")
        INTERMEDIATE = "intermediate", _("Intermediate court")
        BASIC = "basic", _("Basic court")

    code = models.CharField(_("court code"), max_length=8, unique=True, validators=[court_code_validator])
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent court"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division_code = models.CharField(
        _("administrative division code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("Six digits, e.g. 150302."))],
    )
    service_phone = models.CharField(_("service phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # When, in the court's local time, each person gets his daily digest of nearing and overdue items.
    digest_time = models.TimeField(_("daily digest time"), default=datetime.time(8, 30))
    # The team that keeps the 终本 pool (re-searches and leads after closure); empty: each case's judge.
    pool_team = models.ForeignKey(
        "Team",
        verbose_name=_("team keeping the 终本 pool"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("court")
        verbose_name_plural = _("courts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        if self.pool_team is not None and self.pool_team.court_id != self.pk:
            raise ValidationError(
                {"pool_team": _("The team that keeps the 终本 pool must be one of this court's.")}
            )


class CourtMembership(models.Model):
    """A staff member works at a court; a city-wide bureau's staff may belong to several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="court_memberships",
    )
    court = models.ForeignKey(
        Court, verbose_name=_("court"), on_delete=models.CASCADE, related_name="memberships"
    )
    is_primary = models.BooleanField(_("primary court"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("court membership")
        verbose_name_plural = _("court memberships")
        constraints = [models.UniqueConstraint(fields=["user", "court"], name="unique_court_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.court.code}"


class TeamKind(models.Model):
    """Kinds of team (速执, 普执, 疑难, ...): data, because courts organise differently."""

    class Stream(models.TextChoices):
        NONE = "", _("Takes no stream")
        SIMPLE = "simple", _("Simple stream")
        COMPLEX = "complex", _("Complex stream")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    # Which triage stream teams of this kind take: assignment picks the team by the case's stream.
    stream = models.CharField(_("takes the stream"), max_length=8, choices=Stream.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team kind")
        verbose_name_plural = _("team kinds")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="teams")
    kind = models.ForeignKey(TeamKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=100)
    service_phone = models.CharField(_("service phone"), max_length=30, blank=True)
    # The team's work-group chat robot (WeCom style): alerts are posted there, mentioning people by mobile.
    webhook_url = models.URLField(_("group chat robot webhook"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["court__code", "name"]
        constraints = [models.UniqueConstraint(fields=["court", "name"], name="unique_team_name_per_court")]

    def __str__(self) -> str:
        return f"{self.court.code} {self.name}"


class TeamMembership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Team lead")
        JUDGE = "judge", _("Judge")
        ASSISTANT = "assistant", _("Assistant")
        CLERK = "clerk", _("Clerk")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    role = models.CharField(_("role in the team"), max_length=16, choices=Role.choices)
    # How many open cases a judge of the team carries at most; assignment fills by load / capacity.
    capacity = models.PositiveSmallIntegerField(_("capacity (open cases)"), default=60)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_membership")]

    def __str__(self) -> str:
        return f"{self.user} ∈ {self.team}"


class StaffProfile(models.Model):
    """What the organisation needs to know of a staff member beyond his login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    # Group-chat robots mention people by their mobile number.
    mobile = models.CharField(
        _("mobile"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^1[3-9]\d{9}$", _("An 11-digit mainland mobile number."))],
    )
    title = models.CharField(_("title"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)
