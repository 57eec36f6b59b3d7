"""Statements PostgreSQL keeps parsed and planned, for the hot paths.

Django sends every query as text with its values written in (client-side binding), so
PostgreSQL parses and plans each one anew. For the upload of a capture that was about a third
of the database's CPU (docs/benchmarks.md, "Morning rush"). `execute(cursor, name, sql,
params)` prepares the statement once per database connection (`PREPARE name AS …`) and then
runs `EXECUTE name (values)`; it still goes through Django's cursor, so it is logged and
counted like any query.

On SQLite, and when settings.DATABASE_PREPARED_STATEMENTS is off, the SQL runs as it is. Turn
it off behind a connection pooler in transaction mode (PgBouncer's default), which may give
each transaction another server connection, where the statement was never prepared.

A prepared statement outlives a rolled-back transaction; a new connection starts with none,
and the names prepared are kept on the connection object itself.
"""

from collections.abc import Sequence

from django.conf import settings
from django.db import connection


def execute(cursor, name: str, sql: str, params: Sequence[object]) -> None:
    """Run `sql` (%s placeholders, as with cursor.execute) as the prepared statement `name`.
    The name must stand for this SQL alone, the SQL must not depend on the values, and each
    parameter's type must follow from the SQL (a column it is compared with or written to,
    or a cast): PREPARE has no values to guess from."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    raw = connection.connection
    prepared: set[str] | None = getattr(raw, "hazari_prepared", None)
    if prepared is None:
        prepared = raw.hazari_prepared = set()
    if name not in prepared:
        cursor.execute(f"PREPARE {name} AS {numbered(sql)}")
        prepared.add(name)
    if params:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")


def numbered(sql: str) -> str:
    """%s placeholders as $1, $2, …"""
    parts = sql.split("%s")
    out = [parts[0]]
    for i, part in enumerate(parts[1:], start=1):
        out.append(f"${i}{part}")
    return "".join(out)
