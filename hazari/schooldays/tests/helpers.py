import datetime

from hazari.orgunits.models import School
from hazari.schooldays.models import Closure, Kind, WorkingDay


def D(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _unit(unit_or_school):
    return unit_or_school.unit if isinstance(unit_or_school, School) else unit_or_school


def closure(unit, start: str, end: str | None = None, kind: str = Kind.WEATHER, by=None):
    """A closure written straight to the table, past the service's rules about today."""
    return Closure.objects.create(
        unit=_unit(unit),
        start=D(start),
        end=D(end or start),
        kind=kind,
        reason="test",
        created_by=by,
    )


def working_day(unit, day: str, by=None):
    return WorkingDay.objects.create(unit=_unit(unit), day=D(day), reason="test", created_by=by)
