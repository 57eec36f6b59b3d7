"""What the demo holds and how to log in to it, read back from the database.

Read from the database rather than from the build, so that `build_demo_state --if-empty` can
print the same log-ins for a demo built earlier.
"""

from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone, translation

from hazari.accounts.models import User
from hazari.accounts.roles import Role
from hazari.demo.generator import DEMO_PASSWORD
from hazari.orgunits.models import Level, OrgUnit
from hazari.registers.models import TOTAL, Enrolment, Student, academic_year_of


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    unit: str


def demo_logins() -> list[Login]:
    """One user of each role, all around the first school (by district, block, cluster and
    UDISE code), so that an officer's log-in shows the school the head master's shows."""
    school = (
        OrgUnit.objects.filter(level=Level.SCHOOL)
        .select_related("state", "district", "block", "cluster")
        .order_by("district__name_en", "block__name_en", "cluster__code", "code")
        .first()
    )
    if school is None:
        return []
    where = [
        (Role.STATE_ADMIN, school.state),
        (Role.STATE_OFFICER, school.state),
        (Role.DISTRICT_OFFICER, school.district),
        (Role.BLOCK_OFFICER, school.block),
        (Role.DDO, school.block),
        (Role.MDM_OFFICER, school.block),
        (Role.CLUSTER_OFFICER, school.cluster),
        (Role.HEAD_MASTER, school),
        (Role.TEACHER, school),
    ]
    logins = []
    for role, unit in where:
        if unit is None:  # only for the type checker: a school has every ancestor
            continue
        user = User.objects.filter(role=role, unit=unit, is_active=True).order_by("username")
        if found := user.first():
            with translation.override("en"):
                logins.append(Login(found.username, str(Role(role).label), unit.name_en))
    return logins


def format_logins(logins: list[Login]) -> str:
    if not logins:
        return "No demo log-ins found (this state was not built by build_demo_state)."
    header = ("User ID", "Password", "Role", "Unit")
    rows = [header] + [(x.username, DEMO_PASSWORD, x.role, x.unit) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "Demo log-ins (the password stays valid until someone changes it):\n" + "\n".join(
        line.rstrip() for line in lines
    )


def format_summary() -> str:
    year = academic_year_of(timezone.localdate())
    counts = {level: OrgUnit.objects.filter(level=level).count() for level in Level}
    children = Enrolment.objects.filter(academic_year=year).aggregate(n=Sum(TOTAL))["n"] or 0
    users = User.objects.filter(is_superuser=False).count()
    with translation.override("en"):
        units = ", ".join(
            f"{counts[level]:,} {level.label.lower()}{'' if counts[level] == 1 else 's'}"
            for level in Level
        )
    lines = [
        f"Units: {units}.",
        f"Users: {users:,} (all with the password {DEMO_PASSWORD!r}).",
        f"Children enrolled in {year}-{(year + 1) % 100:02d}: {children:,}; on the student "
        f"register: {Student.objects.filter(is_active=True).count():,}.",
    ]
    if empty := _districts_without_blocks():
        lines.append(
            f"No schools in {', '.join(empty)}: the block list (LGD, 2022) is older than "
            "these districts, and keeps their blocks under the districts they came from."
        )
    return "\n".join(lines)


def _districts_without_blocks() -> list[str]:
    with_blocks = OrgUnit.objects.filter(level=Level.BLOCK).values("district")
    return list(
        OrgUnit.objects.filter(level=Level.DISTRICT)
        .exclude(pk__in=with_blocks)
        .order_by("name_en")
        .values_list("name_en", flat=True)
    )


def format_roll_call() -> str:
    """Where attendance is a student-wise roll call (RuleSet.roll_call), and where counts."""
    from hazari.attendance.models import RollCall, RuleSet

    units = list(
        RuleSet.objects.filter(roll_call=RollCall.STUDENTS)
        .select_related("unit")
        .order_by("unit__level", "unit__name_en")
    )
    if not units:
        return "Attendance is taken as counts per class and gender everywhere."
    with translation.override("en"):
        names = ", ".join(f"{r.unit.name_en} {Level(r.unit.level).label.lower()}" for r in units)
    counts = RuleSet.objects.filter(roll_call=RollCall.COUNTS).exists()
    rest = " (some units below it count)" if counts else ""
    where = "the whole state" if any(r.unit.level == Level.STATE for r in units) else names
    elsewhere = " Elsewhere attendance is taken as counts per class and gender."
    if where == "the whole state":
        elsewhere = ""
    return (
        f"Student-wise roll call in {where}{rest}: each child is marked present, absent, late "
        f"or left early, and the counts are derived from the marks.{elsewhere}"
    )
