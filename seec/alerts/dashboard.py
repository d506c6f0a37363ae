"""The alerts panel on the dashboard: requests waiting for the authority, alerts live now."""

from django.utils import timezone

from seec.core import policy
from seec.core.policy import Capability

from .models import Alert, AlertStatus


def alerts_panel(user):
    if not (
        policy.has(user, Capability.DECIDE_ALERTS) or policy.has(user, Capability.REQUEST_ALERTS)
    ):
        return None
    alerts = policy.visible_to(user, Alert)
    return {
        "template": "alerts/_dashboard_panel.html",
        "waiting": alerts.filter(status=AlertStatus.REQUESTED).count(),
        "live": alerts.filter(status=AlertStatus.ISSUED, expires_at__gt=timezone.now()).count(),
        "decide": policy.has(user, Capability.DECIDE_ALERTS),
    }
