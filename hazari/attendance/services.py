"""Taking in a capture: check it, judge its time, store it once, and answer with a receipt.

The same function serves the sync API (a phone's outbox, possibly days late) and the web form
(a head master at a desktop, or an officer entering for a school). Every capture a user may
make is answered with a receipt; a capture for a school outside the user's area is answered
but leaves no trace.

Idempotency: the client's UUID is the Capture's primary key. A resend is answered first, from
what was stored, before any check: one read by the primary key (store.stored_capture) gives
the stored receipt when the content is the same, a conflict when it is not. A phone that
timed out resends, and after a network cut a whole district's phones resend at once: the
retry must cost less than the first send, not more (docs/benchmarks.md, "Resends"). A first
send pays for that one read. The uniqueness itself is decided at the insert, never by the
read: the capture is inserted last in its transaction with ON CONFLICT DO NOTHING
(hazari.attendance.store), and when an identical upload won a race in between, the
transaction is rolled back and the stored receipt is the answer, as for a resend.

This runs thousands of times a minute in the morning: the school is read in one query, its
enrolment and postings in another, and the calendar and rule overrides come from what the
process keeps (hazari.lib.memo). See docs/benchmarks.md, "Morning rush".
"""

import dataclasses
import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field
from uuid import UUID

from django.db import connection, transaction
from django.utils.translation import gettext_noop

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.accounts.roles import may_enter_attendance
from hazari.attendance import store
from hazari.attendance.checks import MEAL_CLASSES, Problem, check_content, school_day_facts
from hazari.attendance.models import Arrival, Capture, Status
from hazari.attendance.rules import Rules, Verdict, judge_time, rules_along
from hazari.lib.i18n import in_both_languages
from hazari.orgunits.models import SchoolFacts
from hazari.schooldays.days import day_calendar
from hazari.schooldays.timetables import start_time_along
from hazari.students import store as marks_store
from hazari.students.rollcall import Roll, check_roll


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
    # Meals not served: why (a MealsNotServed value), and a note (required for "other").
    meals_reason: str = ""
    meals_note: str = ""
    # A student-wise roll call (hazari.students.rollcall): then `classes` is empty, and the
    # counts are derived from the marks.
    roll: Roll | None = None

    def content_hash(self) -> str:
        """What identifies the capture's content; resending it may change nothing else."""
        # The same JSON as json.dumps(asdict(self)) with the lists sorted (the stored hashes
        # were made so), without asdict's deep copies: this runs for every upload.
        body = {
            **self.__dict__,
            "classes": [vars(c) for c in sorted(self.classes, key=lambda c: c.class_no)],
            "staff": [vars(s) for s in sorted(self.staff, key=lambda s: s.posting_id)],
        }
        # Fields added later count only when given: a capture made before them hashes as it did.
        for later in ("meals_reason", "meals_note", "roll"):
            if not body[later]:
                del body[later]
        if self.roll is not None:
            body["roll"] = self.roll.as_json()
        raw = json.dumps(body, default=str, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


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
    def of_stored(cls, capture_id: UUID, stored: store.StoredCapture) -> "Receipt":
        return cls(
            uuid=capture_id,
            status=stored.status,
            code=stored.code,
            message_hi=stored.message_hi,
            message_en=stored.message_en,
            version=stored.version,
            errors=stored.errors,
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
    # A capture stored earlier keeps its receipt, even if the user has since moved: the
    # content (its school among it) is what a resend must match.
    resent = _stored_receipt(data.uuid, content_hash)
    if resent is not None:
        return resent
    school = scope.school_facts_for(user, data.school_id)
    if school is None:
        return Receipt.unstored(
            data.uuid,
            "school_outside_area",
            gettext_noop("You cannot enter attendance for this school."),
        )
    if not may_enter_attendance(user):
        return Receipt.unstored(
            data.uuid,
            "not_allowed",
            gettext_noop("Your role does not enter attendance."),
        )
    rules = rules_along(school.chain)
    problems: list[Problem] = []
    if data.roll is not None:
        data, problems = _counts_of_roll(school, data, data.roll)
    problems += check_content(
        school=school,
        day=school_day_facts(school.id, data.date),
        data=data,
        counts_from_roll=data.roll is not None,
    )
    verdict = _judge(
        school=school,
        data=data,
        rules=rules,
        problems=problems,
        received_at=received_at,
        clock_offset=clock_offset,
    )
    capture = store.NewCapture(
        uuid=data.uuid,
        school_id=school.id,
        date=data.date,
        submitted_by_id=user.pk,
        role=user.role,
        device_id=device_id[:64],
        captured_at=data.captured_at,
        sent_at=sent_at,
        received_at=received_at,
        clock_offset=int(clock_offset.total_seconds()),
        content_hash=content_hash,
        status=verdict.status,
        code=verdict.code,
        message_hi="",
        message_en="",
        errors=[asdict(p) for p in problems],
        version_id=None,
    )
    try:
        with transaction.atomic():
            return _store(capture, data=data, verdict=verdict)
    except _Raced:
        found = _stored_receipt(data.uuid, content_hash)
        if found is None:  # cannot happen: the insert met the stored row
            raise
        return found


def _counts_of_roll(
    school: SchoolFacts, data: CaptureIn, roll: Roll
) -> tuple[CaptureIn, list[Problem]]:
    """The capture with its class counts derived from its roll call, and the roll's problems.
    The phone sends no counts with a roll: one entry, both uses."""
    problems, counts = check_roll(
        school_id=school.id, day=data.date, roll=roll, taught=school.classes
    )
    if data.classes:
        problems.append(
            Problem.of(
                "classes",
                "counts_with_roll",
                gettext_noop("Send the roll call or the counts, not both."),
            )
        )
    classes = [ClassCount(class_no, *present) for class_no, present in counts.items()]
    return dataclasses.replace(data, classes=classes), problems


def _stored_receipt(capture_id: UUID, content_hash: str) -> Receipt | None:
    """The receipt of the capture stored under this UUID: its own if the content is the
    same, a conflict if not; None when there is none."""
    with connection.cursor() as cursor:
        stored = store.stored_capture(cursor, capture_id)
    if stored is None:
        return None
    if stored.content_hash == content_hash:
        return Receipt.of_stored(capture_id, stored)
    return Receipt.unstored(
        capture_id,
        "conflict",
        gettext_noop("A different capture was already sent with this ID; nothing was changed."),
    )


def _judge(
    *,
    school: SchoolFacts,
    data: CaptureIn,
    rules: Rules,
    problems: list[Problem],
    received_at: datetime.datetime,
    clock_offset: datetime.timedelta,
) -> Verdict:
    if problems:
        return Verdict(
            Status.REJECTED,
            "invalid",
            gettext_noop("The entry has mistakes; correct them and save again."),
            {},
        )
    status = day_calendar(data.date).row_status(school.row, data.date)
    if not status.open:
        return Verdict(
            Status.REJECTED,
            "not_school_day",
            gettext_noop("%(day)s is not a school day: %(why)s."),
            {"day": data.date.isoformat(), "why": status.lazy_label},
        )
    verdict = judge_time(
        rules=rules,
        start_time=start_time_along(school.chain, data.date, school.start_time),
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


REASON_REQUIRED = Verdict(
    Status.REJECTED,
    "reason_required",
    gettext_noop("Today's attendance was already sent; give the reason for the correction."),
    {},
)


def _store(capture: store.NewCapture, *, data: CaptureIn, verdict: Verdict) -> Receipt:
    """Write the capture (and, when stored, its version); raise _Raced when its UUID is
    already stored, which rolls everything back."""
    version: tuple[int, int] | None = None
    with connection.cursor() as cursor:
        if verdict.stored:
            record = store.day_record_lock(cursor, school_id=capture.school_id, date=data.date)
            correction = record.current_id is not None
            if correction and not data.reason.strip():
                verdict = REASON_REQUIRED
        capture = _with_verdict(capture, verdict)
        if not verdict.stored:
            if not store.capture_insert(cursor, capture):
                raise _Raced
        else:
            version = store.version_and_capture_add(
                cursor,
                store.NewVersion(
                    record_id=record.id,
                    status=verdict.status,
                    submitted_by_id=capture.submitted_by_id,
                    role=capture.role,
                    device_id=capture.device_id,
                    captured_at=data.captured_at + datetime.timedelta(seconds=capture.clock_offset),
                    received_at=capture.received_at,
                    reason=data.reason.strip(),
                    # "Not served" is 0 meals with a reason, however the app put it.
                    meals_served=0 if data.meals_reason else data.meals_served,
                    meals_not_served=data.meals_reason,
                    meals_note=data.meals_note.strip(),
                    classes=[(c.class_no, c.boys, c.girls, c.third_gender) for c in data.classes],
                    staff=[(s.posting_id, s.status) for s in data.staff],
                ),
                capture,
                report=verdict.status != Status.HELD,
                arrival=Arrival.of_code(verdict.code),
            )
            if version is None:
                raise _Raced
            _store_marks(cursor, data, verdict, version_id=version[0], correction=correction)
    return Receipt(
        uuid=capture.uuid,
        status=capture.status,
        code=capture.code,
        message_hi=capture.message_hi,
        message_en=capture.message_en,
        version=version[1] if version else None,
        errors=capture.errors,
    )


def _store_marks(
    cursor, data: CaptureIn, verdict: Verdict, *, version_id: int, correction: bool
) -> None:
    """The roll call's marks follow the day's current version: written now when the version
    becomes current, kept aside when it is held (written if an officer approves it)."""
    marks = data.roll.marks() if data.roll is not None else None
    if verdict.status == Status.HELD:
        if marks:
            marks_store.held_keep(version_id=version_id, marks=marks)
        return
    marks_store.marks_report(
        cursor, school_id=data.school_id, day=data.date, marks=marks, correction=correction
    )


def _with_verdict(capture: store.NewCapture, verdict: Verdict) -> store.NewCapture:
    hindi, english = in_both_languages(verdict.message, **verdict.params)
    return dataclasses.replace(
        capture, status=verdict.status, code=verdict.code, message_hi=hindi, message_en=english
    )
