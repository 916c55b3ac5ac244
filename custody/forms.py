"""Forms of the custody pages: they check what was typed; the services decide who may and whether it fits."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.forms import DateInput
from enforcement.models import Case, Party
from payments.models import LedgerEntry

from . import services
from .models import (
    MAX_DETENTION_DAYS,
    AssetKind,
    Detention,
    FoundAsset,
    InstitutionKind,
    Measure,
    SearchInquiry,
)
from .selectors import DEFAULT_EXPIRY_WINDOW_DAYS, MAX_EXPIRY_WINDOW_DAYS

INSTITUTION_ROWS = 6  # institutions one search form can name
ASSET_ROWS = 3  # assets one reply form can record
MAX_TERM_INPUT = 999  # months: anything above is refused by the service with the legal maximum in words
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker (``datetime-local``), in the court's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_FORMAT)


def amount_field(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def text_field(label: Any, *, required: bool = True, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": rows})
    )


def party_choices(parties: list[Party]) -> list[tuple[Any, Any]]:
    return [("", _("— none —")), *((p.pk, f"{p.name} ({p.get_role_display()})") for p in parties)]


class _PartyChoice:
    """A form with an optional choice among the case's parties, returned as the party itself."""

    parties: list[Party]

    def party_of(self, pk: int | None) -> Party | None:
        return next((p for p in self.parties if p.pk == pk), None)


def optional_party_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None)


# --- Searches ----------------------------------------------------------------------------------------------


class SearchForm(forms.Form):
    """A search sent to several institutions: one row per institution, empty rows are skipped."""

    requested_on = forms.DateField(label=_("Requested on"), widget=DateInput(), initial=timezone.localdate)
    note = text_field(_("Note"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = InstitutionKind.choices
        for i in range(INSTITUTION_ROWS):
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label=_("Kind of institution"),
                choices=kinds,
                required=False,
                initial=kinds[i % len(kinds)][0],
            )
            self.fields[f"name_{i}"] = forms.CharField(
                label=_("Institution"), required=False, max_length=services.INSTITUTION_NAME_LENGTH
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"kind_{i}"], self[f"name_{i}"]) for i in range(INSTITUTION_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(INSTITUTION_ROWS):
            if (data.get(f"name_{i}") or "").strip() and not data.get(f"kind_{i}"):
                self.add_error(f"kind_{i}", _("Choose the kind of each institution named."))
        return data

    def institutions(self) -> list[services.Institution]:
        data = self.cleaned_data
        return [
            services.Institution(kind=data[f"kind_{i}"], name=data[f"name_{i}"])
            for i in range(INSTITUTION_ROWS)
            if data.get(f"name_{i}", "").strip()
        ]


class ReplyForm(_PartyChoice, forms.Form):
    """An institution's reply, with up to a few assets; a reply without assets found nothing."""

    replied_on = forms.DateField(label=_("Replied on"), widget=DateInput(), initial=timezone.localdate)
    note = text_field(_("What the reply says"), required=False)

    def __init__(self, *args: Any, parties: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parties = parties
        for i in range(ASSET_ROWS):
            self.fields[f"asset_kind_{i}"] = forms.ChoiceField(
                label=_("Kind of asset"), required=False, choices=[("", "—"), *AssetKind.choices]
            )
            self.fields[f"asset_description_{i}"] = forms.CharField(
                label=_("Asset"), required=False, max_length=200
            )
            self.fields[f"asset_reference_{i}"] = forms.CharField(
                label=_("Account or certificate number"), required=False, max_length=60
            )
            self.fields[f"asset_amount_{i}"] = amount_field(_("Amount or value (yuan)"), required=False)
            owner = optional_party_field(_("Owner"))
            owner.choices = party_choices(parties)
            self.fields[f"asset_owner_{i}"] = owner

    def asset_rows(self) -> list[dict[str, forms.BoundField]]:
        names = ("kind", "description", "reference", "amount", "owner")
        return [{name: self[f"asset_{name}_{i}"] for name in names} for i in range(ASSET_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(ASSET_ROWS):
            described = bool((data.get(f"asset_description_{i}") or "").strip())
            filled = any(
                (
                    data.get(f"asset_kind_{i}"),
                    (data.get(f"asset_reference_{i}") or "").strip(),
                    data.get(f"asset_amount_{i}") is not None,
                    data.get(f"asset_owner_{i}") is not None,
                )
            )
            if described and not data.get(f"asset_kind_{i}"):
                self.add_error(f"asset_kind_{i}", _("Choose the kind of each asset found."))
            elif filled and not described:
                self.add_error(f"asset_description_{i}", _("Describe each asset found."))
        return data

    def assets(self) -> list[services.AssetFound]:
        data = self.cleaned_data
        return [
            services.AssetFound(
                kind=data[f"asset_kind_{i}"],
                description=data[f"asset_description_{i}"],
                reference=data[f"asset_reference_{i}"],
                amount=data[f"asset_amount_{i}"],
                owner=self.party_of(data[f"asset_owner_{i}"]),
            )
            for i in range(ASSET_ROWS)
            if data.get(f"asset_description_{i}", "").strip()
        ]


# --- Measures ----------------------------------------------------------------------------------------------


class MeasureForm(_PartyChoice, forms.Form):
    """A measure the court has taken; ``source`` is the found asset it was taken on, if any."""

    source = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind of measure"), choices=Measure.Kind.choices)
    asset = forms.CharField(label=_("Asset"), max_length=200)
    asset_reference = forms.CharField(label=_("Account or certificate number"), required=False, max_length=60)
    owner = optional_party_field(_("Owner"))
    holder_kind = forms.ChoiceField(label=_("Kind of holder"), choices=Measure.HolderKind.choices)
    holder = forms.CharField(label=_("Holder (bank, registry)"), max_length=100)
    amount = amount_field(_("Amount or value (yuan)"), required=False)
    ruling_number = forms.CharField(label=_("Ruling"), max_length=60)
    effective_on = forms.DateField(label=_("Effective on"), widget=DateInput(), initial=timezone.localdate)
    rank = forms.ChoiceField(
        label=_("Place in the waiting line"), choices=Measure.Rank.choices, initial=Measure.Rank.FIRST
    )
    preceded_by = forms.CharField(
        label=_("After which measure (court, case number)"), required=False, max_length=200
    )
    term_months = forms.IntegerField(
        label=_("Term in months"),
        required=False,
        min_value=1,
        max_value=MAX_TERM_INPUT,
        help_text=_("Leave empty for the legal maximum; a deduction has no term."),
    )

    def __init__(self, *args: Any, case: Case, parties: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case, self.parties = case, parties
        cast(forms.TypedChoiceField, self.fields["owner"]).choices = party_choices(parties)
        self.found: FoundAsset | None = None

    @staticmethod
    def initial_from(asset: FoundAsset, inquiry: SearchInquiry) -> dict[str, Any]:
        """What a found asset fills in: the kind of measure it becomes, its holder, and the asset itself."""
        return {
            "source": asset.pk,
            "kind": services.MEASURE_FOR_ASSET.get(asset.kind, Measure.Kind.FREEZE_RIGHT),
            "asset": asset.description,
            "asset_reference": asset.reference,
            "owner": asset.owner_id,
            "holder_kind": services.HOLDER_FOR_INSTITUTION.get(
                inquiry.institution_kind,  # type: ignore[call-overload]
                Measure.HolderKind.REGISTRY,
            ),
            "holder": inquiry.institution,
            "amount": asset.amount,
        }

    def clean_source(self) -> int | None:
        pk: int | None = self.cleaned_data.get("source")
        if pk is not None:
            self.found = FoundAsset.objects.filter(pk=pk, inquiry__search__case=self.case).first()
            if self.found is None:
                raise forms.ValidationError(_("That asset was not found for this case."))
        return pk

    def measure_input(self) -> services.MeasureInput:
        data = self.cleaned_data
        return services.MeasureInput.from_cleaned(data, owner=self.party_of(data["owner"]), source=self.found)


class RenewForm(forms.Form):
    ruling_number = forms.CharField(label=_("Ruling that renews the measure"), max_length=60)
    months = forms.IntegerField(
        label=_("Months"),
        required=False,
        min_value=1,
        max_value=MAX_TERM_INPUT,
        help_text=_("Leave empty for the legal maximum."),
    )


class ReleaseMeasureForm(forms.Form):
    released_on = forms.DateField(label=_("Released on"), widget=DateInput(), initial=timezone.localdate)
    reason = text_field(_("Reason for the release"))


class LinkReceiptForm(forms.Form):
    entry = forms.ModelChoiceField(
        label=_("Money received"),
        queryset=LedgerEntry.objects.none(),
        error_messages={"invalid_choice": _("Choose money received in this case's account.")},
    )

    def __init__(self, *args: Any, receipts: QuerySet[LedgerEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["entry"]).queryset = receipts


# --- Detention and fines -----------------------------------------------------------------------------------


class PersonForm(_PartyChoice, forms.Form):
    """The person a sanction is against: a party of the case or someone else (a representative, a third
    party who obstructs)."""

    party = optional_party_field(_("Party of the case"))
    person_name = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=100,
        help_text=_("Leave empty to use the party's name."),
    )
    person_id_number = forms.CharField(label=_("Identity number"), required=False, max_length=50)
    decision_number = forms.CharField(label=_("Decision"), max_length=60)
    reason = text_field(_("Obstruction found"))

    def __init__(self, *args: Any, parties: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parties = parties
        cast(forms.TypedChoiceField, self.fields["party"]).choices = party_choices(parties)

    def person(self) -> services.PersonInput:
        data = self.cleaned_data
        party = self.party_of(data["party"])
        name, id_number = data["person_name"].strip(), data["person_id_number"].strip()
        if party is not None and not name:  # the party himself: his name and number from the case
            name, id_number = party.name, id_number or party.id_number
        return services.PersonInput(
            name=name,
            reason=data["reason"],
            decision_number=data["decision_number"],
            id_number=id_number,
            party=party,
        )


class DetentionForm(PersonForm):
    # The service says what the law allows (at most 15 days); the browser is told too.
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=366)

    field_order = ["party", "person_name", "person_id_number", "days", "decision_number", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].widget.attrs["max"] = MAX_DETENTION_DAYS


class FineForm(PersonForm):
    amount = amount_field(_("Amount (yuan)"))
    detention = forms.TypedChoiceField(
        label=_("With the detention"), required=False, coerce=int, empty_value=None
    )

    field_order = ["party", "person_name", "person_id_number", "amount", "detention", "decision_number"]

    def __init__(self, *args: Any, detentions: list[Detention], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.detentions = detentions
        cast(forms.TypedChoiceField, self.fields["detention"]).choices = [
            ("", _("— none —")),
            *((d.pk, f"{d.person_name} · {d.decision_number}") for d in detentions),
        ]

    def chosen_detention(self) -> Detention | None:
        pk = self.cleaned_data["detention"]
        return next((d for d in self.detentions if d.pk == pk), None)


class DecisionForm(forms.Form):
    """The president approves or refuses (the button pressed says which); a refusal needs a note."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = text_field(_("Note"), required=False)
    started_at = forms.DateTimeField(
        label=_("Taken into custody at"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Leave empty for now."),
    )

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == "approve")


class FamilyNoticeForm(forms.Form):
    notified_at = forms.DateTimeField(label=_("Family notified at"), widget=DateTimeInput())
    notice = forms.CharField(label=_("Who was told, and how"), max_length=200)


class EarlyReleaseForm(forms.Form):
    released_at = forms.DateTimeField(label=_("Released at"), widget=DateTimeInput())
    reason = text_field(_("Reason for early release"))


# --- The court-wide lists ----------------------------------------------------------------------------------


class ExpiryFilterForm(forms.Form):
    days = forms.IntegerField(
        label=_("Expiring within (days)"),
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_WINDOW_DAYS,
        initial=DEFAULT_EXPIRY_WINDOW_DAYS,
    )
    mine = forms.BooleanField(label=_("My cases only"), required=False)

    def _valid_values(self) -> dict[str, Any]:
        """The fields that are right (a wrong window does not drop the "mine" filter)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def window(self) -> int:
        """The window chosen, or the default one when none (or a wrong one) was given."""
        days = self._valid_values().get("days")
        return int(days) if days is not None else DEFAULT_EXPIRY_WINDOW_DAYS

    def mine_only(self) -> bool:
        return bool(self._valid_values().get("mine"))
