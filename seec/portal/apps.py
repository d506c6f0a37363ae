from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "seec.portal"
    label = "portal"
    verbose_name = _("Public site")

    def ready(self):
        from . import rules, services  # noqa: F401 — access rules; audit labels
