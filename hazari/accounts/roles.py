"""Who is who, where they sit in the tree, and what each role may do to another user.

Every rule about roles lives here so that views, the API and commands ask the same question
the same way.
"""

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from hazari.orgunits.models import Level

if TYPE_CHECKING:
    from hazari.accounts.models import User


class Role(models.TextChoices):
    HEAD_MASTER = "hm", _("Head master / school in-charge")
    TEACHER = "teacher", _("Teacher")
    DDO = "ddo", _("Drawing and disbursing officer (DDO)")
    CLUSTER_OFFICER = "cluster_officer", _("Cluster officer (Jan Shikshak)")
    BLOCK_OFFICER = "block_officer", _("Block officer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    STATE_OFFICER = "state_officer", _("State officer")
    STATE_ADMIN = "state_admin", _("State administrator")
    MDM_OFFICER = "mdm_officer", _("Mid-day meal officer (PM POSHAN)")


# The levels of org unit a user of each role may belong to.
ROLE_LEVELS: dict[str, frozenset[int]] = {
    Role.HEAD_MASTER: frozenset({Level.SCHOOL}),
    Role.TEACHER: frozenset({Level.SCHOOL}),
    Role.DDO: frozenset({Level.CLUSTER, Level.BLOCK}),
    Role.CLUSTER_OFFICER: frozenset({Level.CLUSTER}),
    Role.BLOCK_OFFICER: frozenset({Level.BLOCK}),
    Role.DISTRICT_OFFICER: frozenset({Level.DISTRICT}),
    Role.STATE_OFFICER: frozenset({Level.STATE}),
    Role.STATE_ADMIN: frozenset({Level.STATE}),
    Role.MDM_OFFICER: frozenset({Level.BLOCK, Level.DISTRICT}),
}

# Seniority, used where one user acts on another's account.
RANK: dict[str, int] = {
    Role.TEACHER: 0,
    Role.HEAD_MASTER: 1,
    Role.DDO: 2,
    Role.MDM_OFFICER: 2,
    Role.CLUSTER_OFFICER: 3,
    Role.BLOCK_OFFICER: 4,
    Role.DISTRICT_OFFICER: 5,
    Role.STATE_OFFICER: 6,
    Role.STATE_ADMIN: 7,
}

SCHOOL_ROLES = frozenset({Role.HEAD_MASTER, Role.TEACHER})
OFFICER_ROLES = frozenset(set(Role) - SCHOOL_ROLES)


def role_fits_level(role: str, level: int) -> bool:
    return level in ROLE_LEVELS.get(role, frozenset())


def is_officer(user: "User") -> bool:
    return user.role in OFFICER_ROLES


# A mid-day meal officer monitors the meals of an area: reports only. They manage no accounts
# and enter no attendance.
MONITOR_ROLES = frozenset({Role.MDM_OFFICER})


def may_reset_password(actor: "User", target: "User") -> bool:
    """An officer resets the password of a junior user in their own area, never their own
    (that goes through the SMS code) nor a peer's. The caller has already scoped target."""
    return (
        is_officer(actor)
        and actor.role not in MONITOR_ROLES
        and actor.pk != target.pk
        and RANK[actor.role] > RANK[target.role]
        and actor.unit is not None
        and target.unit is not None
        and actor.unit.contains(target.unit)
    )


# Register files are imported for a whole area: by the state administrator for the state and
# by a district officer for their district.
IMPORTER_ROLES = frozenset({Role.STATE_ADMIN, Role.DISTRICT_OFFICER})


def may_import(user: "User") -> bool:
    return user.role in IMPORTER_ROLES and user.unit is not None


# Staff postings are added and ended for the schools of an area by its DDO or block officer
# (and above them by the district officer or the state administrator); head masters, teachers,
# cluster officers and state officers only see them.
POSTING_MANAGER_ROLES = frozenset(
    {Role.DDO, Role.BLOCK_OFFICER, Role.DISTRICT_OFFICER, Role.STATE_ADMIN}
)


def may_manage_postings(user: "User") -> bool:
    """The caller has already scoped the school or posting to the user's area."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in POSTING_MANAGER_ROLES
        and user.unit is not None
    )


# The school calendar (hazari.schooldays). Officers enter holidays and closures for their own
# unit or any unit under it, so state holidays (entered on the state) only the state's
# people. A DDO's powers are about pay, not the calendar; head masters and teachers read it.
CALENDAR_ROLES = frozenset(
    {
        Role.CLUSTER_OFFICER,
        Role.BLOCK_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.STATE_OFFICER,
        Role.STATE_ADMIN,
    }
)
# Below the state, the calendar of days gone by can be changed only this many days back: a
# closure entered afterwards turns a school's "not reported" days into holidays.
CALENDAR_BACKDATE_DAYS = 7


def may_edit_calendar(user: "User", unit=None) -> bool:
    """May the user enter closures and working days for the unit (without one: for some
    unit at all)? The caller has already scoped unit."""
    if not user.is_active or user.role not in CALENDAR_ROLES or user.unit is None:
        return False
    return unit is None or user.unit.contains(unit)


def may_remove_calendar_entry(user: "User", entry) -> bool:
    """An entry (closure or working day) is removed by someone who may enter it on its unit,
    and never against a more senior officer's decision; entries loaded on the server (no
    author) only by the state's people."""
    if not may_edit_calendar(user, entry.unit):
        return False
    author = entry.created_by
    if author is None:
        return user.unit is not None and user.unit.level == Level.STATE
    return author.pk == user.pk or RANK[user.role] >= RANK.get(author.role, 0)


def calendar_backdate_days(user: "User") -> int | None:
    """How many days back the user may change the calendar; None: any day of the session."""
    if user.role in (Role.STATE_OFFICER, Role.STATE_ADMIN):
        return None
    return CALENDAR_BACKDATE_DAYS


# Attendance held for review (a device clock far off, meals above the students present) is
# approved or dismissed by an officer of the school's area, from the cluster officer up. A DDO's
# powers are about pay; head masters and teachers cannot review their own school's captures.
ATTENDANCE_REVIEWER_ROLES = frozenset(
    {
        Role.CLUSTER_OFFICER,
        Role.BLOCK_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.STATE_OFFICER,
        Role.STATE_ADMIN,
    }
)


def may_review_attendance(user: "User") -> bool:
    """May the user review held attendance? The caller has already scoped the version."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in ATTENDANCE_REVIEWER_ROLES
        and user.unit is not None
    )


def may_enter_attendance(user: "User") -> bool:
    """May the user send a school's attendance (the school's own staff, or an officer for a
    school of their area)? The caller has already scoped the school."""
    return user.is_active and user.role in Role.values and user.role not in MONITOR_ROLES


# Who may see children by name (a school's or a cluster's follow-up list, the phone app's):
# those who must act on a child's absence. Not the mid-day meal officer, who only watches
# counts, nor the DDO, whose work is staff and pay (DPDP Act 2023: purpose limitation).
NAMED_LIST_ROLES = frozenset(
    {
        Role.HEAD_MASTER,
        Role.TEACHER,
        Role.CLUSTER_OFFICER,
        Role.BLOCK_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.STATE_OFFICER,
        Role.STATE_ADMIN,
    }
)


def may_see_children_by_name(user: "User") -> bool:
    """May the user open a list naming children? The caller has already scoped the school
    or cluster (the user's area)."""
    return user.is_active and user.role in NAMED_LIST_ROLES


def may_see_guardian_mobile(user: "User", school_id: int) -> bool:
    """May the user see the guardians' mobile numbers of the school's children? Only the
    school's own staff, who call the families: never an officer above the school (issue 15,
    privacy by design)."""
    return user.is_active and user.role in SCHOOL_ROLES and user.unit_id == school_id


def may_revoke_tokens(actor: "User", target: "User") -> bool:
    """Who may end the app log-ins (API tokens) of a user: the user themselves (a lost phone),
    and an officer who may reset their password (a junior in the officer's area). The caller
    has already scoped target."""
    return actor.pk == target.pk or may_reset_password(actor, target)
