"""The demo data of ``make run``: ``manage.py seed_demo``."""

import datetime
import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from assignment.models import Assignment
from custody.models import Detention, Measure
from enforcement import roles
from enforcement.casenumbers import parse_case_number
from enforcement.models import (
    Alert,
    Case,
    CaseEvent,
    Court,
    CourtMembership,
    Deadline,
    Party,
    Team,
    TeamMembership,
)
from enforcement.services.deadlines import recompute
from enforcement.workcalendar import WorkingCalendar
from intake import validation
from intake.models import FirstInterview, InterviewLead, NoticeDelivery, ReceivedMaterial
from payments.models import BankTransaction, Payout, PayoutHold
from portal.models import AppointmentSlot

LOGINS = {
    "clerk": roles.CLERK,
    "judge": roles.JUDGE,
    "assistant": roles.ASSISTANT,
    "teamlead": roles.TEAM_LEAD,
    "supervisor": roles.SUPERVISOR,
    "finance": roles.FINANCE,
    "admin": roles.ADMINISTRATOR,
}
MODELS = (
    Court, CourtMembership, User, Team, TeamMembership, Case, Party, CaseEvent, ReceivedMaterial,
    NoticeDelivery, FirstInterview, InterviewLead, Assignment, Deadline, Alert, Measure, BankTransaction,
    Payout, AppointmentSlot,
)  # fmt: skip


@pytest.fixture
def debug() -> Iterator[None]:
    # The command refuses to publish its logins unless DEBUG is on, and pytest-django turns DEBUG off.
    with override_settings(DEBUG=True):
        yield


def seed(**options: object) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


# Fewer than the command's default of 50: every test seeds anew, and the suite runs at four more dates in
# CI. Twenty still cover every court, claim kind and stage the demo spreads its cases over.
SEEDED_CASES = 20


@pytest.fixture
def seeded(db: None, debug: None) -> str:
    return seed(cases=SEEDED_CASES)


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def test_courts_of_wuhai(seeded: str) -> None:
    courts = {court.code: court for court in Court.objects.all()}
    assert set(courts) == {"蒙03", "蒙0302", "蒙0303", "蒙0304"}
    assert courts["蒙03"].level == Court.Level.INTERMEDIATE
    assert courts["蒙03"].division_code == "150300"
    for code in ("蒙0302", "蒙0303", "蒙0304"):
        assert courts[code].level == Court.Level.BASIC
        assert courts[code].parent == courts["蒙03"]
        assert courts[code].division_code == "15" + code[1:]
        assert courts[code].service_phone.startswith("0473-")
        kinds = {team.kind.code for team in courts[code].teams.all()}
        assert kinds >= {"affairs", "quick", "ordinary", "difficult"}


def signs_in(username: str, password: str) -> bool:
    """Through the sign-in page, as a person would (django-axes needs the request to count attempts)."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_a_login_per_role(seeded: str) -> None:
    for username, role in LOGINS.items():
        user = User.objects.get(username=username)
        assert set(user.groups.values_list("name", flat=True)) == {role}
        assert user.last_name and user.first_name
        assert user.court_memberships.filter(court__code="蒙0302").exists()
        assert user.is_staff == user.is_superuser == (username == "admin")
        assert signs_in(username, "demo1234"), username
    clerk = User.objects.get(username="clerk")
    assert set(clerk.court_memberships.values_list("court__code", flat=True)) == {"蒙0302", "蒙0303"}
    quick = Team.objects.get(court__code="蒙0302", name="速执团队")
    assert dict(quick.memberships.values_list("user__username", "role")) == {
        "judge": TeamMembership.Role.JUDGE,
        "assistant": TeamMembership.Role.ASSISTANT,
        "teamlead": TeamMembership.Role.LEAD,
    }
    judges = User.objects.filter(groups__name=roles.JUDGE, team_memberships__team__court__code="蒙0302")
    assert judges.distinct().count() >= 3


def test_cases_are_numbered_per_court_and_year(seeded: str) -> None:
    cases = list(Case.objects.select_related("court", "case_type"))
    assert len(cases) == SEEDED_CASES
    assert {case.court.code for case in cases} == {"蒙0302", "蒙0303", "蒙0304"}
    assert max(Court.objects.all(), key=lambda court: court.cases.count()).code == "蒙0302"
    sequences: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    for case in cases:
        parts = parse_case_number(case.number)
        assert parts is not None, case.number
        assert (parts["court"], parts["type"], int(parts["year"]), int(parts["seq"])) == (
            case.court.code, "执", case.year, case.seq,
        )  # fmt: skip
        sequences[parts["court"], parts["year"]].append(int(parts["seq"]))
    for seqs in sequences.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    # Filed in order of receipt: a later number was never received earlier.
    for court in Court.objects.all():
        received = list(court.cases.order_by("year", "seq").values_list("received_on", flat=True))
        assert received == sorted(received)
    assert len({case.title_case_number_key for case in cases}) == SEEDED_CASES


def test_cases_have_valid_parties_and_claims(seeded: str) -> None:
    for case in Case.objects.prefetch_related("parties"):
        assert case.applicants() and case.respondents(), case.number
        names = [party.name for party in case.parties.all()]
        assert len(names) == len(set(names)), case.number
        for party in case.parties.all():
            # What the intake form would accept: valid GB 11643 / GB 32100 check characters, no override.
            checked = validation.check_identity(
                kind=party.kind, id_type=party.id_type, id_number=party.id_number
            )
            assert checked.id_number == party.id_number and not checked.override_reason
        if case.claim_kind == Case.ClaimKind.MONEY:
            assert isinstance(case.claim_amount, Decimal)
            assert case.claim_amount.as_tuple().exponent == -2
            assert Decimal("3000.00") <= case.claim_amount <= Decimal("2000000.00")
        else:
            assert case.claim_amount is None and case.claim_description
        assert case.events.filter(kind=CaseEvent.Kind.CASE_FILED).count() == 1
    kinds = set(Case.objects.values_list("claim_kind", flat=True))
    assert kinds == set(Case.ClaimKind)
    amounts = [amount for amount in Case.objects.values_list("claim_amount", flat=True) if amount is not None]
    assert min(amounts) < Decimal("50000") < max(amounts)
    assert Case.objects.filter(preservation_in_place=True).exists()
    assert Party.objects.filter(kind=Party.Kind.ORGANISATION).exists()


def test_window_follow_up(seeded: str) -> None:
    interviews = FirstInterview.objects.count()
    assert SEEDED_CASES // 5 <= interviews <= SEEDED_CASES * 4 // 5  # most, not all, cases have one
    assert 0 < FirstInterview.objects.filter(locked_at__isnull=False).count() < interviews
    assert InterviewLead.objects.exists()
    assert NoticeDelivery.objects.filter(kind=NoticeDelivery.Kind.ACCEPTANCE).exists()
    assert NoticeDelivery.objects.filter(kind=NoticeDelivery.Kind.RIGHTS).exists()
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.INTERVIEW_LOCKED).count() == (
        FirstInterview.objects.filter(locked_at__isnull=False).count()
    )


def test_second_run_changes_nothing(seeded: str) -> None:
    before = counts()
    output = seed(cases=SEEDED_CASES)
    assert counts() == before
    assert "none filed now" in output
    assert signs_in("clerk", "demo1234")


def test_second_run_restores_demo_passwords(seeded: str) -> None:
    admin = User.objects.get(username="admin")
    admin.set_password("something-else-entirely")
    admin.save()
    seed()
    assert signs_in("admin", "demo1234")


def test_output_lists_the_logins(seeded: str) -> None:
    lines = seeded.splitlines()
    for username in LOGINS:
        assert any(line.split()[:1] == [username] and "demo1234" in line for line in lines), username
    assert "Window clerk" in seeded and "Administrator" in seeded
    assert f"Cases 案件: {SEEDED_CASES} " in seeded


def test_number_of_cases_is_an_option(db: None, debug: None) -> None:
    seed(cases=5)
    assert Case.objects.count() == 5


def test_refuses_to_run_without_debug(db: None) -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        seed(cases=0)
    assert not User.objects.filter(username="admin").exists()


# --- The story on the day of the seed -------------------------------------------------------------------

OFFICE_HOURS = (datetime.time(9, 0), datetime.time(17, 0))
URGENCY = {Deadline.Status.OPEN: 0, Deadline.Status.NEARING: 1, Deadline.Status.OVERDUE: 2}


def outlook_of_cases() -> Counter[str]:
    """Each case counted once, by its most urgent running clock after the scan."""
    worst: dict[int, int] = dict.fromkeys(Case.objects.values_list("pk", flat=True), 0)
    for case_id, status in Deadline.objects.filter(status__in=Deadline.ACTIVE).values_list("case", "status"):
        worst[case_id] = max(worst[case_id], URGENCY[status])
    names = {0: "on time", 1: "nearing", 2: "overdue"}
    return Counter(names[level] for level in worst.values())


def test_on_the_day_of_the_seed_most_cases_are_on_time_some_nearing_one_in_ten_overdue(seeded: str) -> None:
    outlook = outlook_of_cases()
    assert 0.05 <= outlook["overdue"] / SEEDED_CASES <= 0.20, outlook
    # Some: how many depends on the day (on the morning after a holiday week all that wait are nearing).
    assert outlook["nearing"] >= 1, outlook
    assert outlook["on time"] > SEEDED_CASES / 2, outlook


def test_an_overdue_case_raises_one_alert_not_one_per_step(seeded: str) -> None:
    outlook = outlook_of_cases()
    alerts = Alert.objects.filter(resolved_at__isnull=True)
    assert alerts.filter(level=Alert.Level.OVERDUE).count() <= 1.5 * outlook["overdue"]
    assert alerts.count() <= 1.5 * (outlook["overdue"] + outlook["nearing"])
    assert alerts.filter(raised_at__date=timezone.localdate()).count() == alerts.count()  # today's


def test_money_is_there_in_every_state(seeded: str) -> None:
    transactions = BankTransaction.objects.all()
    assert transactions.filter(status=BankTransaction.Status.MATCHED, payer_review_needed=False).exists()
    assert transactions.filter(status=BankTransaction.Status.MATCHED, payer_review_needed=True).exists()
    assert transactions.filter(status=BankTransaction.Status.UNMATCHED).exists()
    payouts = set(Payout.objects.values_list("status", flat=True))
    assert payouts >= {Payout.Status.PROPOSED, Payout.Status.APPROVED, Payout.Status.PAID}
    assert PayoutHold.objects.filter(status=PayoutHold.Status.ACTIVE).exists()
    late = Deadline.objects.filter(node_type__code="payout", status=Deadline.Status.OVERDUE)
    assert late.count() == 1


def test_the_custody_and_party_examples_are_there(seeded: str) -> None:
    today = timezone.localdate()
    in_force = Measure.objects.filter(status=Measure.Status.IN_FORCE)
    assert in_force.filter(expires_on__gt=today, expires_on__lte=today + datetime.timedelta(days=30)).exists()
    assert Measure.objects.filter(status=Measure.Status.LAPSED, expires_on__lt=today).exists()
    detention = Detention.objects.get()
    assert detention.status == Detention.Status.APPROVED and detention.family_notified_at is None
    assert "DEMA2345" in seeded
    assert AppointmentSlot.objects.filter(starts_at__gt=timezone.now()).count() == 3


def in_office_hours(moment: datetime.datetime, calendar: WorkingCalendar) -> bool:
    local = timezone.localtime(moment)
    return not calendar.is_rest_day(local.date()) and OFFICE_HOURS[0] <= local.time() < OFFICE_HOURS[1]


def test_every_step_happened_on_a_working_day_in_office_hours_and_none_in_the_future(seeded: str) -> None:
    now = timezone.now()
    calendar = WorkingCalendar.for_court(None)
    # The lapse of a measure is found by the command at the real time, not by anyone at work.
    events = CaseEvent.objects.exclude(kind=CaseEvent.Kind.MEASURE_LAPSED)
    for kind, occurred_at in events.values_list("kind", "occurred_at"):
        assert occurred_at <= now and in_office_hours(occurred_at, calendar), (kind, occurred_at)
    for code, opened_at in Deadline.objects.values_list("node_type__code", "opened_at"):
        assert opened_at <= now and in_office_hours(opened_at, calendar), (code, opened_at)
    received = Case.objects.values_list("received_on", flat=True)
    assert (max(received) - min(received)).days > 30  # spread over weeks, not filed all at once


def test_each_case_was_filed_before_anything_else_happened_to_it(seeded: str) -> None:
    for case in Case.objects.prefetch_related("events"):
        first = min(case.events.all(), key=lambda event: (event.occurred_at, event.pk))
        assert first.kind == CaseEvent.Kind.CASE_FILED and first.occurred_at == case.filed_at, case.number
        assert case.received_on == timezone.localtime(case.filed_at).date()
    for assignment in Assignment.objects.select_related("case"):
        assert assignment.assigned_at > assignment.case.filed_at


def test_due_times_are_the_engines_own(seeded: str) -> None:
    # Nothing was moved behind the engine's back: computing again from the stored anchors changes nothing.
    assert not any(recompute(deadline) for deadline in Deadline.objects.filter(status__in=Deadline.ACTIVE))
