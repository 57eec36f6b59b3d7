"""Enrolment import at the size of the state (~92,000 schools × their classes), on PostgreSQL.

    .venv/bin/python bench/import_enrolment.py [--reuse] [--keep] [--naive-rows 50000]

1. Builds the full demo state in the database hazari_bench_enrolment (--reuse: keep the one
   there from an earlier run).
2. Exports its enrolment as a portal would send it: udise_code,class,boys,girls,third_gender.
3. Empties the enrolment tables and imports the file with `manage.py import_register
   enrolment` (check, then apply in one transaction): every row new.
4. Imports the same file again: every row unchanged, nothing written.
5. Changes one row in ten and imports: those rows changed, history written for them.
6. Runs the naive per-row ORM import (bench/naive_enrolment.py) on the first --naive-rows rows
   of an emptied table, and extrapolates its rate to the whole file.
Prints wall time, rows/s and the child's peak RSS for each; the figures go into
docs/benchmarks.md, section "Enrolment import".
"""

import argparse
import csv
import datetime
import platform
import random
import sys
from pathlib import Path

import psycopg
from common import (
    ROOT,
    database_exists,
    database_url,
    drop_database,
    manage,
    migrate,
    recreate_database,
    run_child,
)

DATABASE = "hazari_bench_enrolment"
TARGET_SECONDS = 60
WORK = ROOT / "var" / "bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--naive-rows", type=int, default=50_000)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)

    full = WORK / "enrolment_full.csv"
    if not (args.reuse and database_exists(DATABASE) and full.exists()):
        recreate_database(DATABASE)
        migrate(DATABASE)
        run_child(
            manage("build_demo_state", "--scale", "full", "--seed", "1"),
            database=DATABASE,
            label="build",
        )
        # Exported once, right after the build: the steps below empty and refill the table.
        export(full, demo_academic_year())
    year = demo_academic_year()
    with full.open() as f:
        rows = sum(1 for _ in f) - 1
    print(f"{rows:,} enrolment rows for {year} in {full}")

    results = []
    empty_enrolment()
    first = run_child(import_cmd(full, year), database=DATABASE, label="first import")
    results.append(("first import, all new", rows, first))
    again = run_child(import_cmd(full, year), database=DATABASE, label="re-import")
    results.append(("same file again, all unchanged", rows, again))
    changed_file = WORK / "enrolment_changed.csv"
    changed = change_tenth(full, changed_file)
    update = run_child(import_cmd(changed_file, year), database=DATABASE, label="update")
    results.append((f"{changed:,} rows changed", rows, update))

    empty_enrolment()
    naive = run_child(
        [
            sys.executable,
            str(ROOT / "bench" / "naive_enrolment.py"),
            str(full),
            str(year),
            str(args.naive_rows),
        ],
        database=DATABASE,
        label="naive",
    )
    naive_rate = float(naive.output.split("rows_per_s=")[1].split()[0])

    print()
    print(f"machine: {platform.node()}, 2 cores, PostgreSQL 15; Python {platform.python_version()}")
    print(f"{'run':<34} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'peak RSS':>9}")
    for label, n, run in results:
        print(
            f"{label:<34} {n:>9,} {run.seconds:>8.1f} {n / run.seconds:>9,.0f} "
            f"{run.peak_rss_mb:>7.0f}MB"
        )
    print(
        f"{'naive per-row ORM (first rows)':<34} {args.naive_rows:>9,} "
        f"{naive.seconds:>8.1f} {naive_rate:>9,.0f} {naive.peak_rss_mb:>7.0f}MB"
    )
    print(
        f"naive, extrapolated to {rows:,} rows: {rows / naive_rate:,.0f} s; "
        f"the bulk import is {rows / first.seconds / naive_rate:.1f}× faster on new rows"
    )
    for line in first.output.splitlines():
        print("  first import:", line)
    if not args.keep:
        drop_database(DATABASE)
    return 0 if first.seconds < TARGET_SECONDS else 1


def demo_academic_year() -> int:
    """The academic year (April to March) the demo builds: the current one."""
    today = datetime.date.today()
    return today.year if today.month >= 4 else today.year - 1


def export(path: Path, year: int) -> None:
    query = """
        COPY (SELECT u.code AS udise_code, e.class_no AS class, e.boys, e.girls, e.third_gender
              FROM registers_enrolment e JOIN orgunits_orgunit u ON u.id = e.school_id
              WHERE e.academic_year = %s ORDER BY u.code, e.class_no)
        TO STDOUT WITH (FORMAT csv, HEADER true)
    """
    with (
        psycopg.connect(database_url(DATABASE)) as conn,
        path.open("wb") as out,
        conn.cursor().copy(query, [year]) as copy,
    ):
        for block in copy:
            out.write(block)


def empty_enrolment() -> None:
    with psycopg.connect(database_url(DATABASE)) as conn:
        conn.execute("TRUNCATE registers_enrolment, registers_historicalenrolment")


def change_tenth(source: Path, target: Path) -> int:
    rng = random.Random(1)
    changed = 0
    with source.open(newline="") as f, target.open("w", newline="") as out:
        reader, writer = csv.DictReader(f), None
        for row in reader:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
                writer.writeheader()
            if rng.random() < 0.1:
                row["boys"] = str(int(row["boys"]) + 1)
                changed += 1
            writer.writerow(row)
    return changed


def import_cmd(path: Path, year: int) -> list[str]:
    return manage("import_register", "enrolment", str(path), "--academic-year", str(year))


if __name__ == "__main__":
    sys.exit(main())
