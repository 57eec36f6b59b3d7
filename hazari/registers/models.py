"""Registers: what attendance is measured against. Enrolment counts per class and gender, and
(optional per state) the student register, from which enrolment can be derived."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hazari.orgunits.categories import HIGHEST_CLASS, LOWEST_CLASS
from hazari.orgunits.models import School


def academic_year_of(day) -> int:
    """The academic year runs April to March and is named by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


class Enrolment(models.Model):
    school = models.ForeignKey(School, models.CASCADE, related_name="enrolments")
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    class_no = models.PositiveSmallIntegerField(
        _("class"), validators=[MinValueValidator(LOWEST_CLASS), MaxValueValidator(HIGHEST_CLASS)]
    )
    boys = models.PositiveIntegerField(_("boys"), default=0)
    girls = models.PositiveIntegerField(_("girls"), default=0)
    third_gender = models.PositiveIntegerField(_("third gender"), default=0)
    updated = models.DateTimeField(auto_now=True)

    # Who changed the counts, when, and from which file (the change reason names the import).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "class_no"], name="enrolment_unique_class"
            ),
            models.CheckConstraint(
                name="enrolment_class_in_range",
                condition=Q(class_no__gte=LOWEST_CLASS, class_no__lte=HIGHEST_CLASS),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.academic_year} class {self.class_no}"

    @property
    def total(self) -> int:
        return self.boys + self.girls + self.third_gender


TOTAL = F("boys") + F("girls") + F("third_gender")


class Gender(models.TextChoices):
    BOY = "M", _("Boy")
    GIRL = "F", _("Girl")
    THIRD_GENDER = "T", _("Third gender")


student_id_validator = RegexValidator(
    r"^[A-Z0-9]{1,20}$", _("A student ID has 1 to 20 letters (A–Z) and digits.")
)


class StudentQuerySet(models.QuerySet["Student"]):
    def of_school(self, school: School) -> "StudentQuerySet":
        """The school's current students (not those marked inactive)."""
        return self.filter(school=school, is_active=True)


class Student(models.Model):
    """One child on a school's register (the state's student ID, e.g. the Samagra ID).

    Personal data stays minimal: no photo, caste, religion or Aadhaar number. Without
    django-simple-history: a register of a crore children would double every write, and a
    history table would keep every old name and date of birth for ever (see docs/decisions.md).
    What each import changed is on record as its ImportBatch: who, when, which file, how many
    students new or changed.
    """

    NAME_MAX = 100
    SECTION_MAX = 10

    student_id = models.CharField(_("student ID"), max_length=20, validators=[student_id_validator])
    name = models.CharField(_("name"), max_length=NAME_MAX)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    class_no = models.PositiveSmallIntegerField(
        _("class"), validators=[MinValueValidator(LOWEST_CLASS), MaxValueValidator(HIGHEST_CLASS)]
    )
    section = models.CharField(_("section"), max_length=SECTION_MAX, blank=True)
    # The (school, class_no) index below serves "this school's students" as well, so the
    # foreign key gets no index of its own: one index fewer to keep up on a crore rows.
    school = models.ForeignKey(
        School,
        models.CASCADE,
        related_name="students",
        verbose_name=_("school"),
        db_index=False,
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Only if the state's register has it (issue 15: privacy by design): for the head master
    # to call the family of a child who misses school. Shown to the school's own staff only,
    # never to an officer (roles.may_see_guardian_mobile). Ten digits, as Indian mobiles are.
    guardian_mobile = models.CharField(
        _("guardian's mobile"), max_length=10, blank=True, default="", db_default=""
    )
    updated = models.DateTimeField(auto_now=True)
    # On this school's register, in this class, since (empty: since before Hazari's records).
    # A roll call is judged against the register of its own day: see PastStay.
    since = models.DateField(_("on the register since"), null=True, blank=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        constraints = [
            # A constraint rather than unique=True: on PostgreSQL, unique=True adds a second
            # (varchar_pattern_ops) index for LIKE queries that nobody runs on this column.
            models.UniqueConstraint(fields=["student_id"], name="student_unique_id"),
            models.CheckConstraint(
                name="student_class_in_range",
                condition=Q(class_no__gte=LOWEST_CLASS, class_no__lte=HIGHEST_CLASS),
            ),
            models.CheckConstraint(
                name="student_gender_known", condition=Q(gender__in=Gender.values)
            ),
        ]
        indexes = [models.Index(fields=["school", "class_no"], name="student_school_class")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.name}"


class PastStay(models.Model):
    """A stay on a school's register, in one class, that has ended: the student moved to
    another school or class, or left the register.

    A roll call waiting in a phone's outbox is judged against the register of its own day
    (issue 15): a child transferred out this morning is still on yesterday's roll. The
    Student row holds the current stay (school, class, `since`); these rows hold the ones
    before it, from `since` (empty: before Hazari's records) to `until`, the last day on that
    register. The day of a move is on both registers, so that neither school's roll call of
    that day is refused. Written by the register's import (hazari.registers.students_import).
    """

    student = models.ForeignKey(Student, models.CASCADE, related_name="past_stays")
    # The (school, until) index serves "on this school's register on a day".
    school = models.ForeignKey(School, models.CASCADE, related_name="+", db_index=False)
    class_no = models.PositiveSmallIntegerField(
        _("class"), validators=[MinValueValidator(LOWEST_CLASS), MaxValueValidator(HIGHEST_CLASS)]
    )
    since = models.DateField(_("on the register since"), null=True, blank=True)
    until = models.DateField(_("on the register until"))

    class Meta:
        verbose_name = _("past stay on a register")
        verbose_name_plural = _("past stays on a register")
        indexes = [models.Index(fields=["school", "until"], name="paststay_school_until")]
        constraints = [
            models.CheckConstraint(
                name="paststay_since_before_until",
                condition=Q(since__isnull=True) | Q(since__lte=F("until")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} at {self.school_id} until {self.until}"
