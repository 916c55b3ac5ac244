"""The demo's triage and assignment, and the judge's first steps: the team lead of the home court triages
and assigns each case the working day after it came in (by load, in the order the days came, so the
loads are those of the day), and the judge serves the enforcement notice with the property-report order
and asks the applicant for leads the day after; through the assignment services."""

from contextlib import suppress

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from assignment.services import Step, assign_case, record_step
from enforcement.models import Case

from .cases import Filed
from .clock import Clock
from .org import ASSIGNING_LEAD

FIRST_STEPS = (Step.NOTICE_SERVED, Step.REPORT_ORDER_SERVED, Step.LEADS_REQUESTED)


def seed_assignments(clock: Clock, filed: list[Filed], users: dict[str, User]) -> None:
    lead = users[ASSIGNING_LEAD]
    assignments = [(f.story.assigned, f.case) for f in filed if f.story.assigned is not None]
    for moment, case in sorted(assignments, key=lambda pair: pair[0]):
        with clock.at(moment):
            assign(case, lead)
    for item in filed:
        if item.story.notified is not None:
            with clock.at(item.story.notified):
                take_first_steps(item.case, users)


def assign(case: Case, lead: User) -> None:
    with suppress(ValidationError):  # every judge full: the case stays on the triage desk, as it would
        assign_case(actor=lead, case=case)


def take_first_steps(case: Case, users: dict[str, User]) -> None:
    case.refresh_from_db()
    if case.responsible_judge is None:
        return
    judge = users[case.responsible_judge.username]  # the seeded user: its roles are cached fresh
    for step in FIRST_STEPS:
        record_step(actor=judge, case=case, step=step)
