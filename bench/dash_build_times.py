"""How long the dashboards' and meal reports' figures take to build when nothing is kept (the
first request after a refresher run), in process, on the benchmark's database: each builder
five times after one warm-up run, the median. Prints one line per builder.

    DEBUG=false SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hazari_bench_dash \\
        .venv/bin/python bench/dash_build_times.py [YYYY-MM-DD]
"""

import datetime
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

from django.utils import translation  # noqa: E402

from hazari.accounts.models import User  # noqa: E402
from hazari.accounts.roles import Role  # noqa: E402
from hazari.dashboards import pages, selectors  # noqa: E402
from hazari.dashboards.periods import Period  # noqa: E402
from hazari.meals import pages as meal_pages  # noqa: E402
from hazari.meals import selectors as meal_selectors  # noqa: E402
from hazari.meals.flags import Limits  # noqa: E402
from hazari.orgunits.models import Level, OrgUnit  # noqa: E402


def timed(label: str, work) -> None:
    work()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{label:40} {statistics.median(times):8.1f} ms")


def main() -> None:
    translation.activate("hi")
    today = datetime.date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else datetime.date.today()
    period = Period.of("month", today, today)
    state = OrgUnit.objects.get(level=Level.STATE)
    officer = User.objects.filter(role=Role.STATE_OFFICER, unit=state).order_by("pk").first()
    block = User.objects.filter(role=Role.BLOCK_OFFICER).order_by("pk")[7].unit
    limits = Limits()
    if officer is None or block is None:
        raise SystemExit("no state officer or block: build the demo state first")
    timed("state month, overview", lambda: pages.overview(officer, state, period, today))
    timed("state month, by class", lambda: selectors.by_class(state, period))
    timed(
        "block month, 100 schools",
        lambda: selectors.rows_of(selectors.school_list(block, period)[:100]),
    )
    timed(
        "meals: state month, overview",
        lambda: meal_pages.overview(officer, state, period, today, limits),
    )
    timed(
        "meals: state month, flagged schools", lambda: meal_selectors.flagged(state, period, limits)
    )
    timed("meals: state month, flags page", lambda: meal_pages.flags_page(state, period, limits))
    timed("meals: block month, flags page", lambda: meal_pages.flags_page(block, period, limits))


if __name__ == "__main__":
    main()
