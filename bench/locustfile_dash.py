"""Locust load for the dashboards' benchmark: officers looking at dashboards while phones upload
captures. Started by bench/dashboards.py; settings come from the environment:

    DASH_VIEWERS      the viewers file (bench/dash_prepare.py): session cookie and page each
    DASH_VIEWER_PACE  seconds between one viewer's page loads (0: as fast as answers come)
    DASH_CAPTURES     the phones' captures (bench/rush_prepare.py)
    DASH_UPLOADS      uploads per second per phone
    DASH_OFFSET       the first line of the captures to send (the schools before it have sent)
    DASH_ROLL         1: send each school's roll call (rush_prepare.py --roll-call) in place of
                      its class counts
    DASH_RESULTS      one line per request: kind, start, client ms, server ms, status, detail
                      (and for a page: the request thread's CPU ms, the database's ms, the
                      CPU ms of its process's rendering thread meanwhile)

Users: the first VIEWERS are viewers (class Viewer, fixed_count), the rest phones.
"""

import datetime
import itertools
import json
import os
import time
import uuid

from locust import FastHttpUser, constant, constant_pacing, constant_throughput, events, task

with open(os.environ["DASH_VIEWERS"]) as f:
    VIEWERS = json.load(f)
PACE = float(os.environ.get("DASH_VIEWER_PACE", "0"))
UPLOADS = float(os.environ.get("DASH_UPLOADS", "1"))
PHONES = int(os.environ.get("DASH_PHONES", "8"))
RESULTS = os.environ["DASH_RESULTS"]
with open(os.environ["DASH_CAPTURES"]) as f:
    SCHOOLS = [json.loads(line) for line in f][int(os.environ.get("DASH_OFFSET", "0")) :]
ROLL = os.environ.get("DASH_ROLL") == "1"
NEXT_SCHOOL = iter(SCHOOLS)
NEXT_VIEWER = itertools.cycle(VIEWERS)
LINES: list[str] = []
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


def _timing(response, name: str = "app") -> str:
    """One metric of the Server-Timing header (bench/dash_timing.py), in ms."""
    for part in response.headers.get("Server-Timing", "").split(","):
        metric, _, duration = part.strip().partition(";dur=")
        if metric == name:
            return duration
    return ""


def _server_ms(response) -> str:
    return _timing(response, "app")


class Viewer(FastHttpUser):
    fixed_count = len(VIEWERS)
    wait_time = constant_pacing(PACE) if PACE else constant(0)

    def on_start(self) -> None:
        self.me = next(NEXT_VIEWER)

    @task
    def view(self) -> None:
        started = time.time()
        t0 = time.perf_counter()
        with self.client.get(
            self.me["url"],
            headers={"Cookie": f"sessionid={self.me['cookie']}"},
            name=self.me["name"],
            catch_response=True,
        ) as response:
            ms = (time.perf_counter() - t0) * 1000
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            size = len(response.content or b"")
        LINES.append(
            f"{self.me['name']}\t{started:.6f}\t{ms:.2f}\t{_server_ms(response)}\t"
            f"{response.status_code}\t{size}\t{_timing(response, 'cpu')}\t"
            f"{_timing(response, 'db')}\t{_timing(response, 'render')}"
        )


class Phone(FastHttpUser):
    fixed_count = PHONES
    wait_time = constant_throughput(UPLOADS)

    @task
    def upload(self) -> None:
        school = next(NEXT_SCHOOL, None)
        if school is None:
            time.sleep(1)
            return
        now = datetime.datetime.now(IST).isoformat(timespec="seconds")
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
        body = {"sent_at": now, "device_id": f"dash-{school['school_id']}", "captures": [capture]}
        started = time.time()
        t0 = time.perf_counter()
        with self.client.post(
            "/api/v1/sync/captures",
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
                except Exception:
                    receipt = "malformed"
            if receipt.split(":")[0] not in ("accepted", "late"):
                response.failure(receipt)
        LINES.append(
            f"upload\t{started:.6f}\t{ms:.2f}\t{_server_ms(response)}\t{response.status_code}\t"
            f"{receipt}"
        )


@events.quitting.add_listener
def _write(environment, **kwargs) -> None:
    with open(RESULTS, "w") as f:
        f.write("\n".join(LINES) + "\n")
