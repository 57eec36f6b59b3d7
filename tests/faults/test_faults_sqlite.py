"""The fault harness on SQLite (tests/faults/harness.py): captures through gunicorn while
connections are cut, requests duplicated and workers killed; the store must equal the
receipts."""

import os

import pytest
from harness import Faults, Server, run

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
    assert not load.failures, load.failures[:10]
    assert found.problems == [], found.problems
    assert (found.lost, found.duplicated) == (0, 0)
    # The faults really happened, and most captures made a version (not a vacuous pass).
    f = figures["faults"]
    assert f["cut_closed"] and f["cut_reset"] and f["duplicate_at_once"], figures
    assert f["duplicate_later"] and f["worker_sigkill"] >= min(KILLS, 10), figures
    assert found.versions >= N // 2 and figures["receipts"].get("held"), figures
    # SQLite has no restart to excuse an error: a 5xx is a bug.
    assert load.tally.server_errors == 0, log
