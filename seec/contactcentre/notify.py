"""What the contact centre tells the screens that are open, over the channel layer.

Every push is sent after the transaction that caused it commits: a screen never shows a call,
a message or a transfer that a rollback took back. Groups:

- `operator.<user id>`: one operator's screens (offers, screen pops, chat messages);
- `supervisors.<organisation id>`: the live view of an organisation's queue;
- `chat.<conversation id>`: the visitor's side of a web chat.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def operator_group(user_id: int) -> str:
    return f"operator.{user_id}"


def supervisors_group(organisation_id: int) -> str:
    return f"supervisors.{organisation_id}"


def chat_group(conversation_id: int) -> str:
    return f"chat.{conversation_id}"


def send_now(group: str, payload: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, {"type": "push", "payload": payload})


def send(group: str, payload: dict) -> None:
    """Push `payload` to `group` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_now(group, payload))
