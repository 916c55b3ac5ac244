"""Credit sanctions on a real database: the consumption-restriction order (proposal, the president's
approval, lifting), the dishonest-debtor list (grounds, term, extension, refusals where the law forbids
listing, removal and its 3-working-day clock, the automatic removal at the term's end), and what the
parties' progress page and the 终本 checklist read of them.

Cases are filed through intake and assigned through assignment; time is frozen with time-machine.
"""

import datetime
import itertools
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from assignment import services as assignment
from custody import requirements, selectors, services
from custody.models import (
    ConsumptionRestriction,
    CreditEvent,
    DishonestListing,
    ListingRefusal,
    RemovalGround,
)
from enforcement.models import Case, CaseEvent, ClosureRequirement, Deadline, Party, TeamMembership
from intake import identity
from intake import services as intake
from tests.custody.test_services import START, TODAY, at, make_teams, person, take
from tests.factories import CourtAccountFactory, UserFactory
from tests.intake.test_case_numbers import application

pytestmark = pytest.mark.django_db

D = datetime.date
RULING = "（2026）蒙0302执200号之一"
DECISION = "（2026）蒙0302执200号之二"
_numbers = itertools.count(8600)


def person_id(born: datetime.date, seq: int = 101) -> str:
    first17 = f"150302{born:%Y%m%d}{seq:03d}"
    return first17 + identity.resident_id_check_char(first17)


ADULT_ID = person_id(D(1980, 5, 17), 123)  # 17th digit 3: a man
MINOR_ID = person_id(D(2010, 6, 1), 124)  # 16 in 2026; 17th digit 4: a woman


def file_case(
    court, clerk, assigner, judge, *, respondent: str = "organisation", id_number: str = ""
) -> Case:
    """A simple-stream case filed now with one respondent (an organisation, or a person of ``id_number``)."""
    CourtAccountFactory(court=court)
    n = next(_numbers)
    overrides = {}
    if respondent == "person":
        overrides["respondents"] = [
            intake.PartyInput(kind="person", name="李四", id_type="resident_id", id_number=id_number)
        ]
    filed = intake.file_case(
        actor=clerk, application=application(court, n, title_effective_date=D(2025, 12, 1), **overrides)
    )
    assignment.assign_case(actor=assigner, case=filed.case, judge=judge)
    return Case.objects.get(pk=filed.case.pk)


def respondent(case: Case) -> Party:
    return Party.objects.get(case=case, role=Party.Role.RESPONDENT)


def propose(actor, case, **overrides) -> ConsumptionRestriction:
    fields = {
        "actor": actor,
        "case": case,
        "party": respondent(case),
        "ruling_number": RULING,
        "reason": "未按执行通知履行义务",
        "persons": [services.BoundPerson(name="王法代", capacity="legal_representative")],
    }
    fields.update(overrides)
    return services.propose_restriction(**fields)


def list_it(actor, case, **overrides) -> DishonestListing:
    fields = {
        "actor": actor,
        "case": case,
        "party": respondent(case),
        "grounds": ["report_breached"],
        "conduct": "拒不申报财产",
        "decision_number": DECISION,
        "listed_on": TODAY,
        "served_on": TODAY,
        "service_method": "in_person",
    }
    fields.update(overrides)
    return services.list_debtor(**fields)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def teams(court, judge, team_lead):
    return make_teams(court, judge, team_lead)


@pytest.fixture
def case(clock, court, clerk, team_lead, judge, teams):
    return file_case(court, clerk, team_lead, judge)


@pytest.fixture
def person_case(clock, court, clerk, team_lead, judge, teams):
    return file_case(court, clerk, team_lead, judge, respondent="person", id_number=ADULT_ID)


@pytest.fixture
def minor_case(clock, court, clerk, team_lead, judge, teams):
    return file_case(court, clerk, team_lead, judge, respondent="person", id_number=MINOR_ID)


# --- Consumption restriction --------------------------------------------------------------------------------


class TestRestriction:
    def test_the_judge_proposes_and_the_president_approves(self, case, judge, president):
        restriction = propose(judge, case)
        assert restriction.status == ConsumptionRestriction.Status.PROPOSED
        assert [(p.name, p.capacity) for p in restriction.persons.all()] == [
            ("王法代", "legal_representative")
        ]
        decided = services.decide_restriction(actor=president, restriction=restriction, approve=True)
        assert decided.status == ConsumptionRestriction.Status.APPROVED
        assert decided.decided_by == president
        event = CaseEvent.objects.get(case=case, kind=CreditEvent.RESTRICTION_APPROVED)
        assert event.public and RULING in event.text

    def test_an_order_on_an_organisation_names_the_persons_it_binds(self, case, judge):
        with pytest.raises(ValidationError) as refused:
            propose(judge, case, persons=[])
        assert "persons" in refused.value.message_dict
        assert not ConsumptionRestriction.objects.exists()

    def test_an_order_on_a_person_binds_nobody_else(self, person_case, judge):
        with pytest.raises(ValidationError):
            propose(judge, person_case)
        assert propose(judge, person_case, persons=[]).persons.count() == 0

    def test_only_a_respondent_is_restricted(self, case, judge):
        applicant = Party.objects.get(case=case, role=Party.Role.APPLICANT)
        with pytest.raises(ValidationError):
            propose(judge, case, party=applicant)

    def test_one_order_at_a_time_on_a_respondent(self, case, judge):
        propose(judge, case)
        with pytest.raises(ValidationError):
            propose(judge, case)

    def test_only_the_judges_side_proposes(self, case, clerk, supervisor, president):
        for user in (clerk, supervisor, president):
            with pytest.raises(PermissionDenied):
                propose(user, case)

    def test_only_the_president_approves(self, case, judge, team_lead, supervisor):
        restriction = propose(judge, case)
        for user in (judge, team_lead, supervisor):
            with pytest.raises(PermissionDenied):
                services.decide_restriction(actor=user, restriction=restriction, approve=True)
        assert ConsumptionRestriction.objects.get().status == ConsumptionRestriction.Status.PROPOSED

    def test_a_judge_who_is_also_president_does_not_approve_his_own(self, case, court, teams):
        proposer = UserFactory(username="president-judge", roles=["president", "judge"], courts=[court])
        TeamMembership.objects.create(team=teams[0], user=proposer, role=TeamMembership.Role.JUDGE)
        restriction = propose(proposer, case)
        with pytest.raises(PermissionDenied):
            services.decide_restriction(actor=proposer, restriction=restriction, approve=True)
        vice = UserFactory(username="vice-president", roles=["president"], courts=[court])
        assert (
            services.decide_restriction(actor=vice, restriction=restriction, approve=True).decided_by == vice
        )

    def test_a_refusal_needs_its_reason_and_stays_private(self, case, judge, president):
        restriction = propose(judge, case)
        with pytest.raises(ValidationError):
            services.decide_restriction(actor=president, restriction=restriction, approve=False)
        services.decide_restriction(actor=president, restriction=restriction, approve=False, note="证据不足")
        assert ConsumptionRestriction.objects.get().status == ConsumptionRestriction.Status.REFUSED
        assert not CaseEvent.objects.get(case=case, kind=CreditEvent.RESTRICTION_REFUSED).public
        assert not selectors.credit_for_progress(case).restrictions

    def test_lifting_records_the_reason_and_the_decision(self, clock, case, judge, president):
        restriction = propose(judge, case)
        with pytest.raises(ValidationError):  # not in force yet
            services.lift_restriction(
                actor=judge, restriction=restriction, reason="performed", decision_number="X", lifted_on=TODAY
            )
        services.decide_restriction(actor=president, restriction=restriction, approve=True)
        clock.move_to(at(2026, 3, 20))
        with pytest.raises(ValidationError) as refused:
            services.lift_restriction(
                actor=judge,
                restriction=restriction,
                reason="bribe",
                decision_number="X",
                lifted_on=D(2026, 3, 20),
            )
        assert "reason" in refused.value.message_dict
        lifted = services.lift_restriction(
            actor=judge,
            restriction=restriction,
            reason="security",
            decision_number="（2026）蒙0302执200号之三",
            lifted_on=D(2026, 3, 20),
            note="提供银行保函",
        )
        assert (lifted.status, lifted.lift_reason, lifted.lifted_by) == ("lifted", "security", judge)
        shown = selectors.credit_for_progress(case).restrictions[0]
        assert not shown.in_force and shown.lifted_on == D(2026, 3, 20)
        assert shown.lift_reason == "The debtor gave adequate security"


# --- Listing ------------------------------------------------------------------------------------------------


class TestListing:
    def test_a_listing_on_ground_4_has_a_two_year_term_clock(self, case, judge):
        listing = list_it(judge, case)
        clock = Deadline.objects.get(pk=listing.term_deadline_id)
        assert clock.node_type.code == "dishonest_term" and clock.counting == "exact"
        assert clock.node_type.outlives_case
        assert listing.term_months == 24
        assert listing.term_ends_on == clock.due_date == D(2028, 3, 2)
        assert clock.subject == listing

    def test_ground_1_alone_has_no_fixed_term(self, case, judge):
        listing = list_it(judge, case, grounds=["able_but_refuses"])
        assert (
            listing.term_deadline_id is None and listing.term_ends_on is None and listing.term_months is None
        )
        assert not Deadline.objects.filter(case=case, node_type__code="dishonest_term").exists()

    def test_a_listing_names_a_ground_of_the_rule(self, case, judge):
        for grounds in ([], ["gambling"]):
            with pytest.raises(ValidationError) as refused:
                list_it(judge, case, grounds=grounds)
            assert "grounds" in refused.value.message_dict
        assert not DishonestListing.objects.exists()

    def test_service_is_both_day_and_method_and_not_before_the_decision(self, case, judge):
        with pytest.raises(ValidationError):
            list_it(judge, case, service_method="")
        with pytest.raises(ValidationError):
            list_it(judge, case, served_on=D(2026, 3, 1))
        listing = list_it(judge, case, served_on=None, service_method="")
        services.record_listing_service(actor=judge, listing=listing, served_on=TODAY, method="post")
        assert DishonestListing.objects.get().service_method == "post"

    def test_listing_is_refused_for_a_minor_and_the_refusal_is_recorded(self, minor_case, judge):
        assert services.age_on(respondent(minor_case), TODAY) == 15
        with pytest.raises(ValidationError) as refused:
            list_it(judge, minor_case)
        assert "minor" in refused.value.message_dict["party"][0]
        assert not DishonestListing.objects.exists()
        refusal = services.refuse_listing(
            actor=judge, case=minor_case, party=respondent(minor_case), reason="minor", refused_on=TODAY
        )
        assert refusal.reason == ListingRefusal.Reason.MINOR
        assert CaseEvent.objects.filter(case=minor_case, kind=CreditEvent.LISTING_REFUSED).exists()

    def test_a_minor_is_judged_on_the_day_of_the_listing(self, clock, court, clerk, team_lead, judge, teams):
        turns_18 = person_id(D(2008, 3, 10), 125)
        case = file_case(court, clerk, team_lead, judge, respondent="person", id_number=turns_18)
        with pytest.raises(ValidationError):
            list_it(judge, case)
        clock.move_to(at(2026, 3, 10))
        assert list_it(judge, case, listed_on=D(2026, 3, 10), served_on=None, service_method="")

    def test_a_refusal_for_a_minor_is_refused_for_an_adult(self, person_case, judge):
        with pytest.raises(ValidationError) as refused:
            services.refuse_listing(
                actor=judge, case=person_case, party=respondent(person_case), reason="minor", refused_on=TODAY
            )
        assert "45" in refused.value.message_dict["reason"][0]
        assert not ListingRefusal.objects.exists()

    def test_property_under_seal_covering_the_claim_forbids_ground_1_and_justifies_a_refusal(
        self, case, judge
    ):
        party = respondent(case)
        with pytest.raises(ValidationError) as refused:
            services.refuse_listing(
                actor=judge, case=case, party=party, reason="property_sealed", refused_on=TODAY
            )
        assert "0.00 yuan under seal against a claim of 1000.00" in refused.value.message_dict["reason"][0]
        take(judge, case, amount=Decimal("1000.00"))
        with pytest.raises(ValidationError) as forbidden:
            list_it(judge, case, grounds=["able_but_refuses"])
        assert "grounds" in forbidden.value.message_dict
        refusal = services.refuse_listing(
            actor=judge, case=case, party=party, reason="property_sealed", refused_on=TODAY
        )
        assert refusal.sealed_amount == Decimal("1000.00")
        assert list_it(judge, case, grounds=["report_breached"]).status == "listed"  # other grounds stand

    def test_a_refusal_for_security_says_what_shows_it(self, case, judge):
        with pytest.raises(ValidationError) as refused:
            services.refuse_listing(
                actor=judge, case=case, party=respondent(case), reason="security", refused_on=TODAY
            )
        assert "detail" in refused.value.message_dict
        services.refuse_listing(
            actor=judge,
            case=case,
            party=respondent(case),
            reason="security",
            refused_on=TODAY,
            detail="房产抵押担保",
        )

    def test_several_grounds_allow_an_extension_once_one_ground_does_not(self, case, judge):
        single = list_it(judge, case)
        with pytest.raises(ValidationError):
            services.extend_listing(actor=judge, listing=single, years=1, reason="情节严重")
        services.remove_listing(actor=judge, listing=single, ground="performed", note="已履行")
        several = list_it(
            judge, case, grounds=["report_breached", "evades"], decision_number="（2026）蒙0302执200号之四"
        )
        with pytest.raises(ValidationError):
            services.extend_listing(actor=judge, listing=several, years=4, reason="多项失信")
        extended = services.extend_listing(actor=judge, listing=several, years=2, reason="多项失信行为")
        assert extended.term_months == 48 and extended.term_ends_on == D(2030, 3, 2)
        assert Deadline.objects.get(pk=extended.term_deadline_id).due_date == D(2030, 3, 2)
        old = Deadline.objects.filter(case=case, node_type__code="dishonest_term", status="cancelled")
        assert old.count() == 2  # the removed listing's, and the replaced one
        with pytest.raises(ValidationError):
            services.extend_listing(actor=judge, listing=extended, years=1, reason="再次")

    def test_serious_violence_goes_with_ground_2(self, case, judge):
        with pytest.raises(ValidationError):
            list_it(judge, case, serious_violence=True)
        listing = list_it(judge, case, grounds=["obstructs"], serious_violence=True)
        assert services.may_extend(listing)

    def test_only_the_judges_side_lists(self, case, clerk, supervisor, president):
        for user in (clerk, supervisor, president):
            with pytest.raises(PermissionDenied):
                list_it(user, case)


# --- Removal ------------------------------------------------------------------------------------------------


class TestRemoval:
    def test_removal_is_due_within_3_working_days_across_national_day(self, clock, case, judge):
        listing = list_it(judge, case)
        clock.move_to(at(2026, 9, 30))  # a Wednesday; 10-01 to 10-07 are rest days, 10-10 a make-up workday
        services.record_removal_ground(
            actor=judge, listing=listing, ground="performed", arose_on=D(2026, 9, 30), note="全部履行完毕"
        )
        clock_row = Deadline.objects.get(case=case, node_type__code="dishonest_removal")
        assert clock_row.counting == "working" and clock_row.subject == listing
        assert clock_row.due_date == D(2026, 10, 10)  # 10-08, 10-09 and the make-up Saturday
        clock.move_to(at(2026, 10, 9))
        services.remove_listing(actor=judge, listing=listing)
        clock_row.refresh_from_db()
        assert clock_row.status == Deadline.Status.MET
        assert Deadline.objects.get(pk=listing.term_deadline_id).status == Deadline.Status.CANCELLED
        removed = DishonestListing.objects.get()
        assert (removed.status, removed.removal_ground, removed.removed_on) == (
            "removed",
            "performed",
            D(2026, 10, 9),
        )

    def test_a_removal_ground_is_recorded_once_and_never_the_terms_end(self, case, judge):
        listing = list_it(judge, case)
        with pytest.raises(ValidationError):
            services.record_removal_ground(
                actor=judge, listing=listing, ground=RemovalGround.TERM_ENDED, arose_on=TODAY, note="x"
            )
        services.record_removal_ground(
            actor=judge, listing=listing, ground="applicant_request", arose_on=TODAY, note="申请书"
        )
        with pytest.raises(ValidationError):
            services.record_removal_ground(
                actor=judge, listing=listing, ground="performed", arose_on=TODAY, note="x"
            )

    def test_credit_repair_removes_at_once_with_what_shows_it(self, case, judge):
        listing = list_it(judge, case)
        with pytest.raises(ValidationError):
            services.remove_listing(actor=judge, listing=listing, ground=RemovalGround.CREDIT_REPAIR)
        services.remove_listing(
            actor=judge, listing=listing, ground=RemovalGround.CREDIT_REPAIR, note="信用修复决定书（2026）1号"
        )
        assert DishonestListing.objects.get().removal_ground == "credit_repair"
        assert not selectors.published_listings().exists()

    def test_the_credit_repair_decision_removes_the_listing_and_is_verifiable(self, client, case, judge):
        """Credit repair end to end: the listing leaves the published list, the decision names it, and a
        bank checking the code on the public page finds it genuine."""
        listing = list_it(judge, case)
        issued = services.repair_credit(
            actor=judge, listing=listing, reason="已主动履行全部义务，申请信用修复"
        )
        listing.refresh_from_db()
        assert listing.status == DishonestListing.Status.REMOVED and listing.removal_ground == "credit_repair"
        assert not selectors.published_listings().exists()
        certificate = issued.certificate
        assert certificate.kind == "credit_repair" and certificate.party == listing.party
        assert certificate.listing_reference == listing.decision_number
        assert certificate.listing_removed_on == listing.removed_on
        page = client.post("/verify/", {"code": issued.code}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert listing.party.name in page

    def test_no_decision_without_its_reason_and_the_listing_stays(self, case, judge):
        listing = list_it(judge, case)
        with pytest.raises(ValidationError):
            services.repair_credit(actor=judge, listing=listing, reason=" ")
        listing.refresh_from_db()
        assert listing.status == DishonestListing.Status.LISTED

    def test_removal_goes_on_after_the_case_closed(self, case, judge):
        listing = list_it(judge, case)
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closure="performed")
        services.remove_listing(actor=judge, listing=listing, ground="performed", note="已履行")
        with pytest.raises(ValidationError):  # but no new listing on a closed case
            list_it(judge, case)

    def test_the_end_of_the_term_removes_the_listing_once_and_a_second_run_changes_nothing(
        self, clock, case, judge
    ):
        listing = list_it(judge, case)
        forever = list_it(
            judge,
            file_case(case.court, case.filed_by, case.team.memberships.get(role="lead").user, judge),
            grounds=["able_but_refuses"],
        )
        clock.move_to(at(2028, 3, 2, 23, 59))  # the term's last day: still listed
        assert services.remove_expired_listings() == 0
        clock.move_to(at(2028, 3, 3, 0, 10))
        assert services.remove_expired_listings() == 1
        removed = DishonestListing.objects.get(pk=listing.pk)
        assert (removed.status, removed.removal_ground, removed.removed_by) == ("removed", "term_ended", None)
        assert Deadline.objects.get(pk=listing.term_deadline_id).status == Deadline.Status.MET
        state = (
            list(DishonestListing.objects.order_by("pk").values()),
            CaseEvent.objects.count(),
            DishonestListing.history.count(),
            list(Deadline.objects.order_by("pk").values_list("status", flat=True)),
        )
        assert services.remove_expired_listings() == 0
        assert state == (
            list(DishonestListing.objects.order_by("pk").values()),
            CaseEvent.objects.count(),
            DishonestListing.history.count(),
            list(Deadline.objects.order_by("pk").values_list("status", flat=True)),
        )
        assert CaseEvent.objects.filter(case=case, kind=CreditEvent.LISTING_REMOVED).count() == 1
        assert DishonestListing.objects.get(pk=forever.pk).status == "listed"  # ground 1: no term

    def test_a_ground_recorded_before_the_term_ended_is_kept_by_the_automatic_removal(
        self, clock, case, judge
    ):
        listing = list_it(judge, case)
        clock.move_to(at(2028, 3, 1))
        services.record_removal_ground(
            actor=judge, listing=listing, ground="performed", arose_on=D(2028, 3, 1), note="已履行"
        )
        clock.move_to(at(2028, 3, 3, 1))
        assert services.remove_expired_listings() == 1
        removed = DishonestListing.objects.get()
        assert removed.removal_ground == "performed" and removed.removal_ground_on == D(2028, 3, 1)
        assert (
            Deadline.objects.get(case=case, node_type__code="dishonest_removal").status == Deadline.Status.MET
        )


# --- What the progress page and the published list read -----------------------------------------------------


class TestReads:
    def test_the_progress_page_sees_issued_orders_and_listings_only(self, case, judge, president):
        propose(judge, case)
        services.refuse_listing(
            actor=judge, case=case, party=respondent(case), reason="security", refused_on=TODAY, detail="担保"
        )
        assert not selectors.credit_for_progress(case)
        restriction = ConsumptionRestriction.objects.get()
        services.decide_restriction(actor=president, restriction=restriction, approve=True)
        list_it(judge, case)
        shown = selectors.credit_for_progress(case.pk)
        assert [r.ruling_number for r in shown.restrictions] == [RULING]
        assert [(x.decision_number, x.current, x.term_ends_on) for x in shown.listings] == [
            (DECISION, True, D(2028, 3, 2))
        ]
        assert shown.listings[0].grounds == ["(4) Breaches the duty to report property"]

    def test_the_published_list_masks_a_resident_id_and_shows_sex_and_age(self, person_case, judge):
        list_it(judge, person_case)
        entry = selectors.published_entries(list(selectors.published_listings()), today=TODAY)[0]
        assert entry.id_number == ADULT_ID[:6] + "********" + ADULT_ID[-4:]
        assert (entry.sex, entry.age, entry.is_person) == ("Male", 45, True)
        assert entry.case_number == person_case.number and entry.performance == "Not performed"

    def test_the_published_list_has_served_current_listings_only(self, case, judge):
        unserved = list_it(judge, case, served_on=None, service_method="")
        assert not selectors.published_listings().exists()
        services.record_listing_service(actor=judge, listing=unserved, served_on=TODAY, method="post")
        assert list(selectors.published_listings()) == [unserved]
        services.remove_listing(actor=judge, listing=unserved, ground="performed", note="已履行")
        assert not selectors.published_listings().exists()

    @pytest.mark.parametrize(
        ("number", "id_type", "masked"),
        [
            ("11010519491231002X", "resident_id", "110105********002X"),
            ("9131000063159284XQ", "uscc", "9131000063159284XQ"),
            ("E12345678", "other", "*****5678"),
            ("123", "other", "***"),
            ("", "resident_id", ""),
        ],
    )
    def test_identity_numbers_are_masked_as_courts_publish_them(self, number, id_type, masked):
        assert selectors.masked_id_number(number, id_type) == masked


# --- The 终本 conditions custody answers ------------------------------------------------------------------


def finding(kind: str, case: Case):
    check = {
        "consumption_restricted": requirements.consumption_restricted,
        "dishonest_listed": requirements.dishonest_listed,
        "online_search_answered": requirements.online_search_answered,
        "obstruction_dealt_with": requirements.obstruction_dealt_with,
    }[kind]
    row = ClosureRequirement.objects.get(closure="terminated_this_round", kind=kind, court=None)
    return check(case, row)


class TestClosureChecks:
    def test_consumption_restricted_needs_an_order_in_force_on_each_respondent(self, case, judge, president):
        assert not finding("consumption_restricted", case).met
        restriction = propose(judge, case)
        unmet = finding("consumption_restricted", case)
        assert not unmet.met and respondent(case).name in unmet.text
        services.decide_restriction(actor=president, restriction=restriction, approve=True)
        met = finding("consumption_restricted", case)
        assert met.met and RULING in met.text and "2026-03-02" in met.text

    def test_dishonest_listed_is_met_by_a_listing_or_a_lawful_refusal(self, case, minor_case, judge):
        assert not finding("dishonest_listed", case).met
        list_it(judge, case)
        met = finding("dishonest_listed", case)
        assert met.met and DECISION in met.text
        assert not finding("dishonest_listed", minor_case).met
        services.refuse_listing(
            actor=judge, case=minor_case, party=respondent(minor_case), reason="minor", refused_on=TODAY
        )
        refused = finding("dishonest_listed", minor_case)
        assert refused.met and "The debtor is a minor" in refused.text

    def test_online_search_answered_needs_every_reply(self, case, judge):
        assert not finding("online_search_answered", case).met
        search = services.request_search(
            actor=judge,
            case=case,
            requested_on=TODAY,
            institutions=[
                services.Institution("bank", "中国工商银行"),
                services.Institution("vehicles", "车管所"),
            ],
        )
        inquiries = list(search.inquiries.order_by("pk"))
        services.record_reply(actor=judge, inquiry=inquiries[0], replied_on=TODAY, note="无", assets=[])
        waiting = finding("online_search_answered", case)
        assert not waiting.met and "车管所" in waiting.text
        services.record_reply(actor=judge, inquiry=inquiries[1], replied_on=TODAY, note="无", assets=[])
        met = finding("online_search_answered", case)
        assert met.met and "institutions asked: 2, all replied" in met.text

    def test_obstruction_dealt_with_names_the_fine_decided(self, case, judge, president):
        unmet = finding("obstruction_dealt_with", case)
        assert not unmet.met and "record what was done" in unmet.text
        assert ClosureRequirement.objects.get(
            closure="terminated_this_round", kind="obstruction_dealt_with"
        ).accepts_evidence
        fine = services.propose_fine(actor=judge, case=case, person=person(), amount=Decimal("5000.00"))
        assert not finding("obstruction_dealt_with", case).met  # proposed is not decided
        services.decide_fine(actor=president, fine=fine, approve=True)
        met = finding("obstruction_dealt_with", case)
        assert met.met and "5000.00" in met.text and "（2026）蒙0302司惩1号" in met.text


# --- Closing the case as fully performed ---------------------------------------------------------------


class TestClosing:
    def test_closing_as_performed_records_the_removal_ground_and_the_clock_outlives_the_case(
        self, clock, case, judge
    ):
        from enforcement.closure import steps_for
        from enforcement.services.cases import close_case
        from tests.closing import settle_money

        listing = list_it(judge, case)
        assert [i.code for i in steps_for(case, "performed")] == [f"listing_removal_ground:{listing.pk}"]
        settle_money(case)
        with pytest.raises(ValidationError):  # the step must be confirmed
            close_case(actor=judge, case=case, closure="performed")
        close_case(actor=judge, case=case, closure="performed", confirm_steps=True)
        marked = DishonestListing.objects.get()
        assert (marked.status, marked.removal_ground, marked.removal_ground_on) == (
            "listed",
            "performed",
            TODAY,
        )
        clock_row = Deadline.objects.get(case=case, node_type__code="dishonest_removal")
        assert clock_row.status == Deadline.Status.OPEN  # it runs on after the closure
        services.remove_listing(actor=judge, listing=marked)
        clock_row.refresh_from_db()
        assert clock_row.status == Deadline.Status.MET


# --- Two workers at once (PostgreSQL) -----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_removing_expired_listings_at_once_remove_each_once(court, clerk, judge, team_lead):
    from django.db import connection

    from tests.custody.test_services import _at_once

    assert connection.vendor == "postgresql"
    with time_machine.travel(START, tick=False) as traveller:
        make_teams(court, judge, team_lead)
        listings = [list_it(judge, file_case(court, clerk, team_lead, judge)) for _ in range(3)]
        traveller.move_to(at(2028, 3, 3, 1))
        removed, errors = _at_once(2, lambda _i: services.remove_expired_listings())
    assert errors == []
    assert sum(removed) == 3  # however the two split the work, each listing is removed by one of them
    assert CaseEvent.objects.filter(kind=CreditEvent.LISTING_REMOVED).count() == 3
    assert DishonestListing.history.filter(status="removed").count() == 3
    assert {row.status for row in DishonestListing.objects.filter(pk__in=[x.pk for x in listings])} == {
        "removed"
    }
