"""Locust load for the morning rush: every school's phone uploads its day's capture once.

Started by bench/morning_rush.py; the settings come from the environment:

    RUSH_CAPTURES   the prepared file (one JSON line per school: token, school_id, capture)
    RUSH_OFFSET     the first line to send (each run takes its own slice of schools)
    RUSH_LIMIT      how many schools to send
    RUSH_PATH       the endpoint (default /api/v1/sync/captures)
    RUSH_RESULTS    where to write one line per request: start, latency ms, HTTP status, receipt
    RUSH_PACE       requests per second per simulated user (0: as fast as answers come)
    RUSH_MODE       counts (default: the class counts) or roll (the school's student-wise roll
                    call, prepared with rush_prepare.py --roll-call; `classes` then empty)

A fixed pool of simulated phones (-u) takes schools off one shared list; each school is sent
exactly once, then the run stops by itself. Every request is a new capture (a fresh UUID)
captured "now", with a batch of one, as a phone sends it after the head master saves.
"""

import datetime
import itertools
import json
import os
import time
import uuid

import gevent
from locust import FastHttpUser, constant, constant_throughput, events, task
from locust.exception import StopUser

CAPTURES = os.environ.get("RUSH_CAPTURES", "var/bench/rush_captures.jsonl")
OFFSET = int(os.environ.get("RUSH_OFFSET", "0"))
LIMIT = int(os.environ.get("RUSH_LIMIT", "1000"))
PATH = os.environ.get("RUSH_PATH", "/api/v1/sync/captures")
RESULTS = os.environ.get("RUSH_RESULTS", "var/bench/rush_results.tsv")
PACE = float(os.environ.get("RUSH_PACE", "0"))
ROLL = os.environ.get("RUSH_MODE", "counts") == "roll"

with open(CAPTURES) as f:
    SCHOOLS = [json.loads(line) for line in itertools.islice(f, OFFSET, OFFSET + LIMIT)]
NEXT = iter(SCHOOLS)
RESULT_LINES: list[str] = []
DONE = {"n": 0}
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


def _now() -> str:
    return datetime.datetime.now(IST).isoformat(timespec="seconds")


class Phone(FastHttpUser):
    wait_time = constant_throughput(PACE) if PACE else constant(0)

    @task
    def upload(self) -> None:
        school = next(NEXT, None)
        if school is None:
            raise StopUser()
        now = _now()
        capture = {
            "uuid": str(uuid.uuid4()),
            "school_id": school["school_id"],
            "date": now[:10],
            "captured_at": now,
            "classes": school["classes"],
            "staff": school["staff"],
            "meals_served": school["meals_served"],
        }
        if ROLL:
            capture["classes"] = []
            capture["roll"] = school["roll"]
            capture["meals_served"] = school["roll_meals_served"]
        body = {"sent_at": now, "device_id": f"rush-{school['school_id']}", "captures": [capture]}
        started = time.time()
        t0 = time.perf_counter()
        with self.client.post(
            PATH,
            json=body,
            headers={"Authorization": f"Bearer {school['token']}"},
            name="upload",
            catch_response=True,
        ) as response:
            ms = (time.perf_counter() - t0) * 1000
            receipt = "-"
            if response.status_code == 200:
                try:
                    r = response.json()["receipts"][0]
                    receipt = f"{r['status']}:{r['code']}"
                except Exception:  # any malformed answer is an error
                    receipt = "malformed"
                if receipt.split(":")[0] in ("accepted", "late"):
                    response.success()
                else:
                    response.failure(receipt)
            else:
                response.failure(f"HTTP {response.status_code}")
        RESULT_LINES.append(
            f"{started:.6f}\t{ms:.2f}\t{response.status_code}\t{receipt}\t{school['school_id']}"
        )
        DONE["n"] += 1
        if DONE["n"] >= len(SCHOOLS):
            # From a greenlet of its own: quit() stops every user, this one included.
            gevent.spawn(self.environment.runner.quit)


@events.quitting.add_listener
def _write_results(environment, **kwargs) -> None:
    with open(RESULTS, "w") as f:
        f.write("\n".join(RESULT_LINES) + "\n")
