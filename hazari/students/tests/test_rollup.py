"""The officers' figures of absence against the obvious computation: every child's days, walked
one by one with the follow-up rules, added up for every unit from the school to the state."""

import datetime
import io
import uuid
from collections import defaultdict

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from hazari.attendance.services import CaptureIn, StaffMark, capture_submit
from hazari.attendance.tests.conftest import (
    at,
    school_a_ready,  # noqa: F401 (a fixture)
)
from hazari.orgunits.models import OrgUnit, School
from hazari.registers.models import Student
from hazari.students import rollup
from hazari.students.followup import CHRONIC, SEVERE, Limits, standing
from hazari.students.marks import Month
from hazari.students.models import (
    Absence,
    CauseCount,
    FollowUp,
    FollowUpEntry,
    MarkMonth,
)
from hazari.students.rollcall import Roll
from hazari.students.tests.worlds import session_of_marks

TODAY = datetime.date(2026, 7, 15)
START = datetime.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel("2026-07-15 18:00 +0530", tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock, school_a_ready):  # noqa: F811
    return session_of_marks(school_a_ready)


def obvious(unit: OrgUnit) -> dict:
    """A unit's rows, worked out child by child and day by day."""
    limits = Limits()
    schools = set(School.objects.under(unit).values_list("pk", flat=True))
    rows: dict = defaultdict(lambda: [0] * 8)
    days: dict = defaultdict(list)
    for m in MarkMonth.objects.filter(school_id__in=schools, month__gte=START):
        month = Month(m.month, m.marked, m.absent)
        days[m.student_id] += month.days()
        marked, absent = month.days_marked, month.days_absent
        child = Student.objects.get(pk=m.student_id)
        row = rows[(False, m.month, child.class_no, child.gender)]
        tier = (
            SEVERE
            if 100 * absent >= 20 * marked
            else CHRONIC
            if 100 * absent >= 10 * marked
            else None
        )
        row[0] += 1
        row[1] += tier is not None
        row[2] += tier == SEVERE
        row[3] += marked
        row[4] += absent
    for student_id, series in days.items():
        child = Student.objects.get(pk=student_id)
        s = standing(series, limits)
        row = rows[(True, START, child.class_no, child.gender)]
        row[0] += 1
        row[1] += s.tier is not None
        row[2] += s.tier == SEVERE
        row[3] += s.days_marked
        row[4] += s.days_absent
        if s.to_follow_up:
            row[5] += 1
            f = FollowUp.objects.filter(student_id=student_id, is_open=True).first()
            acted = f.action_on if f is not None and f.action else None
            if acted is None or acted < TODAY - datetime.timedelta(days=limits.act_within):
                row[6] += 1
    for f in FollowUp.objects.filter(school_id__in=schools, outcome="came_back"):
        if f.action:
            child = Student.objects.get(pk=f.student_id)
            rows[(True, START, child.class_no, child.gender)][7] += 1
            rows[(False, f.outcome_on.replace(day=1), child.class_no, child.gender)][7] += 1
    return {key: tuple(value) for key, value in rows.items()}


def stored(unit: OrgUnit) -> dict:
    return {
        (a.session, a.start, a.class_no, a.gender): (
            a.students,
            a.chronic,
            a.severe,
            a.days_marked,
            a.days_absent,
            a.to_follow_up,
            a.no_action,
            a.came_back,
        )
        for a in Absence.objects.filter(unit=unit)
    }


def causes(unit: OrgUnit) -> dict:
    schools = set(School.objects.under(unit).values_list("pk", flat=True))
    out: dict = defaultdict(set)
    for e in FollowUpEntry.objects.filter(follow_up__school_id__in=schools, kind="cause"):
        child = Student.objects.get(pk=e.follow_up.student_id)
        out[(e.on.replace(day=1), child.class_no, child.gender, e.code)].add(child.pk)
    return {key: len(children) for key, children in out.items()}


def stored_causes(unit: OrgUnit) -> dict:
    return {
        (c.month, c.class_no, c.gender, c.cause): c.students
        for c in CauseCount.objects.filter(unit=unit)
    }


def every_unit(w) -> list[OrgUnit]:
    return [
        w.school_a.unit,
        w.school_c.unit,
        w.cluster_x1,
        w.cluster_y1,
        w.block_x,
        w.block_y,
        w.district_a,
        w.state,
    ]


def test_every_units_figures_are_the_sum_of_its_childrens_days(w):
    assert rollup.rebuild() == 2
    chronic = 0
    for unit in every_unit(w):
        assert stored(unit) == obvious(unit), unit
        assert stored_causes(unit) == causes(unit), unit
        chronic += sum(row[1] for key, row in stored(unit).items() if key[0])
    assert chronic > 0  # the fixture has children who miss school
    assert stored(w.district_b) == {}


def roll_call(w, *, absent: list[int]):
    """School A's roll call of today at 10:30, these children absent; its receipt."""
    return capture_submit(
        user=w.asha,
        data=CaptureIn(
            uuid=uuid.uuid4(),
            school_id=w.school_a.pk,
            date=TODAY,
            captured_at=at("10:30", TODAY),
            classes=[],
            staff=[StaffMark(w.posting_asha.pk, "P"), StaffMark(w.posting_tarun.pk, "P")],
            roll=Roll(absent=tuple(absent)),
        ),
        received_at=at("10:31", TODAY),
    )


def test_a_roll_call_changes_the_figures_at_the_next_refresh(w, clock):
    rollup.refresh()  # the first run builds everything
    clock.shift(datetime.timedelta(minutes=2))  # the follow-ups made at once are behind us
    before = stored(w.state)
    children = [c for c in w.children if c.school_id == w.school_a.pk]
    receipt = roll_call(w, absent=[c.pk for c in children])
    assert receipt.status == "accepted", receipt.errors
    assert rollup.refresh() == 1
    after = stored(w.state)
    assert after != before
    for unit in every_unit(w):
        assert stored(unit) == obvious(unit), unit
    # Nothing changed since: nothing is recomputed.
    assert rollup.refresh() == 0


def test_a_follow_up_changes_the_figures_at_the_next_refresh(w, clock):
    rollup.refresh()
    clock.shift(datetime.timedelta(minutes=2))
    rollup.refresh()  # the follow-ups of the last minute are read once more (commit order)
    assert rollup.refresh() == 0
    child = w.children[20]
    FollowUp.objects.create(
        student=child,
        school=child.school,
        opened_on=datetime.date(2026, 7, 1),
        action="called_parent",
        action_on=datetime.date(2026, 7, 2),
        outcome="came_back",
        outcome_on=datetime.date(2026, 7, 10),
        is_open=False,
    )
    assert rollup.refresh() == 1
    for unit in every_unit(w):
        assert stored(unit) == obvious(unit), unit


def test_the_run_after_the_first_recomputes_nothing_new(w, clock):
    # The fixture's follow-ups were touched a day ago: only the version is new.
    FollowUp.objects.update(updated_at=timezone.now() - datetime.timedelta(days=1))
    roll_call(w, absent=[w.children[0].pk])
    assert rollup.refresh() == 2  # the first run: every school with marks
    clock.shift(datetime.timedelta(minutes=2))
    assert rollup.refresh() == 0  # the version it has seen is not worked out again


def test_the_command_works_the_figures_out(w):
    # The fixture's follow-ups were touched a day ago (else the next run reads them again).
    FollowUp.objects.update(updated_at=timezone.now() - datetime.timedelta(days=1))
    out = io.StringIO()
    call_command("refresh_absence", "--nice", "0", stdout=out)
    assert "figures of absence: 2 schools" in out.getvalue()
    assert stored(w.state) == obvious(w.state)
    out = io.StringIO()
    call_command("refresh_absence", "--nice", "0", stdout=out)
    assert out.getvalue() == ""  # nothing new, nothing said
