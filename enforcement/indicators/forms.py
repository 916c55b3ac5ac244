"""The filters of the indicator pages: court, team, judge and month, each checked against the court."""

import datetime

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import roles
from ..models import Court, Team


class IndicatorFilterForm(forms.Form):
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    judge = forms.ModelChoiceField(label=_("Judge"), queryset=User.objects.none(), required=False)
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    def __init__(self, *args: object, user: roles.AnyUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        court_ids = roles.court_ids_of(user)
        self.fields["court"].queryset = Court.objects.filter(pk__in=court_ids).order_by("code")  # type: ignore[attr-defined]
        self.fields["team"].queryset = (  # type: ignore[attr-defined]
            Team.objects.filter(court_id__in=court_ids).select_related("court").order_by("name")
        )
        self.fields["judge"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                court_memberships__court_id__in=court_ids, groups__name__in=[roles.JUDGE, roles.TEAM_LEAD]
            )
            .distinct()
            .order_by("username")
        )
        self.fields["judge"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]

    @staticmethod
    def clean_month_default() -> datetime.date:
        return timezone.localdate().replace(day=1)

    def clean_month(self) -> datetime.date:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return self.clean_month_default()
        try:
            month = datetime.date.fromisoformat(f"{text}-01")
        except ValueError as error:
            raise forms.ValidationError(_("Give the month as YYYY-MM, e.g. 2026-11.")) from error
        if month.year < 2000 or month > timezone.localdate():
            raise forms.ValidationError(_("Choose a month between 2000 and this month."))
        return month

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        court, team, judge = data.get("court"), data.get("team"), data.get("judge")
        if court is None:
            court = self.fields["court"].queryset.first()  # type: ignore[attr-defined]
            data["court"] = court
        if team is not None and court is not None and team.court_id != court.pk:
            self.add_error("team", _("This team is not of the chosen court."))
        if team is not None and judge is not None:
            self.add_error("judge", _("Choose a team or a judge, not both."))
        return data
