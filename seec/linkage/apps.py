from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "seec.linkage"
    label = "linkage"
    verbose_name = _("Record linkage")

    def ready(self):
        from . import rules, services  # noqa: F401 — access rules; audit labels
