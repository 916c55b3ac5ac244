"""The demo's searches and measures, through the custody services.

Every case whose story got that far has its online search sent to the usual institutions. Then, once,
on the two oldest quiet cases of the quick-enforcement judge (with few cases, of another judge, who
records the plan a complex case needs first): the bank's reply finds a deposit, frozen since the
preservation and expiring within 30 days, and the registry's a flat, sealed after another court's seal;
on the second, a freeze whose six-month term ran out unrenewed three days ago (flagged lapsed by the
command), and a detention the president approved on the last working day, whose family notice is still
to be recorded.
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.utils import timezone

from assignment.services import may_take_compulsory_measures, record_plan
from custody import services as custody
from custody.models import AssetKind, FoundAsset, InstitutionKind, Measure, SearchInquiry
from enforcement.models import Case, Court, Party

from .cases import Filed, last_step_at, quiet_cases
from .clock import Clock

SEARCHED_INSTITUTIONS = (
    custody.Institution(InstitutionKind.BANK, "中国工商银行乌海分行"),
    custody.Institution(InstitutionKind.REAL_ESTATE, "乌海市不动产登记中心"),
    custody.Institution(InstitutionKind.VEHICLES, "乌海市公安局交通管理支队"),
)
EXAMPLES_JUDGE = "judge"  # of the quick-enforcement team
FROZEN_DAYS_LEFT = 12  # the preserved deposit's freeze ends this many days after the seed
LAPSED_DAYS_AGO = 3  # the unrenewed freeze ended this many days before


def seed_searches(clock: Clock, filed: list[Filed], users: dict[str, User]) -> None:
    for item in filed:
        if item.story.searched is None:
            continue
        item.case.refresh_from_db()
        if item.case.responsible_judge is None:
            continue  # never assigned (every judge was full)
        with clock.at(item.story.searched):
            custody.request_search(
                actor=users[item.case.responsible_judge.username],
                case=item.case,
                requested_on=timezone.localdate(),
                institutions=SEARCHED_INSTITUTIONS,
            )


def seed_custody_examples(clock: Clock, court: Court, users: dict[str, User]) -> int:
    """The measures and the detention; only once: skipped if any measure exists. Returns the number of
    measures taken."""
    if Measure.objects.exists():
        return 0
    lapses_on = clock.today - datetime.timedelta(days=LAPSED_DAYS_AGO)
    latest = clock.latest_day(court)
    cases = [
        case
        for case in quiet_cases(court, clock.now)
        if next_working_day(clock, case) < min(lapses_on, latest)
    ]
    # The quick-enforcement judge's simple cases first: no plan is needed before their measures.
    cases.sort(key=lambda case: case.stream != Case.Stream.SIMPLE or judge_name(case) != EXAMPLES_JUDGE)
    if len(cases) < 2:
        return 0
    first, second = cases[:2]
    found_and_held(clock, first, users[judge_name(first)])  # the freeze nearing its end
    lapsed(clock, second, users[judge_name(second)], lapses_on)  # overdue
    detained(clock, second, users[judge_name(second)], users["president"])
    return 3


def judge_name(case: Case) -> str:
    return case.responsible_judge.username if case.responsible_judge is not None else ""


def next_working_day(clock: Clock, case: Case) -> datetime.date:
    """The working day after the last step on the case."""
    return clock.working_day_after(case.court, timezone.localdate(last_step_at(case)))


def plan_if_complex(clock: Clock, case: Case, judge: User, moment: datetime.datetime) -> None:
    """A complex case needs its risk assessment and plan before any compulsory measure."""
    if may_take_compulsory_measures(case):
        return
    with clock.at(moment):
        record_plan(
            actor=judge,
            case=case,
            risk_assessment="被执行人有转移财产迹象，存款及不动产需及时控制。",
            enforcement_plan="先行冻结查询到的存款，查封不动产，视履行情况依法采取惩戒措施。",
        )


def found_and_held(clock: Clock, case: Case, judge: User) -> None:
    """Two working days after the search the replies come in (a deposit, a flat, no vehicle), and the
    judge records the measures on them the same afternoon."""
    search = case.searches.order_by("id").first()
    if search is None:
        return
    searched_on = search.requested_on
    replied_on = min(clock.working_day_after(case.court, searched_on, 2), clock.latest_day(case.court))
    bank, registry, vehicles = search.inquiries.order_by("id")
    respondent = case.respondents()[0]
    with clock.at(clock.moment(replied_on, 30)):
        record_replies(judge, bank, registry, vehicles, respondent, replied_on)
    plan_if_complex(clock, case, judge, clock.moment(replied_on, 320))
    with clock.at(clock.moment(replied_on, 330)):
        freeze_found_deposit(clock, judge, case, bank.assets.get(), bank.institution)
        seal_found_flat(judge, case, registry.assets.get(), registry.institution)


def record_replies(
    judge: User,
    bank: SearchInquiry,
    registry: SearchInquiry,
    vehicles: SearchInquiry,
    owner: Party,
    replied_on: datetime.date,
) -> None:
    deposit = custody.AssetFound(
        AssetKind.DEPOSIT, "活期存款账户", "6222020603000123456", Decimal("48200.00"), owner
    )
    flat = custody.AssetFound(
        AssetKind.REAL_ESTATE,
        "海勃湾区新华街道住宅一套（128.5平方米）",
        "蒙（2021）乌海市不动产权第0012345号",
        Decimal("620000.00"),
        owner,
    )
    custody.record_reply(actor=judge, inquiry=bank, replied_on=replied_on, assets=[deposit])
    custody.record_reply(actor=judge, inquiry=registry, replied_on=replied_on, assets=[flat])
    custody.record_reply(actor=judge, inquiry=vehicles, replied_on=replied_on, note="名下无登记车辆")


def freeze_found_deposit(clock: Clock, judge: User, case: Case, found: FoundAsset, bank: str) -> None:
    """The deposit the bank found was frozen in the preservation a year ago: its term ends soon."""
    frozen_on = clock.today - relativedelta(years=1) + datetime.timedelta(days=FROZEN_DAYS_LEFT)
    data = custody.MeasureInput(
        kind=Measure.Kind.FREEZE_DEPOSIT,
        asset=found.description,
        asset_reference=found.reference,
        amount=found.amount,
        owner=found.owner,
        holder_kind=Measure.HolderKind.BANK,
        holder=bank,
        ruling_number=f"（{frozen_on.year}）蒙0302执保12号",
        effective_on=frozen_on,
        source=found,
    )
    custody.take_measure(actor=judge, case=case, data=data)


def seal_found_flat(judge: User, case: Case, found: FoundAsset, registry: str) -> None:
    """Sealed the day the registry replied, in line after another court's seal."""
    today = timezone.localdate()
    data = custody.MeasureInput(
        kind=Measure.Kind.SEAL_REAL_ESTATE,
        asset=found.description,
        asset_reference=found.reference,
        amount=found.amount,
        owner=found.owner,
        holder_kind=Measure.HolderKind.REGISTRY,
        holder=registry,
        ruling_number=f"（{today.year}）蒙0302执{case.seq}号之一",
        effective_on=today,
        rank=Measure.Rank.AFTER,
        preceded_by="乌海市乌达区人民法院（2025）蒙0304执88号",
        source=found,
    )
    custody.take_measure(actor=judge, case=case, data=data)


def lapsed(clock: Clock, case: Case, judge: User, lapses_on: datetime.date) -> None:
    """A six-month freeze from the preservation, recorded the working day after the search; nobody renewed
    it before it ended."""
    effective_on = lapses_on - relativedelta(months=6)
    recorded_on = next_working_day(clock, case)
    data = custody.MeasureInput(
        kind=Measure.Kind.FREEZE_DEPOSIT,
        asset="定期存款",
        asset_reference="6228480020001234567",
        amount=Decimal("15000.00"),
        holder_kind=Measure.HolderKind.BANK,
        holder="中国农业银行乌海分行",
        ruling_number=f"（{effective_on.year}）蒙0302执保7号",
        effective_on=effective_on,
        term_months=6,
    )
    plan_if_complex(clock, case, judge, clock.moment(recorded_on, 110))
    with clock.at(clock.moment(recorded_on, 120)):
        custody.take_measure(actor=judge, case=case, data=data)


def detained(clock: Clock, case: Case, judge: User, president: User) -> None:
    """Proposed on the last working day in the morning, approved (and taken into custody) that afternoon:
    the family must be told within 24 hours."""
    latest = clock.latest_day(case.court)
    respondent = case.respondents()[0]
    person = custody.PersonInput(
        name=respondent.legal_representative or respondent.name,
        reason="拒不报告财产，转移已查封的车辆",
        decision_number=f"（{latest.year}）蒙0302司惩{case.seq}号",
    )
    with clock.at(clock.moment(latest, 60)):
        detention = custody.propose_detention(actor=judge, case=case, person=person, days=15)
    with clock.at(clock.moment(latest, 300)):
        custody.decide_detention(actor=president, detention=detention, approve=True)
