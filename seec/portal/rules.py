"""Who sees the reports from the public (see core/policy.py).

The centre responsible (the organisation that owns the alert's case, or the country's 116 000
centre) triages them: its case managers and supervisors, who may manage cases. A report about
an alert reaches the alert's authority too: the country's alert authority sees those reports.
Hotline operators, analysts and everyone else see none; the public only its own reference.
"""

from django.db.models import Q

from seec.core import policy
from seec.core.policy import Act, Capability, Rule

from .models import NetworkPublication, PublicReport, PublishedChild


@policy.register(PublicReport)
class PublicReportRule(Rule):
    def scope(self, user, queryset, action):
        if not policy.is_signed_in(user) or user.organisation_id is None:
            return queryset.none()
        allowed = Q(pk__in=[])
        if policy.has(user, Capability.MANAGE_CASES):
            allowed |= Q(organisation_id=user.organisation_id)
        country = user.organisation.country_id
        if country and policy.has(user, Capability.DECIDE_ALERTS) and action == Act.VIEW:
            allowed |= Q(alert__isnull=False, alert__country_id=country)
        if action not in (Act.VIEW, Act.MANAGE):
            return queryset.none()
        return queryset.filter(allowed)


@policy.register(PublishedChild)
class PublishedChildRule(Rule):
    """Inside the platform, a publication is the case's: seen by whoever sees the case, and
    made or withdrawn by whoever manages it. The public sees live ones through the portal."""

    def scope(self, user, queryset, action):
        from seec.cases.models import Case

        case_action = Act.VIEW if action == Act.VIEW else Act.MANAGE
        return queryset.filter(case__in=policy.visible_to(user, Case, case_action).values("pk"))


@policy.register(NetworkPublication)
class NetworkPublicationRule(Rule):
    """Inside the platform, the regional coordinators (who keep the network's records) see
    and change what of them is public; the public sees live ones through the portal."""

    def scope(self, user, queryset, action):
        from seec.network.rules import is_coordinator

        return queryset if is_coordinator(user) else queryset.none()
