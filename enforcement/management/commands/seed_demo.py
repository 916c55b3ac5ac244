"""``manage.py seed_demo``: demo data for ``make run`` — the courts of 乌海市, their teams, one login per
role, about fifty cases filed through the intake services, and some case money (each court's enforcement
account, money received, payouts at each step, an unmatched payment and a reconciled bank statement).

The command is idempotent: courts, teams, users and memberships are created or brought back to their
demo values, cases are filed only when no demo case exists yet, and money seeded only when no demo
money exists. Cases go through ``file_case`` and the other intake services, money through the payments
services, so numbers, query codes, ledgers and timeline events are exactly what real use makes.
Everything random comes from ``random.Random(2026)``, so every fresh database gets the same cases, with
dates counted back from the day of the run (only the query codes differ: they come from ``secrets``).
"""

import csv
import datetime
import io
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.utils import timezone, translation

from assignment.models import Assignment
from assignment.services import ON_ASSIGNMENT, assign_case
from custody import services as custody
from custody.models import AssetKind, InstitutionKind, Measure
from custody.services import flag_lapsed_measures
from enforcement import querycode, roles
from enforcement.models import (
    Case,
    CaseEvent,
    Court,
    CourtMembership,
    Party,
    PropertyKind,
    StaffProfile,
    Team,
    TeamKind,
    TeamMembership,
)
from enforcement.scan import scan_deadlines
from enforcement.services.deadlines import recompute
from intake import identity
from intake.models import FirstInterview, NoticeDelivery, ReceivedMaterial, RiskKind
from intake.services import (
    NO_RISKS,
    ApplicationInput,
    LeadInput,
    PartyInput,
    Risks,
    file_case,
    lock_first_interview,
    record_notice_delivery,
    save_first_interview,
)
from payments import services as money
from payments.models import BankTransaction, CourtAccount, Payout
from payments.reconciliation import reconcile
from payments.statements import import_statement
from portal.models import AppointmentSlot

DEMO_PASSWORD = "demo1234"  # noqa: S105 - printed on purpose: these are the demo logins
SEED = 2026
DEFAULT_CASES = 50

M = TypeVar("M", bound=models.Model)


# --- Courts and teams -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourtSpec:
    code: str
    name: str
    level: str
    division_code: str
    service_phone: str
    address: str
    parent: str | None = None
    team_phone_stem: str = ""  # team i gets the stem plus its digit, e.g. 0473-202216 + 1


INTERMEDIATE = "蒙03"
COURTS: tuple[CourtSpec, ...] = (
    CourtSpec(
        INTERMEDIATE,
        "乌海市中级人民法院",
        Court.Level.INTERMEDIATE,
        "150300",
        "0473-3982110",
        "内蒙古自治区乌海市海勃湾区黄河东街16号",
    ),
    CourtSpec(
        "蒙0302",
        "乌海市海勃湾区人民法院",
        Court.Level.BASIC,
        "150302",
        "0473-2022148",
        "内蒙古自治区乌海市海勃湾区新华西街28号",
        INTERMEDIATE,
        "0473-202216",
    ),
    CourtSpec(
        "蒙0303",
        "乌海市海南区人民法院",
        Court.Level.BASIC,
        "150303",
        "0473-4012365",
        "内蒙古自治区乌海市海南区人民路9号",
        INTERMEDIATE,
        "0473-401238",
    ),
    CourtSpec(
        "蒙0304",
        "乌海市乌达区人民法院",
        Court.Level.BASIC,
        "150304",
        "0473-2121600",
        "内蒙古自治区乌海市乌达区团结路12号",
        INTERMEDIATE,
        "0473-212162",
    ),
)
BASIC_COURTS = tuple(c.code for c in COURTS if c.level == Court.Level.BASIC)

# (team kind code from assignment/migrations/0002_team_kinds.py, team name): the same in every basic court.
TEAMS: tuple[tuple[str, str], ...] = (
    ("affairs", "事务团队"),
    ("quick", "速执团队"),
    ("ordinary", "普执一团队"),
    ("difficult", "疑难强制团队"),
)


# --- Demo users -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    last_name: str
    first_name: str
    courts: tuple[str, ...]  # the first one is the primary court
    teams: tuple[tuple[str, str, str], ...] = ()  # (court code, team name, TeamMembership.Role)
    is_admin: bool = False


L, J, A, C = (
    TeamMembership.Role.LEAD,
    TeamMembership.Role.JUDGE,
    TeamMembership.Role.ASSISTANT,
    TeamMembership.Role.CLERK,
)
DEMO_USERS: tuple[UserSpec, ...] = (
    # The clerk also belongs to 蒙0303, so the demo shows a clerk choosing the court at filing.
    UserSpec("clerk", roles.CLERK, "王", "芳", ("蒙0302", "蒙0303"), (("蒙0302", "事务团队", C),)),
    UserSpec("clerk2", roles.CLERK, "高", "娜", ("蒙0304",), (("蒙0304", "事务团队", C),)),
    UserSpec("judge", roles.JUDGE, "李", "明", ("蒙0302",), (("蒙0302", "速执团队", J),)),
    UserSpec("judge2", roles.JUDGE, "孙", "浩", ("蒙0302",), (("蒙0302", "普执一团队", J),)),
    UserSpec("judge3", roles.JUDGE, "马", "丽", ("蒙0302",), (("蒙0302", "疑难强制团队", J),)),
    UserSpec("assistant", roles.ASSISTANT, "张", "丽", ("蒙0302",), (("蒙0302", "速执团队", A),)),
    UserSpec(
        "teamlead",
        roles.TEAM_LEAD,
        "刘",
        "强",
        ("蒙0302",),
        (("蒙0302", "速执团队", L), ("蒙0302", "普执一团队", J)),
    ),
    UserSpec("supervisor", roles.SUPERVISOR, "陈", "静", ("蒙0302",)),
    UserSpec("president", roles.PRESIDENT, "韩", "东", ("蒙0302",)),
    UserSpec("finance", roles.FINANCE, "赵", "敏", ("蒙0302",)),
    UserSpec("admin", roles.ADMINISTRATOR, "周", "涛", ("蒙0302",), is_admin=True),
)
# Who files and interviews at each basic court's window.
CLERK_OF_COURT = {"蒙0302": "clerk", "蒙0303": "clerk", "蒙0304": "clerk2"}

# --- Material for the cases -------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴马孙郭高林何罗郑梁谢宋唐韩冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN_NAMES = (
    "建国",
    "秀英",
    "伟",
    "洋",
    "静",
    "帆",
    "磊",
    "敏",
    "杰",
    "霞",
    "超",
    "丽",
    "海燕",
    "志强",
    "桂兰",
    "文博",
    "玉梅",
    "建华",
    "俊杰",
    "淑珍",
    "晓东",
    "红梅",
    "宏伟",
    "春生",
    "丽娟",
    "永刚",
    "雪梅",
    "鹏",
    "海军",
    "慧敏",
    "国庆",
    "金花",
    "亮",
    "婷",
    "晨阳",
    "宝山",
    "凤英",
    "子豪",
    "欣怡",
    "立新",
)
# (name, division code of the registering authority)
COMPANIES: tuple[tuple[str, str], ...] = (
    ("乌海市恒达建材有限公司", "150302"),
    ("乌海市鑫源煤业有限责任公司", "150303"),
    ("乌海市金泰商贸有限公司", "150302"),
    ("内蒙古黄河明珠建筑工程有限公司", "150300"),
    ("乌海市宏盛焦化有限公司", "150304"),
    ("乌海市诚信物流有限公司", "150302"),
    ("乌海市天晟房地产开发有限公司", "150302"),
    ("乌海市绿源农牧业发展有限公司", "150303"),
    ("乌海市佳美装饰工程有限公司", "150302"),
    ("乌海市泰和化工有限责任公司", "150304"),
    ("乌海市聚福餐饮管理有限公司", "150302"),
    ("乌海市北方汽车销售服务有限公司", "150303"),
)
# Lenders appear as applicants only.
LENDERS: tuple[tuple[str, str], ...] = (
    ("内蒙古乌海农村商业银行股份有限公司", "150300"),
    ("乌海市融通小额贷款有限公司", "150302"),
)
# Where people come from: 乌海's three districts mostly, some from 赤峰, 呼和浩特, 阿拉善 and 石嘴山.
AREA_CODES = (
    "150302",
    "150302",
    "150302",
    "150303",
    "150303",
    "150304",
    "150304",
    "150402",
    "150102",
    "152921",
    "640202",
)
EARLIEST_BIRTH, LATEST_BIRTH = datetime.date(1950, 1, 1), datetime.date(2000, 12, 31)
DISTRICT_NAMES = {"150302": "海勃湾区", "150303": "海南区", "150304": "乌达区"}
STREETS = (
    "滨河东街",
    "新华西街",
    "人民路",
    "海北大街",
    "黄河西街",
    "林荫路",
    "团结路",
    "巴音赛大街",
    "卫境路",
)
MOBILE_PREFIXES = (
    "139",
    "138",
    "137",
    "135",
    "150",
    "151",
    "152",
    "158",
    "182",
    "187",
    "133",
    "153",
    "189",
    "177",
    "186",
)
BANKS = (
    "中国工商银行乌海分行",
    "中国建设银行乌海分行",
    "中国农业银行乌海分行",
    "中国银行乌海分行",
    "内蒙古乌海农村商业银行",
    "包商银行乌海分行",
)

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


# --- What to seed -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCase:
    """One case to file, and what happens at the window after filing."""

    application: ApplicationInput
    interview: dict[str, object] | None = None
    risks: Risks = NO_RISKS
    leads: tuple[LeadInput, ...] = ()
    lock_interview: bool = False
    notices: tuple[tuple[str, str, bool], ...] = ()  # (notice kind, method, acknowledged), to each applicant


class Command(BaseCommand):
    help = "Create the demo courts, teams, logins (password demo1234) and cases; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases", type=int, default=DEFAULT_CASES, help="number of cases to file (default 50)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even though DEBUG is off (it creates a superuser 'admin' with a published password)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo logins share a published password, and 'admin' is a superuser: never on a real
        # deployment by accident.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo resets the demo logins to a published password; "
                "it runs only with DEBUG on (or with --force)."
            )
        if options["cases"] < 0:
            raise CommandError("--cases must be zero or more.")
        with transaction.atomic():
            courts = seed_courts()
            seed_court_accounts(courts)  # before filing: filing opens each case's sub-account
            seed_teams(courts)
            users = seed_users(courts)
            filed = 0 if demo_cases_exist() else seed_cases(courts, users, count=options["cases"])
            open_missing_case_accounts()
            receipts = seed_money(courts[MONEY_COURT], users)
            party_demo = seed_party_demo(courts[MONEY_COURT])
            measures = seed_custody(courts[MONEY_COURT], users)
        flag_lapsed_measures()
        # The alerts a two-month history has raised by today (a no-op on a second run).
        scan_deadlines()
        self._report(filed, receipts)
        if measures:
            self.stdout.write(
                f"Custody 财产控制: {measures} demo measure(s) in {MONEY_COURT}, one expiring within "
                "30 days, one lapsed, and a detention awaiting its family notice (/custody/expiring/)."
            )
        if party_demo is not None:
            case, id_number = party_demo
            self.stdout.write(
                f"Parties online 当事人查询 (/progress/): case {case.number}, "
                f"identity number {id_number}, query code {DEMO_QUERY_CODE}."
            )

    def _report(self, filed: int, receipts: int) -> None:
        rows = [("用户名 username", "角色 role", "法院 courts", "密码 password")]
        for spec in DEMO_USERS:
            rows.append((spec.username, role_label(spec.role), ", ".join(spec.courts), DEMO_PASSWORD))
        widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("Demo logins 演示账号:")
        for row in rows:
            cells = (pad(text, width) for text, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
        per_court = ", ".join(
            f"{code} {count}"
            for code, count in Case.objects.values_list("court__code")
            .annotate(n=models.Count("id"))
            .order_by("court__code")
        )
        total = Case.objects.count()
        how = f"{filed} filed now" if filed else "none filed now: the demo cases already exist"
        self.stdout.write(f"Cases 案件: {total} in the database ({per_court or 'none'}); {how}.")
        if receipts:
            self.stdout.write(
                f"Money 执行款: {receipts} demo receipt(s) in {MONEY_COURT} with their payouts; "
                "a bank statement imported and reconciled."
            )


# --- Parties online ----------------------------------------------------------------------------------------

# A known query code on one demo case, so the parties' pages can be tried (real codes are shown once).
DEMO_QUERY_CODE = "DEMA2345"


def seed_party_demo(court: Court) -> tuple[Case, str] | None:
    """The newest assigned case of the court gets the demo query code, and its judge free times
    tomorrow; safe to run again."""
    case = (
        Case.objects.filter(court=court, responsible_judge__isnull=False, status=Case.Status.FILED)
        .order_by("-filed_at", "-id")
        .first()
    )
    if case is None or case.responsible_judge is None:
        return None
    case.query_code_hash = querycode.hash_query_code(case_number=case.number, code=DEMO_QUERY_CODE)
    case.save(update_fields=["query_code_hash"])
    judge = case.responsible_judge
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    if not AppointmentSlot.objects.filter(judge=judge, starts_at__date__gte=tomorrow).exists():
        for hour in (9, 10, 15):
            start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(hour)))
            AppointmentSlot.objects.create(
                judge=judge,
                court=court,
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=30),
                place="执行事务中心接待室",
            )
    applicant = case.applicants()[0]
    return case, applicant.id_number


# --- Custody ------------------------------------------------------------------------------------------------


def seed_custody(court: Court, users: dict[str, User]) -> int:
    """A search with a deposit found and frozen (expiring within 30 days), a seal of real estate, a freeze
    whose term ran out unrenewed (flagged lapsed), and a detention approved by the president whose family
    notice is still due; through the services. Only once: skipped if any measure exists."""
    if Measure.objects.exists():
        return 0
    cases = list(
        Case.objects.filter(court=court, status=Case.Status.FILED, stream=Case.Stream.SIMPLE)
        .filter(responsible_judge__username="judge")
        .order_by("filed_at", "pk")[:2]
    )
    if len(cases) < 2:
        return 0
    judge, today = users["judge"], timezone.localdate()
    first, second = cases
    respondent = first.respondents()[0]
    search = custody.request_search(
        actor=judge,
        case=first,
        requested_on=max(timezone.localtime(first.filed_at).date(), today - datetime.timedelta(days=3)),
        institutions=[
            custody.Institution(InstitutionKind.BANK, "中国工商银行乌海分行"),
            custody.Institution(InstitutionKind.REAL_ESTATE, "乌海市不动产登记中心"),
            custody.Institution(InstitutionKind.VEHICLES, "乌海市公安局交通管理支队"),
        ],
    )
    bank, registry, vehicles = search.inquiries.order_by("id")
    custody.record_reply(
        actor=judge,
        inquiry=bank,
        replied_on=today,
        assets=[
            custody.AssetFound(
                AssetKind.DEPOSIT, "活期存款账户", "6222020603000123456", Decimal("48200.00"), respondent
            )
        ],
    )
    custody.record_reply(actor=judge, inquiry=vehicles, replied_on=today, note="名下无登记车辆")
    found = bank.assets.get()
    frozen_on = today - relativedelta(months=12) + datetime.timedelta(days=12)  # a freeze ending in 12 days
    custody.take_measure(
        actor=judge,
        case=first,
        data=custody.MeasureInput(
            kind=Measure.Kind.FREEZE_DEPOSIT,
            asset=found.description,
            asset_reference=found.reference,
            amount=found.amount,
            owner=respondent,
            holder_kind=Measure.HolderKind.BANK,
            holder=bank.institution,
            ruling_number=f"（{frozen_on.year}）蒙0302执保12号",
            effective_on=frozen_on,
            source=found,
        ),
    )
    custody.take_measure(
        actor=judge,
        case=first,
        data=custody.MeasureInput(
            kind=Measure.Kind.SEAL_REAL_ESTATE,
            asset="海勃湾区新华街道住宅一套（128.5平方米）",
            asset_reference="蒙（2021）乌海市不动产权第0012345号",
            amount=Decimal("620000.00"),
            owner=respondent,
            holder_kind=Measure.HolderKind.REGISTRY,
            holder=registry.institution,
            ruling_number=f"（{today.year}）蒙0302执{first.seq}号之一",
            effective_on=today,
            rank=Measure.Rank.AFTER,
            preceded_by="乌海市乌达区人民法院（2025）蒙0304执88号",
        ),
    )
    lapsed_from = today - relativedelta(months=6, days=3)
    custody.take_measure(
        actor=judge,
        case=second,
        data=custody.MeasureInput(
            kind=Measure.Kind.FREEZE_DEPOSIT,
            asset="定期存款",
            asset_reference="6228480020001234567",
            amount=Decimal("15000.00"),
            holder_kind=Measure.HolderKind.BANK,
            holder="中国农业银行乌海分行",
            ruling_number=f"（{lapsed_from.year}）蒙0302执保7号",
            effective_on=lapsed_from,
            term_months=6,
        ),
    )
    detention = custody.propose_detention(
        actor=judge,
        case=second,
        person=custody.PersonInput(
            name=second.respondents()[0].legal_representative or second.respondents()[0].name,
            reason="拒不报告财产，转移已查封的车辆",
            decision_number=f"（{today.year}）蒙0302司惩{second.seq}号",
        ),
        days=15,
    )
    custody.decide_detention(actor=users["president"], detention=detention, approve=True)
    return 3


# --- Reference data and users -----------------------------------------------------------------------------


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """get_or_create, then save only what differs: a second run writes no history rows."""
    obj, created = model._default_manager.get_or_create(**lookup, defaults=values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not created and changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj


def seed_courts() -> dict[str, Court]:
    courts: dict[str, Court] = {}
    for spec in COURTS:  # parents come first in COURTS
        courts[spec.code] = upsert(
            Court,
            {"code": spec.code},
            {
                "name": spec.name,
                "level": spec.level,
                "division_code": spec.division_code,
                "service_phone": spec.service_phone,
                "address": spec.address,
                "is_active": True,
                "parent": courts[spec.parent] if spec.parent else None,
            },
        )
    return courts


def seed_teams(courts: dict[str, Court]) -> None:
    kinds = {kind.code: kind for kind in TeamKind.objects.filter(code__in=[code for code, _ in TEAMS])}
    missing = {code for code, _ in TEAMS} - set(kinds)
    if missing:
        raise CommandError(f"Team kinds {sorted(missing)} are missing: run `manage.py migrate` first.")
    for spec in COURTS:
        if spec.level != Court.Level.BASIC:
            continue
        for digit, (kind_code, name) in enumerate(TEAMS, start=1):
            upsert(
                Team,
                {"court": courts[spec.code], "name": name},
                {
                    "kind": kinds[kind_code],
                    "service_phone": f"{spec.team_phone_stem}{digit}",
                    "is_active": True,
                },
            )


def seed_users(courts: dict[str, Court]) -> dict[str, User]:
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL_ROLES)}
    if set(groups) != set(roles.ALL_ROLES):
        raise CommandError("The role groups are missing: run `manage.py migrate` first.")
    teams = {(team.court.code, team.name): team for team in Team.objects.select_related("court")}
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        user = seed_user(spec, groups[spec.role])
        for position, code in enumerate(spec.courts):
            upsert(CourtMembership, {"user": user, "court": courts[code]}, {"is_primary": position == 0})
        for code, team_name, team_role in spec.teams:
            upsert(TeamMembership, {"team": teams[code, team_name], "user": user}, {"role": team_role})
        # Group-chat robots mention staff by mobile; demo numbers are in a range no one holds.
        upsert(StaffProfile, {"user": user}, {"mobile": f"1990473{DEMO_USERS.index(spec):04d}"})
        users[spec.username] = user
    # Fresh objects: roles.roles_of() and court_ids_of() cache on the instance, and the services check them.
    return {user.username: user for user in User.objects.filter(username__in=list(users))}


def seed_user(spec: UserSpec, group: Group) -> User:
    user, _ = User.objects.get_or_create(username=spec.username)
    user.last_name, user.first_name = spec.last_name, spec.first_name
    user.is_active = True
    user.is_staff = user.is_superuser = spec.is_admin
    # Reset on every run, so the logins `make run` prints always work.
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set([group])
    return user


def role_label(role: str) -> str:
    """'窗口立案人员 Window clerk': the role in both languages, for the login table."""
    with translation.override("en"):
        english = str(roles.ROLE_LABELS[role])
    with translation.override("zh-hans"):
        chinese = str(roles.ROLE_LABELS[role])
    return f"{chinese} {english}"


def display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


# --- Cases ------------------------------------------------------------------------------------------------


def demo_cases_exist() -> bool:
    """The demo clerks' accounts exist only in demo databases, so any case they filed means we seeded.

    Not the title numbers: their years follow the date of the run, so they differ from one day to the next.
    """
    return Case.objects.filter(filed_by__username__in=set(CLERK_OF_COURT.values())).exists()


def seed_cases(courts: dict[str, Court], users: dict[str, User], *, count: int) -> int:
    rng = random.Random(SEED)
    today = timezone.localdate()
    plan = [demo_case(rng, courts, today, index) for index in range(count)]
    plan.sort(key=lambda demo: demo.application.received_on or today)
    # Filed in order of receipt, so each court's numbers rise with the date the application came in.
    for demo in plan:
        clerk = users[CLERK_OF_COURT[demo.application.court.code]]
        case = file_case(actor=clerk, application=demo.application).case
        follow_up(case, demo, clerk)
        backdate(case, demo.application.received_on or today, rng)
        if case.court.code == ASSIGNING_COURT and (today - (demo.application.received_on or today)).days >= 3:
            assign_as_of(case, users[ASSIGNING_LEAD], days_after_filing=2)
    return len(plan)


# The demo court whose team lead triages and assigns what came in at least three days ago, as a service
# center does; the other courts' cases wait (their alerts show on the supervisor page).
ASSIGNING_COURT = "蒙0302"
ASSIGNING_LEAD = "teamlead"


def assign_as_of(case: Case, lead: User, *, days_after_filing: int) -> None:
    """Triage and assign through the services, then move the assignment to when it would have happened."""
    case.refresh_from_db()
    try:
        assignment = assign_case(actor=lead, case=case)
    except ValidationError:
        return  # every judge full: the case stays on the triage desk, as it would
    when = case.filed_at + datetime.timedelta(days=days_after_filing)
    shift = when - assignment.assigned_at
    Assignment.objects.filter(pk=assignment.pk).update(assigned_at=when)
    for event in case.events.filter(kind__in=["triaged", "assigned"]):
        CaseEvent.objects.filter(pk=event.pk).update(occurred_at=event.occurred_at + shift)
    case.deadlines.filter(node_type__code="assign_judge").update(closed_at=when)
    opened = case.deadlines.filter(node_type__code__in=ON_ASSIGNMENT)
    opened.update(anchor_at=when, opened_at=when)
    for deadline in opened:
        recompute(deadline)


def backdate(case: Case, received_on: datetime.date, rng: random.Random) -> None:
    """Move a demo case to the day its application came in, as if filed then at the window.

    Filing always happens "now"; a demo spread over two months needs its clocks to have started then,
    so the deadlines are re-anchored and recomputed by the engine (never typed in) and the scan that
    ends the seeding raises the alerts such a history would have.
    """
    filed_at = datetime.datetime.combine(
        received_on,
        datetime.time(9 + rng.randrange(7), rng.randrange(60)),
        tzinfo=timezone.get_current_timezone(),
    )
    shift = filed_at - case.filed_at
    Case.objects.filter(pk=case.pk).update(filed_at=filed_at)
    for event in case.events.all():
        CaseEvent.objects.filter(pk=event.pk).update(occurred_at=event.occurred_at + shift)
    for delivery in NoticeDelivery.objects.filter(case=case):
        NoticeDelivery.objects.filter(pk=delivery.pk).update(delivered_at=delivery.delivered_at + shift)
    FirstInterview.objects.filter(case=case).update(conducted_at=filed_at + datetime.timedelta(minutes=40))
    case.deadlines.update(anchor_at=filed_at, opened_at=filed_at)
    for deadline in case.deadlines.all():
        recompute(deadline)


def follow_up(case: Case, demo: DemoCase, clerk: User) -> None:
    """What the window does after filing: notices handed over, the first interview, sometimes locked."""
    applicants = list(case.parties.filter(role=Party.Role.APPLICANT).order_by("position"))
    for kind, method, acknowledged in demo.notices:
        for applicant in applicants:
            record_notice_delivery(
                actor=clerk,
                case=case,
                kind=kind,
                recipient=applicant,
                method=method,
                acknowledged=acknowledged,
            )
    if demo.interview is not None:
        save_first_interview(
            actor=clerk, case=case, values=demo.interview, leads=demo.leads, risks=demo.risks
        )
        if demo.lock_interview:
            lock_first_interview(actor=clerk, case=case)


def demo_case(rng: random.Random, courts: dict[str, Court], today: datetime.date, index: int) -> DemoCase:
    court = courts[rng.choices(BASIC_COURTS, weights=(6, 2, 2))[0]]
    received_on = today - datetime.timedelta(days=rng.randrange(60))
    effective = received_on - datetime.timedelta(days=rng.randint(15, 400))
    claim_kind = rng.choices(list(Case.ClaimKind), weights=(80, 10, 10))[0]
    title_kind = (
        rng.choices(TITLE_KINDS, weights=(50, 26, 8, 8, 5, 3))[0]
        if claim_kind == Case.ClaimKind.MONEY
        else Case.TitleKind.JUDGMENT
    )
    title_court_name, title_number = title_of(rng, court, title_kind, effective, index)
    amount = money_amount(rng) if claim_kind == Case.ClaimKind.MONEY else None
    taken: set[str] = set()
    applicants = parties(rng, applicant, rng.choices((1, 2), weights=(4, 1))[0], taken)
    respondents = parties(rng, respondent, rng.choices((1, 2), weights=(3, 2))[0], taken)
    preserved = rng.random() < 0.15
    application = ApplicationInput(
        court=court,
        applicants=applicants,
        respondents=respondents,
        title_court_name=title_court_name,
        title_case_number=title_number,
        title_effective_date=effective,
        title_kind=title_kind,
        claim_kind=claim_kind,
        claim_amount=amount,
        claim_description=claim_description(rng, claim_kind),
        preservation_in_place=preserved,
        preservation_amount=preserved_amount(rng, amount) if preserved else None,
        preservation_detail=preservation_detail(rng, amount) if preserved else "",
        materials=materials(rng, title_kind, applicants, preserved),
        received_on=received_on,
    )
    interview = rng.random() < 0.5
    return DemoCase(
        application=application,
        interview=interview_values(rng, applicants[0]) if interview else None,
        # Drawn right after the interview's other values, where the risks text used to be drawn.
        risks=rng.choice(RISKS) if interview else NO_RISKS,
        leads=tuple(lead(rng) for _ in range(rng.randint(0, 3))) if interview else (),
        lock_interview=interview and rng.random() < 0.4,
        notices=notices(rng),
    )


TITLE_KINDS = (
    Case.TitleKind.JUDGMENT,
    Case.TitleKind.MEDIATION,
    Case.TitleKind.ARBITRATION,
    Case.TitleKind.NOTARIAL,
    Case.TitleKind.PAYMENT_ORDER,
    Case.TitleKind.RULING,
)


def title_of(
    rng: random.Random, court: Court, kind: str, effective: datetime.date, index: int
) -> tuple[str, str]:
    """The issuing body and the title's case number; ``index`` makes the number unique among demo cases."""
    # A judgment often takes effect the year after its case was opened.
    year = effective.year - (1 if rng.random() < 0.3 else 0)
    n = 1000 + index * 37 + rng.randrange(30)
    if kind == Case.TitleKind.JUDGMENT and rng.random() < 0.15:  # upheld on appeal
        return "乌海市中级人民法院", f"（{year}）{INTERMEDIATE}民终{n}号"
    if kind == Case.TitleKind.ARBITRATION:
        return "乌海仲裁委员会", f"（{year}）乌仲裁字第{n}号"
    if kind == Case.TitleKind.NOTARIAL:
        return "内蒙古自治区乌海市海勃湾公证处", f"（{year}）内乌海证经字第{n}号"
    procedures: dict[str, str] = {Case.TitleKind.PAYMENT_ORDER: "民督", Case.TitleKind.RULING: "民特"}
    procedure = procedures.get(kind, "民初")
    return court.name, f"（{year}）{court.code}{procedure}{n}号"


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


# --- Parties ----------------------------------------------------------------------------------------------


def parties(
    rng: random.Random, make: Callable[[random.Random], PartyInput], count: int, taken: set[str]
) -> list[PartyInput]:
    """``count`` parties whose names are not in ``taken`` yet: a company never sues itself."""
    chosen: list[PartyInput] = []
    while len(chosen) < count:
        party = make(rng)
        if party.name not in taken:
            taken.add(party.name)
            chosen.append(party)
    return chosen


def applicant(rng: random.Random) -> PartyInput:
    roll = rng.random()
    if roll < 0.15:
        return organisation(rng, rng.choice(LENDERS), with_agent=True)
    if roll < 0.4:
        return organisation(rng, rng.choice(COMPANIES), with_agent=rng.random() < 0.6)
    return person(rng, with_agent=rng.random() < 0.3)


def respondent(rng: random.Random) -> PartyInput:
    if rng.random() < 0.35:
        return organisation(rng, rng.choice(COMPANIES), with_agent=False)
    return person(rng, with_agent=False)


def person(rng: random.Random, *, with_agent: bool) -> PartyInput:
    return PartyInput(
        kind=Party.Kind.PERSON,
        name=person_name(rng),
        id_type=Party.IdType.RESIDENT_ID,
        id_number=resident_id(rng),
        phone=mobile(rng),
        address=address(rng),
        agent_name=person_name(rng) if with_agent else "",
        agent_phone=mobile(rng) if with_agent else "",
    )


def organisation(rng: random.Random, company: tuple[str, str], *, with_agent: bool) -> PartyInput:
    """A company looks the same in every case it appears in: its details come from a generator seeded
    by its name. Only the agent, chosen per case, comes from ``rng``."""
    name, division = company
    own = random.Random(f"{SEED}:{name}")
    return PartyInput(
        kind=Party.Kind.ORGANISATION,
        name=name,
        id_type=Party.IdType.USCC,
        id_number=uscc(own, division),
        phone=mobile(own),
        address=address(own, district=DISTRICT_NAMES.get(division)),
        legal_representative=person_name(own),
        agent_name=person_name(rng) if with_agent else "",
        agent_phone=mobile(rng) if with_agent else "",
    )


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def resident_id(rng: random.Random) -> str:
    """A valid GB 11643 number: area code, birth date 1950-2000, sequence, check character."""
    born = EARLIEST_BIRTH + datetime.timedelta(days=rng.randrange((LATEST_BIRTH - EARLIEST_BIRTH).days + 1))
    first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + identity.resident_id_check_char(first17)


def uscc(rng: random.Random, division: str) -> str:
    """A valid GB 32100 code registered in ``division``."""
    organisation_code = "".join(rng.choice(identity.USCC_ALPHABET) for _ in range(9))
    first17 = f"91{division}{organisation_code}"  # 9 = market regulator, 1 = enterprise
    return first17 + identity.uscc_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def place(rng: random.Random) -> dict[str, object]:
    return {
        "district": rng.choice(list(DISTRICT_NAMES.values())),
        "street": rng.choice(STREETS),
        "n": rng.randint(1, 199),
    }


def address(rng: random.Random, *, district: str | None = None) -> str:
    where = place(rng)
    return f"内蒙古自治区乌海市{district or where['district']}{where['street']}{where['n']}号"


def plate(rng: random.Random) -> str:
    """A 乌海 number plate, e.g. 蒙C·3K521 (no I or O on plates)."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "蒙C·" + "".join(rng.choice("0123456789" + letters) for _ in range(5))


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


# --- Money ------------------------------------------------------------------------------------------------

# The court whose cases have judges (see ASSIGNING_COURT), so payouts can be proposed and approved there.
MONEY_COURT = ASSIGNING_COURT
DEMO_TRANSACTIONS = "DEMO-"  # the bank transaction ids of the demo money start with this


def court_prefix(code: str) -> str:
    """The sub-account prefix: the code's digits, 蒙0302 → 0302 (蒙03 → 0300)."""
    return "".join(ch for ch in code if ch.isdigit()).ljust(4, "0")[:4]


def seed_court_accounts(courts: dict[str, Court]) -> None:
    for spec in COURTS:
        prefix = court_prefix(spec.code)
        upsert(
            CourtAccount,
            {"court": courts[spec.code]},
            {
                "bank_name": "中国工商银行乌海分行",
                "account_name": f"{spec.name}执行款专户",
                "account_number": f"0603{prefix}0109300012",
                "sub_account_prefix": prefix,
                # Before the demo's two months of money: bookings before the opening are refused.
                "opened_on": datetime.date(2020, 1, 1),
            },
        )


def open_missing_case_accounts() -> None:
    """Cases filed before their court had its enforcement account (an older demo database) get theirs."""
    for case in Case.objects.filter(account__isnull=True).select_related("court"):
        money.open_case_account(case)


@dataclass(frozen=True)
class DemoMoney:
    amount: Decimal
    days_ago: int
    payout: str = ""  # how far its payout has come: "proposed", "approved" or "paid"
    payer: str = ""  # someone who is not a respondent: the payment waits for a review


DEMO_MONEY: tuple[DemoMoney, ...] = (
    DemoMoney(Decimal("12000.00"), 12, payout="paid"),
    DemoMoney(Decimal("8500.00"), 9, payout="proposed"),  # waits for the team lead
    DemoMoney(Decimal("3200.00"), 6, payout="approved"),  # waits for finance
    DemoMoney(Decimal("25000.00"), 20),  # not paid out within the 15 days: overdue
    DemoMoney(Decimal("1800.00"), 3, payer="王建国"),  # paid by a relative of the respondent
)
UNMATCHED_AMOUNT = Decimal("600.00")


@dataclass(frozen=True)
class BankLine:
    transaction_id: str
    booked_at: datetime.datetime
    account: str
    amount: Decimal
    payer: str = ""


def seed_money(court: Court, users: dict[str, User]) -> int:
    """Money received on a few assigned cases, payouts at each step, an unmatched payment, and the day's
    bank statement imported and reconciled; through the services. Only once: skipped if any demo money
    exists. Returns how many receipts were seeded."""
    if BankTransaction.objects.filter(transaction_id__startswith=DEMO_TRANSACTIONS).exists():
        return 0
    cases = list(
        Case.objects.filter(
            court=court,
            claim_kind=Case.ClaimKind.MONEY,
            responsible_judge__isnull=False,
            account__isnull=False,
        )
        .exclude(responsible_judge__username=ASSIGNING_LEAD)  # he approves: he may not also propose
        .select_related("account", "responsible_judge")
        .order_by("received_on", "pk")[: len(DEMO_MONEY)]
    )
    if not cases:
        return 0
    now = timezone.now().replace(microsecond=0)  # bank statements give whole seconds
    lines: list[BankLine] = []
    for n, (case, demo) in enumerate(zip(cases, DEMO_MONEY, strict=False), start=1):
        payer = demo.payer or case.respondents()[0].name
        line = BankLine(
            f"{DEMO_TRANSACTIONS}{n:04d}",
            now - datetime.timedelta(days=demo.days_ago, hours=n),
            case.account.number,
            demo.amount,
            payer,
        )
        money.receive_money(
            incoming=money.IncomingMoney(
                line.transaction_id, line.account, line.amount, line.booked_at, payer
            ),
            source=BankTransaction.Source.NOTIFICATION,
        )
        lines.append(line)
        paid = pay_out(case, demo, users, paid_at=now - datetime.timedelta(minutes=30))
        if paid is not None:
            lines.append(
                BankLine(paid.bank_reference, now - datetime.timedelta(minutes=30), "", -paid.amount)
            )
    # Paid in with a mistyped sub-account: it arrives only with the statement, and waits to be claimed.
    number = cases[0].account.number
    mistyped = number[:-1] + str((int(number[-1]) + 1) % 10)
    lines.append(
        BankLine(
            f"{DEMO_TRANSACTIONS}U001", now - datetime.timedelta(days=2), mistyped, UNMATCHED_AMOUNT, "刘海"
        )
    )
    import_statement(
        court=court,
        actor=users["finance"],
        filename=f"对账单-{timezone.localdate():%Y%m%d}.csv",
        content=statement_csv(lines),
    )
    reconcile(court)
    return len(cases)


def pay_out(
    case: Case, demo: DemoMoney, users: dict[str, User], *, paid_at: datetime.datetime
) -> Payout | None:
    """The judge proposes paying the first applicant; the team lead approves; finance pays: as far as
    ``demo.payout`` says. Returns the payout once paid."""
    if not demo.payout or case.responsible_judge is None:
        return None
    judge = users.get(case.responsible_judge.username, case.responsible_judge)
    applicant = case.applicants()[0]
    if applicant.pk not in money.confirmed_payees(case):
        money.record_payee_account(
            actor=judge,
            party=applicant,
            bank_name="中国建设银行乌海分行",
            account_name=applicant.name,
            account_number=f"6217{case.pk:015d}",
            basis="申请人提交的收款账户确认书",
        )
    payout = money.propose_payout(
        actor=judge, case=case, lines=[(applicant, demo.amount)], reason="被执行人履行款项，发放申请人"
    )
    if demo.payout == "proposed":
        return None
    money.decide_payout(actor=users[ASSIGNING_LEAD], payout=payout, approve=True)
    if demo.payout == "approved":
        return None
    return money.mark_payout_paid(
        actor=users["finance"],
        payout=payout,
        bank_reference=f"{DEMO_TRANSACTIONS}PAY{payout.pk}",
        paid_at=paid_at,
    )


def statement_csv(lines: Sequence[BankLine]) -> bytes:
    """The master account's statement of these lines (docs/bank-statement.md), its balance run up from 0."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["transaction_id", "booked_at", "account", "amount", "payer_name", "payer_account", "balance"]
    )
    balance = Decimal("0.00")
    for line in sorted(lines, key=lambda x: x.booked_at):
        balance += line.amount
        booked = timezone.localtime(line.booked_at).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([line.transaction_id, booked, line.account, line.amount, line.payer, "", balance])
    return out.getvalue().encode("utf-8")
