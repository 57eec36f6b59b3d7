"""The student register from the state's portal (e.g. Samagra): one row per child.

Columns: student_id, name, gender (M, F or T), class, udise_code; optional section,
date_of_birth (2017-06-14 or 14-06-2017) and guardian_mobile (ten digits; +91 or a leading 0
is dropped), stored only where the file has it. Student IDs and sections are taken in capitals
("ab12" is "AB12"). A row is matched to the register by its student ID and counted as new,
changed (name, gender, class, section, school or date of birth differ, or the student was
inactive) or unchanged.

Students of the area who are not in the file stay as they are: a district can send its own
schools' children, and a file that leaves a school out does not empty its register. (Marking
the children missing from a state-wide file inactive would be a separate, explicit option.)

A student already on the register of a school outside the importer's area is rejected rather
than moved: moving a child out of another district's school is for that district or the state.

Files of a crore rows are streamed: each chunk is checked against the database on its own and
written with bulk inserts and updates, so memory does not grow with the register, except for
the duplicate check (see SeenIds: about 200 MB for a crore IDs).
"""

import datetime
import re
from array import array
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, reset_queries
from django.utils import timezone
from django.utils.translation import gettext_noop

from hazari.imports.engine import Importer, SchoolLookup
from hazari.lib.bulk import bulk_update_rows
from hazari.lib.tabular import RowError
from hazari.orgunits.models import School
from hazari.registers.models import Gender, PastStay, Student

GENDERS = {
    "M": Gender.BOY,
    "MALE": Gender.BOY,
    "BOY": Gender.BOY,
    "F": Gender.GIRL,
    "FEMALE": Gender.GIRL,
    "GIRL": Gender.GIRL,
    "T": Gender.THIRD_GENDER,
    "TG": Gender.THIRD_GENDER,
    "TRANSGENDER": Gender.THIRD_GENDER,
    "THIRD GENDER": Gender.THIRD_GENDER,
}
DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
MOBILE = re.compile(r"(?:\+?91|0)?([6-9]\d{9})")
WRITE_BATCH = 2000


class Current(NamedTuple):
    """A student as the file wants them (or as the register has them): what an import
    compares and writes."""

    name: str
    gender: str
    class_no: int
    section: str
    school_id: int
    date_of_birth: datetime.date | None
    is_active: bool = True
    guardian_mobile: str = ""


# --- The duplicate check ------------------------------------------------------------------

_EXACT = 1 << 63  # the key holds the ID itself
_HASHED = (1 << 63) | (1 << 62)  # the key holds a hash of the ID
_LOW_62 = (1 << 62) - 1
_U64 = (1 << 64) - 1
_FIBONACCI = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: spreads consecutive IDs apart


def id_key(student_id: str) -> int:
    """A non-zero 64-bit key for a valid (ASCII, alphanumeric) student ID.

    An ID of up to 17 digits is the key itself, with its length (so that "0123" and "123"
    differ): exact, no collisions. Samagra IDs (8–9 digits) and UDISE+ PENs are all of this
    kind. Any other ID is keyed by 62 bits of Python's string hash."""
    if len(student_id) <= 17 and student_id.isdigit():
        return _EXACT | (len(student_id) << 57) | int(student_id)
    return _HASHED | (hash(student_id) & _LOW_62)


class SeenIds:
    """The student IDs a file has had so far, each with the row it was first on.

    A file of a crore rows must be checked for repeated IDs without a Python dict of a crore
    strings to row numbers: that alone is well over 1 GB (58 bytes a 9-digit str, 28 an int,
    and the dict's own table). Instead each ID becomes one 64-bit
    key (id_key) in a flat open-addressing hash table — an array('Q') of keys with linear
    probing and an array('I') of row numbers alongside: 12 bytes a slot, kept at most 70% full.
    A crore IDs take a table of 2**24 slots, 200 MB, and 300 MB for a moment while it grows.
    Each row is checked as it is read, so the later row is rejected naming the first, and a
    rejected row never reaches the database write of its chunk.

    Considered and not chosen: a sorted array of hashes checked in finish() (sorting a crore
    values in pure Python builds a list of a crore int objects, ~600 MB, and the chunks would
    be counted and written before the duplicates were known); a temporary table with a unique
    key (a crore extra inserts and lookups in every pass, the dry run included, which
    doubles the database work of a check).

    IDs that are not short digit strings are hashed: two different ones can share a key
    (for a crore of them, about one file in 100,000), and the later is then reported as a
    duplicate of the earlier. Python's string hash is seeded per process, so checking the file
    again does not repeat such a coincidence.
    """

    MAX_LOAD = 0.7

    def __init__(self, bits: int = 16) -> None:
        self._allocate(bits)
        self.count = 0

    def _allocate(self, bits: int) -> None:
        size = 1 << bits
        self._shift = 64 - bits
        self._mask = size - 1
        self._limit = int(size * self.MAX_LOAD)
        self._keys = array("Q", [0]) * size
        self._rows = array("I", [0]) * size

    @property
    def nbytes(self) -> int:
        return len(self._keys) * (self._keys.itemsize + self._rows.itemsize)

    def first_row(self, key: int, row: int) -> int:
        """Record key as seen on row, unless seen before; return the row it was first on."""
        keys, mask = self._keys, self._mask
        i = ((key * _FIBONACCI) & _U64) >> self._shift
        while True:
            k = keys[i]
            if k == key:
                return self._rows[i]
            if k == 0:
                keys[i] = key
                self._rows[i] = row
                self.count += 1
                if self.count > self._limit:
                    self._grow()
                return row
            i = (i + 1) & mask

    def _grow(self) -> None:
        old_keys, old_rows = self._keys, self._rows
        self._allocate(64 - self._shift + 1)
        keys, rows, mask, shift = self._keys, self._rows, self._mask, self._shift
        for key, row in zip(old_keys, old_rows, strict=True):
            if key:
                i = ((key * _FIBONACCI) & _U64) >> shift
                while keys[i]:
                    i = (i + 1) & mask
                keys[i] = key
                rows[i] = row


# --- Reading one row ----------------------------------------------------------------------


def parse_date(raw: str) -> datetime.date | None:
    """2017-06-14 (as XLSX dates arrive) or 14-06-2017, 14/06/2017, 14.06.2017."""
    try:
        if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
            return datetime.date.fromisoformat(raw)
        match = DAY_FIRST.fullmatch(raw)
        if match:
            day, month, year = match.groups()
            return datetime.date(int(year), int(month), int(day))
    except ValueError:
        pass
    return None


class StudentImporter(Importer):
    required = {"student_id", "name", "gender", "class", "udise_code"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.schools = SchoolLookup(self.area)
        # Classes each school of the area teaches, read once (~92,000 schools for a state).
        self.classes: dict[int, range] = {
            school.pk: school.classes
            for school in School.objects.under(self.area).only(
                "category", "lowest_class_override", "highest_class_override"
            )
        }
        self.seen = SeenIds()
        self.today = timezone.localdate()
        self.keeps_mobiles = True

    def _parse(self, row: int, cells: dict[str, str]) -> tuple[list[RowError], str, Current]:
        errors: list[RowError] = []
        student_id = cells["student_id"].upper()
        if not (student_id.isascii() and student_id.isalnum() and len(student_id) <= 20):
            errors.append(
                RowError.of(
                    row,
                    "student_id",
                    "bad_student_id",
                    gettext_noop(
                        "A student ID has 1 to 20 letters (A–Z) and digits; it is %(value)r."
                    ),
                    value=cells["student_id"],
                )
            )
            student_id = ""
        else:
            first = self.seen.first_row(id_key(student_id), row)
            if first != row:
                errors.append(
                    RowError.of(
                        row,
                        "student_id",
                        "duplicate",
                        gettext_noop("The student ID %(value)s is already on row %(first)s."),
                        value=student_id,
                        first=first,
                    )
                )

        name = " ".join(cells["name"].split())
        if not name:
            errors.append(RowError.of(row, "name", "no_name", gettext_noop("The name is empty.")))
        elif len(name) > Student.NAME_MAX:
            errors.append(
                RowError.of(
                    row,
                    "name",
                    "name_too_long",
                    gettext_noop(
                        "The name has %(length)s characters; at most %(limit)s are allowed."
                    ),
                    length=len(name),
                    limit=Student.NAME_MAX,
                )
            )

        gender = GENDERS.get(cells["gender"].upper(), "")
        if not gender:
            errors.append(
                RowError.of(
                    row,
                    "gender",
                    "bad_gender",
                    gettext_noop(
                        "Gender must be M (boy), F (girl) or T (third gender); it is %(value)r."
                    ),
                    value=cells["gender"],
                )
            )

        school = self.schools.find(row, cells["udise_code"])
        school_id = 0
        if isinstance(school, RowError):
            errors.append(school)
        else:
            school_id = school

        raw_class = cells["class"]
        class_no = int(raw_class) if raw_class.isdigit() else 0
        if not 1 <= class_no <= 12:
            errors.append(
                RowError.of(
                    row,
                    "class",
                    "bad_class",
                    gettext_noop("A class is a number from 1 to 12; it is %(value)r."),
                    value=raw_class,
                )
            )
        elif school_id and class_no not in self.classes[school_id]:
            taught = self.classes[school_id]
            errors.append(
                RowError.of(
                    row,
                    "class",
                    "class_not_taught",
                    gettext_noop(
                        "This school teaches classes %(low)s to %(high)s, not class %(class_no)s."
                    ),
                    low=taught.start,
                    high=taught.stop - 1,
                    class_no=class_no,
                )
            )

        section = cells.get("section", "").upper()
        if len(section) > Student.SECTION_MAX:
            errors.append(
                RowError.of(
                    row,
                    "section",
                    "section_too_long",
                    gettext_noop("A section has at most %(limit)s characters; it is %(value)r."),
                    limit=Student.SECTION_MAX,
                    value=section,
                )
            )

        raw_date = cells.get("date_of_birth", "")
        born = parse_date(raw_date) if raw_date else None
        if raw_date and born is None:
            errors.append(
                RowError.of(
                    row,
                    "date_of_birth",
                    "bad_date",
                    gettext_noop(
                        "The date of birth must be a date such as 2017-06-14 or 14-06-2017; "
                        "it is %(value)r."
                    ),
                    value=raw_date,
                )
            )
        elif born is not None and born > self.today:
            errors.append(
                RowError.of(
                    row,
                    "date_of_birth",
                    "future_date",
                    gettext_noop("The date of birth %(value)s is in the future."),
                    value=raw_date,
                )
            )
        # A file without the column leaves the numbers on the register as they are.
        self.keeps_mobiles = "guardian_mobile" not in cells
        raw_mobile = re.sub(r"[\s-]", "", cells.get("guardian_mobile", ""))
        mobile = MOBILE.fullmatch(raw_mobile)
        if raw_mobile and mobile is None:
            errors.append(
                RowError.of(
                    row,
                    "guardian_mobile",
                    "bad_mobile",
                    gettext_noop(
                        "A guardian's mobile has ten digits and starts with 6, 7, 8 or 9; it "
                        "is %(value)r."
                    ),
                    value=cells.get("guardian_mobile", ""),
                )
            )
        current = Current(
            name, gender, class_no, section, school_id, born, True, mobile[1] if mobile else ""
        )
        return errors, student_id, current

    def feed(self, rows, *, write: bool) -> None:
        if settings.DEBUG:
            # With DEBUG on, Django keeps the SQL of the last 9,000 queries; with a chunk's
            # IDs and bulk inserts in them, that is over 1 GB by the end of a crore rows.
            reset_queries()
        wanted: dict[str, tuple[int, Current]] = {}
        for row, cells in rows:
            errors, student_id, current = self._parse(row, cells)
            if errors:
                self.outcome.reject(errors)
            else:
                wanted[student_id] = (row, current)
        self._compare_and_write(wanted, write=write)

    def _compare_and_write(self, wanted: dict[str, tuple[int, Current]], *, write: bool) -> None:
        existing = {
            sid: (pk, since, Current(*rest))
            for pk, sid, since, *rest in Student.objects.filter(
                student_id__in=list(wanted)
            ).values_list("pk", "student_id", "since", *Current._fields)
        }
        new: list[tuple[str, Current]] = []
        changed: list[tuple[int, Current, datetime.date | None]] = []
        ended: list[PastStay] = []
        for student_id, (row, want) in wanted.items():
            found = existing.get(student_id)
            if found is None:
                new.append((student_id, want))
                continue
            pk, since, have = found
            if self.keeps_mobiles:
                want = want._replace(guardian_mobile=have.guardian_mobile)
            if have.school_id not in self.classes:  # every school of the area is a key
                self.outcome.reject(
                    [
                        RowError.of(
                            row,
                            "student_id",
                            "student_outside_area",
                            gettext_noop(
                                "The student %(value)s is on the register of a school outside "
                                "your area; that school's officers or the state office can "
                                "move the student."
                            ),
                            value=student_id,
                        )
                    ]
                )
            elif have != want:
                stay, since = stay_change(pk, have, want, since, self.today)
                if stay is not None:
                    ended.append(stay)
                changed.append((pk, want, since))
            else:
                self.outcome.unchanged += 1
        self.outcome.new += len(new)
        self.outcome.changed += len(changed)
        if write and not self.outcome.rejected:
            now = timezone.now()
            insert_students(new, now, since=self.today)
            bulk_update_rows(
                [new_student(pk, "", *want, now, since) for pk, want, since in changed],
                [*Current._fields, "updated", "since"],
                batch_size=WRITE_BATCH,
            )
            PastStay.objects.bulk_create(ended, batch_size=WRITE_BATCH)


def stay_change(
    pk: int, have: Current, want: Current, since: datetime.date | None, today: datetime.date
) -> tuple[PastStay | None, datetime.date | None]:
    """What a change does to the student's stay: (the stay it ends, if any; since when the
    current stay runs). A move to another school or class ends the stay; the new one starts
    today, and today stays on the old register too (see PastStay). Coming back onto the
    register after leaving it starts a new stay (the old one was ended when the student left).
    A new name, section or date of birth changes nothing."""
    if not have.is_active and want.is_active:
        return None, today
    if (have.school_id, have.class_no) == (want.school_id, want.class_no):
        return None, since
    stay = PastStay(
        student_id=pk,
        school_id=have.school_id,
        class_no=have.class_no,
        since=min(since, today) if since is not None else None,
        until=today,
    )
    return stay, today


# Student(pk, student_id, *current, updated, since): positional arguments are Django's fast
# path, about four times quicker than keywords (4 against 15 µs a row). They must follow the
# order of the model's fields, checked here once.
new_student: Callable[..., Student] = Student
if [f.attname for f in Student._meta.concrete_fields] != [
    "id",
    "student_id",
    *Current._fields,
    "updated",
    "since",
]:
    raise ImproperlyConfigured("Student's fields no longer match students_import.Current.")


def insert_students(
    new: list[tuple[str, Current]], now: datetime.datetime, *, since: datetime.date | None
) -> None:
    """Insert the new students of a chunk.

    On PostgreSQL one INSERT ... SELECT FROM unnest(arrays) per chunk, as the enrolment import
    writes its rows (hazari.lib.bulk): bulk_create spends about 70 µs a row in Python
    preparing every value of every field, this about 25 µs all told. Elsewhere bulk_create."""
    if not new:
        return
    if connection.vendor != "postgresql":
        Student.objects.bulk_create(
            [new_student(None, sid, *want, now, since) for sid, want in new],
            batch_size=WRITE_BATCH,
        )
        return
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in Student._meta.concrete_fields}
    written = [fields[name] for name in ("student_id", *Current._fields, "updated", "since")]
    columns = ", ".join(quote(str(f.column)) for f in written)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in written)
    # Only names from the model's own meta go into the text; every value is a parameter.
    sql = f"INSERT INTO {quote(Student._meta.db_table)} ({columns}) SELECT * FROM unnest({arrays})"  # noqa: S608
    rows = ((sid, *want, now, since) for sid, want in new)
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
