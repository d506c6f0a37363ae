from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "seec.portal"
    label = "portal"
    verbose_name = _("Public site")

    def ready(self):
        from seec.core import public_cache
        from seec.core.context_processors import NAVIGATION, PUBLIC_NAVIGATION, NavItem
        from seec.core.models import Country, Organisation
        from seec.core.policy import Capability
        from seec.network.models import (
            Activity,
            HotlineFact,
            InfoDesk,
            Partner,
            ServiceEvaluation,
        )

        from . import rules, services  # noqa: F401 — access rules; audit labels
        from .models import NetworkPublication, PublishedChild

        # A child published or withdrawn: the live list on the home page changes at once.
        # The hotline directory and the regional centre's pages are cached too: they change
        # with the country profiles' hotline facts and evaluations, the centres on the
        # platform (the chat link), what a coordinator publishes, and the published records.
        public_cache.invalidate_on_change(
            PublishedChild,
            NetworkPublication,
            Partner,
            Activity,
            InfoDesk,
            HotlineFact,
            ServiceEvaluation,
            Organisation,
            Country,
        )

        # Anonymous visitors of the platform's pages (the sign-in page) find the public site.
        PUBLIC_NAVIGATION.extend(
            [
                NavItem(_("Child alerts"), "portal:home"),
                NavItem(_("Hotlines 116 000"), "portal:hotlines"),
                NavItem(_("Report a sighting or a suspicion"), "portal:report"),
            ]
        )
        # The triage queue beside the alerts, for those who triage.
        triage = NavItem(
            _("Reports from the public"),
            "portal:triage",
            (Capability.MANAGE_CASES, Capability.DECIDE_ALERTS),
        )
        after = next(
            (i + 1 for i, item in enumerate(NAVIGATION) if item.url_name == "alerts:list"),
            len(NAVIGATION),
        )
        NAVIGATION.insert(after, triage)
