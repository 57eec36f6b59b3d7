"""What the officers' figures of absence cost to work out (hazari.students.rollup), on a
database that already holds a state with roll-call marks (e.g. the morning rush's
`hazari_bench_rush_roll`, after a `--roll-call` run):

1. the first run of the refresher: every school with marks, from nothing;
2. the next run with nothing new (what every idle run costs);
3. the schools of one run of the morning rush (1,500: 300 uploads a second for 5 s) and of
   a quieter one (300), each in a transaction rolled back.

    DATABASE_URL=postgres://…/hazari_bench_rush_roll DEBUG=false SECRET_KEY=… \\
        .venv/bin/python bench/absence_rollup.py

It rewrites the database's figures of absence (students.Absence, CauseCount), nothing else.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazari.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from hazari.students import rollup  # noqa: E402
from hazari.students.models import Absence, MarkMonth, RollupState  # noqa: E402


def main() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # this machine's PostgreSQL runs without autovacuum
    RollupState.objects.all().delete()
    wall, cpu = time.perf_counter(), time.process_time()
    schools = rollup.refresh()
    print(
        f"first run: {schools} schools in {time.perf_counter() - wall:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU (this process); "
        f"{Absence.objects.count()} rows of figures",
        flush=True,
    )
    wall = time.perf_counter()
    schools = rollup.refresh()
    took = (time.perf_counter() - wall) * 1000
    print(f"next run, nothing new: {schools} schools in {took:.0f} ms")
    marked = MarkMonth.objects.values_list("school_id", flat=True).distinct()
    ids = list(marked.order_by("school_id")[:1500])
    for n in (1500, 300):
        with transaction.atomic():
            wall, cpu = time.perf_counter(), time.process_time()
            rollup.recompute(ids[:n], today=timezone.localdate())
            print(
                f"{n} schools worked out: {time.perf_counter() - wall:.2f} s wall, "
                f"{time.process_time() - cpu:.2f} s CPU (this process)",
                flush=True,
            )
            transaction.set_rollback(True)


if __name__ == "__main__":
    main()
