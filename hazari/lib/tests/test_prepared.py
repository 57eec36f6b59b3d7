"""hazari.lib.prepared: a statement is prepared once per connection, then executed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hazari.lib import prepared

# PREPARE must know each parameter's type: from its column, or a cast.
SQL = "SELECT CAST(%s AS integer) + CAST(%s AS integer), CAST(%s AS text)"


def run(a: int, b: int, text: str) -> tuple:
    with connection.cursor() as cursor:
        prepared.execute(cursor, "hazari_test_sum", SQL, [a, b, text])
        return cursor.fetchone()


def test_placeholders_are_numbered():
    assert prepared.numbered("SELECT %s, x FROM t WHERE a = %s") == (
        "SELECT $1, x FROM t WHERE a = $2"
    )


@pytest.mark.django_db
def test_the_answer_is_the_plain_queries_answer():
    assert run(40, 2, "it's") == (42, "it's")
    assert run(1, 1, "") == (2, "")


@pytest.mark.django_db
def test_on_postgresql_prepared_once_per_connection_and_kept_after_a_rollback(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere the SQL runs as it is")
    connection.ensure_connection()
    with CaptureQueriesContext(connection) as first:
        run(1, 2, "a")
        run(3, 4, "b")
    sent = [q["sql"] for q in first.captured_queries]
    assert sum(s.startswith("PREPARE hazari_test_sum AS") for s in sent) <= 1
    assert sum(s.startswith("EXECUTE hazari_test_sum") for s in sent) == 2
    # The test's transaction rolls back savepoints; the statement stays prepared.
    with CaptureQueriesContext(connection) as again:
        assert run(5, 6, "c") == (11, "c")
    assert [q["sql"][:7] for q in again.captured_queries] == ["EXECUTE"]


@pytest.mark.django_db
def test_switched_off_the_sql_runs_as_it_is(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as ctx:
        assert run(2, 2, "x") == (4, "x")
    assert [q["sql"][:6] for q in ctx.captured_queries] == ["SELECT"]
