"""Writing a capture: the statements, and why they are these.

A stored capture is these writes, in one transaction:

1. the day record, made or found with `INSERT … ON CONFLICT (school, date) DO UPDATE …
   RETURNING`: one statement that also locks the row, so that the writers of one school-day
   take turns (version numbers and `current` stay consistent);
2. the version, its number worked out inside the INSERT from the record's last one;
3. its class rows, and (4) its staff rows, one multi-row INSERT each;
5. the capture, last, with `ON CONFLICT (uuid) DO NOTHING RETURNING`: the capture's UUID
   (the primary key) decides idempotency. When nothing comes back, the same UUID is already
   stored (a resend, or an identical upload that won a race): the caller rolls the whole
   transaction back and answers with the stored receipt. That check happens at the unique
   index, never as a check-then-insert.

Then (6) the day record's `current` (and, for the first report, when it came and how: on
time, late, late offline, after the cut-off) is set, unless the version is held for review.

A rejected capture is one statement: the capture alone.

On SQLite (the demo, small states) each write is its own statement (hazari.lib.sql). On
PostgreSQL, writes 2–6 are one statement of data-modifying CTEs, the rows from arrays: a
round trip and a parse-and-plan is most of what each of them costs, and the morning rush is
bound by CPU (docs/benchmarks.md). Write 1 stays apart: whether a correction has its reason
depends on the record it returns.
"""

import dataclasses
import datetime
import json
from dataclasses import dataclass
from uuid import UUID

from django.db import connection, models

from hazari.attendance.checks import MEAL_CLASSES
from hazari.attendance.models import (
    Arrival,
    Capture,
    ClassPresence,
    DayRecord,
    StaffPresence,
    Version,
)
from hazari.lib import prepared
from hazari.lib.sql import Insert

_DAY_RECORD = Insert(
    DayRecord,
    ["school_id", "date", "on_time"],
    # A no-op update, so that RETURNING gives the existing row too, and locks it.
    suffix=(
        "ON CONFLICT ({school_column}, {date_column}) DO UPDATE "
        "SET {school_column} = excluded.{school_column} RETURNING {id_column}, {current_column}"
    ),
)
_VERSION = Insert(
    Version,
    [
        "record_id",
        "number",
        "status",
        "submitted_by_id",
        "role",
        "device_id",
        "captured_at",
        "received_at",
        "reason",
        "meals_served",
        "meals_not_served",
        "meals_note",
        "present_boys",
        "present_girls",
        "present_third_gender",
        "present_meal_classes",
        "review",
        "review_note",
    ],
    placeholders={
        "number": (
            "(SELECT COALESCE(MAX({number_column}), 0) + 1 FROM {table} WHERE {record_column} = %s)"
        ),
    },
    suffix="RETURNING {id_column}, {number_column}",
)
_CLASSES = Insert(ClassPresence, ["version_id", "class_no", "boys", "girls", "third_gender"])
_STAFF = Insert(StaffPresence, ["version_id", "posting_id", "status"])
_CAPTURE = Insert(
    Capture,
    [
        "uuid",
        "school_id",
        "date",
        "submitted_by_id",
        "role",
        "device_id",
        "captured_at",
        "sent_at",
        "received_at",
        "clock_offset",
        "content_hash",
        "status",
        "code",
        "message_hi",
        "message_en",
        "errors",
        "version_id",
    ],
    suffix="ON CONFLICT ({uuid_column}) DO NOTHING RETURNING {uuid_column}",
)


@dataclass(frozen=True, slots=True)
class DayRow:
    id: int
    current_id: int | None


def day_record_lock(cursor, *, school_id: int, date: datetime.date) -> DayRow:
    """The school-day's record, made if new, locked until the transaction ends."""
    ((record_id, current_id),) = _DAY_RECORD.execute(
        cursor, [(school_id, date, False)], name="hazari_day_record"
    )
    return DayRow(record_id, current_id)


@dataclass(frozen=True, slots=True)
class NewVersion:
    record_id: int
    status: str
    submitted_by_id: int
    role: str
    device_id: str
    captured_at: datetime.datetime  # corrected to server time
    received_at: datetime.datetime
    reason: str
    meals_served: int | None
    meals_not_served: str
    meals_note: str
    classes: list[tuple[int, int, int, int]]  # class, boys, girls, third gender
    staff: list[tuple[int, str]]  # posting, status


def _version_values(v: NewVersion) -> tuple:
    return (
        v.record_id,
        (v.record_id,),
        v.status,
        v.submitted_by_id,
        v.role,
        v.device_id,
        v.captured_at,
        v.received_at,
        v.reason,
        v.meals_served,
        v.meals_not_served,
        v.meals_note,
        sum(c[1] for c in v.classes),
        sum(c[2] for c in v.classes),
        sum(c[3] for c in v.classes),
        sum(c[1] + c[2] + c[3] for c in v.classes if c[0] in MEAL_CLASSES),
        "",
        "",
    )


def version_add(cursor, v: NewVersion) -> tuple[int, int]:
    """Insert the version and its rows: (its id, its number)."""
    ((version_id, number),) = _VERSION.execute(cursor, [_version_values(v)])
    _CLASSES.execute(cursor, [(version_id, *c) for c in v.classes])
    _STAFF.execute(cursor, [(version_id, *s) for s in v.staff])
    return version_id, number


def day_record_report(
    cursor, *, record_id: int, version_id: int, reported_at: datetime.datetime, arrival: int
) -> None:
    """Make the version the one the reports use; the first report also sets when the school
    reported, whether on time and how it arrived (expressions on the right see the row as it
    was)."""
    quote = connection.ops.quote_name
    meta = DayRecord._meta
    table, first, punctual, came, current, pk = (
        quote(meta.db_table),
        quote("first_reported_at"),
        quote("on_time"),
        quote("arrival"),
        quote("current_id"),
        quote("id"),
    )
    cursor.execute(
        f"UPDATE {table} SET {current} = %s, "  # noqa: S608 (names from the model)
        f"{first} = COALESCE({first}, %s), "
        f"{punctual} = CASE WHEN {first} IS NULL THEN %s ELSE {punctual} END, "
        f"{came} = CASE WHEN {first} IS NULL THEN %s ELSE {came} END "
        f"WHERE {pk} = %s",
        [
            version_id,
            meta.get_field("first_reported_at").get_db_prep_save(reported_at, connection),
            arrival == Arrival.ON_TIME,
            arrival,
            record_id,
        ],
    )


@dataclass(frozen=True, slots=True)
class NewCapture:
    uuid: UUID
    school_id: int
    date: datetime.date
    submitted_by_id: int
    role: str
    device_id: str
    captured_at: datetime.datetime
    sent_at: datetime.datetime | None
    received_at: datetime.datetime
    clock_offset: int
    content_hash: str
    status: str
    code: str
    message_hi: str
    message_en: str
    errors: list[dict]
    version_id: int | None


def _capture_values(c: NewCapture) -> tuple:
    return (
        c.uuid,
        c.school_id,
        c.date,
        c.submitted_by_id,
        c.role,
        c.device_id,
        c.captured_at,
        c.sent_at,
        c.received_at,
        c.clock_offset,
        c.content_hash,
        c.status,
        c.code,
        c.message_hi,
        c.message_en,
        c.errors,
        c.version_id,
    )


def capture_insert(cursor, c: NewCapture) -> bool:
    """Insert the capture; False when its UUID is already stored (nothing written)."""
    return bool(_CAPTURE.execute(cursor, [_capture_values(c)]))


def version_and_capture_add(
    cursor, v: NewVersion, c: NewCapture, *, report: bool, arrival: int
) -> tuple[int, int] | None:
    """Writes 2–6: the version and its rows, the record's current version when `report`, and
    the capture pointing at the version. (version id, number); None when the capture's UUID is
    already stored (then the caller must roll back: the version was written)."""
    if connection.vendor != "postgresql":
        version_id, number = version_add(cursor, v)
        if report:
            day_record_report(
                cursor,
                record_id=v.record_id,
                version_id=version_id,
                reported_at=v.captured_at,
                arrival=arrival,
            )
        stored = capture_insert(cursor, dataclasses.replace(c, version_id=version_id))
        return (version_id, number) if stored else None
    prepared.execute(
        cursor,
        "hazari_capture_store",
        _pg_sql(),
        [
            *_VERSION.params(_version_values(v)),
            *(list(column) for column in _columns(v.classes, 4)),
            *(list(column) for column in _columns(v.staff, 2)),
            *_CAPTURE.params(_capture_values(c))[:-1],  # the version id comes from v
            *_report_params(v.captured_at, arrival, v.record_id, report),
        ],
    )
    row = cursor.fetchone()
    return (row[0], row[1]) if row[2] else None


def _columns(rows: list[tuple], width: int) -> list[tuple]:
    return list(zip(*rows, strict=True)) if rows else [()] * width


def _report_params(reported_at, arrival, record_id, report) -> list[object]:
    field = DayRecord._meta.get_field("first_reported_at")
    on_time = arrival == Arrival.ON_TIME
    return [field.get_db_prep_save(reported_at, connection), on_time, arrival, record_id, report]


_PG_SQL: list[str] = []


def _pg_sql() -> str:
    if _PG_SQL:
        return _PG_SQL[0]
    quote = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return quote(model._meta.db_table)

    def typed(model: type[models.Model], names: list[str]) -> str:
        fields = [model._meta.get_field(n) for n in names]
        return ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)

    def cast(model: type[models.Model], names: list[str]) -> str:
        fields = [model._meta.get_field(n) for n in names]
        return ", ".join(f"%s::{f.db_type(connection)}" for f in fields)

    version_head, version_row, _ = _VERSION.parts()
    capture_fields = [f.name for f in _CAPTURE.fields[:-1]]
    capture_columns = ", ".join(quote(str(f.column)) for f in _CAPTURE.fields)
    class_fields = ["class_no", "boys", "girls", "third_gender"]
    sql = (
        f"WITH v AS ({version_head} {version_row} RETURNING id, number), "  # noqa: S608
        f"c AS (INSERT INTO {table(ClassPresence)} (version_id, "
        f"{', '.join(quote(n) for n in class_fields)}) "
        f"SELECT v.id, x.* FROM v, unnest({typed(ClassPresence, class_fields)}) AS x), "
        f"s AS (INSERT INTO {table(StaffPresence)} (version_id, posting_id, status) "
        f"SELECT v.id, y.* FROM v, unnest({typed(StaffPresence, ['posting', 'status'])}) AS y), "
        f"k AS (INSERT INTO {table(Capture)} ({capture_columns}) "
        f"SELECT {cast(Capture, capture_fields)}, v.id FROM v "
        f"ON CONFLICT ({quote('uuid')}) DO NOTHING RETURNING 1), "
        f"d AS (UPDATE {table(DayRecord)} AS r SET current_id = v.id, "
        "first_reported_at = COALESCE(r.first_reported_at, %s), "
        "on_time = CASE WHEN r.first_reported_at IS NULL THEN %s ELSE r.on_time END, "
        "arrival = CASE WHEN r.first_reported_at IS NULL THEN %s::smallint ELSE r.arrival END "
        "FROM v WHERE r.id = %s AND %s) "
        "SELECT v.id, v.number, EXISTS (SELECT 1 FROM k) FROM v"
    )
    _PG_SQL.append(sql)
    return sql


# --- Reading a stored capture's receipt ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredCapture:
    content_hash: str
    status: str
    code: str
    message_hi: str
    message_en: str
    errors: list[dict]
    version: int | None  # the day's version number it made, when stored


_RECEIPT_SQL: list[str] = []


def _receipt_sql() -> str:
    if not _RECEIPT_SQL:
        quote = connection.ops.quote_name
        c, v = (quote(m._meta.db_table) for m in (Capture, Version))
        _RECEIPT_SQL.append(
            "SELECT c.content_hash, c.status, c.code, c.message_hi, c.message_en, c.errors, "  # noqa: S608
            f"v.number FROM {c} c LEFT JOIN {v} v ON v.id = c.version_id WHERE c.uuid = %s"
        )
    return _RECEIPT_SQL[0]


def stored_capture(cursor, capture_id: UUID) -> StoredCapture | None:
    """What was stored under the UUID, for its receipt: one read by the primary key (the
    capture's version through its own primary key), prepared on PostgreSQL."""
    uuid_field = Capture._meta.get_field("uuid")
    prepared.execute(
        cursor,
        "hazari_capture_receipt",
        _receipt_sql(),
        [uuid_field.get_db_prep_value(capture_id, connection)],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    # JSON text on both databases (Django loads PostgreSQL's jsonb as text too).
    errors = json.loads(row[5]) if isinstance(row[5], str) else row[5]
    return StoredCapture(row[0], row[1], row[2], row[3], row[4], errors or [], row[6])
