from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "seec.cases"
    label = "cases"
    verbose_name = _("116 000 hotline cases")

    def ready(self):
        from seec.core.views.dashboard import PANELS

        from . import rules, services  # noqa: F401 — access rules; audit action labels
        from .dashboard import hotline_panel

        PANELS.append(hotline_panel)
