"""Forms of the credit sanctions' pages: they check what was typed; the services decide who may and whether
it fits the law."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.forms import DateInput
from enforcement.models import Party

from . import services
from .forms import text_field
from .models import (
    BoundCapacity,
    ConsumptionRestriction,
    DishonestGround,
    ListingRefusal,
    RemovalGround,
    ServiceMethod,
)

PERSON_ROWS = 4  # persons one restriction form can name (the four capacities of the rule)
CAPACITIES = list(BoundCapacity)


def _respondent_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=_("Respondent"), coerce=int)


class _RespondentForm(forms.Form):
    """A form about one respondent of the case, chosen among them and returned as the party itself."""

    def __init__(self, *args: Any, respondents: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.respondents = respondents
        cast(forms.TypedChoiceField, self.fields["party"]).choices = [
            (p.pk, f"{p.name} ({p.get_kind_display()})") for p in respondents
        ]

    def respondent(self) -> Party:
        pk = self.cleaned_data["party"]
        return next(p for p in self.respondents if p.pk == pk)


class RestrictionForm(_RespondentForm):
    """The order on a respondent; for an organisation, the persons it binds (empty rows are skipped)."""

    party = _respondent_field()
    ruling_number = forms.CharField(label=_("Ruling"), max_length=60)
    reason = text_field(_("Why the restriction is needed"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(PERSON_ROWS):
            self.fields[f"person_name_{i}"] = forms.CharField(label=_("Name"), required=False, max_length=100)
            self.fields[f"person_id_{i}"] = forms.CharField(
                label=_("Identity number"), required=False, max_length=50
            )
            self.fields[f"person_capacity_{i}"] = forms.ChoiceField(
                label=_("Capacity"), choices=BoundCapacity.choices, initial=CAPACITIES[i % len(CAPACITIES)]
            )
            self.fields[f"person_capacity_{i}"].required = False

    def person_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"person_name_{i}"], self[f"person_id_{i}"], self[f"person_capacity_{i}"])
            for i in range(PERSON_ROWS)
        ]

    def persons(self) -> list[services.BoundPerson]:
        data = self.cleaned_data
        return [
            services.BoundPerson(
                name=data[f"person_name_{i}"],
                id_number=data[f"person_id_{i}"],
                capacity=data[f"person_capacity_{i}"] or BoundCapacity.LEGAL_REPRESENTATIVE,
            )
            for i in range(PERSON_ROWS)
            if (data.get(f"person_name_{i}") or "").strip()
        ]


class CreditDecisionForm(forms.Form):
    """The president approves or refuses (the button pressed says which); a refusal needs a note."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = text_field(_("Note"), required=False)

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == "approve")


class LiftForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for lifting"), choices=ConsumptionRestriction.LiftReason.choices
    )
    decision_number = forms.CharField(label=_("Lifting decision"), max_length=60)
    lifted_on = forms.DateField(label=_("Lifted on"), widget=DateInput(), initial=timezone.localdate)
    note = text_field(_("What shows it"), required=False)


class ListingForm(_RespondentForm):
    party = _respondent_field()
    grounds = forms.MultipleChoiceField(
        label=_("Grounds"), choices=DishonestGround.choices, widget=forms.CheckboxSelectMultiple
    )
    serious_violence = forms.BooleanField(label=_("Violence or threats of a serious nature"), required=False)
    conduct = text_field(_("The dishonest conduct, as published"))
    decision_number = forms.CharField(label=_("Decision"), max_length=60)
    listed_on = forms.DateField(label=_("Listed on"), widget=DateInput(), initial=timezone.localdate)
    served_on = forms.DateField(label=_("Decision served on"), widget=DateInput(), required=False)
    service_method = forms.ChoiceField(
        label=_("Served how"), choices=[("", _("— not served yet —")), *ServiceMethod.choices], required=False
    )


class ServiceForm(forms.Form):
    served_on = forms.DateField(label=_("Decision served on"), widget=DateInput(), initial=timezone.localdate)
    method = forms.ChoiceField(label=_("Served how"), choices=ServiceMethod.choices)


class RefusalForm(_RespondentForm):
    party = _respondent_field()
    reason = forms.ChoiceField(label=_("Reason"), choices=ListingRefusal.Reason.choices)
    refused_on = forms.DateField(label=_("Decided on"), widget=DateInput(), initial=timezone.localdate)
    detail = text_field(_("What shows it"), required=False)


class ExtensionForm(forms.Form):
    years = forms.TypedChoiceField(
        label=_("Extend by (years)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, services.MAX_EXTENSION_YEARS + 1)],
    )
    reason = text_field(_("Reason for the extension"))


REMOVAL_CHOICES = [(g.value, g.label) for g in RemovalGround if g.value in services.RECORDED_REMOVAL_GROUNDS]


class RemovalGroundForm(forms.Form):
    ground = forms.ChoiceField(label=_("Removal ground"), choices=REMOVAL_CHOICES)
    arose_on = forms.DateField(label=_("Arose on"), widget=DateInput(), initial=timezone.localdate)
    note = text_field(_("What shows it"))


class RemovalForm(forms.Form):
    """Removal now: for the ground recorded before, or for one chosen here (with what shows it)."""

    ground = forms.ChoiceField(
        label=_("Removal ground"),
        choices=[("", _("— the ground recorded —")), *REMOVAL_CHOICES],
        required=False,
    )
    removed_on = forms.DateField(label=_("Removed on"), widget=DateInput(), initial=timezone.localdate)
    note = text_field(_("What shows it"), required=False)


class CreditRepairForm(forms.Form):
    """Credit repair: the listing removed early and the credit-repair decision issued."""

    reason = text_field(_("What the debtor did that repairs his credit"))
