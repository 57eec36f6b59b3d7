"""Keeping the rollups up to date: what changed since the last run, and recomputing it.

A refresh runs every few seconds (`manage.py refresh_dashboards --loop`), never inside an
upload: the capture's transaction stays as it is (docs/decisions.md, "Rollups"). Each run, in
one transaction holding the refresh lock (the single RefreshState row):

1. A new day (or the first run ever): every school-day of the day gets its row, and the day
   before is recomputed in full once more (it catches anything a run missed).
2. New versions: those with an id above the last one seen, less a margin — ids are taken when
   a version is inserted but become visible when its transaction commits, not necessarily in
   id order. A school-day is recomputed when one of its versions is newer than the newest its
   row was made with, so re-reading the margin costs a scan of ids, not recomputation.
3. Review decisions (an approved held version changes the day's figures with no new
   version): hazari.attendance.review writes a Stale row, read and deleted here.
4. Calendar and register changes, from their history tables: a closure or a working day
   added, changed or removed (its unit's schools over its days), enrolment changed (the
   school's days of that academic year), a session changed (everything).
5. Every few minutes, the tree: a school moved to another cluster, or new.

Then the school-days named are recomputed (hazari.dashboards.rollup), then their clusters,
blocks, districts and states on those days, then their schools' months.
"""

import datetime
import hashlib
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from hazari.attendance.models import Version
from hazari.dashboards.models import RefreshState, SchoolDay, Stale
from hazari.dashboards.rollup import (
    Area,
    month_of,
    rebuild_school_days,
    rebuild_school_months,
    rebuild_unit_days,
)
from hazari.orgunits.models import ANCESTOR_FIELDS, Level, OrgUnit
from hazari.registers.models import Enrolment
from hazari.schooldays.days import dates, open_schools_q
from hazari.schooldays.models import AcademicSession, Closure, WorkingDay

log = logging.getLogger(__name__)

# Version ids re-read below the highest seen. At the morning rush's 300 uploads a second this
# is half a minute of uploads: far longer than an upload's transaction takes to commit.
MARGIN = 10_000
TREE_EVERY = datetime.timedelta(minutes=5)
# Above this many schools, a register change is recomputed state by state (one statement a
# day) rather than school by school.
SCHOOLS_AT_ONCE = 5_000


@dataclass
class Work:
    """What one run recomputes: whole days, and areas on given days."""

    first: datetime.date
    last: datetime.date
    whole_days: set[datetime.date] = field(default_factory=set)
    units: dict[datetime.date, set[tuple[int, int]]] = field(default_factory=dict)
    schools: dict[datetime.date, set[int]] = field(default_factory=dict)

    def _clamp(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        start, end = max(start, self.first), min(end, self.last)
        return dates(start, end) if start <= end else []

    def add_unit(self, unit: OrgUnit, start: datetime.date, end: datetime.date) -> None:
        if unit.level == Level.SCHOOL:
            self.add_schools([unit.pk], start, end)
            return
        for day in self._clamp(start, end):
            self.units.setdefault(day, set()).add((unit.level, unit.pk))

    def add_schools(self, ids, start: datetime.date, end: datetime.date) -> None:
        ids = set(ids)
        if not ids:
            return
        for day in self._clamp(start, end):
            self.schools.setdefault(day, set()).update(ids)

    def add_days(self, start: datetime.date, end: datetime.date) -> None:
        self.whole_days.update(self._clamp(start, end))

    @property
    def days(self) -> list[datetime.date]:
        return sorted(self.whole_days | set(self.units) | set(self.schools))


@dataclass
class Result:
    days: int = 0
    whole_days: int = 0
    school_days: int = 0
    versions_seen: int = 0
    took_ms: int = 0
    skipped: bool = False


def first_day(today: datetime.date) -> datetime.date:
    """Where rollups begin when first built: the start of the session running today (the
    earliest, when states differ), or today when none is."""
    starts = AcademicSession.objects.filter(start__lte=today, end__gte=today).values_list(
        "start", flat=True
    )
    return min(starts, default=today)


def refresh(*, now: datetime.datetime | None = None, wait: bool = True) -> Result:
    """Bring the rollups up to date; see the module's docstring. With wait=False, return at
    once (skipped) when another refresh holds the lock (PostgreSQL)."""
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        state = _lock(wait)
        if state is None:
            return Result(skipped=True)
        if connection.vendor == "postgresql":
            # One core for the refresher: with parallel workers its statements over a day of
            # the state took both cores for a second every run, and the officers' pages and
            # the uploads waited for them (a rebuild, with no one waiting, keeps them).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        if state.days_from is None:
            state.days_from = first_day(today)
        work = Work(first=state.days_from, last=today)
        if state.days_through is None:
            work.add_days(state.days_from, today)
        elif state.days_through < today:
            work.add_days(state.days_through, today)  # the last day again, in full
        result = Result()
        _new_versions(state, work, result)
        _stale(work)
        _calendar_changes(state, work)
        _register_changes(state, work)
        if state.tree_checked_at is None or now - state.tree_checked_at >= TREE_EVERY:
            _tree_changes(work, today)
            state.tree_checked_at = now
        apply(work, result)
        state.days_through = today
        state.refreshed_at = now
        state.runs += 1
        result.took_ms = int((time.perf_counter() - started) * 1000)
        state.took_ms = result.took_ms
        state.save()
    return result


def rebuild(*, start: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """Recompute every day from start (the first day of the rollups) to today, a day per
    transaction so that uploads are never held up for long; then refresh. Returns the days."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        state = _locked()
        state.days_from = start or min(first_day(today), state.days_from or today)
        begin = state.days_from
        # Start from what exists now: the watchers need not replay history already counted.
        newest = Version.objects.order_by("-pk").values_list("pk", flat=True).first()
        state.versions_seen = newest or 0
        state.closures_seen = _last_history_id(Closure)
        state.working_days_seen = _last_history_id(WorkingDay)
        state.enrolment_seen = _last_history_id(Enrolment)
        state.sessions_digest = _sessions_digest()
        state.days_through = None
        state.save()
    days = dates(begin, today)
    for day in days:
        with transaction.atomic():
            _locked()
            work = Work(first=begin, last=today)
            work.add_days(day, day)
            apply(work, Result(), months=False)
    # Each month once, when all its days are there (not once per day).
    states = list(OrgUnit.objects.filter(level=Level.STATE).values_list("pk", flat=True))
    for month in sorted({month_of(day) for day in days}):
        with transaction.atomic():
            _locked()
            for state_id in states:
                rebuild_school_months(month, Area(level=Level.STATE, unit_id=state_id))
    with transaction.atomic():
        state = _locked()
        state.days_through = today
        state.save()
    refresh(now=now)
    return len(days)


def _lock(wait: bool = True) -> RefreshState | None:
    """The refresh lock (the state row, locked until the transaction ends). Without waiting,
    None when another refresh holds it (PostgreSQL; SQLite lets one writer in at a time)."""
    if connection.vendor == "postgresql":
        # The rollups' statements over a whole state's day have cost estimates big enough for
        # PostgreSQL to compile them (JIT) first: about 1.5 s each, for statements that then
        # run in two. For this transaction only.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    rows = RefreshState.objects.select_for_update(skip_locked=not wait)
    found = rows.filter(pk=1).first()
    if found is None:
        RefreshState.objects.get_or_create(pk=1)
        found = rows.filter(pk=1).first()
    return found


def _locked() -> RefreshState:
    state = _lock()
    if state is None:  # only when not waiting
        raise RuntimeError("the refresh lock was not taken")
    return state


def _new_versions(state: RefreshState, work: Work, result: Result) -> None:
    low = max(state.versions_seen - MARGIN, 0)
    newest = Version.objects.filter(pk__gt=low).order_by("-pk").values_list("pk", flat=True)
    top = newest.first()
    if top is None:
        return
    # The versions of the window with their school-days (a range of the primary key), then
    # what the rollup rows of those school-days were made with: two small reads. One query
    # joining the rollup lets PostgreSQL hash all 15 million rows of it (seconds).
    newest_of: dict[tuple[int, datetime.date], int] = {}
    for version_id, school_id, day in Version.objects.filter(
        pk__gt=low, pk__lte=top, record__date__gte=work.first, record__date__lte=work.last
    ).values_list("pk", "record__school_id", "record__date"):
        key = (school_id, day)
        newest_of[key] = max(version_id, newest_of.get(key, 0))
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for school_id, day in newest_of:
        by_day[day].append(school_id)
    for day, schools in by_day.items():
        made_with: dict[int, int | None] = {}
        for i in range(0, len(schools), 500):
            made_with.update(
                SchoolDay.objects.filter(date=day, school_id__in=schools[i : i + 500]).values_list(
                    "school_id", "last_version_id"
                )
            )
        stale = [
            s for s in schools if (made_with.get(s) or 0) < newest_of[(s, day)]
        ]  # no row yet (or closed: recomputing finds it closed again), or an older version
        work.add_schools(stale, day, day)
    result.versions_seen = top - state.versions_seen if top > state.versions_seen else 0
    state.versions_seen = max(state.versions_seen, top)


def mark_stale(school_id: int, day: datetime.date) -> None:
    """The figures of a school-day changed without a new version (hazari.attendance.review):
    the next refresh recomputes it. Inside the caller's transaction."""
    Stale.objects.create(unit_id=school_id, start=day, end=day)


def _stale(work: Work) -> None:
    rows = list(Stale.objects.order_by("pk")[:10_000])
    if not rows:
        return
    units = OrgUnit.objects.in_bulk({r.unit_id for r in rows})
    for r in rows:
        if (unit := units.get(r.unit_id)) is not None:
            work.add_unit(unit, r.start, r.end)
    Stale.objects.filter(pk__lte=rows[-1].pk).delete()


def _last_history_id(model) -> int:
    return model.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0


def _calendar_changes(state: RefreshState, work: Work) -> None:
    closures = list(
        Closure.history.filter(history_id__gt=state.closures_seen)
        .order_by("history_id")
        .values("history_id", "id", "unit_id", "start", "end", "history_type")
    )
    workings = list(
        WorkingDay.history.filter(history_id__gt=state.working_days_seen)
        .order_by("history_id")
        .values("history_id", "id", "unit_id", "day", "history_type")
    )
    spans: list[tuple[int, datetime.date, datetime.date]] = []
    for c in closures:
        spans.append((c["unit_id"], c["start"], c["end"]))
        if c["history_type"] == "~":  # changed: the days it covered before count too
            before = (
                Closure.history.filter(id=c["id"], history_id__lt=c["history_id"])
                .order_by("-history_id")
                .values("unit_id", "start", "end")
                .first()
            )
            if before:
                spans.append((before["unit_id"], before["start"], before["end"]))
    for w in workings:
        spans.append((w["unit_id"], w["day"], w["day"]))
        if w["history_type"] == "~":
            before = (
                WorkingDay.history.filter(id=w["id"], history_id__lt=w["history_id"])
                .order_by("-history_id")
                .values("unit_id", "day")
                .first()
            )
            if before:
                spans.append((before["unit_id"], before["day"], before["day"]))
    units = OrgUnit.objects.in_bulk({unit_id for unit_id, _, _ in spans})
    for unit_id, start, end in spans:
        if (unit := units.get(unit_id)) is not None:
            work.add_unit(unit, start, end)
    if closures:
        state.closures_seen = closures[-1]["history_id"]
    if workings:
        state.working_days_seen = workings[-1]["history_id"]
    digest = _sessions_digest()
    if digest != state.sessions_digest:
        if state.sessions_digest:  # not the first run: a session changed
            work.add_days(work.first, work.last)
        state.sessions_digest = digest


def _sessions_digest() -> str:
    rows = AcademicSession.objects.order_by("pk").values_list(
        "pk", "state_id", "start", "end", "weekly_off"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def _register_changes(state: RefreshState, work: Work) -> None:
    changed = Enrolment.history.filter(history_id__gt=state.enrolment_seen)
    top = changed.order_by("-history_id").values_list("history_id", flat=True).first()
    if top is None:
        return
    by_year: dict[int, set[int]] = defaultdict(set)
    for school_id, year in changed.values_list("school_id", "academic_year").distinct():
        by_year[year].add(school_id)
    for year, schools in by_year.items():
        start, end = datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
        if len(schools) > SCHOOLS_AT_ONCE:
            work.add_days(start, end)
        else:
            work.add_schools(schools, start, end)
    state.enrolment_seen = top


def _tree_changes(work: Work, today: datetime.date) -> None:
    """Schools whose rows of today no longer match the tree (moved, deleted) get every
    day recomputed; open schools without a row today (new) get today."""
    quote = connection.ops.quote_name
    rollup, units = quote(SchoolDay._meta.db_table), quote(OrgUnit._meta.db_table)
    differs = " OR ".join(f"o.{f}_id <> s.{f}_id" for f in ANCESTOR_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.school_id FROM {rollup} s LEFT JOIN {units} o ON o.id = s.school_id "  # noqa: S608
            f"WHERE s.date = %s AND (o.id IS NULL OR {differs})",
            [connection.ops.adapt_datefield_value(today)],
        )
        moved = [row[0] for row in cursor.fetchall()]
    work.add_schools(moved, work.first, work.last)
    have = SchoolDay.objects.filter(date=today).values("school_id")
    new = OrgUnit.objects.filter(open_schools_q(today)).exclude(pk__in=have)
    work.add_schools(new.values_list("pk", flat=True), today, today)


def apply(work: Work, result: Result, *, months: bool = True) -> None:
    """Recompute what `work` names: school-days, then the units above them, then (unless
    months is False) the schools' months."""
    by_month: dict[datetime.date, set[int]] = defaultdict(set)
    month_units: dict[datetime.date, set[tuple[int, int]]] = defaultdict(set)
    whole_months: set[datetime.date] = set()
    states = list(OrgUnit.objects.filter(level=Level.STATE).values_list("pk", flat=True))
    for day in work.days:
        result.days += 1
        month = month_of(day)
        if day in work.whole_days:
            result.whole_days += 1
            for state_id in states:
                rebuild_school_days(day, Area(level=Level.STATE, unit_id=state_id))
            rebuild_unit_days(day)
            whole_months.add(month)
            continue
        clusters: set[int] = set()
        for level, unit_id in sorted(work.units.get(day, ())):
            clusters |= rebuild_school_days(day, Area(level=level, unit_id=unit_id))
            month_units[month].add((level, unit_id))
        if schools := work.schools.get(day):
            clusters |= rebuild_school_days(day, Area.schools(schools))
            by_month[month] |= schools
            result.school_days += len(schools)
        rebuild_unit_days(day, clusters)
    if not months:
        return
    for month in sorted(whole_months):
        for state_id in states:
            rebuild_school_months(month, Area(level=Level.STATE, unit_id=state_id))
    for month, pairs in month_units.items():
        if month not in whole_months:
            for level, unit_id in sorted(pairs):
                rebuild_school_months(month, Area(level=level, unit_id=unit_id))
    for month, schools in by_month.items():
        if month not in whole_months:
            rebuild_school_months(month, Area.schools(schools))
