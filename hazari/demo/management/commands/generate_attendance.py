"""Make up the attendance of the demo state from the session's first day up to now (see
hazari.demo.attendance): what makes the dashboards come alive.

    manage.py generate_attendance [--seed 1] [--since 2026-04-01] [--until 2026-11-27]
                                  [--detail auto|all|sample]

Days that already have attendance are left alone: run it again on a later day, and it fills
the days since. Then `refresh_dashboards` brings the dashboards up to date.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hazari.demo.attendance import generate


class Command(BaseCommand):
    help = "Make up a year of attendance for the demo state (only days that have none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="the first day")
        parser.add_argument(
            "--until", type=datetime.date.fromisoformat, help="the last day (default: today)"
        )
        parser.add_argument(
            "--detail",
            choices=["auto", "all", "sample"],
            default="auto",
            help="class rows and captures for every school, or one in 50 (auto: every school "
            "below 5,000 schools)",
        )
        parser.add_argument(
            "--no-holidays", action="store_true", help="do not enter the usual holidays"
        )

    def handle(
        self, *args, seed: int, since, until, detail: str, no_holidays: bool, **options
    ) -> None:
        try:
            generate(
                seed=seed,
                start=since,
                until=until,
                detail=detail,
                holidays=not no_holidays,
                log=self.stdout.write,
            )
        except ValueError as e:
            raise CommandError(str(e)) from e
