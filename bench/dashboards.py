"""The dashboards at full scale: officers viewing while phones upload, how fresh the figures
are, and the rollups against GROUP BY on the raw tables. On PostgreSQL, through gunicorn,
driven by locust. The figures go into docs/benchmarks.md, "Dashboards".

    .venv/bin/python bench/dashboards.py [--reuse] [--skip-generate] [--skip-rebuild]
        [--since 2025-04-01] [--pages dashboards|meals] [--viewers 20] [--pace 0]
        [--phones 8] [--uploads 2.5] [--seconds 120] [--config gthread:2x4] [--repeat 20]
        [--keep] [--load-nice 0]

1. The full demo state (92,439 schools) in the database hazari_bench_dash (--reuse: keep the
   one there), and its attendance from the session's first day (--since: an earlier day,
   e.g. the last session's first, for a whole academic year and this one so far) to yesterday
   (generate_attendance --detail sample: totals for every school-day, class rows for one
   school in 50), then the rollups built from scratch (refresh_dashboards --rebuild). Both
   timed; --skip-generate keeps the attendance there, --skip-rebuild the rollups too. A
   reused database is migrated first.
2. bench/rush_prepare.py (a token and a valid capture for every school, an entry window that
   covers the whole day) and bench/dash_prepare.py (a session per viewer; today declared a
   working day if it is the weekly off).
3. The refresher (refresh_dashboards --loop --every 5) and gunicorn (DEBUG off, the
   application's settings plus a Server-Timing middleware: bench/dash_settings.py; the kept
   figures in Redis, database 3 emptied first, as deployed with REDIS_URL) start.
4. locust: --viewers officers, each loading their page again as soon as it arrives (--pace 0)
   or every --pace seconds — half the state's month by district, half a block's month by
   school (--pages meals: half the state's mid-day meals by district, half a block's meal
   flags) — and --phones phones each uploading --uploads captures a second, for --seconds.
   Every request's client time and server time (the Server-Timing header) are recorded.
5. Freshness: once a second a poller reads which versions today's rollup rows count; a
   version's freshness is when it first appears there minus when the server received it.
6. bench/dash_raw.py: the two views from the rollups and from the raw tables, side by side.
"""

import argparse
import contextlib
import datetime
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
import redis
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

DATABASE = "hazari_bench_dash"
WORK = ROOT / "var" / "bench"
PORT = 8941
VENV_BIN = Path(sys.executable).parent
TARGET_P95_MS = 50
TARGET_FRESH_S = 60
VIEWS = ("state-by-district", "block-by-school", "state-meals-by-district", "block-meal-flags")
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
REDIS_URL = "redis://127.0.0.1:6379/3"  # emptied before the server starts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="reuse the built state")
    parser.add_argument("--skip-generate", action="store_true", help="reuse its attendance")
    parser.add_argument("--skip-rebuild", action="store_true", help="reuse its rollups too")
    parser.add_argument(
        "--since",
        type=datetime.date.fromisoformat,
        help="the first day of attendance generated (default: the session's first day)",
    )
    parser.add_argument("--pages", choices=["dashboards", "meals"], default="dashboards")
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--pace", type=float, default=0, help="seconds between a viewer's pages")
    parser.add_argument("--phones", type=int, default=8)
    parser.add_argument("--uploads", type=float, default=2.5, help="per phone per second")
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--config", default="gthread:2x4")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query, side by side")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--load-nice",
        type=int,
        default=0,
        help="run locust at this niceness: it shares the cores with the server it measures",
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    result: dict = {
        "machine": f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_before": os.getloadavg(),
        "args": vars(args),
    }
    print(result["machine"], "load", result["load_before"])
    today = datetime.datetime.now(IST).date()
    if args.reuse and database_exists(DATABASE):
        migrate(DATABASE)
    else:
        recreate_database(DATABASE)
        migrate(DATABASE)
        build = run_child(
            manage("build_demo_state", "--scale", "full", "--seed", "1"),
            database=DATABASE,
            label="build",
        )
        result["build_s"] = round(build.seconds, 1)
        print(f"built in {build.seconds:.0f} s")
    since = ["--since", args.since.isoformat()] if args.since else []
    if not args.skip_generate:
        yesterday = (today - datetime.timedelta(days=1)).isoformat()
        gen = run_child(
            ["nice", "-n", "10", *manage("generate_attendance", "--seed", "1", "--detail",
                                          "sample", "--until", yesterday, *since)],
            database=DATABASE,
            label="generate",
        )  # fmt: skip
        print(gen.output.strip())
        result["generate"] = {
            "seconds": round(gen.seconds, 1),
            "peak_rss_mb": round(gen.peak_rss_mb),
            "log": gen.output.strip().splitlines()[-1],
        }
    # What autovacuum would have done by now (this machine's PostgreSQL runs without it): the
    # generator's COPY leaves the planner without statistics.
    with psycopg.connect(database_url(DATABASE), autocommit=True) as conn:
        conn.execute("ANALYZE")
    if not args.skip_rebuild:
        rebuild = run_child(
            ["nice", "-n", "10", *manage("refresh_dashboards", "--rebuild", *since)],
            database=DATABASE,
            label="rebuild",
        )
        print(rebuild.output.strip())
        result["rebuild"] = {
            "seconds": round(rebuild.seconds, 1),
            "peak_rss_mb": round(rebuild.peak_rss_mb),
        }
    with psycopg.connect(database_url(DATABASE), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    result["sizes"] = table_sizes()
    print(json.dumps(result["sizes"], indent=1))

    captures = WORK / "dash_captures.jsonl"
    viewers = WORK / "dash_viewers.json"
    prep = run_child(
        [sys.executable, str(ROOT / "bench" / "rush_prepare.py"), str(captures)],
        database=DATABASE,
        label="prepare phones",
    )
    print(prep.output.strip())
    prep = run_child(
        [
            sys.executable,
            str(ROOT / "bench" / "dash_prepare.py"),
            str(viewers),
            str(args.viewers),
            args.pages,
        ],
        database=DATABASE,
        label="prepare viewers",
    )
    print(prep.output.strip())
    fresh_start(today)
    # Recompute what the fresh morning named before the clock starts (seconds, not load).
    run_child(manage("refresh_dashboards"), database=DATABASE, label="refresh")
    # The pages need their static files collected, as a deployment does (DEBUG off).
    run_child(manage("collectstatic", "--noinput", "-v", "0"), database=DATABASE, label="static")

    with Refresher() as refresher, Server(args.config) as server:
        warm_up(viewers)
        first_version = newest_version() + 1
        poller = Poller(today, first_version)
        poller.start()
        result["load"] = run_load(server, args, viewers, captures)
        uploaded = versions_since(first_version)
        deadline = time.time() + 90
        while time.time() < deadline and not set(uploaded) <= set(poller.seen):
            time.sleep(1)
        poller.stop()
        result["freshness"] = freshness(uploaded, poller.seen)
        result["refresher"] = refresher.ticks()
    raw = run_child(
        [sys.executable, str(ROOT / "bench" / "dash_raw.py"), str(args.repeat)],
        database=DATABASE,
        label="side by side",
    )
    result["side_by_side"] = json.loads(raw.output.strip().splitlines()[-1])
    result["load_after"] = os.getloadavg()
    out = WORK / "dash_result.json"
    out.write_text(json.dumps(result, indent=1, default=str))
    report(result)
    print(f"→ {out}")
    if not args.keep and not args.reuse:
        drop_database(DATABASE)
    return 0


def table_sizes() -> dict:
    names = [
        "attendance_dayrecord",
        "attendance_version",
        "attendance_classpresence",
        "attendance_staffpresence",
        "attendance_capture",
        "dashboards_schoolday",
        "dashboards_schoolmonth",
        "dashboards_unitday",
    ]
    out = {}
    with psycopg.connect(database_url(DATABASE)) as conn:
        for name in names:
            rows, total = conn.execute(
                f"SELECT (SELECT count(*) FROM {name}), pg_total_relation_size('{name}')"  # noqa: S608
            ).fetchone()
            out[name] = {"rows": rows, "mb": round(total / 2**20)}
    return out


def fresh_start(today: datetime.date) -> None:
    """Nothing uploaded today yet (a rerun on the same database starts a new morning)."""
    versions_today = (
        "SELECT v.id FROM attendance_version v JOIN attendance_dayrecord r "
        "ON r.id = v.record_id WHERE r.date = %(d)s"
    )
    with psycopg.connect(database_url(DATABASE)) as conn:
        # Without the foreign-key triggers for this clean-up: each deleted version would be
        # checked against every day record's current_id, which has no index of its own
        # (Hazari never deletes a version), minutes for a morning's versions.
        conn.execute("SET session_replication_role = replica")
        for statement in (
            "DELETE FROM attendance_capture WHERE date = %(d)s",
            "UPDATE attendance_dayrecord SET current_id = NULL WHERE date = %(d)s",
            f"DELETE FROM attendance_staffpresence WHERE version_id IN ({versions_today})",  # noqa: S608
            f"DELETE FROM attendance_classpresence WHERE version_id IN ({versions_today})",  # noqa: S608
            "DELETE FROM attendance_version WHERE record_id IN (SELECT id FROM "
            "attendance_dayrecord WHERE date = %(d)s)",
            "DELETE FROM attendance_dayrecord WHERE date = %(d)s",
            "UPDATE accounts_apitoken SET last_used_at = NULL",
            # Today's rollup rows still count the uploads removed: the refresher's first run
            # recomputes them (the application's own way to name school-days to recompute).
            'INSERT INTO dashboards_stale (unit_id, start, "end") SELECT school_id, date, '
            "date FROM dashboards_schoolday WHERE date = %(d)s AND last_version_id IS NOT NULL",
        ):
            conn.execute(statement, {"d": today})  # type: ignore[arg-type]


def newest_version() -> int:
    with psycopg.connect(database_url(DATABASE)) as conn:
        return conn.execute("SELECT COALESCE(MAX(id), 0) FROM attendance_version").fetchone()[0]


def versions_since(first: int) -> dict[int, datetime.datetime]:
    """The versions stored during the run (accepted or late: held ones never count)."""
    with psycopg.connect(database_url(DATABASE)) as conn:
        return dict(
            conn.execute(
                "SELECT id, received_at FROM attendance_version WHERE id >= %s AND status <> "
                "'held'",
                [first],
            ).fetchall()
        )


class Poller(threading.Thread):
    """Once a second: which of the run's versions do today's rollup rows count?"""

    def __init__(self, today: datetime.date, first: int) -> None:
        super().__init__(daemon=True)
        self.today, self.first = today, first
        self.seen: dict[int, datetime.datetime] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        with psycopg.connect(database_url(DATABASE), autocommit=True) as conn:
            while not self.stopping.is_set():
                now = conn.execute("SELECT now()").fetchone()[0]
                for (vid,) in conn.execute(
                    "SELECT version_id FROM dashboards_schoolday WHERE date = %s "
                    "AND version_id >= %s",
                    [self.today, self.first],
                ).fetchall():
                    self.seen.setdefault(vid, now)
                self.stopping.wait(1.0)

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def freshness(uploaded: dict[int, datetime.datetime], seen: dict[int, datetime.datetime]) -> dict:
    lags = sorted((seen[v] - t).total_seconds() for v, t in uploaded.items() if v in seen)
    missing = len(set(uploaded) - set(seen))
    if not lags:
        return {"versions": len(uploaded), "missing": missing}
    return {
        "versions": len(uploaded),
        "missing": missing,
        "p50_s": round(statistics.median(lags), 1),
        "p95_s": round(lags[int(0.95 * (len(lags) - 1))], 1),
        "max_s": round(lags[-1], 1),
        "resolution_s": 1.0,
    }


class Refresher:
    """refresh_dashboards --loop --every 5, as production runs it (or another refresher's
    command, logged to another file)."""

    def __init__(
        self,
        command: tuple[str, ...] = ("refresh_dashboards", "--loop", "--every", "5"),
        log_name: str = "dash_refresher.log",
    ) -> None:
        self.command, self.log_name = command, log_name

    def __enter__(self) -> "Refresher":
        self.log_path = WORK / self.log_name
        self.log = self.log_path.open("w")
        env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": database_url(DATABASE)}
        self.proc = subprocess.Popen(
            manage(*self.command),
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        return self

    def ticks(self) -> dict:
        took = [
            int(line.rsplit(",", 1)[1].split()[0])
            for line in self.log_path.read_text().splitlines()
            if " refreshed: " in line
        ]
        if not took:
            return {}
        took.sort()
        return {
            "runs": len(took),
            "p50_ms": took[len(took) // 2],
            "p95_ms": took[int(0.95 * (len(took) - 1))],
            "max_ms": took[-1],
        }

    def __exit__(self, *exc) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)
        self.log.close()


class Server:
    """gunicorn serving the application on 127.0.0.1:PORT."""

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
            *(["--threads", threads] if threads else []),
        ]
        self.env = {
            **os.environ,
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url(DATABASE),
            "DJANGO_SETTINGS_MODULE": "dash_settings",
            "DATABASE_CONN_MAX_AGE": "600",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            # As deployed: the kept figures shared by the workers (hazari.dashboards.keep).
            "REDIS_URL": REDIS_URL,
        }

    def __enter__(self) -> "Server":
        print("$", "DJANGO_SETTINGS_MODULE=dash_settings DEBUG=false", *self.args)
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", PORT)) == 0:
                raise SystemExit(f"port {PORT} is in use")
        redis.Redis.from_url(REDIS_URL).flushdb()
        self.log = (WORK / "dash_gunicorn.log").open("w")
        self.proc = subprocess.Popen(
            self.args, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not start; see " + self.log.name)
        return self

    def processes(self) -> list[psutil.Process]:
        master = psutil.Process(self.proc.pid)
        return [master, *master.children(recursive=True)]

    def __exit__(self, *exc) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.close()


def warm_up(viewers: Path) -> None:
    """Every worker thread answers each page a few times before the clock starts."""
    for row in json.loads(viewers.read_text()) * 3:
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{row['url']}",
            headers={"Cookie": f"sessionid={row['cookie']}"},
        )
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=30).read()  # noqa: S310 (http://127.0.0.1)


def run_load(server: Server, args, viewers: Path, captures: Path) -> dict:
    results = WORK / "dash_requests.tsv"
    env = {
        **os.environ,
        "DASH_VIEWERS": str(viewers),
        "DASH_VIEWER_PACE": str(args.pace),
        "DASH_CAPTURES": str(captures),
        "DASH_UPLOADS": str(args.uploads),
        "DASH_PHONES": str(args.phones),
        "DASH_RESULTS": str(results),
    }
    users = args.viewers + args.phones
    cmd = [
        *(["nice", "-n", str(args.load_nice)] if args.load_nice else []),
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile_dash.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "--run-time",
        f"{args.seconds}s",
        "--host",
        f"http://127.0.0.1:{PORT}",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    print("$", " ".join(f"{k}={v}" for k, v in env.items() if k.startswith("DASH_")), *cmd)
    workers = server.processes()
    cpu_before = sum(p.cpu_times().user + p.cpu_times().system for p in workers)
    busy_before = sum(psutil.cpu_times()[:3])
    started = time.perf_counter()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    cpu = sum(p.cpu_times().user + p.cpu_times().system for p in workers) - cpu_before
    busy = sum(psutil.cpu_times()[:3]) - busy_before
    rows = [line.split("\t") for line in results.read_text().splitlines() if line]
    out: dict = {
        "wall_s": round(wall, 1),
        "gunicorn_cpu_s": round(cpu, 1),
        "load_generator_cpu_s": round(locust_cpu, 1),
        "machine_busy_share": round(busy / (wall * (os.cpu_count() or 1)), 2),
    }
    for kind in sorted({r[0] for r in rows}):
        mine = [r for r in rows if r[0] == kind]
        client = sorted(float(r[2]) for r in mine)
        server_ms = sorted(float(r[3]) for r in mine if r[3])
        errors = [r for r in mine if r[4] != "200" or (kind == "upload" and
                  r[5].split(":")[0] not in ("accepted", "late"))]  # fmt: skip
        out[kind] = {
            "requests": len(mine),
            "per_s": round(len(mine) / wall, 1),
            "errors": len(errors),
            "client": percentiles(client),
            "server": percentiles(server_ms),
        }
        if kind != "upload":
            out[kind]["bytes"] = int(statistics.median(int(r[5]) for r in mine))
            # Where the server time went: the thread's own CPU, the database, and the rest
            # (ready to run but waiting for a core or the interpreter lock).
            timed = [r for r in mine if len(r) > 7 and r[3] and r[6] and r[7]]
            out[kind]["server_cpu"] = percentiles(sorted(float(r[6]) for r in timed))
            out[kind]["server_db"] = percentiles(sorted(float(r[7]) for r in timed))
            out[kind]["server_other"] = percentiles(
                sorted(float(r[3]) - float(r[6]) - float(r[7]) for r in timed)
            )
            # The requests during which their process's thread rendered figures (and held
            # the interpreter lock part of the time): how many, and how slow beside the rest.
            during = [float(r[3]) for r in timed if len(r) > 8 and r[8] and float(r[8]) > 0]
            apart = [float(r[3]) for r in timed if len(r) > 8 and r[8] and float(r[8]) == 0]
            out[kind]["during_render"] = {
                "share": round(len(during) / len(timed), 3) if timed else 0,
                "server": percentiles(sorted(during)),
                "server_apart": percentiles(sorted(apart)),
            }
    return out


def percentiles(values: list[float]) -> dict:
    if not values:
        return {}

    def at(p: float) -> float:
        return round(values[min(len(values) - 1, int(p * len(values)))], 1)

    return {"p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": values[-1]}


def report(result: dict) -> None:
    load = result["load"]
    print()
    print("kind | requests | per s | errors | server p50 | server p95 | server p99 | client p95")
    for kind in (*VIEWS, "upload"):
        if kind in load:
            x = load[kind]
            print(
                f"{kind} | {x['requests']} | {x['per_s']} | {x['errors']} | "
                f"{x['server'].get('p50_ms')} | {x['server'].get('p95_ms')} | "
                f"{x['server'].get('p99_ms')} | {x['client'].get('p95_ms')}"
            )
    for kind in VIEWS:
        if kind in load and load[kind].get("server_cpu"):
            x = load[kind]
            print(
                f"{kind} server time p50 / p95: thread CPU {x['server_cpu'].get('p50_ms')} / "
                f"{x['server_cpu'].get('p95_ms')}, database {x['server_db'].get('p50_ms')} / "
                f"{x['server_db'].get('p95_ms')}, waiting to run {x['server_other'].get('p50_ms')}"
                f" / {x['server_other'].get('p95_ms')} ms"
            )
            d = x.get("during_render")
            if d:
                print(
                    f"{kind}: {d['share']:.0%} of requests while their process rendered "
                    f"figures, server p95 {d['server'].get('p95_ms')} ms (the others "
                    f"{d['server_apart'].get('p95_ms')} ms)"
                )
    for kind in VIEWS:
        if kind in load:
            p95 = load[kind]["server"].get("p95_ms", 1e9)
            verdict = "met" if p95 <= TARGET_P95_MS else "NOT met"
            print(f"target p95 ≤ {TARGET_P95_MS} ms server time, {kind}: {verdict}")
    fresh = result["freshness"]
    print("freshness:", fresh)
    if "p95_s" in fresh:
        verdict = "met" if fresh["max_s"] <= TARGET_FRESH_S and not fresh["missing"] else "NOT met"
        print(f"target freshness ≤ {TARGET_FRESH_S} s: {verdict}")
    print("refresher:", result["refresher"])
    print("side by side:", json.dumps(result["side_by_side"], indent=1))


if __name__ == "__main__":
    sys.exit(main())
