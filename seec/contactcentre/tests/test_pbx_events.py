"""Call events from the PBX: Asterisk's manager interface (against a local server speaking
AMI as Asterisk does) and the signed webhook; what is malformed or unsigned is refused and
logged, and changes nothing."""

import json
import time

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from seec.contactcentre.ami import AmiConnector, event_from_ami
from seec.contactcentre.models import Conversation
from seec.contactcentre.pbx import MalformedEvent, signature
from seec.core.models import AuditEvent

from .fake_ami import FakeAsterisk, agent_complete, agent_connect, caller_abandon, queue_call

pytestmark = pytest.mark.django_db


def signed_post(client, line, payload, *, secret=None, timestamp=None):
    body = json.dumps(payload).encode()
    stamp = str(timestamp or int(time.time()))
    return client.post(
        reverse("contactcentre:pbx-webhook", args=[line.pk]),
        body,
        content_type="application/json",
        HTTP_X_SEEC_TIMESTAMP=stamp,
        HTTP_X_SEEC_SIGNATURE=signature(secret or line.secret, stamp, body),
    )


def test_webhook_call_rings_is_answered_and_ends(client, line, available):
    ring = signed_post(
        client, line, {"event": "ringing", "call_id": "c-1", "caller": "+30 690 111 2222"}
    )
    assert ring.status_code == 200
    conversation = Conversation.objects.get()
    # Routed to the only available operator.
    assert conversation.state == "offered" and conversation.operator == available.user
    answered = signed_post(
        client, line, {"event": "answered", "call_id": "c-1", "agent": "PJSIP/201"}
    )
    ended = signed_post(client, line, {"event": "ended", "call_id": "c-1"})
    # The PBX reads the state each event led to (not the state before it).
    assert answered.json()["state"] == "answered" and ended.json()["state"] == "ended"
    conversation.refresh_from_db()
    assert conversation.state == "ended" and conversation.answered_at and conversation.ended_at
    assert conversation.wait_seconds is not None


def test_a_repeated_event_changes_nothing(client, line):
    for _ in range(2):
        signed_post(client, line, {"event": "ringing", "call_id": "c-2", "caller": "+306901112222"})
    assert Conversation.objects.count() == 1


def test_abandoned_call_is_counted_with_its_wait(client, line):
    signed_post(client, line, {"event": "ringing", "call_id": "c-3", "caller": "+306901112222"})
    abandoned = signed_post(client, line, {"event": "abandoned", "call_id": "c-3"})
    assert abandoned.json()["state"] == "abandoned"
    conversation = Conversation.objects.get()
    assert conversation.state == "abandoned" and conversation.answered_at is None


@pytest.mark.parametrize(
    "headers",
    [
        {},  # unsigned
        {"HTTP_X_SEEC_TIMESTAMP": "1", "HTTP_X_SEEC_SIGNATURE": "sha256=00"},  # stale
        {"HTTP_X_SEEC_TIMESTAMP": "NOW", "HTTP_X_SEEC_SIGNATURE": "sha256=00"},  # bad signature
    ],
)
def test_unsigned_or_badly_signed_event_is_refused_and_logged(client, line, headers, caplog):
    headers = {k: (str(int(time.time())) if v == "NOW" else v) for k, v in headers.items()}
    body = json.dumps({"event": "ringing", "call_id": "x", "caller": "+30690"})
    response = client.post(
        reverse("contactcentre:pbx-webhook", args=[line.pk]), body,
        content_type="application/json", **headers,
    )  # fmt: skip
    assert response.status_code == 403
    assert Conversation.objects.count() == 0
    assert AuditEvent.objects.filter(action="contactcentre.refused").count() == 1
    assert "refused signed event" in caplog.text


def test_signed_with_another_lines_secret_is_refused(client, line):
    response = signed_post(client, line, {"event": "ringing", "call_id": "y"}, secret="other")
    assert response.status_code == 403 and Conversation.objects.count() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"event": "exploded", "call_id": "z"},
        {"event": "ringing"},
        {"event": "ringing", "call_id": "z", "caller": "<script>"},
        {"event": "ringing", "call_id": "z", "at": "yesterday"},
        {"event": "ringing", "call_id": "z", "wait_seconds": -4},
        ["not", "an", "object"],
    ],
)
def test_malformed_event_is_refused_naming_the_field(client, line, payload):
    response = signed_post(client, line, payload)
    assert response.status_code == 400 and response.json()["error"]
    assert Conversation.objects.count() == 0
    assert AuditEvent.objects.filter(action="contactcentre.refused").exists()


def test_ami_event_headers_are_checked():
    with pytest.raises(MalformedEvent, match="Uniqueid"):
        event_from_ami({"Event": "QueueCallerJoin", "Uniqueid": "'; DROP"})
    with pytest.raises(MalformedEvent, match="HoldTime"):
        event_from_ami({"Event": "AgentConnect", "Uniqueid": "1.2", "HoldTime": "soon"})
    assert event_from_ami({"Event": "PeerStatus"}) is None
    withheld = event_from_ami(
        {"Event": "QueueCallerJoin", "Uniqueid": "1.2", "CallerIDNum": "<unknown>"}
    )
    assert withheld.caller == ""


def run_connector(line, asterisk, events, *, secret="amisecret", expect=None):  # noqa: S107
    """Connect to the fake Asterisk, let it send `events`, and return the connector."""

    async def session():
        import asyncio

        connector = AmiConnector(
            line, host="127.0.0.1", port=asterisk.port, username="seec", secret=secret
        )
        await connector.connect()
        await asyncio.get_running_loop().run_in_executor(None, asterisk.wait_for_clients)
        for event in events:
            if isinstance(event, bytes):
                await asyncio.get_running_loop().run_in_executor(None, asterisk.emit_raw, event)
            else:
                await asyncio.get_running_loop().run_in_executor(None, asterisk.emit, event)
        # Until every event that names a call was handled or refused (the garbage is dropped).
        expected = len([e for e in events if isinstance(e, dict)]) if expect is None else expect
        for _ in range(500):
            if connector.handled + connector.refused >= expected:
                break
            await asyncio.sleep(0.01)
        connector.close()
        return connector

    return async_to_sync(session)()


def test_asterisk_queue_call_answered_then_completed(line, available):
    with FakeAsterisk() as asterisk:
        connector = run_connector(line, asterisk, [
            *queue_call("1733000000.101", "+306944455566"),
            agent_connect("1733000000.101", "+306944455566", "PJSIP/201", hold=12),
            agent_complete("1733000000.101", "+306944455566", "PJSIP/201", hold=12, talk=95),
        ])  # fmt: skip
        login = asterisk.actions[0]
        assert (login["action"], login["username"], login["secret"]) == (
            "Login",
            "seec",
            "amisecret",
        )
    assert connector.handled == 3
    conversation = Conversation.objects.get()
    assert conversation.external_id == "1733000000.101"
    assert conversation.caller_number == "+306944455566"
    assert conversation.operator == available.user
    assert conversation.state == "ended"


def test_asterisk_rings_an_operators_phone_and_their_screen_pops_up(line, region, available):
    from seec.contactcentre.models import OperatorPresence
    from seec.core.models import RoleCode
    from seec.core.tests.factories import make_user

    colleague = make_user(region.gr_hotline, RoleCode.HOTLINE_OPERATOR)
    OperatorPresence.objects.create(
        user=colleague, organisation=region.gr_hotline, status="away", extension="PJSIP/207"
    )
    called = {"Event": "AgentCalled", "Uniqueid": "1733000000.104", "CallerIDNum": "+306900000003",
              "Interface": "PJSIP/207", "AgentCalled": "PJSIP/207", "Queue": "116000"}  # fmt: skip
    with FakeAsterisk() as asterisk:
        run_connector(line, asterisk, [*queue_call("1733000000.104", "+306900000003"), called])
    conversation = Conversation.objects.get()
    assert conversation.state == "offered" and conversation.operator == colleague


def test_asterisk_abandoned_call(line):
    with FakeAsterisk() as asterisk:
        run_connector(line, asterisk, [
            *queue_call("1733000000.102", "+306900000001"),
            caller_abandon("1733000000.102", "+306900000001", hold=40),
        ])  # fmt: skip
    conversation = Conversation.objects.get()
    assert conversation.state == "abandoned"


def test_malformed_ami_event_is_refused_and_the_stream_goes_on(line):
    with FakeAsterisk() as asterisk:
        connector = run_connector(line, asterisk, [
            {"Event": "QueueCallerJoin", "Uniqueid": "not-an-id", "CallerIDNum": "+30690"},
            b"garbage without colon\r\n\r\n",
            *queue_call("1733000000.103", "+306900000002"),
        ])  # fmt: skip
    assert connector.refused == 1
    assert Conversation.objects.get().external_id == "1733000000.103"
    assert AuditEvent.objects.filter(action="contactcentre.refused").count() == 1


def test_wrong_ami_secret_fails_loudly(line):
    with FakeAsterisk() as asterisk, pytest.raises(ConnectionRefusedError):
        run_connector(line, asterisk, [], secret="wrong")
