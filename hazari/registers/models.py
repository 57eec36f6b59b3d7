"""Registers: what attendance is measured against. For now, enrolment counts per class and
gender; imports with history, staff postings and the calendar come with the registers issue."""

from django.core.validators import MaxValueValidator, MinValueValidator
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
