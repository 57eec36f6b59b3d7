"""A whole state's session of roll-call marks, written by PostgreSQL itself (issue 15: the
benchmarks of the officers' absence pages need ~87 lakh children's marks for a session).

`hazari.demo.attendance` makes each school's day as a phone would send it: captures, versions,
class rows and the marks, in Python. That is right for the demo (a district takes its roll call
student-wise) and for any test, but a state's session is ~8 crore month rows, which Python
would take hours to draw. Here each month is one INSERT … SELECT over the register, so the
marks are drawn where they are stored; only the marks are written (no captures behind them),
which is what the officers' figures are worked out from (hazari.students.rollup).

The children's habits are the demo's (hazari.demo.students), drawn from hashes of the seed and
the ids rather than Python's random: a share of each school's children are chronically absent
(1–6 %, and 20–30 % in one school in eight); the rest miss 1.5–6 % of days; in one block per
district (`migrating_blocks`) a share of each school's children are away for three to seven
weeks after Diwali and again in February. A day is marked when the school was open (the
calendar of a school of the district: Sundays, the state's and the district's holidays) and
the child was on the register (`since`); never today or later.

A child's daily chance of absence is drawn with six random bit planes compared, bit by bit,
against the child's threshold in 64ths (a bit-sliced `r < t` over the month's 31 days at
once): six random numbers a row instead of 31.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.db import connection, transaction

from hazari.demo.students import CLUSTERED_SCHOOLS, migrating_blocks
from hazari.orgunits.models import Level, OrgUnit
from hazari.schooldays.days import school_calendar

PLANES = 6  # the chance of absence in 64ths
# In 64ths of a day: the usual child misses 1–4 (1.5–6 %), a chronic one 12–35 (19–55 %).
USUAL_MISS = (1, 4)
CHRONIC_MISS = (12, 35)
CHRONIC_SHARE = {"clustered": (0.20, 0.10), "usual": (0.01, 0.05)}  # lowest, spread
MIGRANT_SHARE = (0.15, 0.20)  # lowest, spread: of a migrating block's school's children
# Seasons away: leaving on (month, day) + up to `spread` days, away `shortest` + up to `more`.
SEASONS = (((10, 20), 25, 21, 29), ((2, 1), 20, 21, 24))


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return out


def open_masks(first: datetime.date, last: datetime.date) -> dict[int, dict[datetime.date, int]]:
    """{district id: {month: bits of the days a school of the district was open}}."""
    schools: dict[int, int] = {}
    for school_id, district_id in OrgUnit.objects.filter(level=Level.SCHOOL).values_list(
        "pk", "district_id"
    ):
        schools.setdefault(district_id, school_id)
    calendar = school_calendar(list(schools.values()), first, last)
    masks: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    for district_id, school_id in schools.items():
        for day in calendar.open_days(school_id):
            masks[district_id][day.replace(day=1)] |= 1 << (day.day - 1)
    return masks


def _lt_chain() -> str:
    """LATERAL steps computing `lt`: the days whose 6-bit random number is below `t`."""
    steps = []
    lt, eq = "0", "-1"
    for plane in reversed(range(PLANES)):
        bit = f"(-((r.t >> {plane}) & 1))"
        steps.append(
            f"CROSS JOIN LATERAL (SELECT {lt} | ({eq} & ~r.p{plane} & {bit}) AS lt, "
            f"{eq} & ~(r.p{plane} # {bit}) AS eq) AS s{plane}"
        )
        lt, eq = f"s{plane}.lt", f"s{plane}.eq"
    return "\n".join(steps) + f"\nCROSS JOIN LATERAL (SELECT {lt} AS lt) AS miss"


def _fraction(value: str, shift: int) -> str:
    """A number in [0, 1) from 20 bits of a 64-bit hash."""
    return f"((({value}) >> {shift}) & 1048575)::float8 / 1048576"


def _away_mask() -> str:
    """The days of the month the child is away with the family (bits), from the seasons."""
    parts = []
    for i, ((month, day), spread, shortest, more) in enumerate(SEASONS):
        # The season of the academic year the month falls in (April to March).
        year = "(CASE WHEN %(month_no)s >= 4 THEN %(year)s ELSE %(year)s - 1 END)"
        if month < 4:
            year += " + 1"
        leave = (
            f"(make_date({year}, {month}, {day}) + "
            f"mod((h.away >> {8 * i}) & 255, {spread + 1})::int)"
        )
        back = f"({leave} + {shortest} + mod((h.away >> {16 + 8 * i}) & 255, {more + 1})::int)"
        first = f"greatest({leave}, %(first)s::date)"
        last = f"least({back} - 1, %(last)s::date)"
        parts.append(
            f"CASE WHEN {first} <= {last} THEN (((1::bigint << extract(day FROM {last})::int) - 1)"
            f" & ~((1::bigint << (extract(day FROM {first})::int - 1)) - 1))::int ELSE 0 END"
        )
    return " | ".join(parts)


def _month_sql() -> str:
    planes = ", ".join(f"(random() * 2147483647 + 0 * st.id)::int AS p{p}" for p in range(PLANES))
    clustered = f"{_fraction('h.school', 0)} < {CLUSTERED_SCHOOLS}"
    share = (
        f"CASE WHEN {clustered} THEN {CHRONIC_SHARE['clustered'][0]} + "
        f"{CHRONIC_SHARE['clustered'][1]} * {_fraction('h.school', 20)} "
        f"ELSE {CHRONIC_SHARE['usual'][0]} + {CHRONIC_SHARE['usual'][1]} * "
        f"{_fraction('h.school', 20)} END"
    )
    chronic = f"{_fraction('h.child', 0)} < {share}"
    t = (
        f"CASE WHEN {chronic} THEN {CHRONIC_MISS[0]} + mod((h.child >> 44) & 1048575, "
        f"{CHRONIC_MISS[1] - CHRONIC_MISS[0] + 1}) ELSE {USUAL_MISS[0]} + "
        f"mod((h.child >> 44) & 1048575, {USUAL_MISS[1] - USUAL_MISS[0] + 1}) END"
    )
    migrant = (
        f"u.block_id = ANY(%(migrating)s) AND {_fraction('h.child', 20)} < "
        f"{MIGRANT_SHARE[0]} + {MIGRANT_SHARE[1]} * {_fraction('h.school', 40)}"
    )
    since = (
        "CASE WHEN st.since IS NULL OR st.since <= %(first)s THEN -1 "
        "WHEN st.since > %(last)s THEN 0 "
        "ELSE ~((1 << (extract(day FROM st.since)::int - 1)) - 1) END"
    )
    # Only generated SQL and numbers go in; the values are parameters.
    return f"""
INSERT INTO students_markmonth (school_id, month, student_id, marked, absent, late, left_early)
SELECT st.school_id, %(first)s, st.id, m.marked,
       m.marked & (miss.lt | CASE WHEN {migrant} THEN {_away_mask()} ELSE 0 END), 0, 0
FROM registers_student st
JOIN orgunits_orgunit u ON u.id = st.school_id
JOIN unnest(%(districts)s::bigint[], %(opens)s::int[]) AS d(district_id, open)
  ON d.district_id = u.district_id
CROSS JOIN LATERAL (SELECT hashint8extended(st.id, %(seed)s) AS child,
                           hashint8extended(st.id, %(seed)s + 1) AS away,
                           hashint8extended(st.school_id, %(seed)s) AS school) AS h
CROSS JOIN LATERAL (SELECT d.open & {since} AS marked) AS m
CROSS JOIN LATERAL (SELECT ({t})::int AS t, {planes}) AS r
{_lt_chain()}
WHERE st.is_active AND m.marked <> 0
ON CONFLICT (school_id, month, student_id) DO UPDATE SET
  marked = students_markmonth.marked | excluded.marked,
  absent = (students_markmonth.absent & ~excluded.marked) | excluded.absent
"""  # noqa: S608


def generate_marks(
    *, first: datetime.date, last: datetime.date, seed: int, log: Callable[[str], None]
) -> int:
    """Mark every child on the register on each open day from `first` to `last`; the month
    rows written. PostgreSQL only."""
    if connection.vendor != "postgresql":
        raise ValueError("the state's marks are drawn by PostgreSQL: run this on PostgreSQL")
    if last < first:
        raise ValueError("the last day is before the first")
    masks = open_masks(first, last)
    blocks = OrgUnit.objects.filter(level=Level.BLOCK).values_list("pk", "district_id", "code")
    migrating = sorted(migrating_blocks(list(blocks), seed))
    sql = _month_sql()
    written = 0
    for month in months_between(first, last):
        month_last = min(last, (month + datetime.timedelta(days=32)).replace(day=1) - _DAY)
        month_first = max(first, month)
        keep = ((1 << month_last.day) - 1) & ~((1 << (month_first.day - 1)) - 1)
        districts = sorted(masks)
        opens = [masks[d].get(month, 0) & keep for d in districts]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000 + month.month / 100000])
            cursor.execute(
                sql,
                {
                    "first": month,
                    "last": month_last,
                    "month_no": month.month,
                    "year": month.year,
                    "districts": districts,
                    "opens": opens,
                    "migrating": migrating,
                    "seed": seed,
                },
            )
            rows = cursor.rowcount
        written += rows
        log(f"{month:%Y-%m}: {rows:,} month rows")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE students_markmonth")
    return written


_DAY = datetime.timedelta(days=1)
