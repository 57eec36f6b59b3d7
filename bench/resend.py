"""What a resend costs against a first send: POST /api/v1/sync/captures, in-process.

A phone whose upload timed out sends the same capture again (the same UUID and content); after
a network cut a whole district's phones may do so at once. This measures, per request, the
CPU of the application (the WSGI handler called directly, in one process: no HTTP server, no
load generator) and of its PostgreSQL backend, for:

1. first sends: every school of the demo state uploads one capture (a fresh UUID, a batch of
   one, as bench/locustfile_rush.py does);
2. resends: the same captures again, byte for byte the same capture (a new `sent_at`, as the
   app's outbox stamps each upload);
3. conflicts: the same UUIDs with other counts (answered `conflict`, nothing stored).

    .venv/bin/python bench/resend.py                   # builds hazari_bench_resend, then runs
    .venv/bin/python bench/resend.py --reuse           # the database as the last run left it
    .venv/bin/python bench/resend.py --sqlite var/bench/resend.sqlite3

The state is `build_demo_state --scale demo --seed 1` (about 300 schools) prepared as for the
morning rush (bench/rush_prepare.py: an entry window covering the whole day, a token and a
capture per school). Figures and commands: docs/benchmarks.md, "Resends".
"""

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    PRODUCTION_ENV,
    database_exists,
    database_url,
    manage,
    recreate_database,
)

DATABASE = "hazari_bench_resend"
CAPTURES = ROOT / "var" / "bench" / "resend_captures.jsonl"
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    parser.add_argument("--sqlite", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help="resend rounds (default 3)")
    args = parser.parse_args()
    if args.measure:
        return measure(args.rounds)
    url = f"sqlite:///{Path(args.sqlite).resolve()}" if args.sqlite else database_url(DATABASE)
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "600",
        "SECURE_SSL_REDIRECT": "false",
    }
    fresh = not args.reuse or (
        not Path(args.sqlite).exists() if args.sqlite else not database_exists(DATABASE)
    )
    if fresh:
        if args.sqlite:
            Path(args.sqlite).unlink(missing_ok=True)
            Path(args.sqlite).parent.mkdir(parents=True, exist_ok=True)
        else:
            recreate_database(DATABASE)
        CAPTURES.parent.mkdir(parents=True, exist_ok=True)
        for step in (
            manage("migrate", "--noinput", "-v", "0"),
            manage("build_demo_state", "--scale", "demo", "--seed", "1"),
            [sys.executable, str(ROOT / "bench" / "rush_prepare.py"), str(CAPTURES)],
        ):
            print("$", " ".join(step[1:]), flush=True)
            subprocess.run(step, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print(f"$ DATABASE_URL={url} {sys.argv[0]} --measure", flush=True)
    cmd = [sys.executable, __file__, "--measure", "--rounds", str(args.rounds)]
    return subprocess.run(cmd, env=env, cwd=ROOT).returncode


# --- The measuring child ----------------------------------------------------------------------


def measure(rounds: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazari.settings")
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from hazari.attendance.models import (
        Capture,
        ClassPresence,
        DayRecord,
        StaffPresence,
        Version,
    )

    handler = WSGIHandler()
    schools = [json.loads(line) for line in CAPTURES.read_text().splitlines() if line]
    # The attendance of a last run goes: every first send below is a first.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {DayRecord._meta.db_table} SET current_id = NULL")  # noqa: S608
        for model in (Capture, StaffPresence, ClassPresence, Version, DayRecord):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
        cursor.execute("ANALYZE")
    backend = Backend(connection)

    def post(school: dict, capture: dict) -> tuple[float, float, dict]:
        now = datetime.datetime.now(IST).isoformat(timespec="seconds")
        body = json.dumps(
            {"sent_at": now, "device_id": f"rush-{school['school_id']}", "captures": [capture]}
        ).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/sync/captures",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {school['token']}",
            "wsgi.input": _Body(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        db_before = backend.cpu()
        cpu_before = time.process_time()
        chunks: list[bytes] = []
        result = handler(environ, lambda status, headers, exc_info=None: chunks.append(b""))
        out = b"".join(result)
        cpu = time.process_time() - cpu_before
        db = backend.cpu() - db_before
        return cpu * 1000, db * 1000, json.loads(out)["receipts"][0]

    def phase(name: str, make) -> dict:
        app, db, codes = [], [], {}
        for school in schools:
            a, d, receipt = post(school, make(school))
            app.append(a)
            db.append(d)
            key = f"{receipt['status']}:{receipt['code']}"
            codes[key] = codes.get(key, 0) + 1
        return {"name": name, "app": app, "db": db, "codes": codes}

    today = datetime.datetime.now(IST)
    captures = {}

    def first(school: dict) -> dict:
        capture = {
            "uuid": str(uuid.uuid4()),
            "school_id": school["school_id"],
            "date": today.date().isoformat(),
            "captured_at": today.isoformat(timespec="seconds"),
            "classes": school["classes"],
            "staff": school["staff"],
            "meals_served": school["meals_served"],
        }
        captures[school["school_id"]] = capture
        return capture

    def again(school: dict) -> dict:
        return captures[school["school_id"]]

    def changed(school: dict) -> dict:
        capture = dict(captures[school["school_id"]])
        capture["classes"] = [{**c, "boys": max(0, c["boys"] - 1)} for c in capture["classes"]]
        capture["reason"] = "recount"
        return capture

    # A few requests first, so that imports, the per-process memo and the prepared statements
    # are there before the clock starts (their own captures, not counted).
    warm = schools[: min(20, len(schools))]
    for school in warm:
        post(school, first(school))
    schools = schools[len(warm) :]
    results = [phase("first send", first)]
    results += [phase(f"resend {i + 1}", again) for i in range(rounds)]
    results.append(phase("changed (conflict)", changed))
    print(f"{len(schools)} schools; {connection.vendor}; CPU per request, milliseconds")
    print(f"{'':20} {'app mean':>9} {'app p50':>8} {'db mean':>8} {'total':>7}  receipts")
    base = None
    for r in results:
        total = statistics.fmean(r["app"]) + statistics.fmean(r["db"])
        base = base or total
        print(
            f"{r['name']:20} {statistics.fmean(r['app']):9.2f} {statistics.median(r['app']):8.2f} "
            f"{statistics.fmean(r['db']):8.2f} {total:7.2f}  {r['codes']}  ({total / base:.2f}×)"
        )
    stored = Capture.objects.filter(date=today.date()).count()
    print(f"captures stored: {stored} (schools: {len(schools) + len(warm)})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n is None or n < 0 else self.at + n
        out, self.at = self.data[self.at : end], min(end, len(self.data))
        return out

    def readline(self, *args) -> bytes:
        return self.read()


class Backend:
    """The CPU seconds of this process's PostgreSQL backend so far (0 on SQLite: its work is
    the process's own)."""

    def __init__(self, connection) -> None:
        self.stat = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def cpu(self) -> float:
        if self.stat is None:
            return 0.0
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick


if __name__ == "__main__":
    raise SystemExit(main())
