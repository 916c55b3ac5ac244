"""Resumption (恢复执行): a case closed as 终本 is filed again as ``（YEAR）COURT执恢N号``.

On property found by a re-search of the 终本 pool, or on the applicant's request (RULES.md "After 终本"),
the window files a new case of type 执恢 in its own gapless sequence (the counter row of the court, 执恢
and the year, locked as for any filing). It carries the original's parties and title over, as filing
copies them from the application, and is linked to it both ways (``Case.resumed_from`` and its
``resumptions``). In the same transaction the original's remaining re-search rounds are cancelled.

Decisions
    - A new query code: only a keyed hash of the code is stored, and the hash covers the case number
      (``querycode.hash_query_code``), so the old code cannot open the new number without keeping it in
      clear. The new code is shown once, on the filed page, as at any filing; the old one still opens the
      old case, whose timeline says where enforcement went on.
    - A new sub-account (一案一账号): the resumed case gets its own, opened the way every new case's is
      (``payments.services.open_case_account``). ``CaseAccount`` is one per case, and the old account's
      ledger is the old case's money history: moving it would rewrite a closed case's accounts (and the
      money-recovered rate counted on it). The old case closed with nothing in its account (closing is
      refused otherwise); anything paid into the old sub-account later lands on the old case, where
      finance transfers it (``payments.services.transfer``). Each case's page links the other's money.
    - The new case is received today and awaits triage and assignment like any filed case; its first
      interview (and the applicant's payout account) is recorded for it afresh.

Lock order: the original case row, then the number counter (as filing: the counter last).
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assignment.models import PoolRound
from assignment.pool import end_pool
from enforcement import access, querycode
from enforcement.models import Case, CaseEvent, CaseType, Party
from enforcement.notify import in_pool
from enforcement.services.events import record_event
from payments.services import open_case_account

from . import event_texts
from .casenumbers import allocate_case_number
from .models import Resumption
from .services import FiledCase, open_filing_deadlines

RESUMED = "执恢"
MAX_NOTE = 2000
# The fields of the title and the claim a resumed case carries over, as filing writes them.
CARRIED_FIELDS = (
    "title_court_name",
    "title_case_number",
    "title_case_number_key",
    "title_kind",
    "title_effective_date",
    "claim_kind",
    "claim_amount",
    "claim_description",
    "preservation_in_place",
    "preservation_amount",
    "preservation_detail",
)
PARTY_FIELDS = (
    "role",
    "position",
    "kind",
    "name",
    "id_type",
    "id_number",
    "id_warning_override",
    "phone",
    "address",
    "legal_representative",
    "agent_name",
    "agent_phone",
)


@dataclass(frozen=True)
class ResumptionInput:
    reason: str
    note: str = ""
    pool_round: int | None = None  # the round that found property (reason property_found)


def _check(actor: User, case: Case, given: ResumptionInput) -> tuple[str, int | None]:
    access.require(
        access.resumes_case(actor, case),
        _("Only the court's window clerks, the case's judges and the pool's keepers resume a case."),
    )
    if given.reason not in Resumption.Reason.values:
        raise ValidationError({"reason": _("Choose why enforcement resumes.")})
    note = given.note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("Keep it under %(count)d characters.") % {"count": MAX_NOTE}})
    if given.reason != Resumption.Reason.PROPERTY_FOUND:
        return note, None
    found = given.pool_round is not None and (
        PoolRound.objects.filter(case=case, number=given.pool_round, outcome=PoolRound.Outcome.FOUND).exists()
    )
    if not found:
        raise ValidationError({"pool_round": _("Choose the re-search round that found property.")})
    return note, given.pool_round


@transaction.atomic
def resume_case(*, actor: User, case: Case, resumption: ResumptionInput) -> FiledCase:
    """File the 终本 case ``case`` again as 执恢: numbered, linked both ways, parties and title carried over,
    its own account and clocks opened, the original's re-search clocks cancelled, both timelines told."""
    note, pool_round = _check(actor, case, resumption)
    # The original's row is the lock: two people resuming it at once file one case, not two.
    original = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)
    if not in_pool(original):
        raise ValidationError(_("Only a case closed as 终本 and not resumed yet can be resumed."))
    received_on = timezone.localdate()
    case_type = CaseType.objects.get(code=RESUMED)
    seq, number = allocate_case_number(court=original.court, case_type=case_type, year=received_on.year)
    code = querycode.new_query_code()
    now = timezone.now()
    resumed = Case.objects.create(
        court=original.court,
        case_type=case_type,
        year=received_on.year,
        seq=seq,
        number=number,
        received_on=received_on,
        filed_at=now,
        filed_by=actor,
        resumed_from=original,
        query_code_hash=querycode.hash_query_code(case_number=number, code=code),
        query_code_issued_at=now,
        **{name: getattr(original, name) for name in CARRIED_FIELDS},
    )
    parties = original.parties.order_by("role", "position", "pk")
    bulk_create_with_history(
        [Party(case=resumed, **{name: getattr(p, name) for name in PARTY_FIELDS}) for p in parties], Party
    )
    Resumption.objects.create(
        case=resumed,
        original=original,
        reason=resumption.reason,
        pool_round=pool_round,
        note=note,
        filed_by=actor,
    )
    _tell_both(actor, original, resumed, resumption.reason, pool_round)
    open_filing_deadlines(resumed, actor)
    end_pool(actor=actor, case=original)
    open_case_account(resumed)  # 一案一账号: its own sub-account, as every new case
    return FiledCase(case=resumed, query_code=code)


def _tell_both(actor: User, original: Case, resumed: Case, reason: str, pool_round: int | None) -> None:
    data = {"reason": reason, "pool_round": pool_round}
    record_event(
        case=resumed,
        kind=CaseEvent.Kind.CASE_FILED,
        actor=actor,
        public=True,
        text_code=event_texts.RESUMES,
        text_params={"number": original.number},
        data={"number": resumed.number, "resumed_from": original.number, **data},
    )
    record_event(
        case=original,
        kind=CaseEvent.Kind.CASE_RESUMED,
        actor=actor,
        public=True,
        text_code=event_texts.RESUMED_AS,
        text_params={"number": resumed.number},
        data={"resumed_as": resumed.number, "case": resumed.pk, **data},
    )
