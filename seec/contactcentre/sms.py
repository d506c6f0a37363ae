"""Two-way SMS through the platform's SMS gateway.

In: the gateway posts each received SMS to `/contact-centre/lines/<id>/sms/`, signed like a PBX
event (pbx.py): `{"from": "+30…", "text": "…", "id": "<the gateway's message id>"}`. A number's
messages join its SMS conversation while it is live; otherwise they start a new one, queued and
routed like a call. Out: an operator's reply is sent by the task worker through the gateway's
batch API (the one alerts use), with the message's id as its idempotency key.
"""

import re

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tasks import task

from seec.cases.models import Channel
from seec.core.audit import Origin, client_ip

from . import services
from .models import LIVE_STATES, ContactLineKind, Conversation, ConversationMessage, Sender
from .pbx import read_signed

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@transaction.atomic
def receive_sms(line, *, number: str, text: str, gateway_id: str) -> ConversationMessage:
    conversation = (
        Conversation.objects.select_for_update()
        .filter(
            organisation_id=line.organisation_id,
            channel=Channel.SMS,
            caller_number=number,
            state__in=LIVE_STATES,
        )
        .order_by("-arrived_at")
        .first()
    )
    if conversation is None:
        conversation, _created = services.contact_arrived(
            organisation=line.organisation,
            channel=Channel.SMS,
            caller_number=number,
            external_id=f"sms:{gateway_id}"[:100],
            line=line,
        )
    return services.add_message(conversation, sender=Sender.CALLER, body=text)


@csrf_exempt
@require_POST
def inbound(request, line):
    line, data, refusal = read_signed(request, line, (ContactLineKind.SMS,))
    if refusal is not None:
        return refusal
    number = data.get("from") if isinstance(data, dict) else None
    text = data.get("text") if isinstance(data, dict) else None
    gateway_id = data.get("id") if isinstance(data, dict) else None
    problem = ""
    if not isinstance(number, str) or not E164.match(number):
        problem = "from: an E.164 number"
    elif not isinstance(text, str):
        problem = "text: a string"
    elif not isinstance(gateway_id, str) or not 0 < len(gateway_id) <= 80:
        problem = "id: the gateway's message id"
    if not problem:
        try:
            message = receive_sms(line, number=number, text=text, gateway_id=gateway_id)
        except ValidationError as error:
            problem = " ".join(error.messages)
    if problem:
        services.refused(
            "sms",
            reason=problem,
            origin=Origin(ip_address=client_ip(request)),
            details={"line": line.pk},
        )
        return JsonResponse({"error": problem}, status=400)
    return JsonResponse({"conversation": message.conversation_id, "message": message.pk})


@task()
def send_sms_reply(message_id: int) -> str:
    """Send an operator's SMS reply; a gateway failure raises, and the worker records it."""
    message = ConversationMessage.objects.select_related("conversation").get(pk=message_id)
    conversation = message.conversation
    language = conversation.caller_language or "und"
    response = httpx.post(
        settings.SEEC_GATEWAYS["sms"] + "/v1/sms/batches",
        json={
            "message": f"conversation-{conversation.pk}",
            "sender": settings.SEEC_SMS_SENDER,
            "texts": {language: message.body},
            "messages": [
                {
                    "ref": f"reply-{message.pk}",
                    "to": conversation.caller_number,
                    "language": language,
                }
            ],
        },
        timeout=10,
    )
    response.raise_for_status()
    accepted = response.json().get("accepted", [])
    if f"reply-{message.pk}" not in accepted:
        raise RuntimeError(
            f"the SMS gateway did not take reply {message.pk}: {response.text[:200]}"
        )
    return "sent"
