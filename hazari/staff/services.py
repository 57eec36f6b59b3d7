"""Writes to staff postings through the web: a DDO or block officer adds or ends a posting, with
a reason. (The HRMIS file goes through hazari.staff.importer.)

Both functions check the actor may do it, validate everything, and raise ValidationError keyed
by the form's field names; the history records the actor as the user and the reason as the
change reason. Dates may not lie in the future: a posting is entered once it has begun, and
ended once its last day has come, so that "current" and "posted today" mean the same thing.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.accounts.roles import may_manage_postings
from hazari.orgunits.models import School
from hazari.staff.models import (
    Posting,
    Source,
    normalize_employee_code,
    normalize_mobile,
    normalize_text,
)

REASON_MAX = 500
EARLIEST = datetime.date(1950, 1, 1)


def _check_allowed(actor: User, school: School) -> None:
    if not may_manage_postings(actor) or not scope.schools_for(actor).filter(pk=school.pk).exists():
        raise PermissionError("not allowed to change the postings of this school")


def _check_reason(reason: str, errors: dict[str, list[str]]) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append(_("Give the reason."))
    elif len(reason) > REASON_MAX:
        errors.setdefault("reason", []).append(
            _("The reason is longer than %(limit)s letters.") % {"limit": REASON_MAX}
        )
    return reason


def _check_day(field: str, day: datetime.date, errors: dict[str, list[str]]) -> None:
    if day > timezone.localdate():
        errors.setdefault(field, []).append(_("The date cannot be in the future."))
    elif day < EARLIEST:
        errors.setdefault(field, []).append(_("The date is too far in the past."))


def _day(day: datetime.date) -> str:
    return day.strftime("%d-%m-%Y")


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _where(actor: User, posting: Posting) -> str:
    """The school of another posting, named only if the actor may see it."""
    if scope.schools_for(actor).filter(pk=posting.school_id).exists():
        return str(posting.school)
    return _("a school outside your area")


def posting_add(
    *,
    actor: User,
    school: School,
    employee_code: str,
    name: str,
    designation: str,
    start_date: datetime.date,
    reason: str,
    mobile: str = "",
) -> Posting:
    """Open a posting at the school. The employee must not have a current posting (it is ended
    first, by the DDO of its school) and the new one must start after any earlier one ended."""
    _check_allowed(actor, school)
    errors: dict[str, list[str]] = {}
    posting = Posting(
        employee_code=normalize_employee_code(employee_code),
        name=normalize_text(name),
        designation=normalize_text(designation),
        school=school,
        mobile=normalize_mobile(mobile) if mobile else "",
        start_date=start_date,
        source=Source.MANUAL,
        reason=_check_reason(reason, errors),
        created_by=actor,
    )
    try:
        posting.full_clean(exclude=["reason"], validate_constraints=False)
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    _check_day("start_date", start_date, errors)
    _raise(errors)

    with transaction.atomic():
        earlier = list(
            Posting.objects.select_for_update()
            .filter(employee_code=posting.employee_code)
            .select_related("school__unit")
        )
        for other in earlier:
            if other.end_date is None and other.school_id == school.pk:
                errors.setdefault("employee_code", []).append(
                    _("%(code)s is already posted at this school since %(date)s.")
                    % {"code": other.employee_code, "date": _day(other.start_date)}
                )
            elif other.end_date is None:
                errors.setdefault("employee_code", []).append(
                    _(
                        "%(code)s is currently posted at %(school)s; that posting must be "
                        "ended first."
                    )
                    % {"code": other.employee_code, "school": _where(actor, other)}
                )
            elif other.end_date >= start_date:
                errors.setdefault("start_date", []).append(
                    _(
                        "%(code)s was posted at %(school)s until %(date)s; the new posting must "
                        "start after that."
                    )
                    % {
                        "code": other.employee_code,
                        "school": _where(actor, other),
                        "date": _day(other.end_date),
                    }
                )
        _raise(errors)
        posting._history_user = actor  # type: ignore[attr-defined]
        posting._change_reason = posting.reason  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                posting.save()
        except IntegrityError:
            # Another officer opened a posting for the same employee at the same moment.
            raise ValidationError(
                {"employee_code": _("This employee already has a current posting.")}
            ) from None
    return posting


def posting_end(*, actor: User, posting: Posting, end_date: datetime.date, reason: str) -> Posting:
    """End a current posting: end_date is the employee's last day at the school."""
    _check_allowed(actor, posting.school)
    errors: dict[str, list[str]] = {}
    reason = _check_reason(reason, errors)
    _check_day("end_date", end_date, errors)
    with transaction.atomic():
        locked = Posting.objects.select_for_update().get(pk=posting.pk)
        if locked.end_date is not None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("This posting already ended on %(date)s.") % {"date": _day(locked.end_date)}
            )
        elif end_date < locked.start_date:
            errors.setdefault("end_date", []).append(
                _("The end date cannot be before the start date (%(date)s).")
                % {"date": _day(locked.start_date)}
            )
        _raise(errors)
        locked.end_date = end_date
        locked.ended_reason = reason
        locked._history_user = actor  # type: ignore[attr-defined]
        locked._change_reason = reason  # type: ignore[attr-defined]
        locked.save(update_fields=["end_date", "ended_reason"])
    posting.end_date, posting.ended_reason = locked.end_date, locked.ended_reason
    return locked
