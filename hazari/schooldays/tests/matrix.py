"""Calendar pages in the access matrix (see accounts/tests/test_access_matrix.py).

The POST data is valid for a unit inside the user's area (test_views checks that the same data
enters a closure there), so an answer other than 403/404 here would show up as a change in
snapshot(). The targets make sure an academic session covers the dates, for the same reason.
"""

import datetime

from django.utils import timezone

from hazari.accounts import scope
from hazari.orgunits.models import OrgUnit
from hazari.registers.models import academic_year_of
from hazari.schooldays.models import AcademicSession, Closure, Kind, Timetable, WorkingDay
from hazari.schooldays.services import session_ensure

TODAY = timezone.localdate()
NEXT_SUNDAY = TODAY + datetime.timedelta(days=(6 - TODAY.weekday()) % 7)

CLOSURE_DATA = {
    "start": TODAY.isoformat(),
    "end": TODAY.isoformat(),
    "kind": Kind.WEATHER,
    "reason": "Heavy rain",
}
WORKING_DAY_DATA = {"day": NEXT_SUNDAY.isoformat(), "reason": "Making up for the rain"}
TIMETABLE_DATA = {
    "start": TODAY.isoformat(),
    "end": TODAY.isoformat(),
    "starts_at": "07:30",
    "reason": "Summer mornings",
}


def _sessions(world) -> None:
    for day in (TODAY, NEXT_SUNDAY):
        session_ensure(start_year=academic_year_of(day), state=world.state)


def _outside_unit(world, who):
    """A school outside the user's area (never one of the user's ancestors)."""
    _sessions(world)
    return OrgUnit.objects.exclude(pk__in=scope.units_for(who)).order_by("-level", "pk").first()


def _parent_unit(world, who):
    """The unit just above the user's: its closures apply to the user, but it lies outside the
    user's area."""
    _sessions(world)
    return who.unit.parent


def _other_district_officer(world, who):
    return world.zoya if world.district_a.contains(who.unit) else world.dinesh


def _outside_closure(world, who):
    school = _outside_unit(world, who)
    closure = Closure.objects.filter(unit=school).first()
    if closure is None:
        closure = Closure.objects.create(
            unit=school,
            start=TODAY,
            end=TODAY,
            kind=Kind.WEATHER,
            reason="Flood",
            created_by=_other_district_officer(world, who),
        )
    return closure


def _outside_working_day(world, who):
    school = _outside_unit(world, who)
    working = WorkingDay.objects.filter(unit=school).first()
    if working is None:
        working = WorkingDay.objects.create(
            unit=school,
            day=NEXT_SUNDAY,
            reason="Make-up day",
            created_by=_other_district_officer(world, who),
        )
    return working


def _outside_timetable(world, who):
    school = _outside_unit(world, who)
    timetable = Timetable.objects.filter(unit=school).first()
    if timetable is None:
        timetable = Timetable.objects.create(
            unit=school,
            start=TODAY,
            end=TODAY,
            starts_at=datetime.time(7, 30),
            reason="Summer mornings",
            created_by=_other_district_officer(world, who),
        )
    return timetable


ENDPOINTS = [
    ("get", "/calendar/?unit={pk}", "calendar_unit", None),
    ("get", "/calendar/units/{pk}/", "calendar_unit", None),
    ("post", "/calendar/units/{pk}/", "calendar_unit", CLOSURE_DATA),
    ("post", "/calendar/units/{pk}/working-days/", "calendar_unit", WORKING_DAY_DATA),
    ("get", "/calendar/units/{pk}/", "calendar_parent", None),
    ("post", "/calendar/units/{pk}/", "calendar_parent", CLOSURE_DATA),
    ("post", "/calendar/units/{pk}/working-days/", "calendar_parent", WORKING_DAY_DATA),
    ("post", "/calendar/closures/{pk}/remove/", "closure", {}),
    ("post", "/calendar/working-days/{pk}/remove/", "working_day", {}),
    ("post", "/calendar/units/{pk}/timetables/", "calendar_unit", TIMETABLE_DATA),
    ("post", "/calendar/units/{pk}/timetables/", "calendar_parent", TIMETABLE_DATA),
    ("post", "/calendar/timetables/{pk}/remove/", "timetable", {}),
]
TARGETS = {
    "calendar_unit": _outside_unit,
    "calendar_parent": _parent_unit,
    "closure": _outside_closure,
    "working_day": _outside_working_day,
    "timetable": _outside_timetable,
}


def snapshot():
    return (
        list(
            Closure.objects.order_by("pk").values_list(
                "pk", "unit_id", "start", "end", "kind", "reason"
            )
        ),
        list(WorkingDay.objects.order_by("pk").values_list("pk", "unit_id", "day", "reason")),
        list(
            Timetable.objects.order_by("pk").values_list(
                "pk", "unit_id", "start", "end", "starts_at", "reason"
            )
        ),
        list(
            AcademicSession.objects.order_by("pk").values_list("pk", "start", "end", "weekly_off")
        ),
    )
