"""Reading uploaded tables and reporting rejected rows, shared by every import."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from hazari.lib.i18n import in_both_languages


@dataclass(frozen=True)
class RowError:
    """One reason a row was rejected. Row 1 is the header, as a spreadsheet numbers it."""

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


def read_csv(data: bytes | str, *, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, {column: stripped value}) for each data row of a CSV file.

    Raises FileError for an unreadable file or missing columns; a row with the wrong number
    of cells comes out with the key "__malformed__" so the caller can reject that row alone.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileError(
                RowError.of(0, "", "encoding", gettext_noop("The file is not UTF-8 text."))
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    if not text.strip():
        raise FileError(RowError.of(0, "", "empty", gettext_noop("The file is empty.")))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
        missing = sorted(required - set(header))
        if missing:
            raise FileError(
                RowError.of(
                    1,
                    ",".join(missing),
                    "missing_columns",
                    gettext_noop("Required columns are missing: %(columns)s."),
                    columns=", ".join(missing),
                )
            )
        for values in reader:
            row = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield row, {"__malformed__": str(len(values)), "__expected__": str(len(header))}
                continue
            yield row, {h: v.strip() for h, v in zip(header, values, strict=True)}
    except csv.Error as e:
        raise FileError(
            RowError.of(
                reader.line_num,
                "",
                "malformed_file",
                gettext_noop("The file is not valid CSV near row %(near)s: %(reason)s."),
                near=reader.line_num,
                reason=str(e),
            )
        ) from None


def malformed_row_error(row: int, cells: dict[str, str]) -> RowError:
    return RowError.of(
        row,
        "",
        "malformed_row",
        gettext_noop("The row has %(found)s cells; the header has %(expected)s."),
        found=cells["__malformed__"],
        expected=cells["__expected__"],
    )


def safe_cell(value: object) -> object:
    """Keep a spreadsheet from running a cell as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def errors_as_csv(errors: list[RowError]) -> str:
    """Rejected rows as a CSV a clerk can open in a spreadsheet, reasons in both languages."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "field", "code", "reason_hi", "reason_en"])
    for e in errors:
        writer.writerow(
            [safe_cell(v) for v in (e.row, e.field, e.code, e.message_hi, e.message_en)]
        )
    return out.getvalue()
