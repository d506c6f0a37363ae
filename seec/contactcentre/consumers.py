"""The WebSockets of the contact centre.

- `OperatorConsumer` (`/ws/contact-centre/`): an operator's or supervisor's screen. It receives
  what is offered to the operator (the screen pop), chat messages and ends, and for supervisors
  each change of the queue; it sends the operator's chat replies and keeps them routable.
- `VisitorChatConsumer` (`/ws/help-chat/`): the public side of a web chat. The visitor's first
  frame carries the chat's secret key (never the URL, which servers log); then messages.

Both refuse what is too big or too fast: a frame over the size limit, more messages than the
flood limit allows from one connection or one address. A refusal is told to the sender and
logged (and audited once per connection), and nothing of it is stored.
"""

import json
import time

from channels.db import DatabaseSyncToAsync
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from seec.core import policy
from seec.core.audit import Origin
from seec.core.policy import Act, Capability

from . import notify, services
from .models import Conversation, Sender


def database(function):
    """`function` run from the event loop with the database. On PostgreSQL in the thread pool,
    each thread with a connection of the process's pool, so that one socket's write does not
    wait for another's; on SQLite, which writes one at a time anyway, in the single thread that
    Django's synchronous code shares."""
    from django.db import connection

    return DatabaseSyncToAsync(function, thread_sensitive=connection.vendor == "sqlite")


class FloodLimit:
    """A token bucket per connection, and a count per client address and minute in the cache
    (shared by all the server's processes when the cache is Redis)."""

    def __init__(self, address: str):
        self.rate = settings.SEEC_CHAT_MESSAGES_PER_10_SECONDS / 10
        self.burst = settings.SEEC_CHAT_MESSAGES_PER_10_SECONDS
        self.tokens = float(self.burst)
        self.stamp = time.monotonic()
        self.address = address

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return self._address_allows()

    def _address_allows(self) -> bool:
        if not self.address:
            return True
        key = f"cc-flood:{self.address}:{int(time.time() // 60)}"
        cache.add(key, 0, 120)
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1
        return count <= settings.SEEC_CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS


def client_address(scope) -> str:
    client = scope.get("client") or ("", 0)
    return client[0] or ""


class RefusingConsumer(AsyncWebsocketConsumer):
    """What both sockets share: frames read as JSON under a size limit and a flood limit."""

    what = "websocket"

    async def connect(self):
        self.flood = FloodLimit(client_address(self.scope))
        self.refusals = 0
        await self.open()

    async def open(self):
        raise NotImplementedError

    async def receive(self, text_data=None, bytes_data=None):
        limit = settings.SEEC_CHAT_MAX_MESSAGE_CHARS
        # Characters encode to at most four bytes, JSON escapes to six: a frame beyond this
        # cannot hold a message within the limit.
        if text_data is None or len(text_data) > limit * 6 + 200:
            await self.refuse(
                "too_big", _("A message is at most %(limit)d characters.") % {"limit": limit}
            )
            return
        try:
            frame = json.loads(text_data)
            if not isinstance(frame, dict):
                raise ValueError
        except ValueError:
            await self.refuse("malformed", _("This message could not be read."))
            return
        if frame.get("type") == "message" and not self.flood.allow():
            await self.refuse("flood", _("Too many messages at once: wait a moment."))
            return
        await self.on_frame(frame)

    async def on_frame(self, frame: dict):
        raise NotImplementedError

    async def refuse(self, code: str, text: str):
        self.refusals += 1
        await self.send_json({"kind": "refused", "code": code, "text": text})
        if self.refusals == 1:
            await database(services.refused)(
                self.what,
                reason=code,
                origin=Origin(ip_address=client_address(self.scope) or None),
                details={"path": self.scope.get("path", "")},
            )
        if self.refusals >= 20:
            await self.close(code=4008)  # policy violation: a client that will not stop

    async def push_all(self, pushes):
        """Send a stored message on to the other side's group, from the event loop."""
        for group, payload in pushes:
            await self.channel_layer.group_send(group, {"type": "push", "payload": payload})

    async def send_json(self, payload: dict):
        await self.send(text_data=json.dumps(payload, ensure_ascii=False))

    async def push(self, event):
        await self.send_json(event["payload"])


def _signed_in_with_every_factor(scope) -> bool:
    """The HTTP middlewares' checks, for a WebSocket: signed in, within the session's absolute
    limit, and with the second factor that this user needs verified in this session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    from seec.core.signals import SIGNED_IN_AT
    from seec.core.signin import fully_signed_in

    user, session = scope.get("user"), scope.get("session")
    if user is None or not user.is_authenticated or not user.is_active or session is None:
        return False
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None or time.time() - signed_in_at > settings.SEEC_SESSION_ABSOLUTE_SECONDS:
        return False
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    verified = (
        device is not None and device.user_id == user.pk and getattr(device, "confirmed", False)
    )
    user.is_verified = lambda: verified
    return fully_signed_in(user)


class OperatorConsumer(RefusingConsumer):
    what = "operator websocket"

    async def open(self):
        user = self.scope.get("user")
        allowed = await database(self._allowed)()
        if not allowed:
            await self.close(code=4003)
            return
        self.user = user
        self.groups_joined = [notify.operator_group(user.pk)]
        if self.supervises:
            self.groups_joined.append(notify.supervisors_group(user.organisation_id))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await database(services.touch_presence)(user)

    def _allowed(self) -> bool:
        user = self.scope.get("user")
        if not _signed_in_with_every_factor(self.scope):
            return False
        self.supervises = policy.has(user, Capability.SUPERVISE)
        return policy.has(user, Capability.RECORD_CONTACTS) and user.organisation_id is not None

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def on_frame(self, frame):
        kind = frame.get("type")
        if kind == "ping":
            await database(services.touch_presence)(self.user)
            await self.send_json({"kind": "pong"})
        elif kind == "message":
            answer, pushes = await database(self._reply)(frame)
            await self.push_all(pushes)
            await self.send_json(answer)

    def _reply(self, frame) -> dict:
        try:
            conversation = policy.get_visible_or_404(
                self.user, Conversation, Act.CHANGE, pk=int(frame.get("conversation", 0))
            )
            message = services.add_message(
                conversation,
                sender=Sender.OPERATOR,
                body=str(frame.get("body", "")),
                author=self.user,
                push=False,
            )
        except (ValidationError, PermissionDenied, ValueError, TypeError, Http404) as error:
            text = " ".join(getattr(error, "messages", [])) or _("This message was not sent.")
            return {"kind": "refused", "code": "invalid", "text": text}, []
        answer = {
            "kind": "sent",
            "id": message.pk,
            "conversation": conversation.pk,
            "body": message.body,
            "ref": frame.get("ref"),
        }
        return answer, services.message_pushes(conversation, message)


class VisitorChatConsumer(RefusingConsumer):
    what = "visitor chat websocket"

    async def open(self):
        self.conversation_id = None
        await self.accept()

    async def disconnect(self, code):
        if self.conversation_id:
            await self.channel_layer.group_discard(
                notify.chat_group(self.conversation_id), self.channel_name
            )

    async def on_frame(self, frame):
        kind = frame.get("type")
        if self.conversation_id is None:
            if kind != "hello":
                await self.refuse("no_key", _("This chat could not be found."))
                return
            found = await database(self._find)(str(frame.get("key", ""))[:100])
            if found is None:
                await self.send_json({"kind": "unknown"})
                await self.close(code=4004)
                return
            self.conversation_id, state, transcript = found
            await self.channel_layer.group_add(
                notify.chat_group(self.conversation_id), self.channel_name
            )
            await self.send_json({"kind": "hello", "state": state, "transcript": transcript})
        elif kind == "message":
            answer, pushes = await database(self._message)(frame)
            await self.push_all(pushes)
            await self.send_json(answer)
        elif kind == "leave":
            await database(self._leave)()

    def _find(self, key: str):
        if not key:
            return None
        conversation = Conversation.objects.filter(chat_key=services.chat_key_digest(key)).first()
        if conversation is None:
            return None
        transcript = [
            {"sender": m.sender, "body": m.body, "id": m.pk}
            for m in conversation.messages.exclude(sender=Sender.SYSTEM)
        ]
        return conversation.pk, conversation.state, transcript

    def _message(self, frame):
        # Read afresh each time: a transfer changes whose screen the message goes to.
        conversation = Conversation.objects.only(
            "pk", "channel", "state", "operator_id", "organisation_id"
        ).get(pk=self.conversation_id)
        try:
            message = services.add_message(
                conversation, sender=Sender.CALLER, body=str(frame.get("body", "")), push=False
            )
        except ValidationError as error:
            return {"kind": "refused", "code": "invalid", "text": " ".join(error.messages)}, []
        answer = {"kind": "sent", "id": message.pk, "ref": frame.get("ref")}
        return answer, services.message_pushes(conversation, message)

    def _leave(self):
        conversation = Conversation.objects.get(pk=self.conversation_id)
        services.end(conversation, origin=Origin(ip_address=client_address(self.scope) or None))
