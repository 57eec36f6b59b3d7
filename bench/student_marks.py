"""Students' marks: storage, write and read cost of MarkMonth against one row per student-day.

Issue 15 chose one row per student per month (`students_markmonth`: the month's marks as four
32-bit sets, key (school_id, month, student_id); docs/decisions.md, "Students' marks") over
one row per student per school day. This measures that choice side by side on PostgreSQL,
with the same synthetic session of marks in both layouts:

(a) `students_markmonth`, made by the project's own migrations (the production DDL, its
    foreign keys included);
(b) `bench_markday (school_id bigint, day date, student_id bigint, mark char(1))`, primary
    key (school_id, day, student_id), with the same two foreign keys: the table a naive
    design would have.

The marks: N schools of 70–120 students (~95), a session of Madhya Pradesh's calendar (April
to March: 227 school days without Sundays, second and fourth Saturdays, the breaks and the
holidays), most students absent 3–15 % of days, one in twenty a chronic absentee, one school
in seven in a pocket of chronic absence, one in ten a migration village whose migrant third is
away from November to February; late 3 % and left early 2 % of the other days. Drawn from a
hash, so every run makes the same marks.

Both tables grow as they would in use, a school day after another: each day's marks of every
school go in as one statement per layout ((a) the app's bit-set upsert, (b) an insert; the
foreign keys' triggers skipped for this fill only), and autovacuum is emulated for (a), whose
rows are updated every day (this machine runs with autovacuum off): VACUUM once the rows
updated since the last one pass 50 + 20 % of the table, as autovacuum's defaults would. The
last school day is left out of the fill: its roll calls are the timed writes. Then it prints:

* storage: pg_total_relation_size (table + indexes + TOAST), rows, bytes per student-year,
  and the extrapolation to Madhya Pradesh's ~87 lakh students;
* write: one school's morning roll call (~95 students, one statement, its own transaction,
  committed), timed in the client, median and p95, the two layouts interleaved, and the mean
  CPU of the PostgreSQL backend per roll call;
* read: a school's "days absent this session" (with the days marked), for (a) fetching the
  rows and counting bits in Python and counting them in SQL through `absent::bit(32)`, for
  (b) GROUP BY with COUNT(*) FILTER; and one student's session.

    .venv/bin/python bench/student_marks.py                  # 2,000 schools, ~190,000 students
    .venv/bin/python bench/student_marks.py --schools 5000   # a larger run
    .venv/bin/python bench/student_marks.py --keep           # leave the database for a look

The scratch database (`hazari_bench_marks`, or --database) is dropped and made again at the
start, and dropped at the end unless --keep. Figures and commands: docs/benchmarks.md, "Students'
marks: storage, write and read".
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from bench.common import (  # noqa: E402
    PRODUCTION_ENV,
    database_url,
    drop_database,
    manage,
    recreate_database,
)

DATABASE = "hazari_bench_marks"
MP_STUDENTS = 8_700_000  # Madhya Pradesh's ~87 lakh students

# A session of Madhya Pradesh's calendar: April to March, Sundays, the second and fourth
# Saturdays, the summer, Diwali and winter breaks and the public holidays off.
SESSION = (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
BREAKS = [
    (datetime.date(2025, 5, 1), datetime.date(2025, 6, 15)),
    (datetime.date(2025, 10, 18), datetime.date(2025, 10, 26)),
    (datetime.date(2025, 12, 29), datetime.date(2026, 1, 3)),
]
HOLIDAYS = {
    datetime.date(*d)
    for d in [
        (2025, 4, 6), (2025, 4, 10), (2025, 4, 14), (2025, 4, 18), (2025, 8, 9), (2025, 8, 15),
        (2025, 8, 16), (2025, 8, 27), (2025, 9, 5), (2025, 10, 2), (2025, 11, 5),
        (2025, 12, 25), (2026, 1, 26), (2026, 2, 15), (2026, 3, 4), (2026, 3, 21),
        (2026, 3, 26),
    ]
}  # fmt: skip
# Families of the migration villages leave after Diwali and come back before Holi.
MIGRATION = (datetime.date(2025, 11, 10), datetime.date(2026, 2, 20))


def school_days() -> list[datetime.date]:
    days, day = [], SESSION[0]
    while day <= SESSION[1]:
        off = (
            day.weekday() == 6
            or (day.weekday() == 5 and (day.day - 1) // 7 in (1, 3))
            or day in HOLIDAYS
            or any(a <= day <= b for a, b in BREAKS)
        )
        if not off:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


# --- Making the database ----------------------------------------------------------------------

NAIVE_DDL = """
CREATE TABLE bench_markday (
    school_id bigint NOT NULL REFERENCES orgunits_school (unit_id) DEFERRABLE INITIALLY DEFERRED,
    day date NOT NULL,
    student_id bigint NOT NULL REFERENCES registers_student (id) DEFERRABLE INITIALLY DEFERRED,
    mark char(1) NOT NULL,
    PRIMARY KEY (school_id, day, student_id)
)
"""

# One state, district, block and cluster; the schools; ~95 students a school (70–120).
# u(x, seed): a uniform number in [0, 1) drawn from x, so every run makes the same data.
REFERENCES = """
CREATE FUNCTION pg_temp.u(x bigint, seed bigint) RETURNS float8 IMMUTABLE LANGUAGE sql
    AS 'SELECT (hashint8extended(x, seed) & 1048575)::float8 / 1048576';
INSERT INTO orgunits_orgunit (id, level, code, name_en, name_hi, is_active, created, updated,
                              state_id, district_id, block_id, cluster_id)
VALUES (1, 0, 'S', 'State', 'State', true, now(), now(), NULL, NULL, NULL, NULL),
       (2, 1, 'D', 'District', 'District', true, now(), now(), 1, NULL, NULL, NULL),
       (3, 2, 'B', 'Block', 'Block', true, now(), now(), 1, 2, NULL, NULL),
       (4, 3, 'C', 'Cluster', 'Cluster', true, now(), now(), 1, 2, 3, NULL);
INSERT INTO orgunits_orgunit (id, level, code, name_en, name_hi, is_active, created, updated,
                              state_id, district_id, block_id, cluster_id)
SELECT 1000 + n, 4, 'U' || n, 'School ' || n, 'School ' || n, true, now(), now(), 1, 2, 3, 4
FROM generate_series(1, %(schools)s) n;
INSERT INTO orgunits_school (unit_id, category, start_time, hm_mobile)
SELECT 1000 + n, 1, '10:30', '9000000000' FROM generate_series(1, %(schools)s) n;
INSERT INTO registers_student (student_id, name, gender, class_no, section, is_active, updated,
                               school_id)
SELECT 'B' || (1000 + n) || '-' || k, 'Student ' || k, CASE WHEN k %% 2 = 0 THEN 'F' ELSE 'M' END,
       1 + k %% 8, 'A', true, now(), 1000 + n
FROM generate_series(1, %(schools)s) n,
     generate_series(1, 70 + (pg_temp.u(n, 1) * 51)::int) k
ORDER BY n, k;
-- Each student's chance of missing a day. Most schools: ~90 %% present (3–15 %% absent),
-- one student in twenty a chronic absentee (20–50 %%); one school in seven is in a pocket of
-- chronic absence (10–40 %% absent, one in four 30–60 %%). One school in ten is in a migration
-- village: a third of its students are away every day from November to February.
CREATE UNLOGGED TABLE bench_student AS
SELECT s.id, s.school_id,
       CASE WHEN pg_temp.u(s.school_id, 2) < 0.14 THEN
                CASE WHEN pg_temp.u(s.id, 3) < 0.25 THEN 0.30 + 0.30 * pg_temp.u(s.id, 4)
                     ELSE 0.10 + 0.30 * pg_temp.u(s.id, 4) END
            WHEN pg_temp.u(s.id, 3) < 0.05 THEN 0.20 + 0.30 * pg_temp.u(s.id, 4)
            ELSE 0.03 + 0.12 * pg_temp.u(s.id, 4) END AS p_absent,
       pg_temp.u(s.school_id, 5) < 0.10 AND pg_temp.u(s.id, 6) < 0.33 AS migrates
FROM registers_student s;
CREATE UNLOGGED TABLE bench_day_marks (school_id bigint, student_id bigint, mark char(1));
"""

# A day's marks of every student: absent, else late (3 %), left early (2 %) or present.
DAY_MARKS = """
TRUNCATE bench_day_marks;
INSERT INTO bench_day_marks
SELECT school_id, id,
       CASE WHEN migrates AND %(day)s BETWEEN %(away)s AND %(back)s THEN 'A'
            WHEN pg_temp.u(id, %(seed)s) < p_absent THEN 'A'
            WHEN pg_temp.u(id, %(seed)s + 100000) < 0.03 THEN 'L'
            WHEN pg_temp.u(id, %(seed)s + 100000) < 0.05 THEN 'E'
            ELSE 'P' END
FROM bench_student ORDER BY school_id, id;
"""

# The app's write (one school's roll call in the benchmark; every school's of a day here).
UPSERT_SET = """
ON CONFLICT (school_id, month, student_id) DO UPDATE SET
    marked = students_markmonth.marked | excluded.marked,
    absent = (students_markmonth.absent & ~excluded.marked) | excluded.absent,
    late = (students_markmonth.late & ~excluded.marked) | excluded.late,
    left_early = (students_markmonth.left_early & ~excluded.marked) | excluded.left_early
"""
LOAD_MONTHS = (
    """
INSERT INTO students_markmonth (school_id, month, student_id, marked, absent, late, left_early)
SELECT school_id, %(month)s, student_id, %(bit)s,
       CASE WHEN mark = 'A' THEN %(bit)s ELSE 0 END, CASE WHEN mark = 'L' THEN %(bit)s ELSE 0 END,
       CASE WHEN mark = 'E' THEN %(bit)s ELSE 0 END
FROM bench_day_marks
"""
    + UPSERT_SET
)
LOAD_DAYS = """
INSERT INTO bench_markday (school_id, day, student_id, mark)
SELECT school_id, %(day)s, student_id, mark FROM bench_day_marks
"""

WRITE_MONTHS = (
    """
INSERT INTO students_markmonth (school_id, month, student_id, marked, absent, late, left_early)
SELECT %s, %s, u.s, %s, u.a, u.l, u.e
FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::int[]) AS u(s, a, l, e)
"""
    + UPSERT_SET
)
WRITE_DAYS = """
INSERT INTO bench_markday (school_id, day, student_id, mark)
SELECT %s, %s, u.s, u.m FROM unnest(%s::bigint[], %s::char(1)[]) AS u(s, m)
ON CONFLICT (school_id, day, student_id) DO UPDATE SET mark = excluded.mark
"""

READ_MONTHS_ROWS = """
SELECT student_id, marked, absent FROM students_markmonth
WHERE school_id = %s AND month >= %s AND month <= %s
"""
READ_MONTHS_SQL = """
SELECT student_id, sum(length(replace(marked::bit(32)::text, '0', ''))),
       sum(length(replace(absent::bit(32)::text, '0', '')))
FROM students_markmonth
WHERE school_id = %s AND month >= %s AND month <= %s
GROUP BY student_id
"""
READ_DAYS = """
SELECT student_id, count(*), count(*) FILTER (WHERE mark = 'A') FROM bench_markday
WHERE school_id = %s AND day >= %s AND day <= %s
GROUP BY student_id
"""
STUDENT_MONTHS = """
SELECT month, marked, absent, late, left_early FROM students_markmonth
WHERE school_id = %s AND month >= %s AND month <= %s AND student_id = %s
"""
STUDENT_DAYS = """
SELECT day, mark FROM bench_markday
WHERE school_id = %s AND day >= %s AND day <= %s AND student_id = %s
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=2000, help="schools (default 2,000)")
    parser.add_argument(
        "--writes", type=int, default=2000, help="school roll calls timed (default 2,000)"
    )
    parser.add_argument("--reads", type=int, default=1000, help="schools read (default 1,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default=DATABASE, help=f"scratch database ({DATABASE})")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    days = school_days()

    print(f"$ {' '.join(sys.argv)}", flush=True)
    began = time.perf_counter()
    recreate_database(args.database)
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": database_url(args.database)}
    subprocess.run(manage("migrate", "--noinput", "-v", "0"), env=env, cwd=ROOT, check=True)
    conn = psycopg.connect(database_url(args.database), autocommit=True)
    started = time.perf_counter()
    with conn.transaction():
        conn.execute(NAIVE_DDL)
        script(conn, REFERENCES, {"schools": args.schools})
    conn.execute("ANALYZE")
    students = conn.execute("SELECT count(*) FROM registers_student").fetchone()[0]
    print(
        f"{args.schools:,} schools, {students:,} students, {len(days)} school days "
        f"({days[0]} to {days[-1]}); references made in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    # Every school day but the last, as the application writes them: a day at a time. The
    # rows refer to schools and students that exist, so the load skips the foreign keys'
    # triggers (session_replication_role); the timed writes below check them.
    conn.execute("SET session_replication_role = replica")
    started = time.perf_counter()
    load_times = {"a": 0.0, "b": 0.0, "vacuum": 0.0}
    since_vacuum = vacuums = 0
    for i, day in enumerate(days[:-1]):
        make_day_marks(conn, day)
        t = time.perf_counter()
        conn.execute(LOAD_MONTHS, {"month": day.replace(day=1), "bit": 1 << (day.day - 1)})
        load_times["a"] += time.perf_counter() - t
        t = time.perf_counter()
        conn.execute(LOAD_DAYS, {"day": day})
        load_times["b"] += time.perf_counter() - t
        # autovacuum's defaults: when dead rows pass 50 + 20 % of the table
        first_of_month = i == 0 or days[i - 1].month != day.month
        since_vacuum += 0 if first_of_month else students
        live = students * len({(d.year, d.month) for d in days[: i + 1]})
        if since_vacuum > 50 + 0.2 * live:
            t = time.perf_counter()
            conn.execute("VACUUM students_markmonth")
            load_times["vacuum"] += time.perf_counter() - t
            since_vacuum, vacuums = 0, vacuums + 1
        if first_of_month or i == len(days) - 2:
            conn.execute("ANALYZE students_markmonth")
            conn.execute("ANALYZE bench_markday")
            print(
                f"  {day}: {time.perf_counter() - started:.0f} s "
                f"(a {load_times['a']:.0f} s, b {load_times['b']:.0f} s, "
                f"vacuum {load_times['vacuum']:.0f} s)",
                flush=True,
            )
    print(f"{len(days) - 1} days written, {vacuums} vacuums of (a)", flush=True)
    conn.execute("RESET session_replication_role")

    # The last school day: the mornings timed, one school at a time, then the other schools.
    last = days[-1]
    make_day_marks(conn, last)
    writes, written = write_benchmark(conn, last, args.writes, rng)
    conn.execute("DELETE FROM bench_day_marks WHERE school_id = ANY(%s)", [written])
    conn.execute(LOAD_MONTHS, {"month": last.replace(day=1), "bit": 1 << (last.day - 1)})
    conn.execute(LOAD_DAYS, {"day": last})
    conn.execute("VACUUM ANALYZE students_markmonth")
    conn.execute("VACUUM ANALYZE bench_markday")
    check_same_marks(conn)

    sizes = {}
    for key, table in (("a", "students_markmonth"), ("b", "bench_markday")):
        sizes[key] = storage(conn, table)
    reads = read_benchmark(conn, days, args.reads, rng)
    compacted = {}
    for key, table in (("a", "students_markmonth"), ("b", "bench_markday")):
        conn.execute(sql.SQL("VACUUM FULL {}").format(sql.Identifier(table)))
        compacted[key] = storage(conn, table)["total"]

    report(students, len(days), sizes, compacted, writes, reads)
    print(f"\nwhole run {time.perf_counter() - began:.0f} s")
    conn.close()
    if not args.keep:
        drop_database(args.database)
    return 0


def script(conn: psycopg.Connection, statements: str, params: dict) -> None:
    """Several statements with parameters: bound in the client."""
    psycopg.ClientCursor(conn).execute(statements, params)


def make_day_marks(conn: psycopg.Connection, day: datetime.date) -> None:
    script(
        conn,
        DAY_MARKS,
        {"day": day, "away": MIGRATION[0], "back": MIGRATION[1], "seed": day.toordinal()},
    )


def check_same_marks(conn: psycopg.Connection) -> None:
    """Both layouts hold the same marks: the same counts of each mark."""
    a = conn.execute(
        "SELECT sum(length(replace(marked::bit(32)::text, '0', ''))),"
        " sum(length(replace(absent::bit(32)::text, '0', ''))),"
        " sum(length(replace(late::bit(32)::text, '0', ''))),"
        " sum(length(replace(left_early::bit(32)::text, '0', ''))) FROM students_markmonth"
    ).fetchone()
    b = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE mark = 'A'), count(*) FILTER (WHERE mark = 'L'),"
        " count(*) FILTER (WHERE mark = 'E') FROM bench_markday"
    ).fetchone()
    if tuple(a) != tuple(b):
        raise SystemExit(f"the layouts differ: (a) {a} against (b) {b}")
    print(f"same marks in both: {b[0]:,} marks, {b[1]:,} absent, {b[2]:,} late, {b[3]:,} early")


def storage(conn: psycopg.Connection, table: str) -> dict:
    query = sql.SQL(
        "SELECT pg_total_relation_size(%s), pg_relation_size(%s), pg_indexes_size(%s),"
        " (SELECT count(*) FROM {})"
    ).format(sql.Identifier(table))
    row = conn.execute(query, [table, table, table]).fetchone()
    return {"total": row[0], "heap": row[1], "indexes": row[2], "rows": row[3]}


def percentiles(values: list[float]) -> tuple[float, float]:
    """Median and p95, in milliseconds (from seconds)."""
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


class Meter:
    """Per call: the client's wall time and the CPU its PostgreSQL backend used (/proc, 10 ms
    ticks: only a mean over many calls means anything). Not the WAL: the server's WAL position
    moves with every database's writes, and other work shares this server."""

    def __init__(self, conn: psycopg.Connection) -> None:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        self.stat, self.tick = Path(f"/proc/{pid}/stat"), os.sysconf("SC_CLK_TCK")
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def backend_cpu(self) -> float:
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick

    def __call__(self, key: str, record: bool, call, *args):
        cpu = self.backend_cpu()
        t = time.perf_counter()
        out = call(*args)
        wall = time.perf_counter() - t
        cpu = self.backend_cpu() - cpu
        if record:
            self.wall.setdefault(key, []).append(wall)
            self.cpu.setdefault(key, []).append(cpu)
        return out


def write_benchmark(
    conn: psycopg.Connection, day: datetime.date, n: int, rng: random.Random
) -> tuple[Meter, list[int]]:
    """Each of n schools' roll call of the day (20 schools' first, not timed; at most every
    school once), in its own transaction, both layouts in turn (which goes first alternates).
    Timed in the client: the statement and its commit."""
    rows = conn.execute(
        "SELECT school_id, array_agg(student_id ORDER BY student_id),"
        " array_agg(mark ORDER BY student_id) FROM bench_day_marks GROUP BY school_id"
    ).fetchall()
    rng.shuffle(rows)
    month, b = day.replace(day=1), 1 << (day.day - 1)
    meter = Meter(conn)
    warm = 20

    def write_a(school, ids, marks):
        conn.execute(
            WRITE_MONTHS,
            [
                school,
                month,
                b,
                ids,
                [b if m == "A" else 0 for m in marks],
                [b if m == "L" else 0 for m in marks],
                [b if m == "E" else 0 for m in marks],
            ],
            prepare=True,
        )

    def write_b(school, ids, marks):
        conn.execute(WRITE_DAYS, [school, day, ids, marks], prepare=True)

    for i, (school, ids, marks) in enumerate(rows[: n + warm]):
        order = (("a", write_a), ("b", write_b))
        for key, write in order if i % 2 else order[::-1]:
            meter(key, i >= warm, write, school, ids, marks)
    print(f"{len(meter.wall['a'])} roll calls timed ({warm} before them not)", flush=True)
    return meter, [school for school, _, _ in rows[: n + warm]]


def read_benchmark(
    conn: psycopg.Connection, days: list[datetime.date], n: int, rng: random.Random
) -> Meter:
    """A school's days marked and absent this session for each of its students, and one
    student's session: n schools (20 schools' first, not timed; at most every school once),
    the ways in turn, each school's answers compared."""
    schools = [r[0] for r in conn.execute("SELECT unit_id FROM orgunits_school").fetchall()]
    rng.shuffle(schools)
    first, last = days[0], days[-1]
    m_first, m_last = first.replace(day=1), last.replace(day=1)

    def a_rows(school):
        out: dict[int, list[int]] = {}
        for student, marked, absent in conn.execute(
            READ_MONTHS_ROWS, [school, m_first, m_last], prepare=True
        ):
            counts = out.setdefault(student, [0, 0])
            counts[0] += marked.bit_count()
            counts[1] += absent.bit_count()
        return {s: tuple(c) for s, c in out.items()}

    def a_sql(school):
        rows = conn.execute(READ_MONTHS_SQL, [school, m_first, m_last], prepare=True)
        return {s: (int(m), int(a)) for s, m, a in rows}

    def b_group(school):
        rows = conn.execute(READ_DAYS, [school, first, last], prepare=True)
        return {s: (m, a) for s, m, a in rows}

    def one(query, school, since, until, student):
        return conn.execute(query, [school, since, until, student], prepare=True).fetchall()

    ways = {"a: rows, bits counted in Python": a_rows, "a: bits counted in SQL": a_sql}
    ways["b: GROUP BY, COUNT(*) FILTER"] = b_group
    meter = Meter(conn)
    for key in [*ways, "a: one student", "b: one student"]:  # the order of the report
        meter.wall[key], meter.cpu[key] = [], []
    warm = 20
    for i, school in enumerate(schools[: n + warm]):
        names = list(ways)
        answers = [meter(k, i >= warm, ways[k], school) for k in names[i % 3 :] + names[: i % 3]]
        if not answers[0] == answers[1] == answers[2]:
            raise SystemExit(f"the reads of school {school} differ")
        student = rng.choice(sorted(answers[0]))
        meter("a: one student", i >= warm, one, STUDENT_MONTHS, school, m_first, m_last, student)
        meter("b: one student", i >= warm, one, STUDENT_DAYS, school, first, last, student)
    print(f"{len(meter.wall['b: one student'])} schools read ({warm} before them not)", flush=True)
    return meter


def report(
    students: int, n_days: int, sizes: dict, compacted: dict, writes: Meter, reads: Meter
) -> None:
    print()
    print(f"Storage ({students:,} students, one session of {n_days} school days)")
    names = {"a": "(a) MarkMonth", "b": "(b) one row a student-day"}
    print(
        f"{'':28} {'rows':>12} {'table':>10} {'indexes':>10} {'total':>10} "
        f"{'B/student-yr':>13} {'MP, 87 lakh':>12} {'compacted':>10}"
    )
    for key in ("a", "b"):
        s = sizes[key]
        per = s["total"] / students
        print(
            f"{names[key]:28} {s['rows']:>12,} {mb(s['heap']):>10} {mb(s['indexes']):>10} "
            f"{mb(s['total']):>10} {per:>13,.0f} {gb(per * MP_STUDENTS):>12} "
            f"{mb(compacted[key]):>10}"
        )
    print(
        f"(b) / (a): {sizes['b']['total'] / sizes['a']['total']:.1f}× as written, "
        f"{compacted['b'] / compacted['a']:.1f}× compacted (VACUUM FULL)"
    )
    print()
    print("Write: one school's roll call of a day (~95 students), its own transaction")
    print(f"{'':28} {'median ms':>10} {'p95 ms':>8} {'backend CPU ms':>15}")
    for key in ("a", "b"):
        p50, p95 = percentiles(writes.wall[key])
        cpu = statistics.fmean(writes.cpu[key]) * 1000
        print(f"{names[key]:28} {p50:10.2f} {p95:8.2f} {cpu:15.2f}")
    print(f"(n = {len(writes.wall['a'])} each; backend CPU: mean)")
    print()
    print("Read: a school's days marked and absent this session, per student; one student")
    print(f"{'':34} {'median ms':>10} {'p95 ms':>8} {'backend CPU ms':>15}")
    for name, values in reads.wall.items():
        p50, p95 = percentiles(values)
        cpu = statistics.fmean(reads.cpu[name]) * 1000
        print(f"{name:34} {p50:10.2f} {p95:8.2f} {cpu:15.2f}")
    print(f"(n = {len(reads.wall['b: one student'])} schools; backend CPU: mean)")


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def gb(n: float) -> str:
    return f"{n / 1e9:,.2f} GB"


if __name__ == "__main__":
    raise SystemExit(main())
