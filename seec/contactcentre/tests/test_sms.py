"""Two-way SMS through the gateway: an SMS received is queued and routed like a call; the
operator's reply leaves through the gateway's batch API (a local gateway that speaks it)."""

import json
import time

import pytest
from django.urls import reverse

from seec.alerts.fakes import FakeGateways
from seec.contactcentre import services
from seec.contactcentre.models import Conversation
from seec.contactcentre.pbx import signature
from seec.core.audit import Origin

pytestmark = pytest.mark.django_db


def sms_in(client, line, payload, secret=None):
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()))
    return client.post(
        reverse("contactcentre:sms-inbound", args=[line.pk]),
        body,
        content_type="application/json",
        HTTP_X_SEEC_TIMESTAMP=stamp,
        HTTP_X_SEEC_SIGNATURE=signature(secret or line.secret, stamp, body),
    )


def test_an_sms_thread_is_routed_answered_and_replied_to_through_the_gateway(
    client, settings, sms_line, operator, available, django_capture_on_commit_callbacks
):
    first = sms_in(client, sms_line, {"from": "+306944000111", "text": "Help, my son", "id": "g1"})
    assert first.status_code == 200
    sms_in(client, sms_line, {"from": "+306944000111", "text": "is missing", "id": "g2"})
    conversation = Conversation.objects.get()
    assert conversation.channel == "sms" and conversation.operator == operator
    assert list(conversation.messages.values_list("body", flat=True)) == [
        "Help, my son",
        "is missing",
    ]
    services.answer(conversation, origin=Origin(operator))
    with FakeGateways() as gateways:
        settings.SEEC_GATEWAYS = {**settings.SEEC_GATEWAYS, "sms": gateways.url}
        with django_capture_on_commit_callbacks(execute=True):
            message = services.add_message(
                conversation, sender="operator", body="We are here. How old is he?", author=operator
            )
        received = gateways.ledger.summary()
    assert received["by_channel"] == {"sms": 1}
    assert gateways.ledger.delivered[f"reply-{message.pk}"]["to"] == "+306944000111"
    # Once the thread has ended, the same number starts a new one.
    services.end(conversation, origin=Origin(operator))
    sms_in(client, sms_line, {"from": "+306944000111", "text": "Thank you", "id": "g3"})
    assert Conversation.objects.count() == 2


@pytest.mark.parametrize(
    "payload",
    [
        {"from": "6944", "text": "x", "id": "a"},
        {"from": "+306944000111", "text": 5, "id": "a"},
        {"from": "+306944000111", "text": "x"},
        {"from": "+306944000111", "text": "", "id": "a"},
    ],
)
def test_a_malformed_sms_is_refused_and_nothing_is_stored(client, sms_line, payload):
    response = sms_in(client, sms_line, payload)
    assert response.status_code == 400 and response.json()["error"]
    assert not Conversation.objects.exists()


def test_an_sms_too_long_is_refused_whole(client, settings, sms_line):
    settings.SEEC_CHAT_MAX_MESSAGE_CHARS = 20
    response = sms_in(client, sms_line, {"from": "+306944000111", "text": "x" * 21, "id": "a"})
    assert response.status_code == 400 and "at most 20 characters" in response.json()["error"]
    assert not Conversation.objects.exists()


def test_an_sms_signed_with_the_pbx_lines_secret_is_refused(client, sms_line, line):
    response = sms_in(
        client, sms_line, {"from": "+306944000111", "text": "x", "id": "a"}, line.secret
    )
    assert response.status_code == 403
    # And the PBX line does not take SMS at all.
    assert (
        sms_in(client, line, {"from": "+306944000111", "text": "x", "id": "a"}).status_code == 404
    )
