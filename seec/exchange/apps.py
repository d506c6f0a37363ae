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
        self._add_navigation()

    @staticmethod
    def _add_navigation():
        from seec.core.context_processors import NAVIGATION, NavItem
        from seec.core.policy import Capability

        at = next(
            (i for i, item in enumerate(NAVIGATION) if item.url_name == "audit-trail"),
            len(NAVIGATION),
        )
        NAVIGATION[at:at] = [
            NavItem(_("Referrals"), "exchange:referrals", (Capability.SHARE_RECORDS,)),
            NavItem(_("Nodes"), "exchange:nodes", (Capability.ADMINISTER,)),
        ]
