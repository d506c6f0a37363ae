from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "seec.exchange"
    label = "exchange"
    verbose_name = _("Exchange between installations")

    def ready(self):
        # Access rules, audit action labels, and the payload types each module registers.
        from . import audit_actions, rules  # noqa: F401
        from .payload_types import load_builtin

        load_builtin()
