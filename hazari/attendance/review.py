"""An officer's review of held attendance.

A capture is held, never silently accepted, when the device's clock was off by more than the
limit or (where the state chose so) when the meals served exceed the students present. A held
version is kept like any other but does not count: the day's figures stay on the previous
version (or on none) until an officer of the school's area, a cluster officer or above,
reviews it.

The officer either approves or dismisses the held version; both record the decision
(Version.review), the officer's note (Version.review_note), who reviewed it and when. A version
is reviewed once, and nobody reviews their own entry.

Approving makes the held version the day's current one. The current version only ever moves
forward: a held version cannot be approved once a newer version of the same day has been
accepted (approving it would silently undo the later report; the officer dismisses it instead).
When the held version is the day's first report, the day counts as reported on time only if the
server-corrected capture time fell within the on-time window.

Dismissing keeps the version on record but it never counts: the day's current version, and
whether the day was reported on time, stay as they were.

The officer's note is required; it is stored on the version and logged with the decision.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.accounts.roles import may_review_attendance
from hazari.attendance.models import Arrival, DayRecord, Review, Status, Version
from hazari.attendance.rules import judge_time, rules_for
from hazari.schooldays.timetables import start_time_on
from hazari.students import store as marks_store

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
        # reviewed_by is set by either decision (see _review).
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


def _arrival(record: DayRecord, version: Version) -> Arrival:
    """How the version's capture arrived, judged by its corrected capture time and when the
    server received it: an approved capture counts as what it was, never as on time if it came
    after the window."""
    school = record.school
    verdict = judge_time(
        rules=rules_for(school),
        start_time=start_time_on(school, record.date),
        day=record.date,
        captured_at=version.captured_at,
        received_at=version.received_at,
        clock_offset=datetime.timedelta(0),
    )
    return Arrival.of_code(verdict.code)


def _lock(version: Version) -> tuple[DayRecord, Version]:
    """Lock the version's day, as the capture service does (one writer per school-day at a
    time), and the version; both read afresh."""
    record = (
        DayRecord.objects.select_for_update()
        .select_related("school__unit")
        .get(pk=version.record_id)
    )
    return record, Version.objects.select_for_update().get(pk=version.pk)


def _check_reviewable(actor: User, version: Version, not_held: str) -> None:
    if version.status != Status.HELD:
        raise ValidationError(not_held)
    if version.reviewed_by_id is not None:
        raise ValidationError(_("This version has already been reviewed."))
    if version.submitted_by_id == actor.pk:
        raise ValidationError(_("You cannot review your own entry."))


def _review(
    version: Version, *, actor: User, decision: Review, note: str, now: datetime.datetime
) -> None:
    version.review = decision
    version.review_note = note
    version.reviewed_by = actor
    version.reviewed_at = now
    version.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at"])


def _log(decision: Review, version: Version, record: DayRecord, actor: User, note: str) -> None:
    log.info(
        "attendance version %s (school %s, %s) %s by user %s: %s",
        version.pk,
        record.school_id,
        record.date,
        decision.value,
        actor.pk,
        note,
    )


def version_approve(
    *, actor: User, version: Version, note: str, now: datetime.datetime | None = None
) -> Version:
    """Make a held version the day's current one, storing the decision and the note.

    Raises PermissionError if the actor may not review this school's attendance, and
    ValidationError if the note is missing or the version cannot be approved (already
    reviewed, not held, the actor's own entry, or a newer version is already current).
    """
    _check_allowed(actor, version)
    note = _check_note(note)
    now = now or timezone.now()
    with transaction.atomic():
        record, version = _lock(version)
        _check_reviewable(actor, version, _("Only a version held for review can be approved."))
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
        _review(version, actor=actor, decision=Review.APPROVED, note=note, now=now)
        if record.first_reported_at is None:
            record.first_reported_at = version.captured_at
            record.arrival = _arrival(record, version)
            record.on_time = record.arrival == Arrival.ON_TIME
        had_current = record.current_id is not None
        record.current = version
        record.save(update_fields=["current", "first_reported_at", "on_time", "arrival"])
        # The version's roll call, kept aside while it was held, now gives the day's marks.
        with connection.cursor() as cursor:
            marks_store.marks_report(
                cursor,
                school_id=record.school_id,
                day=record.date,
                marks=marks_store.held_marks(version.pk),
                correction=had_current,
            )
        # The day's figures changed with no new version: the dashboards' next refresh must
        # recompute them (it finds new versions by id, not approvals).
        from hazari.dashboards.refresh import mark_stale

        mark_stale(record.school_id, record.date)
    _log(Review.APPROVED, version, record, actor, note)
    version.record = record
    return version


def version_dismiss(
    *, actor: User, version: Version, note: str, now: datetime.datetime | None = None
) -> Version:
    """Dismiss a held version: it stays on record but never counts. The day's current
    version is left as it is. Stores the decision and the note.

    Raises PermissionError if the actor may not review this school's attendance, and
    ValidationError if the note is missing or the version cannot be dismissed (already
    reviewed, not held, or the actor's own entry).
    """
    _check_allowed(actor, version)
    note = _check_note(note)
    now = now or timezone.now()
    with transaction.atomic():
        record, version = _lock(version)
        _check_reviewable(actor, version, _("Only a version held for review can be dismissed."))
        _review(version, actor=actor, decision=Review.DISMISSED, note=note, now=now)
        # No figure changes, but the day no longer waits for a review (the dashboards count it).
        from hazari.dashboards.refresh import mark_stale

        mark_stale(record.school_id, record.date)
    _log(Review.DISMISSED, version, record, actor, note)
    version.record = record
    return version
