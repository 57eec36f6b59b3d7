"""Staff postings from the state's HRMIS: one row per employee.

Columns: employee_code, name, designation, udise_code; optional mobile and posted_on (the date
the employee joined the school named in the row; today when empty or missing).

For each row:
- no current posting for the employee: a posting is opened at the school from posted_on (new);
- a current posting at the same school: name, designation and mobile are updated in place if
  they differ (changed), else nothing happens (unchanged). Its start date is kept: posted_on
  only matters when a posting is opened. An empty mobile cell leaves the mobile as it is;
- a current posting at another school of the area: it is ended on the day before posted_on,
  with the reason "Transferred (HRMIS)", and a new one is opened (changed).

Staff of the area who are missing from the file are left as they are: HRMIS files are often
partial (one district, one cadre), so absence does not mean the posting ended. A DDO or block
officer ends postings through the web.

A row is rejected for an unknown school or one outside the importer's area, a malformed
employee code, a missing name or designation, a bad mobile, a bad or future date, an employee
code already on an earlier row, an employee currently posted outside the importer's area (the
state administrator's file, or that area's DDO, must move them), or a posted_on that would
overlap the employee's earlier posting.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from hazari.imports.engine import Importer, SchoolLookup
from hazari.lib.tabular import RowError
from hazari.orgunits.models import mobile_validator
from hazari.staff.models import (
    EMPLOYEE_CODE_RE,
    REASON_HRMIS,
    REASON_TRANSFERRED,
    Posting,
    Source,
    normalize_employee_code,
    normalize_mobile,
    normalize_text,
)

UPDATED_FIELDS = ["name", "designation", "mobile", "end_date", "ended_reason"]
EARLIEST = datetime.date(1950, 1, 1)
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_day(raw: str) -> datetime.date | None:
    """2021-07-01, or the Indian day-first 01-07-2021, 01/07/2021, 01.07.2021."""
    if m := _YMD.match(raw):
        y, mo, d = m.groups()
    elif m := _DMY.match(raw):
        d, mo, y = m.groups()
    else:
        return None
    try:
        return datetime.date(int(y), int(mo), int(d))
    except ValueError:
        return None


@dataclass
class Row:
    row: int
    code: str
    name: str
    designation: str
    school_id: int
    mobile: str | None  # None: leave the mobile as it is
    posted_on: datetime.date


class StaffImporter(Importer):
    required = {"employee_code", "name", "designation", "udise_code"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.schools = SchoolLookup(self.area)
        self.today = timezone.localdate()
        self.seen: dict[str, int] = {}

    def _parse(self, row: int, cells: dict[str, str]) -> tuple[list[RowError], Row | None]:
        errors: list[RowError] = []
        code = normalize_employee_code(cells["employee_code"])
        if not EMPLOYEE_CODE_RE.match(code):
            errors.append(
                RowError.of(
                    row,
                    "employee_code",
                    "bad_employee_code",
                    gettext_noop(
                        "An employee code has 3 to 32 letters, digits, dots, dashes or "
                        "underscores; it is %(value)r."
                    ),
                    value=cells["employee_code"],
                )
            )
        else:
            first = self.seen.setdefault(code, row)
            if first != row:
                errors.append(
                    RowError.of(
                        row,
                        "employee_code",
                        "duplicate",
                        gettext_noop("The employee %(employee)s is already on row %(first)s."),
                        employee=code,
                        first=first,
                    )
                )
        name = normalize_text(cells["name"])
        if not name:
            errors.append(
                RowError.of(row, "name", "missing_name", gettext_noop("The name is missing."))
            )
        elif len(name) > 150:
            errors.append(
                RowError.of(
                    row,
                    "name",
                    "name_too_long",
                    gettext_noop("The name is longer than %(limit)s letters."),
                    limit=150,
                )
            )
        designation = normalize_text(cells["designation"])
        if not designation:
            errors.append(
                RowError.of(
                    row,
                    "designation",
                    "missing_designation",
                    gettext_noop("The designation is missing."),
                )
            )
        elif len(designation) > 100:
            errors.append(
                RowError.of(
                    row,
                    "designation",
                    "designation_too_long",
                    gettext_noop("The designation is longer than %(limit)s letters."),
                    limit=100,
                )
            )
        school = self.schools.find(row, cells["udise_code"])
        if isinstance(school, RowError):
            errors.append(school)
        mobile: str | None = None
        raw_mobile = cells.get("mobile", "")
        if raw_mobile:
            mobile = normalize_mobile(raw_mobile)
            try:
                mobile_validator(mobile)
            except ValidationError:
                errors.append(
                    RowError.of(
                        row,
                        "mobile",
                        "bad_mobile",
                        gettext_noop(
                            "A mobile number has 10 digits and starts with 6, 7, 8 or 9; it is "
                            "%(value)r."
                        ),
                        value=raw_mobile,
                    )
                )
        posted_on = self.today
        raw_date = cells.get("posted_on", "")
        if raw_date:
            day = parse_day(raw_date)
            if day is None or day < EARLIEST:
                errors.append(
                    RowError.of(
                        row,
                        "posted_on",
                        "bad_date",
                        gettext_noop(
                            "The date must look like 2021-07-01 or 01-07-2021; it is %(value)r."
                        ),
                        value=raw_date,
                    )
                )
            elif day > self.today:
                errors.append(
                    RowError.of(
                        row,
                        "posted_on",
                        "future_date",
                        gettext_noop(
                            "The date %(value)s is in the future; import a posting once it "
                            "has begun."
                        ),
                        value=raw_date,
                    )
                )
            else:
                posted_on = day
        if errors or isinstance(school, RowError):
            return errors, None
        return [], Row(row, code, name, designation, school, mobile, posted_on)

    def feed(self, rows, *, write: bool) -> None:
        parsed: list[Row] = []
        for row, cells in rows:
            errors, item = self._parse(row, cells)
            if errors:
                self.outcome.reject(errors)
            elif item is not None:
                parsed.append(item)
        self._compare_and_write(parsed, write=write)

    def _compare_and_write(self, parsed: list[Row], *, write: bool) -> None:
        codes = [r.code for r in parsed]
        current = {
            p.employee_code: p
            for p in Posting.objects.filter(employee_code__in=codes)
            .current()
            .select_related("school__unit")
        }
        last_end = dict(
            Posting.objects.filter(employee_code__in=codes, end_date__isnull=False)
            .values("employee_code")
            .annotate(last=Max("end_date"))
            .values_list("employee_code", "last")
        )
        who, why = self.batch.uploaded_by, self.batch.source
        new: list[Posting] = []
        updated: list[Posting] = []
        for r in parsed:
            posting = current.get(r.code)
            if posting is not None and posting.school_id == r.school_id:
                if self._update_in_place(posting, r):
                    updated.append(posting)
                    self.outcome.changed += 1
                else:
                    self.outcome.unchanged += 1
                continue
            if posting is not None:
                error = self._transfer_error(posting, r)
                if error:
                    self.outcome.reject([error])
                    continue
                posting.end_date = r.posted_on - datetime.timedelta(days=1)
                posting.ended_reason = REASON_TRANSFERRED
                updated.append(posting)
                self.outcome.changed += 1
            else:
                ended = last_end.get(r.code)
                if ended is not None and ended >= r.posted_on:
                    self.outcome.reject([self._overlap_error(r, ended)])
                    continue
                self.outcome.new += 1
            new.append(
                Posting(
                    employee_code=r.code,
                    name=r.name,
                    designation=r.designation,
                    school_id=r.school_id,
                    mobile=r.mobile or "",
                    start_date=r.posted_on,
                    source=Source.HRMIS,
                    reason=REASON_HRMIS,
                    created_by=who,
                )
            )
        if write and not self.outcome.rejected:
            # The old postings end first: an employee has one open posting at a time.
            bulk_update_with_history(
                updated,
                Posting,
                UPDATED_FIELDS,
                batch_size=2000,
                default_user=who,
                default_change_reason=why,
            )
            bulk_create_with_history(
                new, Posting, batch_size=2000, default_user=who, default_change_reason=why
            )

    @staticmethod
    def _update_in_place(posting: Posting, r: Row) -> bool:
        wanted = {"name": r.name, "designation": r.designation}
        if r.mobile is not None:
            wanted["mobile"] = r.mobile
        differs = {f: v for f, v in wanted.items() if getattr(posting, f) != v}
        for f, v in differs.items():
            setattr(posting, f, v)
        return bool(differs)

    def _transfer_error(self, posting: Posting, r: Row) -> RowError | None:
        if not self.area.contains(posting.school.unit):
            return RowError.of(
                r.row,
                "employee_code",
                "posted_outside_area",
                gettext_noop(
                    "The employee %(employee)s is posted at a school outside your area; the DDO "
                    "there must end that posting first."
                ),
                employee=r.code,
            )
        if r.posted_on <= posting.start_date:
            return RowError.of(
                r.row,
                "posted_on",
                "before_current_posting",
                gettext_noop(
                    "The employee %(employee)s has been posted at %(school)s since %(since)s; the "
                    "new posting must start after that."
                ),
                employee=r.code,
                school=posting.school.udise_code,
                since=posting.start_date.strftime("%d-%m-%Y"),
            )
        return None

    @staticmethod
    def _overlap_error(r: Row, ended: datetime.date) -> RowError:
        return RowError.of(
            r.row,
            "posted_on",
            "overlaps_earlier_posting",
            gettext_noop(
                "The employee %(employee)s was posted elsewhere until %(until)s; the new posting "
                "must start after that."
            ),
            employee=r.code,
            until=ended.strftime("%d-%m-%Y"),
        )
