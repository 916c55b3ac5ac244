"""Teams of the service center and who works in them. Triage and assignment build on these."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enforcement.models import Court


class TeamKind(models.Model):
    """Kinds of team (速执, 普执, 疑难, ...): data, because courts organise differently."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_membership")]

    def __str__(self) -> str:
        return f"{self.user} ∈ {self.team}"
