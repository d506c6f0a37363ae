from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "seec.network"
    label = "network"
    verbose_name = _("Regional network")

    def ready(self):
        from seec.core import audit
        from seec.core.context_processors import NAVIGATION, NavItem

        from . import (
            indicators,
            rules,  # noqa: F401 — registers the access rules
        )
        from .services import ACTION_LABELS

        audit.ACTION_LABELS.update(ACTION_LABELS)
        indicators.register_platform_indicators()
        # The network's pages sit before the API link; every signed-in user reads the region's
        # country profiles, the rest of each page follows the access policy.
        before = next(
            (i for i, item in enumerate(NAVIGATION) if item.url_name == "api-docs"), len(NAVIGATION)
        )
        NAVIGATION.insert(before, NavItem(_("Network"), "network:home"))
