"""Helpers of the indicator tests: cases closed on given days, their case limits, petitions, money."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from enforcement.models import Case, ClosureInterview, ClosureProposal, Court, Deadline, Deduction, Petition
from enforcement.services.deadlines import open_deadline
from tests.factories import CaseFactory

_accounts = itertools.count(1)


def at(day: str, hour: int = 10) -> datetime.datetime:
    """An aware time in Beijing on an ISO day."""
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))


def closed_case(
    court: Court,
    *,
    filed: str,
    closed: str | None,
    closure: str = Case.Closure.PERFORMED,
    claim: str = "10000.00",
    **kwargs: object,
) -> Case:
    case: Case = CaseFactory(  # type: ignore[assignment]
        court=court, filed_at=at(filed), claim_amount=Decimal(claim), **kwargs
    )
    if closed is not None:
        Case.objects.filter(pk=case.pk).update(
            status=Case.Status.CLOSED, closed_at=at(closed), closure=closure
        )
        case.refresh_from_db()
    return case


def case_limit(case: Case, *, due: str, met: str | None, status: str = Deadline.Status.MET) -> Deadline:
    """The case's 6-month limit, its last day set by hand (the engine's arithmetic is tested elsewhere)."""
    deadline = open_deadline(case=case, code="case_limit", anchor_at=case.filed_at)
    Deadline.objects.filter(pk=deadline.pk).update(
        due_at=at(due, 0), status=status, closed_at=at(met) if met else None
    )
    deadline.refresh_from_db()
    return deadline


def deduct(deadline: Deadline, approver: User, start: str, end: str) -> Deduction:
    return Deduction.objects.create(
        deadline=deadline,
        kind=Deduction.Kind.APPRAISAL,
        start_date=datetime.date.fromisoformat(start),
        end_date=datetime.date.fromisoformat(end),
        reason="评估",
        approved_by=approver,
    )


def reviewed_zhongben(case: Case, judge: User, reviewer: User, *, interviewed: bool = True) -> None:
    ClosureProposal.objects.create(
        case=case,
        closure=Case.Closure.TERMINATED_THIS_ROUND,
        status=ClosureProposal.Status.APPROVED,
        proposed_by=judge,
        decided_by=reviewer,
        decided_at=case.closed_at,
    )
    if interviewed:
        ClosureInterview.objects.create(
            case=case,
            closure=Case.Closure.TERMINATED_THIS_ROUND,
            applicant_name="申请人",
            interviewed_on=case.closed_at.date() if case.closed_at else datetime.date(2026, 1, 1),
            measures_told="查控",
            property_told="无",
            consequences_told="终本",
            applicant_view="同意",
            recorded_by=judge,
        )


def petition(case: Case, *, received: str, closed: str | None = None, by: User | None = None) -> Petition:
    return Petition.objects.create(
        case=case,
        court=case.court,
        received_at=at(received),
        channel=Petition.Channel.VISIT,
        summary="催促执行",
        closed_at=at(closed) if closed else None,
        closed_by=by if closed else None,
        outcome="已答复" if closed else "",
    )


def account_of(case: Case):  # type: ignore[no-untyped-def]
    from payments.models import CaseAccount
    from tests.factories import CourtAccountFactory

    court_account = CourtAccountFactory(court=case.court)
    return CaseAccount.objects.create(
        case=case, court_account=court_account, number=f"IND{next(_accounts):08d}"
    )


def ledger(account, kind: str, amount: str, booked: str, *, reverses=None):  # type: ignore[no-untyped-def]
    from payments.models import LedgerEntry

    value = Decimal(amount)
    account.balance += value
    account.save(update_fields=["balance"])
    return LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=value,
        balance_after=account.balance,
        booked_at=at(booked),
        reverses=reverses,
    )


def allocate(debit, credit, amount: str) -> None:  # type: ignore[no-untyped-def]
    from payments.models import Allocation

    Allocation.objects.create(debit=debit, credit=credit, amount=Decimal(amount))
