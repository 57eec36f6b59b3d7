"""Is a school open on a day, and if not, why? For one school, and for many at once.

Three ways to ask, all following the rules in hazari.schooldays.models:

* `day_status(school, day)` — one school, one day, at most three small queries. For the
  attendance rules ("captures are accepted only on school days").
* `school_calendar(where, start, end)` — every school under a unit (or a given set of schools)
  for a range of days, with four queries however many schools and days: the schools, the
  sessions, the closures and the working days. For dashboards ("a block's 300 schools × 30
  days"). Statuses are worked out in Python, once per distinct set of closures, so 92,000
  schools on one day cost about as much as the few schools that have a closure of their own.
* `open_schools_q(day, prefix)` — a filter for "school units open on this day", to use inside
  an aggregate query (three queries to build it, none per school).
* `day_calendar(day).row_status(row, day)` — one school on one day with no query at all in the
  usual case: the day's sessions, closures and working days of every state are kept by the
  process for CALENDAR_SECONDS (hazari.lib.memo). For the upload of captures, where thousands
  of schools a minute ask about the same day. A closure entered in another process is seen
  here within CALENDAR_SECONDS.

When several closures apply to a school on a day, the one entered for the highest unit is
reported (a state holiday before a district's, before a school's own), then the earliest,
then the first entered.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazari.lib.memo import Memo
from hazari.orgunits.models import ANCESTOR_FIELDS, Level, OrgUnit, School
from hazari.schooldays.models import AcademicSession, Closure, Kind, WorkingDay

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


class Reason(models.TextChoices):
    OPEN = "open", _("School day")
    WORKING_DAY = "working_day", _("Declared working day")
    OUTSIDE_SESSION = "outside_session", _("Outside the academic session")
    WEEKLY_OFF = "weekly_off", _("Weekly off")
    CLOSURE = "closure", _("Holiday or closure")


@dataclass(frozen=True, slots=True)
class DayStatus:
    open: bool
    reason: str  # a Reason value
    closure: Closure | None = None
    working_day: WorkingDay | None = None

    @property
    def kind(self) -> str | None:
        """The closure's kind (state holiday, weather, …) when a closure shuts the school."""
        return self.closure.kind if self.closure else None

    @property
    def label(self) -> str:
        return str(self.lazy_label)

    @property
    def lazy_label(self) -> "StrPromise":
        """The label as a lazy translation: rendered in whichever language reads it (a
        receipt's message is made in Hindi and in English)."""
        if self.closure is not None:
            return Kind(self.closure.kind).label
        return Reason(self.reason).label


OPEN = DayStatus(True, Reason.OPEN)
OUTSIDE_SESSION = DayStatus(False, Reason.OUTSIDE_SESSION)
WEEKLY_OFF = DayStatus(False, Reason.WEEKLY_OFF)


def dates(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def _state_id(unit: OrgUnit) -> int:
    return unit.state_id if unit.state_id is not None else unit.pk


def _chain(unit: OrgUnit) -> list[int]:
    """The unit's ancestors from the root, then the unit."""
    return [*unit.ancestor_ids(), unit.pk]


def session_on(state_id: int, day: datetime.date) -> AcademicSession | None:
    return AcademicSession.objects.filter(state_id=state_id, start__lte=day, end__gte=day).first()


def day_status(school: School | OrgUnit, day: datetime.date) -> DayStatus:
    """Whether one school is open on one day, and if not, why."""
    unit = school.unit if isinstance(school, School) else school
    session = session_on(_state_id(unit), day)
    if session is None:
        return OUTSIDE_SESSION
    chain = _chain(unit)
    closure = (
        Closure.objects.filter(unit_id__in=chain, start__lte=day, end__gte=day)
        .select_related("unit")
        .order_by("unit__level", "start", "pk")
        .first()
    )
    if closure is not None:
        return DayStatus(False, Reason.CLOSURE, closure=closure)
    if day.weekday() == session.weekly_off:
        working = (
            WorkingDay.objects.filter(unit_id__in=chain, day=day)
            .select_related("unit")
            .order_by("unit__level", "pk")
            .first()
        )
        if working is None:
            return WEEKLY_OFF
        return DayStatus(True, Reason.WORKING_DAY, working_day=working)
    return OPEN


def is_school_day(school: School | OrgUnit, day: datetime.date) -> bool:
    return day_status(school, day).open


# --- Many schools, many days ---------------------------------------------------------------

# A school as the calendar needs it: its id, then its ancestors' ids from the state down.
SchoolRow = tuple[int, int, int, int, int]
_ROW_FIELDS = ("pk", "state_id", "district_id", "block_id", "cluster_id")


@dataclass
class SchoolCalendar:
    """Day statuses of a set of schools over start..end. Build it with school_calendar()."""

    start: datetime.date
    end: datetime.date
    rows: dict[int, SchoolRow]
    sessions: list[AcademicSession]
    closures_by_unit: dict[int, list[Closure]]
    working_days_by_unit: dict[int, list[WorkingDay]]
    _base: dict[int, list[DayStatus]] = field(default_factory=dict, repr=False)
    _by_key: dict[tuple, list[DayStatus]] = field(default_factory=dict, repr=False)
    _cache: dict[int, list[DayStatus]] = field(default_factory=dict, repr=False)
    days: list[datetime.date] = field(init=False)

    def __post_init__(self) -> None:
        self.days = dates(self.start, self.end)

    @property
    def school_ids(self) -> list[int]:
        return list(self.rows)

    def row_status(self, row: SchoolRow, day: datetime.date) -> DayStatus:
        """The status of a school given as its row (id, then its ancestors' ids from the state
        down), which need not be among self.rows."""
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside {self.start}..{self.end}")
        return self._work_out(row)[(day - self.start).days]

    def statuses(self, school_id: int) -> list[DayStatus]:
        """The school's status on each of self.days, in order."""
        found = self._cache.get(school_id)
        if found is None:
            found = self._cache[school_id] = self._work_out(self.rows[school_id])
        return found

    def status(self, school_id: int, day: datetime.date) -> DayStatus:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside {self.start}..{self.end}")
        return self.statuses(school_id)[(day - self.start).days]

    def is_open(self, school_id: int, day: datetime.date) -> bool:
        return self.status(school_id, day).open

    def open_days(self, school_id: int) -> list[datetime.date]:
        return [d for d, s in zip(self.days, self.statuses(school_id), strict=True) if s.open]

    def open_count(self, school_id: int) -> int:
        return sum(1 for s in self.statuses(school_id) if s.open)

    def closed_days(self, school_id: int) -> dict[datetime.date, DayStatus]:
        return {
            d: s for d, s in zip(self.days, self.statuses(school_id), strict=True) if not s.open
        }

    def _state_base(self, state_id: int) -> list[DayStatus]:
        """Session and weekly off alone: the same for every school of the state."""
        base = self._base.get(state_id)
        if base is None:
            base = [OUTSIDE_SESSION] * ((self.end - self.start).days + 1)
            for s in self.sessions:
                if s.state_id != state_id:
                    continue
                for i, d in enumerate(self.days):
                    if s.start <= d <= s.end:
                        base[i] = WEEKLY_OFF if d.weekday() == s.weekly_off else OPEN
            self._base[state_id] = base
        return base

    def _work_out(self, row: SchoolRow) -> list[DayStatus]:
        # The units whose entries apply to this school: its ancestors, then itself.
        chain = (row[1], row[2], row[3], row[4], row[0])
        closures = [c for unit_id in chain for c in self.closures_by_unit.get(unit_id, ())]
        workings = [w for unit_id in chain for w in self.working_days_by_unit.get(unit_id, ())]
        base = self._state_base(row[1])
        if not closures and not workings:
            return base
        key = (row[1], tuple(c.pk for c in closures), tuple(w.pk for w in workings))
        found = self._by_key.get(key)
        if found is not None:
            return found
        result = list(base)
        # Chain order is level order; within a unit, closures come sorted by (start, pk).
        settled = [False] * len(result)
        for c in closures:
            lo = max((c.start - self.start).days, 0)
            hi = min((c.end - self.start).days, len(result) - 1)
            for i in range(lo, hi + 1):
                if not settled[i] and result[i] is not OUTSIDE_SESSION:
                    result[i] = DayStatus(False, Reason.CLOSURE, closure=c)
                    settled[i] = True
        for w in workings:
            i = (w.day - self.start).days
            if 0 <= i < len(result) and not settled[i] and result[i] is WEEKLY_OFF:
                result[i] = DayStatus(True, Reason.WORKING_DAY, working_day=w)
                settled[i] = True
        self._by_key[key] = result
        return result


def _rows_of(where: OrgUnit | Iterable[School | OrgUnit | int]) -> dict[int, SchoolRow]:
    """The schools to cover, as rows: at most one query."""
    if isinstance(where, OrgUnit):
        under = OrgUnit.objects.filter(where.subtree_q(), level=Level.SCHOOL).order_by("pk")
        return {r[0]: cast(SchoolRow, r) for r in under.values_list(*_ROW_FIELDS)}
    rows: dict[int, SchoolRow] = {}
    missing: list[int] = []
    for item in where:
        if isinstance(item, School):
            if not School.unit.is_cached(item):
                missing.append(item.pk)
                continue
            unit = item.unit
        elif isinstance(item, OrgUnit):
            unit = item
        else:
            missing.append(int(item))
            continue
        if unit.level != Level.SCHOOL:
            raise ValueError(f"{unit} is not a school; pass it alone to cover its schools")
        rows[unit.pk] = cast(SchoolRow, (unit.pk, *unit.ancestor_ids()))
    if missing:
        found = OrgUnit.objects.filter(pk__in=missing, level=Level.SCHOOL)
        rows.update({r[0]: cast(SchoolRow, r) for r in found.values_list(*_ROW_FIELDS)})
        strays = set(missing) - set(rows)
        if strays:
            raise ValueError(f"not schools: {sorted(strays)[:10]}")
    return rows


def _common_area(rows: Iterable[SchoolRow]) -> tuple[list[int], int, int] | None:
    """The deepest unit every school lies under: (its chain of ids from the root, its id, its
    level). None when the schools span several states (or there are none)."""
    rows = list(rows)
    if not rows:
        return None
    chain: list[int] = []
    for level in range(Level.SCHOOL + 1):
        column = level + 1 if level < Level.SCHOOL else 0  # positions in SchoolRow
        ids = {r[column] for r in rows}
        if len(ids) != 1:
            break
        chain.append(ids.pop())
    if not chain:
        return None
    return chain, chain[-1], len(chain) - 1


def _entries_filter(rows: dict[int, SchoolRow]) -> Q | None:
    """Entries that may apply to any of the schools: those of the deepest common unit and its
    ancestors (by id), and those entered anywhere below it (one indexed column)."""
    area = _common_area(rows.values())
    if area is None:
        states = {r[1] for r in rows.values()}
        return Q(unit_id__in=states) | Q(unit__state_id__in=states) if states else None
    chain, unit_id, level = area
    q = Q(unit_id__in=chain)
    if level < Level.SCHOOL:
        q |= Q(**{f"unit__{ANCESTOR_FIELDS[level]}_id": unit_id})
    return q


def school_calendar(
    where: OrgUnit | Iterable[School | OrgUnit | int],
    start: datetime.date,
    end: datetime.date,
) -> SchoolCalendar:
    """Statuses of many schools over start..end (both included) in a constant number of
    queries. `where` is a unit (every school under it; a school unit covers that school) or
    schools given as School, school OrgUnit or ids."""
    if end < start:
        raise ValueError("end is before start")
    rows = _rows_of(where)
    states = sorted({r[1] for r in rows.values()})
    sessions = list(
        AcademicSession.objects.filter(state_id__in=states, start__lte=end, end__gte=start)
    )
    closures_by_unit: dict[int, list[Closure]] = defaultdict(list)
    working_by_unit: dict[int, list[WorkingDay]] = defaultdict(list)
    entries = _entries_filter(rows)
    if entries is not None:
        for c in Closure.objects.filter(entries, start__lte=end, end__gte=start).order_by(
            "start", "pk"
        ):
            closures_by_unit[c.unit_id].append(c)
        for w in WorkingDay.objects.filter(entries, day__gte=start, day__lte=end).order_by("pk"):
            working_by_unit[w.unit_id].append(w)
    return SchoolCalendar(
        start=start,
        end=end,
        rows=rows,
        sessions=sessions,
        closures_by_unit=dict(closures_by_unit),
        working_days_by_unit=dict(working_by_unit),
    )


CALENDAR_SECONDS = 30


def _load_day_calendar(day: datetime.date) -> SchoolCalendar:
    """Everything that decides any school's status on the day: three queries."""
    closures_by_unit: dict[int, list[Closure]] = defaultdict(list)
    for c in Closure.objects.filter(start__lte=day, end__gte=day).order_by("start", "pk"):
        closures_by_unit[c.unit_id].append(c)
    working_by_unit: dict[int, list[WorkingDay]] = defaultdict(list)
    for w in WorkingDay.objects.filter(day=day).order_by("pk"):
        working_by_unit[w.unit_id].append(w)
    return SchoolCalendar(
        start=day,
        end=day,
        rows={},
        sessions=list(AcademicSession.objects.filter(start__lte=day, end__gte=day)),
        closures_by_unit=dict(closures_by_unit),
        working_days_by_unit=dict(working_by_unit),
    )


DAY_CALENDARS: Memo[datetime.date, SchoolCalendar] = Memo(
    _load_day_calendar, seconds=CALENDAR_SECONDS
)


def day_calendar(day: datetime.date) -> SchoolCalendar:
    """Every school's calendar for one day, kept by the process (see the module's docstring)."""
    return DAY_CALENDARS.get(day)


def open_days(
    where: OrgUnit | Iterable[School | OrgUnit | int], start: datetime.date, end: datetime.date
) -> dict[int, list[datetime.date]]:
    """{school id: the days it is open}, for every school of `where`."""
    cal = school_calendar(where, start, end)
    return {pk: cal.open_days(pk) for pk in cal.school_ids}


def closed_map(
    where: OrgUnit | Iterable[School | OrgUnit | int], start: datetime.date, end: datetime.date
) -> dict[int, dict[datetime.date, DayStatus]]:
    """{school id: {closed day: why}}, for every school of `where`."""
    cal = school_calendar(where, start, end)
    return {pk: cal.closed_days(pk) for pk in cal.school_ids}


# --- A filter for SQL aggregates ------------------------------------------------------------


def _under_any(units: Sequence[tuple[int, int]], prefix: str) -> Q | None:
    """Units (or schools) under any of the given (unit id, level): one IN per level."""
    by_level: dict[int, list[int]] = defaultdict(list)
    for unit_id, level in units:
        by_level[level].append(unit_id)
    q: Q | None = None
    for level, ids in sorted(by_level.items()):
        part = Q(**{f"{prefix}pk__in": ids})
        if level < Level.SCHOOL:
            part |= Q(**{f"{prefix}{ANCESTOR_FIELDS[level]}__in": ids})
        q = part if q is None else q | part
    return q


def open_schools_q(day: datetime.date, prefix: str = "") -> Q:
    """A filter for the school units open on `day`, through `prefix` (e.g. "unit__" on School,
    "school__unit__" on a model with a school foreign key). Three queries build it."""
    sessions = {s.state_id: s for s in AcademicSession.objects.filter(start__lte=day, end__gte=day)}
    nothing = Q(**{f"{prefix}pk__in": []})
    if not sessions:
        return nothing
    closed = _under_any(
        list(
            Closure.objects.filter(start__lte=day, end__gte=day).values_list(
                "unit_id", "unit__level"
            )
        ),
        prefix,
    )
    off_states = [sid for sid, s in sessions.items() if day.weekday() == s.weekly_off]
    working = None
    if off_states:
        declared = WorkingDay.objects.filter(
            Q(unit_id__in=off_states) | Q(unit__state_id__in=off_states), day=day
        ).values_list("unit_id", "unit__level")
        working = _under_any(list(declared), prefix)
    result: Q | None = None
    for state_id in sessions:
        q = Q(**{f"{prefix}state": state_id})
        if state_id in off_states:
            if working is None:
                continue
            q &= working
        result = q if result is None else result | q
    if result is None:
        return nothing
    result &= Q(**{f"{prefix}level": Level.SCHOOL})
    if closed is not None:
        result &= ~closed
    return result
