"""Worlds for the students' tests: a session of marks and follow-ups in the named world."""

import datetime
import random
import uuid

from django.utils import timezone

from hazari.registers.models import Student
from hazari.students.models import FollowUp, FollowUpEntry, MarkMonth

MONTHS = [datetime.date(2026, m, 1) for m in (4, 5, 6, 7)]


def session_of_marks(w):
    """Children in school A (classes 1–5) and school C (1–8, another block), each with a
    session of marks, some absent often; a few follow-ups with causes and outcomes."""
    rng = random.Random(15)
    w.children = []
    for school, classes in ((w.school_a, range(1, 6)), (w.school_c, range(1, 9))):
        for class_no in classes:
            for i in range(4):
                child = Student.objects.create(
                    student_id=f"{school.pk}{class_no:02d}{i}",
                    name=f"Naam{school.pk}x{class_no}x{i}",
                    gender="MFT"[rng.randrange(3)],
                    class_no=class_no,
                    school=school,
                )
                w.children.append(child)
                often_away = rng.random() < 0.3
                for month in MONTHS:
                    marked = absent = 0
                    last = 15 if month.month == 7 else 28
                    for day in range(1, last):
                        if rng.random() < 0.8:
                            marked |= 1 << (day - 1)
                            if rng.random() < (0.35 if often_away else 0.04):
                                absent |= 1 << (day - 1)
                    MarkMonth.objects.create(
                        school=school,
                        month=month,
                        student=child,
                        marked=marked,
                        absent=absent,
                    )
    for n, child in enumerate(w.children[:12]):
        follow_up = FollowUp.objects.create(
            student=child,
            school=child.school,
            opened_on=datetime.date(2026, 6, 2 + n),
            cause=["migration", "illness", "work"][n % 3],
            action="home_visit" if n % 2 else "",
            action_on=datetime.date(2026, 7, 12) if n % 4 == 1 else datetime.date(2026, 6, 20),
            outcome="came_back" if n % 5 == 1 else "",
            outcome_on=datetime.date(2026, 7, 1) if n % 5 == 1 else None,
            is_open=n % 5 != 1,
        )
        for k, month_no in enumerate((6, 7)[: 1 + n % 2]):
            FollowUpEntry.objects.create(
                uuid=uuid.uuid4(),
                follow_up=follow_up,
                kind="cause",
                code=["migration", "illness", "work"][(n + k) % 3],
                on=datetime.date(2026, month_no, 3),
                recorded_by=w.asha,
                role="head_master",
                captured_at=timezone.now(),
                received_at=timezone.now(),
                content_hash="-",
            )
    return w
