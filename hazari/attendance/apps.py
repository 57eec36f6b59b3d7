from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "hazari.attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        from hazari.attendance.models import RuleSet
        from hazari.attendance.rules import OVERRIDES
        from hazari.lib.memo import clear_on_change

        clear_on_change(OVERRIDES, RuleSet)
