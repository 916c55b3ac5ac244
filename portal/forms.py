"""The forms of the parties' pages (query, booking, messages, leads) and of the staff's slot pages."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from enforcement import certcodes
from enforcement.models import Court, PropertyKind

from . import appointments, leads, party_messages


class QueryForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Case number"),
        max_length=60,
        help_text=gettext_lazy("As on the acceptance notice, e.g. （2026）蒙0302执123号"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off"}),
    )
    id_number = forms.CharField(
        label=gettext_lazy("Your identity number"),
        max_length=50,
        help_text=gettext_lazy("Of a party of the case: identity card or unified social credit code"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    query_code = forms.CharField(
        label=gettext_lazy("Query code"),
        max_length=20,
        help_text=gettext_lazy("8 letters and digits, on the acceptance notice"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class VerifyForm(forms.Form):
    """A certificate's verification code as typed from the paper: spaces, dashes and small letters are
    fine (``enforcement.certcodes.normalize``)."""

    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=30,
        help_text=gettext_lazy("16 letters and digits, printed beside the QR code, e.g. ABCD-EFGH-JKMN-PQRS"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if not certcodes.is_well_formed(code):
            raise ValidationError(
                gettext_lazy("A verification code is 16 letters and digits; check what you typed.")
            )
        return certcodes.normalize(code)


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


ACCEPTED_TYPES = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; the service checks their number, size and real type."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_TYPES}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        return [f for f in (super(MultipleFileField, self).clean(item, initial) for item in items) if f]


class LeadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of property"), choices=PropertyKind.choices)
    detail = forms.CharField(
        label=gettext_lazy("What you know"),
        max_length=leads.MAX_DETAIL,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Where the property is, its number or plate, who holds it, since when."),
    )
    urgent = forms.BooleanField(
        label=gettext_lazy("Urgent: the property may be moved or sold soon"),
        required=False,
        # The portal's large-input rule would stretch a checkbox to a tall bar (portal.css; a class, since
        # the Content-Security-Policy refuses style attributes).
        widget=forms.CheckboxInput(attrs={"class": "portal-checkbox"}),
    )
    attachments = MultipleFileField(label=gettext_lazy("Photos or documents"), required=False)
