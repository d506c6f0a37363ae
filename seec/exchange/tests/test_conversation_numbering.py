"""Each message sent in a conversation takes the next number, whether the conversation's row
was made by its second message, by the peer's answer, or not at all yet (a conversation's
first message writes no row: most are one message long)."""

import pytest
from django.utils import timezone

from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.exchange import services
from seec.exchange.models import Conversation, Peer

pytestmark = pytest.mark.django_db


def ping(region, to, conversation=None):
    admin = region.users[RoleCode.ADMINISTRATOR]
    return services.send(
        to, "exchange.ping", {"written_at": timezone.now().isoformat(), "note": "hello"},
        sender=admin.organisation, origin=Origin(actor=admin), status="Test",
        conversation=conversation,
    )  # fmt: skip


def test_a_conversations_first_message_writes_no_row_and_the_next_are_numbered_on(
    region, serbian_police
):
    first = ping(region, serbian_police)
    assert first.message.sequence == 1
    assert not Conversation.objects.filter(key=first.conversation).exists()

    second = ping(region, serbian_police, conversation=first.conversation)
    third = ping(region, serbian_police, conversation=first.conversation)
    assert (second.message.sequence, third.message.sequence) == (2, 3)
    assert Conversation.objects.get(key=first.conversation).last_sent == 3


def test_the_peers_answer_made_the_row_and_the_next_message_follows_the_first(
    region, serbian_police
):
    first = ping(region, serbian_police)
    # The peer answered in the conversation before this node wrote in it again: its row was
    # made on receipt, with nothing sent yet on its books.
    Conversation.objects.create(
        key=first.conversation, peer=Peer.objects.get(node_id="rs-node"), last_applied=1
    )
    assert ping(region, serbian_police, conversation=first.conversation).message.sequence == 2


def test_a_conversation_the_peer_began_is_numbered_from_one(region, serbian_police):
    key = "rs-node_0123456789abcdef"
    Conversation.objects.create(key=key, peer=Peer.objects.get(node_id="rs-node"), last_applied=1)
    assert ping(region, serbian_police, conversation=key).message.sequence == 1
    assert ping(region, serbian_police, conversation=key).message.sequence == 2
