"""What stands between a case and its closure, and what a closure does besides: registries the apps fill.

The core imports no app, yet closing must not strand money in the case account or a legal clock of a
detention. Apps register here, in their ``AppConfig.ready``:

- **blockers** (``register_blockers``): what is left on a case that no closure may leave behind (money in
  the account, payouts under way, a detention running or its family notice not recorded). Each names what
  is left, with the amount and a link to where it is dealt with. While any is left, closing is refused.
- **steps** (``register_step``): what a closure mode does to an app's records in the closing transaction
  (执行完毕 releases the measures still in force). The closing page lists them and the user confirms them;
  without the confirmation, closing is refused.
- **requirement checks** (``register_requirement``): the check of one kind of ``ClosureRequirement``, the
  data that says what each closure mode needs (终本: more than 3 months since filing). A requirement of a
  kind nobody checks refuses the closure: an unchecked condition must not pass as met.

The closing service (``enforcement.services.cases.close_case``) asks all of them under the case's lock;
the closing page and the API ask ``preview`` for the same answers before the user submits.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .duedates import Budget, DeductedPeriod, DueDate, compute_due_date
from .models import Case, ClosureEvidence, ClosureRequirement, Deduction
from .workcalendar import WorkingCalendar


@dataclass(frozen=True)
class Item:
    """One thing the closing page shows and a refusal names: what is left, missing, or will be done."""

    code: str
    message: str
    url: str = ""
    amount: Decimal | None = None


# --- Blockers: what is left on the case -------------------------------------------------------------------

# Called with the case and whether to lock what it reads (inside the closing transaction, so that nothing
# it found absent can appear before the closure commits).
BlockerProvider = Callable[[Case, bool], Iterable[Item]]
_blockers: list[BlockerProvider] = []


def register_blockers(provider: BlockerProvider) -> BlockerProvider:
    if provider not in _blockers:
        _blockers.append(provider)
    return provider


def blockers_for(case: Case, *, lock: bool = False) -> list[Item]:
    return [item for provider in _blockers for item in provider(case, lock)]


# --- Steps: what a closure mode does besides ---------------------------------------------------------------


@dataclass(frozen=True)
class ClosureStep:
    code: str
    closures: frozenset[str]
    # What the step will do on this case now (one item each), empty when there is nothing to do.
    pending: Callable[[Case], Iterable[Item]]
    # Does it, inside the closing transaction with the case locked; refuses with ValidationError or
    # PermissionDenied, which rolls the whole closure back.
    perform: Callable[[User, Case], None]


_steps: dict[str, ClosureStep] = {}


def register_step(step: ClosureStep) -> ClosureStep:
    _steps[step.code] = step
    return step


def _steps_of(closure: str) -> list[ClosureStep]:
    return [step for step in _steps.values() if closure in step.closures]


def steps_for(case: Case, closure: str) -> list[Item]:
    return [item for step in _steps_of(closure) for item in step.pending(case)]


def perform_steps(actor: User, case: Case, closure: str) -> None:
    for step in _steps_of(closure):
        step.perform(actor, case)


# --- Requirements of a closure mode (data) -----------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """What a check found for one condition: met or not, and the evidence (or what is missing) in words."""

    met: bool
    text: str
    url: str = ""


RequirementCheck = Callable[[Case, ClosureRequirement], Finding]
_checks: dict[str, RequirementCheck] = {}


def register_requirement(kind: str, check: RequirementCheck) -> RequirementCheck:
    _checks[kind] = check
    return check


def requirements_of(case: Case, closure: str) -> list[ClosureRequirement]:
    """The mode's requirements for the case's court: the court's own row of a kind replaces the default."""
    rows = ClosureRequirement.objects.filter(
        Q(court_id=case.court_id) | Q(court__isnull=True), closure=closure
    )
    chosen: dict[str, ClosureRequirement] = {}
    for row in sorted(rows, key=lambda r: r.court_id is not None):  # defaults first, the court's win
        chosen[row.kind] = row
    return sorted((row for row in chosen.values() if row.is_active), key=lambda r: (r.condition or 99, r.pk))


@dataclass(frozen=True)
class Line:
    """One line of a closure's checklist: the condition, what the system found, and the evidence recorded."""

    requirement: ClosureRequirement
    finding: Finding
    evidence: list[ClosureEvidence]

    @property
    def met(self) -> bool:
        return self.finding.met or (self.requirement.accepts_evidence and bool(self.evidence))

    @property
    def item(self) -> Item:
        """The line as a refusal names it."""
        label = self.requirement.get_kind_display()
        if self.requirement.condition:
            label = _("Condition %(number)d, %(label)s") % {
                "number": self.requirement.condition,
                "label": label,
            }
        return Item(
            f"requirement:{self.requirement.kind}", f"{label}: {self.finding.text}", url=self.finding.url
        )


def _unchecked(case: Case, requirement: ClosureRequirement) -> Finding:
    if requirement.accepts_evidence:
        return Finding(False, _("Record what was done, with a note or a document."))
    return Finding(False, _("This condition cannot be checked yet; ask the administrator."))


def checklist(case: Case, closure: str) -> list[Line]:
    """Each requirement of the mode, checked: by the app that keeps the records, or by recorded evidence."""
    lines = []
    evidence: dict[str, list[ClosureEvidence]] = {}
    for row in ClosureEvidence.objects.filter(case=case, withdrawn_at__isnull=True).select_related(
        "recorded_by"
    ):
        evidence.setdefault(row.kind, []).append(row)
    for requirement in requirements_of(case, closure):
        check = _checks.get(requirement.kind, _unchecked)
        lines.append(Line(requirement, check(case, requirement), evidence.get(requirement.kind, [])))
    return lines


def missing_for(case: Case, closure: str) -> list[Item]:
    """The requirements of the mode the case does not meet yet. A kind nobody checks is never met."""
    return [line.item for line in checklist(case, closure) if not line.met]


def wait_after_filing(case: Case, months: int) -> DueDate:
    """The engine's count of ``months`` months since filing, net of the case limit's deducted periods.

    The day of filing is not counted and a missing day of the month is its last day. As for terms of
    measures, its end is not moved off a rest day: it is a waiting time, not a time limit. A deducted period
    (扣除期间: suspension, appraisal, ...) of the case's whole-case limit does not count toward it either, so
    the explanation lists each one, as a due date's does.
    """
    filed = timezone.localdate(case.filed_at)
    deductions = Deduction.objects.filter(deadline__case=case, deadline__node_type__met_on_closure=True)
    return compute_due_date(
        anchor=filed,
        budget=Budget(months, "months", rolls_off_rest_days=False),
        calendar=WorkingCalendar.for_court(case.court),
        deductions=[
            DeductedPeriod(d.kind, d.start_date, d.end_date, d.latest_end) for d in deductions.order_by("pk")
        ],
        today=timezone.localdate(),
    )


def earliest_after_filing(case: Case, months: int) -> datetime.date:
    """The first day more than ``months`` months have passed since filing (已超过), net of deductions."""
    return wait_after_filing(case, months).last_day + datetime.timedelta(days=1)


def _time_since_filing(case: Case, requirement: ClosureRequirement) -> Finding:
    months = requirement.months or 1
    earliest = earliest_after_filing(case, months)
    values = {
        "months": months,
        "filed": timezone.localdate(case.filed_at).isoformat(),
        "earliest": earliest.isoformat(),
    }
    if timezone.localdate() >= earliest:
        text = ngettext(
            "More than %(months)d month since filing (filed on %(filed)s; possible since %(earliest)s).",
            "More than %(months)d months since filing (filed on %(filed)s; possible since %(earliest)s).",
            months,
        )
        return Finding(True, text % values)
    text = ngettext(
        "%(closure)s needs more than %(months)d month since filing (filed on %(filed)s): possible from "
        "%(earliest)s.",
        "%(closure)s needs more than %(months)d months since filing (filed on %(filed)s): possible from "
        "%(earliest)s.",
        months,
    )
    return Finding(False, text % {**values, "closure": requirement.get_closure_display()})


register_requirement(ClosureRequirement.Kind.TIME_SINCE_FILING, _time_since_filing)


# --- What the closing page and the API show before the user submits -----------------------------------------


@dataclass(frozen=True)
class ModePreview:
    closure: str
    label: str
    lines: list[Line]  # the mode's checklist, each requirement checked once
    steps: list[Item]

    @property
    def missing(self) -> list[Item]:
        return [line.item for line in self.lines if not line.met]

    @property
    def possible(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class ClosurePreview:
    left: list[Item]
    modes: list[ModePreview]

    @property
    def blocked(self) -> bool:
        return bool(self.left)


def preview(case: Case) -> ClosurePreview:
    """What is left on the case, and for each closure mode what it still needs and what it will do."""
    modes = [
        ModePreview(
            closure=value, label=str(label), lines=checklist(case, value), steps=steps_for(case, value)
        )
        for value, label in Case.Closure.choices
    ]
    return ClosurePreview(left=blockers_for(case), modes=modes)
