"""Pages and actions of appointments and messages, both sides.

The party's actions (book, cancel, write) come from his progress page with the session of
``intake.portal`` and go back to it; without a session they go to the query form. The staff's pages
(the judge's slots, an answer to a party) need a login; the services decide who may act, and cases are
fetched through the reader's permissions, so outsiders get a 404.
"""

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from enforcement.feedback import form_errors_text, refusal_text
from enforcement.models import Court, Party
from enforcement.roles import acting_user
from enforcement.selectors import get_case_for_user

from . import appointments
from . import messages as party_messages
from .models import AppointmentSlot
from .portal import PortalAccess, session_access

T = TypeVar("T")


# --- Forms --------------------------------------------------------------------------------------------------


class BookForm(forms.Form):
    slot = forms.IntegerField(
        label=gettext_lazy("Time"), min_value=1, error_messages={"required": gettext_lazy("Choose a time.")}
    )
    topic = forms.CharField(
        label=gettext_lazy("What you want to talk about (optional)"),
        max_length=appointments.TOPIC_MAX,
        required=False,
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=party_messages.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("The message is empty.")},
    )


class SlotForm(forms.Form):
    LENGTHS = [
        ("", gettext_lazy("One slot for the whole time")),
        ("15", gettext_lazy("15 minutes each")),
        ("20", gettext_lazy("20 minutes each")),
        ("30", gettext_lazy("30 minutes each")),
        ("45", gettext_lazy("45 minutes each")),
        ("60", gettext_lazy("1 hour each")),
    ]

    court = forms.ModelChoiceField(
        label=gettext_lazy("Court"), queryset=Court.objects.none(), empty_label=None
    )
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=gettext_lazy("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=gettext_lazy("End time"), widget=forms.TimeInput(attrs={"type": "time"}))
    length = forms.TypedChoiceField(
        label=gettext_lazy("Split into slots"), choices=LENGTHS, coerce=int, empty_value=None, required=False
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=100)

    def __init__(self, *args: Any, courts: list[Court], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["court"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        field.queryset = Court.objects.filter(pk__in=[c.pk for c in courts]).order_by("code")
        if len(courts) == 1:
            field.initial = courts[0].pk
            field.widget = forms.HiddenInput()
        self.times: list[appointments.SlotTime] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, starts, ends = data.get("date"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            start_at = timezone.make_aware(datetime.datetime.combine(day, starts))
            end_at = timezone.make_aware(datetime.datetime.combine(day, ends))
            try:
                self.times = appointments.split(
                    starts_at=start_at, ends_at=end_at, minutes=data.get("length")
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why (required when booked; the party is told)"),
        max_length=appointments.NOTE_MAX,
        required=False,
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=party_messages.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("The message is empty.")},
    )


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
    return render(request, "intake/slots.html", context, status=400 if form.errors else 200)


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
