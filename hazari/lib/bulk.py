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


def bulk_insert_with_history(
    objs: Sequence[models.Model],
    fields: Sequence[str],
    *,
    user,
    reason: str,
    when,
    batch_size: int = 5000,
) -> None:
    """Insert new rows and their django-simple-history '+' records.

    On PostgreSQL one statement per batch inserts both, from arrays, with no model objects
    built for the history rows: a state's first enrolment import is about 5 lakh rows and as
    many history rows. Elsewhere simple-history's own bulk helper does it."""
    if not objs:
        return
    model = type(objs[0])
    history = model.history.model  # type: ignore[attr-defined]
    if connection.vendor != "postgresql":
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(
            list(objs),
            model,
            batch_size=batch_size,
            default_user=user,
            default_change_reason=reason,
            default_date=when,
        )
        return
    meta = model._meta
    quote = connection.ops.quote_name
    written: list[models.Field] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
    columns = [quote(str(f.column)) for f in written]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in written)
    pk = quote(str(meta.pk.column))
    copied = [pk, *columns]
    sql = (
        f"WITH new AS (INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT * FROM unnest({arrays}) RETURNING {', '.join(copied)}) "
        f"INSERT INTO {quote(history._meta.db_table)} "
        f"({', '.join(copied)}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {', '.join(copied)}, %s, %s, '+', %s FROM new"
    )
    attnames = [f.attname for f in written]
    user_pk = user.pk if user is not None else None
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            cursor.execute(
                sql, [*([getattr(o, a) for o in batch] for a in attnames), when, reason, user_pk]
            )
