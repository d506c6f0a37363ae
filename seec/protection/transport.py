"""How a repatriation step reaches the agency that owns it and how its answer comes back.

Two payload types: `protection.repatriation_step` (the request, with only what the owner needs
to do the step) and `protection.repatriation_step_answer` (confirmed or refused, with a note).
With the exchange installed (`seec.exchange`) both travel through its registry and `send`,
which serves an organisation on this installation at once and one on another installation as
a signed, encrypted message; without it, both organisations are on this installation and the
handlers run directly. The handlers are the same either way.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.core.models import Organisation

STEP_REQUEST = "protection.repatriation_step"
STEP_ANSWER = "protection.repatriation_step_answer"


@dataclass(frozen=True)
class LocalDelivery:
    """What a handler reads of a delivered payload (the exchange's `Delivered` has the same)."""

    payload: dict
    sender: Organisation
    recipient: Organisation
    conversation: str
    peer: object | None = None


def exchange_installed() -> bool:
    return apps.is_installed("seec.exchange")


def send(
    recipient: Organisation, payload_type: str, payload: dict, *, sender, origin, conversation
):
    """Deliver a payload to `recipient`, here or on another installation."""
    if exchange_installed():
        from seec.exchange.services import send as exchange_send

        return exchange_send(
            recipient,
            payload_type,
            payload,
            sender=sender,
            origin=origin,
            conversation=conversation,
            handling="H2",
        )
    HANDLERS[payload_type](
        LocalDelivery(payload, sender=sender, recipient=recipient, conversation=conversation)
    )
    return None


def on_step_request(delivered) -> None:
    from .repatriation import receive_step_request

    payload = delivered.payload
    due_on = parse_date(payload["due_on"])
    if due_on is None:
        raise ValidationError(_("The step's due date is not a date."))
    receive_step_request(
        organisation=delivered.recipient,
        partner=delivered.sender,
        conversation=delivered.conversation,
        payload=payload,
        due_on=due_on,
    )


def on_step_answer(delivered) -> None:
    from .repatriation import receive_step_answer

    receive_step_answer(
        organisation=delivered.recipient,
        owner=delivered.sender,
        conversation=delivered.conversation,
        payload=delivered.payload,
    )


HANDLERS = {STEP_REQUEST: on_step_request, STEP_ANSWER: on_step_answer}


def register_payload_types() -> None:
    """Register both payload types with the exchange's registry (when it is installed)."""
    if not exchange_installed():
        return
    from seec.exchange import payloads
    from seec.exchange.payloads import DATE, SHORT_TEXT, TEXT, obj

    from .models import StepKind

    if payloads.get(STEP_REQUEST) is not None:
        return
    payloads.register(
        payloads.PayloadType(
            name=STEP_REQUEST,
            description=gettext_lazy("A step of a child's safe return, asked of its owner"),
            schema=obj(
                {
                    "plan": SHORT_TEXT,
                    "step": {"enum": list(StepKind.values)},
                    "position": {"type": "integer", "minimum": 1},
                    "description": SHORT_TEXT,
                    "due_on": DATE,
                    "child": obj(
                        {"name": SHORT_TEXT, "born": {"anyOf": [DATE, {"type": "null"}]}}, ["name"]
                    ),
                },
                ["plan", "step", "due_on", "child"],
            ),
            handler=on_step_request,
            kind="Report",
        )
    )
    payloads.register(
        payloads.PayloadType(
            name=STEP_ANSWER,
            description=gettext_lazy("The owner's answer to a step of a child's safe return"),
            schema=obj(
                {
                    "answer": {"enum": ["confirmed", "refused"]},
                    "note": TEXT,
                    "by": SHORT_TEXT,
                    "at": SHORT_TEXT,
                },
                ["answer", "by", "at"],
            ),
            handler=on_step_answer,
            kind="Update",
        )
    )
