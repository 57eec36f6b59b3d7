"""Rollups: the figures of the dashboards, kept up to date from the attendance tables.

Nothing here is a record of its own: every row can be rebuilt from DayRecord/Version (what
each school reported), the registers (enrolment) and the calendar (which days each school was
open). hazari.dashboards.refresh keeps them up to date, a few seconds behind the uploads.

* SchoolDay — one row per school per day on which the school was open (closed days, weekly
  offs and holidays have no row), from the first day of the session to today. A day without a
  report has a row with reported = false. Enrolment is counted only on the days the school
  reported (0 otherwise), so that every figure of an area is a plain SUM.
* SchoolMonth — SchoolDay summed per school and calendar month, with what the checks of
  implausible reports need (the smallest and largest counts, the days at full enrolment).
* UnitDay — SchoolDay summed per day for every cluster, block, district and state.

The unit columns are plain integers, not foreign keys: the rows are derived, a demo reset
deletes them first, and foreign keys would add a check to every row written.
"""

from django.db import models
from django.db.models import F, Q


class Counts(models.Model):
    """The counts every rollup row has. Percentages are worked out when read
    (hazari.dashboards.figures.Figures)."""

    # Schools open (a school-day each), and of those: reported (a current version), reported
    # on time (the first report came within the on-time window), held (something was sent
    # but waits for an officer's review, and nothing counts yet).
    schools_open = models.IntegerField(default=0)
    reported = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    held = models.IntegerField(default=0)
    # Enrolment of the school-days that reported, and the children present on them.
    enrolled_boys = models.IntegerField(default=0)
    enrolled_girls = models.IntegerField(default=0)
    enrolled_third = models.IntegerField(default=0)
    present_boys = models.IntegerField(default=0)
    present_girls = models.IntegerField(default=0)
    present_third = models.IntegerField(default=0)
    # Staff marked on those days (present, absent, on leave, on duty), and marked present.
    staff_marked = models.IntegerField(default=0)
    staff_present = models.IntegerField(default=0)
    # Mid-day meals (hazari.meals), over the reported school-days of schools with children
    # enrolled in classes 1–8 ("meal days"): the enrolment and the children present in those
    # classes (the beneficiaries), the meals served, and the days served, not recorded, and
    # not served for each reason.
    meal_days = models.IntegerField(default=0)
    meal_enrolled = models.IntegerField(default=0)
    meal_present = models.IntegerField(default=0)
    meals_served = models.IntegerField(default=0)
    meal_days_served = models.IntegerField(default=0)
    meal_days_unrecorded = models.IntegerField(default=0)
    not_served_no_grain = models.IntegerField(default=0)
    not_served_no_cook = models.IntegerField(default=0)
    not_served_no_fuel_funds = models.IntegerField(default=0)
    not_served_local_holiday = models.IntegerField(default=0)
    not_served_other = models.IntegerField(default=0)
    # (Days served count meal days only, as the other meal days' counts do.)
    # Days with meals but no child present in classes 1–8, or no attendance counted (held);
    # days on which the meals equalled the enrolment of classes 1–8.
    meal_days_no_attendance = models.IntegerField(default=0)
    meal_days_fed_all = models.IntegerField(default=0)
    # Beneficiaries on the meal days with a meal figure (meals served, or none with a
    # reason): what the meals served are compared with. A day not yet recorded would
    # otherwise count its children as not fed (hazari.dashboards.figures).
    meal_present_recorded = models.IntegerField(default=0)
    # How the first reports arrived (attendance.models.Arrival): received after the window
    # though captured in time on the phone (counted in reported, as late); received after the
    # day's cut-off, accepted as late or held for an officer's review, as the state's rule
    # says (attendance.models.RuleSet.after_close).
    late_offline = models.IntegerField(default=0)
    after_close = models.IntegerField(default=0)
    after_close_held = models.IntegerField(default=0)

    class Meta:
        abstract = True


MEAL_FIELDS = [
    "meal_days",
    "meal_enrolled",
    "meal_present",
    "meals_served",
    "meal_days_served",
    "meal_days_unrecorded",
    "not_served_no_grain",
    "not_served_no_cook",
    "not_served_no_fuel_funds",
    "not_served_local_holiday",
    "not_served_other",
    "meal_days_no_attendance",
    "meal_days_fed_all",
    "meal_present_recorded",
]
# Why no meal was served (attendance.models.MealsNotServed), and the column counting it.
NOT_SERVED_FIELDS = {
    "no_grain": "not_served_no_grain",
    "no_cook": "not_served_no_cook",
    "no_fuel_funds": "not_served_no_fuel_funds",
    "local_holiday": "not_served_local_holiday",
    "other": "not_served_other",
}

# The summed columns, in the order every rollup query writes them.
COUNT_FIELDS = [
    "schools_open",
    "reported",
    "on_time",
    "held",
    "enrolled_boys",
    "enrolled_girls",
    "enrolled_third",
    "present_boys",
    "present_girls",
    "present_third",
    "staff_marked",
    "staff_present",
    *MEAL_FIELDS,
    "late_offline",
    "after_close",
    "after_close_held",
]


class MealFlag(models.IntegerChoices):
    """A school-day's meal report, as the flags (hazari.meals.flags) see it."""

    NONE = 0
    NOT_SERVED = 1  # reported, no meal served (with a reason)
    NO_ATTENDANCE = 2  # meals, but nobody present in classes 1–8 or nothing counted (held)
    FED_ALL = 3  # meals equal to the enrolment of classes 1–8
    NOT_RECORDED = 4  # reported, a school with classes 1–8, and no meal figure


class SchoolDay(models.Model):
    pk = models.CompositePrimaryKey("school_id", "date")
    school_id = models.IntegerField()
    date = models.DateField()
    state_id = models.IntegerField()
    district_id = models.IntegerField()
    block_id = models.IntegerField()
    cluster_id = models.IntegerField()
    reported = models.BooleanField(default=False)
    on_time = models.BooleanField(default=False)
    held = models.BooleanField(default=False)
    # The version the figures come from (the day record's current one), and the newest
    # version of the day when the row was computed: a newer one means the row is stale.
    version_id = models.BigIntegerField(null=True)
    last_version_id = models.BigIntegerField(null=True)
    enrolled_boys = models.IntegerField(default=0)
    enrolled_girls = models.IntegerField(default=0)
    enrolled_third = models.IntegerField(default=0)
    present_boys = models.IntegerField(default=0)
    present_girls = models.IntegerField(default=0)
    present_third = models.IntegerField(default=0)
    staff_marked = models.SmallIntegerField(default=0)
    staff_present = models.SmallIntegerField(default=0)
    # Mid-day meals, on a reported day: the enrolment of classes 1–8, the children present in
    # them, the meals served (None: not recorded) and why none were. On a held day the meals
    # are the held version's (they count nowhere, but a meal without attendance is a flag).
    meal_enrolled = models.IntegerField(default=0)
    meal_present = models.IntegerField(default=0)
    meals_served = models.IntegerField(null=True)
    meals_reason = models.CharField(max_length=20, default="")
    # What the meal flags need, as one small number (MealFlag); the partial indexes below
    # find an area's flagged days without reading its other days.
    meal_flag = models.SmallIntegerField(default=0)
    # How the day's first report arrived (attendance.models.Arrival): the day record's on a
    # reported day; "after the cut-off" on a day held for that reason; 0 otherwise.
    arrival = models.SmallIntegerField(default=0)

    class Meta:
        indexes = [
            *(
                models.Index(
                    fields=[column, "date"],
                    name=f"schoolday_meal_{column[:-3]}",
                    condition=Q(meal_flag__gt=0),
                )
                for column in ("cluster_id", "block_id", "district_id", "state_id")
            ),
            # "The schools of this cluster / block / district over these days".
            models.Index(fields=["cluster_id", "date"], name="schoolday_cluster"),
            models.Index(fields=["block_id", "date"], name="schoolday_block"),
            models.Index(fields=["district_id", "date"], name="schoolday_district"),
            # "Every school of the state on this day" (today's figures, a day's rebuild).
            models.Index(fields=["date"], name="schoolday_date"),
        ]

    def __str__(self) -> str:
        return f"school {self.school_id} on {self.date}"


class SchoolMonth(Counts):
    pk = models.CompositePrimaryKey("school_id", "month")
    school_id = models.IntegerField()
    month = models.DateField()  # its first day
    state_id = models.IntegerField()
    district_id = models.IntegerField()
    block_id = models.IntegerField()
    cluster_id = models.IntegerField()
    # Over the days reported: the smallest and largest counts of each gender, and the days on
    # which every enrolled child was present (hazari.dashboards.selectors.implausible).
    min_boys = models.IntegerField(null=True)
    max_boys = models.IntegerField(null=True)
    min_girls = models.IntegerField(null=True)
    max_girls = models.IntegerField(null=True)
    min_third = models.IntegerField(null=True)
    max_third = models.IntegerField(null=True)
    days_full = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["cluster_id", "month"], name="schoolmonth_cluster"),
            models.Index(fields=["block_id", "month"], name="schoolmonth_block"),
            models.Index(fields=["district_id", "month"], name="schoolmonth_district"),
            models.Index(fields=["state_id", "month"], name="schoolmonth_state"),
        ]

    def __str__(self) -> str:
        return f"school {self.school_id} in {self.month:%Y-%m}"


class ClassMonth(models.Model):
    """One class of a school over a month's reported days: the register's enrolment of the
    class times those days, and the children present (the counted versions' class rows). An
    area's attendance by class is a SUM over these (by the ancestor columns)."""

    pk = models.CompositePrimaryKey("school_id", "month", "class_no")
    school_id = models.IntegerField()
    month = models.DateField()
    class_no = models.SmallIntegerField()
    state_id = models.IntegerField()
    district_id = models.IntegerField()
    block_id = models.IntegerField()
    cluster_id = models.IntegerField()
    days = models.IntegerField(default=0)
    enrolled_boys = models.IntegerField(default=0)
    enrolled_girls = models.IntegerField(default=0)
    enrolled_third = models.IntegerField(default=0)
    present_boys = models.IntegerField(default=0)
    present_girls = models.IntegerField(default=0)
    present_third = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["cluster_id", "month"], name="classmonth_cluster"),
            models.Index(fields=["block_id", "month"], name="classmonth_block"),
            models.Index(fields=["district_id", "month"], name="classmonth_district"),
            models.Index(fields=["state_id", "month"], name="classmonth_state"),
        ]

    def __str__(self) -> str:
        return f"school {self.school_id} class {self.class_no} in {self.month:%Y-%m}"


class UnitClassMonth(models.Model):
    """ClassMonth summed per cluster, block, district and state (and class and month): an
    area's attendance by class is one of these rows per class, not a sum over its schools."""

    pk = models.CompositePrimaryKey("unit_id", "month", "class_no")
    unit_id = models.IntegerField()
    month = models.DateField()
    class_no = models.SmallIntegerField()
    level = models.SmallIntegerField()
    parent_id = models.IntegerField(null=True)
    days = models.IntegerField(default=0)
    enrolled_boys = models.BigIntegerField(default=0)
    enrolled_girls = models.BigIntegerField(default=0)
    enrolled_third = models.BigIntegerField(default=0)
    present_boys = models.BigIntegerField(default=0)
    present_girls = models.BigIntegerField(default=0)
    present_third = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["parent_id", "month"], name="unitclassmonth_parent")]

    def __str__(self) -> str:
        return f"unit {self.unit_id} class {self.class_no} in {self.month:%Y-%m}"


class UnitDay(Counts):
    pk = models.CompositePrimaryKey("unit_id", "date")
    unit_id = models.IntegerField()
    date = models.DateField()
    level = models.SmallIntegerField()
    # The unit's ancestors (as on OrgUnit; empty at its own level and below) and its parent.
    state_id = models.IntegerField(null=True)
    district_id = models.IntegerField(null=True)
    block_id = models.IntegerField(null=True)
    parent_id = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["parent_id", "date"], name="unitday_parent")]

    def __str__(self) -> str:
        return f"unit {self.unit_id} on {self.date}"


class RefreshState(models.Model):
    """How far the rollups have caught up: one row (pk 1), locked by the refresher while it
    works, so that two refreshers never interleave."""

    # Ids already taken into account: versions, and history rows of closures, working days
    # and enrolment (a change to any of them changes figures).
    versions_seen = models.BigIntegerField(default=0)
    closures_seen = models.BigIntegerField(default=0)
    working_days_seen = models.BigIntegerField(default=0)
    enrolment_seen = models.BigIntegerField(default=0)
    # The academic sessions as last seen (a digest): a changed weekly off changes every day.
    sessions_digest = models.CharField(max_length=64, blank=True)
    # The days with rows: from the first day of the session running when the rollups were
    # first built, through this one (a new day gets its rows on the first run that day).
    days_from = models.DateField(null=True)
    days_through = models.DateField(null=True)
    refreshed_at = models.DateTimeField(null=True)
    # Runs so far: the pages keep their figures rendered until the next run
    # (hazari.dashboards.views.show).
    runs = models.BigIntegerField(default=0)
    took_ms = models.IntegerField(default=0)
    tree_checked_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"rollups refreshed at {self.refreshed_at}"


class Stale(models.Model):
    """School-days whose figures changed without a new version (an officer approved a held
    one): the next refresh recomputes them. Written by hazari.attendance.review."""

    unit_id = models.IntegerField()  # a school, or a unit for every school under it
    start = models.DateField()
    end = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="stale_end_not_before_start", condition=Q(end__gte=F("start"))
            )
        ]

    def __str__(self) -> str:
        return f"unit {self.unit_id} {self.start}–{self.end}"
