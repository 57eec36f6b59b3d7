from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MealsConfig(AppConfig):
    name = "hazari.meals"
    label = "meals"
    verbose_name = _("Mid-day meals")
