"""The hotline's panel on the dashboard: what needs doing now."""

from django.utils import timezone

from seec.core import policy
from seec.core.policy import Capability

from . import selectors
from .models import RiskLevel


def hotline_panel(user):
    if not policy.has(user, Capability.VIEW_PERSONAL_DATA):
        return None
    open_cases = selectors.cases_for(user).open()
    tasks = selectors.my_tasks(user)
    return {
        "template": "cases/_dashboard_panel.html",
        "open_cases": open_cases.count(),
        "high_risk": open_cases.filter(risk_level__in=[RiskLevel.HIGH, RiskLevel.CRITICAL]).count(),
        "my_tasks": tasks.count(),
        "overdue": tasks.filter(due_at__lt=timezone.now()).count(),
        "record": policy.has(user, Capability.RECORD_CONTACTS),
    }
