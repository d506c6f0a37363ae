from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "seec.alerts"
    label = "alerts"
    verbose_name = _("Child alerts")

    def ready(self):
        from seec.core.views.dashboard import PANELS

        from . import rules, services  # noqa: F401 — access rules; audit labels; case signals
        from .dashboard import alerts_panel

        PANELS.append(alerts_panel)
