"""The demo's student register and its children's roll-call marks (issue 15).

The register: one `registers.Student` per child counted in the enrolment (each class's boys,
girls and third gender become that many children of that class and gender), with a made-up
name, a date of birth that fits the class, and a nine-digit student ID like a Samagra ID
(unique: a fixed stride through the nine-digit numbers). `since` is empty: on the register
since before Hazari's records. At full scale that is ~87 lakh rows, written with COPY on
PostgreSQL (bulk_create would spend ~70 µs a row preparing values; COPY takes the tuples as
they are).

The marks: hazari.demo.attendance asks `RollModel` for a school's roll call of a day. Each
child has a habit drawn once from the seed: most come on ~96 % of days (92 % or so once the
season and the weekday are counted); a share of each school's children are chronically absent
(present on 45–82 % of days), a small share in most schools, 20–30 % of the children in one
school in eight; and in one block per district (standing in for the tribal blocks whose
families leave for work) a share of each school's children are away for three to seven weeks
after Diwali (October–November) and again in February–March. Writing the marks
(`MarkWriter`) is one upsert per school-month-student, OR-ing a month's bits into what is
there, as the capture service's own upsert does (hazari.students.store).
"""

import datetime
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone
from tqdm import tqdm

from hazari.demo.names import child_name
from hazari.demo.plan import StatePlan
from hazari.lib.copy import copy_rows
from hazari.registers.models import Student, academic_year_of
from hazari.students.models import Mark, MarkMonth

# Nine-digit IDs, 100000000–999999999, visited with a stride coprime to their number.
FIRST_ID, ID_SPAN, ID_STRIDE = 100_000_000, 900_000_000, 7_919_113
REGISTER_COLUMNS = [
    "student_id",
    "name",
    "gender",
    "class_no",
    "section",
    "school_id",
    "date_of_birth",
    "is_active",
    "updated",
    "since",
]
BATCH = 5000

GENDERS = ("M", "F", "T")
# A child's habit: the share of schools with many chronic absentees, and the ranges drawn.
CLUSTERED_SCHOOLS = 0.125
CLUSTERED_CHRONIC = (0.20, 0.30)
USUAL_CHRONIC = (0.01, 0.06)
CHRONIC_PRESENT = (0.45, 0.82)
USUAL_PRESENT, USUAL_SPREAD = 0.96, 0.025
# Seasonal migration: the share of a migrating block's school's children who leave, and
# when (month, first day, days of spread) and for how long (days).
MIGRANT_SHARE = (0.15, 0.35)
SEASONS = (((10, 20), 25, (21, 50)), ((2, 1), 20, (21, 45)))
LATE, LEFT_EARLY = 0.04, 0.015  # of children present, where the rules mark them


def student_id(n: int) -> str:
    """The nth child's student ID (n from 1): nine digits, never the same for two n below
    90 crore."""
    return str(FIRST_ID + (n * ID_STRIDE) % ID_SPAN)


def register_rows(
    plan: StatePlan, school_ids: dict[str, int], seed: int, now: datetime.datetime
) -> Iterator[tuple]:
    """The register's rows (REGISTER_COLUMNS), school by school in the plan's order."""
    rng = random.Random(f"{seed}:students")
    year = academic_year_of(timezone.localdate(now))
    n = 0
    for _, school in plan.schools():
        school_id = school_ids[school.udise_code]
        for count in school.enrolment:
            # Six on 1 April in class 1, give or take half a year.
            first_birthday = datetime.date(year - 5 - count.class_no, 1, 1).toordinal()
            for gender, children in zip(
                GENDERS, (count.boys, count.girls, count.third_gender), strict=True
            ):
                for _ in range(children):
                    n += 1
                    born = datetime.date.fromordinal(first_birthday + rng.randrange(365))
                    name = child_name(rng, gender)
                    yield (student_id(n), name, gender, count.class_no, "", school_id, born,
                           True, now, None)  # fmt: skip


def children_in(plan: StatePlan) -> int:
    return sum(school.children for _, school in plan.schools())


def write_register(
    plan: StatePlan, school_ids: dict[str, int], seed: int, bar: tqdm | None = None
) -> int:
    """Write every child of the plan onto the register; the number written."""
    rows = register_rows(plan, school_ids, seed, timezone.now())
    return copy_rows(Student, REGISTER_COLUMNS, rows, bar.update if bar is not None else None)


# --- Roll calls ---------------------------------------------------------------------------


@dataclass(slots=True)
class Child:
    pk: int
    class_no: int
    gender: int  # 0 boy, 1 girl, 2 third gender (a class row's order)
    present: float  # share of ordinary days present
    away: tuple[tuple[int, int], ...] = ()  # ordinal days away with a migrating family


@dataclass
class Roll:
    """A school's children and their habits."""

    children: list[Child] = field(default_factory=list)
    chronic: float = 0.0  # share of the children chronically absent
    migrating: float = 0.0  # share who leave with their families in the season
    late_marks: bool = False

    def call(
        self, day: datetime.date, shift: float, rng: random.Random, *, everyone: bool = False
    ) -> tuple[list[tuple[int, str]], dict[int, list[int]]]:
        """The day's marks [(student, mark)] and the children present by class
        {class: [boys, girls, third gender]} (late and left early count as present)."""
        o = day.toordinal()
        marks: list[tuple[int, str]] = []
        present: dict[int, list[int]] = {}
        draw = rng.random
        for c in self.children:
            counts = present.get(c.class_no)
            if counts is None:
                counts = present[c.class_no] = [0, 0, 0]
            away = False
            for lo, hi in c.away:
                if lo <= o <= hi:
                    away = True
                    break
            if not everyone and (away or draw() >= c.present + shift):
                marks.append((c.pk, Mark.ABSENT))
                continue
            counts[c.gender] += 1
            mark = Mark.PRESENT
            if self.late_marks:
                r = draw()
                mark = Mark.LATE if r < LATE else Mark.LEFT_EARLY if r < LATE + LEFT_EARLY else mark
            marks.append((c.pk, mark))
        return marks, present


def migrating_blocks(blocks: Sequence[tuple[int, int | None, str]], seed: int) -> set[int]:
    """One block per district whose families leave for work in the season: (block id,
    district id, block code) of every block; the ids of those that migrate."""
    best: dict[int | None, tuple[float, int]] = {}
    for block_id, district_id, code in blocks:
        draw = random.Random(f"{seed}:migration:{code}").random()
        if district_id not in best or draw < best[district_id][0]:
            best[district_id] = (draw, block_id)
    return {block_id for _draw, block_id in best.values()}


def rolls(
    school_ids: Iterable[int],
    *,
    seed: int,
    migrating: set[int],
    block_of: dict[int, int],
    late_marks: dict[int, bool],
    first: datetime.date,
    last: datetime.date,
) -> dict[int, Roll]:
    """The children of these schools, each with their habits, drawn from the seed."""
    wanted = set(school_ids)
    by_school: dict[int, list[tuple[int, int, str]]] = {}
    students = Student.objects.filter(is_active=True).order_by("pk")
    if len(wanted) <= 5000:  # a district's schools; a whole state's are read as they come
        students = students.filter(school_id__in=sorted(wanted))
    for pk, school_id, class_no, gender in students.values_list(
        "pk", "school_id", "class_no", "gender"
    ).iterator(chunk_size=20_000):
        if school_id in wanted:
            by_school.setdefault(school_id, []).append((pk, class_no, gender))
    years = range(academic_year_of(first), academic_year_of(last) + 1)
    out = {}
    for school_id, rows in by_school.items():
        rng = random.Random(f"{seed}:roll:{school_id}")
        chronic = rng.uniform(
            *(CLUSTERED_CHRONIC if rng.random() < CLUSTERED_SCHOOLS else USUAL_CHRONIC)
        )
        leaving = rng.uniform(*MIGRANT_SHARE) if block_of.get(school_id) in migrating else 0.0
        roll = Roll(chronic=chronic, migrating=leaving, late_marks=late_marks.get(school_id, False))
        for pk, class_no, gender in rows:
            if rng.random() < chronic:
                present = rng.uniform(*CHRONIC_PRESENT)
            else:
                present = min(0.995, max(0.88, rng.gauss(USUAL_PRESENT, USUAL_SPREAD)))
            away: tuple[tuple[int, int], ...] = ()
            if leaving and rng.random() < leaving:
                away = tuple(_away_in(rng, year, season) for year in years for season in SEASONS)
            roll.children.append(Child(pk, class_no, GENDERS.index(gender), present, away))
        out[school_id] = roll
    return out


def _away_in(rng: random.Random, year: int, season) -> tuple[int, int]:
    """Days away in one season of the academic year `year` (April to March)."""
    (month, day), spread, (shortest, longest) = season
    leaves = datetime.date(year if month >= 4 else year + 1, month, day).toordinal()
    leaves += rng.randrange(spread)
    return leaves, leaves + rng.randint(shortest, longest) - 1


# --- Writing the marks --------------------------------------------------------------------


class MarkWriter:
    """A month's marks of many schools gathered in memory, then upserted into MarkMonth."""

    COLUMNS = ["school_id", "month", "student_id", "marked", "absent", "late", "left_early"]

    def __init__(self) -> None:
        self.month: dict[tuple[int, datetime.date, int], list[int]] = {}
        self.rows = 0
        self.marks = 0

    def add(self, school_id: int, day: datetime.date, marks: Sequence[tuple[int, str]]) -> None:
        """A school-day's marks (those of its current version)."""
        bit = 1 << (day.day - 1)
        first = day.replace(day=1)
        for student, mark in marks:
            key = (school_id, first, student)
            bits = self.month.get(key)
            if bits is None:
                bits = self.month[key] = [0, 0, 0, 0]
            bits[0] |= bit
            if mark == Mark.ABSENT:
                bits[1] |= bit
            elif mark == Mark.LATE:
                bits[2] |= bit
            elif mark == Mark.LEFT_EARLY:
                bits[3] |= bit
        self.marks += len(marks)

    def flush(self) -> int:
        """Upsert what was gathered: the month's bits OR-ed into rows already there (a day
        already marked is not marked again: the generator skips days with attendance)."""
        rows: list[tuple[Any, ...]] = [(*key, *bits) for key, bits in self.month.items()]
        self.month = {}
        if not rows:
            return 0
        quote = connection.ops.quote_name
        meta = MarkMonth._meta
        column = {f.attname: quote(str(f.column)) for f in meta.concrete_fields}
        table = quote(meta.db_table)
        names = ", ".join(column[c] for c in self.COLUMNS)
        marked = column["marked"]
        sets = [f"{marked} = {table}.{marked} | excluded.{marked}"]
        sets += [
            f"{column[s]} = ({table}.{column[s]} & ~excluded.{marked}) | excluded.{column[s]}"
            for s in ("absent", "late", "left_early")
        ]
        conflict = (
            f"ON CONFLICT ({column['school_id']}, {column['month']}, {column['student_id']}) "
            f"DO UPDATE SET {', '.join(sets)}"
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                fields = [cast(models.Field, meta.get_field(c)) for c in self.COLUMNS]
                types = [
                    cast(models.Field, f.target_field if f.is_relation else f).db_type(connection)  # type: ignore[attr-defined]
                    for f in fields
                ]
                arrays = ", ".join(f"%s::{t}[]" for t in types)
                sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {conflict}"  # noqa: S608
                for start in range(0, len(rows), 50_000):
                    chunk = rows[start : start + 50_000]
                    cursor.execute(sql, [list(c) for c in zip(*chunk, strict=True)])
            else:
                marks = ", ".join(["%s"] * len(self.COLUMNS))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}"  # noqa: S608
                month = connection.ops.adapt_datefield_value
                cursor.executemany(sql, [(r[0], month(r[1]), *r[2:]) for r in rows])
        self.rows += len(rows)
        return len(rows)
