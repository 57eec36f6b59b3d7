"""Build a demo Madhya Pradesh: the real 55 districts and 313 blocks, with made-up clusters,
schools, school accounts, teachers, officers and enrolment (see hazari.demo.generator).

    --scale demo   Bhopal, Sehore and Shajapur with their real blocks, about 300 schools
    --scale full   the whole state: about 92,000 schools, 3,400 clusters, 87 lakh children

Every child counted in the enrolment is on the student register (--no-students: none). At
the demo scale Bhopal district takes a student-wise roll call; the rest of the state counts.

Mauganj, Maihar and Pandhurna are created as districts but get no schools: the only block
list there is predates them and still has their blocks under Rewa, Satna and Chhindwara.
Every demo account has the password "hazari-demo"; the command prints one of each role.
"""

import argparse

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hazari.demo import generator
from hazari.demo.plan import SCALES
from hazari.demo.report import demo_logins, format_logins, format_roll_call, format_summary


class Command(BaseCommand):
    help = "Build a demo state (real districts and blocks, made-up schools, people, children)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed builds the same state."
        )
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--if-empty",
            action="store_true",
            help="If a state exists, build nothing and only print the demo log-ins.",
        )
        existing.add_argument(
            "--reset",
            action="store_true",
            help="First delete every unit, every user but superusers, and all enrolment.",
        )
        parser.add_argument(
            "--no-students",
            action="store_true",
            help="No student register (e.g. to measure the register's import on its own).",
        )
        # For tests: a state smaller than the demo's, built in a second.
        parser.add_argument("--schools", type=int, help=argparse.SUPPRESS)

    def handle(
        self,
        *args,
        scale: str,
        seed: int,
        if_empty: bool,
        reset: bool,
        schools: int | None,
        no_students: bool,
        **options,
    ) -> None:
        if generator.state_exists() and not reset:
            if not if_empty:
                raise CommandError(
                    "A state already exists. Use --reset to replace it with the demo "
                    "(this deletes every unit and user), or --if-empty to keep it."
                )
            self.stdout.write("A state already exists; nothing was built.")
        else:
            try:
                generator.build(
                    scale=scale,
                    seed=seed,
                    schools=schools,
                    reset=reset,
                    students=not no_students,
                    log=self.stdout.write,
                    progress=options["verbosity"] > 0,
                )
            except generator.BuildError as e:
                raise CommandError(f"{e} Nothing was written.") from e
            self.stdout.write(format_summary())
        self.stdout.write(format_logins(demo_logins()))
        self.stdout.write(format_roll_call())
