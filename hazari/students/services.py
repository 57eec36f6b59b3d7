"""Writes of the follow-up of students who miss school (issue 15, item 4).

An entry (a cause found, an action taken, an outcome) is made on a phone, kept in its outbox
and sent, perhaps days later and perhaps more than once. Like a capture
(hazari.attendance.services), each is answered with a receipt of its own and stored once:
the phone's UUID is the entry's primary key. A resend with the same content answers the
stored receipt; the same UUID with other content answers `conflict` and changes nothing.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.accounts.roles import may_enter_attendance, may_see_children_by_name
from hazari.lib.i18n import in_both_languages
from hazari.orgunits.models import OrgUnit
from hazari.registers.models import Student
from hazari.students.models import (
    Action,
    Cause,
    FollowUp,
    FollowUpEntry,
    Kind,
    NamedListDownload,
    Outcome,
)
from hazari.students.selectors import session_start

NOTE_MAX = 200
CODES: dict[str, list[str]] = {
    Kind.CAUSE: Cause.values,
    Kind.ACTION: Action.values,
    Kind.OUTCOME: Outcome.values,
}

ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass(frozen=True)
class EntryIn:
    uuid: UUID
    school_id: int
    student_id: int  # the Student's pk
    kind: str
    code: str
    note: str
    on: datetime.date | None  # the day it happened; may be left out except for came_back
    captured_at: datetime.datetime

    def content_hash(self) -> str:
        """What identifies the entry's content; resending it may change nothing else."""
        raw = json.dumps(vars(self), default=str, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class EntryReceipt:
    uuid: UUID
    status: str  # ACCEPTED or REJECTED
    code: str
    message_hi: str
    message_en: str
    errors: list[dict] = field(default_factory=list)

    @classmethod
    def of(cls, uuid: UUID, status: str, code: str, message: str, **params) -> "EntryReceipt":
        hindi, english = in_both_languages(message, **params)
        return cls(uuid, status, code, hindi, english)


RECORDED = gettext_noop("Recorded.")


def _problem(field_: str, code: str, message: str, **params: object) -> dict:
    hindi, english = in_both_languages(message, **params)
    return {"field": field_, "code": code, "message_hi": hindi, "message_en": english}


def _stored_receipt(data: EntryIn, content_hash: str) -> EntryReceipt | None:
    """The answer to a resend: None when nothing is stored under the UUID. Only accepted
    entries are stored, so a stored one was accepted."""
    stored = FollowUpEntry.objects.filter(pk=data.uuid).values_list("content_hash", flat=True)
    found = next(iter(stored), None)
    if found is None:
        return None
    if found == content_hash:
        return EntryReceipt.of(data.uuid, ACCEPTED, "accepted", RECORDED)
    return EntryReceipt.of(
        data.uuid,
        REJECTED,
        "conflict",
        gettext_noop("A different entry was already sent with this ID; nothing was changed."),
    )


def _check(data: EntryIn, *, school, today: datetime.date) -> tuple[list[dict], Student | None]:
    """Every mistake in the entry, each named by its field; and the student when found."""
    problems = []
    student = Student.objects.of_school(school).filter(pk=data.student_id).first()
    if student is None:
        problems.append(
            _problem(
                "student",
                "not_on_register",
                gettext_noop("This student is not on the school's register."),
            )
        )
    if data.kind not in CODES:
        problems.append(
            _problem("kind", "unknown_kind", gettext_noop("Choose cause, action or outcome."))
        )
    elif data.code not in CODES[data.kind]:
        problems.append(
            _problem(
                "code",
                "unknown_code",
                gettext_noop("%(kind)s: “%(value)s” is not on the list."),
                value=data.code,
                kind=Kind(data.kind).label,
            )
        )
    note = data.note.strip()
    if len(note) > NOTE_MAX:
        problems.append(
            _problem(
                "note",
                "too_long",
                gettext_noop("The note may have at most %(max)s characters."),
                max=NOTE_MAX,
            )
        )
    elif data.kind == Kind.CAUSE and data.code == Cause.OTHER and not note:
        problems.append(
            _problem("note", "note_required", gettext_noop("Write the cause in the note."))
        )
    if data.on is None:
        if data.kind == Kind.OUTCOME and data.code == Outcome.CAME_BACK:
            problems.append(
                _problem("on", "date_required", gettext_noop("Give the day the student came back."))
            )
    elif data.on > today:
        problems.append(
            _problem("on", "in_future", gettext_noop("The day cannot be in the future."))
        )
    elif data.on < (start := session_start(school, today)):
        problems.append(
            _problem(
                "on",
                "before_session",
                gettext_noop("The day cannot be before the session began (%(start)s)."),
                start=start.isoformat(),
            )
        )
    return problems, student


def followup_entry_record(
    *, user: User, data: EntryIn, received_at: datetime.datetime
) -> EntryReceipt:
    """Check an entry and, when it is right, add it to the student's open follow-up (opening
    one when there is none) and make it the follow-up's current cause, action or outcome; the
    outcome "came back" closes the follow-up. Bad input is answered with a rejected receipt
    and writes nothing."""
    content_hash = data.content_hash()
    resent = _stored_receipt(data, content_hash)
    if resent is not None:
        return resent
    school = scope.schools_for(user).select_related("unit").filter(pk=data.school_id).first()
    if school is None:
        return EntryReceipt.of(
            data.uuid,
            REJECTED,
            "school_outside_area",
            gettext_noop("You cannot enter follow-ups for this school."),
        )
    # Following a child up is for those who may see the child by name (not the DDO).
    if not (may_enter_attendance(user) and may_see_children_by_name(user)):
        return EntryReceipt.of(
            data.uuid,
            REJECTED,
            "not_allowed",
            gettext_noop("Your role does not enter follow-ups."),
        )
    today = timezone.localdate(received_at)
    problems, student = _check(data, school=school, today=today)
    if problems or student is None:
        receipt = EntryReceipt.of(
            data.uuid,
            REJECTED,
            "invalid",
            gettext_noop("The entry has mistakes; correct them and save again."),
        )
        receipt.errors = problems
        return receipt
    entry = FollowUpEntry(
        uuid=data.uuid,
        kind=data.kind,
        code=data.code,
        note=data.note.strip(),
        on=data.on or today,
        recorded_by=user,
        role=user.role,
        captured_at=data.captured_at,
        received_at=received_at,
        content_hash=content_hash,
    )
    try:
        with transaction.atomic():
            _add(entry, student=student)
    except IntegrityError:
        # The same UUID stored by a request that raced this one (a phone resending at once):
        # its receipt is the answer. Or two first entries raced to open the student's
        # follow-up: the other one's is open now, and this entry joins it.
        found = _stored_receipt(data, content_hash)
        if found is not None:
            return found
        with transaction.atomic():
            _add(entry, student=student)
    return EntryReceipt.of(data.uuid, ACCEPTED, "accepted", RECORDED)


def _add(entry: FollowUpEntry, *, student: Student) -> None:
    """Append the entry to the student's open follow-up, or to a new one, and bring the
    follow-up's current state up to date. In the caller's transaction."""
    on = entry.on
    fu = FollowUp.objects.select_for_update().filter(student=student, is_open=True).first()
    if fu is None:
        fu = FollowUp(student=student, school_id=student.school_id, opened_on=on)
    # An entry sent late from a phone's outbox may be older than what is already there.
    fu.opened_on = min(fu.opened_on, on)
    if entry.kind == Kind.CAUSE:
        # A cause carries no day of its own on the follow-up: the latest received stands.
        fu.cause, fu.cause_note = entry.code, entry.note
    elif entry.kind == Kind.ACTION:
        if fu.action_on is None or on >= fu.action_on:
            fu.action, fu.action_on = entry.code, on
    elif fu.outcome_on is None or on >= fu.outcome_on:
        fu.outcome, fu.outcome_on = entry.code, on
        fu.is_open = entry.code != Outcome.CAME_BACK
    fu.save()
    entry.follow_up = fu
    entry.save(force_insert=True)


def named_list_download_record(
    *, user: User, unit: OrgUnit, what: str, file_format: str, rows: int
) -> NamedListDownload:
    """A download of a list that names children, on record: the list names minors (their
    attendance is personal data), so who took a copy of which school's list must be known."""
    with transaction.atomic():
        return NamedListDownload.objects.create(
            user=user, unit=unit, what=what[:40], file_format=file_format[:5], rows=rows
        )
