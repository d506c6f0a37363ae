"""The public web chat: a child or a parent writes to their country's 116 000 hotline.

No third-party script, no account, nothing stored in the browser beyond the tab (the chat's key
lives in sessionStorage, so a reload continues the chat and closing the tab forgets it); the
quick-exit button leaves for a neutral site at once and wipes the page's history entry.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.core.audit import Origin, client_ip
from seec.core.models import Organisation, OrganisationKind

from . import services
from .forms import PublicChatForm


def chat_page(request):
    return render(
        request,
        "contactcentre/public_chat.html",
        {
            # The public site's hotline directory links each country's chat (?country=GR).
            "form": PublicChatForm(initial={"country": request.GET.get("country", "")[:2]}),
            "max_message": settings.SEEC_CHAT_MAX_MESSAGE_CHARS,
        },
    )


def _start_allowed(address: str) -> bool:
    key = f"cc-chat-start:{address}:{int(time.time() // 3600)}"
    cache.add(key, 0, 7200)
    try:
        return cache.incr(key) <= settings.SEEC_CHAT_STARTS_PER_HOUR
    except ValueError:
        return True


@require_POST
def start_chat(request):
    """Open a chat with the chosen country's hotline; answers the chat's key (JSON)."""
    form = PublicChatForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    address = client_ip(request) or ""
    if not _start_allowed(address):
        services.refused("chat start", reason="flood", origin=Origin(ip_address=address or None))
        return JsonResponse(
            {"errors": {"__all__": [{"message": _("Too many chats from here: try again later.")}]}},
            status=429,
        )
    hotline = (
        Organisation.objects.filter(
            country=form.cleaned_data["country"],
            kind=OrganisationKind.NATIONAL_CENTRE,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )
    if hotline is None:
        return JsonResponse(
            {"errors": {"country": [{"message": _("This country's hotline does not chat yet.")}]}},
            status=400,
        )
    _conversation, key = services.open_web_chat(
        organisation=hotline, language=form.cleaned_data["language"]
    )
    return JsonResponse({"key": key, "hotline": hotline.name})
