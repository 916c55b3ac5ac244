"""Appointments: judges publish slots, parties book and cancel them (services, reads, sections).

A booking opens no legal deadline. It shows on both sides: the party's progress page, the judge's home
page and the case page; booking and cancelling notify the judge in his inbox. There is no timeline event
for it (``CaseEvent.Kind`` has no appointment kinds): the appointment rows and their history are the record.

Races: publishing locks the judge's user row, so two publications of one judge cannot overlap; booking
locks the party's row (one live booking per party and case) and then the slot's row (one booking per
slot), and the partial unique constraint ``one_booking_per_slot`` stands behind both.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enforcement import roles
from enforcement.models import Case, Court, InboxItem, Party
from enforcement.people import display_name
from enforcement.services.alerts import put_in_inboxes

from .models import Appointment, AppointmentSlot, PartyMessage
from .proof import PortalAccess

# Who publishes slots: judges and team leads of the court.
SLOT_ROLES = (roles.JUDGE, roles.TEAM_LEAD)
MAX_SLOTS_AT_ONCE = 20
# Parties see free slots this far ahead, at most this many.
SHOWN_AHEAD = datetime.timedelta(days=60)
SHOWN_SLOTS = 40
TOPIC_MAX = 200
NOTE_MAX = 500
# Booking and cancelling each notify the judge: a party books at most this many times in 24 hours.
BOOKINGS_PER_DAY = 5


class SlotTaken(ValidationError):
    """Someone else booked the slot first (the API answers 409)."""


@dataclass(frozen=True)
class SlotTime:
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def when(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def span(slot: AppointmentSlot | SlotTime) -> str:
    """The slot's time in local time, e.g. 2026-11-25 09:00–09:30."""
    return f"{when(slot.starts_at)}–{timezone.localtime(slot.ends_at):%H:%M}"


# --- People: what a party sees of staff, and the staff's inbox ----------------------------------------------


def staff_name_for_party(user: User | None, case: Case) -> str:
    """The name a party sees for a member of staff: never the login, only the role and a real name."""
    responsible = user is not None and user.pk == case.responsible_judge_id
    label = _("Responsible judge") if responsible else _("Enforcement team")
    real = display_name(user) if user is not None and (user.first_name + user.last_name).strip() else ""
    return f"{label} {real}" if real else label


def notify_staff(*, user: User, case: Case, title: str, body: str = "") -> InboxItem:
    """An item in the user's in-app inbox linking to the case page; written in the caller's transaction."""
    url = reverse("case-detail", args=[case.pk]) + "#party-panel"
    return put_in_inboxes([user], title=title, body=body, url=url)[0]


# --- Reads --------------------------------------------------------------------------------------------------


def _live_booking() -> Exists:
    return Exists(Appointment.objects.filter(slot=OuterRef("pk"), cancelled_at__isnull=True))


def free_slot_count(judge: User, *, now: datetime.datetime) -> int:
    """The judge's slots still to come that nobody has booked."""
    return judge_slots(judge, now=now).filter(starts_at__gt=now).exclude(_live_booking()).count()


def judge_slots(judge: User, *, now: datetime.datetime | None = None) -> QuerySet[AppointmentSlot]:
    """The judge's live slots that have not ended yet, each with its live booking (``booking`` or None)."""
    now = now or timezone.now()
    return AppointmentSlot.objects.filter(
        judge=judge, withdrawn_at__isnull=True, ends_at__gt=now
    ).select_related("court")


def bookings_by_slot(slots: list[AppointmentSlot]) -> dict[int, Appointment]:
    live = Appointment.objects.filter(slot__in=slots, cancelled_at__isnull=True).select_related(
        "case", "party"
    )
    return {a.slot_id: a for a in live}


def free_slots(case: Case, *, now: datetime.datetime | None = None) -> QuerySet[AppointmentSlot]:
    """The future free slots of the case's responsible judge in the case's court; none without a judge
    or once the case is closed."""
    if case.responsible_judge_id is None or case.status == Case.Status.CLOSED:
        return AppointmentSlot.objects.none()
    now = now or timezone.now()
    return (
        AppointmentSlot.objects.filter(
            judge_id=case.responsible_judge_id,
            court_id=case.court_id,
            withdrawn_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + SHOWN_AHEAD,
        )
        .exclude(_live_booking())
        .order_by("starts_at", "id")
    )


def party_bookings(access: PortalAccess) -> QuerySet[Appointment]:
    """The party's bookings in this case, latest slot first."""
    return (
        Appointment.objects.filter(case=access.case, party=access.party)
        .select_related("slot", "slot__judge")
        .order_by("-slot__starts_at", "-id")
    )


def get_party_booking(access: PortalAccess, pk: int) -> Appointment:
    """The party's own booking, or 404: another party's booking does not exist for him."""
    found = party_bookings(access).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def upcoming_bookings_for_judge(
    judge: User, *, now: datetime.datetime | None = None
) -> QuerySet[Appointment]:
    now = now or timezone.now()
    return (
        Appointment.objects.filter(slot__judge=judge, cancelled_at__isnull=True, slot__ends_at__gt=now)
        .select_related("slot", "case", "party")
        .order_by("slot__starts_at", "id")
    )


def case_bookings(case: Case) -> QuerySet[Appointment]:
    return Appointment.objects.filter(case=case).select_related("slot", "slot__judge", "party")


def status_of(booking: Appointment, *, now: datetime.datetime | None = None) -> str:
    """booked, past, cancelled (by the party) or withdrawn (the court withdrew the slot)."""
    now = now or timezone.now()
    if booking.cancelled_at is not None:
        withdrawn = booking.slot.withdrawn_at
        return "withdrawn" if withdrawn is not None and withdrawn == booking.cancelled_at else "cancelled"
    return "past" if booking.slot.starts_at <= now else "booked"


def publishing_courts(user: roles.AnyUser) -> list[Court]:
    """Courts the user publishes slots for: his courts, if he is a judge or team lead."""
    if not roles.has_role(user, *SLOT_ROLES):
        return []
    return list(Court.objects.filter(pk__in=roles.court_ids_of(user)).order_by("code"))


# --- The judge's slots --------------------------------------------------------------------------------------


def split(*, starts_at: datetime.datetime, ends_at: datetime.datetime, minutes: int | None) -> list[SlotTime]:
    """One slot, or the span cut into slots of ``minutes`` (the span must be a whole number of them)."""
    if ends_at <= starts_at:
        raise ValidationError(_("The end must be after the start."))
    if not minutes:
        return [SlotTime(starts_at, ends_at)]
    length = datetime.timedelta(minutes=minutes)
    count, rest = divmod(ends_at - starts_at, length)
    if rest:
        raise ValidationError(
            _("From %(start)s to %(end)s is not a whole number of %(minutes)d-minute slots.")
            % {"start": when(starts_at), "end": f"{timezone.localtime(ends_at):%H:%M}", "minutes": minutes}
        )
    if count > MAX_SLOTS_AT_ONCE:
        raise ValidationError(_("At most %(n)d slots at once.") % {"n": MAX_SLOTS_AT_ONCE})
    return [SlotTime(starts_at + i * length, starts_at + (i + 1) * length) for i in range(count)]


def _check_times(judge: User, times: list[SlotTime], now: datetime.datetime) -> None:
    problems: list[str] = []
    for i, t in enumerate(times):
        if t.ends_at <= t.starts_at:
            problems.append(_("%(span)s: the end must be after the start.") % {"span": span(t)})
        elif t.starts_at <= now:
            problems.append(_("%(span)s has already begun; slots must be in the future.") % {"span": span(t)})
        for other in times[:i]:
            if other.starts_at < t.ends_at and other.ends_at > t.starts_at:
                problems.append(_("%(a)s and %(b)s overlap.") % {"a": span(other), "b": span(t)})
        taken = AppointmentSlot.objects.filter(
            judge=judge, withdrawn_at__isnull=True, starts_at__lt=t.ends_at, ends_at__gt=t.starts_at
        ).first()
        if taken is not None:
            problems.append(
                _("%(span)s overlaps your slot %(other)s.") % {"span": span(t), "other": span(taken)}
            )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def publish_slots(*, actor: User, court: Court, times: list[SlotTime], place: str) -> list[AppointmentSlot]:
    """Offer times to meet parties; all or none: one invalid time saves nothing."""
    roles.require_court_role(
        actor, court.pk, *SLOT_ROLES, message=_("Only the court's judges and team leads publish slots.")
    )
    place = place.strip()
    if not place:
        raise ValidationError({"place": _("Say where the meeting takes place.")})
    if not times:
        raise ValidationError(_("Give at least one time."))
    if len(times) > MAX_SLOTS_AT_ONCE:
        raise ValidationError(_("At most %(n)d slots at once.") % {"n": MAX_SLOTS_AT_ONCE})
    # The judge's row is the lock: two publications of his at once cannot both pass the overlap check.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _check_times(actor, times, timezone.now())
    return [
        AppointmentSlot.objects.create(
            judge=actor, court=court, starts_at=t.starts_at, ends_at=t.ends_at, place=place[:100]
        )
        for t in times
    ]


@transaction.atomic
def withdraw_slot(*, actor: User, slot: AppointmentSlot, note: str = "") -> AppointmentSlot:
    """Withdraw one of one's slots. A booked slot needs a note: the booking is cancelled and the party
    finds the note in his messages with the judge."""
    locked = AppointmentSlot.objects.select_for_update().get(pk=slot.pk)
    if locked.judge_id != actor.pk:
        raise PermissionDenied(_("Only the judge who published a slot withdraws it."))
    if locked.withdrawn_at is not None:
        raise ValidationError(_("This slot was already withdrawn."))
    now = timezone.now()
    if locked.starts_at <= now:
        raise ValidationError(_("This slot has already begun; it can no longer be withdrawn."))
    booking = (
        locked.appointments.select_for_update(of=("self",))  # a party cancelling at this moment goes first
        .filter(cancelled_at__isnull=True)
        .select_related("case", "party")
        .first()
    )
    note = note.strip()
    if booking is not None and not note:
        raise ValidationError({"note": _("This slot is booked: say why it is withdrawn; the party is told.")})
    locked.withdrawn_at = now
    locked.save(update_fields=["withdrawn_at"])
    if booking is not None:
        booking.cancelled_at = now  # the same instant as the withdrawal: "cancelled by the court"
        booking.save(update_fields=["cancelled_at"])
        with translation.override(settings.LANGUAGE_CODE):
            text = _("Your appointment of %(span)s at %(place)s is cancelled by the court: %(note)s") % {
                "span": span(locked),
                "place": locked.place,
                "note": note[:NOTE_MAX],
            }
        PartyMessage.objects.create(
            case=booking.case, party=booking.party, from_party=False, author=actor, body=text, created_at=now
        )
    return locked


# --- The party's bookings -----------------------------------------------------------------------------------


@transaction.atomic
def book_slot(*, access: PortalAccess, slot_id: int, topic: str = "") -> Appointment:
    """The party books a free slot of his case's judge; one upcoming booking per party and case."""
    topic = topic.strip()
    if len(topic) > TOPIC_MAX:
        raise ValidationError({"topic": _("At most %(n)d characters.") % {"n": TOPIC_MAX}})
    # Lock order: the party, then the slot (cancelling locks only the booking).
    party = Party.objects.select_for_update(of=("self",)).select_related("case").get(pk=access.party.pk)
    case = party.case
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is closed; appointments are no longer possible."))
    now = timezone.now()
    if Appointment.objects.filter(
        case=case, party=party, cancelled_at__isnull=True, slot__starts_at__gt=now
    ).exists():
        raise ValidationError(
            _("You already have an appointment in this case; cancel it to choose another time.")
        )
    if case.responsible_judge_id is None:
        raise ValidationError(_("No judge is responsible for the case yet; appointments open once one is."))
    if (
        party.appointments.filter(booked_at__gt=now - datetime.timedelta(hours=24)).count()
        >= BOOKINGS_PER_DAY
    ):
        raise ValidationError(
            _(
                "You have booked %(n)d times in the last 24 hours, the most allowed; "
                "please try again tomorrow."
            )
            % {"n": BOOKINGS_PER_DAY}
        )
    slot = (
        AppointmentSlot.objects.select_for_update()
        .filter(pk=slot_id, judge_id=case.responsible_judge_id, court_id=case.court_id)
        .filter(withdrawn_at__isnull=True, starts_at__gt=now)
        .first()
    )
    if slot is None:
        raise ValidationError({"slot": _("This time is not offered (any more); choose another.")})
    taken = _("Someone else has just booked this time; choose another.")
    if slot.appointments.filter(cancelled_at__isnull=True).exists():
        raise SlotTaken({"slot": taken})
    try:
        with transaction.atomic():  # a savepoint: the constraint, should the lock ever be bypassed
            booking = Appointment.objects.create(
                slot=slot, case=case, party=party, topic=topic, booked_at=now
            )
    except IntegrityError:
        raise SlotTaken({"slot": taken}) from None
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Appointment booked: %(party)s, %(span)s (%(number)s)") % {
            "party": party.name,
            "span": span(slot),
            "number": case.number,
        }
        body = _("Topic: %(topic)s") % {"topic": topic} if topic else ""
    notify_staff(user=slot.judge, case=case, title=title, body=body)
    return booking


@transaction.atomic
def cancel_booking(*, access: PortalAccess, appointment_id: int) -> Appointment:
    """The party cancels his booking before it begins; the judge is told."""
    booking = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__judge", "case", "party")
        .filter(pk=appointment_id, case_id=access.case.pk, party_id=access.party.pk)
        .first()
    )
    if booking is None:
        raise Http404
    if booking.cancelled_at is not None:
        raise ValidationError(_("This appointment was already cancelled."))
    if booking.slot.starts_at <= timezone.now():
        raise ValidationError(_("This appointment has already begun; it can no longer be cancelled."))
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled_at"])
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Appointment cancelled by the party: %(party)s, %(span)s (%(number)s)") % {
            "party": booking.party.name,
            "span": span(booking.slot),
            "number": booking.case.number,
        }
    notify_staff(user=booking.slot.judge, case=booking.case, title=title)
    return booking
