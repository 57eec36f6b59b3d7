"""What the phone app needs to take attendance offline, for one school: the selector behind
GET /api/v1/sync/bootstrap.

The school, its classes with enrolment, the staff to mark, the calendar from a week back to a
month ahead, the attendance rules (windows and limits) and the server's time. A `version` hash
of all of it (but the time) lets the app tell that something changed.

Six queries, whatever the size of the school: the rule overrides, the enrolment, the postings
and the calendar (three); the school, with its unit, comes from the caller's scope lookup.
A school on a student-wise roll call gets its register as well (two more: current and ended
stays), with a hash of each class's part of it. A phone that already holds the register sends
its hashes (`have`) and gets only the classes that changed — a new admission or a transfer
costs the phone one class's children, not the school's, on a weak network.
"""

import datetime
import hashlib
import json
from dataclasses import asdict

from django.db.models import Q
from django.utils import timezone

from hazari.attendance.models import MealsNotServed, RollCall
from hazari.attendance.rules import Rules, rules_for
from hazari.attendance.services import MEAL_CLASSES
from hazari.lib.i18n import label_in_both_languages
from hazari.orgunits.models import School
from hazari.registers.models import academic_year_of
from hazari.registers.selectors import enrolment_table
from hazari.schooldays.days import DayStatus, school_calendar
from hazari.schooldays.timetables import start_time_on
from hazari.staff.models import Posting
from hazari.students.rollcall import mode_of, roll_between

CALENDAR_BACK_DAYS = 7
CALENDAR_AHEAD_DAYS = 30


def _hhmm(value: datetime.time) -> str:
    return value.strftime("%H:%M")


def _calendar_day(day: datetime.date, status: DayStatus, start_time: datetime.time) -> dict:
    hindi, english = label_in_both_languages(status)
    entry = status.closure or status.working_day
    return {
        "start_time": _hhmm(start_time),
        "date": day,
        "open": status.open,
        "reason": str(status.reason),
        "kind": status.kind,
        "label_en": english,
        "label_hi": hindi,
        "note": entry.reason if entry is not None else "",
    }


def _rules(rules: Rules) -> dict:
    out = asdict(rules)
    for name, value in out.items():
        if isinstance(value, datetime.time):
            out[name] = _hhmm(value)
        elif not isinstance(value, int):
            out[name] = str(value)
    return out


def _hash(body: object, length: int) -> str:
    raw = json.dumps(body, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:length]


def payload_version(payload: dict) -> str:
    """A short hash of the payload, the server's time left out. The students are in it through
    their classes' hashes (`student_register`), so a phone sent only some classes gets the same
    version as one sent them all."""
    return _hash({k: v for k, v in payload.items() if k not in SENT_APART}, 16)


SENT_APART = ("version", "server_time", "students")


def register_hashes(students: list[dict]) -> dict[str, str]:
    """{class: a hash of its stays}, for the phone to say which classes it already holds."""
    by_class: dict[int, list[dict]] = {}
    for stay in students:
        by_class.setdefault(stay["class_no"], []).append(stay)
    return {str(class_no): _hash(stays, 12) for class_no, stays in sorted(by_class.items())}


def bootstrap_for(
    school: School,
    *,
    limits: dict,
    now: datetime.datetime | None = None,
    have: dict[str, str] | None = None,
) -> dict:
    """Everything the app needs to work offline for the school. `school` comes from the
    caller's scope, with its unit loaded; `limits` are the API's own (batch size, body size).
    `have` is the phone's {class: hash} of the register it holds: then `students` carries only
    the classes whose hash differs (and `student_register.partial` says so)."""
    now = timezone.localtime(now)
    today = now.date()
    rules = rules_for(school)
    year = academic_year_of(today)
    table = enrolment_table(school, year)
    # Staff to mark on any day an offline capture may still be made for, with their dates.
    earliest = today - datetime.timedelta(days=rules.max_offline_days)
    postings = (
        Posting.objects.at(school)
        .filter(start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=earliest))
        .order_by("name", "pk")
    )
    start = today - datetime.timedelta(days=CALENDAR_BACK_DAYS)
    calendar = school_calendar(
        [school], start, today + datetime.timedelta(days=CALENDAR_AHEAD_DAYS)
    )
    statuses = calendar.statuses(school.pk)
    # The register of every day an offline roll call may still be taken for.
    students = (
        roll_between(school.pk, earliest, today) if rules.roll_call == RollCall.STUDENTS else []
    )
    hashes = register_hashes(students)
    register: dict[str, object] = {"classes": hashes}
    payload = {
        "server_time": now,
        "today": today,
        "academic_year": year,
        "school": {
            "id": school.pk,
            "udise": school.unit.code,
            "name_en": school.unit.name_en,
            "name_hi": school.unit.name_hi,
            "category": school.category,
            "classes": list(school.classes),
            "start_time": _hhmm(school.start_time),
        },
        "classes": [
            {
                "class_no": r.class_no,
                "boys": r.boys,
                "girls": r.girls,
                "third_gender": r.third_gender,
            }
            for r in table.rows
        ],
        "staff": [
            {
                "posting_id": p.pk,
                "employee_code": p.employee_code,
                "name": p.name,
                "designation": p.designation,
                "start_date": p.start_date,
                "end_date": p.end_date,
            }
            for p in postings
        ],
        "calendar": [
            _calendar_day(day, status, start_time_on(school, day))
            for day, status in zip(calendar.days, statuses, strict=True)
        ],
        "rules": _rules(rules),
        "limits": {**limits, "meal_classes": list(MEAL_CLASSES)},
        "meal_reasons": _meal_reasons(),
        "roll_call": {
            "mode": mode_of(rules, has_students=bool(students)),
            "late_and_left_early": rules.mark_late_and_left_early,
        },
        "student_register": register,
    }
    payload["version"] = payload_version(payload)
    if have is not None:
        changed = {c for c, h in hashes.items() if have.get(c) != h}
        students = [s for s in students if str(s["class_no"]) in changed]
    register["partial"] = have is not None
    payload["students"] = students
    return payload


def _meal_reasons() -> list[dict]:
    reasons = []
    for reason in MealsNotServed:
        hindi, english = label_in_both_languages(reason)
        reasons.append({"code": reason.value, "name_hi": hindi, "name_en": english})
    return reasons
