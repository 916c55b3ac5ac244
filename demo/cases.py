"""The demo's cases at the window: each application filed through ``file_case`` on the day its story says,
then the notices handed over and the first interview recorded (sometimes locked), through the intake
services. Only once: skipped when the demo clerks have filed anything."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Exists, Max, OuterRef, Q

from enforcement.models import Case, Court, Deadline, Party
from intake.services import file_case, lock_first_interview, record_notice_delivery, save_first_interview

from .clock import Clock
from .drafts import DemoCase, draft_cases
from .org import CLERK_OF_COURT, Organisation
from .stories import Story, plan_stories

CASE_LIMITS = ("case_limit", "case_limit_non_litigation")  # opened at filing (intake.services)


@dataclass(frozen=True)
class Filed:
    story: Story
    case: Case


def demo_cases_exist() -> bool:
    """The demo clerks' accounts exist only in demo databases, so any case they filed means we seeded.

    Not the title numbers: their years follow the date of the run, so they differ from one day to the next.
    """
    return Case.objects.filter(filed_by__username__in=set(CLERK_OF_COURT.values())).exists()


def seed_cases(clock: Clock, org: Organisation, *, count: int) -> list[Filed]:
    """File the demo cases in the order their applications came in (so each court's numbers rise with
    the date of receipt), each at its moment."""
    if count == 0 or demo_cases_exist():
        return []
    stories = plan_stories(draft_cases(org.courts, count), clock)
    return [file_story(clock, story, org.users) for story in stories]


def file_story(clock: Clock, story: Story, users: dict[str, User]) -> Filed:
    clerk = users[CLERK_OF_COURT[story.demo.court.code]]
    with clock.at(story.filed):
        case = file_case(actor=clerk, application=story.demo.application(story.received_on)).case
    with clock.at(story.followed_up):
        follow_up(case, story.demo, clerk)
    return Filed(story, case)


def follow_up(case: Case, demo: DemoCase, clerk: User) -> None:
    """What the window does after filing: notices handed over, the first interview, sometimes locked."""
    applicants = list(case.parties.filter(role=Party.Role.APPLICANT).order_by("position"))
    for kind, method, acknowledged in demo.notices:
        for applicant in applicants:
            record_notice_delivery(
                actor=clerk,
                case=case,
                kind=kind,
                recipient=applicant,
                method=method,
                acknowledged=acknowledged,
            )
    if demo.interview is not None:
        save_first_interview(
            actor=clerk, case=case, values=demo.interview, leads=demo.leads, risks=demo.risks
        )
        if demo.lock_interview:
            lock_first_interview(actor=clerk, case=case)


# --- What later examples build on -------------------------------------------------------------------------


def quiet_cases(court: Court, now: datetime.datetime) -> list[Case]:
    """The court's assigned cases past their first steps whose only running clock is the case limit, still
    far off, oldest first: the ones the custody and money examples take further."""
    busy = Deadline.objects.filter(case=OuterRef("pk"), status__in=Deadline.ACTIVE).filter(
        Q(warn_at__lte=now) | ~Q(node_type__code__in=CASE_LIMITS)
    )
    return list(
        Case.objects.filter(court=court, status=Case.Status.FILED, responsible_judge__isnull=False)
        .exclude(Exists(busy))
        .select_related("responsible_judge", "account")
        .order_by("filed_at", "pk")
    )


def last_step_at(case: Case) -> datetime.datetime:
    """When the last thing on the case's timeline happened."""
    latest: datetime.datetime = case.events.aggregate(latest=Max("occurred_at"))["latest"]
    return latest
