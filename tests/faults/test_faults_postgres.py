"""The fault harness on PostgreSQL (tests/faults/harness.py): as on SQLite, and the database
restarted mid-load — a private cluster the test starts on a free port (initdb), never the
machine's own. Runs in both CI passes; skipped where PostgreSQL's server binaries are missing."""

import os

import pytest
from harness import (
    Faults,
    PrivatePostgres,
    Server,
    assert_sound,
    errors_outside,
    postgres_missing,
    run,
)

pytestmark = pytest.mark.faults

# More, or another draw of the faults: HAZARI_FAULTS_N=2000 HAZARI_FAULTS_SEED=7 pytest -s …
# (HAZARI_FAULTS_KILLS: worker SIGKILLs a run; HAZARI_FAULTS_RESTARTS: database restarts).
N = int(os.environ.get("HAZARI_FAULTS_N", "400"))
SEED = int(os.environ.get("HAZARI_FAULTS_SEED", "15"))
KILLS = int(os.environ.get("HAZARI_FAULTS_KILLS", "12"))
RESTARTS = int(os.environ.get("HAZARI_FAULTS_RESTARTS", "3"))
# A request in flight while the database restarts may be answered 500 (the phone sends it
# again); one sent this long after the restart has ended must not be.
GRACE_S = 3.0


@pytest.fixture
def postgres():
    if (why := postgres_missing()) is not None:
        pytest.skip(why)
    with PrivatePostgres() as pg:
        yield pg


def test_no_capture_lost_or_duplicated_under_faults_and_restarts_on_postgres(postgres):
    url = postgres.create_database("hazari_faults")
    faults = Faults(
        kills=KILLS, restarts_at=tuple(i / (RESTARTS + 1) for i in range(1, RESTARTS + 1))
    )
    with Server(database_url=url) as server:
        load, found, figures = run(
            server, label="postgresql", n=N, seed=SEED, faults=faults, postgres=postgres
        )
        log = server.log_tail()
    assert_sound(load, found, figures, n=N, kills=KILLS)
    assert figures["faults"]["db_restart"] == RESTARTS, figures
    outside = errors_outside(postgres.restarts, load.tally.errors, GRACE_S)
    assert outside == [], f"answers 5xx away from any restart: {outside}\n{log}"
