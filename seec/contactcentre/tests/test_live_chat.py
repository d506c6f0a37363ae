"""The contact centre's WebSockets through uvicorn and the Redis channel layer: a visitor's
chat routed to an available operator, answered, replied to, transferred, ended; a flood and
an oversized message refused, nothing of them stored."""

import json

import pytest
from django.test import Client
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from seec.contactcentre import services
from seec.contactcentre.models import Conversation, ConversationMessage, OperatorPresence
from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode
from seec.core.tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def cookie_of(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def socket(base, path, *, user=None, origin=None):
    headers = {"Origin": origin or base}
    if user is not None:
        headers["Cookie"] = cookie_of(user)
    return connect(base.replace("http", "ws") + path, additional_headers=headers, open_timeout=5)


def receive_kind(ws, kind, timeout=5):
    while True:
        data = json.loads(ws.recv(timeout))
        if data["kind"] == kind:
            return data


def send(ws, **frame):
    ws.send(json.dumps(frame))


def test_chat_offered_answered_replied_transferred_and_ended(asgi_url, region, operator, available):
    colleague = make_user(region.gr_hotline, RoleCode.HOTLINE_OPERATOR, username="gr-second")
    OperatorPresence.objects.create(
        user=colleague, organisation=region.gr_hotline, status="available"
    )
    first = socket(asgi_url, "/ws/contact-centre/", user=operator)
    second = socket(asgi_url, "/ws/contact-centre/", user=colleague)
    conversation, key = services.open_web_chat(organisation=region.gr_hotline)
    offer = receive_kind(first, "offer")
    assert offer["conversation"] == conversation.pk and "Take it" in offer["html"]
    services.answer(conversation, origin=Origin(operator))

    visitor = socket(asgi_url, "/ws/help-chat/")
    send(visitor, type="hello", key=key)
    assert receive_kind(visitor, "hello")["state"] == "answered"
    send(visitor, type="message", body="Η αδελφή μου λείπει από χθες")
    received = receive_kind(first, "message")
    assert received["body"] == "Η αδελφή μου λείπει από χθες" and received["sender"] == "caller"

    send(first, type="message", conversation=conversation.pk, body="Είμαι εδώ.")
    assert receive_kind(first, "sent")["body"] == "Είμαι εδώ."
    assert receive_kind(visitor, "message")["body"] == "Είμαι εδώ."

    services.transfer(conversation, origin=Origin(operator), to=colleague)
    assert receive_kind(second, "offer")["conversation"] == conversation.pk
    assert receive_kind(first, "gone")["conversation"] == conversation.pk
    send(visitor, type="message", body="Ευχαριστώ")
    assert receive_kind(second, "message")["body"] == "Ευχαριστώ"

    send(visitor, type="leave")
    receive_kind(visitor, "ended")
    receive_kind(second, "ended")
    for ws in (first, second, visitor):
        ws.close()
    conversation.refresh_from_db()
    assert conversation.state == "ended" and conversation.operator == colleague
    assert list(conversation.messages.values_list("sender", "body")) == [
        ("caller", "Η αδελφή μου λείπει από χθες"),
        ("operator", "Είμαι εδώ."),
        ("caller", "Ευχαριστώ"),
    ]


def test_flood_and_oversized_messages_are_refused_and_not_stored(asgi_url, region, settings):
    settings.SEEC_CHAT_MESSAGES_PER_10_SECONDS = 3
    settings.SEEC_CHAT_MAX_MESSAGE_CHARS = 50
    conversation, key = services.open_web_chat(organisation=region.gr_hotline)
    visitor = socket(asgi_url, "/ws/help-chat/")
    send(visitor, type="hello", key=key)
    receive_kind(visitor, "hello")
    send(visitor, type="message", body="x" * 51)
    too_long = receive_kind(visitor, "refused")
    visitor.send("y" * 1000)
    too_big = receive_kind(visitor, "refused")
    visitor.send("{not json")
    malformed = receive_kind(visitor, "refused")
    codes = []
    for n in range(5):
        send(visitor, type="message", body=f"hello {n}")
        codes.append(json.loads(visitor.recv(5))["kind"])
    visitor.close()
    assert "at most 50 characters" in too_long["text"]
    assert too_big["code"] == "too_big" and malformed["code"] == "malformed"
    # The bucket held 3, one spent on the refused long message: 2 sent, then refused.
    assert codes == ["sent", "sent", "refused", "refused", "refused"]
    assert ConversationMessage.objects.filter(conversation=conversation).count() == 2
    # Refusals are logged each time and audited once per connection.
    assert AuditEvent.objects.filter(action="contactcentre.refused").count() == 1


def test_an_unknown_chat_key_finds_nothing(asgi_url, region):
    visitor = socket(asgi_url, "/ws/help-chat/")
    send(visitor, type="hello", key="guessed")
    assert json.loads(visitor.recv(5)) == {"kind": "unknown"}


@pytest.mark.parametrize("role", [RoleCode.ANALYST, RoleCode.ALERT_AUTHORITY, None])
def test_only_hotline_staff_open_the_operator_socket(asgi_url, region, role):
    user = region.users[role] if role else None
    with pytest.raises(InvalidStatus, match="403"):
        socket(asgi_url, "/ws/contact-centre/", user=user)


def test_another_site_cannot_open_the_operator_socket(asgi_url, operator):
    with pytest.raises(InvalidStatus):
        socket(asgi_url, "/ws/contact-centre/", user=operator, origin="https://evil.example")


def test_operator_cannot_write_into_a_colleagues_chat(asgi_url, region, operator, available):
    colleague = make_user(region.gr_hotline, RoleCode.HOTLINE_OPERATOR)
    conversation, _key = services.open_web_chat(organisation=region.gr_hotline)
    ws = socket(asgi_url, "/ws/contact-centre/", user=colleague)
    send(ws, type="message", conversation=conversation.pk, body="hi")
    assert receive_kind(ws, "refused")["code"] == "invalid"
    ws.close()
    assert ConversationMessage.objects.count() == 0
    assert Conversation.objects.get().operator == operator
