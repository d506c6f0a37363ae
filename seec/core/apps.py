from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "seec.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import api_fields, rules, signals  # noqa: F401 — registers access rules and audit hooks

        api_fields.install()
