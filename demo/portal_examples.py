"""The parties' pages in the demo: the newest assigned case of the home court gets a known query code
(real codes are shown once, at filing), and its judge publishes free times for the next working day, on
the last one; the home court's lobby screen is turned on. Safe to run again."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from enforcement import querycode
from enforcement.models import Case, Court
from portal.appointments import SlotTime, publish_slots
from portal.models import AppointmentSlot, LobbyScreen

from .clock import Clock

DEMO_QUERY_CODE = "DEMA2345"
SLOT_HOURS = (9, 10, 15)
SLOT_MINUTES = 30


def seed_party_demo(clock: Clock, court: Court, users: dict[str, User]) -> tuple[Case, str] | None:
    """Returns the case and an applicant's identity number, the two other things a party types."""
    case = (
        Case.objects.filter(court=court, responsible_judge__isnull=False, status=Case.Status.FILED)
        .order_by("-filed_at", "-id")
        .first()
    )
    if case is None or case.responsible_judge is None:
        return None
    case.query_code_hash = querycode.hash_query_code(case_number=case.number, code=DEMO_QUERY_CODE)
    case.save(update_fields=["query_code_hash"])
    publish_free_times(clock, court, users[case.responsible_judge.username])
    return case, case.applicants()[0].id_number


def seed_lobby(court: Court) -> None:
    """The home court's lobby screen and terminal feed, on (a real court turns its own on in the admin)."""
    LobbyScreen.objects.get_or_create(
        court=court, defaults={"enabled": True, "opening_hours": "周一至周五 8:30–12:00，14:30–17:30"}
    )


def publish_free_times(clock: Clock, court: Court, judge: User) -> None:
    day = clock.working_day_after(court, clock.today)
    if AppointmentSlot.objects.filter(judge=judge, starts_at__date__gte=day).exists():
        return
    times = [slot_at(clock, day, hour) for hour in SLOT_HOURS]
    with clock.at(clock.moment(clock.latest_day(court), 450)):
        publish_slots(actor=judge, court=court, times=times, place="执行事务中心接待室")


def slot_at(clock: Clock, day: datetime.date, hour: int) -> SlotTime:
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())
    return SlotTime(start, start + datetime.timedelta(minutes=SLOT_MINUTES))
