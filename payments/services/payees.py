"""The applicants' payout accounts: from the locked first interview, or recorded by the judge."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.models import Case, Party

from .. import accountnumbers
from ..models import PayeeAccount
from ._common import _normalize_name, _require_case_worker


@dataclass(frozen=True)
class Payee:
    party: Party
    bank_name: str
    account_name: str
    account_number: str
    basis: str


def confirmed_payees(case: Case) -> dict[int, Payee]:
    """Applicants' payout accounts: recorded by the judge, or handed over by the locked first interview
    (``take_payee_from_interview``)."""
    return {
        recorded.party_id: Payee(
            recorded.party, recorded.bank_name, recorded.account_name, recorded.account_number, recorded.basis
        )
        for recorded in PayeeAccount.objects.filter(party__in=case.applicants()).select_related("party")
    }


INTERVIEW_BASIS = "初次接待笔录"  # stored in the court's language, as a judge writes a basis


def take_payee_from_interview(
    *, actor: User, case: Case, bank_name: str, account_name: str, account_number: str
) -> PayeeAccount | None:
    """The payout account the first interview confirmed, handed over when intake locks the record.

    It goes to the applicant it names (or the only applicant); an account the judge recorded already
    stays. Called inside intake's locking transaction, so the handover and the lock stand or fall
    together. None when the record names no account or no applicant it can go to.
    """
    if not account_number.strip():
        return None
    applicants = case.applicants()
    named = [p for p in applicants if _normalize_name(p.name) == _normalize_name(account_name)]
    party = named[0] if named else (applicants[0] if len(applicants) == 1 else None)
    if party is None or PayeeAccount.objects.filter(party=party).exists():
        return None
    payee = PayeeAccount(
        case=case,
        party=party,
        bank_name=bank_name.strip(),
        account_name=account_name.strip(),
        account_number=account_number.strip(),
        basis=INTERVIEW_BASIS,
        confirmed_by=actor,
    )
    payee._history_user = actor  # type: ignore[attr-defined]  # simple_history's per-save user
    payee.save()
    return payee


@transaction.atomic
def record_payee_account(
    *, actor: User, party: Party, bank_name: str, account_name: str, account_number: str, basis: str
) -> PayeeAccount:
    """The judge confirms an applicant's payout account (for an applicant the interview did not cover)."""
    case = party.case
    _require_case_worker(actor, case)
    if party.role != Party.Role.APPLICANT:
        raise ValidationError({"party": _("Payouts go to applicants only.")})
    account = PayeeAccount.objects.select_for_update().filter(party=party).first() or PayeeAccount(
        party=party
    )
    account.case, account.confirmed_by, account.confirmed_at = case, actor, timezone.now()
    account.bank_name, account.account_name = bank_name.strip(), account_name.strip()
    account.account_number = accountnumbers.normalize(account_number)
    account.basis = basis.strip()
    account.full_clean(
        exclude=["party", "case", "confirmed_by"]
    )  # before writing: bad input never reaches the DB
    account.save()
    return account
