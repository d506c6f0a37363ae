"""The registry of payload types: what may travel in the envelope.

A payload type is a name (`referral.offer`), the JSON Schema its payload must satisfy, the
handler that applies it where it arrives, and who may send and receive it. The same type
serves an organisation hosted on this node (its handler runs at once, in the sender's
transaction) and one hosted by a peer (the payload travels signed and encrypted, and the
peer's handler runs when it arrives). docs/exchange.md says how to add one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from seec.core.models import Organisation


@dataclass(frozen=True)
class Delivered:
    """A payload as its handler receives it, wherever it came from."""

    payload_type: str
    payload: dict
    sender: Organisation
    recipient: Organisation
    conversation: str
    kind: str
    handling: str
    status: str
    # Set when the payload came from a peer; None when both organisations are hosted here.
    distribution_id: str | None = None
    peer: object | None = None

    @property
    def is_remote(self) -> bool:
        return self.peer is not None


def our_side(model, delivered: Delivered, side: str | None = None):
    """The record of the matter a message is about, on the receiving organisation's side
    (`model` has conversation, side, organisation and partner), locked; refused if the sender
    is not the other party."""
    rows = model.objects.select_for_update().filter(
        conversation=delivered.conversation, organisation=delivered.recipient
    )
    record = (rows.filter(side=side) if side else rows).first()
    if record is None or record.partner_id != delivered.sender.pk:
        raise ValidationError(
            _("No such %(what)s between these organisations.") % {"what": model._meta.verbose_name}
        )
    return record


def anyone(_organisation: Organisation) -> bool:
    return True


@dataclass(frozen=True)
class PayloadType:
    name: str
    schema: dict
    handler: Callable[[Delivered], None]
    description: str = ""
    # Which organisations may send and receive this type (by the organisation, wherever it
    # is hosted); the service that sends checks its user's rights itself.
    may_send: Callable[[Organisation], bool] = anyone
    may_receive: Callable[[Organisation], bool] = anyone
    # The EDXL-DE distribution kind it travels as.
    kind: str = "Report"
    validator: Draft202012Validator = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        Draft202012Validator.check_schema(self.schema)
        object.__setattr__(self, "validator", Draft202012Validator(self.schema))

    def problems(self, payload) -> list[str]:
        """Every way the payload fails its schema, each naming where."""
        found = []
        for error in sorted(self.validator.iter_errors(payload), key=lambda e: list(e.path)):
            where = "/".join(str(part) for part in error.path) or "(payload)"
            found.append(f"{where}: {error.message}")
        return found


_registry: dict[str, PayloadType] = {}


def register(payload_type: PayloadType) -> PayloadType:
    if payload_type.name in _registry:
        raise ImproperlyConfigured(f"Payload type {payload_type.name} is registered twice")
    _registry[payload_type.name] = payload_type
    return payload_type


def get(name: str) -> PayloadType | None:
    return _registry.get(name)


def registered() -> dict[str, PayloadType]:
    return dict(_registry)


# Schema pieces that many payload types use.
TEXT = {"type": "string", "maxLength": 10000}
SHORT_TEXT = {"type": "string", "maxLength": 300}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
DATE_TIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$",
}


def obj(properties: dict, required: list[str] | None = None) -> dict:
    """A closed object schema: unknown fields are refused, not silently dropped."""
    return {
        "type": "object",
        "properties": properties,
        "required": required or [],
        "additionalProperties": False,
    }
