"""Money ageing (/payments/ageing/): held money matched first in, first out, by local days since arrival."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from payments import services
from payments.ageing import bucket_of, money_ageing
from payments.models import LedgerEntry
from tests.factories import UserFactory
from tests.money import money_case, pay_in

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 12, 2, 10, tzinfo=SHANGHAI)  # a Wednesday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def days_ago(n: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    day = TODAY - datetime.timedelta(days=n)
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def held(case):
    found = [c for c in money_ageing([case.court_id]).cases if c.case_id == case.pk]
    return sorted((p.age, p.bucket, p.amount) for c in found for p in c.pieces)


@pytest.mark.parametrize(
    ("age", "bucket"),
    [
        (0, "d5"),
        (5, "d5"),
        (6, "d10"),
        (10, "d10"),
        (11, "d15"),
        (15, "d15"),
        (16, "d30"),
        (30, "d30"),
        (31, "over30"),
        (400, "over30"),
    ],
)
def test_bucket_edges(age, bucket):
    assert bucket_of(age) == bucket


def test_each_edge_on_the_ledger_by_local_dates(court, clerk, judge):
    case = money_case(court, clerk, judge)
    # 00:30 in Beijing is the previous day in UTC: the local date counts, so this is 5 days old, not 6.
    pay_in(case, "5.00", booked_at=days_ago(5, 0, 30))
    pay_in(case, "6.00", booked_at=days_ago(6, 23, 50))
    pay_in(case, "10.00", booked_at=days_ago(10))
    pay_in(case, "11.00", booked_at=days_ago(11))
    pay_in(case, "15.00", booked_at=days_ago(15))
    pay_in(case, "16.00", booked_at=days_ago(16))
    pay_in(case, "30.00", booked_at=days_ago(30))
    pay_in(case, "31.00", booked_at=days_ago(31))
    assert held(case) == [
        (5, "d5", Decimal("5.00")),
        (6, "d10", Decimal("6.00")),
        (10, "d10", Decimal("10.00")),
        (11, "d15", Decimal("11.00")),
        (15, "d15", Decimal("15.00")),
        (16, "d30", Decimal("16.00")),
        (30, "d30", Decimal("30.00")),
        (31, "over30", Decimal("31.00")),
    ]
    figures = money_ageing([court.pk]).court
    assert figures.amounts == {
        "d5": Decimal("5.00"),
        "d10": Decimal("16.00"),
        "d15": Decimal("26.00"),
        "d30": Decimal("46.00"),
        "over30": Decimal("31.00"),
    }
    assert figures.total == Decimal("124.00")


def test_a_partial_payout_takes_the_oldest_money_first(court, clerk, judge, finance):
    case = money_case(court, clerk, judge)
    pay_in(case, "100.00", booked_at=days_ago(40))
    pay_in(case, "50.00", booked_at=days_ago(3))
    services.take_out(
        actor=finance, case=case, kind=LedgerEntry.Kind.COURT_FEE, amount=Decimal("60"), note="诉讼费"
    )
    assert held(case) == [(3, "d5", Decimal("50.00")), (40, "over30", Decimal("40.00"))]
    services.take_out(
        actor=finance, case=case, kind=LedgerEntry.Kind.REFUNDED, amount=Decimal("70"), note="退还"
    )
    assert held(case) == [(3, "d5", Decimal("20.00"))]


def test_reversals_cancel_their_entry(court, clerk, judge, finance):
    case = money_case(court, clerk, judge)
    pay_in(case, "100.00", booked_at=days_ago(40))
    wrong = pay_in(case, "80.00", booked_at=days_ago(20))
    credit = LedgerEntry.objects.get(bank_transaction=wrong)
    services.reverse_entry(actor=finance, entry=credit, note="错配案件")
    assert held(case) == [(40, "over30", Decimal("100.00"))]
    fee = services.take_out(
        actor=finance, case=case, kind=LedgerEntry.Kind.COURT_FEE, amount=Decimal("30"), note="诉讼费"
    )
    assert held(case) == [(40, "over30", Decimal("70.00"))]
    # The reversed fee never left: its money is the 40-day-old credit again, not new money of today.
    services.reverse_entry(actor=finance, entry=fee, note="误扣")
    assert held(case) == [(40, "over30", Decimal("100.00"))]


def test_money_fully_paid_out_is_not_held(court, clerk, judge, finance):
    case = money_case(court, clerk, judge)
    pay_in(case, "100.00", booked_at=days_ago(8))
    services.take_out(
        actor=finance, case=case, kind=LedgerEntry.Kind.REFUNDED, amount=Decimal("100"), note="退"
    )
    assert held(case) == []


# --- The page ---------------------------------------------------------------------------------------------


def test_page_figures_link_to_the_cases_behind_them(client, court, clerk, judge, finance):
    case = money_case(court, clerk, judge)
    other = money_case(court, clerk, judge)
    pay_in(case, "700.00", booked_at=days_ago(12))
    pay_in(other, "90.00", booked_at=days_ago(2))
    client.force_login(finance)
    page = client.get(reverse("payments:ageing"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "700.00" in html and "90.00" in html
    behind = client.get(
        reverse("payments:ageing"), {"judge": judge.pk, "bucket": "d15"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = behind.context["lines"]
    assert [line["held"].case_id for line in rows] == [case.pk]
    assert rows[0]["in_bucket"] == Decimal("700.00")
    assert rows[0]["held"].oldest_age == 12
    assert case.number in behind.content.decode()


def test_empty_state_and_bad_filters(client, court, supervisor):
    client.force_login(supervisor)
    page = client.get(
        reverse("payments:ageing"), {"bucket": "nonsense", "team": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "No money is held in the case accounts." in page.content.decode()


@pytest.mark.parametrize("persona", ["judge", "team_lead", "clerk", "outsider", "stranger"])
def test_only_finance_and_supervisors(client, db, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("payments:ageing")).status_code == 403


def test_finance_of_another_court_sees_none_of_ours(client, court, other_court, clerk, judge):
    case = money_case(court, clerk, judge)
    pay_in(case, "123.00", booked_at=days_ago(3))
    theirs = UserFactory(username="theirfinance", roles=["finance"], courts=[other_court])
    client.force_login(theirs)
    page = client.get(reverse("payments:ageing"), {"court": court.pk})
    assert page.status_code == 200
    assert case.number not in page.content.decode()
    assert page.context["ageing"].court.total == 0


def test_xlsx_export_opens(client, court, clerk, judge, finance):
    case = money_case(court, clerk, judge)
    pay_in(case, "250.50", booked_at=days_ago(20))
    client.force_login(finance)
    response = client.get(reverse("payments:ageing"), {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Per team", "Per judge", "Cases"]
    cases = list(book["Cases"].iter_rows(values_only=True))
    assert cases[1][0] == case.number
    assert cases[1][3] == 250.5 and cases[1][6] == 20


def test_query_count_is_constant_with_the_page_size(client, court, clerk, judge, finance):
    client.force_login(finance)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("payments:ageing")).status_code == 200
        return len(queries)

    pay_in(money_case(court, clerk, judge), "10.00", booked_at=days_ago(1))
    one = count()
    for n in range(4):
        pay_in(
            money_case(court, clerk, UserFactory(roles=["judge"], courts=[court])),
            "10.00",
            booked_at=days_ago(n * 9),
        )
    assert count() == one
