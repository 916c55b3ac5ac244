"""Appointments with the judge: the judge publishes slots, a party books one from his progress page or
the mini-program and may cancel it; both sides see it; nobody books a slot twice.

The world: a court with a team (a lead and the judge), two filed cases assigned to the judge, each with a
natural-person applicant who proves himself through the progress query form.
"""

import datetime
import threading
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assignment import services as assignment
from enforcement.models import Case, InboxItem, Party, Team, TeamKind, TeamMembership
from intake import services as intake
from portal import appointments
from portal import proof as portal
from portal.models import Appointment, AppointmentSlot, PartyMessage
from tests.factories import UserFactory, resident_id
from tests.intake.test_case_numbers import application

pytestmark = pytest.mark.django_db

SLOTS = reverse("party:slots")
BOOK = reverse("party:book")
PROGRESS = reverse("portal:progress")
QUERY = reverse("portal:query")
API_SLOTS = "/api/v1/progress/slots/"
API_APPOINTMENTS = "/api/v1/progress/appointments/"


# --- The world ----------------------------------------------------------------------------------------------


@dataclass
class Filed:
    case: Case
    code: str
    applicant: Party


def local(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware time ``days`` from today, at a local (Asia/Shanghai) clock time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def team(court, team_lead, judge):
    team = Team.objects.create(
        court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队", service_phone="0473-5550001"
    )
    TeamMembership.objects.create(team=team, user=team_lead, role="lead")
    TeamMembership.objects.create(team=team, user=judge, role="judge")
    return team


def file(court, clerk, n: int) -> Filed:
    filed = intake.file_case(actor=clerk, application=application(court, n))
    case = filed.case
    return Filed(case, filed.query_code, case.applicants()[0])


def assigned(court, clerk, team_lead, judge, n: int) -> Filed:
    filed = file(court, clerk, n)
    assignment.assign_case(actor=team_lead, case=filed.case, judge=judge)
    filed.case.refresh_from_db()
    return filed


@pytest.fixture
def first(court, clerk, team_lead, judge, team):
    return assigned(court, clerk, team_lead, judge, 1)


@pytest.fixture
def second(court, clerk, team_lead, judge, team):
    return assigned(court, clerk, team_lead, judge, 2)


def publish(judge, court, *starts: datetime.datetime, minutes: int = 30) -> list[AppointmentSlot]:
    times = [appointments.SlotTime(s, s + datetime.timedelta(minutes=minutes)) for s in starts]
    return appointments.publish_slots(actor=judge, court=court, times=times, place="第三接待室")


def staff(client: Client, user) -> Client:
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def party(filed: Filed, n: int) -> Client:
    """A fresh browser in which the party proved himself through the query form."""
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = browser.post(
        QUERY, {"number": filed.case.number, "id_number": resident_id(n), "query_code": filed.code}
    )
    assert response.status_code == 302, "the progress query should let the party in"
    return browser


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def token_for(filed: Filed) -> str:
    return portal.issue_token(portal.PortalAccess(filed.case, filed.applicant))


# --- The judge publishes slots ------------------------------------------------------------------------------


class TestPublishing:
    def test_a_judge_publishes_a_morning_split_into_half_hours(self, client, judge, court):
        day = timezone.localdate() + datetime.timedelta(days=2)
        response = staff(client, judge).post(
            SLOTS,
            {
                "court": court.pk,
                "date": day,
                "starts": "09:00",
                "ends": "11:00",
                "length": "30",
                "place": "一号调解室",
            },
            follow=True,
        )
        assert "4 slot(s) published." in messages_of(response)
        slots = list(AppointmentSlot.objects.filter(judge=judge))
        assert [timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots] == [
            "09:00",
            "09:30",
            "10:00",
            "10:30",
        ]
        assert all(s.place == "一号调解室" and s.court == court for s in slots)
        page = response.content.decode()
        assert f'id="slot-{slots[0].pk}"' in page and "一号调解室" in page

    def test_an_end_before_the_start_is_shown_and_nothing_is_saved(self, client, judge, court):
        day = timezone.localdate() + datetime.timedelta(days=2)
        response = staff(client, judge).post(
            SLOTS, {"court": court.pk, "date": day, "starts": "11:00", "ends": "10:00", "place": "一号调解室"}
        )
        assert response.status_code == 400
        assert "The end must be after the start." in response.content.decode()
        assert not AppointmentSlot.objects.exists()

    def test_a_time_in_the_past_is_refused(self, client, judge, court):
        day = timezone.localdate() - datetime.timedelta(days=1)
        response = staff(client, judge).post(
            SLOTS, {"court": court.pk, "date": day, "starts": "09:00", "ends": "10:00", "place": "一号调解室"}
        )
        assert response.status_code == 400
        assert "slots must be in the future" in response.content.decode()
        assert not AppointmentSlot.objects.exists()

    def test_an_overlap_with_his_own_slot_saves_none_of_the_new_ones(self, client, judge, court):
        publish(judge, court, local(2, 10))  # 10:00–10:30
        day = timezone.localdate() + datetime.timedelta(days=2)
        response = staff(client, judge).post(
            SLOTS,
            {
                "court": court.pk,
                "date": day,
                "starts": "09:00",
                "ends": "11:00",
                "length": "30",
                "place": "一号调解室",
            },
        )
        assert response.status_code == 400
        assert "overlaps your slot" in response.content.decode()
        assert AppointmentSlot.objects.count() == 1

    def test_another_judges_slot_at_the_same_time_is_no_overlap(self, client, judge, court):
        other = UserFactory(username="judge2", roles=["judge"], courts=[court])
        publish(other, court, local(2, 10))
        publish(judge, court, local(2, 10))
        assert AppointmentSlot.objects.count() == 2

    def test_a_span_that_is_not_a_whole_number_of_slots_is_refused(self, client, judge, court):
        day = timezone.localdate() + datetime.timedelta(days=2)
        response = staff(client, judge).post(
            SLOTS,
            {
                "court": court.pk,
                "date": day,
                "starts": "09:00",
                "ends": "10:10",
                "length": "30",
                "place": "一号调解室",
            },
        )
        assert response.status_code == 400
        assert not AppointmentSlot.objects.exists()

    def test_a_team_lead_publishes_too(self, client, team_lead, court):
        assert staff(client, team_lead).get(SLOTS).status_code == 200

    def test_a_clerk_may_not_open_the_slots_page(self, client, clerk):
        assert staff(client, clerk).get(SLOTS).status_code == 403

    def test_a_judge_of_another_court_cannot_publish_for_this_one(self, judge, other_court):
        with pytest.raises(appointments.PermissionDenied):
            publish(judge, other_court, local(2, 10))


class TestWithdrawing:
    def test_a_free_slot_is_withdrawn(self, client, judge, court):
        (slot,) = publish(judge, court, local(2, 10))
        response = staff(client, judge).post(reverse("party:withdraw-slot", args=[slot.pk]), follow=True)
        slot.refresh_from_db()
        assert slot.withdrawn_at is not None
        assert f'id="slot-{slot.pk}"' not in response.content.decode()

    def test_a_booked_slot_needs_a_note(self, client, judge, court, first):
        (slot,) = publish(judge, court, local(2, 10))
        appointments.book_slot(access=portal.PortalAccess(first.case, first.applicant), slot_id=slot.pk)
        response = staff(client, judge).post(reverse("party:withdraw-slot", args=[slot.pk]), follow=True)
        assert any("say why it is withdrawn" in m for m in messages_of(response))
        slot.refresh_from_db()
        assert slot.withdrawn_at is None
        assert Appointment.objects.get().cancelled_at is None

    def test_withdrawing_a_booked_slot_cancels_the_booking_and_tells_the_party(
        self, client, judge, court, first
    ):
        (slot,) = publish(judge, court, local(2, 10))
        appointments.book_slot(access=portal.PortalAccess(first.case, first.applicant), slot_id=slot.pk)
        staff(client, judge).post(reverse("party:withdraw-slot", args=[slot.pk]), {"note": "当日需外出执行"})
        booking = Appointment.objects.get()
        assert booking.cancelled_at is not None
        told = PartyMessage.objects.get(party=first.applicant)
        assert not told.from_party and "当日需外出执行" in told.body
        page = party(first, 1).get(PROGRESS).content.decode()
        assert "当日需外出执行" in page
        assert "Cancelled by the court" in page

    def test_another_judges_slot_is_not_found(self, client, judge, court):
        other = UserFactory(username="judge2", roles=["judge"], courts=[court])
        (slot,) = publish(other, court, local(2, 10))
        response = staff(client, judge).post(reverse("party:withdraw-slot", args=[slot.pk]))
        assert response.status_code == 404
        slot.refresh_from_db()
        assert slot.withdrawn_at is None


# --- The party books ----------------------------------------------------------------------------------------


class TestBooking:
    def test_the_party_sees_the_free_slots_and_books_one_from_the_progress_page(self, judge, court, first):
        free, _taken_later = publish(judge, court, local(2, 9), local(2, 10))
        browser = party(first, 1)
        page = browser.get(PROGRESS).content.decode()
        assert f'value="{free.pk}"' in page and "第三接待室" in page

        response = browser.post(BOOK, {"slot": free.pk, "topic": "想了解执行进度"}, follow=True)
        assert response.redirect_chain[-1][0].endswith(f"{PROGRESS}#appointments")
        assert any("Your appointment is booked" in m for m in messages_of(response))
        booking = Appointment.objects.get()
        assert (booking.slot, booking.case, booking.party, booking.topic) == (
            free,
            first.case,
            first.applicant,
            "想了解执行进度",
        )
        page = response.content.decode()
        assert 'id="my-appointment"' in page and "想了解执行进度" in page

    def test_the_judge_is_told_in_his_inbox(self, judge, court, first):
        (slot,) = publish(judge, court, local(2, 9))
        party(first, 1).post(BOOK, {"slot": slot.pk, "topic": "还款计划"})
        item = InboxItem.objects.get(user=judge)
        assert first.case.number in item.title and first.applicant.name in item.title
        assert item.url == reverse("case-detail", args=[first.case.pk]) + "#party-panel"
        assert "还款计划" in item.body

    def test_a_booking_opens_no_deadline(self, judge, court, first):
        (slot,) = publish(judge, court, local(2, 9))
        before = first.case.deadlines.count()
        party(first, 1).post(BOOK, {"slot": slot.pk})
        assert first.case.deadlines.count() == before

    def test_without_a_judge_the_party_is_told_no_time_can_be_booked(self, court, clerk, judge):
        publish(judge, court, local(2, 9))
        unassigned = file(court, clerk, 5)
        page = party(unassigned, 5).get(PROGRESS).content.decode()
        assert 'id="no-judge"' in page and 'name="slot"' not in page

    def test_without_a_session_booking_goes_back_to_the_query(self, client, judge, court, first):
        (slot,) = publish(judge, court, local(2, 9))
        response = client.post(BOOK, {"slot": slot.pk})
        assert response.status_code == 302 and response["Location"] == QUERY
        assert not Appointment.objects.exists()

    def test_a_second_party_cannot_book_the_same_slot(self, judge, court, first, second):
        (slot,) = publish(judge, court, local(2, 9))
        party(first, 1).post(BOOK, {"slot": slot.pk})
        response = party(second, 2).post(BOOK, {"slot": slot.pk}, follow=True)
        assert any("not offered" in m or "just booked" in m for m in messages_of(response))
        assert Appointment.objects.get().party == first.applicant

    def test_a_booked_slot_is_no_longer_offered(self, judge, court, first, second):
        (slot,) = publish(judge, court, local(2, 9))
        party(first, 1).post(BOOK, {"slot": slot.pk})
        page = party(second, 2).get(PROGRESS).content.decode()
        assert f'value="{slot.pk}"' not in page and 'id="no-slots"' in page

    def test_the_service_refuses_a_slot_taken_meanwhile(self, judge, court, first, second):
        """The locked re-check: a party who chose the slot before it was taken gets a clear refusal."""
        (slot,) = publish(judge, court, local(2, 9))
        appointments.book_slot(access=portal.PortalAccess(first.case, first.applicant), slot_id=slot.pk)
        with pytest.raises(appointments.SlotTaken, match="just booked"):
            appointments.book_slot(access=portal.PortalAccess(second.case, second.applicant), slot_id=slot.pk)

    def test_one_coming_booking_per_party_and_case(self, judge, court, first):
        one, two = publish(judge, court, local(2, 9), local(2, 10))
        browser = party(first, 1)
        browser.post(BOOK, {"slot": one.pk})
        response = browser.post(BOOK, {"slot": two.pk}, follow=True)
        assert any("already have an appointment" in m for m in messages_of(response))
        assert Appointment.objects.count() == 1

    def test_another_judges_slot_cannot_be_booked(self, court, first):
        other = UserFactory(username="judge2", roles=["judge"], courts=[court])
        (slot,) = publish(other, court, local(2, 9))
        response = party(first, 1).post(BOOK, {"slot": slot.pk}, follow=True)
        assert any("not offered" in m for m in messages_of(response))
        assert not Appointment.objects.exists()

    def test_a_closed_case_cannot_book(self, judge, court, first):
        (slot,) = publish(judge, court, local(2, 9))
        Case.objects.filter(pk=first.case.pk).update(status=Case.Status.CLOSED)
        with pytest.raises(appointments.ValidationError):
            appointments.book_slot(access=portal.PortalAccess(first.case, first.applicant), slot_id=slot.pk)

    def test_booking_and_cancelling_over_and_over_stops_after_five_a_day(self, judge, court, first):
        access = portal.PortalAccess(first.case, first.applicant)
        slots = publish(judge, court, *(local(2, 8 + n) for n in range(appointments.BOOKINGS_PER_DAY + 1)))
        for slot in slots[:-1]:
            booking = appointments.book_slot(access=access, slot_id=slot.pk)
            appointments.cancel_booking(access=access, appointment_id=booking.pk)
        with pytest.raises(appointments.ValidationError, match="the most allowed"):
            appointments.book_slot(access=access, slot_id=slots[-1].pk)


class TestCancelling:
    def test_the_party_cancels_and_the_slot_is_free_again(self, judge, court, first):
        (slot,) = publish(judge, court, local(2, 9))
        browser = party(first, 1)
        browser.post(BOOK, {"slot": slot.pk})
        booking = Appointment.objects.get()
        response = browser.post(reverse("party:cancel", args=[booking.pk]), follow=True)
        assert any("is cancelled" in m for m in messages_of(response))
        booking.refresh_from_db()
        assert booking.cancelled_at is not None
        assert f'value="{slot.pk}"' in response.content.decode()
        # The judge's notice is in the court's language.
        assert InboxItem.objects.filter(user=judge, title__contains="当事人取消预约").exists()

    def test_a_booking_cannot_be_cancelled_once_it_began(self, judge, court, first):
        (slot,) = publish(judge, court, local(2, 9))
        browser = party(first, 1)
        browser.post(BOOK, {"slot": slot.pk})
        booking = Appointment.objects.get()
        access = portal.PortalAccess(first.case, first.applicant)
        with (
            time_machine.travel(local(2, 9, 5), tick=False),
            pytest.raises(appointments.ValidationError, match="already begun"),
        ):
            appointments.cancel_booking(access=access, appointment_id=booking.pk)
        booking.refresh_from_db()
        assert booking.cancelled_at is None

    def test_a_party_of_another_case_cannot_cancel_someone_elses_booking(self, judge, court, first, second):
        (slot,) = publish(judge, court, local(2, 9))
        party(first, 1).post(BOOK, {"slot": slot.pk})
        booking = Appointment.objects.get()
        response = party(second, 2).post(reverse("party:cancel", args=[booking.pk]))
        assert response.status_code == 404
        booking.refresh_from_db()
        assert booking.cancelled_at is None


# --- Both sides see it --------------------------------------------------------------------------------------


class TestBothSides:
    def test_the_judges_home_page_lists_the_booking(self, client, judge, court, first):
        (slot,) = publish(judge, court, local(2, 9))
        party(first, 1).post(BOOK, {"slot": slot.pk, "topic": "还款计划"})
        page = staff(client, judge).get(reverse("home")).content.decode()
        booking = Appointment.objects.get()
        row = page[page.index(f'id="home-appointment-{booking.pk}"') :]
        row = row[: row.index("</tr>")]
        for shown in (first.case.number, first.applicant.name, "第三接待室", "还款计划"):
            assert shown in row
        assert timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M") in row

    def test_the_case_page_shows_the_booking(self, client, judge, court, first):
        (slot,) = publish(judge, court, local(2, 9))
        party(first, 1).post(BOOK, {"slot": slot.pk, "topic": "还款计划"})
        booking = Appointment.objects.get()
        page = staff(client, judge).get(reverse("case-detail", args=[first.case.pk])).content.decode()
        assert f'id="case-appointment-{booking.pk}"' in page and "还款计划" in page

    def test_a_clerk_has_no_appointment_section_on_his_home_page(self, client, clerk):
        assert 'id="my-appointments"' not in staff(client, clerk).get(reverse("home")).content.decode()

    def test_the_slots_page_names_the_booking(self, client, judge, court, first):
        (slot,) = publish(judge, court, local(2, 9))
        party(first, 1).post(BOOK, {"slot": slot.pk, "topic": "还款计划"})
        page = staff(client, judge).get(SLOTS).content.decode()
        assert first.case.number in page and first.applicant.name in page


# --- The API for the mini-program ---------------------------------------------------------------------------


class TestApi:
    def test_without_a_token_every_endpoint_is_401(self, client):
        for method, url in [
            ("get", API_SLOTS),
            ("get", API_APPOINTMENTS),
            ("post", API_APPOINTMENTS),
            ("post", f"{API_APPOINTMENTS}1/cancel/"),
        ]:
            response = getattr(client, method)(url, content_type="application/json")
            assert response.status_code == 401, url
            assert response.json()["code"] == "not_authenticated"

    def test_a_wrong_token_is_401(self, client):
        response = client.get(API_SLOTS, HTTP_X_PARTY_TOKEN="not-a-token")
        assert response.status_code == 401

    def test_the_party_lists_free_slots_books_and_cancels(self, client, judge, court, first):
        slot, _other = publish(judge, court, local(2, 9), local(2, 10))
        headers = {"HTTP_X_PARTY_TOKEN": token_for(first)}
        listed = client.get(API_SLOTS, **headers).json()
        assert [s["id"] for s in listed["slots"]] == [slot.pk, _other.pk]
        assert listed["judge"].endswith(judge.first_name)  # a role and the real name, never the login

        booked = client.post(
            API_APPOINTMENTS, {"slot": slot.pk, "topic": "还款"}, content_type="application/json", **headers
        )
        assert booked.status_code == 201
        body = booked.json()
        assert (body["status"], body["topic"], body["place"], body["can_cancel"]) == (
            "booked",
            "还款",
            "第三接待室",
            True,
        )
        assert [a["id"] for a in client.get(API_APPOINTMENTS, **headers).json()] == [body["id"]]
        assert [s["id"] for s in client.get(API_SLOTS, **headers).json()["slots"]] == [_other.pk]

        cancelled = client.post(f"{API_APPOINTMENTS}{body['id']}/cancel/", **headers)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    def test_a_slot_booked_first_by_someone_else_is_409(self, client, judge, court, first, second):
        (slot,) = publish(judge, court, local(2, 9))
        appointments.book_slot(access=portal.PortalAccess(first.case, first.applicant), slot_id=slot.pk)
        response = client.post(
            API_APPOINTMENTS,
            {"slot": slot.pk},
            content_type="application/json",
            HTTP_X_PARTY_TOKEN=token_for(second),
        )
        assert response.status_code == 409
        assert response.json()["code"] == "slot_taken"

    def test_someone_elses_booking_is_404(self, client, judge, court, first, second):
        (slot,) = publish(judge, court, local(2, 9))
        booking = appointments.book_slot(
            access=portal.PortalAccess(first.case, first.applicant), slot_id=slot.pk
        )
        response = client.post(
            f"{API_APPOINTMENTS}{booking.pk}/cancel/", HTTP_X_PARTY_TOKEN=token_for(second)
        )
        assert response.status_code == 404

    def test_no_judge_means_no_slots(self, client, court, clerk, judge):
        publish(judge, court, local(2, 9))
        unassigned = file(court, clerk, 5)
        listed = client.get(API_SLOTS, HTTP_X_PARTY_TOKEN=token_for(unassigned)).json()
        assert listed == {"judge": "", "slots": []}

    def test_the_judge_publishes_and_withdraws_through_the_api(self, client, judge, court):
        client.force_login(judge)
        response = client.post(
            "/api/v1/slots/",
            {
                "starts_at": local(3, 14).isoformat(),
                "ends_at": local(3, 15).isoformat(),
                "minutes": 20,
                "place": "二号室",
            },
            content_type="application/json",
        )
        assert response.status_code == 201 and len(response.json()) == 3
        first_id = response.json()[0]["id"]
        assert client.get("/api/v1/slots/").json()[0]["id"] == first_id
        withdrawn = client.post(f"/api/v1/slots/{first_id}/withdraw/", {}, content_type="application/json")
        assert withdrawn.status_code == 200
        assert len(client.get("/api/v1/slots/").json()) == 2

    def test_the_slots_api_refuses_an_overlap(self, client, judge, court):
        publish(judge, court, local(3, 14))
        client.force_login(judge)
        response = client.post(
            "/api/v1/slots/",
            {
                "starts_at": local(3, 14, 15).isoformat(),
                "ends_at": local(3, 15).isoformat(),
                "place": "二号室",
            },
            content_type="application/json",
        )
        assert response.status_code == 400
        assert AppointmentSlot.objects.count() == 1


# --- Concurrency --------------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parties_booking_one_slot_at_once_get_exactly_one_booking(court, clerk, team_lead, judge, team):
    cases = [assigned(court, clerk, team_lead, judge, n) for n in range(1, 7)]
    (slot,) = publish(judge, court, local(2, 9))
    barrier = threading.Barrier(len(cases))
    outcomes: list[str] = []

    def book(filed: Filed) -> None:
        try:
            barrier.wait()
            appointments.book_slot(access=portal.PortalAccess(filed.case, filed.applicant), slot_id=slot.pk)
            outcomes.append("booked")
        except appointments.ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(filed,)) for filed in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] + ["refused"] * (len(cases) - 1)
    assert Appointment.objects.filter(slot=slot, cancelled_at__isnull=True).count() == 1
    assert InboxItem.objects.filter(user=judge).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_party_booking_two_slots_at_once_gets_one_booking(court, clerk, team_lead, judge, team):
    filed = assigned(court, clerk, team_lead, judge, 1)
    slots = publish(judge, court, local(2, 9), local(2, 10), local(2, 11))
    barrier = threading.Barrier(len(slots))
    outcomes: list[str] = []

    def book(slot: AppointmentSlot) -> None:
        try:
            barrier.wait()
            appointments.book_slot(access=portal.PortalAccess(filed.case, filed.applicant), slot_id=slot.pk)
            outcomes.append("booked")
        except appointments.ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(slot,)) for slot in slots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked", "refused", "refused"]
    assert Appointment.objects.filter(party=filed.applicant, cancelled_at__isnull=True).count() == 1


def test_the_party_reads_the_confirmation_and_the_refusal_on_his_page(first, judge, court):
    slot, other = publish(judge, court, local(1, 9), local(1, 10))
    browser = party(first, 1)
    booked = browser.post(BOOK, {"slot": slot.pk, "topic": ""}, follow=True)
    assert 'class="portal-message' in booked.content.decode()
    assert "Your appointment is booked" in booked.content.decode()
    refused = browser.post(BOOK, {"slot": other.pk, "topic": ""}, follow=True)
    assert "You already have an appointment in this case" in refused.content.decode()
