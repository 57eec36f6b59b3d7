"""Importing the org-unit tree from CSV, one level per file.

A file is all-or-nothing: every row is checked first, and if any row is rejected nothing is
written and every rejected row is reported. A partly imported tree (blocks without their
district, half a district's schools) is worse for officers than none. Re-importing the same
file changes nothing; a changed name, category or parent updates the unit in place.

Columns per level (header names, any order; extra columns are ignored):
  district: code, name_en, name_hi
  block:    district_code, code, name_en, name_hi
  cluster:  block_code, code, name_en, name_hi
  school:   cluster_code, udise_code, name_en, name_hi, category, start_time, hm_mobile,
            lowest_class, highest_class  (the last five may be left empty)
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_noop

from hazari.lib.tabular import MALFORMED, FileError, RowError, malformed_row_error, read_csv
from hazari.orgunits.categories import HIGHEST_CLASS, LOWEST_CLASS, Category
from hazari.orgunits.models import ANCESTOR_FIELDS, Level, OrgUnit, School

LEVEL_BY_NAME = {
    "district": Level.DISTRICT,
    "block": Level.BLOCK,
    "cluster": Level.CLUSTER,
    "school": Level.SCHOOL,
}
PARENT_COLUMN: dict[int, str] = {
    Level.BLOCK: "district_code",
    Level.CLUSTER: "block_code",
    Level.SCHOOL: "cluster_code",
}
SCHOOL_FIELDS = (
    "category",
    "start_time",
    "hm_mobile",
    "lowest_class_override",
    "highest_class_override",
)
_CODE = re.compile(r"^[A-Za-z0-9._-]{1,20}$")
_MOBILE = re.compile(r"^[6-9]\d{9}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
BATCH = 2000


def required_columns(level: int) -> set[str]:
    own = "udise_code" if level == Level.SCHOOL else "code"
    parent = {PARENT_COLUMN[level]} if level in PARENT_COLUMN else set()
    return {own, "name_en"} | parent


@dataclass
class ImportResult:
    level: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    code: str
    name_en: str
    name_hi: str
    parent: OrgUnit | None
    school: dict[str, object] | None


def import_units_csv(
    *, level: int, data: bytes | str, state: OrgUnit, dry_run: bool = False
) -> ImportResult:
    try:
        rows = list(read_csv(data, required=required_columns(level)))
    except FileError as e:
        return ImportResult(level=level, errors=[e.error])
    return import_units(level=level, rows=rows, state=state, dry_run=dry_run)


def import_units(
    *, level: int, rows: Iterable[tuple[int, dict[str, str]]], state: OrgUnit, dry_run: bool = False
) -> ImportResult:
    """Check every row, then create or update the units in one transaction (or, on a dry run
    or when any row is rejected, write nothing and only count)."""
    result = ImportResult(level=level)
    parents = _parents_by_code(level, state)
    existing = {u.code: u for u in OrgUnit.objects.filter(level=level)}
    schools = (
        {s.unit_id: s for s in School.objects.filter(unit__level=level)}
        if level == Level.SCHOOL
        else {}
    )
    checked: list[_Row] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        row, errors = _check_row(level, number, cells, parents, state, seen)
        result.errors.extend(errors)
        if row is not None:
            checked.append(row)

    to_create: list[tuple[OrgUnit, _Row]] = []
    to_update: list[OrgUnit] = []
    moved: list[OrgUnit] = []
    schools_to_update: list[School] = []
    for row in checked:
        unit = existing.get(row.code)
        if unit is None:
            unit = OrgUnit(code=row.code, name_en=row.name_en, name_hi=row.name_hi)
            unit.set_parent(row.parent)
            to_create.append((unit, row))
            continue
        before = (unit.name_en, unit.name_hi, unit.parent_id, unit.is_active)
        unit.name_en, unit.name_hi, unit.is_active = row.name_en, row.name_hi, True
        unit.set_parent(row.parent)
        school_changed = False
        if row.school is not None:
            school = schools.get(unit.pk) or School(unit=unit)
            if any(getattr(school, k, None) != v for k, v in row.school.items()):
                for k, v in row.school.items():
                    setattr(school, k, v)
                schools_to_update.append(school)
                school_changed = True
        if before != (unit.name_en, unit.name_hi, unit.parent_id, unit.is_active):
            to_update.append(unit)
            if before[2] != unit.parent_id:
                moved.append(unit)
        elif not school_changed:
            result.unchanged += 1
            continue
        result.updated += 1
    result.created = len(to_create)

    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for start in range(0, len(to_create), BATCH):
            batch = to_create[start : start + BATCH]
            OrgUnit.objects.bulk_create([u for u, _ in batch])
            if level == Level.SCHOOL:
                School.objects.bulk_create(
                    [School(unit=u, **r.school) for u, r in batch if r.school is not None]
                )
        OrgUnit.objects.bulk_update(
            to_update, ["name_en", "name_hi", "is_active", *ANCESTOR_FIELDS], batch_size=BATCH
        )
        new_schools = [s for s in schools_to_update if s.unit_id not in schools]
        School.objects.bulk_create(new_schools)
        School.objects.bulk_update(
            [s for s in schools_to_update if s.unit_id in schools],
            list(SCHOOL_FIELDS),
            batch_size=BATCH,
        )
        for unit in moved:
            _carry_ancestors_down(unit)
    return result


def _parents_by_code(level: int, state: OrgUnit) -> dict[str, OrgUnit]:
    if level == Level.DISTRICT:
        return {}
    return {u.code: u for u in OrgUnit.objects.filter(level=level - 1, state=state)}


def _carry_ancestors_down(unit: OrgUnit) -> None:
    """A unit moved to another parent: its descendants' ancestor columns above it follow."""
    if unit.level == Level.SCHOOL:
        return
    above = {f"{f}_id": getattr(unit, f"{f}_id") for f in ANCESTOR_FIELDS[: unit.level]}
    OrgUnit.objects.filter(**{ANCESTOR_FIELDS[unit.level]: unit}).update(**above)


def _check_row(
    level: int,
    number: int,
    cells: dict[str, str],
    parents: dict[str, OrgUnit],
    state: OrgUnit,
    seen: dict[str, int],
) -> tuple[_Row | None, list[RowError]]:
    if MALFORMED in cells:
        return None, [malformed_row_error(number, cells)]
    errors: list[RowError] = []
    code_field = "udise_code" if level == Level.SCHOOL else "code"
    code = cells.get(code_field, "")

    def err(field: str, code_: str, message: str, **params: object) -> None:
        errors.append(RowError.of(number, field, code_, message, **params))

    if level == Level.SCHOOL:
        if not re.fullmatch(r"\d{11}", code):
            err(
                code_field,
                "bad_udise",
                gettext_noop("A UDISE code has exactly 11 digits; this one is %(value)r."),
                value=code,
            )
    elif not _CODE.match(code):
        err(
            code_field,
            "bad_code",
            gettext_noop("The code must be 1 to 20 letters or digits; it is %(value)r."),
            value=code,
        )
    if code and code in seen:
        err(
            code_field,
            "duplicate",
            gettext_noop("The code %(value)s is already on row %(first)s of this file."),
            value=code,
            first=seen[code],
        )
    elif code:
        seen[code] = number
    name_en, name_hi = cells.get("name_en", ""), cells.get("name_hi", "")
    if not name_en:
        err("name_en", "required", gettext_noop("The English name is required."))
    if len(name_en) > 150 or len(name_hi) > 150:
        err("name_en", "too_long", gettext_noop("A name has at most 150 characters."))

    parent: OrgUnit | None = state
    if level in PARENT_COLUMN:
        column = PARENT_COLUMN[level]
        parent = parents.get(cells.get(column, ""))
        if parent is None:
            err(
                column,
                "unknown_parent",
                gettext_noop("No %(level)s has the code %(value)r."),
                level=Level(level - 1).label,
                value=cells.get(column, ""),
            )

    school = _check_school(cells, err) if level == Level.SCHOOL else None
    if errors:
        return None, errors
    return _Row(number, code, name_en, name_hi, parent, school), []


def _check_school(cells: dict[str, str], err) -> dict[str, object]:
    school: dict[str, object] = {}
    raw = cells.get("category", "")
    try:
        school["category"] = Category(int(raw))
    except ValueError:
        err(
            "category",
            "bad_category",
            gettext_noop("Unknown school category %(value)r; use a UDISE category number."),
            value=raw,
        )
    raw = cells.get("start_time", "")
    match = _TIME.match(raw) if raw else None
    if raw and not match:
        err(
            "start_time",
            "bad_time",
            gettext_noop("The start time must look like 10:00; it is %(value)r."),
            value=raw,
        )
    school["start_time"] = (
        datetime.time(int(match[1]), int(match[2])) if match else datetime.time(10, 0)
    )
    mobile = cells.get("hm_mobile", "")
    if mobile and not _MOBILE.match(mobile):
        err(
            "hm_mobile",
            "bad_mobile",
            gettext_noop("A mobile number has 10 digits and starts with 6, 7, 8 or 9."),
        )
    school["hm_mobile"] = mobile
    for column, key in (
        ("lowest_class", "lowest_class_override"),
        ("highest_class", "highest_class_override"),
    ):
        raw = cells.get(column, "")
        school[key] = None
        if raw:
            if raw.isdigit() and LOWEST_CLASS <= int(raw) <= HIGHEST_CLASS:
                school[key] = int(raw)
            else:
                err(
                    column,
                    "bad_class",
                    gettext_noop("A class is a number from 1 to 12; it is %(value)r."),
                    value=raw,
                )
    low, high = school["lowest_class_override"], school["highest_class_override"]
    if isinstance(low, int) and isinstance(high, int) and low > high:
        err(
            "lowest_class",
            "bad_class_range",
            gettext_noop("The lowest class is above the highest class."),
        )
    return school
