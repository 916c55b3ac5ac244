"""Triage rules and decisions, assignments of the responsible judge, absences, recusals, plans, notes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enforcement.models import Case, Court, Team

from .reasons import in_words


class TriageRule(models.Model):
    """One condition on the facts of a case that routes it to a stream; the first that holds fires."""

    class Condition(models.TextChoices):
        AMOUNT_BELOW = "amount_below", _("Amount claimed below the threshold")
        PRESERVATION_COVERS = "preservation_covers", _("Preservation already covers the claim")
        DEBTOR_WILLING = "debtor_willing", _("Respondent willing to pay or negotiate")
        INCOME_DEDUCTIBLE = "income_deductible", _("Wages or other income can be deducted")
        SIMPLE_ACT = "simple_act", _("An act to perform")
        # The risk conditions read the kinds of risk ticked at the first interview, never its text.
        DEBTOR_REFUSES = (
            "debtor_refuses",
            _("Respondent refuses to pay, cannot be reached or his whereabouts are unknown"),
        )
        OBSTRUCTION = "obstruction", _("Risk of obstruction or violence noted at the first interview")
        PROPERTY_MOVING = "property_moving", _("Risk of property being moved away")
        PROPERTY_TO_DISPOSE = "property_to_dispose", _("Real estate, vehicles or equity to dispose of")
        MANY_PARTIES = "many_parties", _("More parties than the threshold")
        MANY_CREDITORS = "many_creditors", _("The respondent has many creditors")
        OTHER_RISK = "other_risk", _("Another risk noted at the first interview")

    court = models.ForeignKey(
        Court,
        verbose_name=_("court (empty: every court)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="triage_rules",
    )
    name = models.CharField(_("name"), max_length=100)
    condition = models.CharField(_("condition"), max_length=24, choices=Condition.choices)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Yuan for the amount; a number of parties for many parties."),
    )
    stream = models.CharField(_("routes to"), max_length=8, choices=Case.Stream.choices[1:])
    priority = models.PositiveSmallIntegerField(_("priority (lower is tried first)"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("triage rule")
        verbose_name_plural = _("triage rules")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name


class TriageDecision(models.Model):
    """The stream a case was sorted into, by which rule and on which facts; a supervisor may override."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="triage_decisions"
    )
    rule = models.ForeignKey(
        TriageRule,
        verbose_name=_("rule that fired"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule_stream = models.CharField(_("stream by the rules"), max_length=8, choices=Case.Stream.choices)
    facts = models.JSONField(_("facts used"), default=dict)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_stream = models.CharField(
        _("stream by override"), max_length=8, choices=Case.Stream.choices, blank=True
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overridden_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("triage decision")
        verbose_name_plural = _("triage decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.stream}"

    @property
    def stream(self) -> str:
        return self.override_stream or self.rule_stream


class Assignment(models.Model):
    """A team and responsible judge taking a case; the current one has no end."""

    class Method(models.TextChoices):
        AUTOMATIC = "automatic", _("By load")
        MANUAL = "manual", _("By hand")
        REASSIGNED = "reassigned", _("Reassigned")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments"
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("judge"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("how"), max_length=12, choices=Method.choices)
    reason = models.TextField(_("reason"), blank=True)
    # Why this judge: the loads and capacities compared and who was skipped, as codes with parameters
    # (assignment.reasons builds and renders them), so the record reads in either language.
    why_chosen = models.JSONField(_("why this judge"), default=dict, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="one_current_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.judge_id}"

    def why_in_words(self) -> list[str]:
        """Why this judge, as sentences in the reader's language (empty for older assignments)."""
        return in_words(self.why_chosen)


class Absence(models.Model):
    """Leave: a judge gets no new cases from the first day to the last, both included."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.first_day}–{self.last_day}"


class Recusal(models.Model):
    """A judge who must not work cases of a party (回避): matched by identity number, else by exact name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("judge"), on_delete=models.CASCADE, related_name="recusals"
    )
    party_name = models.CharField(_("party's name"), max_length=100)
    party_id_number = models.CharField(_("party's identity number"), max_length=50, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")

    def __str__(self) -> str:
        return f"{self.user} ↮ {self.party_name}"


class CasePlan(models.Model):
    """The risk assessment and enforcement plan a complex case needs before any compulsory measure."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plan")
    risk_assessment = models.TextField(_("risk assessment"))
    enforcement_plan = models.TextField(_("enforcement plan"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk assessment and plan")
        verbose_name_plural = _("risk assessments and plans")

    def __str__(self) -> str:
        return f"{self.case_id}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


class PoolRound(models.Model):
    """One re-search of a case in the 终本 pool (终本规定: every 6 months for 5 years after the closure).

    The ten rounds are written, each with its deadline as subject (node type ``pool_research``), in the
    closing transaction; a round's result is recorded once, by the pool's keeper.
    """

    class Outcome(models.TextChoices):
        FOUND = "found", _("Property found")
        NOTHING = "nothing", _("Nothing executable found")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="pool_rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    # The day the round's window opens: the closure day plus 6 × (number - 1) months.
    opens_on = models.DateField(_("search from"))
    outcome = models.CharField(_("result"), max_length=8, choices=Outcome.choices, blank=True)
    property_found = models.TextField(_("property found"), blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("re-search round")
        verbose_name_plural = _("re-search rounds")
        ordering = ["case_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_pool_round_per_number"),
            models.CheckConstraint(
                condition=~Q(outcome="found") | ~Q(property_found=""), name="pool_round_found_names_it"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.number}"

    @property
    def recorded(self) -> bool:
        return bool(self.outcome)
