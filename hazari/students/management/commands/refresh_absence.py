"""Keep the officers' figures of absence up to date (hazari.students.rollup).

    manage.py refresh_absence              one run (the first ever works out every school)
    manage.py refresh_absence --loop       a run every --every seconds, until stopped
    manage.py refresh_absence --rebuild    every school with marks or follow-ups, from scratch

A process of its own, beside `refresh_dashboards --loop`, and at a lower priority: a school's
figures cost ~4–5 ms to work out (docs/benchmarks.md, "Students' figures of absence"), so
during the morning rush they fall behind the uploads and catch up after it, without holding
up the dashboards' refresher or taking a core from the uploads. Production runs one `--loop`;
a second waits for the first's lock. Each run that changed something prints one line.
"""

import os
import signal
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from hazari.lib.loop import pause
from hazari.students import rollup


class Command(BaseCommand):
    help = "Bring the officers' figures of absence up to date (once, or with --loop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="run until stopped")
        parser.add_argument("--every", type=float, default=30.0, help="seconds between runs")
        parser.add_argument("--rebuild", action="store_true", help="work out every school")
        parser.add_argument(
            "--nice", type=int, default=10, help="lower the process's priority by this much"
        )

    def handle(self, *args, loop: bool, every: float, rebuild: bool, nice: int, **options):
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        if nice:
            os.nice(nice)
        if rebuild:
            started = time.perf_counter()
            schools = rollup.rebuild()
            took = time.perf_counter() - started
            self.stdout.write(
                f"rebuilt the figures of absence of {schools} schools in {took:.1f} s"
            )
        while True:
            started = time.perf_counter()
            schools = rollup.refresh()
            if schools:
                took = (time.perf_counter() - started) * 1000
                self.stdout.write(
                    f"{timezone.now().isoformat(timespec='milliseconds')} figures of absence: "
                    f"{schools} schools, {took:.0f} ms"
                )
                self.stdout.flush()
            if not loop or self.stopping:
                return
            close_old_connections()
            pause(every, lambda: self.stopping)

    def _stop(self, *_) -> None:
        self.stopping = True
