"""Who sees and acts on child alerts (see core/policy.py).

The hotline that owns the case sees its alerts and may request, withdraw and ask for updates;
the alert authority of the alert's country (police, or a magistrate) sees every alert of that
country and alone decides: approve, reject, extend, cancel. Nobody else sees a request; the
public sees an issued alert only through the public pages, which show what the alert publishes.
"""

from django.db.models import Q

from seec.cases.models import Case
from seec.core import policy
from seec.core.policy import Act, Capability, Rule

from .models import Alert


class AlertAct:
    REQUEST = "request"  # request, withdraw, propose an update: the case's hotline
    DECIDE = "decide"  # approve, reject, extend, cancel: the country's alert authority


@policy.register(Alert)
class AlertRule(Rule):
    def scope(self, user, queryset, action):
        if not policy.is_signed_in(user) or user.organisation_id is None:
            return queryset.none()
        country = user.organisation.country_id
        authority = (
            Q(country_id=country)
            if country and policy.has(user, Capability.DECIDE_ALERTS)
            else Q(pk__in=[])
        )
        if action == AlertAct.DECIDE:
            return queryset.filter(authority)
        if action == AlertAct.REQUEST:
            if not policy.has(user, Capability.REQUEST_ALERTS):
                return queryset.none()
            return queryset.filter(case__in=policy.visible_to(user, Case, Act.MANAGE))
        if action == Act.VIEW:
            return queryset.filter(authority | Q(case__in=policy.visible_to(user, Case)))
        return queryset.none()
