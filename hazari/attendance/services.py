"""Taking in a capture: check it, judge its time, store it once, and answer with a receipt.

The same function serves the sync API (a phone's outbox, possibly days late) and the web form
(a head master at a desktop, or an officer entering for a school). Every capture a user may
make is answered with a receipt; a capture for a school outside the user's area is answered
but leaves no trace.

Idempotency: the client's UUID is the Capture's primary key. A resend with the same content
returns the stored receipt and writes nothing; the same UUID with other content is a
conflict. Two identical uploads racing each other meet at the primary key: one insert wins,
the other rolls back its savepoint and returns the winner's receipt.
"""

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.attendance.models import (
    Capture,
    ClassPresence,
    DayRecord,
    StaffPresence,
    StaffStatus,
    Status,
    Version,
)
from hazari.attendance.rules import Rules, Verdict, judge_time, rules_for
from hazari.lib.i18n import in_both_languages
from hazari.orgunits.models import School
from hazari.registers.models import Enrolment, academic_year_of
from hazari.schooldays.days import day_status
from hazari.staff.models import Posting

MEAL_CLASSES = range(1, 9)  # PM POSHAN: classes 1 to 8


@dataclass(frozen=True)
class ClassCount:
    class_no: int
    boys: int
    girls: int
    third_gender: int = 0


@dataclass(frozen=True)
class StaffMark:
    posting_id: int
    status: str


@dataclass(frozen=True)
class CaptureIn:
    uuid: UUID
    school_id: int
    date: datetime.date
    captured_at: datetime.datetime
    classes: list[ClassCount]
    staff: list[StaffMark]
    meals_served: int | None = None
    reason: str = ""

    def content_hash(self) -> str:
        """What identifies the capture's content; resending it may change nothing else."""
        body = asdict(self)
        body["classes"] = sorted(body["classes"], key=lambda c: c["class_no"])
        body["staff"] = sorted(body["staff"], key=lambda s: s["posting_id"])
        raw = json.dumps(body, default=str, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message_hi: str
    message_en: str

    @classmethod
    def of(cls, field_: str, code: str, message: str, **params: object) -> "Problem":
        hindi, english = in_both_languages(message, **params)
        return cls(field_, code, hindi, english)


@dataclass
class Receipt:
    uuid: UUID
    status: str
    code: str
    message_hi: str
    message_en: str
    version: int | None = None
    errors: list[dict] = field(default_factory=list)

    @classmethod
    def of_capture(cls, capture: Capture) -> "Receipt":
        return cls(
            uuid=capture.uuid,
            status=capture.status,
            code=capture.code,
            message_hi=capture.message_hi,
            message_en=capture.message_en,
            version=capture.version.number if capture.version is not None else None,
            errors=capture.errors,
        )

    @classmethod
    def unstored(cls, capture_id: UUID, code: str, message: str, **params) -> "Receipt":
        hindi, english = in_both_languages(message, **params)
        return cls(capture_id, Status.REJECTED, code, hindi, english)


class _Raced(Exception):
    """Another request stored the same UUID while this one was checking it."""


def capture_submit(
    *,
    user: User,
    data: CaptureIn,
    received_at: datetime.datetime,
    clock_offset: datetime.timedelta = datetime.timedelta(0),
    sent_at: datetime.datetime | None = None,
    device_id: str = "",
) -> Receipt:
    content_hash = data.content_hash()
    known = Capture.objects.select_related("version").filter(pk=data.uuid).first()
    if known is not None:
        return _repeat(known, content_hash)
    school = scope.schools_for(user).select_related("unit").filter(pk=data.school_id).first()
    if school is None:
        return Receipt.unstored(
            data.uuid,
            "school_outside_area",
            gettext_noop("You cannot enter attendance for this school."),
        )
    rules = rules_for(school)
    problems = check_content(school=school, data=data, rules=rules)
    verdict = _judge(
        school=school,
        data=data,
        rules=rules,
        problems=problems,
        received_at=received_at,
        clock_offset=clock_offset,
    )
    try:
        with transaction.atomic():
            return _store(
                user=user,
                school=school,
                data=data,
                verdict=verdict,
                problems=problems,
                content_hash=content_hash,
                received_at=received_at,
                clock_offset=clock_offset,
                sent_at=sent_at,
                device_id=device_id,
            )
    except _Raced:
        return _repeat(Capture.objects.select_related("version").get(pk=data.uuid), content_hash)


def _repeat(capture: Capture, content_hash: str) -> Receipt:
    if capture.content_hash == content_hash:
        return Receipt.of_capture(capture)
    return Receipt.unstored(
        capture.uuid,
        "conflict",
        gettext_noop("A different capture was already sent with this ID; nothing was changed."),
    )


def _judge(*, school, data, rules, problems, received_at, clock_offset) -> Verdict:
    if problems:
        return Verdict(
            Status.REJECTED,
            "invalid",
            gettext_noop("The entry has mistakes; correct them and save again."),
            {},
        )
    status = day_status(school, data.date)
    if not status.open:
        return Verdict(
            Status.REJECTED,
            "not_school_day",
            gettext_noop("%(day)s is not a school day: %(why)s."),
            {"day": data.date.isoformat(), "why": status.label},
        )
    verdict = judge_time(
        rules=rules,
        start_time=school.start_time,
        day=data.date,
        captured_at=data.captured_at,
        received_at=received_at,
        clock_offset=clock_offset,
    )
    if verdict.stored and data.meals_served is not None:
        present = sum(
            c.boys + c.girls + c.third_gender for c in data.classes if c.class_no in MEAL_CLASSES
        )
        if data.meals_served > present:
            return Verdict(
                rules.meals_over_present,
                "meals_over_present",
                gettext_noop(
                    "Meals served (%(meals)s) are more than the students "
                    "present in classes 1–8 (%(present)s)."
                ),
                {"meals": data.meals_served, "present": present},
            )
    return verdict


def check_content(*, school: School, data: CaptureIn, rules: Rules) -> list[Problem]:
    """Every class the school teaches, each once, 0 <= present <= enrolled; every staff member
    posted there that day, each once, with a known status."""
    problems: list[Problem] = []

    def report(field_: str, code: str, message: str, **params: object) -> None:
        problems.append(Problem.of(field_, code, message, **params))

    _check_classes(school, data, report)
    _check_staff(school, data, report)
    if data.meals_served is not None and data.meals_served < 0:
        report("meals_served", "negative", gettext_noop("A count cannot be below 0."))
    if len(data.reason) > 300:
        report("reason", "too_long", gettext_noop("The reason has at most 300 characters."))
    return problems


def _check_classes(school: School, data: CaptureIn, report) -> None:
    taught = list(school.classes)
    enrolled = {
        e.class_no: e
        for e in Enrolment.objects.filter(school=school, academic_year=academic_year_of(data.date))
    }
    seen: set[int] = set()
    unknown = False
    for i, c in enumerate(data.classes):
        where = f"classes[{i}]"
        if c.class_no not in taught:
            unknown = True
            report(
                f"{where}.class_no",
                "unknown_class",
                gettext_noop("This school does not teach class %(class_no)s."),
                class_no=c.class_no,
            )
            continue
        if c.class_no in seen:
            report(
                f"{where}.class_no",
                "duplicate_class",
                gettext_noop("Class %(class_no)s is given twice."),
                class_no=c.class_no,
            )
        seen.add(c.class_no)
        row = enrolled.get(c.class_no)
        for gender in ("boys", "girls", "third_gender"):
            present, limit = getattr(c, gender), getattr(row, gender, 0)
            if present < 0:
                report(f"{where}.{gender}", "negative", gettext_noop("A count cannot be below 0."))
            elif present > limit:
                report(
                    f"{where}.{gender}",
                    "more_than_enrolled",
                    gettext_noop(
                        "Class %(class_no)s: %(present)s present but only %(enrolled)s enrolled."
                    ),
                    class_no=c.class_no,
                    present=present,
                    enrolled=limit,
                )
    if not unknown:
        for class_no in taught:
            if class_no not in seen:
                report(
                    "classes",
                    "missing_class",
                    gettext_noop("Class %(class_no)s is missing."),
                    class_no=class_no,
                )


def _check_staff(school: School, data: CaptureIn, report) -> None:
    posted = set(Posting.objects.at(school).on(data.date).values_list("pk", flat=True))
    marked: set[int] = set()
    for i, s in enumerate(data.staff):
        where = f"staff[{i}]"
        if s.posting_id not in posted:
            report(
                f"{where}.posting_id",
                "not_posted",
                gettext_noop("This person is not posted at the school on that day."),
            )
        elif s.posting_id in marked:
            report(
                f"{where}.posting_id",
                "duplicate_staff",
                gettext_noop("This person is marked twice."),
            )
        if s.status not in StaffStatus.values:
            report(
                f"{where}.status", "bad_status", gettext_noop("The status must be P, A, L or D.")
            )
        marked.add(s.posting_id)
    if posted - marked:
        report(
            "staff",
            "missing_staff",
            gettext_noop("%(count)s posted staff members are not marked."),
            count=len(posted - marked),
        )


def _store(
    *,
    user,
    school,
    data,
    verdict,
    problems,
    content_hash,
    received_at,
    clock_offset,
    sent_at,
    device_id,
) -> Receipt:
    record = None
    if verdict.stored:
        record, _ = DayRecord.objects.get_or_create(school=school, date=data.date)
        # One writer per school-day at a time: version numbers and `current` stay consistent.
        record = DayRecord.objects.select_for_update().get(pk=record.pk)
        if record.current_id is not None and not data.reason.strip():
            verdict = Verdict(
                Status.REJECTED,
                "reason_required",
                gettext_noop(
                    "Today's attendance was already sent; give the reason for the correction."
                ),
                {},
            )
            record = None
    hindi, english = in_both_languages(verdict.message, **verdict.params)
    capture = Capture(
        uuid=data.uuid,
        school=school,
        date=data.date,
        submitted_by=user,
        role=user.role,
        device_id=device_id[:64],
        captured_at=data.captured_at,
        sent_at=sent_at,
        received_at=received_at,
        clock_offset=int(clock_offset.total_seconds()),
        content_hash=content_hash,
        status=verdict.status,
        code=verdict.code,
        message_hi=hindi,
        message_en=english,
        errors=[asdict(p) for p in problems],
    )
    try:
        with transaction.atomic():
            capture.save(force_insert=True)
    except IntegrityError:
        raise _Raced from None
    if record is not None:
        capture.version = _add_version(
            record=record,
            user=user,
            data=data,
            verdict=verdict,
            received_at=received_at,
            clock_offset=clock_offset,
            device_id=device_id,
        )
        capture.save(update_fields=["version"])
    return Receipt.of_capture(capture)


def _add_version(*, record, user, data, verdict, received_at, clock_offset, device_id) -> Version:
    number = (record.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = Version.objects.create(
        record=record,
        number=number,
        status=verdict.status,
        submitted_by=user,
        role=user.role,
        device_id=device_id[:64],
        captured_at=data.captured_at + clock_offset,
        received_at=received_at,
        reason=data.reason.strip(),
        meals_served=data.meals_served,
        present_boys=sum(c.boys for c in data.classes),
        present_girls=sum(c.girls for c in data.classes),
        present_third_gender=sum(c.third_gender for c in data.classes),
    )
    ClassPresence.objects.bulk_create(
        ClassPresence(
            version=version,
            class_no=c.class_no,
            boys=c.boys,
            girls=c.girls,
            third_gender=c.third_gender,
        )
        for c in data.classes
    )
    StaffPresence.objects.bulk_create(
        StaffPresence(version=version, posting_id=s.posting_id, status=s.status) for s in data.staff
    )
    if verdict.status != Status.HELD:
        if record.first_reported_at is None:
            record.first_reported_at = version.captured_at
            record.on_time = verdict.status == Status.ACCEPTED
        record.current = version
        record.save(update_fields=["current", "first_reported_at", "on_time"])
    return version
