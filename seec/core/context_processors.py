"""What every page needs: the navigation the user's roles allow."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import notices, policy
from .policy import Capability
from .signin import fully_signed_in


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # None: every signed-in user; otherwise any one of these capabilities.
    capabilities: tuple[Capability, ...] | None = None


# Each app appends its pages here as it arrives (cases, alerts, statistics, …).
NAVIGATION: list[NavItem] = [
    NavItem(_("Dashboard"), "dashboard"),
    NavItem(_("Contact centre"), "contactcentre:console", (Capability.RECORD_CONTACTS,)),
    NavItem(_("New contact"), "contactcentre:call", (Capability.RECORD_CONTACTS,)),
    NavItem(_("Cases"), "cases:list", (Capability.VIEW_PERSONAL_DATA,)),
    NavItem(_("My tasks"), "cases:my-tasks", (Capability.VIEW_PERSONAL_DATA,)),
    NavItem(_("Team board"), "cases:board", (Capability.SUPERVISE,)),
    NavItem(_("Live queue"), "contactcentre:supervisor", (Capability.SUPERVISE,)),
    NavItem(_("Alerts"), "alerts:list", (Capability.REQUEST_ALERTS, Capability.DECIDE_ALERTS)),
    NavItem(_("Child victims"), "protection:victims", (Capability.VIEW_PERSONAL_DATA,)),
    NavItem(_("Linkage"), "linkage:runs", (Capability.MANAGE_CASES, Capability.SHARE_RECORDS)),
    NavItem(
        _("Audit trail"),
        "audit-trail",
        (Capability.BROWSE_ORGANISATION_AUDIT, Capability.BROWSE_ALL_AUDIT),
    ),
    NavItem(_("API"), "api-docs"),
    NavItem(_("Administration"), "admin:index", (Capability.ADMINISTER,)),
]

# What an anonymous visitor is offered (the public site adds its pages: seec/portal/apps.py).
PUBLIC_NAVIGATION: list[NavItem] = []


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": _items(request, PUBLIC_NAVIGATION)}
    if not fully_signed_in(user):
        return {"navigation": []}
    allowed = [
        item
        for item in NAVIGATION
        if item.capabilities is None or any(policy.has(user, c) for c in item.capabilities)
    ]
    return {
        "navigation": _items(request, allowed),
        "unread_notices": notices.unread_count(user),
        "perms_search": policy.has(user, Capability.VIEW_PERSONAL_DATA),
        "perms_record": policy.has(user, Capability.RECORD_CONTACTS),
    }


def _items(request, items: list[NavItem]) -> list[dict]:
    shown = []
    for item in items:
        url = reverse(item.url_name)
        current = (
            request.path == url
            if url in ("/", "/cases/", "/portal/")
            else request.path.startswith(url)
        )
        shown.append({"label": item.label, "url": url, "current": current})
    return shown
