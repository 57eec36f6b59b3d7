"""What the benchmark scripts share: a scratch PostgreSQL database and child-process
measurements. Every script runs the code under test as a child process, so that its peak
memory is the child's alone."""

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"


# Benchmarks run as production does: DEBUG off (Django then keeps no log of every query).
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-" + "k" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
}


def database_url(name: str) -> str:
    return f"{SERVER}/{name}"


def recreate_database(name: str) -> None:
    drop_database(name)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_exists(name: str) -> bool:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    output: str


def run_child(args: list[str], *, database: str, label: str) -> Run:
    """Run a child (e.g. a manage.py command) against the database and measure its wall time
    and its own peak RSS: a tiny Python shim starts it and reports its RUSAGE_CHILDREN, so
    earlier children of this script do not count."""
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": database_url(database)}
    shim = (
        "import resource, subprocess, sys;"
        "r = subprocess.run(sys.argv[1:]);"
        "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        " file=sys.stderr); sys.exit(r.returncode)"
    )
    print(f"$ DATABASE_URL={env['DATABASE_URL']} DEBUG=false {' '.join(args)}", flush=True)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", shim, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = next(
        int(line.split()[1]) for line in result.stderr.splitlines() if line.startswith("PEAK")
    )
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        raise SystemExit(f"{label} failed with exit code {result.returncode}")
    return Run(seconds=seconds, peak_rss_mb=peak / 1024, output=result.stdout)


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def migrate(database: str) -> None:
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": database_url(database)}
    subprocess.run(manage("migrate", "--noinput", "-v", "0"), env=env, cwd=ROOT, check=True)


def peak_children_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
