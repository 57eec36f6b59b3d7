from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "hazari.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from hazari.dashboards.models import RefreshState
        from hazari.dashboards.selectors import REFRESHED
        from hazari.lib.memo import clear_on_change

        clear_on_change(REFRESHED, RefreshState)
