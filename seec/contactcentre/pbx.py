"""Call events from the hotline's PBX: ringing, answered, ended, abandoned.

They come in two ways, both ending in `handle_event`:
- from Asterisk, read from its manager interface by `manage.py pbx_ami` (ami.py);
- from any other PBX, posted to `/contact-centre/lines/<id>/pbx-events/` as JSON and signed
  with the line's secret: `X-SEEC-Timestamp: <unix seconds>` and
  `X-SEEC-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`.

An event that is not signed, is stale or replayed from the past, or cannot be read is refused
with its reason, logged and audited, and changes nothing.
"""

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from seec.cases.models import Channel
from seec.core.audit import Origin, client_ip

from . import services
from .models import ContactLine, ContactLineKind, Conversation, OperatorPresence

EVENTS = ("ringing", "answered", "ended", "abandoned")
CALLER = re.compile(r"^\+?[0-9 ()./-]{0,40}$")
MAX_BODY_BYTES = 16 * 1024


@dataclass(frozen=True)
class PbxEvent:
    kind: str  # one of EVENTS
    call_id: str
    caller: str = ""
    at: datetime | None = None
    agent: str = ""  # the operator's extension, as the PBX names it
    wait_seconds: int | None = None


class MalformedEvent(ValueError):
    """The event cannot be read; the message says what is wrong, for the log."""


def parse_event(data) -> PbxEvent:
    """A webhook's JSON body as a PbxEvent, or MalformedEvent naming the field."""
    if not isinstance(data, dict):
        raise MalformedEvent("the body is not a JSON object")
    kind = data.get("event")
    if kind not in EVENTS:
        raise MalformedEvent(f"event: one of {', '.join(EVENTS)}")
    call_id = data.get("call_id")
    if not isinstance(call_id, str) or not 0 < len(call_id) <= 100:
        raise MalformedEvent("call_id: a string of 1 to 100 characters")
    caller = data.get("caller", "") or ""
    if not isinstance(caller, str) or not CALLER.match(caller):
        raise MalformedEvent("caller: a phone number")
    agent = data.get("agent", "") or ""
    if not isinstance(agent, str) or len(agent) > 60:
        raise MalformedEvent("agent: a string of at most 60 characters")
    at = None
    if data.get("at") is not None:
        try:
            at = datetime.fromisoformat(str(data["at"]))
        except ValueError:
            raise MalformedEvent("at: an ISO 8601 date and time") from None
        if timezone.is_naive(at):
            raise MalformedEvent("at: give the time zone")
    wait = data.get("wait_seconds")
    if wait is not None and (
        not isinstance(wait, int) or isinstance(wait, bool) or not 0 <= wait < 86400
    ):
        raise MalformedEvent("wait_seconds: whole seconds, under a day")
    return PbxEvent(kind, call_id, caller, at, agent, wait)


def _operator_at(line: ContactLine, agent: str):
    if not agent:
        return None
    presence = (
        OperatorPresence.objects.filter(organisation_id=line.organisation_id, extension=agent)
        .select_related("user")
        .first()
    )
    return presence.user if presence else None


@transaction.atomic
def handle_event(line: ContactLine, event: PbxEvent) -> Conversation | None:
    """Apply one call event. Events may come twice or out of order (a connector that started
    mid-call): a call first heard of when answered or ended is queued as arrived then."""
    origin = Origin()
    at = event.at or timezone.now()
    operator = _operator_at(line, event.agent)
    conversation = None
    if event.kind != "ringing":  # a ringing call is looked up by contact_arrived itself
        conversation = Conversation.objects.filter(
            organisation_id=line.organisation_id, channel=Channel.CALL, external_id=event.call_id
        ).first()
    created = False
    if conversation is None:
        if event.kind == "ended" and not event.caller:
            return None  # the end of a call we never heard of (an operator's own leg)
        arrived = at - timedelta(seconds=event.wait_seconds or 0)
        conversation, created = services.contact_arrived(
            organisation=line.organisation,
            channel=Channel.CALL,
            caller_number=event.caller,
            external_id=event.call_id,
            line=line,
            arrived_at=arrived if event.kind != "ringing" else at,
            operator=operator,
        )
    if event.kind == "ringing" and not created and operator is not None:
        # The PBX rings an operator's phone (Asterisk's AgentCalled): their screen pops up.
        services.offer_to(conversation, operator)
    elif event.kind == "answered":
        conversation = services.answer(conversation, origin=origin, at=at, operator=operator)
    elif event.kind in ("ended", "abandoned"):
        conversation = services.end(conversation, origin=origin, at=at)
    return conversation


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def check_signature(line: ContactLine, request, body: bytes) -> str:
    """The reason the request's signature is refused, or "" if it is good and fresh."""
    timestamp = request.headers.get("X-SEEC-Timestamp", "")
    given = request.headers.get("X-SEEC-Signature", "")
    if not timestamp or not given:
        return "unsigned"
    if (
        not timestamp.isdigit()
        or abs(time.time() - int(timestamp)) > settings.SEEC_PBX_SIGNATURE_MAX_AGE_SECONDS
    ):
        return "stale or malformed timestamp"
    if not hmac.compare_digest(given, signature(line.secret, timestamp, body)):
        return "bad signature"
    return ""


def read_signed(request, line_id: int, kinds: tuple[str, ...]):
    """The line and the JSON body of a signed request, or the JsonResponse that refuses it
    (the refusal logged and audited)."""
    origin = Origin(ip_address=client_ip(request))
    line = ContactLine.objects.filter(pk=line_id, is_active=True, kind__in=kinds).first()
    if line is None:
        services.refused("line", reason="unknown line", origin=origin, details={"line": line_id})
        return None, None, JsonResponse({"error": "unknown line"}, status=404)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        services.refused("pbx event", reason="too big", origin=origin, details={"line": line.pk})
        return None, None, JsonResponse({"error": "body too big"}, status=413)
    problem = check_signature(line, request, body)
    if problem:
        services.refused("signed event", reason=problem, origin=origin, details={"line": line.pk})
        return None, None, JsonResponse({"error": problem}, status=403)
    try:
        data = json.loads(body)
    except ValueError:
        services.refused(
            "signed event", reason="not JSON", origin=origin, details={"line": line.pk}
        )
        return None, None, JsonResponse({"error": "the body is not JSON"}, status=400)
    return line, data, None


@csrf_exempt
@require_POST
def webhook(request, line):
    """A PBX posts a call event (see the module's docstring)."""
    line, data, refusal = read_signed(
        request, line, (ContactLineKind.PBX_WEBHOOK, ContactLineKind.ASTERISK)
    )
    if refusal is not None:
        return refusal
    try:
        event = parse_event(data)
        conversation = handle_event(line, event)
    except (MalformedEvent, ValidationError) as error:
        services.refused(
            "pbx event",
            reason=str(error),
            origin=Origin(ip_address=client_ip(request)),
            details={"line": line.pk},
        )
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {
            "conversation": conversation.pk if conversation else None,
            "state": conversation.state if conversation else None,
        }
    )
