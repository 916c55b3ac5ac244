"""What each demo case is about: the parties, the title of enforcement, the claim, the materials, and what
the window records after filing (notices, the first interview, property leads).

A draft has no date of its own: the day its application comes in is the story's (``stories``), and the
title's dates are counted back from it. Drafts come from ``random.Random(SEED)`` alone, so the cases are
the same whatever the day of the run.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from enforcement.models import Case, Court, PropertyKind
from intake.models import FirstInterview, NoticeDelivery, ReceivedMaterial, RiskKind
from intake.services import NO_RISKS, ApplicationInput, LeadInput, PartyInput, Risks

from .material import (
    BANKS,
    COMPANIES,
    DISTRICT_NAMES,
    SEED,
    applicant,
    mobile,
    parties,
    place,
    plate,
    respondent,
)
from .org import BASIC_COURTS, INTERMEDIATE

MONEY_CAUSES = (
    "给付借款本金及利息",
    "支付货款及逾期付款利息",
    "支付工程款",
    "支付劳动报酬",
    "赔偿损失",
    "返还借款",
    "支付租金及违约金",
    "支付运输费",
    "支付车辆维修费",
)
ACT_CLAIMS = (
    "腾退位于乌海市{district}{street}{n}号的房屋",
    "拆除在乌海市{district}{street}{n}号院内搭建的彩钢房",
    "协助办理乌海市{district}{street}{n}号房屋的过户登记手续",
)
PROPERTY_CLAIMS = (
    "交付车辆 {plate}（白色丰田凯美瑞）",
    "返还车辆 {plate}（黑色大众帕萨特）",
    "交付三一SY215C挖掘机一台",
    "返还装载机一台（柳工CLG856H）",
)
TITLE_KINDS = (
    Case.TitleKind.JUDGMENT,
    Case.TitleKind.MEDIATION,
    Case.TitleKind.ARBITRATION,
    Case.TitleKind.NOTARIAL,
    Case.TitleKind.PAYMENT_ORDER,
    Case.TitleKind.RULING,
)

WILLINGNESS_DETAIL = {
    FirstInterview.Willingness.PAY_IN_FULL: "被执行人电话中表示愿意在一个月内一次性履行。",
    FirstInterview.Willingness.NEGOTIATE: "被执行人表示经营困难，希望分期履行，申请人同意协商。",
    FirstInterview.Willingness.REFUSES: "被执行人明确表示不履行，称对判决不服。",
    FirstInterview.Willingness.UNREACHABLE: "被执行人电话无人接听，住所地无人。",
    FirstInterview.Willingness.UNKNOWN: "",
}
# Risks by kind, as the clerk ticks them (the last: none ticked, no risk).
RISKS = (
    Risks(kinds=(RiskKind.MOVING_PROPERTY,)),
    Risks(kinds=(RiskKind.WHEREABOUTS_UNKNOWN,)),
    Risks(kinds=(RiskKind.MANY_CREDITORS,)),
    NO_RISKS,
)
LEAD_TEMPLATES: dict[str, tuple[str, ...]] = {
    PropertyKind.BANK_ACCOUNT: ("被执行人在{bank}开有账户，尾号{digits4}",),
    PropertyKind.REAL_ESTATE: ("乌海市{district}{street}{n}号住宅一套，登记在被执行人名下",),
    PropertyKind.VEHICLE: ("被执行人名下车辆 {plate}",),
    PropertyKind.WAGES: ("被执行人在{company}工作，月工资约{wage}元",),
    PropertyKind.EQUITY: ("被执行人持有{company} {share}% 股权",),
}


@dataclass(frozen=True)
class Title:
    """The title of enforcement, its dates relative to the day the application comes in."""

    kind: str
    court_name: str
    number: str  # "{year}": the year the title's own case was opened
    days_before_receipt: int  # how long before the application the title took effect
    opened_the_year_before: bool  # a judgment often takes effect the year after its case was opened

    def effective_on(self, received_on: datetime.date) -> datetime.date:
        return received_on - datetime.timedelta(days=self.days_before_receipt)

    def case_number(self, received_on: datetime.date) -> str:
        year = self.effective_on(received_on).year - self.opened_the_year_before
        return self.number.format(year=year)


@dataclass(frozen=True)
class DemoCase:
    """One case to file, and what happens at the window after filing."""

    court: Court
    applicants: tuple[PartyInput, ...]
    respondents: tuple[PartyInput, ...]
    title: Title
    claim_kind: str
    claim_amount: Decimal | None
    claim_description: str
    preservation_amount: Decimal | None
    preservation_detail: str
    materials: tuple[str, ...]
    interview: dict[str, object] | None = None
    risks: Risks = NO_RISKS
    leads: tuple[LeadInput, ...] = ()
    lock_interview: bool = False
    notices: tuple[tuple[str, str, bool], ...] = ()  # (notice kind, method, acknowledged), to each applicant

    @property
    def is_non_litigation(self) -> bool:
        return self.title.kind in Case.NON_LITIGATION_TITLES

    def application(self, received_on: datetime.date) -> ApplicationInput:
        return ApplicationInput(
            court=self.court,
            applicants=self.applicants,
            respondents=self.respondents,
            title_court_name=self.title.court_name,
            title_case_number=self.title.case_number(received_on),
            title_effective_date=self.title.effective_on(received_on),
            title_kind=self.title.kind,
            claim_kind=self.claim_kind,
            claim_amount=self.claim_amount,
            claim_description=self.claim_description,
            preservation_in_place=bool(self.preservation_detail),
            preservation_amount=self.preservation_amount,
            preservation_detail=self.preservation_detail,
            materials=self.materials,
            received_on=received_on,
        )


def draft_cases(courts: dict[str, Court], count: int) -> list[DemoCase]:
    rng = random.Random(SEED)
    return [draft_case(rng, courts, index) for index in range(count)]


def draft_case(rng: random.Random, courts: dict[str, Court], index: int) -> DemoCase:
    # The other two courts have only their window in the demo: few cases, the last days' (see stories).
    court = courts[rng.choices(BASIC_COURTS, weights=(8, 1, 1))[0]]
    claim_kind = rng.choices(list(Case.ClaimKind), weights=(80, 10, 10))[0]
    title_kind = (
        rng.choices(TITLE_KINDS, weights=(50, 26, 8, 8, 5, 3))[0]
        if claim_kind == Case.ClaimKind.MONEY
        else Case.TitleKind.JUDGMENT
    )
    amount = money_amount(rng) if claim_kind == Case.ClaimKind.MONEY else None
    taken: set[str] = set()
    applicants = parties(rng, applicant, rng.choices((1, 2), weights=(4, 1))[0], taken)
    respondents = parties(rng, respondent, rng.choices((1, 2), weights=(3, 2))[0], taken)
    preserved = rng.random() < 0.15
    interview = rng.random() < 0.5
    return DemoCase(
        court=court,
        applicants=tuple(applicants),
        respondents=tuple(respondents),
        title=title_of(rng, court, title_kind, index),
        claim_kind=claim_kind,
        claim_amount=amount,
        claim_description=claim_description(rng, claim_kind),
        preservation_amount=preserved_amount(rng, amount) if preserved else None,
        preservation_detail=preservation_detail(rng, amount) if preserved else "",
        materials=tuple(materials(rng, title_kind, applicants, preserved)),
        interview=interview_values(rng, applicants[0]) if interview else None,
        risks=rng.choice(RISKS) if interview else NO_RISKS,
        leads=tuple(lead(rng) for _ in range(rng.randint(0, 3))) if interview else (),
        lock_interview=interview and rng.random() < 0.4,
        notices=notices(rng),
    )


def title_of(rng: random.Random, court: Court, kind: str, index: int) -> Title:
    """The issuing body and the title's case number; ``index`` makes the number unique among demo cases."""
    days_before, year_before = rng.randint(15, 400), rng.random() < 0.3
    n = 1000 + index * 37 + rng.randrange(30)
    if kind == Case.TitleKind.JUDGMENT and rng.random() < 0.15:  # upheld on appeal
        issuer, number = "乌海市中级人民法院", f"（{{year}}）{INTERMEDIATE}民终{n}号"
    elif kind == Case.TitleKind.ARBITRATION:
        issuer, number = "乌海仲裁委员会", f"（{{year}}）乌仲裁字第{n}号"
    elif kind == Case.TitleKind.NOTARIAL:
        issuer, number = "内蒙古自治区乌海市海勃湾公证处", f"（{{year}}）内乌海证经字第{n}号"
    else:
        procedures: dict[str, str] = {Case.TitleKind.PAYMENT_ORDER: "民督", Case.TitleKind.RULING: "民特"}
        issuer, number = court.name, f"（{{year}}）{court.code}{procedures.get(kind, '民初')}{n}号"
    return Title(kind, issuer, number, days_before, year_before)


def money_amount(rng: random.Random) -> Decimal:
    """Yuan with two places, from whole cents: a third small claims, most mid-sized, a few large."""
    low, high = rng.choices(((3_000, 50_000), (50_000, 500_000), (500_000, 2_000_000)), weights=(35, 50, 15))[
        0
    ]
    cents = rng.randrange(low * 100, high * 100)
    if rng.random() < 0.5:
        cents -= cents % 10_000  # many claims are whole hundreds of yuan
    return cents_to_yuan(max(cents, low * 100))


def cents_to_yuan(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2).quantize(Decimal("0.01"))


def preserved_amount(rng: random.Random, claim: Decimal | None) -> Decimal | None:
    if claim is None:
        return None
    share = rng.choice((25, 50, 80, 100))
    return cents_to_yuan(max(int(claim * 100) * share // 100, 1))


def preservation_detail(rng: random.Random, claim: Decimal | None) -> str:
    if claim is not None and rng.random() < 0.6:
        return f"诉讼中已冻结被执行人在{rng.choice(BANKS)}的存款"
    return f"诉讼中已查封被执行人名下位于乌海市{rng.choice(list(DISTRICT_NAMES.values()))}的房产一套"


def claim_description(rng: random.Random, claim_kind: str) -> str:
    if claim_kind == Case.ClaimKind.MONEY:
        return rng.choice(MONEY_CAUSES)
    template = rng.choice(ACT_CLAIMS if claim_kind == Case.ClaimKind.ACT else PROPERTY_CLAIMS)
    return template.format(**place(rng), plate=plate(rng))


def materials(
    rng: random.Random, title_kind: str, applicants: Sequence[PartyInput], preserved: bool
) -> list[str]:
    """The checklist a clerk ticks: the basics always, the rest when they apply (and sometimes missing)."""
    kinds: list[str] = [
        ReceivedMaterial.Kind.APPLICATION,
        ReceivedMaterial.Kind.TITLE_COPY,
        ReceivedMaterial.Kind.APPLICANT_ID,
    ]
    if title_kind in (Case.TitleKind.JUDGMENT, Case.TitleKind.MEDIATION) and rng.random() < 0.9:
        kinds.append(ReceivedMaterial.Kind.EFFECTIVENESS)
    if any(p.agent_name for p in applicants):
        kinds.append(ReceivedMaterial.Kind.AUTHORISATION)
    if rng.random() < 0.8:
        kinds.append(ReceivedMaterial.Kind.RESPONDENT_INFO)
    if rng.random() < 0.3:
        kinds.append(ReceivedMaterial.Kind.PROPERTY_LEADS)
    if preserved:
        kinds.append(ReceivedMaterial.Kind.PRESERVATION)
    return kinds


# --- The window's follow-up -------------------------------------------------------------------------------


def notices(rng: random.Random) -> tuple[tuple[str, str, bool], ...]:
    """Most cases have had both notices handed over; a few were posted and are not yet acknowledged."""
    if rng.random() < 0.3:
        return ()
    method = rng.choices(list(NoticeDelivery.Method), weights=(7, 2, 1))[0]
    acknowledged = method == NoticeDelivery.Method.IN_PERSON or rng.random() < 0.5
    return tuple((kind, method, acknowledged) for kind in NoticeDelivery.Kind)


def interview_values(rng: random.Random, payee: PartyInput) -> dict[str, object]:
    willingness = rng.choices(list(FirstInterview.Willingness), weights=(2, 2, 3, 3, 2))[0]
    return {
        "place": rng.choice(("执行事务中心一楼接待室", "执行事务中心二号接待室")),
        "attendees": f"申请人{payee.name}" + (f"、委托代理人{payee.agent_name}" if payee.agent_name else ""),
        "debtor_contacts": f"被执行人电话 {mobile(rng)}",
        "debtor_whereabouts": rng.choice(("住所地", "在外地务工", "下落不明", "经营场所正常营业")),
        "willingness": willingness,
        "willingness_detail": WILLINGNESS_DETAIL[willingness],
        "payout_bank_name": rng.choice(BANKS),
        "payout_account_name": payee.name,
        "payout_account_number": "62" + "".join(str(rng.randrange(10)) for _ in range(17)),
    }


def lead(rng: random.Random) -> LeadInput:
    kind = rng.choice(list(LEAD_TEMPLATES))
    detail = rng.choice(LEAD_TEMPLATES[kind]).format(
        **place(rng),
        bank=rng.choice(BANKS),
        digits4=f"{rng.randrange(10_000):04d}",
        plate=plate(rng),
        company=rng.choice(COMPANIES)[0],
        wage=rng.choice((3500, 4800, 6000, 7500)),
        share=rng.choice((10, 30, 51)),
    )
    return LeadInput(kind=kind, detail=detail)
