"""The network's sub-navigation: the sections the signed-in user may open."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from seec.core import policy
from seec.core.policy import Capability

from ..rules import is_analyst, is_coordinator, works_on_cases

register = template.Library()


def _sections(user):
    coordinator = is_coordinator(user)
    analyst = is_analyst(user)
    organisation = user.organisation_id is not None
    return [
        ("network:home", _("Map and country profiles"), True),
        ("network:protocols", _("Model protocols"), True),
        ("network:directory", _("Liaison officers"), coordinator or works_on_cases(user)),
        ("network:agreements", _("Agreements"), coordinator or organisation),
        ("network:partners", _("Partners"), coordinator),
        ("network:activities", _("Activities"), coordinator or analyst or organisation),
        ("network:desks", _("Info-desks"), coordinator or analyst or organisation),
        ("network:projects", _("Projects"), coordinator),
        ("network:plans", _("Action plans"), coordinator or analyst),
        (
            "network:evaluations",
            _("Service evaluations"),
            coordinator or analyst or policy.has(user, Capability.SUPERVISE),
        ),
    ]


@register.inclusion_tag("network/_nav.html", takes_context=True)
def network_nav(context):
    request = context["request"]
    links = []
    for name, label, shown in _sections(request.user):
        if not shown:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "current": request.path == url})
    return {"links": links}


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
