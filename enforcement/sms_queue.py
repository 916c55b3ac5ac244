"""Which parties are texted about a public event of their case, and what they read: ``record_event`` calls
``queue_for_event`` in the transaction of the event, and on commit the worker is asked to deliver
(``enforcement.sms`` sends).

The texts never carry identity numbers, addresses or the other side's names: the court, the case
number, what happened (with the amount, for money), and where to follow the case.
"""

import re

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Case, CaseEvent, Party, SmsMessage

Kind = CaseEvent.Kind
# Sent after the commit of queued rows; the tasks module answers it by asking the worker to deliver
# (``enforcement.tasks``), so that this module, which the services import, never imports the tasks.
delivery_requested = Signal()
MOBILE = re.compile(r"^1[3-9]\d{9}$")
PROGRESS_PATH = "/progress/"
# The public events parties are told of.
NOTIFIED_KINDS = frozenset(
    {
        Kind.CASE_FILED,
        Kind.ASSIGNED,
        Kind.REASSIGNED,
        Kind.MONEY_RECEIVED,
        Kind.MONEY_PAID,
        Kind.CASE_CLOSED,
        Kind.POOL_SEARCH_RECORDED,
        Kind.CASE_RESUMED,
    }
)
# Told to the applicants only: the result of a re-search after 终本 is owed to the applicant (终本规定),
# and texting the debtor that property was found would tell him what to move away first.
APPLICANTS_ONLY_KINDS = frozenset({Kind.POOL_SEARCH_RECORDED})


def is_mobile(phone: str) -> bool:
    return bool(MOBILE.match(phone))


def text_for(event: CaseEvent, case: Case) -> str:
    """The notice in the court's language, whatever the language of the request that caused it."""
    with translation.override(settings.LANGUAGE_CODE):
        what = _what_happened(event, case.number)
        text = _("%(what)s Follow your case at %(url)s") % {"what": what, "url": _site_url() + PROGRESS_PATH}
        return f"【{case.court.name}】{text}"


def _what_happened(event: CaseEvent, number: str) -> str:
    values = {"number": number, "amount": event.data.get("amount", "")}
    if event.kind == Kind.CASE_FILED:
        return _("Enforcement case %(number)s has been filed.") % values
    if event.kind == Kind.ASSIGNED:
        return _("Case %(number)s has been assigned to a responsible judge.") % values
    if event.kind == Kind.REASSIGNED:
        return _("Case %(number)s has a new responsible judge.") % values
    if event.kind == Kind.MONEY_RECEIVED:
        return _("Case %(number)s: %(amount)s yuan was received in the case account.") % values
    if event.kind == Kind.MONEY_PAID:
        return _("Case %(number)s: %(amount)s yuan was paid out to the applicant.") % values
    if event.kind == Kind.POOL_SEARCH_RECORDED:
        values["round"] = event.data.get("round", "")
        if event.data.get("outcome") == "found":
            return (
                _(
                    "Case %(number)s: the court searched the respondent's property again (round %(round)s) "
                    "and found property. You may apply to resume enforcement."
                )
                % values
            )
        return (
            _(
                "Case %(number)s: the court searched the respondent's property again (round %(round)s) and "
                "found nothing that can be enforced."
            )
            % values
        )
    if event.kind == Kind.CASE_RESUMED:
        values["new_number"] = event.data.get("resumed_as", "")
        return _("Case %(number)s: enforcement was resumed as case %(new_number)s.") % values
    closure = event.data.get("closure", "")
    if closure in Case.Closure.values:
        values["closure"] = str(Case.Closure(closure).label)
        return _("Case %(number)s was closed (%(closure)s).") % values
    return _("Case %(number)s was closed.") % values


def _site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def queue_for_event(event: CaseEvent) -> int:
    """One message per mobile number of the case's parties, in the caller's transaction; how many."""
    if not event.public or event.kind not in NOTIFIED_KINDS:
        return 0
    case = event.case
    parties = case.parties.all()
    if event.kind in APPLICANTS_ONLY_KINDS:
        parties = parties.filter(role=Party.Role.APPLICANT)
    phones = dict.fromkeys(p.phone.strip() for p in parties if is_mobile(p.phone.strip()))
    if not phones:
        return 0
    text = text_for(event, case)
    SmsMessage.objects.bulk_create(
        [SmsMessage(event=event, case=case, phone=phone, text=text) for phone in phones],
        ignore_conflicts=True,
    )
    # robust: the rows are committed whatever the broker does; the beat delivers them if it is down.
    transaction.on_commit(_enqueue_delivery, robust=True)
    return len(phones)


def _enqueue_delivery() -> None:
    delivery_requested.send(sender=SmsMessage)
