"""Where the time of a roll-call upload goes, in-process: the prepared captures of the morning
rush (rush_prepare.py --roll-call) posted through Django's test client (middleware, ninja,
the capture service, PostgreSQL), one at a time, with the parts of the roll call timed
(wall and this process's CPU) and the whole under cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hazari_bench_rush_roll DEBUG=false \\
        .venv/bin/python bench/rush_roll_profile.py var/bench/rush_roll_captures.jsonl \\
        --offset 90000 --count 300 [--mode roll|counts] [--no-cprofile]

Each school of the slice sends its capture for today once (run it on schools the rush has
not sent, or after --fresh-day).
"""

import argparse
import cProfile
import datetime
import io
import itertools
import json
import os
import pstats
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rush_settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

import hazari.attendance.services as services  # noqa: E402
import hazari.students.rollcall as rollcall  # noqa: E402
import hazari.students.store as marks_store  # noqa: E402

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
SPENT: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])


def timed(module, name: str, label: str) -> None:
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        w, c = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent = SPENT[label]
            spent[0] += time.perf_counter() - w
            spent[1] += time.process_time() - c
            spent[2] += 1

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("captures")
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--mode", choices=["roll", "counts"], default="roll")
    parser.add_argument("--no-cprofile", action="store_true", help="time the parts only")
    args = parser.parse_args()
    with open(args.captures) as f:
        lines = itertools.islice(f, args.offset, args.offset + args.count)
        schools = [json.loads(x) for x in lines]
    timed(rollcall, "register_of_day", "register_of_day (query + dict)")
    timed(services, "check_roll", "check_roll (incl. register_of_day)")
    timed(marks_store, "marks_set", "marks_set (MarkMonth upsert)")
    timed(services, "_store", "_store (the capture's transaction)")
    client = Client()
    profile = cProfile.Profile()
    statuses: dict[str, int] = defaultdict(int)
    wall = cpu = 0.0
    for school in schools:
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
        if args.mode == "roll":
            capture |= {
                "classes": [],
                "roll": school["roll"],
                "meals_served": school["roll_meals_served"],
            }
        body = {"sent_at": now, "device_id": f"rush-{school['school_id']}", "captures": [capture]}
        w, c = time.perf_counter(), time.process_time()
        if not args.no_cprofile:
            profile.enable()
        response = client.post(
            "/api/v1/sync/captures",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {school['token']}",
        )
        profile.disable()
        wall += time.perf_counter() - w
        cpu += time.process_time() - c
        receipt = response.json()["receipts"][0] if response.status_code == 200 else {}
        statuses[f"{response.status_code} {receipt.get('status')}:{receipt.get('code')}"] += 1
    n = len(schools)
    children = sum(sum(len(v) for v in s["roll"].values()) for s in schools if "roll" in s)
    print(f"{n} {args.mode} uploads, {children / n:.0f} children a roll: {dict(statuses)}")
    print(f"per upload: {wall * 1000 / n:.2f} ms wall, {cpu * 1000 / n:.2f} ms CPU (this process)")
    for label, (w, c, calls) in SPENT.items():
        print(f"  {label}: {w * 1000 / n:.2f} ms wall, {c * 1000 / n:.2f} ms CPU ({calls} calls)")
    if args.no_cprofile:
        return
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue())


if __name__ == "__main__":
    main()
