"""The demo's organisation: the courts of 乌海市 with their enforcement accounts, their teams, and one
login per role (password ``demo1234``), created or brought back to their demo values on every run."""

import datetime
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import CommandError
from django.db import models

from enforcement import roles
from enforcement.models import Court, CourtMembership, StaffProfile, Team, TeamKind, TeamMembership
from payments.models import CourtAccount

DEMO_PASSWORD = "demo1234"  # noqa: S105 - printed on purpose: these are the demo logins

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

# The demo court whose team lead triages and assigns, and whose judges work the cases, as a service center
# does; the other courts have no judges in the demo: their cases wait for triage (and their supervisors).
HOME_COURT = "蒙0302"
ASSIGNING_LEAD = "teamlead"


@dataclass(frozen=True)
class Organisation:
    courts: dict[str, Court]
    users: dict[str, User]


def seed_organisation() -> Organisation:
    courts = seed_courts()
    seed_court_accounts(courts)  # before filing: filing opens each case's sub-account
    seed_teams(courts)
    return Organisation(courts, seed_users(courts))


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
    # Hashed once for all: the password is the same and published, and each hash takes most of a second.
    password = make_password(DEMO_PASSWORD)
    for spec in DEMO_USERS:
        user = seed_user(spec, groups[spec.role], password)
        for position, code in enumerate(spec.courts):
            upsert(CourtMembership, {"user": user, "court": courts[code]}, {"is_primary": position == 0})
        for code, team_name, team_role in spec.teams:
            upsert(TeamMembership, {"team": teams[code, team_name], "user": user}, {"role": team_role})
        # Group-chat robots mention staff by mobile; demo numbers are in a range no one holds.
        upsert(StaffProfile, {"user": user}, {"mobile": f"1990473{DEMO_USERS.index(spec):04d}"})
        users[spec.username] = user
    # Fresh objects: roles.roles_of() and court_ids_of() cache on the instance, and the services check them.
    return {user.username: user for user in User.objects.filter(username__in=list(users))}


def seed_user(spec: UserSpec, group: Group, password: str) -> User:
    user, _ = User.objects.get_or_create(username=spec.username)
    user.last_name, user.first_name = spec.last_name, spec.first_name
    user.is_active = True
    user.is_staff = user.is_superuser = spec.is_admin
    # Reset on every run, so the logins `make run` prints always work.
    user.password = password
    user.save()
    user.groups.set([group])
    return user


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
