"""The follow-up list as a table: one definition for the page and its downloads
(hazari.dashboards.tables), so that a file holds what the page shows."""

from django.utils.translation import gettext as _

from hazari.dashboards.tables import Pct, Table
from hazari.students.followup import CHRONIC, SEVERE
from hazari.students.models import Action, Cause, FollowUp
from hazari.students.selectors import Row

FOLLOWUP = "followup"


def status(follow_up: FollowUp | None) -> str:
    if follow_up is None:
        return _("Not followed up yet")
    if not follow_up.is_open:
        return _("Came back")
    if follow_up.outcome:
        return _("Still absent")
    return _("Being followed up")


def _tier(tier: str | None) -> str:
    return {SEVERE: _("Severe"), CHRONIC: _("Chronic")}.get(tier or "", "")


def _cause(follow_up: FollowUp | None) -> str:
    if follow_up is None or not follow_up.cause:
        return ""
    label = str(Cause(follow_up.cause).label)
    return f"{label}: {follow_up.cause_note}" if follow_up.cause_note else label


def _action(follow_up: FollowUp | None) -> str:
    if follow_up is None or not follow_up.action:
        return ""
    on = follow_up.action_on.strftime("%d-%m-%Y") if follow_up.action_on else ""
    return f"{Action(follow_up.action).label} ({on})" if on else str(Action(follow_up.action).label)


def followup_table(
    rows: list[Row], *, schools: dict[int, str] | None = None, mobiles: bool = False
) -> Table:
    """Worst first, as the selector orders them; with the school's name first when the rows
    are a cluster's (`schools`: school id → name); with the guardians' mobiles last for the
    school's own staff (`mobiles`: roles.may_see_guardian_mobile)."""
    table = Table(
        name=FOLLOWUP,
        title=_("Children to follow up"),
        columns=[
            *([_("School")] if schools is not None else []),
            _("Name"),
            _("Student ID"),
            _("Class"),
            _("Gender"),
            _("Days absent"),
            _("Absent in a row"),
            _("Attendance %"),
            _("Tier"),
            _("Cause"),
            _("Last action"),
            _("Status"),
            *([_("Guardian's mobile")] if mobiles else []),
        ],
        numeric_from=99,  # mixed columns: left-aligned, as text
    )
    for row in rows:
        student, s = row.student, row.standing
        section = f"-{student.section}" if student.section else ""
        table.add(
            *([schools[student.school_id]] if schools is not None else []),
            student.name,
            student.student_id,
            f"{student.class_no}{section}",
            str(student.get_gender_display()),
            s.days_absent,
            s.absent_in_a_row,
            Pct(s.attendance),
            _tier(s.tier),
            _cause(row.follow_up),
            _action(row.follow_up),
            status(row.follow_up),
            *([student.guardian_mobile] if mobiles else []),
        )
    return table
