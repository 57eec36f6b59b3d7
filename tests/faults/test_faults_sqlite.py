"""The fault harness on SQLite (tests/faults/harness.py): captures through gunicorn while
connections are cut, requests duplicated and workers killed; the store must equal the
receipts."""

import os

import pytest
from harness import Faults, Server, assert_sound, run

pytestmark = pytest.mark.faults

# More, or another draw of the faults: HAZARI_FAULTS_N=2000 HAZARI_FAULTS_SEED=7 pytest -s …
# (HAZARI_FAULTS_KILLS: how many worker SIGKILLs a run).
N = int(os.environ.get("HAZARI_FAULTS_N", "400"))
SEED = int(os.environ.get("HAZARI_FAULTS_SEED", "14"))
KILLS = int(os.environ.get("HAZARI_FAULTS_KILLS", "12"))


def test_no_capture_lost_or_duplicated_under_faults_on_sqlite():
    with Server() as server:
        load, found, figures = run(
            server, label="sqlite", n=N, seed=SEED, faults=Faults(kills=KILLS)
        )
        log = server.log_tail()
    assert_sound(load, found, figures, n=N, kills=KILLS)
    # SQLite has no restart to excuse an error: a 5xx is a bug.
    assert load.tally.server_errors == 0, log
