"""What ``seed_demo`` prints: the logins table, and where to look at the demo's cases, money, measures and
the parties' pages."""

import unicodedata
from dataclasses import dataclass

from django.core.management.base import OutputWrapper
from django.db import models
from django.utils import translation

from enforcement import roles
from enforcement.models import Case

from .org import DEMO_PASSWORD, DEMO_USERS, HOME_COURT
from .portal_examples import DEMO_QUERY_CODE


@dataclass(frozen=True)
class Seeded:
    filed: int
    receipts: int
    measures: int
    party_demo: tuple[Case, str] | None


def report(out: OutputWrapper, seeded: Seeded) -> None:
    logins(out)
    cases(out, seeded.filed)
    if seeded.receipts:
        out.write(
            f"Money 执行款: {seeded.receipts} demo receipt(s) in {HOME_COURT} with their payouts; "
            "a bank statement imported and reconciled."
        )
    if seeded.measures:
        out.write(
            f"Custody 财产控制: {seeded.measures} demo measure(s) in {HOME_COURT}, one expiring within "
            "30 days, one lapsed, and a detention awaiting its family notice (/custody/expiring/)."
        )
    if seeded.party_demo is not None:
        case, id_number = seeded.party_demo
        out.write(
            f"Parties online 当事人查询 (/progress/): case {case.number}, "
            f"identity number {id_number}, query code {DEMO_QUERY_CODE}."
        )
    out.write(f"Lobby screen 大厅显示屏: /lobby/{HOME_COURT}/ (terminals: /api/v1/lobby/{HOME_COURT}/).")


def logins(out: OutputWrapper) -> None:
    rows = [("用户名 username", "角色 role", "法院 courts", "密码 password")]
    for spec in DEMO_USERS:
        rows.append((spec.username, role_label(spec.role), ", ".join(spec.courts), DEMO_PASSWORD))
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    out.write("Demo logins 演示账号:")
    for row in rows:
        cells = (pad(text, width) for text, width in zip(row, widths, strict=True))
        out.write(("  " + "  ".join(cells)).rstrip())


def cases(out: OutputWrapper, filed: int) -> None:
    per_court = ", ".join(
        f"{code} {count}"
        for code, count in Case.objects.values_list("court__code")
        .annotate(n=models.Count("id"))
        .order_by("court__code")
    )
    total = Case.objects.count()
    how = f"{filed} filed now" if filed else "none filed now: the demo cases already exist"
    out.write(f"Cases 案件: {total} in the database ({per_court or 'none'}); {how}.")


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
