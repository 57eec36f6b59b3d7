"""Loading a state's holidays for one academic session from a file, all rows or none.

Columns (header names, any order; others are ignored):
  name        what the holiday is, e.g. "Independence Day"
  date        for a one-day holiday, or
  start, end  for a range (end may be left empty for one day)
  kind        optional: state_holiday (the default), vacation, weather, election_duty,
              local_festival or other
Dates as 2026-08-15 or 15-08-2026. The session (1 April to 31 March, Sunday off) is created
if it does not exist yet. Every row goes through services.closure_add for the state unit.
Loading the same file again changes nothing: a row already entered with the same dates,
kind and name counts as unchanged.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop, override

from hazari.lib.tabular import MALFORMED, FileError, RowError, iter_table, malformed_row_error
from hazari.orgunits.models import OrgUnit
from hazari.schooldays import services
from hazari.schooldays.models import AcademicSession, Closure, Kind

DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
LOADABLE_KINDS = [k for k in Kind.values if k != Kind.LOCAL_HOLIDAY]


@dataclass
class LoadResult:
    session: AcademicSession | None = None
    session_created: bool = False
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rollback(Exception):
    pass


def parse_date(text: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _both(error: ValidationError) -> tuple[str, str]:
    """A service's message (lazy, with params) in Hindi and English."""
    texts = []
    for language in ("hi", "en"):
        with override(language):
            message = str(error.message)
            texts.append(message % error.params if error.params else message)
    return texts[0], texts[1]


def _service_errors(row: int, e: ValidationError, columns: dict[str, str]) -> list[RowError]:
    out = []
    for name, errors in e.error_dict.items():
        for error in errors:
            hindi, english = _both(error)
            out.append(
                RowError(
                    row=row,
                    field=columns.get(name, ""),
                    code=error.code or "invalid",
                    message_hi=hindi,
                    message_en=english,
                )
            )
    return out


def _parse_row(
    number: int, cells: dict[str, str]
) -> tuple[tuple[datetime.date, datetime.date, str, str] | None, list[RowError], dict[str, str]]:
    errors: list[RowError] = []
    # A row gives either a date, or a start (and maybe an end); a file may mix both.
    one_day = bool(cells.get("date")) or "start" not in cells
    start_column = "date" if one_day else "start"
    end_column = "date" if one_day else "end"
    columns = {"start": start_column, "end": end_column, "kind": "kind", "reason": "name"}

    def date_of(column: str, text: str) -> datetime.date | None:
        if not text:
            errors.append(
                RowError.of(number, column, "required", gettext_noop("The date is missing."))
            )
            return None
        day = parse_date(text)
        if day is None:
            errors.append(
                RowError.of(
                    number,
                    column,
                    "bad_date",
                    gettext_noop("%(value)s is not a date such as 2026-08-15 or 15-08-2026."),
                    value=text,
                )
            )
        return day

    start = date_of(start_column, cells.get(start_column, ""))
    end_text = cells.get("end", "") if not one_day else ""
    end = date_of(end_column, end_text) if end_text else start
    kind = cells.get("kind", "").strip().lower() or Kind.STATE_HOLIDAY
    if kind not in LOADABLE_KINDS:
        errors.append(
            RowError.of(
                number,
                "kind",
                "bad_kind",
                gettext_noop("%(value)s is not a kind of holiday; use one of: %(kinds)s."),
                value=kind,
                kinds=", ".join(LOADABLE_KINDS),
            )
        )
    name = cells.get("name", "")
    if errors or start is None or end is None:
        return None, errors, columns
    return (start, end, kind, name), errors, columns


def holidays_load(
    *,
    data: bytes,
    start_year: int,
    state: OrgUnit | None = None,
    file_name: str = "holidays.csv",
    dry_run: bool = False,
) -> LoadResult:
    """Enter the state holidays of a file for the session starting in April of start_year."""
    state = services.the_state(state)
    result = LoadResult()
    try:
        with transaction.atomic():
            result.session_created = not AcademicSession.objects.filter(
                state=state, start=datetime.date(start_year, 4, 1)
            ).exists()
            session = result.session = services.session_ensure(start_year=start_year, state=state)
            try:
                _load_rows(result, data, file_name, state, session)
            except FileError as e:
                result.errors.append(e.error)
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


def _load_rows(
    result: LoadResult, data: bytes, file_name: str, state: OrgUnit, session: AcademicSession
) -> None:
    rows = iter_table(io.BytesIO(data), file_name=file_name, required={"name"})
    for number, cells in rows:
        if MALFORMED in cells:
            result.errors.append(malformed_row_error(number, cells))
            continue
        if "date" not in cells and "start" not in cells:
            raise FileError(
                RowError.of(
                    1,
                    "date",
                    "missing_columns",
                    gettext_noop("Required columns are missing: %(columns)s."),
                    columns="date (or start, end)",
                )
            )
        parsed, errors, columns = _parse_row(number, cells)
        result.errors.extend(errors)
        if parsed is None:
            continue
        start, end, kind, name = parsed
        if not (session.covers(start) and session.covers(end)):
            result.errors.append(
                RowError.of(
                    number,
                    columns["start"],
                    "outside_session",
                    gettext_noop("The dates lie outside the session %(name)s."),
                    name=session.name,
                )
            )
            continue
        reason = " ".join(name.split())
        if Closure.objects.filter(
            unit=state, start=start, end=end, kind=kind, reason=reason
        ).exists():
            result.unchanged += 1
            continue
        try:
            services.closure_add(
                actor=None, unit=state, start=start, end=end, kind=kind, reason=reason
            )
        except ValidationError as e:
            result.errors.extend(_service_errors(number, e, columns))
        else:
            result.created += 1
