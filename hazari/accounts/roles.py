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
}

# Seniority, used where one user acts on another's account.
RANK: dict[str, int] = {
    Role.TEACHER: 0,
    Role.HEAD_MASTER: 1,
    Role.DDO: 2,
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


def may_reset_password(actor: "User", target: "User") -> bool:
    """An officer resets the password of a junior user in their own area, never their own
    (that goes through the SMS code) nor a peer's. The caller has already scoped target."""
    return (
        is_officer(actor)
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
