from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolDaysConfig(AppConfig):
    name = "hazari.schooldays"
    label = "schooldays"
    verbose_name = _("School calendar")

    def ready(self) -> None:
        from hazari.lib.memo import clear_on_change
        from hazari.schooldays.days import DAY_CALENDARS
        from hazari.schooldays.models import AcademicSession, Closure, Timetable, WorkingDay
        from hazari.schooldays.timetables import SEASONS

        clear_on_change(DAY_CALENDARS, AcademicSession, Closure, WorkingDay)
        clear_on_change(SEASONS, Timetable)
