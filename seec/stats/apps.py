from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "seec.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        from seec.core import audit
        from seec.core.context_processors import NAVIGATION, NavItem
        from seec.core.policy import Capability

        from . import (
            rules,  # noqa: F401 — registers the access rules
            tallies,
        )
        from .services import ACTION_LABELS

        audit.ACTION_LABELS.update(ACTION_LABELS)
        tallies.connect()
        # The statistics pages sit before the API link, for the roles that read aggregates.
        before = next(
            (i for i, item in enumerate(NAVIGATION) if item.url_name == "api-docs"), len(NAVIGATION)
        )
        NAVIGATION.insert(
            before, NavItem(_("Statistics"), "stats:dashboard", (Capability.VIEW_AGGREGATES,))
        )
