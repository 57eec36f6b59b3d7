"""Writes to the school calendar: sessions, closures, working days and seasonal timetables.

`actor` is the user acting; None only for the server itself (a management command, the demo
generator), which may do anything the state administrator may. Every refusal about the input
is a ValidationError naming the field (start, end, day, kind, reason; non-field for a
duplicate); a refusal about the user is PermissionDenied.
"""

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from hazari.accounts.models import User
from hazari.accounts.roles import (
    calendar_backdate_days,
    may_edit_calendar,
    may_remove_calendar_entry,
)
from hazari.orgunits.models import Level, OrgUnit
from hazari.schooldays.models import AcademicSession, Closure, Kind, Timetable, Weekday, WorkingDay

# The longest closure one entry may make; a vacation (summer, Diwali, winter) may be longer.
MAX_CLOSURE_DAYS = 60
MAX_VACATION_DAYS = 92
MAX_SESSION_DAYS = 366

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

Errors = dict[str, list[ValidationError]]


def _add(errors: Errors, field: str, message: "StrPromise", code: str, **params: object) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code, params=params))


def _day(d: datetime.date) -> str:
    return date_format(d, "d-m-Y")


def session_name(start_year: int) -> str:
    return f"{start_year}–{(start_year + 1) % 100:02d}"


def the_state(state: OrgUnit | None = None) -> OrgUnit:
    """The given state unit, or the only one there is."""
    if state is not None:
        if state.level != Level.STATE:
            raise ValueError(f"{state} is not a state")
        return state
    states = list(OrgUnit.objects.filter(level=Level.STATE)[:2])
    if len(states) != 1:
        raise ValueError("name the state: there is not exactly one")
    return states[0]


@transaction.atomic
def session_create(
    *,
    state: OrgUnit,
    start: datetime.date,
    end: datetime.date,
    name: str = "",
    weekly_off: int = Weekday.SUNDAY,
) -> AcademicSession:
    state = the_state(state)
    # One session at a time per state: lock the state while checking for overlaps.
    OrgUnit.objects.select_for_update().filter(pk=state.pk).first()
    errors: Errors = {}
    if end <= start:
        _add(errors, "end", _("The last day must be after the first day."), "end_before_start")
    elif (end - start).days + 1 > MAX_SESSION_DAYS:
        _add(
            errors,
            "end",
            _("A session lasts at most %(days)s days."),
            "too_long",
            days=MAX_SESSION_DAYS,
        )
    else:
        clash = AcademicSession.objects.filter(state=state, start__lte=end, end__gte=start).first()
        if clash is not None:
            _add(
                errors,
                NON_FIELD_ERRORS,
                _("These dates overlap the session %(name)s."),
                "overlap",
                name=clash.name,
            )
    if weekly_off not in Weekday.values:
        _add(errors, "weekly_off", _("Choose a day of the week."), "invalid")
    if errors:
        raise ValidationError(errors)
    session = AcademicSession(
        state=state,
        name=name or session_name(start.year),
        start=start,
        end=end,
        weekly_off=weekly_off,
    )
    session.full_clean()
    session.save()
    return session


def session_ensure(*, start_year: int, state: OrgUnit | None = None) -> AcademicSession:
    """The state's session that starts on 1 April of start_year: the existing one, or a new one
    running to 31 March with Sunday off. `state` may be left out when there is one state."""
    state = the_state(state)
    start = datetime.date(start_year, 4, 1)
    existing = AcademicSession.objects.filter(state=state, start=start).first()
    if existing is not None:
        return existing
    return session_create(state=state, start=start, end=datetime.date(start_year + 1, 3, 31))


def _check_dates(
    errors: Errors,
    *,
    actor: User | None,
    unit: OrgUnit,
    start: datetime.date,
    end: datetime.date,
    start_field: str = "start",
    end_field: str = "end",
) -> AcademicSession | None:
    """Dates inside one session of the unit's state and not too far back for the actor."""
    if end < start:
        _add(
            errors, end_field, _("The last day cannot be before the first day."), "end_before_start"
        )
        return None
    state_id = unit.state_id if unit.state_id is not None else unit.pk
    session = AcademicSession.objects.filter(
        state_id=state_id, start__lte=start, end__gte=start
    ).first()
    if session is None:
        _add(
            errors,
            start_field,
            _("No academic session includes %(day)s."),
            "no_session",
            day=_day(start),
        )
    elif end > session.end:
        _add(
            errors,
            end_field,
            _("The session %(name)s ends on %(day)s; enter the days after it separately."),
            "beyond_session",
            name=session.name,
            day=_day(session.end),
        )
    limit = calendar_backdate_days(actor) if actor is not None else None
    if limit is not None and start < timezone.localdate() - datetime.timedelta(days=limit):
        _add(
            errors,
            start_field,
            _("You can change the calendar at most %(days)s days back."),
            "too_far_back",
            days=limit,
        )
    return session


@transaction.atomic
def closure_add(
    *,
    actor: User | None,
    unit: OrgUnit,
    start: datetime.date,
    end: datetime.date,
    kind: str,
    reason: str,
) -> Closure:
    """Close every school under `unit` from start to end (both included)."""
    if actor is not None and not may_edit_calendar(actor, unit):
        raise PermissionDenied
    # Serialise entries for one unit, so that a double-clicked form makes one closure.
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
    reason = " ".join((reason or "").split())
    errors: Errors = {}
    if not reason:
        _add(errors, "reason", _("Write the reason for the closure."), "required")
    elif len(reason) > Closure._meta.get_field("reason").max_length:  # type: ignore[operator]
        _add(errors, "reason", _("The reason is too long."), "too_long")
    if kind not in Kind.values:
        _add(errors, "kind", _("Choose the kind of closure."), "invalid")
    elif kind == Kind.STATE_HOLIDAY and unit.level != Level.STATE:
        _add(
            errors,
            "kind",
            _("A state holiday is entered for the whole state; for an area, choose local holiday."),
            "state_holiday_below_state",
        )
    elif kind == Kind.LOCAL_HOLIDAY and unit.level == Level.STATE:
        _add(
            errors,
            "kind",
            _("For the whole state, choose state holiday."),
            "local_holiday_on_state",
        )
    _check_dates(errors, actor=actor, unit=unit, start=start, end=end)
    if not errors.get("end") and not errors.get("start"):
        longest = MAX_VACATION_DAYS if kind == Kind.VACATION else MAX_CLOSURE_DAYS
        if (end - start).days + 1 > longest:
            _add(
                errors,
                "end",
                _("One closure lasts at most %(days)s days."),
                "too_long",
                days=longest,
            )
    if not errors and kind:
        clash = Closure.objects.filter(unit=unit, kind=kind).overlapping(start, end).first()
        if clash is not None:
            _add(
                errors,
                NON_FIELD_ERRORS,
                _("%(unit)s already has this kind of closure from %(start)s to %(end)s."),
                "overlap",
                unit=unit.name,
                start=_day(clash.start),
                end=_day(clash.end),
            )
    if errors:
        raise ValidationError(errors)
    closure = Closure(unit=unit, start=start, end=end, kind=kind, reason=reason, created_by=actor)
    closure.full_clean()
    closure.save()
    return closure


@transaction.atomic
def closure_remove(*, actor: User | None, closure: Closure) -> None:
    if actor is not None and not may_remove_calendar_entry(actor, closure):
        raise PermissionDenied
    limit = calendar_backdate_days(actor) if actor is not None else None
    if limit is not None and closure.start < timezone.localdate() - datetime.timedelta(days=limit):
        raise ValidationError(
            _(
                "This closure began more than %(days)s days ago and can no longer be removed "
                "here; ask the state office."
            ),
            code="too_far_back",
            params={"days": limit},
        )
    closure._history_user = actor  # type: ignore[attr-defined]
    closure.delete()


@transaction.atomic
def working_day_add(
    *, actor: User | None, unit: OrgUnit, day: datetime.date, reason: str
) -> WorkingDay:
    """Declare a weekly off day a school day for every school under `unit`."""
    if actor is not None and not may_edit_calendar(actor, unit):
        raise PermissionDenied
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
    reason = " ".join((reason or "").split())
    errors: Errors = {}
    if not reason:
        _add(errors, "reason", _("Write the reason for the working day."), "required")
    elif len(reason) > WorkingDay._meta.get_field("reason").max_length:  # type: ignore[operator]
        _add(errors, "reason", _("The reason is too long."), "too_long")
    session = _check_dates(
        errors, actor=actor, unit=unit, start=day, end=day, start_field="day", end_field="day"
    )
    if session is not None and day.weekday() != session.weekly_off:
        _add(
            errors,
            "day",
            _(
                "%(day)s is not the weekly off day (%(weekday)s): it is a school day already. "
                "To open schools on a holiday, remove the closure instead."
            ),
            "not_weekly_off",
            day=_day(day),
            weekday=Weekday(session.weekly_off).label,
        )
    if not errors and WorkingDay.objects.filter(unit=unit, day=day).exists():
        _add(
            errors,
            "day",
            _("%(day)s is already a working day here."),
            "duplicate",
            day=_day(day),
        )
    if errors:
        raise ValidationError(errors)
    working = WorkingDay(unit=unit, day=day, reason=reason, created_by=actor)
    working.full_clean()
    working.save()
    return working


@transaction.atomic
def working_day_remove(*, actor: User | None, working_day: WorkingDay) -> None:
    if actor is not None and not may_remove_calendar_entry(actor, working_day):
        raise PermissionDenied
    limit = calendar_backdate_days(actor) if actor is not None else None
    if limit is not None and working_day.day < timezone.localdate() - datetime.timedelta(
        days=limit
    ):
        raise ValidationError(
            _(
                "This working day was more than %(days)s days ago and can no longer be "
                "removed here; ask the state office."
            ),
            code="too_far_back",
            params={"days": limit},
        )
    working_day._history_user = actor  # type: ignore[attr-defined]
    working_day.delete()


# A school's day needs room for its on-time hour before entry closes; before this no school
# starts (a typing mistake: 07:30 entered as 00:30).
EARLIEST_START = datetime.time(5, 0)


@transaction.atomic
def timetable_add(
    *,
    actor: User | None,
    unit: OrgUnit,
    start: datetime.date,
    end: datetime.date,
    starts_at: datetime.time,
    reason: str,
) -> Timetable:
    """From start to end (both included) every school under `unit` starts at `starts_at`
    (summer mornings). What was already judged keeps its verdict: a report's arrival (on time,
    late) is stored when it comes."""
    from hazari.attendance.rules import rules_along

    if actor is not None and not may_edit_calendar(actor, unit):
        raise PermissionDenied
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
    reason = " ".join((reason or "").split())
    errors: Errors = {}
    if not reason:
        _add(errors, "reason", _("Write the reason for the timetable."), "required")
    elif len(reason) > Timetable._meta.get_field("reason").max_length:  # type: ignore[operator]
        _add(errors, "reason", _("The reason is too long."), "too_long")
    rules = rules_along([*unit.ancestor_ids(), unit.pk])
    latest = (
        datetime.datetime.combine(start, rules.day_closes_at)
        - datetime.timedelta(minutes=rules.on_time_minutes)
    ).time()
    if not EARLIEST_START <= starts_at <= latest:
        _add(
            errors,
            "starts_at",
            _("Schools can start between %(earliest)s and %(latest)s."),
            "out_of_range",
            earliest=EARLIEST_START.strftime("%H:%M"),
            latest=latest.strftime("%H:%M"),
        )
    _check_dates(errors, actor=actor, unit=unit, start=start, end=end)
    if not errors:
        clash = Timetable.objects.filter(unit=unit, start__lte=end, end__gte=start).first()
        if clash is not None:
            _add(
                errors,
                NON_FIELD_ERRORS,
                _("%(unit)s already has a timetable from %(start)s to %(end)s."),
                "overlap",
                unit=unit.name,
                start=_day(clash.start),
                end=_day(clash.end),
            )
    if errors:
        raise ValidationError(errors)
    timetable = Timetable(
        unit=unit, start=start, end=end, starts_at=starts_at, reason=reason, created_by=actor
    )
    timetable.full_clean()
    timetable.save()
    return timetable


@transaction.atomic
def timetable_remove(*, actor: User | None, timetable: Timetable) -> None:
    if actor is not None and not may_remove_calendar_entry(actor, timetable):
        raise PermissionDenied
    limit = calendar_backdate_days(actor) if actor is not None else None
    if limit is not None and timetable.start < timezone.localdate() - datetime.timedelta(
        days=limit
    ):
        raise ValidationError(
            _(
                "This timetable began more than %(days)s days ago and can no longer be "
                "removed here; ask the state office."
            ),
            code="too_far_back",
            params={"days": limit},
        )
    timetable._history_user = actor  # type: ignore[attr-defined]
    timetable.delete()
