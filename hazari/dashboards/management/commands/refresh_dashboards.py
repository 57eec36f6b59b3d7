"""Keep the dashboards' rollups up to date (hazari.dashboards.refresh).

    manage.py refresh_dashboards              one refresh (the first ever builds every day)
    manage.py refresh_dashboards --loop       a refresh every --every seconds, until stopped
    manage.py refresh_dashboards --rebuild [--since 2026-04-01]
                                              recompute every day from scratch

Production runs one `--loop` beside the web servers (as it runs one db_worker); a second one
waits for the first's lock and does nothing, so two are harmless. `make demo` starts one.
Each refresh prints one line: when it ended, the newest version seen, how many days and
school-days it recomputed and how long it took (the benchmark reads these lines).
"""

import datetime
import signal
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from hazari.dashboards import refresh
from hazari.dashboards.models import RefreshState
from hazari.lib.loop import pause


class Command(BaseCommand):
    help = "Bring the dashboards' figures up to date (once, or every few seconds with --loop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="refresh until stopped")
        parser.add_argument("--every", type=float, default=5.0, help="seconds between runs")
        parser.add_argument("--rebuild", action="store_true", help="recompute every day")
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            help="with --rebuild: the first day (default: the session's first day)",
        )

    def handle(self, *args, loop: bool, every: float, rebuild: bool, since, **options) -> None:
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        state = RefreshState.objects.filter(pk=1).first()
        if rebuild or state is None or state.days_through is None:
            started = time.perf_counter()
            days = refresh.rebuild(start=since)
            self.stdout.write(f"rebuilt {days} days in {time.perf_counter() - started:.1f} s")
        while True:
            result = refresh.refresh(wait=not loop)
            if not result.skipped:
                seen = RefreshState.objects.values_list("versions_seen", flat=True).get(pk=1)
                self.stdout.write(
                    f"{timezone.now().isoformat(timespec='milliseconds')} refreshed: "
                    f"versions to {seen}, {result.days} days, {result.school_days} school-days, "
                    f"{result.took_ms} ms",
                )
                self.stdout.flush()
            if not loop or self.stopping:
                return
            close_old_connections()
            pause(every, lambda: self.stopping)

    def _stop(self, *_) -> None:
        self.stopping = True
