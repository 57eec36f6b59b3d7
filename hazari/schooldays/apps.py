from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolDaysConfig(AppConfig):
    name = "hazari.schooldays"
    label = "schooldays"
    verbose_name = _("School calendar")
