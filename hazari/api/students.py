"""The phone app's follow-up of students who miss school (issue 15).

    GET  /api/v1/students/followups?school_id=    the school's list: who, why, what was done
    POST /api/v1/students/followups/entries       a batch of entries → one receipt each

Bearer token only, like sync (hazari/api/sync.py), and the same rules for a batch: each
entry goes through hazari.students.services.followup_entry_record on its own, in its own
transaction, and is answered with a receipt (accepted or rejected) even when every entry is
rejected, so that one bad entry never blocks a phone's outbox. What is wrong with the request
itself (malformed JSON, a missing field, a wrong type, too many entries) is answered 4xx for
the whole request.
"""

import datetime
from dataclasses import asdict
from typing import Literal
from uuid import UUID

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status

from hazari.accounts.roles import may_see_children_by_name, may_see_guardian_mobile
from hazari.api.auth import token_auth
from hazari.api.schemas import (
    MAX_ID,
    Day,
    DeviceTime,
    ErrorOut,
    Int,
    ProblemOut,
    Text,
    ValidationErrorOut,
)
from hazari.api.sync import school_asked
from hazari.lib.http import AuthedRequest
from hazari.lib.i18n import label_in_both_languages
from hazari.students import selectors, services
from hazari.students.models import Action, Cause, FollowUpEntry, Outcome

router = Router(auth=token_auth, tags=["students"])

NOT_FOR_YOUR_ROLE = gettext_noop("Your role does not see children by name.")

MAX_ENTRIES_PER_BATCH = 50


# --- The list ------------------------------------------------------------------------------


class FollowUpLimitsOut(Schema):
    run_days: int = Field(description="Absent this many marked days in a row: on the list.")
    threshold: float = Field(description="Present on less than this % of the days: on the list.")
    recent_days: int = Field(description="The threshold also applies to the last N marked days.")
    chronic: float = Field(description="Missing at least this % of the session: chronic.")
    severe: float = Field(description="Missing at least this % of the session: severe.")


class FollowUpChoiceOut(Schema):
    code: str
    name_hi: str
    name_en: str


class FollowUpEntryOut(Schema):
    kind: Literal["cause", "action", "outcome"]
    code: str
    note: str
    on: datetime.date
    recorded_by: str = Field(description="The name of who recorded it.")
    recorded_at: datetime.datetime = Field(description="When, by the recording phone's clock.")


class FollowUpOut(Schema):
    opened_on: datetime.date
    cause: str | None = Field(description="The latest cause; null: none recorded yet.")
    cause_note: str
    action: str | None = Field(description="The latest action; null: none yet.")
    action_on: datetime.date | None
    outcome: str | None = Field(description="The latest outcome; null: none yet.")
    outcome_on: datetime.date | None
    is_open: bool = Field(
        description="False once the student came back; a later entry opens a new one."
    )
    history: list[FollowUpEntryOut] = Field(description="Every entry, oldest first.")


class FollowUpStudentOut(Schema):
    id: int = Field(description="The student's id on the server: send it as an entry's student.")
    student_id: str = Field(description="The state's student ID.")
    name: str
    gender: Literal["M", "F", "T"]
    class_no: int
    section: str
    days_marked: int
    days_absent: int
    absent_in_a_row: int = Field(description="Absent on the last marked days, in a row.")
    attendance: float | None = Field(description="% of the marked days present; null: none.")
    tier: Literal["chronic", "severe"] | None
    reasons: list[Literal["in_a_row", "below_threshold"]] = Field(
        description="Why the student is on the list; empty: only an open follow-up."
    )
    follow_up: FollowUpOut | None = Field(
        description="The open follow-up, else the session's latest; null: none."
    )
    guardian_mobile: str | None = Field(
        description="The guardian's mobile, to call the family: only for the school's own "
        "staff, and only where the state's register has it; null otherwise."
    )


class FollowUpListOut(Schema):
    today: datetime.date
    session_start: datetime.date = Field(
        description="The session's first day: an entry's `on` may be no earlier."
    )
    limits: FollowUpLimitsOut
    causes: list[FollowUpChoiceOut]
    actions: list[FollowUpChoiceOut]
    outcomes: list[FollowUpChoiceOut]
    students: list[FollowUpStudentOut] = Field(description="Worst first.")


def _choices(choices: type[models.TextChoices]) -> list[FollowUpChoiceOut]:
    out = []
    for choice in choices:
        hindi, english = label_in_both_languages(choice)
        out.append(FollowUpChoiceOut(code=choice.value, name_hi=hindi, name_en=english))
    return out


def _follow_up_out(row: selectors.Row) -> FollowUpOut | None:
    fu = row.follow_up
    if fu is None:
        return None
    return FollowUpOut(
        opened_on=fu.opened_on,
        cause=fu.cause or None,
        cause_note=fu.cause_note,
        action=fu.action or None,
        action_on=fu.action_on,
        outcome=fu.outcome or None,
        outcome_on=fu.outcome_on,
        is_open=fu.is_open,
        history=[_history_out(e) for e in row.history],
    )


def _history_out(entry: FollowUpEntry) -> FollowUpEntryOut:
    return FollowUpEntryOut(
        kind=entry.kind,  # type: ignore[arg-type]
        code=entry.code,
        note=entry.note,
        on=entry.on,
        recorded_by=entry.recorded_by.name,
        recorded_at=timezone.localtime(entry.captured_at),
    )


def _student_out(row: selectors.Row, *, mobiles: bool) -> FollowUpStudentOut:
    s, student = row.standing, row.student
    return FollowUpStudentOut(
        id=student.pk,
        student_id=student.student_id,
        name=student.name,
        gender=student.gender,  # type: ignore[arg-type]
        class_no=student.class_no,
        section=student.section,
        days_marked=s.days_marked,
        days_absent=s.days_absent,
        absent_in_a_row=s.absent_in_a_row,
        attendance=None if s.attendance is None else round(s.attendance, 1),
        tier=s.tier,  # type: ignore[arg-type]
        reasons=list(s.reasons),  # type: ignore[arg-type]
        follow_up=_follow_up_out(row),
        guardian_mobile=(student.guardian_mobile or None) if mobiles else None,
    )


@router.get(
    "/students/followups",
    response={
        200: FollowUpListOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="The school's students to follow up, and what was done",
)
def followups(request: AuthedRequest, school_id: int | None = Query(None, ge=1, le=MAX_ID)):
    """A head master or teacher gets their own school; an officer names a school of their
    area with `school_id`. A school outside the user's area is 404."""
    school = school_asked(request, school_id)
    if isinstance(school, Status):
        return school
    if not may_see_children_by_name(request.user):
        return Status(403, ErrorOut.of("not_allowed", NOT_FOR_YOUR_ROLE))
    today = timezone.localdate()
    limits = selectors.DEFAULT_LIMITS
    rows = selectors.followup_list(school, today=today, limits=limits)
    mobiles = may_see_guardian_mobile(request.user, school.pk)
    return FollowUpListOut(
        today=today,
        session_start=selectors.session_start(school, today),
        limits=FollowUpLimitsOut(**asdict(limits)),
        causes=_choices(Cause),
        actions=_choices(Action),
        outcomes=_choices(Outcome),
        students=[_student_out(r, mobiles=mobiles) for r in rows],
    )


# --- Entries ---------------------------------------------------------------------------------


class FollowUpEntryIn(Schema):
    uuid: UUID = Field(description="Made by the app when the entry is saved; never reused.")
    school_id: Int = Field(ge=1, le=MAX_ID)
    student: Int = Field(ge=1, le=MAX_ID, description="The student's id from the list.")
    # Kind and code are checked entry by entry (a rejected receipt), not here: an app older
    # than a new code must not have its whole outbox refused.
    kind: Text = Field(max_length=20, description="cause, action or outcome.")
    code: Text = Field(max_length=40, description="One of the list's causes, actions, outcomes.")
    note: Text = Field(
        "", max_length=2000, description="At most 200 characters; required for cause `other`."
    )
    on: Day | None = Field(
        None, description="The day it happened (not in the future); required for came_back."
    )
    captured_at: DeviceTime = Field(description="When it was saved, by the phone's clock.")


class FollowUpEntriesIn(Schema):
    sent_at: DeviceTime = Field(description="When the app sent this request, by its clock.")
    entries: list[FollowUpEntryIn] = Field(max_length=MAX_ENTRIES_PER_BATCH)


class FollowUpReceiptOut(Schema):
    uuid: UUID
    status: Literal["accepted", "rejected"]
    code: str = Field(
        description="accepted; or conflict, school_outside_area, not_allowed, invalid."
    )
    message_hi: str
    message_en: str
    errors: list[ProblemOut] = Field(default_factory=list)


class FollowUpReceiptsOut(Schema):
    receipts: list[FollowUpReceiptOut]


def _entry_in(item: FollowUpEntryIn) -> services.EntryIn:
    return services.EntryIn(
        uuid=item.uuid,
        school_id=item.school_id,
        student_id=item.student,
        kind=item.kind,
        code=item.code,
        note=item.note,
        on=item.on,
        captured_at=item.captured_at,
    )


@router.post(
    "/students/followups/entries",
    response={
        200: FollowUpReceiptsOut,
        400: ErrorOut,
        401: ErrorOut,
        413: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Upload follow-up entries: one receipt each",
)
def entries_upload(request: AuthedRequest, payload: FollowUpEntriesIn):
    """Idempotent: an entry already stored (same UUID, same content) answers `accepted` again
    and changes nothing; the same UUID with other content answers `conflict`. An entry with
    mistakes is `rejected` with code `invalid` and the fields and reasons in `errors`."""
    now = timezone.now()
    receipts = [
        FollowUpReceiptOut.model_validate(
            asdict(
                services.followup_entry_record(
                    user=request.user, data=_entry_in(item), received_at=now
                )
            )
        )
        for item in payload.entries
    ]
    return FollowUpReceiptsOut(receipts=receipts)
