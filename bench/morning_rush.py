"""The morning rush: every school of the full demo state uploads its day's capture, through
gunicorn, on PostgreSQL, driven by locust; and the same against a naive per-row ORM version
of the endpoint (bench/naive_capture.py), side by side.

    .venv/bin/python bench/morning_rush.py [--reuse] [--configs gthread:2x4,sync:4]
        [--schools 20000] [--users 64] [--naive-schools 3000] [--pace 0] [--keep]
        [--fresh-day] [--offset N]

1. Builds the full demo state (92,439 schools) in the database hazari_bench_rush (--reuse:
   keep the one there from an earlier run).
2. bench/rush_prepare.py: a current academic session, an entry window that covers the whole
   day (see that file), one API token per school account, and var/bench/rush_captures.jsonl
   with one valid capture per school (shuffled).
3. For each gunicorn configuration (kind:workers[xthreads]): starts gunicorn (DEBUG off,
   CONN_MAX_AGE 600, settings bench/rush_settings.py = the application's plus the naive URL),
   then locust headless with --users simulated phones that take schools off one shared list,
   each school exactly once (its own slice of the file per run, so runs never repeat a
   school). With --schools 0 the first configuration sends every school not yet sent.
4. The naive endpoint gets --naive-schools schools with the first configuration.
After each run: throughput (overall and sustained: the middle 80 % of completions), latency
p50/p95/p99/max from the load generator's own timing of every request, non-200 answers,
receipts other than accepted/late, and in the database the captures, versions and day
records written in the run and any duplicate (a school with two captures or two versions,
or a day record with two versions). CPU seconds of locust, gunicorn (master and workers),
PostgreSQL (the backends serving hazari_bench_rush, and all its processes) and the whole
machine over the run give the load generator's share. The figures go into
docs/benchmarks.md, "Morning rush (sync upload)".

With --roll-call (docs/benchmarks.md, "Morning rush with a student-wise roll call"): the
database is hazari_bench_rush_roll, the built state has its student register (~95 children a
school), the state takes a student-wise roll call, and each school's capture carries its
children's marks instead of counts (rush_prepare.py --roll-call, RUSH_MODE=roll). No naive
run; with --counts-schools N the same server then takes N schools' counts-only captures, on
the same state, for comparison. After a roll-call run the checks add: the MarkMonth rows
marked today = the children on the rolls stored, and each stored capture's class counts =
its marks (present, late or left early) by class and gender. --state-schools N builds a
smaller state (the full scale's plan cut to N schools) to try it out first.
"""

import argparse
import contextlib
import itertools
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import psycopg
from common import (
    PRODUCTION_ENV,
    ROOT,
    database_exists,
    database_url,
    drop_database,
    manage,
    migrate,
    recreate_database,
    run_child,
)

DATABASE = "hazari_bench_rush"
ROLL_DATABASE = "hazari_bench_rush_roll"
WORK = ROOT / "var" / "bench"
CAPTURES = WORK / "rush_captures.jsonl"
ROLL_CAPTURES = WORK / "rush_roll_captures.jsonl"
PORT = 8931
VENV_BIN = Path(sys.executable).parent
TARGET_RATE = 300
TARGET_P95_MS = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="reuse the built state")
    parser.add_argument("--skip-prepare", action="store_true", help="reuse tokens and file")
    parser.add_argument("--configs", default="gthread:2x4")
    parser.add_argument("--schools", type=int, default=20_000, help="per run; 0 = all left")
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--pace", type=float, default=0, help="requests/s per user; 0 = max")
    parser.add_argument("--naive-schools", type=int, default=3000)
    parser.add_argument("--offset", type=int, default=0, help="first school of the file to send")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--roll-call", action="store_true", help="roll calls instead of counts")
    parser.add_argument(
        "--counts-schools", type=int, default=0, help="with --roll-call: then counts-only"
    )
    parser.add_argument("--state-schools", type=int, help="build a state of this many schools")
    parser.add_argument(
        "--fresh-day",
        action="store_true",
        help="first delete every capture stored so far and mark every token unused (a new "
        "morning: each school may send again); the offset starts at 0 unless given",
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    global DATABASE, CAPTURES
    if args.roll_call:
        DATABASE, CAPTURES = ROLL_DATABASE, ROLL_CAPTURES
        args.naive_schools = 0

    print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"load before: {os.getloadavg()}")
    if not (args.reuse and database_exists(DATABASE)):
        recreate_database(DATABASE)
        migrate(DATABASE)
        size = ["--schools", str(args.state_schools)] if args.state_schools else []
        build = run_child(
            manage("build_demo_state", "--scale", "full", "--seed", "1", *size),
            database=DATABASE,
            label="build",
        )
        phases = [line for line in build.output.splitlines() if ": " in line and " in " in line]
        print("\n".join(phases))
        print(f"built in {build.seconds:.0f} s, peak RSS {build.peak_rss_mb:.0f} MB")
    if not (args.skip_prepare and CAPTURES.exists()):
        roll = ["--roll-call"] if args.roll_call else []
        prep = run_child(
            [sys.executable, str(ROOT / "bench" / "rush_prepare.py"), str(CAPTURES), *roll],
            database=DATABASE,
            label="prepare",
        )
        print(prep.output.strip(), f"({prep.seconds:.0f} s)")
    total = sum(1 for _ in CAPTURES.open())
    if args.fresh_day:
        fresh_day()

    offset = args.offset
    summaries = []
    for i, config in enumerate(args.configs.split(",")):
        with Server(config) as server:
            app = "/api/v1/sync/captures"
            runs = [("roll" if args.roll_call else "app", app, args.schools)]
            if i == 0 and args.naive_schools:
                runs.append(("naive", "/bench/naive/sync/captures", args.naive_schools))
            if i == 0 and args.roll_call and args.counts_schools:
                runs.append(("counts", app, args.counts_schools))
            for kind, path, schools in runs:
                count = schools or (total - offset)
                count = min(count, total - offset)
                if count <= 0:
                    print("no schools left in the file: rebuild, or prepare again")
                    break
                label = f"{kind}-{config.replace(':', '-')}-u{args.users}"
                mode = "roll" if kind == "roll" else "counts"
                summary = run_load(
                    server, label, path, offset, count, args.users, args.pace, mode=mode
                )
                offset += count
                summaries.append(summary)
                print(json.dumps(summary, indent=1))
    print()
    print("label | sent | sustained/s | overall/s | p50 | p95 | p99 | errors | duplicates", end="")
    print(" | gunicorn ms/sub | PostgreSQL ms/sub | locust CPU")
    for s in summaries:
        sent = max(1, s["sent"])
        print(
            f"{s['label']} | {s['sent']:,} | {s['sustained_per_s']:.0f} | {s['overall_per_s']:.0f}"
            f" | {s['p50_ms']:.0f} | {s['p95_ms']:.0f} | {s['p99_ms']:.0f} | {s['errors']}"
            f" | {s['duplicates']} | {s['cpu']['gunicorn_s'] * 1000 / sent:.1f}"
            f" | {s['cpu']['postgres_ours_s'] * 1000 / sent:.1f}"
            f" | {s['cpu']['locust_share_of_busy']:.0%}"
        )
        if "marks" in s:
            print(f"  marks: {s['marks']}")
    print(f"next --offset: {offset} (of {total:,} schools)")
    if not args.keep and not args.reuse:
        drop_database(DATABASE)
    return 0


class AutoAnalyze:
    """Stands in for autovacuum's ANALYZE when the server runs without autovacuum.

    This machine's PostgreSQL has autovacuum off; production has it on. Without it the
    statistics of the attendance tables stay those of the start of the run (empty after
    --fresh-day), and every plan cached by a connection, PostgreSQL's own foreign-key checks
    included, keeps scanning tables that grow by thousands of rows a minute. autovacuum
    analyzes a table once a tenth of it has changed; this does every 30 s."""

    EVERY = 30

    def __enter__(self) -> "AutoAnalyze":
        self.stop = threading.Event()
        with psycopg.connect(database_url(DATABASE)) as conn:
            self.needed = conn.execute("SHOW autovacuum").fetchone()[0] == "off"
        if self.needed:
            print(f"autovacuum is off here: ANALYZE of the attendance tables every {self.EVERY} s")
            self.thread = threading.Thread(target=self.run, daemon=True)
            self.thread.start()
        return self

    def run(self) -> None:
        with psycopg.connect(database_url(DATABASE), autocommit=True) as conn:
            while not self.stop.wait(self.EVERY):
                for table in ATTENDANCE_TABLES:
                    conn.execute(f"ANALYZE {table}")

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.needed:
            self.thread.join()


ATTENDANCE_TABLES = (
    "attendance_capture",
    "attendance_staffpresence",
    "attendance_classpresence",
    "attendance_version",
    "attendance_dayrecord",
    "students_heldrollcall",
    "students_markmonth",
    "accounts_apitoken",
)


def fresh_day() -> None:
    """A new morning on the same state: no attendance stored, and every phone's token last
    used before today (so each first request writes last_used_at, as on a real morning)."""
    with psycopg.connect(database_url(DATABASE)) as conn:
        conn.execute(f"TRUNCATE {', '.join(ATTENDANCE_TABLES[:-1])}")
        conn.execute("UPDATE accounts_apitoken SET last_used_at = NULL")
    with psycopg.connect(database_url(DATABASE), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print("fresh day: attendance emptied, tokens unused, VACUUM ANALYZE done")


class Server:
    """gunicorn serving the application (and the naive URL) on 127.0.0.1:PORT."""

    def __init__(self, config: str) -> None:
        kind, _, size = config.partition(":")
        workers, _, threads = size.partition("x")
        self.config = config
        self.args = [
            str(VENV_BIN / "gunicorn"),
            "hazari.wsgi",
            "--pythonpath",
            str(ROOT / "bench"),
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            workers,
            "-k",
            kind,
            "--backlog",
            "2048",
            "--keep-alive",
            "5",
        ]
        if threads:
            self.args += ["--threads", threads]
        self.env = {
            **os.environ,
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url(DATABASE),
            "DJANGO_SETTINGS_MODULE": "rush_settings",
            # Longer than any run: a connection closed at its age takes its backend's CPU
            # seconds with it (postgres_delta), as a 10-minute roll-call run found.
            "DATABASE_CONN_MAX_AGE": "3600",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
        }

    def __enter__(self) -> "Server":
        print("$", "DJANGO_SETTINGS_MODULE=rush_settings DEBUG=false", *self.args)
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", PORT)) == 0:
                raise SystemExit(f"port {PORT} is in use: is another morning_rush.py running?")
        self.log = (WORK / f"rush_gunicorn_{self.config.replace(':', '-')}.log").open("w")
        self.proc = subprocess.Popen(
            self.args, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/sync/bootstrap", timeout=2)
            except urllib.error.HTTPError:
                break  # 401: up and answering
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not start; see " + self.log.name)
        if self.proc.poll() is not None:
            raise SystemExit("gunicorn exited; see " + self.log.name)
        # Every worker answers a few requests before the clock starts (imports, URL resolver).
        for _ in range(50):
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/sync/bootstrap", timeout=5)
        return self

    def processes(self) -> list[psutil.Process]:
        master = psutil.Process(self.proc.pid)
        return [master, *master.children(recursive=True)]

    def __exit__(self, *exc) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.close()


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for p in processes:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def postgres_cpu() -> dict[int, tuple[bool, float]]:
    """CPU seconds of every PostgreSQL process by pid, and whether it serves our database."""
    out = {}
    for p in psutil.process_iter(["username", "cmdline"]):
        if p.info["username"] != "postgres":
            continue
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        ours = f" {DATABASE} " in " ".join(p.info["cmdline"] or [])
        out[p.pid] = (ours, t.user + t.system)
    return out


def postgres_delta(before: dict[int, tuple[bool, float]]) -> tuple[float, float]:
    """(our backends', all PostgreSQL processes') CPU seconds since `before`. A backend that
    started since counts in full; one that ended since is lost (there are none with
    CONN_MAX_AGE on)."""
    ours = total = 0.0
    for pid, (is_ours, seconds) in postgres_cpu().items():
        delta = seconds - before.get(pid, (False, 0.0))[1]
        total += delta
        if is_ours:
            ours += delta
    return ours, total


def run_load(
    server: Server,
    label: str,
    path: str,
    offset: int,
    count: int,
    users: int,
    pace: float,
    *,
    mode: str = "counts",
) -> dict:
    results = WORK / f"rush_{label}.tsv"
    env = {
        **os.environ,
        "RUSH_CAPTURES": str(CAPTURES),
        "RUSH_OFFSET": str(offset),
        "RUSH_LIMIT": str(count),
        "RUSH_PATH": path,
        "RUSH_RESULTS": str(results),
        "RUSH_PACE": str(pace),
        "RUSH_MODE": mode,
    }
    cmd = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile_rush.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "--run-time",
        "60m",
        "--host",
        f"http://127.0.0.1:{PORT}",
        "--csv",
        str(WORK / f"rush_{label}"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    print(
        f"$ RUSH_OFFSET={offset} RUSH_LIMIT={count} RUSH_PATH={path} RUSH_PACE={pace}"
        f" RUSH_MODE={mode}",
        *cmd,
    )
    load_before = os.getloadavg()
    workers = server.processes()
    before = (
        cpu_seconds(workers),
        postgres_cpu(),
        sum(psutil.cpu_times()[:3]),  # user, nice, system
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    t0 = time.time()
    with psycopg.connect(database_url(DATABASE)) as conn:
        db_t0 = conn.execute("SELECT now()").fetchone()[0]
    started = time.perf_counter()
    with AutoAnalyze():
        subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    gunicorn_cpu = cpu_seconds(workers) - before[0]
    pg_ours, pg_cpu = postgres_delta(before[1])
    busy = sum(psutil.cpu_times()[:3]) - before[2]
    locust_cpu = (after_children.ru_utime + after_children.ru_stime) - (
        before[3].ru_utime + before[3].ru_stime
    )

    rows = [line.split("\t") for line in results.read_text().splitlines() if line]
    starts = sorted(float(r[0]) + float(r[1]) / 1000 for r in rows)  # completion times
    latencies = sorted(float(r[1]) for r in rows)
    lo, hi = starts[len(starts) // 10], starts[len(starts) * 9 // 10]
    non_200 = sum(1 for r in rows if r[2] != "200")
    receipts: dict[str, int] = {}
    for r in rows:
        receipts[r[3]] = receipts.get(r[3], 0) + 1
    stored = ("accepted", "late")
    bad_receipts = sum(n for k, n in receipts.items() if k.split(":")[0] not in stored)
    db = db_counts(db_t0)
    sent_schools = len({r[4] for r in rows})

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    marks = {}
    if mode == "roll":
        stored_schools = [int(r[4]) for r in rows if r[3].split(":")[0] in stored]
        marks = mark_checks(db_t0, stored_schools, offset, count)

    return {
        "label": label,
        "path": path,
        "offset": offset,
        "sent": len(rows),
        "distinct_schools": sent_schools,
        "users": users,
        "pace_per_user": pace,
        "wall_s": round(wall, 1),
        "overall_per_s": len(rows) / (starts[-1] - min(float(r[0]) for r in rows)),
        "sustained_per_s": (len(starts) * 8 // 10) / (hi - lo),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1],
        "mean_ms": statistics.fmean(latencies),
        "non_200": non_200,
        "receipts": receipts,
        "errors": non_200 + bad_receipts,
        "db": db,
        "duplicates": db["schools_with_two_captures"] + db["records_with_two_versions"],
        "cpu": {
            "wall_s": round(time.time() - t0, 1),
            "machine_busy_s": round(busy, 1),
            "machine_capacity_s": round(wall * (os.cpu_count() or 1), 1),
            "locust_s": round(locust_cpu, 1),
            "gunicorn_s": round(gunicorn_cpu, 1),
            "postgres_ours_s": round(pg_ours, 1),
            "postgres_all_s": round(pg_cpu, 1),
            "locust_share_of_busy": locust_cpu / busy if busy else 0,
            "locust_share_of_capacity": locust_cpu / (wall * (os.cpu_count() or 1)),
        },
        "load_before": load_before,
        "load_after": os.getloadavg(),
        **({"marks": marks} if marks else {}),
    }


def mark_checks(since, schools: list[int], offset: int, count: int) -> dict:
    """After a roll-call run: the children on the stored rolls against the MarkMonth rows
    marked on the day, and each stored capture's class counts against its marks."""
    children: dict[int, int] = {}
    with CAPTURES.open() as f:
        for line in itertools.islice(f, offset, offset + count):
            school = json.loads(line)
            children[school["school_id"]] = sum(len(v) for v in school["roll"].values())
    expected = sum(children.get(s, 0) for s in schools)
    with psycopg.connect(database_url(DATABASE)) as conn:
        days = [
            d
            for (d,) in conn.execute(
                "SELECT DISTINCT date FROM attendance_capture WHERE received_at >= %s", [since]
            ).fetchall()
        ]
        marked = mismatched = 0
        for day in days:
            params = {"s": schools, "m": day.replace(day=1), "bit": 1 << (day.day - 1), "d": day}
            marked += conn.execute(
                "SELECT count(*) FROM students_markmonth WHERE school_id = ANY(%(s)s)"
                " AND month = %(m)s AND marked & %(bit)s <> 0",
                params,
            ).fetchone()[0]
            mismatched += conn.execute(MISMATCHED, params).fetchone()[0]
    return {
        "children_on_stored_rolls": expected,
        "markmonth_rows_marked": marked,
        "class_rows_not_equal_to_marks": mismatched,
        "ok": expected == marked and mismatched == 0,
    }


# Class rows of the day's current versions whose counts differ from the marks (by class and
# gender of the register), either way round.
MISMATCHED = """
WITH m AS (
  SELECT mm.school_id, s.class_no,
         count(*) FILTER (WHERE s.gender = 'M') AS b,
         count(*) FILTER (WHERE s.gender = 'F') AS g,
         count(*) FILTER (WHERE s.gender = 'T') AS t
  FROM students_markmonth mm JOIN registers_student s ON s.id = mm.student_id
  WHERE mm.school_id = ANY(%(s)s) AND mm.month = %(m)s
    AND mm.marked & %(bit)s <> 0 AND mm.absent & %(bit)s = 0
  GROUP BY 1, 2),
d AS (
  SELECT r.school_id, p.class_no, p.boys AS b, p.girls AS g, p.third_gender AS t
  FROM attendance_dayrecord r JOIN attendance_classpresence p ON p.version_id = r.current_id
  WHERE r.school_id = ANY(%(s)s) AND r.date = %(d)s)
SELECT count(*) FROM d FULL JOIN m USING (school_id, class_no)
WHERE coalesce(d.b, 0) <> coalesce(m.b, 0) OR coalesce(d.g, 0) <> coalesce(m.g, 0)
   OR coalesce(d.t, 0) <> coalesce(m.t, 0)
"""


def db_counts(since) -> dict:
    with psycopg.connect(database_url(DATABASE)) as conn:

        def one(sql: str) -> int:
            return int(conn.execute(sql, {"t": since}).fetchone()[0])

        return {
            "captures": one("SELECT count(*) FROM attendance_capture WHERE received_at >= %(t)s"),
            "captures_stored": one(
                "SELECT count(*) FROM attendance_capture WHERE received_at >= %(t)s"
                " AND version_id IS NOT NULL"
            ),
            "versions": one("SELECT count(*) FROM attendance_version WHERE received_at >= %(t)s"),
            "class_rows": one(
                "SELECT count(*) FROM attendance_classpresence p JOIN attendance_version v"
                " ON v.id = p.version_id WHERE v.received_at >= %(t)s"
            ),
            "day_records": one(
                "SELECT count(DISTINCT record_id) FROM attendance_version"
                " WHERE received_at >= %(t)s"
            ),
            "schools_with_two_captures": one(
                "SELECT count(*) FROM (SELECT school_id, date FROM attendance_capture"
                " WHERE received_at >= %(t)s GROUP BY 1, 2 HAVING count(*) > 1) x"
            ),
            "records_with_two_versions": one(
                "SELECT count(*) FROM (SELECT record_id FROM attendance_version"
                " GROUP BY 1 HAVING count(*) > 1) x"
            ),
        }


if __name__ == "__main__":
    sys.exit(main())
