"""The two views of the dashboards' benchmark computed twice, side by side (run by
bench/dashboards.py as a child, with DATABASE_URL set): from the rollups, as the pages do
(hazari.dashboards.selectors), and from the raw attendance tables with one GROUP BY each.

* the state's month by district (with the month before, for the change);
* a block's month by school.

The raw GROUP BY is the least a page without rollups would run: reported days only (no count
of open days without a report, so no reporting %, and no calendar), no teachers. It is
timed in the same process and connection, each query run REPEAT times after one warm-up run,
and the sums of both are compared. Prints one JSON object.

    DATABASE_URL=... .venv/bin/python bench/dash_raw.py [REPEAT]
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazari.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from hazari.dashboards import selectors  # noqa: E402
from hazari.dashboards.periods import MONTH, Period  # noqa: E402
from hazari.orgunits.models import Level, OrgUnit  # noqa: E402
from hazari.registers.models import academic_year_of  # noqa: E402

RAW = """
WITH e AS (
  SELECT school_id, SUM(boys) AS b, SUM(girls) AS g, SUM(third_gender) AS t
  FROM registers_enrolment WHERE academic_year = %(year)s GROUP BY school_id
)
SELECT {key}, r.date >= %(start)s AS now, COUNT(*) AS reported,
  SUM(CASE WHEN r.on_time THEN 1 ELSE 0 END) AS on_time,
  SUM(v.present_boys) AS pb, SUM(v.present_girls) AS pg, SUM(v.present_third_gender) AS pt,
  SUM(e.b) AS eb, SUM(e.g) AS eg, SUM(e.t) AS et
FROM attendance_dayrecord r
JOIN attendance_version v ON v.id = r.current_id
JOIN orgunits_orgunit o ON o.id = r.school_id
LEFT JOIN e ON e.school_id = r.school_id
WHERE r.date >= %(from)s AND r.date <= %(end)s AND o.{column} = %(unit)s
GROUP BY 1, 2
"""
RAW_BLOCK = """
WITH e AS (
  SELECT en.school_id, SUM(en.boys) AS b, SUM(en.girls) AS g, SUM(en.third_gender) AS t
  FROM registers_enrolment en JOIN orgunits_orgunit s ON s.id = en.school_id
  WHERE en.academic_year = %(year)s AND s.block_id = %(unit)s GROUP BY en.school_id
)
SELECT r.school_id, COUNT(*) AS reported,
  SUM(CASE WHEN r.on_time THEN 1 ELSE 0 END) AS on_time,
  SUM(v.present_boys) AS pb, SUM(v.present_girls) AS pg, SUM(v.present_third_gender) AS pt,
  SUM(e.b) AS eb, SUM(e.g) AS eg, SUM(e.t) AS et
FROM attendance_dayrecord r
JOIN attendance_version v ON v.id = r.current_id
JOIN orgunits_orgunit o ON o.id = r.school_id
LEFT JOIN e ON e.school_id = r.school_id
WHERE r.date >= %(from)s AND r.date <= %(end)s AND o.block_id = %(unit)s
GROUP BY 1
"""


def timed(work, repeat: int) -> tuple[list[float], object]:
    result = work()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def summary(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
        "mean_ms": round(statistics.fmean(times), 2),
    }


def raw(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    today = timezone.localdate()
    state = OrgUnit.objects.get(level=Level.STATE)
    block = (
        OrgUnit.objects.filter(
            level=Level.BLOCK, pk__in=OrgUnit.objects.filter(level=Level.SCHOOL).values("block")
        )
        .order_by("code")
        .first()
    )
    period, before = selectors.periods(state, Period.of(MONTH, today, today))
    kids = OrgUnit.objects.children_of(state).order_by("name_en")
    params = {
        "year": academic_year_of(today),
        "start": period.start,
        "from": before.start,
        "end": period.end,
    }
    out = {"month": period.start.isoformat(), "through": period.end.isoformat(), "repeat": repeat}

    t_roll, rows = timed(lambda: selectors.children(kids, state, period, before), repeat)
    sql = RAW.format(key="o.district_id", column="state_id")
    t_raw, raw_rows = timed(lambda: raw(sql, {**params, "unit": state.pk}), repeat)
    present_roll = sum(r.now.present for r in rows)  # type: ignore[attr-defined]
    present_raw = sum(r[4] + r[5] + r[6] for r in raw_rows if r[1])  # type: ignore[union-attr]
    out["state_by_district"] = {
        "rollup": summary(t_roll),
        "raw_group_by": summary(t_raw),
        "ratio_p50": round(statistics.median(t_raw) / statistics.median(t_roll), 1),
        "present_rollup": present_roll,
        "present_raw": present_raw,
    }

    block_period = Period.of(MONTH, today, today)
    t_roll, rows = timed(lambda: selectors.schools(block, block_period), repeat)
    block_params = {**params, "from": block_period.start, "unit": block.pk}
    t_raw, raw_rows = timed(lambda: raw(RAW_BLOCK, block_params), repeat)
    out["block_by_school"] = {
        "block": block.name_en,
        "schools": len(rows),  # type: ignore[arg-type]
        "rollup": summary(t_roll),
        "raw_group_by": summary(t_raw),
        "ratio_p50": round(statistics.median(t_raw) / statistics.median(t_roll), 1),
        "present_rollup": sum(r.now.present for r in rows),  # type: ignore[attr-defined]
        "present_raw": sum(r[3] + r[4] + r[5] for r in raw_rows),  # type: ignore[union-attr]
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
