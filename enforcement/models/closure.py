"""What a closure mode needs before a case may close that way, as data (RULES.md, "Closure modes")."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .. import eventtexts
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
        # 终本规定 2016 第一条, condition by condition (RULES.md "终本 may close only when all hold").
        NOTICE_AND_ORDER_SERVED = (
            "notice_and_order_served",
            _("Enforcement notice and property-report order served"),
        )
        REPORT_CHECKED = "report_checked", _("Property report checked, false or late reports punished")
        CONSUMPTION_RESTRICTED = "consumption_restricted", _("Consumption restriction issued")
        DISHONEST_LISTED = "dishonest_listed", _("Dishonest-debtor listing where the law allows it")
        ONLINE_SEARCH_ANSWERED = "online_search_answered", _("Online property search done and answered")
        LEADS_ANSWERED = "leads_answered", _("Every lead from the applicant verified or answered")
        NOTHING_DISPOSABLE = (
            "nothing_disposable",
            _("Nothing executable found, or what was found cannot be disposed of"),
        )
        DEBTOR_SEARCHED = "debtor_searched", _("A missing debtor searched for")
        OBSTRUCTION_DEALT_WITH = "obstruction_dealt_with", _("Obstruction punished")
        APPLICANT_INTERVIEWED = "applicant_interviewed", _("Applicant interviewed about the closure")

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
    # Which of the law's numbered conditions it belongs to (终本: 1 to 5; 0 for what stands beside them,
    # the applicant's interview), so that the checklist reads as the law does.
    condition = models.PositiveSmallIntegerField(_("condition number"), default=0)
    # What the system cannot see (a search for a missing debtor) is met by a note or a document recorded
    # on the case (``ClosureEvidence``); a condition the system checks may accept one too.
    accepts_evidence = models.BooleanField(_("met by recorded evidence"), default=False)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure requirement")
        verbose_name_plural = _("closure requirements")
        ordering = ["closure", "condition", "kind", "court_id"]
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


class ClosureEvidence(models.Model):
    """A note or a document that shows a closure condition the system cannot see for itself is met."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="closure_evidence"
    )
    kind = models.CharField(_("condition"), max_length=40, choices=ClosureRequirement.Kind.choices)
    note = models.TextField(_("what was done and found"))
    document = models.FileField(_("document"), upload_to="closure-evidence/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # Withdrawn evidence stays on record but no longer meets its condition.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure evidence")
        verbose_name_plural = _("closure evidence")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ClosureInterview(models.Model):
    """The applicant's interview about a closure (终本规定 2016 第一条): what he was told, and his view."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="closure_interviews"
    )
    closure = models.CharField(_("closure mode"), max_length=24, choices=Case.Closure.choices)
    applicant_name = models.CharField(_("applicant interviewed"), max_length=200)
    interviewed_on = models.DateField(_("interviewed on"))
    measures_told = models.TextField(_("measures taken, as told to the applicant"))
    property_told = models.TextField(_("property found, as told to the applicant"))
    consequences_told = models.TextField(_("grounds and consequences of the closure, as told"))
    applicant_view = models.TextField(_("the applicant's view"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure interview")
        verbose_name_plural = _("closure interviews")
        ordering = ["-interviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.interviewed_on}"


class ClosureProposal(models.Model):
    """A closure the judge proposes and a second person approves (终本, 终结执行): the quality review."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="closure_proposals"
    )
    closure = models.CharField(_("closure mode"), max_length=24, choices=Case.Closure.choices)
    ground = models.CharField(
        _("ground of termination"), max_length=32, choices=Case.TerminationGround.choices, blank=True
    )
    ruling_number = models.CharField(_("number of the ruling"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("review note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure proposal")
        verbose_name_plural = _("closure proposals")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="proposed"), name="one_open_closure_proposal"
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_at__isnull=False), name="closure_proposal_decided"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.closure} {self.status}"


class ClosureService(models.Model):
    """The closure ruling (or notice) served on a party, and how."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        POST = "post", _("By post")
        ELECTRONIC = "electronic", _("Electronically")
        PUBLIC_NOTICE = "public_notice", _("By public notice")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="closure_services"
    )
    served_to = models.CharField(_("served on"), max_length=200)
    served_on = models.DateField(_("served on (date)"))
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    document_number = models.CharField(_("number of the ruling or notice"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service of the closure ruling")
        verbose_name_plural = _("services of closure rulings")
        ordering = ["served_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.served_to} {self.served_on}"


@eventtexts.register(eventtexts.CLOSURE_PROPOSED)
def _closure_proposed_text(params: Mapping[str, Any]) -> str:
    return _("Proposed closing as %(closure)s, for approval") % {
        "closure": Case.Closure(params["closure"]).label
    }


@eventtexts.register(eventtexts.CLOSURE_REVIEWED)
def _closure_reviewed_text(params: Mapping[str, Any]) -> str:
    return _("Closing as %(closure)s: %(status)s") % {
        "closure": Case.Closure(params["closure"]).label,
        "status": ClosureProposal.Status(params["status"]).label,
    }


@eventtexts.register(eventtexts.CLOSURE_SERVED)
def _closure_served_text(params: Mapping[str, Any]) -> str:
    return _("The closure ruling (%(closure)s) was served on %(date)s, %(method)s") % {
        "closure": Case.Closure(params["closure"]).label,
        "date": params["served_on"],
        "method": ClosureService.Method(params["method"]).label,
    }
