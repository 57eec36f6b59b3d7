"""The officers' figures of absence (issue 15, item 5): rollups recomputed beside the uploads,
never on a page request.

What changed since the last run — versions above a watermark (a roll call, or a correction),
versions approved since (a held roll call's marks), follow-ups touched since — names schools.
For each school named, its children's month rows of the session are read and each child's
standing worked out (hazari.students.followup.standing_of_months: the same rules as a school's
list); the school's `Absence` rows (each month, and the session so far, by class and gender)
and `CauseCount` rows are written anew. Then the units above those schools are summed from the
level below: clusters from schools, blocks from clusters, districts from blocks, the state from
districts, so a state's row is a sum of 55 rows and not of 92,000 schools.

Run by `manage.py refresh_absence --loop`, a process of its own beside the dashboards'
refresher (a school costs a few ms: in the morning rush these figures fall behind and catch
up after it, without holding the dashboards back); its `--rebuild` recomputes every school.
A school's "no action" count depends on the day: it is as of the last time the school's marks
or follow-ups changed, at most a school day behind for a school that takes its roll call daily.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from hazari.attendance.models import Version
from hazari.lib.copy import copy_rows
from hazari.lib.iters import chunked
from hazari.orgunits.models import ANCESTOR_FIELDS, Level, OrgUnit
from hazari.registers.models import Student
from hazari.students.followup import CHRONIC, SEVERE, Limits, Standing, standing_of_months
from hazari.students.marks import Month
from hazari.students.models import (
    Absence,
    Action,
    CauseCount,
    FollowUp,
    FollowUpEntry,
    KeptStanding,
    Kind,
    MarkMonth,
    Outcome,
    RollupState,
    SchoolSeen,
)
from hazari.students.selectors import state_session_start

LIMITS = Limits()
# Version ids re-read below the highest seen (as the dashboards' refresher does).
MARGIN = 10_000
TIME_MARGIN = datetime.timedelta(minutes=1)
SCHOOLS_AT_ONCE = 500
SUMMED = (
    "students",
    "chronic",
    "severe",
    "days_marked",
    "days_absent",
    "to_follow_up",
    "no_action",
    "came_back",
)


def session_start(today: datetime.date) -> datetime.date:
    """The first day of the session running today (1 April when none is set up)."""
    return state_session_start(None, today)


@dataclass
class Counts:
    """One row's counts (an Absence row's, or a sum of them)."""

    students: int = 0
    chronic: int = 0
    severe: int = 0
    days_marked: int = 0
    days_absent: int = 0
    to_follow_up: int = 0
    no_action: int = 0
    came_back: int = 0

    def count(self, marked: int, absent: int, tier: str | None) -> None:
        """Count a child with these days and tier."""
        self.students += 1
        self.days_marked += marked
        self.days_absent += absent
        self.chronic += tier in (CHRONIC, SEVERE)
        self.severe += tier == SEVERE

    def add(self, other: "Counts") -> None:
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _pct(part: int, whole: int) -> float | None:
        return 100.0 * part / whole if whole else None

    @property
    def chronic_pct(self) -> float | None:
        return self._pct(self.chronic, self.students)

    @property
    def severe_pct(self) -> float | None:
        return self._pct(self.severe, self.students)

    @property
    def attendance(self) -> float | None:
        """Per cent of the children's marked days present."""
        return self._pct(self.days_marked - self.days_absent, self.days_marked)


def _tier(marked: int, absent: int, limits: Limits) -> str | None:
    if marked and 100 * absent >= limits.severe * marked:
        return SEVERE
    if marked and 100 * absent >= limits.chronic * marked:
        return CHRONIC
    return None


@dataclass
class SchoolFigures:
    """A school's rows: (session?, start, class, gender) → counts; (month, class, gender,
    cause) → children."""

    absence: dict[tuple[bool, datetime.date, int, str], Counts] = field(
        default_factory=lambda: defaultdict(Counts)
    )
    causes: dict[tuple[datetime.date, int, str, str], set[int]] = field(
        default_factory=lambda: defaultdict(set)
    )
    # The children on the list or with a follow-up open: student → standing (KeptStanding).
    standings: dict[int, Standing] = field(default_factory=dict)


def school_figures(
    school_ids: Sequence[int], *, start: datetime.date, today: datetime.date, limits: Limits
) -> dict[int, SchoolFigures]:
    """The figures of these schools for the session from `start` to today: four queries
    (marks, the children's class and gender, follow-ups, causes)."""
    months: dict[tuple[int, int], list[Month]] = defaultdict(list)
    for school_id, student_id, month, marked, absent in MarkMonth.objects.filter(
        school_id__in=school_ids, month__gte=start, month__lte=today
    ).values_list("school_id", "student_id", "month", "marked", "absent"):
        months[(school_id, student_id)].append(Month(month, marked, absent))
    children = {student for _, student in months}
    follow_ups = (
        FollowUp.objects.filter(school_id__in=school_ids)
        .filter(Q(is_open=True) | Q(outcome_on__gte=start))
        .values_list(
            "school_id", "student_id", "is_open", "action", "action_on", "outcome", "outcome_on"
        )
    )
    acted: dict[tuple[int, int], datetime.date | None] = {}
    came_back: list[tuple[int, int, datetime.date]] = []
    for school_id, student_id, is_open, action, action_on, outcome, outcome_on in follow_ups:
        if is_open:
            acted[(school_id, student_id)] = action_on if action else None
        elif outcome == Outcome.CAME_BACK and action in Action.values and outcome_on:
            came_back.append((school_id, student_id, outcome_on))
            children.add(student_id)
    causes = list(
        FollowUpEntry.objects.filter(
            follow_up__school_id__in=school_ids, kind=Kind.CAUSE, on__gte=start, on__lte=today
        ).values_list("follow_up__school_id", "follow_up__student_id", "on", "code")
    )
    children |= {student for _, student, _, _ in causes}
    who = {
        pk: (class_no, gender)
        for chunk in chunked(sorted(children), 5000)
        for pk, class_no, gender in Student.objects.filter(pk__in=chunk).values_list(
            "pk", "class_no", "gender"
        )
    }
    out: dict[int, SchoolFigures] = {school_id: SchoolFigures() for school_id in school_ids}
    act_by = today - datetime.timedelta(days=limits.act_within)
    for (school_id, student_id), student_months in months.items():
        class_no, gender = who[student_id]
        figures = out[school_id].absence
        for m in student_months:
            if m.days_marked:
                key = (False, m.first, class_no, gender)
                figures[key].count(
                    m.days_marked, m.days_absent, _tier(m.days_marked, m.days_absent, limits)
                )
        standing = standing_of_months(student_months, limits)
        if standing.to_follow_up or (school_id, student_id) in acted:
            out[school_id].standings[student_id] = standing
        if not standing.days_marked:
            continue
        session = figures[(True, start, class_no, gender)]
        session.count(standing.days_marked, standing.days_absent, standing.tier)
        if standing.to_follow_up:
            session.to_follow_up += 1
            last_action = acted.get((school_id, student_id))
            if last_action is None or last_action < act_by:
                session.no_action += 1
    # Open follow-ups of children without a mark this session are on the list too.
    for school_id, student_id in acted:
        out[school_id].standings.setdefault(student_id, standing_of_months([], limits))
    for school_id, student_id, outcome_on in came_back:
        class_no, gender = who[student_id]
        figures = out[school_id].absence
        figures[(True, start, class_no, gender)].came_back += 1
        figures[(False, outcome_on.replace(day=1), class_no, gender)].came_back += 1
    for school_id, student_id, on, code in causes:
        class_no, gender = who[student_id]
        out[school_id].causes[(on.replace(day=1), class_no, gender, code)].add(student_id)
    return out


_counts_of = attrgetter(*SUMMED)
# The rows are written as tuples, by COPY on PostgreSQL: a state's rebuild writes ~1.5 crore
# of them, and building each as an Absence cost more than working it out. What is copied is
# read first: the connection can run no query while a COPY is open.
ABSENCE_COLUMNS = ["unit_id", "session", "start", "class_no", "gender", *SUMMED]
CAUSE_COLUMNS = ["unit_id", "month", "class_no", "gender", "cause", "students"]
STANDING_COLUMNS = [
    "school_id",
    "student_id",
    "days_marked",
    "days_absent",
    "absent_in_a_row",
    "recent_marked",
    "recent_absent",
    "reasons",
    "tier",
]


def _write_schools(figures: dict[int, SchoolFigures], start: datetime.date) -> None:
    schools = list(figures)
    Absence.objects.filter(unit_id__in=schools, start__gte=start).delete()
    CauseCount.objects.filter(unit_id__in=schools, month__gte=start).delete()
    KeptStanding.objects.filter(school_id__in=schools).delete()
    copy_rows(
        KeptStanding,
        STANDING_COLUMNS,
        [
            (
                school_id,
                student_id,
                s.days_marked,
                s.days_absent,
                s.absent_in_a_row,
                s.recent_marked,
                s.recent_absent,
                ",".join(s.reasons),
                s.tier or "",
            )
            for school_id, f in figures.items()
            for student_id, s in f.standings.items()
        ],
    )
    copy_rows(
        Absence,
        ABSENCE_COLUMNS,
        (
            (school_id, session, first, class_no, gender, *_counts_of(counts))
            for school_id, f in figures.items()
            for (session, first, class_no, gender), counts in f.absence.items()
        ),
    )
    copy_rows(
        CauseCount,
        CAUSE_COLUMNS,
        (
            (school_id, month, class_no, gender, cause, len(children))
            for school_id, f in figures.items()
            for (month, class_no, gender, cause), children in f.causes.items()
        ),
    )


def _sum_up(level: int, unit_ids: set[int], start: datetime.date) -> None:
    """Recompute these units' rows (all of `level`) from the rows of the level below."""
    if not unit_ids:
        return
    ids = sorted(unit_ids)
    column = f"unit__{ANCESTOR_FIELDS[level]}_id"
    below = {"unit__level": level + 1, f"{column}__in": ids}
    Absence.objects.filter(unit_id__in=ids, start__gte=start).delete()
    CauseCount.objects.filter(unit_id__in=ids, month__gte=start).delete()
    absence = (
        Absence.objects.filter(start__gte=start, **below)
        .values(column, "session", "start", "class_no", "gender")
        .annotate(**{f"total_{name}": Sum(name) for name in SUMMED})
        .order_by()
    )
    copy_rows(
        Absence,
        ABSENCE_COLUMNS,
        (
            (
                row[column],
                row["session"],
                row["start"],
                row["class_no"],
                row["gender"],
                *(row[f"total_{name}"] for name in SUMMED),
            )
            for row in list(absence)
        ),
    )
    causes = (
        CauseCount.objects.filter(month__gte=start, **below)
        .values_list(column, "month", "class_no", "gender", "cause")
        .annotate(total=Sum("students"))
        .order_by()
    )
    copy_rows(CauseCount, CAUSE_COLUMNS, list(causes))


def recompute(school_ids: Iterable[int], *, today: datetime.date, limits: Limits = LIMITS) -> int:
    """Recompute these schools' figures and those of every unit above them; the schools."""
    start = session_start(today)
    schools = sorted(set(school_ids))
    above: list[set[int]] = [set() for _ in ANCESTOR_FIELDS]
    for chunk in chunked(schools, SCHOOLS_AT_ONCE):
        _write_schools(school_figures(chunk, start=start, today=today, limits=limits), start)
        for ancestors in OrgUnit.objects.filter(pk__in=chunk).values_list(
            *(f"{name}_id" for name in ANCESTOR_FIELDS)
        ):
            for level, unit_id in enumerate(ancestors):
                if unit_id is not None:
                    above[level].add(unit_id)
    for level in (Level.CLUSTER, Level.BLOCK, Level.DISTRICT, Level.STATE):
        _sum_up(level, above[level], start)
    return len(schools)


def refresh(*, now: datetime.datetime | None = None) -> int:
    """Recompute the schools whose marks or follow-ups changed since the last run; how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        state = RollupState.objects.select_for_update().filter(pk=1).first()
        if state is None:
            return rebuild(now=now)  # the first run: everything once, then what changes
        start = session_start(today)
        newest = _new_versions(state.versions_seen, start)
        top = max([state.versions_seen, *newest.values()])
        schools = set(newest)
        # Approvals and follow-ups are found by their time, less a margin: a transaction that
        # stamped its rows before this run began may commit after it.
        if state.reviewed_seen is not None:
            schools |= set(
                Version.objects.filter(reviewed_at__gt=state.reviewed_seen - TIME_MARGIN)
                .values_list("record__school_id", flat=True)
                .distinct()
            )
        if state.follow_ups_seen is not None:
            schools |= set(
                FollowUp.objects.filter(updated_at__gt=state.follow_ups_seen - TIME_MARGIN)
                .values_list("school_id", flat=True)
                .distinct()
            )
        # Only schools that take a roll call or follow children up have figures to change.
        with_marks = _with_children_data(schools, start)
        done = recompute(with_marks, today=today) if with_marks else 0
        _seen(newest)
        state.versions_seen = top
        state.reviewed_seen = now
        state.follow_ups_seen = now
        state.refreshed_at = now
        state.save()
    return done


def rebuild(*, now: datetime.datetime | None = None) -> int:
    """Recompute every school with marks or follow-ups this session, and start watching for
    changes from here."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = session_start(today)
    with transaction.atomic():
        last = Version.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        RollupState.objects.update_or_create(
            pk=1,
            defaults={
                "versions_seen": last,
                "reviewed_seen": now,
                "follow_ups_seen": now,
                "refreshed_at": now,
            },
        )
        marked = MarkMonth.objects.filter(month__gte=start).values_list("school_id", flat=True)
        schools = set(marked.distinct()) | set(
            FollowUp.objects.values_list("school_id", flat=True).distinct()
        )
        Absence.objects.filter(start__gte=start).delete()
        KeptStanding.objects.all().delete()
        CauseCount.objects.filter(month__gte=start).delete()
        done = recompute(schools, today=today)
        # The next run re-reads a margin of versions: stamp their schools as worked out now,
        # or it would work them all out again (4,700 schools, 29 s, on a full state).
        _seen(_new_versions(last, start))
        return done


def _new_versions(seen: int, start: datetime.date) -> dict[int, int]:
    """{school: its newest version} for the schools with a version of the session newer than
    the one their figures were worked out with, among the ids above `seen` less the margin."""
    newest: dict[int, int] = {}
    for pk, school_id in Version.objects.filter(
        pk__gt=max(seen - MARGIN, 0), record__date__gte=start
    ).values_list("pk", "record__school_id"):
        newest[school_id] = max(pk, newest.get(school_id, 0))
    for chunk in chunked(sorted(newest), 5000):
        for school_id, version_id in SchoolSeen.objects.filter(school_id__in=chunk).values_list(
            "school_id", "version_id"
        ):
            if newest[school_id] <= version_id:
                del newest[school_id]
    return newest


def _seen(newest: dict[int, int]) -> None:
    SchoolSeen.objects.bulk_create(
        [SchoolSeen(school_id=school, version_id=version) for school, version in newest.items()],
        update_conflicts=True,
        unique_fields=["school"],
        update_fields=["version_id"],
    )


def _with_children_data(schools: set[int], start: datetime.date) -> set[int]:
    found: set[int] = set()
    for chunk in chunked(sorted(schools), 5000):
        found |= set(
            MarkMonth.objects.filter(school_id__in=chunk, month__gte=start)
            .values_list("school_id", flat=True)
            .distinct()
        )
        found |= set(
            FollowUp.objects.filter(school_id__in=chunk).values_list("school_id", flat=True)
        )
        # A school whose roll calls were all replaced by counts has lost its marks: its
        # figures must go too.
        found |= set(
            Absence.objects.filter(unit_id__in=chunk, start__gte=start).values_list(
                "unit_id", flat=True
            )
        )
    return found
