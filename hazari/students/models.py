"""Students who miss school (issue 15): each child's roll-call marks, and the follow-up of those
who miss too many days — the cause, what was done, how it ended.

* MarkMonth — a student's marks at one school in one month, as bit sets (hazari.students.marks):
  one row per student per month instead of one per student per school day.
* HeldRollCall — the marks of a capture held for an officer's review: they reach MarkMonth only
  if the officer approves it.
* FollowUp / FollowUpEntry — a student's follow-up and its history: each cause, action and
  outcome recorded, by whom and when (entries come from phones, so each has the phone's UUID).
* NamedListDownload — who downloaded a list with children's names, when, and of which unit.

A child's name and attendance are a minor's personal data (DPDP Act 2023): see
docs/decisions.md, "Children's data".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hazari.accounts.models import User
from hazari.orgunits.models import OrgUnit, School
from hazari.registers.models import Student


class Mark(models.TextChoices):
    """A student's mark on a roll call. Late and left early count as present."""

    PRESENT = "P", _("Present")
    ABSENT = "A", _("Absent")
    LATE = "L", _("Came late")
    LEFT_EARLY = "E", _("Left early")


class MarkMonth(models.Model):
    """A student's roll-call marks at a school in a month: bit d − 1 of each set for day d.

    `marked`: on the day's roll call; `absent`, `late`, `left_early`: subsets of it. The rows of
    the school-day's current version: a correction rewrites the day's bits, a held version
    writes none until it is approved. The key leads with the school, so a school's month is
    one range of the primary key, and there is no other index to keep up.

    No foreign-key constraint in the database either: a roll call writes ~95 rows, and each
    would fire two deferred checks at commit (~190 a capture; 1–2 ms of PostgreSQL's CPU of
    the morning rush, docs/benchmarks.md). Every student id is checked against the school's
    register of the day in the same transaction (students.rollcall.check_roll), the school
    comes from the capture, and deleting either still removes the rows (Django's cascade).
    """

    pk = models.CompositePrimaryKey("school_id", "month", "student_id")
    school = models.ForeignKey(
        School, models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    month = models.DateField(_("month"))  # its first day
    student = models.ForeignKey(
        Student, models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    marked = models.IntegerField(default=0)
    absent = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    left_early = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("a student's marks for a month")
        verbose_name_plural = _("students' marks for a month")

    def __str__(self) -> str:
        return f"{self.student_id} at {self.school_id} in {self.month:%Y-%m}"


class HeldRollCall(models.Model):
    """The marks of a version held for review, applied to MarkMonth when it is approved."""

    version = models.OneToOneField(
        "attendance.Version", models.CASCADE, primary_key=True, related_name="+"
    )
    # [[student id, mark], …]
    marks = models.JSONField()

    def __str__(self) -> str:
        return f"roll call of version {self.version_id}"


class Cause(models.TextChoices):
    """Why a student misses school, as the head master or class teacher finds out."""

    ILLNESS = "illness", _("Illness")
    HOUSEHOLD = "household", _("Household work or looking after siblings")
    MIGRATION = "migration", _("Seasonal migration with the family")
    WORK = "work", _("Farm or wage work")
    MARRIAGE = "marriage", _("Marriage")
    DISTANCE = "distance", _("Distance, road or transport")
    DISABILITY = "disability", _("Disability or special needs")
    FAMILY_EVENT = "family_event", _("Family event")
    LEFT = "left", _("Left the village or dropped out")
    NOT_KNOWN = "not_known", _("Not known")
    OTHER = "other", _("Other (write a note)")


class Action(models.TextChoices):
    CALLED_PARENT = "called_parent", _("Called the parent")
    HOME_VISIT = "home_visit", _("Home visit")
    TOLD_CLUSTER = "told_cluster", _("Told the cluster officer")


class Outcome(models.TextChoices):
    CAME_BACK = "came_back", _("Came back")
    STILL_ABSENT = "still_absent", _("Still absent")


class Kind(models.TextChoices):
    CAUSE = "cause", _("Cause")
    ACTION = "action", _("Action")
    OUTCOME = "outcome", _("Outcome")


class FollowUp(models.Model):
    """A student's follow-up at a school: the latest cause, action and outcome (the history is
    in its entries). One open at a time per student; it closes when the student came back, and
    a later entry opens a new one."""

    student = models.ForeignKey(Student, models.CASCADE, related_name="+", db_index=False)
    # The (school, is_open) index serves the school's list; (student, …) the lookup by student.
    school = models.ForeignKey(School, models.CASCADE, related_name="+", db_index=False)
    opened_on = models.DateField(_("opened on"))
    cause = models.CharField(_("cause"), max_length=20, blank=True, choices=Cause.choices)
    cause_note = models.CharField(_("note on the cause"), max_length=200, blank=True)
    action = models.CharField(_("last action"), max_length=20, blank=True, choices=Action.choices)
    action_on = models.DateField(_("action taken on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True, choices=Outcome.choices)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(fields=["school", "is_open"], name="followup_school_open"),
            models.Index(fields=["student", "opened_on"], name="followup_student"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=models.Q(is_open=True),
                name="followup_one_open_per_student",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up of {self.student_id} from {self.opened_on}"


class FollowUpEntry(models.Model):
    """One thing recorded on a follow-up: a cause, an action or an outcome. Never changed:
    a new cause is a new entry. The phone's UUID makes a resend harmless."""

    uuid = models.UUIDField(primary_key=True)
    follow_up = models.ForeignKey(FollowUp, models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("what"), max_length=20)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The day the action was taken or the student came back (not when it was typed in).
    on = models.DateField(_("on"))
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+", db_index=False)
    role = models.CharField(max_length=20)
    captured_at = models.DateTimeField(_("recorded (device clock)"))
    received_at = models.DateTimeField(_("received"))
    content_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("follow-up entry")
        verbose_name_plural = _("follow-up entries")
        ordering = ["follow_up", "received_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} on {self.on}"


class NamedListDownload(models.Model):
    """A download of a list that names children: who, when, which unit, which list."""

    user = models.ForeignKey(User, models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrgUnit, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("downloaded at"), auto_now_add=True)
    what = models.CharField(_("list"), max_length=40)
    file_format = models.CharField(_("format"), max_length=5)
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        verbose_name = _("download of a named list")
        verbose_name_plural = _("downloads of named lists")
        indexes = [models.Index(fields=["unit", "at"], name="namedlist_unit_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} of {self.unit_id} at {self.at}"


# --- The officers' figures (rollups, recomputed beside the uploads: hazari.students.rollup) ---


class Absence(models.Model):
    """How many children miss school, for a unit (a school, cluster, block, district or the
    state), a class and a gender, over a month or the session so far.

    Counted over the children with at least one day marked in the period: `chronic` missed at
    least 10 % of their marked days (`severe`, at least 20 %, are among them). The session's
    rows also hold the follow-up: on the list now, of those no action recorded in the last
    days (followup.Limits.act_within), and follow-ups closed as "came back" after an action.
    No child is named here: these rows are what officers above a cluster see.
    """

    unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="+", db_index=False)
    session = models.BooleanField()  # the session so far; else a month
    start = models.DateField()  # the month's first day, or the session's
    class_no = models.PositiveSmallIntegerField()
    gender = models.CharField(max_length=1)
    students = models.PositiveIntegerField(default=0)
    chronic = models.PositiveIntegerField(default=0)
    severe = models.PositiveIntegerField(default=0)
    days_marked = models.PositiveIntegerField(default=0)
    days_absent = models.PositiveIntegerField(default=0)
    to_follow_up = models.PositiveIntegerField(default=0)
    no_action = models.PositiveIntegerField(default=0)
    came_back = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "start", "unit", "class_no", "gender"],
                name="absence_one_row",
            )
        ]
        indexes = [models.Index(fields=["unit", "start"], name="absence_unit_start")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start} class {self.class_no} {self.gender}"


class CauseCount(models.Model):
    """Children whose absence was put down to a cause in a month (by the day recorded for
    it), for a unit, a class and a gender: the causes study, with no child named."""

    unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    class_no = models.PositiveSmallIntegerField()
    gender = models.CharField(max_length=1)
    cause = models.CharField(max_length=20, choices=Cause.choices)
    students = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit", "class_no", "gender", "cause"], name="causecount_one_row"
            )
        ]
        indexes = [models.Index(fields=["unit", "month"], name="causecount_unit_month")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} {self.cause}: {self.students}"


class KeptStanding(models.Model):
    """A child's standing as the officers' figures last worked it out (hazari.students.rollup):
    each child on the school's follow-up list or with a follow-up open. A cluster's named list
    reads these (~700 rows for ~4,500 children) instead of every child's marks of the session
    (1.4 s, then 0.3 s, a cluster: the officers' pages read rollups, never the marks). A school's
    own list and the phone's are worked out from the marks on each read, exact to the last
    roll call; this is as of the refresher's last run (RollupState.refreshed_at)."""

    pk = models.CompositePrimaryKey("school_id", "student_id")
    school = models.ForeignKey(
        School, models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    student = models.ForeignKey(
        Student, models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    days_marked = models.PositiveIntegerField()
    days_absent = models.PositiveIntegerField()
    absent_in_a_row = models.PositiveIntegerField()
    recent_marked = models.PositiveIntegerField()
    recent_absent = models.PositiveIntegerField()
    reasons = models.CharField(max_length=40, blank=True)  # "in_a_row,below_threshold"
    tier = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return f"student {self.student_id} at school {self.school_id}"


class RollupState(models.Model):
    """Where the officers' figures of absence are up to (one row)."""

    versions_seen = models.BigIntegerField(default=0)
    reviewed_seen = models.DateTimeField(null=True, blank=True)
    follow_ups_seen = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"absence figures as of {self.refreshed_at}"


class SchoolSeen(models.Model):
    """The newest version of a school the figures of absence were last worked out with: the
    refresher re-reads a margin of versions every run (ids become visible in commit order,
    not id order) and recomputes only the schools with a newer one."""

    school = models.OneToOneField(School, models.CASCADE, primary_key=True, related_name="+")
    version_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.school_id} up to version {self.version_id}"
