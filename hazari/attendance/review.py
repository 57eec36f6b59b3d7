"""An officer's review of held attendance.

A capture is held, never silently accepted, when the device's clock was off by more than the
limit or (where the state chose so) when the meals served exceed the students present. A held
version is kept like any other but does not count: the day's figures stay on the previous
version (or on none) until an officer of the school's area, a cluster officer or above,
approves it.

Approving makes the held version the day's current one, and records who reviewed it and when.
The current version only ever moves forward: a held version cannot be approved once a newer
version of the same day has been accepted (approving it would silently undo the later report;
the officer dismisses it instead). When the held version is the day's first report, the day
counts as reported on time only if the server-corrected capture time fell within the on-time
window. Nobody reviews their own entry.

The officer's note is required. Until Version has a field for it (see the note on
version_approve), it is written to the log with the decision.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.accounts.roles import may_review_attendance
from hazari.attendance.models import DayRecord, Status, Version
from hazari.attendance.rules import judge_time, rules_for

log = logging.getLogger(__name__)

NOTE_MAX = 300


def versions_for(user: User) -> QuerySet[Version]:
    """Versions of the days of the schools in the user's area."""
    return Version.objects.filter(record__school__in=scope.schools_for(user).values("pk"))


def version_for(user: User, pk: int) -> Version:
    try:
        return versions_for(user).select_related("record__school__unit").get(pk=pk)
    except Version.DoesNotExist:
        raise Http404("No such attendance version in your area.") from None


def held_for(user: User) -> QuerySet[Version]:
    """Held versions of the user's area waiting for a review, the oldest first."""
    return (
        versions_for(user)
        .filter(status=Status.HELD, reviewed_by__isnull=True)
        .select_related("record__school__unit", "submitted_by", "capture")
        .order_by("received_at", "pk")
    )


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write a note on your decision.")})
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("The note has at most %(limit)s characters.") % {"limit": NOTE_MAX}}
        )
    return note


def _check_allowed(actor: User, version: Version) -> None:
    school_id = version.record.school_id
    if (
        not may_review_attendance(actor)
        or not scope.schools_for(actor).filter(pk=school_id).exists()
    ):
        raise PermissionError("not allowed to review the attendance of this school")


def _was_on_time(record: DayRecord, version: Version) -> bool:
    """Would the version's corrected capture time have counted as on time?"""
    school = record.school
    verdict = judge_time(
        rules=rules_for(school),
        start_time=school.start_time,
        day=record.date,
        captured_at=version.captured_at,
        received_at=version.received_at,
        clock_offset=datetime.timedelta(0),
    )
    return verdict.code == "on_time"


def version_approve(
    *, actor: User, version: Version, note: str, now: datetime.datetime | None = None
) -> Version:
    """Make a held version the day's current one.

    Raises PermissionError if the actor may not review this school's attendance, and
    ValidationError if the note is missing or the version cannot be approved (already
    reviewed, not held, the actor's own entry, or a newer version is already current).

    The note is logged. Once Version has a `review_note` field, store it here as well:
    `version.review_note = note` and add "review_note" to update_fields.
    """
    _check_allowed(actor, version)
    note = _check_note(note)
    now = now or timezone.now()
    with transaction.atomic():
        # The same lock the capture service takes: one writer per school-day at a time.
        record = (
            DayRecord.objects.select_for_update()
            .select_related("school__unit")
            .get(pk=version.record_id)
        )
        version = Version.objects.select_for_update().get(pk=version.pk)
        if version.status != Status.HELD:
            raise ValidationError(_("Only a version held for review can be approved."))
        if version.reviewed_by_id is not None:
            raise ValidationError(_("This version has already been reviewed."))
        if version.submitted_by_id == actor.pk:
            raise ValidationError(_("You cannot review your own entry."))
        current = None
        if record.current_id is not None:
            current = Version.objects.values_list("number", flat=True).get(pk=record.current_id)
        if current is not None and current > version.number:
            raise ValidationError(
                _(
                    "A newer version (%(number)s) of this day's attendance was accepted since; "
                    "this one cannot replace it."
                )
                % {"number": current}
            )
        version.reviewed_by = actor
        version.reviewed_at = now
        version.save(update_fields=["reviewed_by", "reviewed_at"])
        if record.first_reported_at is None:
            record.first_reported_at = version.captured_at
            record.on_time = _was_on_time(record, version)
        record.current = version
        record.save(update_fields=["current", "first_reported_at", "on_time"])
    log.info(
        "attendance version %s (school %s, %s) approved by user %s: %s",
        version.pk,
        record.school_id,
        record.date,
        actor.pk,
        note,
    )
    version.record = record
    return version
