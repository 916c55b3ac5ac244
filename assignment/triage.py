"""Triage (繁简分流): the facts intake recorded, the rules as data, and the decision in words."""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from enforcement.models import Case, PropertyKind
from enforcement.people import display_name
from intake.models import FirstInterview, RiskKind

from .models import TriageDecision, TriageRule

DISPOSABLE_LEADS = {PropertyKind.REAL_ESTATE, PropertyKind.VEHICLE, PropertyKind.EQUITY}
WILLING = {FirstInterview.Willingness.PAY_IN_FULL, FirstInterview.Willingness.NEGOTIATE}
REFUSING = {FirstInterview.Willingness.REFUSES, FirstInterview.Willingness.UNREACHABLE}
# Kinds of risk that say the same as a refusing or missing respondent.
REFUSING_RISKS = {RiskKind.REFUSES, RiskKind.WHEREABOUTS_UNKNOWN}


def facts_of(case: Case) -> dict[str, Any]:
    """What the intake and the first interview recorded that triage rules look at (JSON-ready)."""
    interview = FirstInterview.objects.filter(case=case).prefetch_related("leads", "risks").first()
    amount = case.claim_amount
    preserved = case.preservation_amount if case.preservation_in_place else None
    return {
        "amount": None if amount is None else f"{amount:.2f}",
        "claim_kind": case.claim_kind,
        "preserved": None if preserved is None else f"{preserved:.2f}",
        "preservation_covers": bool(preserved is not None and amount is not None and preserved >= amount),
        "willingness": interview.willingness if interview else FirstInterview.Willingness.UNKNOWN,
        "lead_kinds": sorted({lead.kind for lead in interview.leads.all()}) if interview else [],
        # The kinds ticked, never the words: "无" is no kind, so it cannot fire a rule.
        "risk_kinds": interview.risk_kinds() if interview else [],
        "parties": case.parties.count(),
    }


def holds(rule: TriageRule, facts: dict[str, Any]) -> bool:
    condition = TriageRule.Condition
    threshold = rule.threshold
    risks = set(facts.get("risk_kinds", ()))
    checks: dict[str, Callable[[], bool]] = {
        condition.AMOUNT_BELOW: lambda: (
            facts["amount"] is not None and threshold is not None and Decimal(facts["amount"]) < threshold
        ),
        condition.PRESERVATION_COVERS: lambda: facts["preservation_covers"],
        condition.DEBTOR_WILLING: lambda: facts["willingness"] in WILLING,
        condition.INCOME_DEDUCTIBLE: lambda: PropertyKind.WAGES in facts["lead_kinds"],
        condition.SIMPLE_ACT: lambda: facts["claim_kind"] == Case.ClaimKind.ACT,
        condition.DEBTOR_REFUSES: lambda: facts["willingness"] in REFUSING or bool(risks & REFUSING_RISKS),
        condition.OBSTRUCTION: lambda: RiskKind.OBSTRUCTION in risks,
        condition.PROPERTY_MOVING: lambda: RiskKind.MOVING_PROPERTY in risks,
        condition.MANY_CREDITORS: lambda: RiskKind.MANY_CREDITORS in risks,
        condition.OTHER_RISK: lambda: RiskKind.OTHER in risks,
        condition.PROPERTY_TO_DISPOSE: lambda: (
            bool(DISPOSABLE_LEADS.intersection(facts["lead_kinds"]))
            or facts["claim_kind"] == Case.ClaimKind.PROPERTY
        ),
        condition.MANY_PARTIES: lambda: threshold is not None and facts["parties"] > threshold,
    }
    check = checks.get(rule.condition)
    return bool(check and check())


def rules_for(case: Case) -> list[TriageRule]:
    """The court's own rules and the default ones, in priority order (a court's rule first on a tie)."""
    rules = TriageRule.objects.filter(Q(court=case.court) | Q(court__isnull=True), is_active=True)
    return sorted(rules, key=lambda r: (r.priority, r.court_id is None, r.pk))


def first_rule_that_holds(rules: Sequence[TriageRule], facts: dict[str, Any]) -> TriageRule | None:
    return next((rule for rule in rules if holds(rule, facts)), None)


# A case no rule sorts goes to the complex stream: a plan costs less than a missed measure.
DEFAULT_STREAM = Case.Stream.COMPLEX


def describe_decision(decision: TriageDecision) -> str:
    """The decision in words, with the override if there is one."""
    rule_stream = Case.Stream(decision.rule_stream).label
    if decision.rule is not None:
        text = _("Rule “%(rule)s” fired: %(stream)s.") % {"rule": decision.rule.name, "stream": rule_stream}
    else:
        text = _("No rule fired: %(stream)s by default.") % {"stream": rule_stream}
    if decision.override_stream:
        text += " " + _("Overridden to %(stream)s by %(who)s: %(reason)s") % {
            "stream": Case.Stream(decision.override_stream).label,
            "who": display_name(decision.overridden_by),
            "reason": decision.override_reason,
        }
    return text
