"""Draw a whole state's session of roll-call marks in PostgreSQL (hazari.demo.marks_bulk): the
marks the officers' absence pages are benchmarked on, at the scale of a state.

    manage.py generate_student_marks [--seed 1] [--since 2026-04-01] [--until 2026-12-06]

Every child on the register is marked on every day their school was open, up to yesterday
by default; a month row already there keeps its days and gains these. Then
`refresh_absence --rebuild` works out the figures.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hazari.demo.marks_bulk import generate_marks
from hazari.students.rollup import session_start


class Command(BaseCommand):
    help = "Draw a session of roll-call marks for every child on the register (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="the first day")
        parser.add_argument(
            "--until", type=datetime.date.fromisoformat, help="the last day (default: yesterday)"
        )

    def handle(self, *args, seed: int, since, until, **options) -> None:
        today = timezone.localdate()
        last = until or today - datetime.timedelta(days=1)
        first = since or session_start(today)
        try:
            written = generate_marks(first=first, last=last, seed=seed, log=self.stdout.write)
        except ValueError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{written:,} month rows from {first} to {last}")
