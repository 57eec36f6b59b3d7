"""The access layer: what a user may see and touch.

Every view, API endpoint, export and command that acts for a user gets its objects through
these functions, never through a bare `Model.objects`. An officer sees their org unit and
everything below it; a head master or teacher sees their own school. Anything outside is
answered with 404, so that a user cannot even learn that another school's ID exists.
"""

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from hazari.accounts.models import User
from hazari.orgunits.models import (
    ANCESTOR_FIELDS,
    OrgUnit,
    OrgUnitQuerySet,
    School,
    SchoolFacts,
    SchoolQuerySet,
    school_facts,
    unit_in_area,
)

if TYPE_CHECKING:
    from hazari.imports.models import ImportBatch


def units_for(user: User) -> OrgUnitQuerySet:
    if not user.is_authenticated or not user.is_active or user.unit is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.subtree(user.unit)


def schools_for(user: User) -> SchoolQuerySet:
    if not user.is_authenticated or not user.is_active or user.unit is None:
        return School.objects.none()
    return School.objects.under(user.unit)


def school_facts_for(user: User, pk: int) -> SchoolFacts | None:
    """A school of the user's area as the capture upload needs it; None outside the area.
    The same rule as schools_for (the user's unit is the school or one of its ancestors),
    checked on the school's own row: one query, no ORM (the upload's hot path)."""
    if not user.is_authenticated or not user.is_active or user.unit_id is None:
        return None
    facts = school_facts(pk)
    return facts if facts is not None and user.unit_id in facts.chain else None


def users_for(user: User) -> QuerySet[User]:
    """The accounts whose unit lies in the user's area (the user included)."""
    if not user.is_authenticated or not user.is_active or user.unit is None:
        return User.objects.none()
    return User.objects.filter(user.unit.subtree_q("unit__"))


def imports_for(user: User) -> "QuerySet[ImportBatch]":
    """Imports of files for the user's area or any area inside it."""
    from hazari.imports.models import ImportBatch

    if not user.is_authenticated or not user.is_active or user.unit is None:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(user.unit.subtree_q("area__"))


def unit_for(user: User, pk: int) -> OrgUnit:
    """A unit of the user's area, with its ancestors loaded in the same query (the pages
    that show a unit show the way down to it: crumbs_for)."""
    unit = None
    if user.is_authenticated and user.is_active and user.unit is not None:
        unit = unit_in_area(pk, user.unit)
    if unit is None:
        raise Http404("No such org unit in your area.")
    return unit


def school_for(user: User, pk: int) -> School:
    """A school of the user's area, with its unit and the unit's ancestors (as unit_for)."""
    unit = unit_for(user, pk)
    try:
        school = School.objects.get(pk=unit.pk)
    except School.DoesNotExist:
        raise Http404("No such school in your area.") from None
    school.unit = unit
    return school


def crumbs_for(user: User, unit: OrgUnit) -> list[OrgUnit]:
    """The units above `unit` that the user may open, from the top of their area down: its
    ancestors from the level of the user's own unit (which is one of them, or `unit` itself).
    Read from the unit's ancestor relations, which unit_for and school_for load."""
    if not user.is_authenticated or not user.is_active or user.unit is None:
        return []
    if not user.unit.contains(unit):
        return []
    return [getattr(unit, field) for field in ANCESTOR_FIELDS[user.unit.level : unit.level]]


def account_for(user: User, pk: int) -> User:
    try:
        return users_for(user).select_related("unit").get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such user in your area.") from None


def import_for(user: User, pk) -> "ImportBatch":
    from hazari.imports.models import ImportBatch

    try:
        return imports_for(user).select_related("area", "uploaded_by").get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404("No such import in your area.") from None


if TYPE_CHECKING:
    from hazari.staff.models import Posting, PostingQuerySet


def postings_for(user: User) -> "PostingQuerySet":
    """Staff postings at the schools of the user's area."""
    from hazari.staff.models import Posting

    if not user.is_authenticated or not user.is_active or user.unit is None:
        return Posting.objects.none()
    return Posting.objects.filter(user.unit.subtree_q("school__unit__"))


def posting_for(user: User, pk: int) -> "Posting":
    from hazari.staff.models import Posting

    try:
        return postings_for(user).select_related("school__unit").get(pk=pk)
    except Posting.DoesNotExist:
        raise Http404("No such posting in your area.") from None


if TYPE_CHECKING:
    from hazari.schooldays.models import Closure, ClosureQuerySet, Timetable, WorkingDay


def _calendar_q(unit: OrgUnit):
    """Calendar entries that concern a unit's area: entered for one of its ancestors (a state
    holiday closes every school), for the unit itself, or for any unit under it."""
    from django.db.models import Q

    return Q(unit_id__in=unit.ancestor_ids()) | unit.subtree_q("unit__")


def closures_for(user: User) -> "ClosureQuerySet":
    from hazari.schooldays.models import Closure

    if not user.is_authenticated or not user.is_active or user.unit is None:
        return Closure.objects.none()
    return Closure.objects.filter(_calendar_q(user.unit))


def closure_for(user: User, pk: int) -> "Closure":
    from hazari.schooldays.models import Closure

    try:
        return closures_for(user).select_related("unit", "created_by").get(pk=pk)
    except Closure.DoesNotExist:
        raise Http404("No such closure in your area.") from None


def working_days_for(user: User) -> "QuerySet[WorkingDay]":
    from hazari.schooldays.models import WorkingDay

    if not user.is_authenticated or not user.is_active or user.unit is None:
        return WorkingDay.objects.none()
    return WorkingDay.objects.filter(_calendar_q(user.unit))


def timetables_for(user: User) -> "QuerySet[Timetable]":
    from hazari.schooldays.models import Timetable

    if not user.is_authenticated or not user.is_active or user.unit is None:
        return Timetable.objects.none()
    return Timetable.objects.filter(_calendar_q(user.unit))


def timetable_for(user: User, pk: int) -> "Timetable":
    from hazari.schooldays.models import Timetable

    try:
        return timetables_for(user).select_related("unit", "created_by").get(pk=pk)
    except Timetable.DoesNotExist:
        raise Http404("No such timetable in your area.") from None


def working_day_for(user: User, pk: int) -> "WorkingDay":
    from hazari.schooldays.models import WorkingDay

    try:
        return working_days_for(user).select_related("unit", "created_by").get(pk=pk)
    except WorkingDay.DoesNotExist:
        raise Http404("No such working day in your area.") from None
