"""Writing many changed rows at once."""

from collections.abc import Sequence

from django.db import connection, models


def bulk_update_rows(
    objs: Sequence[models.Model], fields: Sequence[str], batch_size: int = 5000
) -> None:
    """Update `fields` of objs by primary key.

    Django's bulk_update builds a CASE WHEN expression per row and field in Python (about
    3 ms a row: hours for a state's year-start changes). On PostgreSQL one
    UPDATE ... FROM unnest(arrays) per batch does the same work in the database; other
    databases (SQLite: the demo and small states) keep bulk_update.
    """
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    written: list[models.Field] = [
        meta.get_field(name)  # type: ignore[misc]
        for name in (meta.pk.name, *fields)
    ]
    key, *columns = [quote(str(f.column)) for f in written]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in written)
    # Only names from the model's own meta go into the text; every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET "  # noqa: S608
        + ", ".join(f"{c} = v.{c}" for c in columns)
        + f" FROM unnest({arrays}) AS v({key}, {', '.join(columns)}) WHERE t.{key} = v.{key}"
    )
    attnames = [f.attname for f in written]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            cursor.execute(sql, [[getattr(o, a) for o in batch] for a in attnames])
