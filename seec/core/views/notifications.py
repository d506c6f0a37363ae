"""The signed-in user's notices: newest first, opened (and so read) one by one or all read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import notices, policy
from ..models import Notification


@login_required
def notification_list(request):
    page = Paginator(policy.visible_to(request.user, Notification), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def open_notification(request, pk):
    notice = get_object_or_404(policy.visible_to(request.user, Notification), pk=pk)
    notices.mark_read(request.user, notice.pk)
    safe = url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()})
    return redirect(notice.link if notice.link and safe else "notifications")


@login_required
@require_POST
def read_all(request):
    notices.mark_read(request.user)
    return redirect("notifications")
