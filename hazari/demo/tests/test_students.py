"""The demo's student register and its roll calls: a child on the register for every child
counted in the enrolment; in the district that calls the roll, each reported day's counts are
exactly those of its marks; chronic absentees cluster in some schools; migrating families
empty a block's classrooms in the season."""

import datetime
import re
import statistics
from collections import Counter, defaultdict
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from hazari.attendance.models import ClassPresence, DayRecord, RollCall, RuleSet, Version
from hazari.demo.students import migrating_blocks, student_id
from hazari.orgunits.models import Level, OrgUnit
from hazari.registers.models import Enrolment, Student
from hazari.students.models import HeldRollCall, MarkMonth

# Friday 27 November 2026, 11:00 in India: after the season's first weeks of migration.
NOW = timezone.make_aware(datetime.datetime(2026, 11, 27, 11, 0))
SINCE = "2026-09-01"


def build(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("build_demo_state", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def generate(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("generate_attendance", "--since", SINCE, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def state(db) -> str:
    return build("--schools", "120", "--seed", "1")


def days_of(month: datetime.date, bits: int) -> list[datetime.date]:
    return [month.replace(day=d + 1) for d in range(31) if bits >> d & 1]


def present_by_marks() -> dict[tuple[int, datetime.date, int], list[int]]:
    """(school, day, class) → [boys, girls, third gender] present, from MarkMonth."""
    on_roll = dict(
        ((pk, (class_no, gender)) for pk, class_no, gender in Student.objects.values_list(
            "pk", "class_no", "gender"
        ))
    )  # fmt: skip
    out: dict[tuple[int, datetime.date, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for school_id, month, student, marked, absent in MarkMonth.objects.values_list(
        "school_id", "month", "student_id", "marked", "absent"
    ):
        class_no, gender = on_roll[student]
        for day in days_of(month, marked & ~absent):
            out[school_id, day, class_no]["MFT".index(gender)] += 1
    return out


def absence_by_student(months: set[int] | None = None) -> dict[int, dict[int, float]]:
    """{school: {student: share of marked days absent}}, over the given months or all."""
    days: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for school_id, month, student, marked, absent in MarkMonth.objects.values_list(
        "school_id", "month", "student_id", "marked", "absent"
    ):
        if months is None or month.month in months:
            days[school_id, student][0] += marked.bit_count()
            days[school_id, student][1] += absent.bit_count()
    out: dict[int, dict[int, float]] = defaultdict(dict)
    for (school_id, student), (marked, absent) in days.items():
        if marked:
            out[school_id][student] = absent / marked
    return out


def test_the_register_has_a_child_for_every_child_enrolled(state):
    enrolled: Counter[tuple[int, int, str]] = Counter()
    for school_id, class_no, boys, girls, third in Enrolment.objects.values_list(
        "school_id", "class_no", "boys", "girls", "third_gender"
    ):
        enrolled.update({(school_id, class_no, "M"): boys, (school_id, class_no, "F"): girls})
        enrolled.update({(school_id, class_no, "T"): third})
    on_register = Counter(Student.objects.values_list("school_id", "class_no", "gender"))
    assert on_register == +enrolled
    ids = list(Student.objects.values_list("student_id", flat=True))
    assert len(set(ids)) == len(ids) > 1000
    assert all(re.fullmatch(r"[1-9]\d{8}", i) for i in ids)
    assert not Student.objects.filter(since__isnull=False).exists()
    assert not Student.objects.filter(name="").exists()
    assert "on the student register: " in state


def test_student_ids_never_repeat():
    ids = [student_id(n) for n in range(1, 200_000)]
    assert len(set(ids)) == len(ids)


def test_one_district_calls_the_roll_and_the_log_in_output_says_which(state):
    rule = RuleSet.objects.select_related("unit").get(roll_call=RollCall.STUDENTS)
    assert rule.unit.level == Level.DISTRICT and rule.unit.name_en == "Bhopal"
    assert rule.mark_late_and_left_early
    assert "Student-wise roll call in Bhopal district: each child is marked" in state


def test_the_counts_of_each_day_are_those_of_its_marks(state):
    output = generate()
    assert "roll calls marking" in output
    bhopal = OrgUnit.objects.get(level=Level.DISTRICT, name_en="Bhopal")
    roll_schools = set(
        OrgUnit.objects.filter(level=Level.SCHOOL, district=bhopal).values_list("pk", flat=True)
    )
    by_marks = present_by_marks()
    assert {school for school, _day, _class in by_marks} == roll_schools
    records = DayRecord.objects.filter(school_id__in=roll_schools, current__isnull=False)
    assert records.count() > 20 * len(roll_schools)
    checked = 0
    for school_id, day, version_id in records.values_list("school_id", "date", "current_id"):
        version = Version.objects.get(pk=version_id)
        totals = [0, 0, 0]
        for class_no, *present in ClassPresence.objects.filter(version_id=version_id).values_list(
            "class_no", "boys", "girls", "third_gender"
        ):
            assert present == by_marks.get((school_id, day, class_no), [0, 0, 0])
            totals = [a + b for a, b in zip(totals, present, strict=True)]
            checked += 1
        assert totals == [
            version.present_boys,
            version.present_girls,
            version.present_third_gender,
        ]
    assert checked > 100
    # Only the days of a current version are marked (a held one waits in HeldRollCall).
    marked_days = {(s, d) for s, d, _c in by_marks}
    assert marked_days <= set(records.values_list("school_id", "date"))
    held = HeldRollCall.objects.values_list("version__record__school_id", "version__record__date")
    assert not marked_days & set(held)
    # Schools that count have no marks, and late and left early are marked.
    assert not MarkMonth.objects.exclude(school_id__in=roll_schools).exists()
    assert MarkMonth.objects.exclude(late=0).exists()
    assert MarkMonth.objects.exclude(left_early=0).exists()


def test_chronic_absentees_cluster_in_some_schools(state):
    generate()
    absence = absence_by_student(months={9})  # September: no migration yet
    # Missing a fifth of the days or more ("severe"): a few children in most schools, a
    # fifth or more of them in some.
    severe = sorted(
        sum(share >= 0.2 for share in children.values()) / len(children)
        for children in absence.values()
    )
    assert statistics.median(severe) < 0.1
    assert severe[-1] >= 0.18
    overall = [share for children in absence.values() for share in children.values()]
    assert 0.05 < statistics.mean(overall) < 0.15  # most children ~90 % present


def test_migrating_blocks_empty_classrooms_in_the_season(state):
    generate()
    bhopal = OrgUnit.objects.get(level=Level.DISTRICT, name_en="Bhopal")
    blocks = OrgUnit.objects.filter(level=Level.BLOCK).values_list("pk", "district", "code")
    migrating = migrating_blocks(list(blocks), seed=1)
    assert len(migrating) == OrgUnit.objects.filter(level=Level.DISTRICT).count()
    block_of = dict(
        OrgUnit.objects.filter(level=Level.SCHOOL, district=bhopal).values_list("pk", "block")
    )

    def mean_absence(months: set[int], moving: bool) -> float:
        shares = [
            share
            for school, children in absence_by_student(months).items()
            if (block_of[school] in migrating) == moving
            for share in children.values()
        ]
        return statistics.mean(shares)

    assert mean_absence({11}, True) > mean_absence({9}, True) + 0.05
    assert mean_absence({11}, False) < mean_absence({9}, False) + 0.03


def test_a_second_run_leaves_the_marks_alone_and_a_reset_removes_the_register(state):
    generate()
    before = list(MarkMonth.objects.order_by("school_id", "month", "student_id").values_list())
    generate()
    assert list(MarkMonth.objects.order_by("school_id", "month", "student_id").values_list()) == (
        before
    )
    build("--schools", "10", "--reset")
    assert not MarkMonth.objects.exists()
    assert Student.objects.count() == sum(
        e.boys + e.girls + e.third_gender for e in Enrolment.objects.all()
    )


def test_roll_call_schools_keep_their_class_rows_when_only_a_sample_has_them(state):
    generate("--detail", "sample")
    assert ClassPresence.objects.values("version__record__school").distinct().count() >= (
        OrgUnit.objects.filter(level=Level.SCHOOL, district__name_en="Bhopal").count()
    )


def test_without_students_there_is_no_register_and_no_roll_call(db):
    output = build("--schools", "20", "--no-students")
    assert not Student.objects.exists()
    assert not RuleSet.objects.exists()
    assert "counts per class and gender everywhere" in output
