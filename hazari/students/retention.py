"""How long children's marks and follow-ups are kept (issue 15, item 6; DPDP Act 2023).

A child's day-by-day marks and the causes recorded for their absence are personal data of a
minor, needed to follow the child up this session and to compare with the last. After
`STUDENT_MARKS_SESSIONS` sessions (2: this one and the one before) they are reduced to counts:
the month rows, the stays that ended, the held roll calls and the follow-ups of older sessions
are deleted, while each day's counts per class and gender (attendance's ClassPresence) and the
officers' rollups, which name no child, stay. Run by `manage.py reduce_student_marks` (daily,
from cron or a timer, beside the other operations).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from hazari.registers.models import PastStay, academic_year_of
from hazari.students.models import FollowUp, HeldRollCall, MarkMonth


@dataclass(frozen=True)
class Reduced:
    kept_from: datetime.date
    months: int
    past_stays: int
    held_roll_calls: int
    follow_ups: int


def keep_from(today: datetime.date, sessions: int) -> datetime.date:
    """The first day kept: 1 April of the oldest of the last `sessions` academic years."""
    if sessions < 1:
        raise ValueError("at least the current session is kept")
    return datetime.date(academic_year_of(today) - (sessions - 1), 4, 1)


@transaction.atomic
def marks_reduce(*, today: datetime.date, sessions: int) -> Reduced:
    """Delete the children's marks and follow-ups of the sessions before the kept ones."""
    start = keep_from(today, sessions)
    months, _ = MarkMonth.objects.filter(month__lt=start).delete()
    stays, _ = PastStay.objects.filter(until__lt=start).delete()
    held, _ = HeldRollCall.objects.filter(version__record__date__lt=start).delete()
    # A follow-up still open is kept while anything happens on it this side of the line.
    old = FollowUp.objects.filter(opened_on__lt=start).filter(
        Q(is_open=False) | Q(updated_at__date__lt=start)
    )
    follow_ups = old.count()
    old.delete()  # its entries go with it
    return Reduced(start, months, stays, held, follow_ups)
