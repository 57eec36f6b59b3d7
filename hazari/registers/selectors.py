from dataclasses import dataclass

from django.utils import timezone

from hazari.orgunits.models import School
from hazari.registers.models import Enrolment, academic_year_of


@dataclass(frozen=True)
class EnrolmentRow:
    class_no: int
    boys: int
    girls: int
    third_gender: int

    @property
    def total(self) -> int:
        return self.boys + self.girls + self.third_gender


@dataclass(frozen=True)
class EnrolmentTable:
    academic_year: int
    rows: list[EnrolmentRow]

    @property
    def total(self) -> EnrolmentRow:
        return EnrolmentRow(
            0,
            sum(r.boys for r in self.rows),
            sum(r.girls for r in self.rows),
            sum(r.third_gender for r in self.rows),
        )

    @property
    def session(self) -> str:
        return f"{self.academic_year}–{(self.academic_year + 1) % 100:02d}"


def enrolment_table(school: School, academic_year: int | None = None) -> EnrolmentTable:
    """Every class the school teaches, with its enrolment (0 where none is recorded yet)."""
    year = academic_year or academic_year_of(timezone.localdate())
    recorded = {e.class_no: e for e in Enrolment.objects.filter(school=school, academic_year=year)}
    rows = []
    for class_no in school.classes:
        e = recorded.get(class_no)
        rows.append(
            EnrolmentRow(class_no, e.boys, e.girls, e.third_gender)
            if e
            else EnrolmentRow(class_no, 0, 0, 0)
        )
    return EnrolmentTable(year, rows)
