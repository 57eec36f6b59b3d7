"""Reading uploaded tables (CSV or XLSX) row by row, and reporting rejected rows.

Rows are streamed: a file of a crore rows is never held in memory. Row numbers are the ones a
spreadsheet shows: the header is row 1.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext_noop

from hazari.lib.i18n import in_both_languages

MALFORMED = "__malformed__"


@dataclass(frozen=True)
class RowError:
    """One reason a row was rejected."""

    row: int
    field: str
    code: str
    message_hi: str
    message_en: str

    @classmethod
    def of(cls, row: int, field: str, code: str, message: str, **params: object) -> "RowError":
        hindi, english = in_both_languages(message, **params)
        return cls(row=row, field=field, code=code, message_hi=hindi, message_en=english)


class FileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message_en)
        self.error = error


def _file_error(code: str, message: str, row: int = 0, field: str = "", **params) -> FileError:
    return FileError(RowError.of(row, field, code, message, **params))


def normalise_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def _check_header(header: list[str], required: set[str]) -> None:
    missing = sorted(required - set(header))
    if missing:
        raise _file_error(
            "missing_columns",
            gettext_noop("Required columns are missing: %(columns)s."),
            row=1,
            field=",".join(missing),
            columns=", ".join(missing),
        )
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        raise _file_error(
            "duplicate_columns",
            gettext_noop("These columns appear more than once: %(columns)s."),
            row=1,
            field=",".join(duplicated),
            columns=", ".join(duplicated),
        )


def _rows(header: list[str], values_by_row: Iterator[tuple[int, list[str]]]):
    for row, values in values_by_row:
        if not any(v for v in values):
            continue
        if len(values) != len(header):
            yield row, {MALFORMED: str(len(values)), "__expected__": str(len(header))}
            continue
        yield row, dict(zip(header, values, strict=True))


def iter_csv(stream: IO[str], *, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(stream)
    try:
        first = next(reader, None)
        if first is None or not any(c.strip() for c in first):
            raise _file_error("empty", gettext_noop("The file is empty."))
        header = [normalise_header(h) for h in first]
        _check_header(header, required)

        def values():
            for cells in reader:
                yield reader.line_num, [c.strip() for c in cells]

        yield from _rows(header, values())
    except csv.Error as e:
        raise _file_error(
            "malformed_file",
            gettext_noop("The file is not valid CSV near row %(near)s: %(reason)s."),
            row=reader.line_num,
            near=reader.line_num,
            reason=str(e),
        ) from None
    except UnicodeDecodeError:
        raise _file_error("encoding", gettext_noop("The file is not UTF-8 text.")) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def iter_xlsx(stream: IO[bytes], *, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _file_error(
            "bad_xlsx", gettext_noop("The file is not a valid XLSX workbook.")
        ) from None
    try:
        visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        if len(visible) != 1:
            raise _file_error(
                "several_sheets",
                gettext_noop(
                    "The workbook has %(count)s sheets (%(names)s); keep only the sheet to import."
                ),
                count=len(visible),
                names=", ".join(ws.title for ws in visible),
            )
        rows = visible[0].iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or not any(c is not None and str(c).strip() for c in first):
            raise _file_error("empty", gettext_noop("The file is empty."))
        header = [normalise_header(h) for h in first]
        while header and not header[-1]:
            header.pop()  # trailing empty header cells
        _check_header(header, required)

        def values():
            for number, cells in enumerate(rows, start=2):
                texts = [_cell_text(c) for c in cells]
                while len(texts) > len(header) and not texts[-1]:
                    texts.pop()
                yield number, texts

        yield from _rows(header, values())
    finally:
        workbook.close()


def iter_table(
    stream: IO[bytes], *, file_name: str, required: set[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file as (row number, {column: text}). Raises FileError for a file
    that cannot be read at all; a row with the wrong number of cells comes out with the key
    MALFORMED so that the caller rejects that row alone."""
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        yield from iter_xlsx(stream, required=required)
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield from iter_csv(text, required=required)
    finally:
        text.detach()


def read_csv(data: bytes | str, *, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """iter_table for a small file already in memory."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return iter_table(io.BytesIO(raw), file_name="upload.csv", required=required)


def malformed_row_error(row: int, cells: dict[str, str]) -> RowError:
    return RowError.of(
        row,
        "",
        "malformed_row",
        gettext_noop("The row has %(found)s cells; the header has %(expected)s."),
        found=cells[MALFORMED],
        expected=cells["__expected__"],
    )


def safe_cell(value: object) -> object:
    """Keep a spreadsheet from running a cell as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def errors_as_csv(errors) -> str:
    """Rejected rows as a CSV a clerk can open in a spreadsheet, reasons in both languages."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "field", "code", "reason_hi", "reason_en"])
    for e in errors:
        cells = (e.row, e.field, e.code, e.message_hi, e.message_en)
        writer.writerow([safe_cell(v) for v in cells])
    return out.getvalue()
