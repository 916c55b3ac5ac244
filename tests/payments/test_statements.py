"""Bank statement import (payments/statements.py, docs/bank-statement.md) and its management command."""

import datetime
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from enforcement.models import Deadline
from payments import statements
from payments.models import BankTransaction, LedgerEntry, StatementImport
from tests.factories import CourtAccountFactory, UserFactory
from tests.money import money_case, pay_in

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = "transaction_id,booked_at,account,amount,payer_name,payer_account,balance"
NOW = datetime.datetime(2026, 11, 10, 10, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(court, clerk, judge):
    return money_case(court, clerk, judge)


def statement(*lines: str, header: str = HEADER) -> bytes:
    return "\r\n".join([header, *lines]).encode("utf-8")


def import_(court, content: bytes, actor=None) -> StatementImport:
    return statements.import_statement(court=court, actor=actor, filename="november.csv", content=content)


def refusal(court, content: bytes) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        import_(court, content)
    return caught.value.messages


def nothing_saved() -> bool:
    return not (
        BankTransaction.objects.exists() or LedgerEntry.objects.exists() or StatementImport.objects.exists()
    )


def test_incoming_lines_are_received_and_outgoing_lines_only_counted(case, court, finance):
    number = case.account.number
    result = import_(
        court,
        statement(
            f"S1,2026-11-02 09:00:00,{number},1000.00,被执行公司{case.pk},6222000011112222,1000.00",
            "S2,2026-11-02 10:00:00,,50,张三,,1050.00",
            "S3,2026-11-02 11:00:00,,-200.00,,,850.00",
        ),
        actor=finance,
    )
    assert (result.lines, result.credited, result.duplicates) == (3, 2, 0)
    assert result.closing_balance == Decimal("850.00")
    assert result.closing_at == datetime.datetime(2026, 11, 2, 11, tzinfo=SHANGHAI)
    assert result.imported_by == finance and result.filename == "november.csv"
    case.account.refresh_from_db()
    assert case.account.balance == Decimal("1000.00")
    matched = BankTransaction.objects.get(transaction_id="S1")
    assert matched.status == BankTransaction.Status.MATCHED and matched.case == case
    assert matched.source == BankTransaction.Source.STATEMENT
    unmatched = BankTransaction.objects.get(transaction_id="S2")
    assert unmatched.status == BankTransaction.Status.UNMATCHED and unmatched.court == court
    assert unmatched.claim_due_date is not None
    assert not BankTransaction.objects.filter(transaction_id="S3").exists()
    assert Deadline.objects.filter(case=case, node_type__code="payout").count() == 1


def test_the_same_statement_imported_twice_credits_once(case, court):
    content = statement(
        f"S1,2026-11-02 09:00:00,{case.account.number},300.00,甲,,300.00",
        "S2,2026-11-02 10:00:00,,20.00,乙,,320.00",
    )
    import_(court, content)
    again = import_(court, content)
    assert (again.lines, again.credited, again.duplicates) == (2, 0, 2)
    case.account.refresh_from_db()
    assert case.account.balance == Decimal("300.00")
    assert LedgerEntry.objects.count() == 1 and BankTransaction.objects.count() == 2


def test_money_known_from_the_banks_notification_is_not_credited_again(case, court):
    pay_in(case, "75.50", transaction_id="N1", booked_at=datetime.datetime(2026, 11, 1, 9, tzinfo=SHANGHAI))
    result = import_(court, statement(f"N1,2026-11-01 09:00:00,{case.account.number},75.50,,,75.50"))
    assert (result.credited, result.duplicates) == (0, 1)
    case.account.refresh_from_db()
    assert case.account.balance == Decimal("75.50")


def test_the_closing_balance_is_that_of_the_latest_line_whatever_the_order_of_the_file(court, case):
    result = import_(
        court,
        statement(  # newest first, as many banks export
            "C3,2026-11-03 16:00:00,,-10.00,,,90.00",
            "C2,2026-11-03 08:00:00,,60.00,,,100.00",
            "C1,2026-11-02 08:00:00,,40.00,,,40.00",
        ),
    )
    assert result.closing_balance == Decimal("90.00")
    assert result.closing_at == datetime.datetime(2026, 11, 3, 16, tzinfo=SHANGHAI)


def test_a_time_without_offset_is_china_time_and_an_offset_is_respected(court, case):
    import_(
        court,
        statement(
            "T1,2026-11-02 09:00:00,,1.00,,,1.00",
            "T2,2026-11-02T09:00:00Z,,1.00,,,2.00",
            "T3,2026-11-02T09:00+08:00,,1.00,,,3.00",
        ),
    )
    booked = dict(BankTransaction.objects.values_list("transaction_id", "booked_at"))
    assert booked["T1"] == datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    assert booked["T2"] == datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    assert booked["T3"] == booked["T1"]


def test_an_excel_file_with_a_byte_order_mark_is_read(court, case):
    content = b"\xef\xbb\xbf" + statement("E1,2026-11-02 09:00:00,,5.00,王五,,5.00")
    assert import_(court, content).credited == 1
    assert BankTransaction.objects.get().payer_name == "王五"


def test_a_gb18030_file_from_a_chinese_bank_is_read(court, case):
    text = "\r\n".join([HEADER, "G1,2026-11-02 09:00:00,,5.00,乌海市鑫源煤业有限责任公司,,5.00"])
    assert import_(court, text.encode("gb18030")).credited == 1
    assert BankTransaction.objects.get().payer_name == "乌海市鑫源煤业有限责任公司"


def test_columns_may_come_in_any_order_and_other_columns_are_ignored(court, case):
    header = "Balance,摘要,Amount,Transaction_ID,booked_at,payer_account,payer_name,account"
    result = import_(court, statement("15.00,货款,15.00,X1,2026-11-02 09:00,,某人,", header=header))
    assert result.credited == 1 and result.closing_balance == Decimal("15.00")


def test_blank_lines_are_skipped_and_line_numbers_count_the_files_lines(court, case):
    messages = refusal(
        court,
        statement(
            "B1,2026-11-02 09:00:00,,5.00,,,5.00",
            "",
            ",,,,,,",
            'B2,2026-11-02 10:00:00,,5.00,"two-line',
            'payer",,abc',
        ),
    )
    assert messages == ["Line 5: the column balance: abc is not a number with at most two decimal places."]


def test_every_bad_line_is_reported_with_its_line_number_and_nothing_is_saved(court, case):
    messages = refusal(
        court,
        statement(
            f"OK1,2026-11-02 09:00:00,{case.account.number},100.00,,,100.00",
            "BAD1,2026-11-02 09:10:00,,1.234,,,101.23",
            "BAD2,02/11/2026 09:20,,1.00,,,102.23",
            ",2026-11-02 09:30:00,,1.00,,,103.23",
            "OK1,2026-11-02 09:40:00,,1.00,,,104.23",
            "BAD3,2026-11-02 09:50:00,,0.00,,,104.23",
            "BAD4,2026-11-02,,1.00,,,105.23",
            "BAD5,2026-11-02 10:00:00,,1.00,,,-1.00",
            "BAD6,2026-11-02 10:10:00,,1.00",
        ),
    )
    assert [m.split(":")[0] for m in messages] == [f"Line {n}" for n in range(3, 11)]
    assert "1.234" in messages[0]
    assert "02/11/2026 09:20" in messages[1] and "ISO 8601" in messages[1]
    assert "transaction id is missing" in messages[2]
    assert "also on line 2" in messages[3]
    assert "zero" in messages[4]
    assert "2026-11-02 is not an ISO 8601 date and time" in messages[5]
    assert "negative" in messages[6]
    assert "4 fields where the header has 7" in messages[7]
    assert nothing_saved()
    case.account.refresh_from_db()
    assert case.account.balance == Decimal("0.00")


def test_a_header_without_the_required_columns_is_refused(court, case):
    messages = refusal(
        court,
        statement("1,2026-11-02 09:00:00,,5.00,,", header="transaction_id,booked_at,account,amount,x,y"),
    )
    assert len(messages) == 1 and messages[0].startswith("Line 1:")
    assert "payer_name, payer_account, balance" in messages[0]
    assert nothing_saved()


def test_an_empty_file_or_a_header_alone_is_refused(court, case):
    assert refusal(court, b"") == ["The file is empty."]
    assert refusal(court, statement()) == ["The statement has no lines after its header."]


def test_a_booking_in_the_future_is_refused(court, case):
    [message] = refusal(court, statement("F1,2026-11-11 09:00:00,,5.00,,,5.00"))
    assert message.startswith("Line 2:") and "future" in message


def test_a_file_longer_than_the_limit_is_refused(court, case, monkeypatch):
    monkeypatch.setattr(statements, "MAX_LINES", 3)
    lines = [f"L{i},2026-11-02 09:0{i}:00,,1.00,,,{i}.00" for i in range(1, 5)]
    assert "more than 3 lines" in refusal(court, statement(*lines))[0]
    assert import_(court, statement(*lines[:3])).lines == 3


def test_only_the_first_fifty_problems_are_listed_with_a_count_of_the_rest(court, case):
    lines = [f"L{i},2026-11-02 09:00:00,,x,,,1.00" for i in range(60)]
    messages = refusal(court, statement(*lines))
    assert len(messages) == 51
    assert messages[-1] == "… and 10 more problems."


def test_a_known_transaction_id_with_another_amount_is_refused(court, case):
    pay_in(case, "10.00", transaction_id="K1")
    [message] = refusal(court, statement(f"K1,2026-11-02 09:00:00,{case.account.number},11.00,,,11.00"))
    assert message.startswith("Line 2:") and "10.00" in message
    assert BankTransaction.objects.count() == 1


def test_money_on_another_courts_sub_account_is_refused(court, other_court, case, judge):
    other_clerk = UserFactory(username="clerk2", roles=["clerk"], courts=[other_court])
    other = money_case(other_court, other_clerk, judge)
    [message] = refusal(court, statement(f"O1,2026-11-02 09:00:00,{other.account.number},5.00,,,5.00"))
    assert "蒙0303" in message
    assert nothing_saved()


def test_a_failure_halfway_through_the_import_saves_nothing(court, case, monkeypatch):
    real = statements.receive_money
    calls = []

    def fails_second_time(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(statements, "receive_money", fails_second_time)
    content = statement(
        f"H1,2026-11-02 09:00:00,{case.account.number},5.00,,,5.00",
        f"H2,2026-11-02 10:00:00,{case.account.number},5.00,,,10.00",
    )
    with pytest.raises(RuntimeError):
        import_(court, content)
    assert nothing_saved()


def test_only_the_courts_finance_officers_import(court, case, judge, supervisor, outsider):
    content = statement("P1,2026-11-02 09:00:00,,5.00,,,5.00")
    for who in (judge, supervisor, outsider):
        with pytest.raises(PermissionDenied):
            import_(court, content, actor=who)
    assert nothing_saved()


def test_finance_of_another_court_may_not_import(court, other_court, case):
    foreign = UserFactory(username="finance2", roles=["finance"], courts=[other_court])
    with pytest.raises(PermissionDenied):
        import_(court, statement("P1,2026-11-02 09:00:00,,5.00,,,5.00"), actor=foreign)


def test_a_court_without_its_enforcement_account_cannot_import(other_court):
    [message] = refusal(other_court, statement("P1,2026-11-02 09:00:00,,5.00,,,5.00"))
    assert "not set up" in message


# --- The management command ---------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_the_summary(court, case, finance, tmp_path):
    path = tmp_path / "november.csv"
    path.write_bytes(
        statement(
            f"M1,2026-11-02 09:00:00,{case.account.number},500.00,,,500.00",
            "M2,2026-11-02 15:00:00,,-100.00,,,400.00",
        )
    )
    out = io.StringIO()
    call_command("import_statement", str(path), court="蒙0302", user="finance", stdout=out)
    assert out.getvalue().strip() == (
        "蒙0302 november.csv: 2 line(s); 1 new, 0 already known, 1 outgoing; "
        "master account balance 400.00 as of 2026-11-02 15:00:00."
    )
    assert StatementImport.objects.get().imported_by == finance


def test_the_command_reads_standard_input(court, case):
    stdin = io.BytesIO(statement("M1,2026-11-02 09:00:00,,5.00,,,5.00"))
    call_command("import_statement", "-", court="蒙0302", stdin=stdin, stdout=io.StringIO())
    assert StatementImport.objects.get().imported_by is None


def test_the_command_reports_each_bad_line(court, case, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(statement("M1,2026-11-02 09:00:00,,5.00,,,5.00", "M2,yesterday,,x,,,5.00"))
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("import_statement", str(path), court="蒙0302")
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and all(line.startswith("Line 3:") for line in lines)
    assert nothing_saved()


def test_the_command_refuses_an_unknown_court_and_a_user_who_is_not_finance(court, case, judge, tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(statement("M1,2026-11-02 09:00:00,,5.00,,,5.00"))
    with pytest.raises(CommandError, match="No court"):
        call_command("import_statement", str(path), court="蒙9999")
    with translation.override("en"), pytest.raises(CommandError, match="finance"):
        call_command("import_statement", str(path), court="蒙0302", user="judge")
    assert nothing_saved()


def test_the_sample_in_the_documentation_is_a_valid_statement(court):
    CourtAccountFactory(court=court)
    doc = (Path(__file__).resolve().parents[2] / "docs" / "bank-statement.md").read_text(encoding="utf-8")
    sample = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    lines = statements.parse_statement(sample.encode("utf-8"))
    assert [line.amount > 0 for line in lines] == [True, True, False]
    assert lines[0].account == "0302000000125"
