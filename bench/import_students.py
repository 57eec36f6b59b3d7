"""How fast a state's student register goes in, and in how much memory, on PostgreSQL.

    .venv/bin/python bench/import_students.py [--rows 10000000] [--naive-rows 100000]
        [--reimport] [--promote] [--fresh] [--dir /tmp/hazari-bench-students]

Uses the database hazari_bench_students on the local PostgreSQL server (user postgres, no
password): creates and migrates it if missing (--fresh: drops it first), and fills it with the
full demo state (`build_demo_state --scale full`, ~92,000 schools) if it has no state yet.
Then it writes a CSV of --rows made-up students of those schools (kept in --dir for the next
run) and measures, each in a child process of its own:

1. naive: Student(...).save() per row, autocommit, for the first --naive-rows rows of the
   file (a sample: a crore rows this way would take hours); rows/s is extrapolated;
2. dry run: `manage.py import_register students FILE --dry-run` (the preview: every row
   checked and counted, nothing written), against an empty register;
3. import: `manage.py import_register students FILE`, the way a state administrator loads the
   register on the server, all rows or none, into the empty register;
4. with --reimport, the same file again: every row unchanged, nothing written;
5. with --promote, the same children a year on (a class up where the school teaches it):
   about 4 rows in 5 changed.

Wall time from the parent; peak RSS of each child from os.wait4 (the ru_maxrss that
resource.getrusage(RUSAGE_CHILDREN) reports, but per child). The children run with DEBUG off:
with DEBUG on, Django keeps the text of the last 9,000 queries, bulk inserts included.
The figures go into docs/benchmarks.md, section "Student register import".
"""

import argparse
import csv
import datetime
import os
import platform
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hazari.orgunits.categories import CLASS_SPAN  # noqa: E402  (no Django set-up needed)

SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "hazari_bench_students"
MEMORY_LIMIT_MB = 1024

BOYS = ["Ravi", "Aman", "Rahul", "Suresh", "Deepak", "Arjun", "Vikas", "Rohit", "Sanjay"]
BOYS_HI = ["रवि", "अमन", "राहुल", "सुरेश", "दीपक", "अर्जुन", "विकास", "रोहित", "संजय"]
GIRLS = ["Sita", "Pooja", "Anjali", "Priya", "Kavita", "Neha", "Radha", "Sunita", "Meena"]
GIRLS_HI = ["सीता", "पूजा", "अंजलि", "प्रिया", "कविता", "नेहा", "राधा", "सुनीता", "मीना"]
SURNAMES = ["Kumar", "Sahu", "Patel", "Yadav", "Verma", "Ahirwar", "Meena", "Jain", "Bai"]
SURNAMES_HI = ["कुमार", "साहू", "पटेल", "यादव", "वर्मा", "अहिरवार", "मीणा", "जैन", "बाई"]
HEADER = ["student_id", "name", "gender", "class", "section", "udise_code", "date_of_birth"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--naive-rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reimport", action="store_true", help="Import the file a second time.")
    parser.add_argument(
        "--promote", action="store_true", help="Then import a file with every child a class up."
    )
    parser.add_argument("--fresh", action="store_true", help="Drop and rebuild the database.")
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "hazari-bench-students"
    )
    parser.add_argument("--naive-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_child:
        return naive_child(Path(args.naive_child[0]), int(args.naive_child[1]))

    args.dir.mkdir(parents=True, exist_ok=True)
    env = child_env(args.dir)
    manage = [sys.executable, str(ROOT / "manage.py")]
    prepare_database(env, manage, fresh=args.fresh)
    path = write_csv(args.dir, args.rows, args.seed)
    print(f"file: {path} ({path.stat().st_size / 2**20:.0f} MB, {args.rows:,} rows)")

    results: list[tuple[str, int, float, float]] = []
    if args.naive_rows:
        empty_register()
        n = min(args.naive_rows, args.rows)
        one_by_one = [sys.executable, __file__, "--naive-child", str(path), str(n)]
        results.append(("naive save() per row (sample)", n, *measure(one_by_one, env)))
    import_file = [*manage, "import_register", "students"]
    empty_register()
    dry_run = [*import_file, str(path), "--dry-run"]
    results.append(("dry run (--dry-run), empty register", args.rows, *measure(dry_run, env)))
    results.append(("import, empty register", args.rows, *measure([*import_file, str(path)], env)))
    if args.reimport:
        again = measure([*import_file, str(path)], env)
        results.append(("the same file again (unchanged)", args.rows, *again))
    if args.promote:
        promoted = measure([*import_file, str(write_promoted(path))], env)
        results.append(("a year on (4 in 5 rows changed)", args.rows, *promoted))

    print()
    print(f"date: {datetime.date.today().isoformat()}")
    print(
        f"machine: {platform.node()}, {os.cpu_count()} CPUs, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB RAM, "
        f"Python {platform.python_version()}, {postgres_version()}"
    )
    print(f"{'run':<36} {'rows':>12} {'seconds':>9} {'rows/s':>9} {'peak RSS':>9}")
    for name, rows, seconds, rss in results:
        print(f"{name:<36} {rows:>12,} {seconds:>9.1f} {rows / seconds:>9,.0f} {rss:>6.0f} MB")
    if args.naive_rows:
        naive, imported = results[0], results[2]
        ratio = (imported[1] / imported[2]) / (naive[1] / naive[2])
        hours = imported[1] / (naive[1] / naive[2]) / 3600
        print(f"import vs naive (rows/s): {ratio:.1f}× (naive, extrapolated: {hours:.1f} h)")
    for label, value in register_size():
        print(f"{label}: {value}")
    worst = max(r[3] for r in results)
    return 0 if worst < MEMORY_LIMIT_MB else 1


def child_env(scratch: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "HAZARI_VAR_DIR": str(scratch / "var"),
        "PYTHONUNBUFFERED": "1",
    }


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a child; return its wall time and its peak RSS in MB."""
    print("$", " ".join(["DATABASE_URL=" + env["DATABASE_URL"], *command[1:]]), flush=True)
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    for line in child.stdout or []:
        print("  " + line.rstrip(), flush=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[1]} failed")
    print(f"  {seconds:.1f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MB", flush=True)
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


# --- The database -----------------------------------------------------------------------------


def prepare_database(env: dict[str, str], manage: list[str], *, fresh: bool) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    with psycopg.connect(f"{SERVER}/{DATABASE}") as conn:
        row = conn.execute("SELECT count(*) FROM orgunits_school").fetchone()
        schools = row[0] if row else 0
    if not schools:
        build = [*manage, "build_demo_state", "--scale", "full", "--seed", "1", "--no-students"]
        print("$", " ".join(build[1:]), flush=True)
        subprocess.run(build, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def empty_register() -> None:
    with psycopg.connect(f"{SERVER}/{DATABASE}", autocommit=True) as conn:
        conn.execute("TRUNCATE registers_student")
        conn.execute("VACUUM ANALYZE registers_student")


def postgres_version() -> str:
    with psycopg.connect(f"{SERVER}/{DATABASE}") as conn:
        row = conn.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"


def register_size() -> list[tuple[str, str]]:
    with psycopg.connect(f"{SERVER}/{DATABASE}") as conn:
        row = conn.execute(
            "SELECT count(*), pg_total_relation_size('registers_student') FROM registers_student"
        ).fetchone()
    if row is None:
        return []
    return [
        ("students in the register", f"{row[0]:,}"),
        ("table + indexes", f"{row[1] / 2**20:,.0f} MB"),
    ]


# --- The file ---------------------------------------------------------------------------------


def schools() -> list[tuple[str, int, int]]:
    """(UDISE code, lowest class, highest class) of every active school."""
    with psycopg.connect(f"{SERVER}/{DATABASE}") as conn:
        rows = conn.execute(
            "SELECT u.code, s.category, s.lowest_class_override, s.highest_class_override "
            "FROM orgunits_school s JOIN orgunits_orgunit u ON u.id = s.unit_id "
            "WHERE u.is_active ORDER BY u.code"
        ).fetchall()
    spans = []
    for code, category, low, high in rows:
        lowest, highest = CLASS_SPAN[category]
        spans.append((code, low or lowest, high or highest))
    return spans


def write_csv(folder: Path, rows: int, seed: int) -> Path:
    """Students spread over every school, in the order a portal exports them (school by
    school); scattered 9-digit IDs like Samagra's; half the names in Devanagari."""
    path = folder / f"students-{rows}-{seed}.csv"
    if path.exists():
        return path
    rng = random.Random(seed)
    all_schools = schools()
    this_year = datetime.date.today().year
    started = time.perf_counter()
    with open(path.with_suffix(".part"), "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        written = 0
        for i, (code, low, high) in enumerate(all_schools):
            # Each school gets its share of what is left, give or take half.
            share = (rows - written) / (len(all_schools) - i)
            count = (
                rows - written if i == len(all_schools) - 1 else int(share * rng.uniform(0.5, 1.5))
            )
            for _ in range(count):
                n = written
                written += 1
                class_no = rng.randint(low, high)
                gender = "M" if rng.random() < 0.51 else ("F" if rng.random() < 0.998 else "T")
                hindi = rng.random() < 0.5
                if gender == "M":
                    first = rng.choice(BOYS_HI if hindi else BOYS)
                else:
                    first = rng.choice(GIRLS_HI if hindi else GIRLS)
                name = f"{first} {rng.choice(SURNAMES_HI if hindi else SURNAMES)}"
                born = datetime.date(this_year - class_no - 6, 1, 1) + datetime.timedelta(
                    days=rng.randrange(365)
                )
                out.writerow(
                    [
                        100_000_000 + (n * 282_475_249) % 900_000_000,  # 7**10: no repeats
                        name,
                        gender,
                        class_no,
                        rng.choice("AAB") if rng.random() < 0.3 else "",
                        code,
                        born.isoformat() if rng.random() < 0.9 else "",
                    ]
                )
    path.with_suffix(".part").rename(path)
    print(f"wrote {path} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def write_promoted(path: Path) -> Path:
    """The same children a year on: a class up where their school teaches it."""
    promoted = path.with_name(path.stem + "-promoted.csv")
    if promoted.exists():
        return promoted
    highest = {code: high for code, _, high in schools()}
    with (
        open(path, newline="", encoding="utf-8") as f,
        open(promoted.with_suffix(".part"), "w", newline="", encoding="utf-8") as out,
    ):
        reader, writer = csv.reader(f), csv.writer(out)
        writer.writerow(next(reader))
        for row in reader:
            if int(row[3]) < highest[row[5]]:
                row[3] = str(int(row[3]) + 1)
            writer.writerow(row)
    promoted.with_suffix(".part").rename(promoted)
    return promoted


# --- The naive way ----------------------------------------------------------------------------


def naive_child(path: Path, rows: int) -> int:
    """One Student(...).save() per row, each its own transaction (Django's autocommit)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazari.settings")
    django.setup()
    from hazari.orgunits.models import Level, OrgUnit
    from hazari.registers.models import Student

    school_of = dict(OrgUnit.objects.filter(level=Level.SCHOOL).values_list("code", "pk"))
    started = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for done, row in enumerate(reader):
            if done == rows:
                break
            born = row["date_of_birth"]
            Student(
                student_id=row["student_id"],
                name=row["name"],
                gender=row["gender"],
                class_no=int(row["class"]),
                section=row["section"],
                school_id=school_of[row["udise_code"]],
                date_of_birth=datetime.date.fromisoformat(born) if born else None,
            ).save()
    seconds = time.perf_counter() - started
    print(f"saved {rows} rows one by one in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
