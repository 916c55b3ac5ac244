"""The working calendar: State Council holidays and make-up working days, and courts' extra rest days."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .org import Court


class CalendarYear(models.Model):
    """A year whose national holidays are loaded. A year without a row counts weekends only."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar package")
        NOTICE = "notice", _("State Council notice entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a holiday, a make-up working day, a court's rest day."""

    class Kind(models.TextChoices):
        REST = "rest", _("Rest day")
        WORKDAY = "workday", _("Working day")

    date = models.DateField(_("date"))
    # Empty for the national calendar; a court's own rows add to it (e.g. a local rest day).
    court = models.ForeignKey(
        Court,
        verbose_name=_("court"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_days",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(court__isnull=True), name="unique_national_day"
            ),
            models.UniqueConstraint(fields=["date", "court"], name="unique_court_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()
