"""generate_attendance: a year of made-up attendance that the capture rules would have let in,
only on school days, the same for the same seed, and topped up (never doubled) when run again."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from hazari.attendance.models import Capture, ClassPresence, DayRecord, Status, Version
from hazari.dashboards.models import SchoolDay, UnitDay
from hazari.orgunits.models import Level, OrgUnit
from hazari.registers.models import Enrolment
from hazari.schooldays.days import day_status
from hazari.schooldays.models import AcademicSession, Closure

# Thursday 16 July 2026, 11:00 in India: today is being reported.
NOW = timezone.make_aware(datetime.datetime(2026, 7, 16, 11, 0))
SINCE = "2026-06-29"


@pytest.fixture
def state(db):
    with time_machine.travel(NOW, tick=False):
        call_command("build_demo_state", "--schools", "30", "--seed", "1", stdout=StringIO())
        yield


def generate(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("generate_attendance", "--since", SINCE, *args, stdout=out)
    return out.getvalue()


def fingerprint():
    return list(
        Version.objects.order_by(
            "record__school__unit__code", "record__date", "number"
        ).values_list(
            "record__school__unit__code",
            "record__date",
            "number",
            "status",
            "present_boys",
            "present_girls",
        )
    )


def test_reports_only_school_days_and_follow_the_rules(state):
    generate()
    assert Closure.objects.filter(kind="vacation").exists()  # the usual holidays were entered
    records = list(DayRecord.objects.select_related("school__unit", "current"))
    assert len(records) > 300
    for r in records[:200]:
        assert day_status(r.school, r.date).open
    for v in Version.objects.prefetch_related("classes")[:300]:
        rows = list(v.classes.all())
        assert sum(c.boys for c in rows) == v.present_boys  # totals agree with the classes
        assert sum(c.girls for c in rows) == v.present_girls
        assert v.status in (Status.ACCEPTED, Status.LATE, Status.HELD)
    # A current version is accepted on time exactly when the day counts as on time.
    for r in records:
        if r.current is not None and r.current.number == 1:
            assert r.on_time == (r.current.status == Status.ACCEPTED)
    # Every version has its capture (the receipt), at this scale.
    assert Capture.objects.count() == Version.objects.count()


def test_today_is_reported_only_up_to_now(state):
    generate()
    today = timezone.localdate(NOW)
    sent = Version.objects.filter(record__date=today)
    assert sent.exists()
    assert all(timezone.localtime(v.captured_at) <= NOW for v in sent)
    open_today = OrgUnit.objects.filter(level=Level.SCHOOL).count()
    assert DayRecord.objects.filter(date=today).count() < open_today


def test_same_seed_same_attendance_and_a_second_run_adds_nothing(state):
    generate("--seed", "7")
    first = fingerprint()
    count = Version.objects.count()
    output = generate("--seed", "7")
    assert Version.objects.count() == count
    assert "already had attendance" in output
    Capture.objects.all().delete()
    DayRecord.objects.update(current=None)
    ClassPresence.objects.all().delete()
    Version.objects.all().delete()
    DayRecord.objects.all().delete()
    generate("--seed", "7")
    assert fingerprint() == first


def test_sample_detail_keeps_totals_for_every_school(state):
    generate("--detail", "sample")
    assert Version.objects.count() > 300
    # Schools that call the roll (Bhopal's) keep their class rows: they come from the marks.
    counting = ClassPresence.objects.exclude(
        version__record__school__unit__district__name_en="Bhopal"
    )
    assert counting.values("version__record__school").distinct().count() < 5


def test_the_dashboards_come_alive(state):
    generate()
    with time_machine.travel(NOW, tick=False):
        call_command("refresh_dashboards", "--since", SINCE, stdout=StringIO())
    state_unit = OrgUnit.objects.get(level=Level.STATE)
    today = timezone.localdate(NOW)
    row = UnitDay.objects.get(unit_id=state_unit.pk, date=today - datetime.timedelta(days=1))
    assert 0.5 < row.present_boys / row.enrolled_boys < 1
    assert row.reported > 0.8 * row.schools_open
    reported = SchoolDay.objects.filter(reported=True).aggregate(n=Sum("present_girls"))["n"]
    assert (
        reported
        == Version.objects.filter(
            pk__in=DayRecord.objects.filter(date__gte=SINCE).values("current")
        ).aggregate(n=Sum("present_girls"))["n"]
    )


def test_reset_removes_attendance(state):
    generate()
    with time_machine.travel(NOW, tick=False):
        call_command("refresh_dashboards", "--since", SINCE, stdout=StringIO())
        call_command("build_demo_state", "--schools", "10", "--reset", stdout=StringIO())
    assert not Version.objects.exists() and not SchoolDay.objects.exists()
    assert OrgUnit.objects.filter(level=Level.SCHOOL).count() == 10


def test_days_of_an_earlier_session_come_with_that_session_and_its_registers(state):
    def generate_march() -> None:
        with time_machine.travel(NOW, tick=False):
            call_command(
                "generate_attendance", "--since", "2026-03-02", "--until", "2026-03-31",
                stdout=StringIO(),
            )  # fmt: skip

    generate_march()
    earlier = AcademicSession.objects.get(start=datetime.date(2025, 4, 1))
    assert earlier.end == datetime.date(2026, 3, 31)
    this_year = Enrolment.objects.filter(academic_year=2026)
    assert Enrolment.objects.filter(academic_year=2025).count() == this_year.count() > 0
    records = list(DayRecord.objects.select_related("school__unit"))
    assert records and {r.date.month for r in records} == {3}
    assert all(day_status(r.school, r.date).open for r in records)
    with time_machine.travel(NOW, tick=False):
        call_command("refresh_dashboards", "--rebuild", "--since", "2026-03-02", stdout=StringIO())
    march = SchoolDay.objects.filter(date__month=3, reported=True)
    assert march.exists() and not march.filter(enrolled_boys=0, enrolled_girls=0).exists()
    # Again: nothing more (the session, the registers and the days are there).
    count, enrolled = Version.objects.count(), Enrolment.objects.count()
    generate_march()
    assert (Version.objects.count(), Enrolment.objects.count()) == (count, enrolled)
