"""Inside the platform: a regional coordinator chooses what of the network's records the
public site shows (partners, events and trainings, info-desks), writes its news and releases
the annual statistical report. Everything else in the network app stays staff-only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.core.audit import Origin
from seec.network.views import coordinator_only

from . import services
from .forms import NetworkPublishForm
from .models import NetworkItemKind
from .selectors import live_network_publications

KINDS = [
    NetworkItemKind.PARTNER,
    NetworkItemKind.ACTIVITY,
    NetworkItemKind.INFO_DESK,
    NetworkItemKind.NEWS,
    NetworkItemKind.REPORT,
]


@coordinator_only
def publish(request):
    kind = request.POST.get("kind") if request.method == "POST" else None
    forms = {k: NetworkPublishForm(request.POST if k == kind else None, kind=k) for k in KINDS}
    status = 200
    if kind is not None:
        form = forms.get(kind)
        if form is None:
            messages.error(request, _("Choose what to publish."))
            status = 400
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.publish_network_item(
                    origin=Origin.of(request),
                    kind=kind,
                    record=data.get("record"),
                    year=data.get("year"),
                    title=data.get("title", ""),
                    public_text=data.get("public_text", ""),
                )
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
                status = 400
            else:
                messages.success(request, _("Published on the public site."))
                return redirect("portal:network-publish")
        else:
            status = 400
    live = live_network_publications().select_related("partner", "activity", "info_desk")
    return render(
        request,
        "portal/network_publish.html",
        {
            "sections": [(forms[k], NetworkItemKind(k).label) for k in KINDS],
            "live": live,
        },
        status=status,
    )


@coordinator_only
@require_POST
def withdraw(request, pk):
    publication = get_object_or_404(live_network_publications(), pk=pk)
    services.withdraw_network_item(publication, origin=Origin.of(request))
    messages.success(request, _("Taken off the public site."))
    return redirect("portal:network-publish")
