"""The administrator's pages of the exchange: nodes and trust, and the message traffic
(outbox, inbox, dead letters, refusals)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Capability

from . import keys, nodes, services
from .models import (
    DEAD_LETTER_STATES,
    InboundMessage,
    KeyUse,
    OutboundMessage,
    Peer,
    PeerKey,
    RefusedMessage,
)


def administrators_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not policy.has(request.user, Capability.ADMINISTER):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _peer(request, pk) -> Peer:
    return policy.get_visible_or_404(request.user, Peer, pk=pk)


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@administrators_only
def node_list(request):
    peers = policy.visible_to(request.user, Peer).prefetch_related("organisations")
    return render(
        request,
        "exchange/nodes.html",
        {
            "peers": peers,
            "node_id": nodes.node_id(),
            "fingerprint": keys.readable(keys.node_fingerprint()),
            "own_keys": keys.usable(KeyUse.SIGNING).union(keys.usable(KeyUse.ENCRYPTION)),
        },
    )


@administrators_only
def add_node(request):
    url = (request.POST.get("url") or request.GET.get("url") or "").strip()
    preview = None
    if request.method == "POST" and request.POST.get("step") == "add":
        try:
            peer = nodes.add_peer(url, origin=Origin.of(request))
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Node added. Confirm its fingerprint to trust it."))
            return redirect("exchange:node", pk=peer.pk)
    elif url:
        try:
            preview = nodes.preview_peer(url)
            preview["readable_fingerprint"] = keys.readable(preview["fingerprint"])
        except nodes.PeerProblem as problem:
            messages.error(request, str(problem))
    return render(request, "exchange/node_add.html", {"url": url, "preview": preview})


@administrators_only
def node_detail(request, pk):
    peer = _peer(request, pk)
    return render(
        request,
        "exchange/node.html",
        {
            "peer": peer,
            "readable_fingerprint": keys.readable(peer.fingerprint),
            "peer_keys": peer.keys.order_by("use", "-first_seen_at"),
            "organisations": peer.organisations.select_related("organisation__country"),
            "outbox": peer.outbox.order_by("-created_at")[:20],
            "inbox": peer.inbox.order_by("-received_at")[:20],
        },
    )


def _peer_step(run, success):
    @administrators_only
    @require_POST
    def view(request, pk):
        peer = _peer(request, pk)
        try:
            run(request, peer)
        except ValidationError as error:
            _errors(request, error)
        except nodes.PeerProblem as problem:
            messages.error(request, str(problem))
        else:
            messages.success(request, success)
        return redirect("exchange:node", pk=peer.pk)

    return view


confirm_node = _peer_step(
    lambda request, peer: nodes.confirm_peer(
        peer, request.POST.get("fingerprint", ""), origin=Origin.of(request)
    ),
    _("Fingerprint confirmed: the node is trusted."),
)
suspend_node = _peer_step(
    lambda request, peer: nodes.suspend_peer(
        peer, origin=Origin.of(request), reason=request.POST.get("reason", "")
    ),
    _("The node is no longer heard."),
)
refresh_node = _peer_step(
    lambda request, peer: nodes.refresh_peer(peer, force=True),
    _("The node's keys and organisations were read again."),
)
import_node_directory = _peer_step(
    lambda request, peer: nodes.import_directory(peer, origin=Origin.of(request)),
    _("The nodes of its directory were added."),
)


def _ping(request, peer):
    from seec.exchange.models import RemoteOrganisation

    target = RemoteOrganisation.objects.filter(peer=peer).select_related("organisation").first()
    if target is None or request.user.organisation is None:
        raise ValidationError(_("The node hosts no organisation to write to."))
    services.send(
        target.organisation,
        "exchange.ping",
        {"written_at": timezone.now().isoformat(), "by": request.user.get_username()},
        sender=request.user.organisation,
        origin=Origin.of(request),
        status="Test",
    )


ping_node = _peer_step(_ping, _("A test message is on its way; its receipt will show below."))


@administrators_only
@require_POST
def revoke_key(request, pk):
    peer_key = policy.get_visible_or_404(request.user, PeerKey, pk=pk)
    try:
        nodes.revoke_peer_key(
            peer_key, origin=Origin.of(request), reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The key is refused from now on."))
    return redirect("exchange:node", pk=peer_key.peer_id)


@administrators_only
def message_list(request):
    box = request.GET.get("box", "dead")
    user = request.user
    if box == "inbox":
        rows = policy.visible_to(user, InboundMessage).select_related("peer")
    elif box == "refused":
        rows = policy.visible_to(user, RefusedMessage).select_related("peer")
    elif box == "outbox":
        rows = policy.visible_to(user, OutboundMessage).select_related("peer")
    else:
        box = "dead"
        rows = policy.visible_to(user, OutboundMessage).filter(state__in=DEAD_LETTER_STATES)
        rows = rows.select_related("peer")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "exchange/messages.html", {"box": box, "page": page})


@administrators_only
@require_POST
def retry_message(request, pk):
    message = policy.get_visible_or_404(request.user, OutboundMessage, pk=pk)
    try:
        services.retry_dead_letter(message, origin=Origin.of(request))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect(reverse("exchange:messages") + "?box=dead")
