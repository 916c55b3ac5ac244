"""The xlsx export shared by the supervision pages: types kept, formulas defused, names encoded."""

import datetime
import io
import zoneinfo
from decimal import Decimal

from openpyxl import load_workbook

from enforcement.spreadsheet import Sheet, cell_value, workbook_bytes, xlsx_response

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _read(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_values_keep_their_types_and_the_header_is_frozen():
    moment = datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.UTC)
    book = _read(
        workbook_bytes(
            [
                Sheet(
                    "案件",
                    ["案号", "金额", "日期", "时间", "数"],
                    [["(2026)川0121执1号", Decimal("12.50"), datetime.date(2026, 1, 2), moment, 3]],
                )
            ]
        )
    )
    ws = book["案件"]
    assert [c.value for c in ws[1]] == ["案号", "金额", "日期", "时间", "数"]
    assert ws.freeze_panes == "A2"
    row = [c.value for c in ws[2]]
    assert row[0] == "(2026)川0121执1号"
    assert row[1] == 12.5 and ws["B2"].number_format == "#,##0.00"
    assert row[2] == datetime.datetime(2026, 1, 2)  # noqa: DTZ001 - spreadsheets store naive times
    # Local time of the court, without a zone (spreadsheets have none): 02:30 UTC is 10:30 in Beijing.
    assert row[3] == datetime.datetime(2026, 12, 1, 10, 30)  # noqa: DTZ001
    assert row[4] == 3


def test_a_text_that_looks_like_a_formula_is_written_as_text():
    assert cell_value('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert cell_value("+1") == "'+1"
    assert cell_value("-1") == "'-1"
    assert cell_value("@SUM(A1)") == "'@SUM(A1)"
    assert cell_value("张\x00三") == "张三"
    assert cell_value(None) is None


def test_sheet_titles_are_made_valid_and_unique():
    book = _read(workbook_bytes([Sheet("a/b:c" * 10, ["x"]), Sheet("a/b:c" * 10, ["x"])]))
    assert len(book.sheetnames) == 2
    assert all(len(t) <= 31 and "/" not in t for t in book.sheetnames)
    assert book.sheetnames[0] != book.sheetnames[1]


def test_an_empty_workbook_still_opens():
    assert _read(workbook_bytes([])).sheetnames == ["Sheet"]


def test_the_response_names_the_file_in_any_language():
    response = xlsx_response("指标 2026-12", [Sheet("t", ["x"], [[1]])])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E6%8C%87%E6%A0%87%202026-12.xlsx" in disposition
    assert _read(response.content)["t"]["A2"].value == 1
