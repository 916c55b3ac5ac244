"""The case's sub-account: opened at filing, and locked first by every write of the case's money."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from enforcement.models import Case

from .. import accountnumbers
from ..models import CaseAccount, CourtAccount

logger = logging.getLogger(__name__)


def open_case_account(case: Case) -> CaseAccount | None:
    """The case's sub-account, opened now if the court's enforcement account is set up.

    Called when a case is filed. A court without an enforcement account yet gets its cases' accounts
    on first use once it has one; filing never fails for want of it.
    """
    existing = CaseAccount.objects.filter(case=case).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        court_account = CourtAccount.objects.select_for_update().filter(court_id=case.court_id).first()
        if court_account is None:
            logger.warning(
                "court %s has no enforcement account: case %s opened without one", case.court_id, case
            )
            return None
        existing = CaseAccount.objects.filter(case=case).first()
        if existing is not None:
            return existing
        # A plain UPDATE under the lock: the counter is not an edit anyone should see in the history.
        CourtAccount.objects.filter(pk=court_account.pk).update(
            last_sub_account_seq=F("last_sub_account_seq") + 1
        )
        court_account.refresh_from_db(fields=["last_sub_account_seq"])
        number = accountnumbers.sub_account_number(
            court_account.sub_account_prefix, court_account.last_sub_account_seq
        )
        return CaseAccount.objects.create(case=case, court_account=court_account, number=number)


def _account_of(case: Case) -> CaseAccount:
    account = open_case_account(case)
    if account is None:
        raise ValidationError(_("The court's enforcement account is not set up yet; ask the administrator."))
    return account


def _lock_account(case: Case) -> CaseAccount:
    account = _account_of(case)
    # of=self: lock the account row only, not the case and court rows the join brings along.
    return (
        CaseAccount.objects.select_for_update(of=("self",)).select_related("case__court").get(pk=account.pk)
    )
