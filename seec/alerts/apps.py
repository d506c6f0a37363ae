from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "seec.alerts"
    label = "alerts"
    verbose_name = _("Child alerts")

    def ready(self):
        from seec.core import public_cache
        from seec.core.views.dashboard import PANELS

        from . import rules, services  # noqa: F401 — access rules; audit labels; case signals
        from .dashboard import alerts_panel
        from .models import Alert, AlertText, CapMessage

        PANELS.append(alerts_panel)
        # Issued, updated, cancelled: the public pages and the feed show it at once.
        public_cache.invalidate_on_change(Alert, AlertText, CapMessage)
