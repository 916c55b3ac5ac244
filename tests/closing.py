"""Helpers of tests that close a case: first leave nothing on it that a closure may not strand."""

from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone

from enforcement.models import Case, Party
from enforcement.services import closure_review
from payments import services as money
from payments.models import CaseAccount, LedgerEntry, Payout
from tests.factories import UserFactory


def finance_of(case: Case) -> User:
    return cast(User, UserFactory(username=f"finance-of-{case.pk}", roles=["finance"], courts=[case.court]))


def settle_money(case: Case) -> None:
    """Withdraw the payouts not yet sent to the bank and refund what is left in the case account, as
    finance would before the case closes."""
    for payout in Payout.objects.filter(
        case=case, status__in=[Payout.Status.PROPOSED, Payout.Status.APPROVED]
    ):
        money.cancel_payout(actor=payout.proposed_by, payout=payout, note="结案前撤回")
    account = CaseAccount.objects.filter(case=case).first()
    if account is not None and account.balance > 0:
        money.take_out(
            actor=finance_of(case),
            case=case,
            kind=LedgerEntry.Kind.REFUNDED,
            amount=account.balance,
            note="结案前退还被执行人",
        )


# --- 终本: its conditions, its proposal and its review --------------------------------------------------

TERMINATE_ROUND = Case.Closure.TERMINATED_THIS_ROUND
RULING = "（2026）蒙0302执8100号之一"
# The conditions custody checks from its records (the restriction, the online search); the others are met
# by the core's records (the steps, the interview) or by recorded evidence, the listing included (its row
# accepts evidence: a listing would open its own term clock, which most tests do not want).
RECORD_CHECKED = frozenset({"consumption_restricted", "online_search_answered"})


def court_persona(case: Case, role: str) -> User:
    """The one holder of ``role`` in the case's court these helpers act as, made on first use."""
    username = f"{role}-of-{case.court.code}"
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return cast(User, UserFactory(username=username, roles=[role], courts=[case.court]))


def president_of(case: Case) -> User:
    return court_persona(case, "president")


def interview_applicant(case: Case, judge: User) -> None:
    closure_review.record_interview(
        actor=judge,
        case=case,
        applicant_name=case.applicants()[0].name,
        interviewed_on=timezone.localdate(),
        measures_told="网络查控两次，冻结银行账户一个（余额为零），限制消费。",
        property_told="未发现可供执行的财产。",
        consequences_told="终结本次执行后每六个月网络查控一次；发现财产可申请恢复执行。",
        applicant_view="同意终结本次执行程序。",
    )


def record_evidence_of(case: Case, judge: User, kind: str) -> None:
    closure_review.record_evidence(actor=judge, case=case, kind=kind, note=f"{kind}：已依法处理并记录在卷。")


def meet_terminate_round_conditions(case: Case, judge: User, *, skip: frozenset[str] = frozenset()) -> None:
    """Meet every condition of 终本 but those in ``skip``, through the services, as the judge would."""
    from assignment.services import Step, record_step

    if "notice_and_order_served" not in skip:
        record_step(actor=judge, case=case, step=Step.NOTICE_SERVED)
        record_step(actor=judge, case=case, step=Step.REPORT_ORDER_SERVED)
    if "leads_answered" not in skip:
        record_step(actor=judge, case=case, step=Step.LEADS_REQUESTED)
    for requirement in closure_review.evidence_kinds(case):
        if requirement.kind not in skip:
            record_evidence_of(case, judge, requirement.kind)
    if "applicant_interviewed" not in skip:
        interview_applicant(case, judge)
    meet_app_conditions(case, judge, skip=skip)


def meet_app_conditions(case: Case, judge: User, *, skip: frozenset[str] = frozenset()) -> None:
    """The online search made and answered, the consumption restriction issued on each respondent."""
    from custody import services as custody

    today = timezone.localdate()
    if "online_search_answered" not in skip:
        search = custody.request_search(
            actor=judge,
            case=case,
            requested_on=today,
            institutions=[custody.Institution("bank", "中国银行乌海分行")],
        )
        for inquiry in search.inquiries.all():
            custody.record_reply(actor=judge, inquiry=inquiry, replied_on=today, note="无存款")
    if "consumption_restricted" not in skip:
        from assignment import services as assignment

        if not assignment.may_take_compulsory_measures(Case.objects.get(pk=case.pk)):  # complex: plan first
            assignment.record_plan(
                actor=judge, case=case, risk_assessment="无重大风险", enforcement_plan="限制消费"
            )
        for respondent in case.respondents():
            persons = []
            if respondent.kind == Party.Kind.ORGANISATION:  # the order binds its legal representative too
                name = respondent.legal_representative or "法定代表人"
                persons = [custody.BoundPerson(name, "legal_representative")]
            restriction = custody.propose_restriction(
                actor=judge,
                case=case,
                party=respondent,
                ruling_number=f"{RULING}限",
                reason="未按执行通知履行",
                persons=persons,
            )
            custody.decide_restriction(actor=president_of(case), restriction=restriction, approve=True)


def terminate_round(case: Case, judge: User, reviewer: User, *, confirm_steps: bool = True) -> Case:
    """Propose 终本 as the judge and approve it as the reviewer: the case closes."""
    proposal = closure_review.propose_closure(
        actor=judge, case=case, closure_mode=TERMINATE_ROUND, ruling_number=RULING
    )
    return closure_review.approve_closure(actor=reviewer, proposal=proposal, confirm_steps=confirm_steps)
