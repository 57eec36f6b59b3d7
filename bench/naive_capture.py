"""A naive per-row ORM version of POST /api/v1/sync/captures, for comparison only.

What a first version written straight from the models would do: a plain Django view that
parses the JSON by hand, looks the token, the user, the unit and the school up one get() at a
time, reads each enrolment row and each posting with its own query, checks the school's area
by walking the unit's parents one query each, and writes with save() per row
(get_or_create for the DayRecord, one INSERT per ClassPresence and StaffPresence). The rules
of the day window are the application's own (judge_time), so both versions judge alike and
the difference is the database work. Mounted by bench/naive_urls.py at
/bench/naive/sync/captures; used only by bench/morning_rush.py.
"""

import datetime
import hashlib
import json
import uuid

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from hazari.accounts.models import ApiToken, User
from hazari.attendance.models import (
    Capture,
    ClassPresence,
    DayRecord,
    RuleSet,
    StaffPresence,
    Version,
)
from hazari.attendance.rules import RULE_FIELDS, Rules, judge_time
from hazari.orgunits.models import OrgUnit, School
from hazari.registers.models import Enrolment, academic_year_of
from hazari.staff.models import Posting


def _error(status: int, code: str) -> JsonResponse:
    return JsonResponse({"code": code}, status=status)


def _in_area(user_unit: OrgUnit, school_unit: OrgUnit) -> bool:
    unit = school_unit
    while unit is not None:
        if unit.pk == user_unit.pk:
            return True
        unit = OrgUnit.objects.get(pk=unit.parent_id) if unit.parent_id else None
    return False


def _rules(school_unit: OrgUnit) -> Rules:
    chain = []
    unit = school_unit
    while unit is not None:
        chain.append(unit)
        unit = OrgUnit.objects.get(pk=unit.parent_id) if unit.parent_id else None
    values = {}
    for unit in reversed(chain):
        try:
            row = RuleSet.objects.get(unit=unit)
        except RuleSet.DoesNotExist:
            continue
        for name in RULE_FIELDS:
            if getattr(row, name) not in (None, ""):
                values[name] = getattr(row, name)
    return Rules(**values)


@csrf_exempt
def naive_upload(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _error(405, "method")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return _error(401, "unauthorized")
    try:
        token = ApiToken.objects.get(key_hash=hashlib.sha256(header[7:].encode()).hexdigest())
    except ApiToken.DoesNotExist:
        return _error(401, "unauthorized")
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now:
        return _error(401, "unauthorized")
    user = User.objects.get(pk=token.user_id)
    token.last_used_at = now
    token.save()
    try:
        body = json.loads(request.body)
        sent_at = datetime.datetime.fromisoformat(body["sent_at"])
        items = body["captures"]
    except (ValueError, KeyError, TypeError):
        return _error(422, "invalid")
    offset = now - sent_at
    receipts = []
    for item in items:
        receipts.append(_one(user, token, item, now, offset, sent_at))
    return JsonResponse(
        {
            "server_time": timezone.localtime(now).isoformat(),
            "clock_offset_seconds": round(offset.total_seconds()),
            "receipts": receipts,
        }
    )


def _one(user, token, item, now, offset, sent_at) -> dict:
    capture_id = uuid.UUID(item["uuid"])
    content_hash = hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()
    existing = Capture.objects.filter(pk=capture_id).first()
    if existing is not None:
        return {"uuid": str(capture_id), "status": existing.status, "code": existing.code}
    day = datetime.date.fromisoformat(item["date"])
    captured_at = datetime.datetime.fromisoformat(item["captured_at"])
    school = School.objects.get(pk=item["school_id"])
    school_unit = OrgUnit.objects.get(pk=school.unit_id)
    user_unit = OrgUnit.objects.get(pk=user.unit_id)
    if not _in_area(user_unit, school_unit):
        return {"uuid": str(capture_id), "status": "rejected", "code": "school_outside_area"}
    problems = []
    year = academic_year_of(day)
    for c in item["classes"]:
        if c["class_no"] not in school.classes:
            problems.append("unknown_class")
            continue
        try:
            row = Enrolment.objects.get(school=school, academic_year=year, class_no=c["class_no"])
        except Enrolment.DoesNotExist:
            row = None
        for gender in ("boys", "girls", "third_gender"):
            if c.get(gender, 0) > (getattr(row, gender) if row else 0):
                problems.append("more_than_enrolled")
    for s in item["staff"]:
        if not Posting.objects.filter(pk=s["posting_id"], school=school).exists():
            problems.append("not_posted")
    rules = _rules(school_unit)
    verdict = judge_time(
        rules=rules,
        start_time=school.start_time,
        day=day,
        captured_at=captured_at,
        received_at=now,
        clock_offset=offset,
    )
    status, code = ("rejected", "invalid") if problems else (verdict.status, verdict.code)
    with transaction.atomic():
        capture = Capture(
            uuid=capture_id,
            school=school,
            date=day,
            submitted_by=user,
            role=user.role,
            device_id=token.device_id,
            captured_at=captured_at,
            sent_at=sent_at,
            received_at=now,
            clock_offset=int(offset.total_seconds()),
            content_hash=content_hash,
            status=status,
            code=code,
            message_en=str(verdict.message),
            errors=problems,
        )
        capture.save(force_insert=True)
        if status != "rejected":
            record, _ = DayRecord.objects.get_or_create(school=school, date=day)
            record = DayRecord.objects.select_for_update().get(pk=record.pk)
            number = Version.objects.filter(record=record).count() + 1
            version = Version(
                record=record,
                number=number,
                status=status,
                submitted_by=user,
                role=user.role,
                device_id=token.device_id,
                captured_at=captured_at + offset,
                received_at=now,
                meals_served=item.get("meals_served"),
            )
            version.save()
            for c in item["classes"]:
                ClassPresence(
                    version=version,
                    class_no=c["class_no"],
                    boys=c["boys"],
                    girls=c["girls"],
                    third_gender=c.get("third_gender", 0),
                ).save()
                version.present_boys += c["boys"]
                version.present_girls += c["girls"]
                version.present_third_gender += c.get("third_gender", 0)
            version.save()
            for s in item["staff"]:
                StaffPresence(
                    version=version, posting_id=s["posting_id"], status=s["status"]
                ).save()
            if record.first_reported_at is None:
                record.first_reported_at = version.captured_at
                record.on_time = status == "accepted"
            record.current = version
            record.save()
            capture.version = version
            capture.save()
    version_number = number if status != "rejected" else None
    return {"uuid": str(capture_id), "status": status, "code": code, "version": version_number}
