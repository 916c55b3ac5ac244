"""Forms of the case core's pages; they check input, the services decide."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Case, Certificate, ClosureRequirement, ClosureService, Deduction, Party


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TickedIdsField(forms.Field):
    """The ids of the rows ticked in a list; the view keeps those the user may touch."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, unknown: Any, **kwargs: Any) -> None:
        self.unknown = unknown  # the message for a value that is not an id
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.unknown, code="invalid") from None


class DeductionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Deduction.Kind.choices)
    start_date = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)
    end_date = forms.DateField(
        label=_("Until (leave empty while it runs)"), widget=DateInput(), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EndDeductionForm(forms.Form):
    end_date = forms.DateField(label=_("Ended on"), widget=DateInput(), initial=timezone.localdate)


class AdditionalPeriodForm(forms.Form):
    """The approval of an additional period for a running 暂缓执行 (the service checks the rule's maximum)."""

    months = forms.IntegerField(label=_("Additional months"), min_value=1, max_value=12, initial=3)
    reason = forms.CharField(
        label=_("Special reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionRequestForm(forms.Form):
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=12, initial=3)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"), choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class CloseCaseForm(forms.Form):
    closure = forms.ChoiceField(label=_("How the case closes"), choices=Case.Closure.choices)
    ground = forms.ChoiceField(
        label=_("Ground of termination (终结执行 only)"),
        choices=[("", "---------"), *Case.TerminationGround.choices],
        required=False,
    )
    ruling_number = forms.CharField(
        label=_("Number of the ruling"),
        max_length=60,
        required=False,
        help_text=_("终本, 终结执行, 不予执行 and 驳回申请 are decided by a ruling: give its number."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The closing page lists what the chosen closure does besides (执行完毕: the measures it releases).
    confirm_steps = forms.BooleanField(
        label=_("Also do what is listed for this closure (release the measures listed, as performed)"),
        required=False,
    )


class ClosureReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the closure")), ("reject", _("Reject: send it back"))],
    )
    note = forms.CharField(
        label=_("Review note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_steps = forms.BooleanField(label=_("Also do what is listed for this closure"), required=False)


class ClosureEvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Condition"), choices=ClosureRequirement.Kind.choices)
    note = forms.CharField(
        label=_("What was done and what was found"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    document = forms.FileField(label=_("Document (PDF or photo, optional)"), required=False)


class ClosureInterviewForm(forms.Form):
    applicant_name = forms.CharField(label=_("Applicant interviewed"), max_length=200)
    interviewed_on = forms.DateField(
        label=_("Interviewed on"), widget=DateInput(), initial=timezone.localdate
    )
    measures_told = forms.CharField(
        label=_("Measures taken, as told to him"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    property_told = forms.CharField(
        label=_("Property found, as told to him"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    consequences_told = forms.CharField(
        label=_("Grounds and consequences of the closure, as told to him"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    applicant_view = forms.CharField(
        label=_("The applicant's view"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ClosureServiceForm(forms.Form):
    served_to = forms.CharField(label=_("Served on"), max_length=200)
    served_on = forms.DateField(label=_("Date of service"), widget=DateInput(), initial=timezone.localdate)
    method = forms.ChoiceField(label=_("Method"), choices=ClosureService.Method.choices)
    document_number = forms.CharField(
        label=_("Number of the ruling or notice"),
        max_length=60,
        required=False,
        help_text=_("Empty: the closure ruling's number."),
    )


class IssueCertificateForm(forms.Form):
    """A certificate for one of the case's respondents; the service decides whether it may be issued."""

    kind = forms.ChoiceField(label=_("Kind of certificate"), choices=Certificate.Kind.choices)
    party = forms.TypedChoiceField(label=_("Debtor"), coerce=int)
    certifies = forms.CharField(
        label=_("What it certifies"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_until = forms.DateField(label=_("Valid until (optional)"), widget=DateInput(), required=False)
    listing_reference = forms.CharField(
        label=_("Dishonest-debtor listing removed (credit repair only)"), max_length=100, required=False
    )
    listing_removed_on = forms.DateField(
        label=_("Removed on (credit repair only)"), widget=DateInput(), required=False
    )

    def __init__(self, *args: Any, respondents: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.respondents = {p.pk: p for p in respondents}
        self.fields["party"].choices = [(p.pk, p.name) for p in respondents]  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["party"] = self.respondents[data["party"]]
        return data


class RevokeCertificateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
