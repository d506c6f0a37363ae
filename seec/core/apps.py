from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "seec.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import api_fields, montenegrin, rules, signals  # noqa: F401 — access rules, audit hooks

        api_fields.install()
        montenegrin.install()
