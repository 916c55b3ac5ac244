"""The parties' progress query and page (no account): one answer for every failure, what the page shows,
and nothing personal about anyone on it.

The world: a filed money case with a natural-person applicant (who queries), a natural-person respondent
with a compound surname and an organisation respondent, every one of them carrying a distinctive
identity number, phone, address and agent; assigned to a team with its own service phone; the notice
handed to the respondent; an internal note, an internal acknowledgement and a payout proposal (none of
them public); money received.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assignment import services as assignment
from enforcement.models import Case, CaseEvent, Deadline, Party, Team, TeamKind, TeamMembership
from enforcement.services.events import record_event
from intake import services as intake
from payments.models import PayeeAccount
from payments.selectors import party_money_lines, party_money_totals
from payments.services import propose_payout
from portal import proof as portal
from portal.progress import Progress as progress_type
from portal.progress import masked_name, progress_of
from tests.factories import CourtAccountFactory, UserFactory, resident_id, uscc
from tests.intake.test_case_numbers import application
from tests.money import pay_in

pytestmark = pytest.mark.django_db

QUERY = reverse("portal:query")
PROGRESS = reverse("portal:progress")
LEAVE = reverse("portal:leave")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

APPLICANT_ID = resident_id(9001)
RESPONDENT_ID = resident_id(9002)
COMPANY_ID = uscc(9003)
# Everything here is personal and must never reach a party's page or the API, not even his own.
SECRETS = [
    APPLICANT_ID,
    "13912345678",
    "内蒙古乌海市海勃湾区幸福路88号",
    "王大律师",
    "13711112222",
    RESPONDENT_ID,
    "13698765432",
    "乌海市海南区光明街66号",
    "赵小代理",
    "13566667777",
    COMPANY_ID,
    "0473-7654321",
    "乌海市乌达区工业园1号",
    "钱某某法人",
    "孙公司代理",
    "13455556666",
    "欧阳娜娜",  # the other side's full name
    "6217000099990001",  # the applicant's payout account
    "内部备注：被执行人可能转移财产",
    "督办已阅：请加快",
]


def progress_for(access: portal.PortalAccess) -> progress_type:
    shown = progress_of(access.case.pk, access.party.pk)
    assert shown is not None
    return shown


@dataclass
class World:
    case: Case
    code: str
    applicant: Party
    respondent: Party
    company: Party
    team: Team
    judge: object
    other: Case
    other_code: str


def planted_application(court):
    return application(
        court,
        9000,
        applicants=[
            intake.PartyInput(
                kind="person",
                name="李建国",
                id_type="resident_id",
                id_number=APPLICANT_ID,
                phone="13912345678",
                address="内蒙古乌海市海勃湾区幸福路88号",
                agent_name="王大律师",
                agent_phone="13711112222",
            )
        ],
        respondents=[
            intake.PartyInput(
                kind="person",
                name="欧阳娜娜",
                id_type="resident_id",
                id_number=RESPONDENT_ID,
                phone="13698765432",
                address="乌海市海南区光明街66号",
                agent_name="赵小代理",
                agent_phone="13566667777",
            ),
            intake.PartyInput(
                kind="organisation",
                name="乌海市鑫源煤业有限责任公司",
                id_type="uscc",
                id_number=COMPANY_ID,
                phone="0473-7654321",
                address="乌海市乌达区工业园1号",
                legal_representative="钱某某法人",
                agent_name="孙公司代理",
                agent_phone="13455556666",
            ),
        ],
    )


@pytest.fixture
def world(court, clerk, team_lead, supervisor) -> World:
    return make_world(court, clerk, team_lead, supervisor)


def make_world(court, clerk, team_lead, supervisor) -> World:
    CourtAccountFactory(court=court)
    filed = intake.file_case(actor=clerk, application=planted_application(court))
    other = intake.file_case(actor=clerk, application=application(court, 9100))
    case = filed.case
    team = Team.objects.create(
        court=court, kind=TeamKind.objects.get(code="quick"), name="速执一团队", service_phone="0473-2223333"
    )
    judge = UserFactory(username="judge-li", first_name="明", last_name="王", roles=["judge"], courts=[court])
    TeamMembership.objects.create(team=team, user=judge, role="judge", capacity=10)
    assignment.assign_case(actor=team_lead, case=case, judge=judge)
    case.refresh_from_db()
    applicant, respondent, company = (
        case.applicants()[0],
        *sorted(case.respondents(), key=lambda p: p.kind != "person"),
    )
    intake.record_notice_delivery(
        actor=clerk, case=case, kind="acceptance", recipient=respondent, method="in_person", acknowledged=True
    )
    assignment.add_note(actor=judge, case=case, text="内部备注：被执行人可能转移财产")
    record_event(
        case=case,
        kind=CaseEvent.Kind.ALERT_ACKNOWLEDGED,
        actor=supervisor,
        public=False,
        detail="督办已阅：请加快",
    )
    PayeeAccount.objects.create(
        case=case,
        party=applicant,
        bank_name="中国银行",
        account_name=applicant.name,
        account_number="6217000099990001",
        basis="申请人提交的账户确认书",
        confirmed_by=judge,
    )
    pay_in(case, "1000.00", payer=company.name)
    propose_payout(actor=judge, case=case, lines=[(applicant, Decimal("600.00"))])
    return World(
        case, filed.query_code, applicant, respondent, company, team, judge, other.case, other.query_code
    )


def details(world: World, **overrides: str) -> dict[str, str]:
    return {"number": world.case.number, "id_number": APPLICANT_ID, "query_code": world.code, **overrides}


def without_csrf(body: bytes) -> bytes:
    """The page less its CSRF tokens (the form's and the htmx header's), which are masked anew each time."""
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b"", body)


def signed_in(client, world: World):
    response = client.post(QUERY, details(world))
    assert response.status_code == 302
    return client


# --- Every failure answers the same ------------------------------------------------------------------------


def mismatches(world: World) -> dict[str, dict[str, str]]:
    other_party = world.other.applicants()[0]
    wrong_code = "ABCDEFGH" if world.code != "ABCDEFGH" else "HGFEDCBA"
    return {
        "number of another case": details(world, number=world.other.number),
        "number that does not exist": details(world, number="（2026）蒙0302执99999号"),
        "identity number of nobody": details(world, id_number=resident_id(424242)),
        "identity number of a party of another case": details(world, id_number=other_party.id_number),
        "wrong code": details(world, query_code=wrong_code),
        "code of another case": details(world, query_code=world.other_code),
    }


def test_every_kind_of_mismatch_answers_with_the_same_page(client, world):
    bodies = {}
    for kind, data in mismatches(world).items():
        response = client.post(QUERY, data)
        assert response.status_code == 200, kind
        assert portal.SESSION_KEY not in client.session, kind
        bodies[kind] = without_csrf(response.content)
    assert len(set(bodies.values())) == 1, "the answers differ"
    page = next(iter(bodies.values())).decode()
    assert 'id="query-error"' in page
    assert world.case.number not in page
    assert APPLICANT_ID not in page


def test_the_failure_message_names_no_part_and_nothing_typed_comes_back(client, world):
    response = client.post(QUERY, details(world, query_code="WRONG123"), **EN)
    page = response.content.decode()
    assert "No case matches these details." in page
    assert "WRONG123" not in page
    assert APPLICANT_ID not in page


def test_the_query_page_asks_by_post_with_the_code_never_autocompleted(client):
    page = client.get(QUERY, **EN).content.decode()
    assert 'method="post"' in page
    assert re.search(r'<input[^>]*name="query_code"[^>]*autocomplete="off"', page)
    assert "Lost the query code?" in page
    assert '<meta name="viewport"' in page


def test_a_missing_field_is_a_form_error_and_not_an_attempt(client, world):
    from portal.models import QueryAttempt

    response = client.post(QUERY, {"number": world.case.number, "id_number": "", "query_code": ""})
    assert response.status_code == 200
    assert not QueryAttempt.objects.exists()


# --- Success ------------------------------------------------------------------------------------------------


def test_the_right_details_open_a_session_and_the_progress_page(client, world):
    response = client.post(QUERY, details(world))
    assert response.status_code == 302
    assert response["Location"] == PROGRESS
    assert client.session[portal.SESSION_KEY]["case"] == world.case.pk
    page = client.get(PROGRESS)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]


def test_case_number_and_identity_number_may_be_typed_loosely(client, world):
    number = world.case.number.replace("（", "(").replace("）", ") ")
    response = client.post(QUERY, details(world, number=number, query_code=world.code.lower()))
    assert response.status_code == 302


def test_the_progress_page_without_a_session_sends_back_to_the_query(client, world):
    response = client.get(PROGRESS)
    assert response.status_code == 302
    assert response["Location"] == QUERY


def test_the_session_ends_when_the_party_leaves(client, world):
    signed_in(client, world)
    assert client.post(LEAVE).status_code == 302
    assert client.get(PROGRESS)["Location"] == QUERY


def test_the_session_lasts_thirty_minutes(client, world):
    signed_in(client, world)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert client.get(PROGRESS)["Location"] == QUERY


def test_the_page_shows_stage_next_step_team_phone_judge_and_money(client, world):
    page = signed_in(client, world).get(PROGRESS, **EN).content.decode()
    assert "Money has been received and is being paid out to the applicant" in page
    notice = Deadline.objects.get(case=world.case, node_type__code="enforcement_notice")
    assert notice.node_type.name in page
    assert f"Due by {notice.due_date:%Y-%m-%d}" in page
    assert "速执一团队" in page
    assert "0473-2223333" in page
    assert "王明" in page
    assert "1000.00" in page  # received
    assert "600.00" in page  # being paid out
    assert world.case.number in page
    assert world.case.court.name in page


def test_the_page_shows_public_events_only(client, world):
    page = signed_in(client, world).get(PROGRESS, **EN).content.decode()
    for public in ("Case filed", "Responsible judge assigned", "Notice delivered", "Money received"):
        assert public in page
    for internal in ("Note added", "Deadline alert acknowledged", "Payout proposed", "Triaged"):
        assert internal not in page
    assert "内部备注" not in page
    assert "督办已阅" not in page


def test_no_personal_data_of_anyone_is_on_the_page(client, world):
    page = signed_in(client, world).get(PROGRESS).content.decode()
    for secret in SECRETS:
        assert secret not in page, secret
    assert "李建国" in page  # the party asking sees his own name
    assert "欧阳某" in page  # the other side, masked as courts publish it
    assert "乌海市鑫源煤业有限责任公司" in page  # organisations in full


def test_the_page_works_with_no_sections_from_other_modules(client, world, monkeypatch):
    monkeypatch.setattr(portal.party_sections, "_providers", [])
    page = signed_in(client, world).get(PROGRESS)
    assert page.status_code == 200


def test_the_page_is_mobile_first_and_standalone(client, world):
    page = signed_in(client, world).get(PROGRESS).content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'lang="zh-hans"' in page
    assert "css/portal.css" in page
    assert reverse("case-list") not in page  # not the staff layout


# --- The read model -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [
        ("张三", "person", "张某"),
        ("欧阳娜娜", "person", "欧阳某"),
        ("司马光", "person", "司马某"),
        ("欧阳", "person", "欧某"),  # two characters: surname 欧, given name 阳
        ("王", "person", "王某"),
        ("乌海市鑫源煤业有限责任公司", "organisation", "乌海市鑫源煤业有限责任公司"),
    ],
)
def test_names_are_masked_as_courts_publish_them(name, kind, shown):
    assert masked_name(name, kind) == shown


def test_money_matches_what_payments_tells_parties(world):
    access = portal.PortalAccess(world.case, world.applicant)
    shown = progress_for(access)
    assert shown.money_totals == party_money_totals(party_money_lines(world.case))
    assert [(m.kind, m.on, m.amount) for m in shown.money_lines] == [
        (m.kind, m.on, m.amount) for m in party_money_lines(world.case)
    ]
    assert shown.money_totals["received"] == Decimal("1000.00")
    assert shown.money_totals["pending"] == Decimal("600.00")


def test_events_are_newest_first_and_a_delivery_names_its_recipient_by_role(world):
    shown = progress_for(portal.PortalAccess(world.case, world.applicant))
    times = [e.on for e in shown.events]
    assert times == sorted(times, reverse=True)
    assert shown.events[-1].kind == CaseEvent.Kind.CASE_FILED
    delivery = next(e for e in shown.events if e.kind == CaseEvent.Kind.NOTICE_DELIVERED)
    # The public timeline never carries a party's name: the notice went to "the respondent".
    assert "欧阳" not in delivery.detail
    assert str(Party.Role.RESPONDENT.label) in delivery.detail or "被执行人" in delivery.detail


def test_the_stage_follows_the_case(court, clerk, world, team_lead):
    fresh = intake.file_case(actor=clerk, application=application(court, 9200)).case
    access = portal.PortalAccess(fresh, fresh.applicants()[0])
    assert progress_for(access).stage_code == "filed"
    assert progress_for(portal.PortalAccess(world.case, world.applicant)).stage_code == "paying_out"
    fresh.responsible_judge = world.judge
    fresh.save(update_fields=["responsible_judge"])
    assert progress_for(portal.PortalAccess(fresh, fresh.applicants()[0])).stage_code == "enforcing"
    fresh.status, fresh.closure = Case.Status.CLOSED, Case.Closure.PERFORMED
    fresh.save(update_fields=["status", "closure"])
    shown = progress_for(portal.PortalAccess(fresh, fresh.applicants()[0]))
    assert shown.stage_code == "closed"
    assert str(Case.Closure.PERFORMED.label) in shown.stage or "执行完毕" in shown.stage


def test_the_next_step_is_the_earliest_public_deadline(world):
    shown = progress_for(portal.PortalAccess(world.case, world.applicant))
    public = Deadline.objects.filter(
        case=world.case, status__in=Deadline.ACTIVE, node_type__public=True
    ).order_by("due_at")
    assert shown.next_step is not None
    assert shown.next_step.name == public[0].node_type.name
    assert shown.next_step.due_date == public[0].due_date
    assert (
        not Deadline.objects.filter(
            case=world.case, status__in=Deadline.ACTIVE, node_type__public=False, due_at__lt=public[0].due_at
        )
        .filter(node_type__name=shown.next_step.name)
        .exists()
    )


def test_without_a_team_the_court_phone_is_given(court, clerk):
    fresh = intake.file_case(actor=clerk, application=application(court, 9300)).case
    shown = progress_for(portal.PortalAccess(fresh, fresh.applicants()[0]))
    assert shown.team == ""
    assert shown.judge == ""
    assert shown.service_phone == court.service_phone


# --- The judge's name: never the login ---------------------------------------------------------------------


def test_the_judge_is_shown_by_name_never_by_login(world):
    shown = progress_for(portal.PortalAccess(world.case, world.applicant))
    assert shown.judge == "王明"
    assert "judge-li" not in shown.judge


def test_a_judge_without_a_name_is_the_responsible_judge_not_his_login(world, settings):
    world.judge.first_name = world.judge.last_name = " "
    world.judge.save(update_fields=["first_name", "last_name"])
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        shown = progress_for(portal.PortalAccess(Case.objects.get(pk=world.case.pk), world.applicant))
    assert shown.judge == "The responsible judge"
    assert "judge-li" not in shown.judge
