"""A school's daily attendance: what the phone sent, and what the school reported.

* Capture — one upload from a phone or the web form, keyed by the UUID the client made. It is
  also the receipt: re-sending the same UUID returns the same answer and writes nothing. A
  rejected capture is kept too (status rejected, no version), for the same reason.
* DayRecord — one per school per day (a unique constraint, so two phones racing cannot make
  two). `current` points at the version the reports use.
* Version — one per accepted, late or held capture of that day: the first report and every
  correction, each with who, when, which device and why. Never updated, never deleted.
* ClassPresence / StaffPresence — the version's rows: students present per class and gender,
  and each posted staff member's status.

Every index is one more write for each of the state's 92,000 uploads a morning: a foreign key
whose lookups a composite unique index already serves gets no index of its own.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hazari.accounts.models import User
from hazari.orgunits.models import School
from hazari.staff.models import Posting


class Status(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    LATE = "late", _("Accepted late")
    HELD = "held", _("Held for an officer's review")
    REJECTED = "rejected", _("Rejected")


class Review(models.TextChoices):
    APPROVED = "approved", _("Approved")
    DISMISSED = "dismissed", _("Dismissed")


class MealsNotServed(models.TextChoices):
    """Why no mid-day meal (PM POSHAN) was served on a school day."""

    NO_GRAIN = "no_grain", _("No food grain")
    NO_COOK = "no_cook", _("No cook")
    NO_FUEL_FUNDS = "no_fuel_funds", _("No fuel or funds")
    LOCAL_HOLIDAY = "local_holiday", _("Local holiday")
    OTHER = "other", _("Other (write a note)")


class Arrival(models.IntegerChoices):
    """How a school-day's first report reached the server (hazari.attendance.rules)."""

    NOT_REPORTED = 0, _("Not reported")
    ON_TIME = 1, _("On time")
    LATE = 2, _("Late")
    LATE_OFFLINE = 3, _("Late (saved in time on the phone, received after the window)")
    AFTER_CLOSE = 4, _("Received after the day's cut-off")

    @classmethod
    def of_code(cls, code: str) -> "Arrival":
        """The arrival a stored verdict's code stands for (reported as late if unknown)."""
        return _ARRIVAL_OF_CODE.get(code, cls.LATE)


_ARRIVAL_OF_CODE = {
    "on_time": Arrival.ON_TIME,
    "late": Arrival.LATE,
    "late_offline": Arrival.LATE_OFFLINE,
    "after_close": Arrival.AFTER_CLOSE,
}


class StaffStatus(models.TextChoices):
    PRESENT = "P", _("Present")
    ABSENT = "A", _("Absent")
    LEAVE = "L", _("On leave")
    DUTY = "D", _("On official duty")


class Capture(models.Model):
    uuid = models.UUIDField(primary_key=True)
    # No index of its own: the (school, date) index below serves it.
    school = models.ForeignKey(School, models.PROTECT, related_name="+", db_index=False)
    date = models.DateField(_("date"))
    submitted_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    device_id = models.CharField(max_length=64, blank=True)
    captured_at = models.DateTimeField(_("captured (device clock)"))
    sent_at = models.DateTimeField(_("sent (device clock)"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"))
    clock_offset = models.IntegerField(_("device clock offset (s)"), default=0)
    content_hash = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    code = models.CharField(max_length=40)
    message_hi = models.TextField(blank=True)
    message_en = models.TextField(blank=True)
    # For a capture rejected as invalid: [{"field", "code", "message_hi", "message_en"}].
    errors = models.JSONField(default=list, blank=True)
    version = models.OneToOneField(
        "Version", models.PROTECT, null=True, blank=True, related_name="capture"
    )

    class Meta:
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"capture {self.uuid} ({self.status})"


class DayRecord(models.Model):
    # Indexes: the unique (school, date) serves lookups by school; `current` is never searched
    # by (versions are never deleted), and an index on it would be one more write per report.
    school = models.ForeignKey(School, models.PROTECT, related_name="day_records", db_index=False)
    date = models.DateField(_("date"))
    current = models.ForeignKey(
        "Version", models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # When the first accepted version came, whether that was on time, and how it arrived
    # (on time, late, late offline, after the day's cut-off: the officers' pages count each).
    first_reported_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(default=False)
    arrival = models.PositiveSmallIntegerField(
        choices=Arrival.choices, default=Arrival.NOT_REPORTED, db_default=Arrival.NOT_REPORTED
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="dayrecord_one_per_school_day")
        ]
        indexes = [models.Index(fields=["date", "school"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.date}"


class Version(models.Model):
    # The unique (record, number) serves lookups by record.
    record = models.ForeignKey(DayRecord, models.PROTECT, related_name="versions", db_index=False)
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices)
    submitted_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    device_id = models.CharField(max_length=64, blank=True)
    captured_at = models.DateTimeField(_("captured (corrected to server time)"))
    received_at = models.DateTimeField(_("received"))
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    meals_served = models.PositiveIntegerField(_("meals served"), null=True, blank=True)
    # When no meal was served (meals_served 0): why, and a note for "other".
    meals_not_served = models.CharField(
        _("meals not served because"), max_length=20, blank=True, choices=MealsNotServed.choices
    )
    meals_note = models.CharField(_("note on the meals"), max_length=200, blank=True)
    # Totals kept on the version so that a day's figures need no sum over its rows.
    present_boys = models.PositiveIntegerField(default=0)
    present_girls = models.PositiveIntegerField(default=0)
    present_third_gender = models.PositiveIntegerField(default=0)
    # Children present in classes 1–8: the mid-day meal's beneficiaries, whom meals served are
    # compared with (classes 9–12 of the same school get no meal).
    present_meal_classes = models.PositiveIntegerField(default=0, db_default=0)
    # A held version becomes current only when an officer approves it.
    reviewed_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The officer's decision on a held version, kept apart from `status` (the verdict at
    # receipt): "approved, later corrected" and "dismissed" must stay distinguishable.
    review = models.CharField(_("review"), max_length=10, blank=True, choices=Review.choices)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="version_unique_number")
        ]
        ordering = ["record", "number"]

    def __str__(self) -> str:
        return f"{self.record} v{self.number}"


class ClassPresence(models.Model):
    # The unique (version, class) serves lookups by version.
    version = models.ForeignKey(Version, models.CASCADE, related_name="classes", db_index=False)
    class_no = models.PositiveSmallIntegerField()
    boys = models.PositiveIntegerField(default=0)
    girls = models.PositiveIntegerField(default=0)
    third_gender = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "class_no"], name="presence_one_per_class")
        ]

    def __str__(self) -> str:
        return f"{self.version} class {self.class_no}"


class StaffPresence(models.Model):
    # The unique (version, posting) serves lookups by version.
    version = models.ForeignKey(Version, models.CASCADE, related_name="staff", db_index=False)
    posting = models.ForeignKey(Posting, models.PROTECT, related_name="+")
    status = models.CharField(max_length=1, choices=StaffStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "posting"], name="presence_one_per_posting")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.posting_id} {self.status}"


class RollCall(models.TextChoices):
    """How a school takes attendance (issue 15): today's counts per class and gender, or each
    child's mark from the student register, from which the counts are derived."""

    COUNTS = "counts", _("Counts per class and gender")
    STUDENTS = "students", _("Student-wise roll call")


class RuleSet(models.Model):
    """Overrides of the attendance rules for a unit (the state, a district, a block, a cluster
    or one school). An empty field inherits from the unit above; see hazari.attendance.rules."""

    unit = models.OneToOneField("orgunits.OrgUnit", models.CASCADE, related_name="+")
    # The on-time band is set for a school starting at `opens_at` and moves with a school's
    # own start (hazari.attendance.rules.window_for).
    opens_at = models.TimeField(_("on-time window opens"), null=True, blank=True)
    on_time_until = models.TimeField(_("on-time window closes"), null=True, blank=True)
    on_time_minutes = models.PositiveSmallIntegerField(
        _("minutes after school start that count as on time"), null=True, blank=True
    )
    day_closes_at = models.TimeField(_("no entry for the day after"), null=True, blank=True)
    max_offline_days = models.PositiveSmallIntegerField(
        _("days an offline capture may take to arrive"), null=True, blank=True
    )
    max_clock_skew_minutes = models.PositiveSmallIntegerField(
        _("largest tolerated device clock error (minutes)"), null=True, blank=True
    )
    wrong_clock = models.CharField(
        _("a capture from a device with a wrong clock is"),
        max_length=10,
        blank=True,
        choices=[("held", _("held for review")), ("rejected", _("rejected"))],
    )
    meals_over_present = models.CharField(
        _("meals served above students present are"),
        max_length=10,
        blank=True,
        choices=[("held", _("held for review")), ("rejected", _("rejected"))],
    )
    after_close = models.CharField(
        _("a capture received after the day's cut-off is"),
        max_length=10,
        blank=True,
        choices=[("held", _("held for review")), ("late", _("accepted as late"))],
    )

    roll_call = models.CharField(
        _("attendance is taken as"), max_length=10, blank=True, choices=RollCall.choices
    )
    mark_late_and_left_early = models.BooleanField(
        _("a roll call also marks late and left early"), null=True, blank=True
    )

    def __str__(self) -> str:
        return f"rules for unit {self.unit_id}"
