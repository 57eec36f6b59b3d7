"""The dashboards' figures worked out the slow, obvious way, straight from the raw tables, one
school and one day at a time: what the rollups must equal.

A school-day counts when the calendar says the school was open (day_status, the one-school
answer); it is reported when its day record has a current version; held when something was
sent but waits for a review; enrolment is the school's register for the day's academic year,
counted on reported days only.
"""

import datetime
from collections import defaultdict

from hazari.attendance.models import Arrival, Capture, DayRecord, Status, Version
from hazari.dashboards.models import COUNT_FIELDS, NOT_SERVED_FIELDS
from hazari.meals.flags import MealDay
from hazari.orgunits.models import ANCESTOR_FIELDS, School
from hazari.registers.models import Enrolment, academic_year_of
from hazari.schooldays.days import dates, day_status


def school_day(school: School, day: datetime.date) -> dict | None:
    """The counts of one school on one day; None when it was not open."""
    if not day_status(school, day).open:
        return None
    record = DayRecord.objects.filter(school=school, date=day).select_related("current").first()
    current = record.current if record else None
    held = (
        record is not None
        and current is None
        and Version.objects.filter(
            record=record, status=Status.HELD, reviewed_by__isnull=True
        ).exists()
    )
    row = dict.fromkeys(COUNT_FIELDS, 0)
    row["schools_open"] = 1
    row["held"] = int(held)
    if held and record is not None:
        newest = (
            Version.objects.filter(record=record, status=Status.HELD, reviewed_by__isnull=True)
            .order_by("-pk")
            .first()
        )
        if newest is not None and newest.meals_served:
            row["meal_days_no_attendance"] = 1
        row["after_close_held"] = int(
            Capture.objects.filter(
                version__record=record,
                version__status=Status.HELD,
                version__reviewed_by__isnull=True,
                code="after_close",
            ).exists()
        )
    if current is not None:
        enrolled = Enrolment.objects.filter(school=school, academic_year=academic_year_of(day))
        staff = list(current.staff.values_list("status", flat=True))
        row.update(
            reported=1,
            on_time=int(record.on_time),
            late_offline=int(record.arrival == Arrival.LATE_OFFLINE),
            after_close=int(record.arrival == Arrival.AFTER_CLOSE),
            enrolled_boys=sum(e.boys for e in enrolled),
            enrolled_girls=sum(e.girls for e in enrolled),
            enrolled_third=sum(e.third_gender for e in enrolled),
            present_boys=current.present_boys,
            present_girls=current.present_girls,
            present_third=current.present_third_gender,
            staff_marked=len(staff),
            staff_present=staff.count("P"),
        )
        row.update(meals(enrolled, current))
    return row


def meals(enrolled, current: Version) -> dict:
    """The meal counts of one reported school-day, by their definitions (models.Counts)."""
    meal_enrolled = sum(e.boys + e.girls + e.third_gender for e in enrolled if e.class_no <= 8)
    present = current.present_meal_classes
    served, why = current.meals_served, current.meals_not_served
    out = {
        "meal_days": int(meal_enrolled > 0),
        "meal_enrolled": meal_enrolled,
        "meal_present": present,
        "meals_served": served or 0,
        "meal_days_served": int(meal_enrolled > 0 and bool(served)),
        "meal_days_unrecorded": int(meal_enrolled > 0 and served is None and not why),
        "meal_days_no_attendance": int(bool(served) and present == 0),
        "meal_days_fed_all": int(meal_enrolled > 0 and served == meal_enrolled),
        "meal_present_recorded": present if meal_enrolled > 0 and served is not None else 0,
    }
    for reason, field in NOT_SERVED_FIELDS.items():
        out[field] = int(why == reason)
    return out


def add(total: dict, row: dict) -> None:
    for f in COUNT_FIELDS:
        total[f] = total.get(f, 0) + row[f]


def truth(schools: list[School], start: datetime.date, end: datetime.date):
    """(school-days, unit-days, school-months) over start..end, as dicts keyed like the
    rollups: (school, day), (unit, day), (school, first of month)."""
    school_days: dict[tuple[int, datetime.date], dict] = {}
    for school in schools:
        for day in dates(start, end):
            row = school_day(school, day)
            if row is not None:
                school_days[(school.pk, day)] = row
    ancestors = {s.pk: [getattr(s.unit, f"{f}_id") for f in ANCESTOR_FIELDS] for s in schools}
    unit_days: dict[tuple[int, datetime.date], dict] = defaultdict(dict)
    months: dict[tuple[int, datetime.date], dict] = defaultdict(dict)
    for (school_id, day), row in school_days.items():
        for unit_id in ancestors[school_id]:
            add(unit_days[(unit_id, day)], row)
        add(months[(school_id, day.replace(day=1))], row)
    return school_days, dict(unit_days), dict(months)


def month_extremes(school: School, month: datetime.date, days: list[datetime.date]) -> dict:
    """What SchoolMonth keeps for the checks of implausible reports, the obvious way."""
    reported = [r for d in days if (r := school_day(school, d)) and r["reported"]]
    out: dict = {"days_full": 0}
    for gender in ("boys", "girls", "third"):
        values = [r[f"present_{gender}"] for r in reported]
        out[f"min_{gender}"] = min(values) if values else None
        out[f"max_{gender}"] = max(values) if values else None
    for r in reported:
        enrolled = r["enrolled_boys"] + r["enrolled_girls"] + r["enrolled_third"]
        present = r["present_boys"] + r["present_girls"] + r["present_third"]
        out["days_full"] += int(enrolled > 0 and present == enrolled)
    return out


def area(school_days: dict, school_ids: set[int], days: list[datetime.date]) -> dict:
    """The counts of some schools over some days, from truth()'s school-days."""
    total = dict.fromkeys(COUNT_FIELDS, 0)
    for (school_id, day), row in school_days.items():
        if school_id in school_ids and day in days:
            add(total, row)
    return total


def class_month(school: School, month: datetime.date, days: list[datetime.date]) -> dict:
    """What ClassMonth keeps for a school's month, the obvious way: each class of the
    register, its enrolment times the reported days, and its children present on them."""
    days = [d for d in days if (d.year, d.month) == (month.year, month.month)]
    reported = sum(1 for d in days if (r := school_day(school, d)) and r["reported"])
    if not reported:
        return {}
    present = classes(school, days)
    out = {}
    for e in Enrolment.objects.filter(school=school, academic_year=academic_year_of(month)):
        b, g, t = present.get(e.class_no, (0, 0, 0))
        out[e.class_no] = {
            "class_no": e.class_no,
            "days": reported,
            "enrolled_boys": e.boys * reported,
            "enrolled_girls": e.girls * reported,
            "enrolled_third": e.third_gender * reported,
            "present_boys": b,
            "present_girls": g,
            "present_third": t,
        }
    return out


def classes(school: School, days: list[datetime.date]) -> dict[int, tuple[int, int, int]]:
    """{class: children present (boys, girls, third gender) summed over the school's reported
    open days}, from the current versions' class rows."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for day in days:
        if not day_status(school, day).open:
            continue
        record = DayRecord.objects.filter(school=school, date=day).first()
        if record is None or record.current is None:
            continue
        for c in record.current.classes.all():
            out[c.class_no][0] += c.boys
            out[c.class_no][1] += c.girls
            out[c.class_no][2] += c.third_gender
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def meal_series(school: School, start: datetime.date, end: datetime.date) -> list[MealDay]:
    """The school's open days as the meal flags see them, straight from the raw tables: a
    reported day's meals, reason, children present and enrolled in classes 1–8; a held day's
    meals (the newest held version's); nothing on a day without either."""
    out = []
    for day in dates(start, end):
        if not day_status(school, day).open:
            continue
        record = DayRecord.objects.filter(school=school, date=day).select_related("current").first()
        current = record.current if record else None
        if current is not None:
            enrolled = Enrolment.objects.filter(
                school=school, academic_year=academic_year_of(day), class_no__lte=8
            )
            out.append(
                MealDay(
                    day,
                    True,
                    current.meals_served,
                    current.meals_not_served,
                    current.present_meal_classes,
                    sum(e.boys + e.girls + e.third_gender for e in enrolled),
                )
            )
            continue
        held = (
            Version.objects.filter(record=record, status=Status.HELD, reviewed_by__isnull=True)
            .order_by("-pk")
            .first()
            if record
            else None
        )
        out.append(MealDay(day, False, held.meals_served if held else None, "", 0, 0))
    return out
