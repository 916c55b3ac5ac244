"""Forms of the window clerk's pages. They check input and build the service's input; the service writes."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.forms import DateInput
from enforcement.models import Case, Court, Party, PropertyKind

from . import services
from .models import FirstInterview, NoticeDelivery, ReceivedMaterial, Resumption, RiskKind
from .validation import check_identity, normalize_phone, parse_amount


class AmountField(forms.CharField):
    """Yuan with at most two decimal places, parsed as Decimal (never float)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=20, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "placeholder": "0.00"})

    def clean(self, value: Any) -> Any:
        text = super().clean(value)  # the text checks (required, length) run on the text
        return parse_amount(text) if text else None


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=30, required=False, **kwargs)
        self.widget.attrs.update({"inputmode": "tel"})

    def clean(self, value: Any) -> str:
        return normalize_phone(super().clean(value))


class PartyForm(forms.Form):
    id_required = True
    kind = forms.ChoiceField(label=_("Kind"), choices=Party.Kind.choices, initial=Party.Kind.PERSON)
    name = forms.CharField(label=_("Name"), max_length=100)
    id_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=[("", _("By kind (ID card / credit code)")), *Party.IdType.choices],
        required=False,
    )
    id_number = forms.CharField(label=_("Identity number"), max_length=50, required=False)
    id_override_reason = forms.CharField(
        label=_("Reason to accept a credit code that fails the check"),
        max_length=500,
        required=False,
        help_text=_("Only when the code is right as printed on the licence but fails the check character."),
    )
    phone = PhoneField(label=_("Phone"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100, required=False)
    agent_name = forms.CharField(label=_("Agent"), max_length=100, required=False)
    agent_phone = PhoneField(label=_("Agent's phone"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        checked = check_identity(
            kind=data["kind"],
            id_type=data.get("id_type", ""),
            id_number=data.get("id_number", ""),
            override_reason=data.get("id_override_reason", ""),
            required=self.id_required,
        )
        data.update(
            id_type=checked.id_type, id_number=checked.id_number, id_override_reason=checked.override_reason
        )
        return data

    def to_input(self) -> services.PartyInput:
        d = self.cleaned_data
        return services.PartyInput(
            kind=d["kind"],
            name=d["name"],
            id_type=d["id_type"],
            id_number=d["id_number"],
            id_warning_override=d["id_override_reason"],
            phone=d["phone"],
            address=d["address"],
            legal_representative=d["legal_representative"],
            agent_name=d["agent_name"],
            agent_phone=d["agent_phone"],
        )


class RespondentForm(PartyForm):
    id_required = False


ApplicantFormSet = forms.formset_factory(
    PartyForm, extra=0, min_num=1, validate_min=True, max_num=50, validate_max=True
)
RespondentFormSet = forms.formset_factory(
    RespondentForm, extra=0, min_num=1, validate_min=True, max_num=50, validate_max=True
)


class ApplicationForm(forms.Form):
    court = forms.ModelChoiceField(label=_("Receiving court"), queryset=Court.objects.none())
    received_on = forms.DateField(label=_("Application received on"), widget=DateInput)
    title_court_name = forms.CharField(label=_("Issuing court or body"), max_length=100)
    title_case_number = forms.CharField(
        label=_("Case number of the title"),
        max_length=60,
        help_text=_("e.g. （2025）蒙0302民初1234号"),
    )
    title_kind = forms.ChoiceField(label=_("Kind of title"), choices=Case.TitleKind.choices)
    title_effective_date = forms.DateField(label=_("Date the title took effect"), widget=DateInput)
    claim_kind = forms.ChoiceField(
        label=pgettext_lazy("what the applicant asks to have enforced", "Claim"),
        choices=Case.ClaimKind.choices,
    )
    claim_amount = AmountField(label=_("Amount claimed (yuan)"), required=False)
    claim_description = forms.CharField(
        label=_("Claim description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    preservation_in_place = forms.BooleanField(label=_("Preservation already in place"), required=False)
    preservation_amount = AmountField(label=_("Amount preserved (yuan)"), required=False)
    preservation_detail = forms.CharField(
        label=_("Preservation details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    materials = forms.MultipleChoiceField(
        label=_("Materials received"),
        choices=ReceivedMaterial.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_duplicate = forms.BooleanField(
        label=_("I have checked the existing case and file this application again"), required=False
    )

    def __init__(self, *args: Any, courts: QuerySet[Court], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["court"])
        field.queryset = courts
        if courts.count() == 1:
            field.initial = courts.first()
        self.fields["received_on"].initial = timezone.localdate

    def clean_title_effective_date(self) -> Any:
        value = self.cleaned_data["title_effective_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The title cannot take effect in the future."))
        return value

    def clean_received_on(self) -> Any:
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The application cannot be received in the future."))
        return value

    def to_input(self, applicants: list[services.PartyInput], respondents: list[services.PartyInput]) -> Any:
        d = self.cleaned_data
        return services.ApplicationInput(
            court=d["court"],
            applicants=applicants,
            respondents=respondents,
            title_court_name=d["title_court_name"],
            title_case_number=d["title_case_number"],
            title_kind=d["title_kind"],
            title_effective_date=d["title_effective_date"],
            claim_kind=d["claim_kind"],
            claim_amount=d["claim_amount"],
            claim_description=d["claim_description"],
            preservation_in_place=d["preservation_in_place"],
            preservation_amount=d["preservation_amount"],
            preservation_detail=d["preservation_detail"],
            materials=d["materials"],
            received_on=d["received_on"],
            allow_duplicate_title=d["confirm_duplicate"],
        )


class NoticeDeliveryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Notice"), choices=NoticeDelivery.Kind.choices)
    recipient = forms.ModelChoiceField(label=_("Recipient"), queryset=Party.objects.none())
    method = forms.ChoiceField(label=_("Method"), choices=NoticeDelivery.Method.choices)
    acknowledged = forms.BooleanField(label=_("The party signed for receipt"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["recipient"])
        field.queryset = case.parties.filter(role=Party.Role.APPLICANT)
        field.initial = field.queryset.first()


class FirstInterviewForm(forms.ModelForm):
    # Risks are ticked by kind: triage reads the kinds. None ticked is "no risk" (never write 无).
    risk_kinds = forms.MultipleChoiceField(
        label=_("Risks"),
        choices=RiskKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every risk that applies. If there is none, tick nothing."),
    )
    risk_other = forms.CharField(
        label=_("The other risk"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only with “Other” ticked: describe the risk."),
    )

    class Meta:
        model = FirstInterview
        fields = list(services.INTERVIEW_FIELDS)
        widgets = {
            "conducted_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "debtor_contacts": forms.Textarea(attrs={"rows": 2}),
            "debtor_whereabouts": forms.Textarea(attrs={"rows": 2}),
            "willingness_detail": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            risks = list(self.instance.risks.all())
            self.fields["risk_kinds"].initial = [risk.kind for risk in risks]
            self.fields["risk_other"].initial = next(
                (r.detail for r in risks if r.kind == RiskKind.OTHER), ""
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            cleaned["risks"] = services.clean_risks(
                cleaned.get("risk_kinds") or [], cleaned.get("risk_other") or ""
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name, messages)
        return cleaned


class InterviewLeadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PropertyKind.choices)
    detail = forms.CharField(label=_("Detail"), max_length=2000, required=False)


InterviewLeadFormSet = forms.formset_factory(InterviewLeadForm, extra=1, max_num=100, validate_max=True)


class ResumeForm(forms.Form):
    """Filing a case closed as 终本 again as 执恢."""

    reason = forms.ChoiceField(label=_("Why enforcement resumes"), choices=Resumption.Reason.choices)
    pool_round = forms.IntegerField(
        label=_("Re-search round that found property"), required=False, min_value=1, max_value=100
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea)
