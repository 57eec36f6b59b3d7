"""INSERT statements written once and run many times, for the hot paths.

The ORM compiles every query anew: on the upload of a capture that was half of the Python
time (docs/benchmarks.md, "Morning rush"). An `Insert` builds its SQL once per database
vendor from the model's own metadata, and turns values into database values with each
field's `get_db_prep_save`, as the ORM does: UUIDs, dates, aware datetimes and JSON come out
right on PostgreSQL and SQLite alike. `ON CONFLICT … DO …` and `RETURNING` work on both
(SQLite 3.35 and later).
"""

from collections.abc import Sequence

from django.db import connection, models

from hazari.lib import prepared

AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "CharField",
        "TextField",
    }
)


def _internal_type(field: models.Field) -> str:
    """A foreign key is stored as what it points at."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    return target.get_internal_type()


class Insert:
    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        *,
        suffix: str = "",
        placeholders: dict[str, str] | None = None,
    ) -> None:
        """`fields` by attribute name (`school_id` or `school`); `suffix` follows VALUES
        (`ON CONFLICT … RETURNING …`), with {table} and {column_name} for quoted names;
        `placeholders` replace a field's `%s` with an SQL expression, with the same names
        (its parameters are passed where that field's value goes, as a tuple)."""
        meta = model._meta
        self.model = model
        self.fields: list[models.Field] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
        # Integers and text go to the database as they are; only the others (UUIDs, dates,
        # JSON…) need the field's conversion, and skipping it for the rest halves the cost.
        self._converted = [_internal_type(f) not in AS_IS for f in self.fields]
        self.suffix = suffix
        self.placeholders = placeholders or {}
        self._sql: dict[str, tuple[str, str, str]] = {}

    def parts(self) -> tuple[str, str, str]:
        """INSERT INTO t (columns) VALUES; one row's placeholders; the suffix: quoted for
        this connection's database."""
        found = self._sql.get(connection.vendor)
        if found is None:
            quote = connection.ops.quote_name
            meta = self.model._meta
            columns = ", ".join(quote(str(f.column)) for f in self.fields)
            table = quote(meta.db_table)
            names = {f"{f.name}_column": quote(str(f.column)) for f in meta.concrete_fields}
            row = ", ".join(
                self.placeholders.get(f.name, "%s").format(table=table, **names)
                for f in self.fields
            )
            found = self._sql[connection.vendor] = (
                f"INSERT INTO {table} ({columns}) VALUES",
                f"({row})",
                self.suffix.format(table=table, **names),
            )
        return found

    def params(self, values: Sequence[object]) -> list[object]:
        out: list[object] = []
        for f, converted, value in zip(self.fields, self._converted, values, strict=True):
            if f.name in self.placeholders:
                out.extend(value)  # type: ignore[arg-type]
            elif converted and value is not None:
                out.append(f.get_db_prep_save(value, connection))
            else:
                out.append(value)
        return out

    def execute(self, cursor, rows: Sequence[Sequence[object]], *, name: str = "") -> list[tuple]:
        """Insert the rows in one statement; what RETURNING gives, if anything. With a name,
        one row is inserted by a prepared statement (hazari.lib.prepared)."""
        if not rows:
            return []
        head, row, suffix = self.parts()
        sql = f"{head} {', '.join([row] * len(rows))} {suffix}"
        params = [p for values in rows for p in self.params(values)]
        if name and len(rows) == 1:
            prepared.execute(cursor, name, sql, params)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall() if "RETURNING" in self.suffix else []
