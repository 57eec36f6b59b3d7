"""Recomputing rollup rows from the attendance tables, the registers and the calendar.

Every function here recomputes rows from their sources (delete, then insert what a GROUP BY
gives), never adds a difference to what is there: running one twice changes nothing, and a row
that was wrong for any reason is right after it. The SQL runs unchanged on SQLite and
PostgreSQL; which schools are open on a day comes from the calendar's own SQL filter
(hazari.schooldays.days.open_schools_q), so the rollups and the rest of Hazari agree on it.

What is recomputed is named by an Area: every school under a unit, or a list of schools. A
school moved to another cluster since its rows were made is found both by its old ancestor
columns (its old rows) and by the tree (its new place), so both old and new units are
recomputed. The caller (hazari.dashboards.refresh) holds the refresh lock.
"""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q

from hazari.attendance.checks import MEAL_CLASSES
from hazari.attendance.models import (
    Arrival,
    Capture,
    ClassPresence,
    DayRecord,
    StaffPresence,
    StaffStatus,
    Status,
    Version,
)
from hazari.dashboards.models import (
    COUNT_FIELDS,
    NOT_SERVED_FIELDS,
    ClassMonth,
    MealFlag,
    SchoolDay,
    SchoolMonth,
    UnitClassMonth,
    UnitDay,
)
from hazari.orgunits.models import ANCESTOR_FIELDS, Level, OrgUnit
from hazari.registers.models import Enrolment, academic_year_of
from hazari.schooldays.days import open_schools_q

# Ids per IN (...): well under SQLite's limit of variables per statement.
CHUNK = 500


@dataclass(frozen=True)
class Area:
    """Every school under a unit (the unit itself if it is a school), or the given schools."""

    level: int | None = None
    unit_id: int | None = None
    school_ids: tuple[int, ...] = ()

    @classmethod
    def under(cls, unit: OrgUnit) -> "Area":
        return cls(level=unit.level, unit_id=unit.pk)

    @classmethod
    def schools(cls, ids: Iterable[int]) -> "Area":
        return cls(school_ids=tuple(sorted(set(ids))))

    def tree_q(self) -> Q:
        """The area's schools as the tree has them now (a filter on OrgUnit)."""
        if self.unit_id is None:
            return Q(pk__in=self.school_ids)
        if self.level is None or self.level == Level.SCHOOL:
            return Q(pk=self.unit_id)
        return Q(pk=self.unit_id) | Q(**{ANCESTOR_FIELDS[self.level]: self.unit_id})

    def rollup_sql(self) -> tuple[str, list[int]]:
        """The area's rows in a school rollup (SchoolDay, SchoolMonth): by the ancestor
        columns the rows were made with."""
        if self.unit_id is None:
            return f"school_id IN ({', '.join(['%s'] * len(self.school_ids))})", list(
                self.school_ids
            )
        if self.level is None or self.level == Level.SCHOOL:
            return "school_id = %s", [self.unit_id]
        column = f"{ANCESTOR_FIELDS[self.level]}_id"
        return f"{column} = %s", [self.unit_id]

    def pieces(self) -> Iterator["Area"]:
        """The area in pieces small enough for one statement."""
        if self.unit_id is not None:
            yield self
            return
        for i in range(0, len(self.school_ids), CHUNK):
            yield Area(school_ids=self.school_ids[i : i + CHUNK])


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _quote(model._meta.db_table)


def _date(day: datetime.date):
    return connection.ops.adapt_datefield_value(day)


def _ids(ids: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def _schools_sql(day: datetime.date, area: Area) -> tuple[str, list] | None:
    """The area's schools open on the day, with their ancestors (the tree as it is); None
    when the filter itself says none can be (no session that day)."""
    query = (
        OrgUnit.objects.filter(open_schools_q(day), area.tree_q())
        .order_by()
        .values_list("id", *(f"{f}_id" for f in ANCESTOR_FIELDS))
    )
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, list(params)


def _stale_rows_where(area: Area, day_sql: str, day_params: list) -> tuple[str, list]:
    """Rows of a school rollup that belong to the area: by the columns they were made with,
    or because the tree now puts their school in the area."""
    own, own_params = area.rollup_sql()
    tree = OrgUnit.objects.filter(area.tree_q(), level=Level.SCHOOL).order_by().values("id")
    try:
        tree_sql, tree_params = tree.query.sql_with_params()
    except EmptyResultSet:
        return f"{day_sql} AND {own}", [*day_params, *own_params]
    return (
        f"{day_sql} AND ({own} OR school_id IN ({tree_sql}))",
        [*day_params, *own_params, *tree_params],
    )


SCHOOL_DAY_COLUMNS = (
    "school_id, date, state_id, district_id, block_id, cluster_id, reported, on_time, held, "
    "version_id, last_version_id, enrolled_boys, enrolled_girls, enrolled_third, "
    "present_boys, present_girls, present_third, staff_marked, staff_present, "
    "meal_enrolled, meal_present, meals_served, meals_reason, arrival"
)

# A school-day's meal flag (models.MealFlag) from its other columns; the order decides when a
# day is more than one thing (meals equal to an enrolment of which nobody came: no attendance).
NOT_SERVED, NO_ATTENDANCE = MealFlag.NOT_SERVED.value, MealFlag.NO_ATTENDANCE.value
MEAL_FLAG_SQL = (
    "CASE WHEN x.reported AND (x.meals_reason <> '' OR x.meals_served = 0) "
    f"THEN {NOT_SERVED} "
    "WHEN x.meals_served > 0 AND (NOT x.reported OR x.meal_present = 0) "
    f"THEN {NO_ATTENDANCE} "
    "WHEN x.reported AND x.meal_enrolled > 0 AND x.meals_served = x.meal_enrolled "
    f"THEN {MealFlag.FED_ALL.value} "
    "WHEN x.reported AND x.meal_enrolled > 0 AND x.meals_served IS NULL "
    f"THEN {MealFlag.NOT_RECORDED.value} ELSE {MealFlag.NONE.value} END"
)
# A meal day (reported, by a school with classes 1–8) with a meal figure: meals served, or
# none with a reason ("not served" is stored as 0 meals with the reason).
MEAL_RECORDED_SQL = "reported AND meal_enrolled > 0 AND meals_served IS NOT NULL"


def rebuild_school_days(day: datetime.date, area: Area) -> set[int]:
    """Recompute the area's SchoolDay rows of one day. Returns the clusters whose figures may
    have changed: those of the rows removed and of the rows written."""
    touched: set[int] = set()
    for piece in area.pieces():
        touched |= _rebuild_school_days(day, piece)
    return touched


def _rebuild_school_days(day: datetime.date, area: Area) -> set[int]:
    table = _table(SchoolDay)
    where, params = _stale_rows_where(area, "date = %s", [_date(day)])
    schools = _schools_sql(day, area)
    version, record, capture = _table(Version), _table(DayRecord), _table(Capture)
    staff, enrolment = _table(StaffPresence), _table(Enrolment)
    first, last = MEAL_CLASSES[0], MEAL_CLASSES[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT cluster_id FROM {table} WHERE {where}", params)  # noqa: S608
        touched = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
        if schools is None:
            return touched
        schools_sql, schools_params = schools
        # The enrolment counted is the school's register for the day's academic year, all
        # classes (and classes 1–8 for the meals), and only on a day the school reported (0
        # otherwise). A held day's meals are the newest held version's.
        cursor.execute(
            f"WITH o (id, state_id, district_id, block_id, cluster_id) AS ({schools_sql}), "  # noqa: S608
            "e AS (SELECT school_id, SUM(boys) AS b, SUM(girls) AS g, SUM(third_gender) AS t, "
            f"SUM(CASE WHEN class_no BETWEEN {first} AND {last} "
            "THEN boys + girls + third_gender ELSE 0 END) AS m "
            f"FROM {enrolment} WHERE academic_year = %s AND school_id IN (SELECT id FROM o) "
            "GROUP BY school_id) "
            f"INSERT INTO {table} ({SCHOOL_DAY_COLUMNS}, meal_flag) "
            f"SELECT x.*, {MEAL_FLAG_SQL} FROM ("
            "SELECT o.id, %s AS date, o.state_id, o.district_id, o.block_id, o.cluster_id, "
            "v.id IS NOT NULL AS reported, "
            "v.id IS NOT NULL AND r.on_time AS on_time, "
            "r.id IS NOT NULL AND r.current_id IS NULL AND EXISTS ("
            f"  SELECT 1 FROM {version} h WHERE h.record_id = r.id AND h.status = %s"
            "   AND h.reviewed_by_id IS NULL) AS held, "
            "v.id AS version_id, "
            f"(SELECT MAX(mx.id) FROM {version} mx WHERE mx.record_id = r.id) AS last_version_id, "
            "CASE WHEN v.id IS NULL THEN 0 ELSE COALESCE(e.b, 0) END, "
            "CASE WHEN v.id IS NULL THEN 0 ELSE COALESCE(e.g, 0) END, "
            "CASE WHEN v.id IS NULL THEN 0 ELSE COALESCE(e.t, 0) END, "
            "COALESCE(v.present_boys, 0), COALESCE(v.present_girls, 0), "
            "COALESCE(v.present_third_gender, 0), "
            "CASE WHEN v.id IS NULL THEN 0 ELSE "
            f"(SELECT COUNT(*) FROM {staff} sp WHERE sp.version_id = v.id) END, "
            "CASE WHEN v.id IS NULL THEN 0 ELSE "
            f"(SELECT COUNT(*) FROM {staff} sp WHERE sp.version_id = v.id AND sp.status = %s) "
            "END, "
            "CASE WHEN v.id IS NULL THEN 0 ELSE COALESCE(e.m, 0) END AS meal_enrolled, "
            "COALESCE(v.present_meal_classes, 0) AS meal_present, "
            "CASE WHEN v.id IS NOT NULL THEN v.meals_served "
            "WHEN r.id IS NOT NULL THEN ("
            f"  SELECT h.meals_served FROM {version} h WHERE h.record_id = r.id "
            "   AND h.status = %s AND h.reviewed_by_id IS NULL ORDER BY h.id DESC LIMIT 1) "
            "END AS meals_served, "
            "COALESCE(v.meals_not_served, '') AS meals_reason, "
            # A reported day's arrival is its record's; a held day's is "after the cut-off"
            # when that is why it waits (the capture's verdict), nothing otherwise.
            "CASE WHEN v.id IS NOT NULL THEN r.arrival "
            "WHEN r.id IS NOT NULL AND EXISTS ("
            f"  SELECT 1 FROM {version} h JOIN {capture} c ON c.version_id = h.id "
            "   WHERE h.record_id = r.id AND h.status = %s AND h.reviewed_by_id IS NULL "
            f"   AND c.code = %s) THEN {Arrival.AFTER_CLOSE.value} ELSE 0 END AS arrival "
            "FROM o "
            f"LEFT JOIN {record} r ON r.school_id = o.id AND r.date = %s "
            f"{_current_version_join(version)} "
            "LEFT JOIN e ON e.school_id = o.id) x",
            [
                *schools_params,
                academic_year_of(day),
                _date(day),
                Status.HELD.value,
                StaffStatus.PRESENT.value,
                Status.HELD.value,
                Status.HELD.value,
                "after_close",
                _date(day),
            ],
        )
        own, own_params = area.rollup_sql()
        cursor.execute(
            f"SELECT DISTINCT cluster_id FROM {table} WHERE date = %s AND {own}",  # noqa: S608
            [_date(day), *own_params],
        )
        touched |= {row[0] for row in cursor.fetchall()}
    return touched


def _current_version_join(version: str) -> str:
    """The day records' current versions. On PostgreSQL one by one through the primary key
    (LATERAL, and LIMIT 1 so that the planner cannot fold it back into a join): for a whole
    state's day (90,000 of 15 million versions) it otherwise estimates a hash join over a scan
    of every version cheaper, which takes seconds, not the fraction of a second the lookups
    take. SQLite joins by lookups anyway."""
    if connection.vendor == "postgresql":
        return (
            f"LEFT JOIN LATERAL (SELECT * FROM {version} cv WHERE cv.id = r.current_id LIMIT 1) v "  # noqa: S608
            "ON true"
        )
    return f"LEFT JOIN {version} v ON v.id = r.current_id"


def _sums(prefix: str = "") -> str:
    """The count columns summed from the level below."""
    return ", ".join(f"SUM({prefix}{f})" for f in COUNT_FIELDS)


def _school_sums() -> str:
    """The count columns summed from SchoolDay rows (one school-day each)."""
    return (
        "COUNT(*), "
        "SUM(CASE WHEN reported THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN on_time THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN held THEN 1 ELSE 0 END), "
        "SUM(enrolled_boys), SUM(enrolled_girls), SUM(enrolled_third), "
        "SUM(present_boys), SUM(present_girls), SUM(present_third), "
        "SUM(staff_marked), SUM(staff_present), " + MEAL_SUMS_SQL + ", " + ARRIVAL_SUMS_SQL
    )


# The meal counts (models.MEAL_FIELDS, in order) summed from SchoolDay rows.
MEAL_SUMS_SQL = ", ".join(
    [
        "SUM(CASE WHEN reported AND meal_enrolled > 0 THEN 1 ELSE 0 END)",
        "SUM(meal_enrolled)",
        "SUM(meal_present)",
        "SUM(CASE WHEN reported THEN COALESCE(meals_served, 0) ELSE 0 END)",
        "SUM(CASE WHEN reported AND meal_enrolled > 0 AND meals_served > 0 THEN 1 ELSE 0 END)",
        "SUM(CASE WHEN reported AND meal_enrolled > 0 AND meals_served IS NULL "
        "AND meals_reason = '' THEN 1 ELSE 0 END)",
        *(
            f"SUM(CASE WHEN reported AND meals_reason = '{reason}' THEN 1 ELSE 0 END)"
            for reason in NOT_SERVED_FIELDS
        ),
        f"SUM(CASE WHEN meal_flag = {MealFlag.NO_ATTENDANCE.value} THEN 1 ELSE 0 END)",
        "SUM(CASE WHEN reported AND meal_enrolled > 0 AND meals_served = meal_enrolled "
        "THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {MEAL_RECORDED_SQL} THEN meal_present ELSE 0 END)",
    ]
)

# late_offline, after_close and after_close_held (models.COUNT_FIELDS' last) from SchoolDay rows.
ARRIVAL_SUMS_SQL = ", ".join(
    [
        f"SUM(CASE WHEN reported AND arrival = {Arrival.LATE_OFFLINE.value} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN reported AND arrival = {Arrival.AFTER_CLOSE.value} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN held AND arrival = {Arrival.AFTER_CLOSE.value} THEN 1 ELSE 0 END)",
    ]
)


def _count_columns() -> str:
    return ", ".join(COUNT_FIELDS)


# Each level of UnitDay from the level below: (level, the column that names the unit in the
# rows below, the ancestor columns it keeps, its parent column, the rows below).
_LEVELS = [
    (Level.CLUSTER, "cluster_id", ("state_id", "district_id", "block_id"), "block_id", "school"),
    (Level.BLOCK, "parent_id", ("state_id", "district_id"), "district_id", "unit"),
    (Level.DISTRICT, "parent_id", ("state_id",), "state_id", "unit"),
    (Level.STATE, "parent_id", (), None, "unit"),
]


def rebuild_unit_days(day: datetime.date, clusters: Iterable[int] | None = None) -> None:
    """Recompute the UnitDay rows of one day: of the given clusters and every unit above them,
    or (clusters None) of every unit."""
    units: set[int] | None = None if clusters is None else set(clusters)
    for level, column, keeps, parent, below in _LEVELS:
        if units is not None and not units:
            return
        units = _rebuild_level(day, level, column, keeps, parent, below, units)


def _rebuild_level(
    day: datetime.date,
    level: int,
    column: str,
    keeps: tuple[str, ...],
    parent: str | None,
    below: str,
    units: set[int] | None,
) -> set[int] | None:
    """Recompute one level's rows of the units (None: all); returns their parents (before and
    after), the units of the next level up to recompute."""
    table = _table(UnitDay)
    source = _table(SchoolDay) if below == "school" else table
    sums = _school_sums() if below == "school" else _sums()
    ancestors = "".join(f"{k}, " for k in ("state_id", "district_id", "block_id"))
    # A unit's ancestors are the tree's as it is now (its OrgUnit row), not those written on
    # the rows below: after a move, rows of days no run has recomputed yet (a school without
    # a row today is not seen to have moved) would otherwise split a unit into two rows.
    kept = "".join(f"o.{k}, " if k in keeps else "NULL, " for k in ("state_id", "district_id"))
    kept += "o.block_id, " if "block_id" in keeps else "NULL, "
    group = ", ".join([f"s.{column}", *(f"o.{k}" for k in keeps)])
    parents: set[int] | None = None if units is None else set()
    with connection.cursor() as cursor:
        for chunk in [None] if units is None else _chunks(sorted(units)):
            mine = "" if chunk is None else f" AND unit_id IN ({_ids(chunk)})"
            theirs = "" if chunk is None else f" AND s.{column} IN ({_ids(chunk)})"
            params = [_date(day), level, *(chunk or [])]
            if parents is not None and parent is not None:
                cursor.execute(
                    f"SELECT DISTINCT parent_id FROM {table} WHERE date = %s AND level = %s{mine}",  # noqa: S608
                    params,
                )
                parents |= {r[0] for r in cursor.fetchall() if r[0] is not None}
            cursor.execute(f"DELETE FROM {table} WHERE date = %s AND level = %s{mine}", params)  # noqa: S608
            below_level = [] if below == "school" else [level + 1]
            level_filter = "" if below == "school" else " AND s.level = %s"
            cursor.execute(
                f"INSERT INTO {table} (unit_id, date, level, {ancestors}parent_id, "  # noqa: S608
                f"{_count_columns()}) "
                f"SELECT s.{column}, s.date, %s, {kept}{f'o.{parent}' if parent else 'NULL'}, "
                f"{sums} FROM {source} s JOIN {_table(OrgUnit)} o ON o.id = s.{column} "
                f"WHERE s.date = %s{level_filter}{theirs} GROUP BY {group}, s.date",
                [level, _date(day), *below_level, *(chunk or [])],
            )
            if parents is not None and parent is not None:
                cursor.execute(
                    f"SELECT DISTINCT parent_id FROM {table} WHERE date = %s AND level = %s{mine}",  # noqa: S608
                    params,
                )
                parents |= {r[0] for r in cursor.fetchall() if r[0] is not None}
    return parents


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def rebuild_school_months(month: datetime.date, area: Area) -> None:
    """Recompute the area's SchoolMonth and ClassMonth rows of one month from its SchoolDay
    rows, then the UnitClassMonth rows of the units above them, once all pieces are done (a
    unit's schools may be split across pieces: halfway, a moved cluster's schools would
    still name two blocks)."""
    units: list[set[int]] = [set(), set(), set(), set()]
    for piece in area.pieces():
        _rebuild_school_months(month, piece)
        for mine, theirs in zip(units, _rebuild_class_months(month, piece), strict=True):
            mine |= theirs
    with connection.cursor() as cursor:
        _rebuild_unit_class_months(cursor, month, units)


def _rebuild_school_months(month: datetime.date, area: Area) -> None:
    table = _table(SchoolMonth)
    where, params = _stale_rows_where(area, "month = %s", [_date(month)])
    own, own_params = area.rollup_sql()
    full = (
        "reported AND enrolled_boys + enrolled_girls + enrolled_third > 0 AND "
        "present_boys + present_girls + present_third = "
        "enrolled_boys + enrolled_girls + enrolled_third"
    )
    extremes = ", ".join(
        f"{how}(CASE WHEN reported THEN present_{g} END)"
        for g in ("boys", "girls", "third")
        for how in ("MIN", "MAX")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (school_id, month, state_id, district_id, block_id, "  # noqa: S608
            f"cluster_id, {_count_columns()}, min_boys, max_boys, min_girls, max_girls, "
            "min_third, max_third, days_full) "
            f"SELECT school_id, %s, state_id, district_id, block_id, cluster_id, "
            f"{_school_sums()}, {extremes}, SUM(CASE WHEN {full} THEN 1 ELSE 0 END) "
            f"FROM {_table(SchoolDay)} WHERE date >= %s AND date <= %s AND {own} "
            "GROUP BY school_id, state_id, district_id, block_id, cluster_id",
            [_date(month), _date(month), _date(month_end(month)), *own_params],
        )


CLASS_SUMS = (
    "days, enrolled_boys, enrolled_girls, enrolled_third, present_boys, present_girls, "
    "present_third"
)


def _class_month_units(cursor, month: datetime.date, where: str, params: list) -> list[set[int]]:
    """The clusters, blocks, districts and states of the area's ClassMonth rows."""
    cursor.execute(
        f"SELECT DISTINCT cluster_id, block_id, district_id, state_id FROM "  # noqa: S608
        f"{_table(ClassMonth)} WHERE {where}",
        params,
    )
    found: list[set[int]] = [set(), set(), set(), set()]
    for row in cursor.fetchall():
        for i, unit_id in enumerate(row):
            found[i].add(unit_id)
    return found


def _rebuild_unit_class_months(cursor, month: datetime.date, units: list[set[int]]) -> None:
    """UnitClassMonth rows of the units (clusters, blocks, districts, states), each level from
    the one below (tens or hundreds of rows each: a cluster's schools' ClassMonth rows, a
    block's clusters' rows, …), with the parent as the tree is now. Summing a district's
    ~20,000 ClassMonth rows instead cost the refresher a second a run while phones upload all
    over the state."""
    table, orgunits = _table(UnitClassMonth), _table(OrgUnit)
    sums = ", ".join(f"SUM(s.{c})" for c in CLASS_SUMS.split(", "))
    levels = [
        # (level, the rows below, the column naming the unit in them, their level, parent)
        (Level.CLUSTER, _table(ClassMonth), "cluster_id", None, "block_id"),
        (Level.BLOCK, table, "parent_id", Level.CLUSTER, "district_id"),
        (Level.DISTRICT, table, "parent_id", Level.BLOCK, "state_id"),
        (Level.STATE, table, "parent_id", Level.DISTRICT, None),
    ]
    for (level, source, column, below, parent), ids in zip(levels, units, strict=True):
        parent_sql = f"o.{parent}" if parent else "NULL"
        group = f"s.{column}, s.month, s.class_no" + (f", o.{parent}" if parent else "")
        below_sql = "" if below is None else " AND s.level = %s"
        for chunk in _chunks(sorted(ids)):
            marks = _ids(chunk)
            cursor.execute(
                f"DELETE FROM {table} WHERE month = %s AND unit_id IN ({marks})",  # noqa: S608
                [_date(month), *chunk],
            )
            cursor.execute(
                f"INSERT INTO {table} (unit_id, month, class_no, level, parent_id, "  # noqa: S608
                f"{CLASS_SUMS}) SELECT s.{column}, s.month, s.class_no, %s, {parent_sql}, "
                f"{sums} FROM {source} s JOIN {orgunits} o ON o.id = s.{column} "
                f"WHERE s.month = %s{below_sql} AND s.{column} IN ({marks}) GROUP BY {group}",
                [level, _date(month), *([] if below is None else [below]), *chunk],
            )


def _rebuild_class_months(month: datetime.date, area: Area) -> list[set[int]]:
    """The area's ClassMonth rows of one month: each class of the register, times the
    school's reported days that month (its SchoolMonth row, just recomputed), with the
    children present from the class rows of the versions counted (SchoolDay.version_id).
    Returns the clusters, blocks, districts and states of the rows removed and written."""
    table = _table(ClassMonth)
    where, params = _stale_rows_where(area, "month = %s", [_date(month)])
    own, own_params = area.rollup_sql()
    year = academic_year_of(month)
    with connection.cursor() as cursor:
        # The units above the rows removed and the rows written (a school may have moved).
        before = _class_month_units(cursor, month, where, params)
        cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (school_id, month, class_no, state_id, district_id, "  # noqa: S608
            "block_id, cluster_id, days, enrolled_boys, enrolled_girls, enrolled_third, "
            "present_boys, present_girls, present_third) "
            "SELECT sm.school_id, sm.month, e.class_no, sm.state_id, sm.district_id, "
            "sm.block_id, sm.cluster_id, sm.reported, e.boys * sm.reported, "
            "e.girls * sm.reported, e.third_gender * sm.reported, "
            "COALESCE(p.b, 0), COALESCE(p.g, 0), COALESCE(p.t, 0) "
            f"FROM {_table(SchoolMonth)} sm "
            f"JOIN {_table(Enrolment)} e ON e.school_id = sm.school_id AND e.academic_year = %s "
            "LEFT JOIN (SELECT sd.school_id, cp.class_no, SUM(cp.boys) AS b, "
            "SUM(cp.girls) AS g, SUM(cp.third_gender) AS t "
            f"FROM {_table(SchoolDay)} sd JOIN {_table(ClassPresence)} cp "
            "ON cp.version_id = sd.version_id "
            f"WHERE sd.date >= %s AND sd.date <= %s AND sd.reported AND sd.{own} "
            "GROUP BY sd.school_id, cp.class_no) p "
            "ON p.school_id = sm.school_id AND p.class_no = e.class_no "
            f"WHERE sm.month = %s AND sm.reported > 0 AND sm.{own}",
            [
                year,
                _date(month),
                _date(month_end(month)),
                *own_params,
                _date(month),
                *own_params,
            ],
        )
        after = _class_month_units(
            cursor, month, f"month = %s AND {own}", [_date(month), *own_params]
        )
        return [b | a for b, a in zip(before, after, strict=True)]


def rebuild_day(day: datetime.date) -> None:
    """Every school and unit of every state, on one day."""
    for state in OrgUnit.objects.filter(level=Level.STATE):
        rebuild_school_days(day, Area.under(state))
    rebuild_unit_days(day)
