"""What a closure mode needs before a case may close that way, as data (RULES.md, "Closure modes")."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .cases import Case
from .org import Court


class ClosureRequirement(models.Model):
    """One condition of one closure mode (终本: at least 3 months since filing, ...).

    Each kind is checked by a function registered in ``enforcement.closure``; a row of a kind that has
    no check refuses the closure rather than let it pass unchecked. A row with a court replaces the
    default (empty court) of the same mode and kind for that court; an inactive one switches it off there.
    """

    class Kind(models.TextChoices):
        TIME_SINCE_FILING = "time_since_filing", _("Time passed since filing")

    closure = models.CharField(_("closure mode"), max_length=24, choices=Case.Closure.choices)
    kind = models.CharField(_("condition"), max_length=40, choices=Kind.choices)
    court = models.ForeignKey(
        Court,
        verbose_name=_("court (empty: every court)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closure_requirements",
    )
    months = models.PositiveSmallIntegerField(
        pgettext_lazy("months since filing", "months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("For a time since filing: how many months must have passed."),
    )
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure requirement")
        verbose_name_plural = _("closure requirements")
        ordering = ["closure", "kind", "court_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["closure", "kind"],
                condition=Q(court__isnull=True),
                name="unique_default_closure_rule",
            ),
            models.UniqueConstraint(fields=["closure", "kind", "court"], name="unique_court_closure_rule"),
            models.CheckConstraint(
                condition=~Q(kind="time_since_filing") | Q(months__gte=1), name="closure_rule_time_has_months"
            ),
        ]

    def __str__(self) -> str:
        scope = f" ({self.court.code})" if self.court is not None else ""
        return f"{self.get_closure_display()}: {self.get_kind_display()}{scope}"
