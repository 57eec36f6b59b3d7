"""Many rows into a model's table at once, as tuples: COPY on PostgreSQL, executemany in
batches on SQLite. For the bulk writers (the demo's register, the officers' rollups), where
building a model instance per row, or parsing a long VALUES list, cost more than the write.
"""

import datetime
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db import connection, models

BATCH = 5000


def sqlite_value(field: models.Field) -> Callable[[object], object] | None:
    """How SQLite stores a value of the field, as Django writes it (aware datetimes as UTC
    text, dates as ISO text, UUIDs as 32 hex digits); None: as it is. JSON goes in as its
    text ("[]"), which both databases take."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    if kind == "DateTimeField":
        return lambda v: str(v.astimezone(datetime.UTC).replace(tzinfo=None))  # type: ignore[attr-defined]
    if kind == "DateField":
        return lambda v: v.isoformat()  # type: ignore[attr-defined]
    if kind == "UUIDField":
        return lambda v: v.hex  # type: ignore[attr-defined]
    return None


def copy_rows(
    model: type[models.Model],
    columns: list[str],
    rows: Iterable[tuple],
    progress: Callable[[int], object] | None = None,
) -> int:
    """Rows (values in `columns`' order, by attribute name) into the model's table; the number
    written. `progress` is told how many more rows went, every BATCH."""
    quote = connection.ops.quote_name
    fields = [cast(models.Field, model._meta.get_field(c)) for c in columns]
    names = ", ".join(quote(str(f.column)) for f in fields)
    table = quote(model._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
                    if progress is not None and written % BATCH == 0:
                        progress(BATCH)
            if progress is not None:
                progress(written % BATCH)
            return written
        convert = [(i, f) for i, field in enumerate(fields) if (f := sqlite_value(field))]
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (model names)
        batch: list[list[Any]] = []
        for row in rows:
            cells = list(row)
            for i, f in convert:
                if cells[i] is not None:
                    cells[i] = f(cells[i])
            batch.append(cells)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                if progress is not None:
                    progress(len(batch))
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
            if progress is not None:
                progress(len(batch))
    return written
