"""Messages between a party and the responsible judge (services, reads, sections).

A party writes from his progress page or the mini-program once a judge is responsible for the case, at
most ``DAILY_LIMIT`` messages in any 24 hours; the judge is told in his inbox. The responsible judge and
the judges and leads of the case's team answer from the case page. The party sees staff only as
"responsible judge" or "enforcement team" with a real name, never a login.

``read_at`` is the other side's reading: of a party's message when the responsible judge opens the case
page or anyone answers the party; of an answer when the party opens his progress page.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enforcement import access, roles
from enforcement.models import Case, Party
from enforcement.scrub import mask_numbers

from . import appointments
from .models import PartyMessage
from .proof import PortalAccess
from .snapshot import public_numbers

MESSAGE_MAX = 2000
DAILY_LIMIT = 10
LIMIT_WINDOW = datetime.timedelta(hours=24)


class MessageLimitReached(ValidationError):
    """The party wrote ``DAILY_LIMIT`` messages in the last 24 hours (the API answers 429)."""


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("The message is empty.")})
    if len(body) > MESSAGE_MAX:
        raise ValidationError({"body": _("At most %(n)d characters.") % {"n": MESSAGE_MAX}})
    return body


# --- Reads --------------------------------------------------------------------------------------------------


def thread(case: Case, party: Party) -> QuerySet[PartyMessage]:
    return (
        PartyMessage.objects.filter(case=case, party=party)
        .select_related("author")
        .order_by("created_at", "id")
    )


def threads(case: Case) -> list[dict[str, Any]]:
    """Per party who has messages, in the order of the parties: the messages and how many are unread."""
    messages = list(
        PartyMessage.objects.filter(case=case).select_related("author", "party").order_by("created_at", "id")
    )
    by_party: dict[int, dict[str, Any]] = {}
    for m in messages:
        entry = by_party.setdefault(m.party_id, {"party": m.party, "messages": [], "unread": 0})
        entry["messages"].append(m)
        entry["unread"] += int(m.from_party and m.read_at is None)
    return sorted(by_party.values(), key=lambda t: (t["party"].role, t["party"].position, t["party"].pk))


def sent_today(party: Party, now: datetime.datetime) -> QuerySet[PartyMessage]:
    return PartyMessage.objects.filter(party=party, from_party=True, created_at__gt=now - LIMIT_WINDOW)


# --- Writes -------------------------------------------------------------------------------------------------


@transaction.atomic
def write_to_judge(*, access: PortalAccess, body: str) -> PartyMessage:
    body = _clean_body(body)
    # The party's row is the lock: two messages at once cannot both slip under the limit.
    party = (
        Party.objects.select_for_update(of=("self",))
        .select_related("case__responsible_judge")
        .get(pk=access.party.pk)
    )
    case = party.case
    judge = case.responsible_judge
    if judge is None:
        raise ValidationError(_("No judge is responsible for the case yet; messages open once one is."))
    now = timezone.now()
    recent = list(sent_today(party, now).order_by("created_at").values_list("created_at", flat=True))
    if len(recent) >= DAILY_LIMIT:
        again = recent[-DAILY_LIMIT] + LIMIT_WINDOW
        raise MessageLimitReached(
            _(
                "You have written %(n)d messages in the last 24 hours, the most allowed; "
                "you can write again from %(when)s."
            )
            % {"n": DAILY_LIMIT, "when": appointments.when(again)}
        )
    message = PartyMessage.objects.create(case=case, party=party, from_party=True, body=body, created_at=now)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Message from %(party)s (%(number)s)") % {"party": party.name, "number": case.number}
    appointments.notify_staff(user=judge, case=case, title=title, body=body[:500])
    return message


@transaction.atomic
def answer_party(*, actor: User, case: Case, party: Party, body: str) -> PartyMessage:
    """A judge of the case answers the party; the party's messages so far count as read."""
    body = _clean_body(body)
    locked = Party.objects.select_for_update(of=("self",)).select_related("case").get(pk=party.pk)
    if locked.case_id != case.pk:
        raise ValidationError(_("Not a party of this case."))
    if not access.judges_case(actor, locked.case):
        raise PermissionDenied(_("Only the case's judge and the judges and lead of its team answer parties."))
    now = timezone.now()
    mark_read_by_staff(case=locked.case, party=locked, now=now)
    return PartyMessage.objects.create(
        case=locked.case, party=locked, from_party=False, author=actor, body=body, created_at=now
    )


def mark_read_by_staff(
    *, case: Case, party: Party | None = None, now: datetime.datetime | None = None
) -> int:
    unread = PartyMessage.objects.filter(case=case, from_party=True, read_at__isnull=True)
    if party is not None:
        unread = unread.filter(party=party)
    return unread.update(read_at=now or timezone.now())


def reads_for_the_court(user: roles.AnyUser, case: Case) -> bool:
    """Only the responsible judge's opening of the case page reads the parties' messages; others look."""
    return user.pk is not None and user.pk == case.responsible_judge_id


def read_by_judge(*, actor: roles.AnyUser, case: Case) -> int:
    """The responsible judge has seen the parties' messages on the case page."""
    return mark_read_by_staff(case=case) if reads_for_the_court(actor, case) else 0


def mark_read_by_party(access: PortalAccess) -> int:
    unread = PartyMessage.objects.filter(
        case=access.case, party=access.party, from_party=False, read_at__isnull=True
    )
    return unread.update(read_at=timezone.now())


# --- Sections: the party's progress page and the case page --------------------------------------------------


def party_view_of(message: PartyMessage, case: Case) -> dict[str, Any]:
    """A message as the party sees it: the author named for the public, never by login; the court's words
    with every phone, identity or account number blanked but the court's own service phones (the party's
    own words are his)."""
    body = message.body if message.from_party else mask_numbers(message.body, keep=public_numbers(case))
    return {
        "id": message.pk,
        "from_party": message.from_party,
        "author": "" if message.from_party else appointments.staff_name_for_party(message.author, case),
        "body": body,
        "created_at": message.created_at,
        "read_at": message.read_at,
    }
