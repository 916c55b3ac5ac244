"""Forms of the money pages: they check what was typed; the services decide who may and whether it fits."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.forms import TickedIdsField
from enforcement.models import Court, Party
from enforcement.money import MAX_TEXT_LENGTH, parse_amount

from . import accountnumbers, statements
from .ledger import LARGEST_AMOUNT
from .models import LedgerEntry, PayoutHold, bank_account_validator
from .services import Payee

STATEMENT_MAX_BYTES = statements.MAX_BYTES


class AmountField(forms.CharField):
    """Yuan, more than zero, with at most two decimal places, read as every amount is read
    (``enforcement.money.parse_amount``: full-width digits normalised, anything ambiguous refused), and
    no more than the ledger's amount columns hold."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAX_TEXT_LENGTH, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)  # required and length are checked on the text
        return parse_amount(text, largest=LARGEST_AMOUNT) if text else None


def amount_field(label: Any, *, required: bool = True) -> AmountField:
    return AmountField(label=label, required=required)


def note_field(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- The case page ----------------------------------------------------------------------------------------


class ProposePayoutForm(forms.Form):
    """One amount per applicant with a confirmed account, or one total split equally among them."""

    split_total = amount_field(_("Or a total to split equally"), required=False)
    reason = note_field(_("Reason"), required=False)

    def __init__(self, *args: Any, payees: list[Payee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.payees = payees
        for payee in payees:
            self.fields[self.amount_name(payee.party)] = amount_field(payee.party.name, required=False)

    @staticmethod
    def amount_name(party: Party) -> str:
        return f"amount_{party.pk}"

    def amount_fields(self) -> list[tuple[Payee, forms.BoundField]]:
        return [(payee, self[self.amount_name(payee.party)]) for payee in self.payees]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amounts = [data.get(self.amount_name(p.party)) for p in self.payees]
        given = any(a is not None for a in amounts)
        if self.errors:
            return data
        if given and data.get("split_total") is not None:
            raise forms.ValidationError(_("Enter either an amount per payee or a total to split, not both."))
        if not given and data.get("split_total") is None:
            raise forms.ValidationError(_("Enter the amount to pay."))
        return data

    def lines(self, split: Any) -> list[tuple[Party, Decimal]]:
        """(payee, amount) for each payee paid; ``split`` divides a total by shares (the service's)."""
        total = self.cleaned_data.get("split_total")
        if total is not None:
            parts = split(total, [Decimal(1)] * len(self.payees))
            return [(payee.party, part) for payee, part in zip(self.payees, parts, strict=True) if part > 0]
        lines = []
        for payee in self.payees:
            amount = self.cleaned_data.get(self.amount_name(payee.party))
            if amount is not None:
                lines.append((payee.party, amount))
        return lines


class PayeeAccountForm(forms.Form):
    party = forms.TypedChoiceField(label=_("Applicant"), coerce=int)
    bank_name = forms.CharField(label=pgettext_lazy("bank where an account is held", "Bank"), max_length=100)
    account_name = forms.CharField(label=_("Account holder"), max_length=100)
    account_number = forms.CharField(label=_("Account number"), max_length=40)
    basis = forms.CharField(
        label=_("Confirmed from"),
        max_length=200,
        help_text=_("e.g. the applicant's signed account confirmation"),
    )

    def __init__(self, *args: Any, applicants: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, p.name) for p in applicants]  # type: ignore[attr-defined]

    def clean_account_number(self) -> str:
        """As the service stores it (spaces and dashes dropped), checked before it reaches the database."""
        number = accountnumbers.normalize(self.cleaned_data["account_number"])
        bank_account_validator(number)
        return number


class HoldRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Statutory reason"), choices=PayoutHold.Reason.choices)
    detail = note_field(_("Detail"))


class DecisionForm(forms.Form):
    """Approve or reject (the button pressed says which); a rejection needs a note, the service says so."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = note_field(_("Note"), required=False)

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == "approve")


class HoldDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = note_field(_("Note"), required=False)

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == "approve")


class NoteForm(forms.Form):
    note = note_field(_("Note"))


class OptionalNoteForm(forms.Form):
    note = note_field(_("Note"), required=False)


class BankReferenceForm(forms.Form):
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=64)


class TakeOutForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (LedgerEntry.Kind.COURT_FEE.value, LedgerEntry.Kind.COURT_FEE.label),
            (LedgerEntry.Kind.REFUNDED.value, LedgerEntry.Kind.REFUNDED.label),
        ],
    )
    amount = amount_field(_("Amount (yuan)"))
    note = note_field(_("Reason"))


class TransferForm(forms.Form):
    target = forms.CharField(label=_("To the case number"), max_length=64)
    amount = amount_field(_("Amount (yuan)"))
    note = note_field(_("Reason"))


# --- The finance desk -------------------------------------------------------------------------------------


class ClaimForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=64)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class ExportForm(forms.Form):
    payouts = TickedIdsField(
        unknown=_("Unknown payout."),
        label=_("Payouts"),
        error_messages={"required": _("Choose at least one approved payout.")},
    )


class StatementUploadForm(forms.Form):
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("Statement file (CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def __init__(self, *args: Any, courts: QuerySet[Court], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts  # type: ignore[attr-defined]
        # Set here, not on the class: the text is in the language of the request.
        self.fields["file"].help_text = _("The bank's statement export, at most %(size)s.") % {
            "size": filesizeformat(STATEMENT_MAX_BYTES)
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > STATEMENT_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; a statement may be at most %(limit)s. "
                    "Split it by date and upload the parts."
                )
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(STATEMENT_MAX_BYTES)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload
