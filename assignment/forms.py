"""Forms of the triage desk, the judges' queue and the assignment panel of the case page."""

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from enforcement.forms import TickedIdsField
from enforcement.models import Case, NodeType, TeamMembership

from .models import PoolRound
from .selectors import QueueFilters


def judges() -> QuerySet[User]:
    """Anyone who is a judge of a team; the services check the court, recusals and leave."""
    return User.objects.filter(
        is_active=True,
        team_memberships__role=TeamMembership.Role.JUDGE,
        team_memberships__team__is_active=True,
    ).distinct()


class TriageForm(forms.Form):
    """Nothing to enter: the rules decide on the facts intake recorded."""


class AssignForm(forms.Form):
    judge = forms.ModelChoiceField(label=_("Judge"), queryset=judges(), required=False)


class BulkAssignForm(forms.Form):
    cases = TickedIdsField(
        unknown=_("Unknown case."),
        label=_("Cases"),
        error_messages={"required": _("Select at least one case.")},
    )


class OverrideForm(forms.Form):
    stream = forms.ChoiceField(label=_("Stream"), choices=Case.Stream.choices[1:])
    reason = forms.CharField(label=_("Reason for the override"), widget=forms.Textarea(attrs={"rows": 2}))


class ReassignForm(forms.Form):
    judge = forms.ModelChoiceField(label=_("New judge"), queryset=judges())
    reason = forms.CharField(label=_("Reason for the reassignment"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    risk_assessment = forms.CharField(label=_("Risk assessment"), widget=forms.Textarea(attrs={"rows": 3}))
    enforcement_plan = forms.CharField(label=_("Enforcement plan"), widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(forms.Form):
    detail = forms.CharField(label=_("What was found or verified"), required=False, widget=forms.Textarea)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class QueueFilterForm(forms.Form):
    stream = forms.ChoiceField(
        label=_("Stream"), required=False, choices=[("", _("Any stream")), *Case.Stream.choices[1:]]
    )
    node = forms.ChoiceField(label=_("Running deadline"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Case.Status.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Case number or party"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nodes = dict(NodeType.objects.filter(is_active=True).order_by("code").values_list("code", "name"))
        cast(forms.ChoiceField, self.fields["node"]).choices = [("", _("Any deadline")), *nodes.items()]

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            stream=data["stream"],
            node=data["node"],
            overdue_only=data["overdue"],
            status=data["status"],
            search=data["q"],
        )


class PoolRoundForm(forms.Form):
    """The result of the current re-search of a case in the 终本 pool."""

    outcome = forms.ChoiceField(
        label=_("Result"), choices=PoolRound.Outcome.choices, widget=forms.RadioSelect
    )
    property_found = forms.CharField(
        label=_("Property found (what, where, its value)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea)


class PoolLeadForm(forms.Form):
    detail = forms.CharField(label=_("What was verified"), max_length=2000, widget=forms.Textarea)
