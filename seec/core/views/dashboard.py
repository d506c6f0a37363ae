"""The signed-in user's start page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import demo_progress, policy
from ..audit import Action
from ..models import AuditEvent
from ..signin import second_factor_state

SIGN_IN_ACTIONS = [Action.SIGN_IN, Action.SIGN_IN_FAILED, Action.LOCKED_OUT]

# Apps add their own panels: a function (user) -> {"title", "template", ...context} or None.
PANELS = []


@login_required
def dashboard(request):
    user = request.user
    recent_sign_ins = policy.visible_to(user, AuditEvent).filter(
        actor=user, action__in=SIGN_IN_ACTIONS
    )[:5]
    return render(
        request,
        "core/dashboard.html",
        {
            "organisation": user.organisation,
            "roles": user.roles.all(),
            "second_factor": second_factor_state(user),
            "recent_sign_ins": recent_sign_ins,
            "panels": [panel for make in PANELS if (panel := make(user))],
            # The first `make run` loads the demo's records in the background (issue 17).
            "demo_loading": None if settings.PRODUCTION else demo_progress.current(),
        },
    )
