"""Tables as the pages show them and as the exports write them: one definition for both, so a
downloaded file holds exactly what the page shows (every row, not one page of them).

Cells are plain values (text, whole numbers, dates), percentages (Pct, shown with one
decimal), changes in percentage points (Change, with a sign) or links (Link: the page shows a
link, the file its text). Missing values (nothing reported) are None: "—" on the page, an empty
cell in a file.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.translation import gettext as _

from hazari.lib.tabular import safe_cell


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Pct:
    value: float | None


@dataclass(frozen=True)
class Change:
    value: float | None


@dataclass
class Table:
    name: str  # in the export's URL and file name
    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    # Numbers are right-aligned; the first column (a name, a date) is not.
    numeric_from: int = 1

    def add(self, *cells: object) -> None:
        self.rows.append(list(cells))


def plain(cell: object) -> object:
    """A cell as a file holds it: numbers as numbers (percentages rounded to one decimal),
    text made safe against formula injection."""
    if isinstance(cell, Pct | Change):
        return None if cell.value is None else round(cell.value, 1)
    if isinstance(cell, Link):
        return safe_cell(cell.text)
    if isinstance(cell, bool):
        return _("yes") if cell else _("no")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, str):
        return safe_cell(cell)
    return cell


def file_name(*parts: str) -> str:
    """ASCII letters, digits and dashes only (safe in a Content-Disposition header)."""
    joined = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9.-]+", "-", joined).strip("-") or "table"


def csv_response(table: Table, name: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if (v := plain(c)) is None else v for c in row])
    # A byte-order mark, so that spreadsheet programs read the Hindi as UTF-8.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def xlsx_response(table: Table, name: str) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.name[:31])
    sheet.append([safe_cell(c) for c in table.columns])
    for row in table.rows:
        sheet.append([plain(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def respond(table: Table, fmt: str, name: str) -> HttpResponse:
    return xlsx_response(table, name) if fmt == "xlsx" else csv_response(table, name)


def only(tables: Iterable[Table], name: str) -> Table | None:
    return next((t for t in tables if t.name == name), None)
