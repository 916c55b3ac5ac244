"""Tables as xlsx workbooks: every supervision table a page shows can be downloaded as it stands.

One sheet per table, the header row bold and frozen, columns sized to their content. Values keep their
type (a ``Decimal`` stays a number with two places, a date a date), so finance can sum a column in the
spreadsheet instead of retyping it. A text that a spreadsheet would take for a formula (it starts with
``=``, ``+``, ``-``, ``@`` or a control character) is written as text with a leading apostrophe: a party's
name typed as ``=HYPERLINK(...)`` must not run on a supervisor's machine (CSV/formula injection).
"""

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel's own limits: a sheet title has at most 31 characters and none of these.
_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
_WIDEST_COLUMN = 60


@dataclass
class Sheet:
    """One table: its title, its column headings and its rows (each a sequence of cell values)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]] = field(default_factory=list)


def cell_value(value: Any) -> Any:
    """The value as the workbook stores it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime.datetime):
        # Spreadsheets have no time zones: the court's local time, as the page shows it.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    text = str(value).replace("\x00", "")
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _number_format(value: Any) -> str | None:
    if isinstance(value, Decimal):
        return "#,##0.00"
    if isinstance(value, datetime.datetime):
        return "yyyy-mm-dd hh:mm"
    if isinstance(value, datetime.date):
        return "yyyy-mm-dd"
    return None


def _title(text: str, taken: set[str]) -> str:
    base = (str(text).translate(_TITLE_FORBIDDEN).strip() or "Sheet")[:31]
    title, n = base, 2
    while title in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook of these tables, as the bytes of an xlsx file."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    taken: set[str] = set()
    for sheet in sheets or [Sheet("Sheet", [])]:
        _write_sheet(book.create_sheet(_title(sheet.title, taken)), sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(ws: Any, sheet: Sheet) -> None:
    widths = [len(str(h)) for h in sheet.headers]
    ws.append([cell_value(h) for h in sheet.headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in sheet.rows:
        values = [cell_value(v) for v in row]
        ws.append(values)
        for i, value in enumerate(values):
            if (fmt := _number_format(value)) is not None:
                ws.cell(row=ws.max_row, column=i + 1).number_format = fmt
            if i >= len(widths):
                widths.append(0)
            widths[i] = max(widths[i], _display_width(value))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, _WIDEST_COLUMN)


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    text = str(value)
    # A Chinese character takes about two columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """A download of the tables; ``filename`` without extension, in any language (RFC 6266 encoding)."""
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_TYPE)
    name = f"{filename}.xlsx"
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response
