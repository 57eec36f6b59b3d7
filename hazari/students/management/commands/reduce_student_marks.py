"""Reduce the children's marks and follow-ups of old sessions to counts (hazari.students.retention).

    manage.py reduce_student_marks [--sessions N]

Keeps the last N academic sessions (default: the STUDENT_MARKS_SESSIONS setting, 2).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from hazari.students.retention import marks_reduce


class Command(BaseCommand):
    help = "Delete students' marks and follow-ups older than the sessions the state keeps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sessions", type=int, default=settings.STUDENT_MARKS_SESSIONS)

    def handle(self, *args, sessions: int, **options) -> None:
        done = marks_reduce(today=timezone.localdate(), sessions=sessions)
        self.stdout.write(
            f"kept from {done.kept_from}: deleted {done.months} month rows of marks, "
            f"{done.past_stays} past stays, {done.held_roll_calls} held roll calls, "
            f"{done.follow_ups} follow-ups"
        )
