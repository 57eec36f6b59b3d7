"""Writing a roll call's marks into the students' month rows (MarkMonth), inside the capture's
transaction (hazari.attendance.services).

The marks follow the school-day's current version: when a version becomes current, the day's
bit is first cleared from every month row of the school that has it (a correction may drop a
child, or replace a roll call by counts), then set for each child marked, in one upsert:

    INSERT … ON CONFLICT (school, month, student) DO UPDATE
      SET marked = marked | new, absent = (absent & ~day) | new absent, …

On PostgreSQL the rows come as arrays (one statement, prepared once per connection, whatever
the size of the school); on SQLite as a multi-row VALUES. A held version's marks are kept
aside (HeldRollCall) and written only if an officer approves it.
"""

import datetime
from collections.abc import Sequence

from django.db import connection

from hazari.lib import prepared
from hazari.lib.sql import Insert
from hazari.students.models import HeldRollCall, Mark, MarkMonth

_SETS = ("absent", "late", "left_early")
# The day's bit of each set is replaced by the new mark's; `marked` only gains the day.
_UPSERT = Insert(
    MarkMonth,
    ["school_id", "month", "student_id", "marked", *_SETS],
    suffix=(
        "ON CONFLICT ({school_column}, {month_column}, {student_column}) DO UPDATE SET "
        "{marked_column} = {table}.{marked_column} | excluded.{marked_column}, "
        + ", ".join(
            f"{{{s}_column}} = ({{table}}.{{{s}_column}} & ~excluded.{{marked_column}}) "
            f"| excluded.{{{s}_column}}"
            for s in _SETS
        )
    ),
)


def _pg_upsert_sql() -> str:
    """The same upsert with the rows as arrays: one statement text whatever the roll's size."""
    head, _row, suffix = _UPSERT.parts()
    return (
        head.removesuffix(" VALUES")
        + " SELECT %s, %s, u.s, %s, u.a, u.l, u.e "
        + "FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::int[]) AS u(s, a, l, e) "
        + suffix
    )


def _bit(day: datetime.date) -> int:
    return 1 << (day.day - 1)


def marks_clear(cursor, *, school_id: int, day: datetime.date) -> None:
    """Take the day off every month row of the school that has it."""
    quote = connection.ops.quote_name
    column = {f.attname: quote(str(f.column)) for f in MarkMonth._meta.concrete_fields}
    sets = ", ".join(f"{column[c]} = {column[c]} & %s" for c in ("marked", *_SETS))
    keep = ~_bit(day)
    cursor.execute(
        f"UPDATE {quote(MarkMonth._meta.db_table)} SET {sets} "  # noqa: S608 (model names)
        f"WHERE {column['school_id']} = %s AND {column['month']} = %s "
        f"AND ({column['marked']} & %s) <> 0",
        [keep, keep, keep, keep, school_id, _month_value(day), _bit(day)],
    )


def marks_set(
    cursor, *, school_id: int, day: datetime.date, marks: Sequence[tuple[int, str]]
) -> None:
    """Mark each (student, mark) on the day; a day marked before is replaced."""
    if not marks:
        return
    bit = _bit(day)
    month = day.replace(day=1)
    rows = [
        (
            student,
            bit if mark == Mark.ABSENT else 0,
            bit if mark == Mark.LATE else 0,
            bit if mark == Mark.LEFT_EARLY else 0,
        )
        for student, mark in marks
    ]
    if connection.vendor == "postgresql":
        # Each column as the text of an array literal: psycopg dumps a list of ints element by
        # element in Python (~0.5 ms a roll call of ~95); joining their digits costs ~20 µs.
        columns = ["{" + ",".join(map(str, c)) + "}" for c in zip(*rows, strict=True)]
        prepared.execute(
            cursor, "hazari_marks_set", _pg_upsert_sql(), [school_id, month, bit, *columns]
        )
        return
    _UPSERT.execute(cursor, [(school_id, month, s, bit, a, lt, e) for s, a, lt, e in rows])


def marks_report(
    cursor,
    *,
    school_id: int,
    day: datetime.date,
    marks: Sequence[tuple[int, str]] | None,
    correction: bool,
) -> None:
    """The marks of the version that has just become the day's current one (None: it carries
    counts only). A correction clears the day first."""
    if correction:
        marks_clear(cursor, school_id=school_id, day=day)
    if marks:
        marks_set(cursor, school_id=school_id, day=day, marks=marks)


def held_keep(*, version_id: int, marks: Sequence[tuple[int, str]]) -> None:
    HeldRollCall.objects.create(version_id=version_id, marks=[list(m) for m in marks])


def held_marks(version_id: int) -> list[tuple[int, str]] | None:
    """The marks kept with a held version, or None if it carried counts only."""
    found = HeldRollCall.objects.filter(version_id=version_id).values_list("marks", flat=True)
    for marks in found:
        return [(student, mark) for student, mark in marks]
    return None


def _month_value(day: datetime.date) -> object:
    return connection.ops.adapt_datefield_value(day.replace(day=1))
