"""The naive way to import enrolment, for comparison: one ORM lookup and one
update_or_create per row, each in its own transaction (django-simple-history's signals write
the history row as they do in a real save).

    DATABASE_URL=... python bench/naive_enrolment.py FILE.csv YEAR MAX_ROWS
"""

import csv
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazari.settings")

import django

django.setup()

from hazari.orgunits.models import School  # noqa: E402
from hazari.registers.models import Enrolment  # noqa: E402


def main(path: str, year: int, max_rows: int) -> None:
    started = time.perf_counter()
    done = 0
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if done >= max_rows:
                break
            school = School.objects.get(unit__code=row["udise_code"])
            counts = {k: int(row[k]) for k in ("boys", "girls", "third_gender")}
            if int(row["class"]) not in school.classes or min(counts.values()) < 0:
                raise SystemExit(f"bad row {row}")
            Enrolment.objects.update_or_create(
                school=school, academic_year=year, class_no=int(row["class"]), defaults=counts
            )
            done += 1
    seconds = time.perf_counter() - started
    print(f"NAIVE rows={done} seconds={seconds:.2f} rows_per_s={done / seconds:.1f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
