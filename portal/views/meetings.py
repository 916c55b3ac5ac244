"""Pages and actions of appointments and messages, both sides.

The party's actions (book, cancel, write) come from his progress page with the session of
``portal.proof`` and go back to it; without a session they go to the query form. The staff's pages
(the judge's slots, an answer to a party) need a login; the services decide who may act, and cases are
fetched through the reader's permissions, so outsiders get a 404.
"""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcement.feedback import form_errors_text, refusal_text
from enforcement.models import Party
from enforcement.roles import acting_user
from enforcement.selectors import get_case_for_user

from .. import appointments, party_messages
from ..forms import AnswerForm, BookForm, MessageForm, SlotForm, WithdrawForm
from ..models import AppointmentSlot
from ..proof import PortalAccess, session_access

T = TypeVar("T")


# --- Forms --------------------------------------------------------------------------------------------------


def _run(request: HttpRequest, form: forms.Form, action: Callable[[], T], done: Callable[[T], str]) -> bool:
    """Check the form, run the service, and say what happened (the result goes into the message)."""
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form_errors_text(form)})
        return False
    try:
        result = action()
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return False
    messages.success(request, done(result))
    return True


# --- The party's actions ------------------------------------------------------------------------------------


def _to_progress(anchor: str) -> HttpResponse:
    return redirect(reverse("portal:progress") + f"#{anchor}")


def _party(request: HttpRequest) -> PortalAccess | None:
    access = session_access(request)
    if access is None:
        messages.warning(request, _("Your session has ended: query your case again to continue."))
    return access


@require_POST
def book(request: HttpRequest) -> HttpResponse:
    access = _party(request)
    if access is None:
        return redirect("portal:query")
    form = BookForm(request.POST)
    _run(
        request,
        form,
        lambda: appointments.book_slot(
            access=access, slot_id=form.cleaned_data["slot"], topic=form.cleaned_data["topic"]
        ),
        lambda booking: (
            _("Your appointment is booked: %(span)s, %(place)s.")
            % {"span": appointments.span(booking.slot), "place": booking.slot.place}
        ),
    )
    return _to_progress("appointments")


@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access = _party(request)
    if access is None:
        return redirect("portal:query")
    appointments.get_party_booking(access, pk)  # 404 for anyone else's booking
    _run(
        request,
        forms.Form(request.POST),
        lambda: appointments.cancel_booking(access=access, appointment_id=pk),
        lambda booking: (
            _("Your appointment of %(span)s is cancelled.") % {"span": appointments.span(booking.slot)}
        ),
    )
    return _to_progress("appointments")


@require_POST
def write(request: HttpRequest) -> HttpResponse:
    access = _party(request)
    if access is None:
        return redirect("portal:query")
    form = MessageForm(request.POST)
    _run(
        request,
        form,
        lambda: party_messages.write_to_judge(access=access, body=form.cleaned_data["body"]),
        lambda _message: _("Your message was sent to the judge."),
    )
    return _to_progress("messages")


@require_POST
def read(request: HttpRequest) -> HttpResponse:
    """The party's page has shown the judge's messages: they are read (sent by the page once shown)."""
    access = _party(request)
    if access is None:
        return HttpResponse(status=403)
    party_messages.mark_read_by_party(access)
    return HttpResponse(status=204)


# --- The judge's slots --------------------------------------------------------------------------------------


@login_required
def slots(request: HttpRequest) -> HttpResponse:
    """The judge's future slots with their bookings, and the form to publish more."""
    courts = appointments.publishing_courts(request.user)
    if not courts:
        raise PermissionDenied
    actor = acting_user(request.user)
    form = SlotForm(request.POST or None, courts=courts)
    if request.method == "POST" and form.is_valid():
        try:
            created = appointments.publish_slots(
                actor=actor,
                court=form.cleaned_data["court"],
                times=form.times,
                place=form.cleaned_data["place"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(n)d slot(s) published.") % {"n": len(created)})
            return redirect("party:slots")
    rows = list(appointments.judge_slots(actor))
    bookings = appointments.bookings_by_slot(rows)
    context = {
        "form": form,
        "rows": [{"slot": s, "booking": bookings.get(s.pk)} for s in rows],
        "withdraw_form": WithdrawForm(),
        "several_courts": len(courts) > 1,
    }
    return render(request, "portal/slots.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def withdraw_slot(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(AppointmentSlot, pk=pk, judge_id=request.user.pk)  # another's slot: 404
    form = WithdrawForm(request.POST)
    _run(
        request,
        form,
        lambda: appointments.withdraw_slot(
            actor=acting_user(request.user), slot=slot, note=form.cleaned_data["note"]
        ),
        lambda withdrawn: _("The slot %(span)s was withdrawn.") % {"span": appointments.span(withdrawn)},
    )
    return redirect("party:slots")


# --- Answers to parties -------------------------------------------------------------------------------------


@login_required
@require_POST
def read_by_judge(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page has shown the parties' messages to the responsible judge: they are read."""
    case = get_case_for_user(request.user, pk)  # outsiders: 404
    party_messages.read_by_judge(actor=request.user, case=case)
    return HttpResponse(status=204)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int, party_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)  # outsiders: 404
    party = get_object_or_404(Party, pk=party_id, case=case)
    form = AnswerForm(request.POST)
    _run(
        request,
        form,
        lambda: party_messages.answer_party(
            actor=acting_user(request.user), case=case, party=party, body=form.cleaned_data["body"]
        ),
        lambda _message: _("Your answer to %(party)s was sent.") % {"party": party.name},
    )
    return redirect(reverse("case-detail", args=[case.pk]) + f"#thread-{party.pk}")
