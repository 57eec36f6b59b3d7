"""How long `build_demo_state --scale full` takes on PostgreSQL, and how much memory it needs.

    .venv/bin/python bench/build_demo_full.py [--scale full] [--seed 1] [--no-debug] [--keep]

Drops and re-creates the database hazari_bench on the local PostgreSQL server (as user
postgres, no password), migrates it, then runs the build as a child process and prints its
wall time, its peak resident memory and the rows it wrote. The figures go into
docs/benchmarks.md, section "Demo state build (full scale)".

The child runs with DEBUG=true, as `make demo` runs it. Django then keeps the SQL of the last
9,000 queries, bulk inserts included, which adds to the peak memory; --no-debug measures
without (DEBUG=false, with a throw-away SECRET_KEY).
"""

import argparse
import os
import platform
import resource
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "hazari_bench"
TARGET_SECONDS = 10 * 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="full")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-debug", action="store_true", help="Run the child with DEBUG off.")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()

    recreate_database()
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DATABASE}", "DEBUG": "true"}
    if args.no_debug:
        env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50))
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    rss_before = peak_child_rss_mb()

    build = [*manage, "build_demo_state", "--scale", args.scale, "--seed", str(args.seed)]
    print("$", f"DATABASE_URL={env['DATABASE_URL']} DEBUG={env['DEBUG']}", *build[1:])
    started = time.perf_counter()
    subprocess.run(build, env=env, cwd=ROOT, check=True)
    seconds = time.perf_counter() - started
    # The peak over every child so far; migrate's is far smaller, so this is the build's.
    rss = peak_child_rss_mb()

    print()
    print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"wall time: {seconds:.1f} s ({seconds / 60:.1f} min; target {TARGET_SECONDS // 60} min)")
    print(f"peak RSS of the build: {rss:.0f} MB (migrate: {rss_before:.0f} MB)")
    for name, count in row_counts():
        print(f"{name:>28}: {count:>12,}")
    if not args.keep:
        drop_database()
    return 0 if seconds < TARGET_SECONDS else 1


def peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux


def recreate_database() -> None:
    drop_database()
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def row_counts() -> list[tuple[str, int]]:
    levels = ["states", "districts", "blocks", "clusters", "schools"]
    with psycopg.connect(f"{SERVER}/{DATABASE}") as conn:
        per_level: dict[int, int] = dict(
            conn.execute("SELECT level, count(*) FROM orgunits_orgunit GROUP BY level").fetchall()
        )
        counts = [(levels[level], n) for level, n in sorted(per_level.items())]
        for label, sql in [
            ("users", "SELECT count(*) FROM accounts_user"),
            ("enrolment rows", "SELECT count(*) FROM registers_enrolment"),
            ("children", "SELECT sum(boys + girls + third_gender) FROM registers_enrolment"),
        ]:
            row = conn.execute(sql).fetchone()
            counts.append((label, int(row[0] or 0) if row else 0))
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        counts.append(("database size (MB)", int(size[0]) // 2**20 if size else 0))
    return counts


if __name__ == "__main__":
    sys.exit(main())
