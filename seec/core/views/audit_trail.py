"""Browsing the audit trail (supervisors: their organisation; administrators: everything)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import audit_redaction, policy
from ..forms import AuditFilterForm
from ..models import AuditEvent
from ..policy import Capability

PAGE_SIZE = 50


def may_browse(user) -> bool:
    return policy.has(user, Capability.BROWSE_ALL_AUDIT) or policy.has(
        user, Capability.BROWSE_ORGANISATION_AUDIT
    )


@login_required
def audit_trail(request):
    if not may_browse(request.user):
        raise PermissionDenied
    events = policy.visible_to(request.user, AuditEvent).select_related("organisation")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()
    # Counting a large trail is slower than showing it: page by sequence, without a total.
    page = Paginator(events.order_by("-sequence"), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.shown_repr = audit_redaction.object_repr_for(request.user, event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_trail.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
