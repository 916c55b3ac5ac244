"""The supervision indicators: their definitions as data, the monthly figures kept for the pages, and the
enforcement petitions (信访) one of them counts.

RULES.md marks the "3+1" definitions "confirm": what counts as actual enforcement, which cases count as
"with property" and how deducted periods enter "within the legal limit" are settings an administrator
changes in the admin (a court's own row, or the court-less default), never literals in code.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .cases import Case
from .org import Court

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def default_actual_modes() -> list[str]:
    return [Case.Closure.PERFORMED.value]


def default_no_property_modes() -> list[str]:
    return [Case.Closure.TERMINATED_THIS_ROUND.value]


class IndicatorSettings(models.Model):
    """How the indicators are counted for a court (or, with no court, for every court without its own)."""

    class PropertyBasis(models.TextChoices):
        CLOSURE_MODE = "closure_mode", _("Closed by a mode other than the no-property modes")
        MODE_OR_MONEY = (
            "mode_or_money",
            _("Closed by a mode other than the no-property modes, or money arrived in the case account"),
        )

    class Deductions(models.TextChoices):
        NET = "net", _("Net: approved deducted periods do not count toward the limit")
        GROSS = "gross", _("Gross: deducted periods count toward the limit")

    court = models.OneToOneField(
        Court,
        verbose_name=_("court (empty: every court without its own)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_settings",
    )
    actual_enforcement_modes = models.JSONField(
        _("closure modes counted as actual enforcement"), default=default_actual_modes
    )
    no_property_modes = models.JSONField(
        _("closure modes of cases without executable property"), default=default_no_property_modes
    )
    property_basis = models.CharField(
        _("cases with property"),
        max_length=16,
        choices=PropertyBasis.choices,
        default=PropertyBasis.CLOSURE_MODE,
    )
    deductions = models.CharField(
        _("deducted periods and the legal limit"),
        max_length=8,
        choices=Deductions.choices,
        default=Deductions.NET,
    )
    target_within_limit = models.DecimalField(
        _("target: closed within the legal limit (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=PERCENT,
    )
    target_qualified_zhongben = models.DecimalField(
        _("target: qualified 终本 closures (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=PERCENT,
    )
    target_petitions_closed = models.DecimalField(
        _("target: petitions closed (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=PERCENT,
    )
    target_overall_closure = models.DecimalField(
        _("target: closure of the last three years' cases (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=PERCENT,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator settings")
        verbose_name_plural = _("indicator settings")
        constraints = [
            models.UniqueConstraint(
                fields=["court"], name="one_default_indicator_settings", condition=Q(court__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return str(self.court) if self.court_id else str(_("Every court"))


class IndicatorFigure(models.Model):
    """One indicator's numerator and denominator for a court, team or judge and a month, as computed by the
    nightly job: the pages read these rows only. ``team_ref`` and ``judge_ref`` are 0 for "the whole court"
    (plain integers, so the unique key has no NULL in it and an upsert finds the row)."""

    court = models.ForeignKey(Court, on_delete=models.CASCADE, related_name="+")
    team_ref = models.PositiveBigIntegerField(default=0)
    judge_ref = models.PositiveBigIntegerField(default=0)
    month = models.DateField(_("month"))  # its first day
    code = models.CharField(_("indicator"), max_length=60)
    numerator = models.DecimalField(max_digits=20, decimal_places=2)
    denominator = models.DecimalField(max_digits=20, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator figure")
        verbose_name_plural = _("indicator figures")
        constraints = [
            models.UniqueConstraint(
                fields=["court", "team_ref", "judge_ref", "month", "code"], name="unique_indicator_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.court_id}/{self.team_ref}/{self.judge_ref} {self.month:%Y-%m} {self.code}"


class Petition(models.Model):
    """An enforcement petition (执行信访) about a case: received, then closed with its outcome."""

    class Channel(models.TextChoices):
        VISIT = "visit", _("Visit in person")
        LETTER = "letter", _("Letter")
        PHONE = "phone", _("Phone (12368)")
        ONLINE = "online", _("Online")
        REFERRED = "referred", _("Referred by a higher court or another body")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="petitions")
    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    summary = models.TextField(_("what the petitioner asks"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["court", "received_at"], name="petition_received")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(outcome=""), name="closed_petition_has_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.received_at:%Y-%m-%d}"
