"""Writing made-up attendance in bulk (hazari.demo.attendance): COPY on PostgreSQL,
executemany on SQLite, rows numbered by the writer so that a day record and its versions can
point at each other without a round trip.

A day record names its current version, and a version its day record: both are written in one
transaction, and PostgreSQL checks the foreign keys when it commits (Django makes them
deferrable). SQLite settles each deferred reference as the row referred to arrives, by looking
for the rows that refer to it, and a day record's current version has no index (one index fewer
for the upload): a scan of the day records per version. So on SQLite the checks are off while
writing (`Writer.unchecked`) and run once over the tables at the end.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.core.management.color import no_style
from django.db import connection, models

from hazari.attendance.models import Capture, ClassPresence, DayRecord, StaffPresence, Version
from hazari.lib.copy import sqlite_value

# The columns of each table, in the order hazari.demo.attendance makes its tuples.
TABLES: list[tuple[type[models.Model], list[str]]] = [
    (
        DayRecord,
        ["id", "school_id", "date", "current_id", "first_reported_at", "on_time", "arrival"],
    ),
    (
        Version,
        [
            "id",
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
    ),
    (ClassPresence, ["version_id", "class_no", "boys", "girls", "third_gender"]),
    (StaffPresence, ["version_id", "posting_id", "status"]),
    (
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
    ),
]


class Writer:
    def __init__(self) -> None:
        self.ids = [
            DayRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            Version.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        ]

    def next_ids(self) -> tuple[int, int]:
        """The last day record and version ids used: the next rows take the ones after."""
        return self.ids[0], self.ids[1]

    def write(self, *tables: list[tuple]) -> None:
        """Rows for each of TABLES, in that order."""
        for (model, columns), rows in zip(TABLES, tables, strict=True):
            if rows:
                self._write(model, columns, rows)
        if tables[0]:
            self.ids[0] = max(r[0] for r in tables[0])
        if tables[1]:
            self.ids[1] = max(r[0] for r in tables[1])

    def _write(self, model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
        quote = connection.ops.quote_name
        # get_field takes attnames too (school_id).
        fields = [cast(models.Field, model._meta.get_field(c)) for c in columns]
        names = ", ".join(quote(str(f.column)) for f in fields)
        table = quote(model._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            convert = [(i, f) for i, field in enumerate(fields) if (f := sqlite_value(field))]
            values: list[list[Any]] = [list(row) for row in rows]
            for cells in values:
                for i, f in convert:
                    if cells[i] is not None:
                        cells[i] = f(cells[i])
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)  # noqa: S608

    @contextmanager
    def unchecked(self) -> Iterator[None]:
        """Foreign keys unchecked while writing, then checked over the whole tables (SQLite;
        PostgreSQL checks each transaction's rows when it commits). Outside any transaction."""
        with connection.constraint_checks_disabled():
            yield
        connection.check_constraints(table_names=[m._meta.db_table for m, _c in TABLES])

    def reset_sequences(self) -> None:
        """Move the id sequences past the rows written (PostgreSQL; SQLite follows by itself)."""
        sql = connection.ops.sequence_reset_sql(
            no_style(), [DayRecord, Version, ClassPresence, StaffPresence]
        )
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
