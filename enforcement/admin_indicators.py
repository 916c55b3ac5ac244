"""Admin of the indicator definitions (per court, audited), the petitions and the computed figures."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Case, IndicatorFigure, IndicatorSettings, Petition


class IndicatorSettingsForm(forms.ModelForm):
    actual_enforcement_modes = forms.MultipleChoiceField(
        label=_("closure modes counted as actual enforcement"),
        choices=Case.Closure.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    no_property_modes = forms.MultipleChoiceField(
        label=_("closure modes of cases without executable property"),
        choices=Case.Closure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = IndicatorSettings
        fields = [
            "court",
            "actual_enforcement_modes",
            "no_property_modes",
            "property_basis",
            "deductions",
            "target_within_limit",
            "target_qualified_zhongben",
            "target_petitions_closed",
            "target_overall_closure",
        ]


@admin.register(IndicatorSettings)
class IndicatorSettingsAdmin(SimpleHistoryAdmin):
    form = IndicatorSettingsForm
    list_display = [
        "__str__",
        "property_basis",
        "deductions",
        "target_within_limit",
        "target_overall_closure",
    ]


@admin.register(Petition)
class PetitionAdmin(SimpleHistoryAdmin):
    list_display = ["case", "court", "received_at", "channel", "closed_at"]
    list_filter = ["court", "channel"]
    search_fields = ["case__number", "summary"]
    raw_id_fields = ["case", "closed_by"]
    list_select_related = ["case", "court"]


@admin.register(IndicatorFigure)
class IndicatorFigureAdmin(admin.ModelAdmin):
    list_display = [
        "court",
        "team_ref",
        "judge_ref",
        "month",
        "code",
        "numerator",
        "denominator",
        "computed_at",
    ]
    list_filter = ["court", "code"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
