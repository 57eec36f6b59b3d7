"""The school calendar: when a school is open.

A day is a school day for school S when all of these hold:

1. it lies inside an academic session of S's state;
2. no closure applies to S on that day — a closure is entered for one unit (the state, a
   district, block, cluster or one school) and applies to every school in that unit's subtree;
3. it is not the session's weekly off day, unless a working day was declared for S's unit or
   one of its ancestors on that date (a compensatory working Sunday).

A closure always wins over a working day: a school shut by a flood stays shut on a declared
working Sunday. The questions "is S open on D?" and "which schools are open on these days?"
are answered in hazari.schooldays.days.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hazari.orgunits.models import Level, OrgUnit


class Weekday(models.IntegerChoices):
    """Python's date.weekday() numbering."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AcademicSession(models.Model):
    """A state's academic session (April to March by default) and its weekly off day."""

    state = models.ForeignKey(
        OrgUnit,
        models.PROTECT,
        related_name="academic_sessions",
        limit_choices_to={"level": Level.STATE},
        verbose_name=_("state"),
    )
    name = models.CharField(_("name"), max_length=20)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    weekly_off = models.PositiveSmallIntegerField(
        _("weekly off day"), choices=Weekday.choices, default=Weekday.SUNDAY
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("academic session")
        verbose_name_plural = _("academic sessions")
        ordering = ["state", "start"]
        constraints = [
            models.UniqueConstraint(fields=["state", "start"], name="session_unique_start"),
            models.CheckConstraint(name="session_end_after_start", condition=Q(end__gt=F("start"))),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class Kind(models.TextChoices):
    STATE_HOLIDAY = "state_holiday", _("State holiday")
    LOCAL_HOLIDAY = "local_holiday", _("Local holiday")
    VACATION = "vacation", _("Vacation")
    WEATHER = "weather", _("Weather")
    ELECTION_DUTY = "election_duty", _("Election duty")
    LOCAL_FESTIVAL = "local_festival", _("Local festival")
    OTHER = "other", _("Other")


class ClosureQuerySet(models.QuerySet["Closure"]):
    def overlapping(self, start: datetime.date, end: datetime.date) -> "ClosureQuerySet":
        return self.filter(start__lte=end, end__gte=start)

    def applying_to(self, unit: OrgUnit) -> "ClosureQuerySet":
        """Closures entered for the unit or one of its ancestors: those that close it."""
        return self.filter(unit_id__in=[*unit.ancestor_ids(), unit.pk])


class Closure(models.Model):
    """Schools closed from start to end (both included): every school under `unit`."""

    unit = models.ForeignKey(
        OrgUnit, models.PROTECT, related_name="closures", verbose_name=_("org unit")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created = models.DateTimeField(_("entered"), auto_now_add=True)

    # Who removed a closure, and when: removing one changes what past reports say.
    history = HistoricalRecords()

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["start", "unit__level", "pk"]
        indexes = [
            # "Closures of these units that overlap this range": unit equality, then end.
            models.Index(fields=["unit", "end"], name="closure_unit_end"),
            # "Every closure in force on this day", for a whole state at once.
            models.Index(fields=["end", "start"], name="closure_end_start"),
        ]
        constraints = [
            models.CheckConstraint(
                name="closure_end_not_before_start", condition=Q(end__gte=F("start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason} ({self.start}–{self.end})"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class WorkingDay(models.Model):
    """A weekly off day declared a school day (a compensatory working day) for every school
    under `unit`. It does not reopen a school that a closure shuts on that day."""

    unit = models.ForeignKey(
        OrgUnit, models.PROTECT, related_name="working_days", verbose_name=_("org unit")
    )
    day = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created = models.DateTimeField(_("entered"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working day")
        verbose_name_plural = _("working days")
        ordering = ["day", "unit__level", "pk"]
        indexes = [models.Index(fields=["day"], name="workingday_day")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="workingday_unique_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.reason}"


class Timetable(models.Model):
    """A season's start time for every school under `unit`: from `start` to `end` (both
    included) they start at `starts_at` instead of their own time — summer mornings for a
    district, a block's winter timing. The nearest unit's timetable wins (a school's own over
    its district's); see hazari.schooldays.timetables."""

    unit = models.ForeignKey(
        OrgUnit, models.PROTECT, related_name="timetables", verbose_name=_("org unit")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    starts_at = models.TimeField(_("schools start at"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created = models.DateTimeField(_("entered"), auto_now_add=True)

    # A start time decides what counted as on time: who changed it, and when, is kept.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seasonal timetable")
        verbose_name_plural = _("seasonal timetables")
        ordering = ["start", "unit__level", "pk"]
        constraints = [
            models.CheckConstraint(
                name="timetable_end_not_before_start", condition=Q(end__gte=F("start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} from {self.start} to {self.end}: {self.reason}"
