"""The worker hears of a message the moment its transaction commits (not at its next look),
and its one-statement claim leases each due message to one holder at a time."""

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from seec.exchange import delivery, wakeup
from seec.exchange.models import OutboundMessage
from seec.exchange.tests.test_sent_messages_are_audited import ping

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    listening = wakeup.Listener()
    yield listening
    listening.close()


def test_a_listening_worker_is_nudged_when_the_sending_transaction_commits_not_before(
    region, serbian_police, listener, django_capture_on_commit_callbacks
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        ping(region, serbian_police)
        assert not listener.wait(0.05)
    assert listener.wait(2)
    # Read once: the nudges of one commit do not wake it twice.
    assert not listener.wait(0.05)


def test_a_worker_gone_without_closing_its_socket_is_forgotten_by_the_next(listener):
    stale = wakeup.folder() / "999999999.sock"
    gone = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    gone.bind(str(stale))
    gone.close()  # as a killed worker's: the file stays, nothing receives
    assert stale.exists()
    wakeup.wake_workers()  # never fails on it
    second = wakeup.Listener()
    try:
        assert not stale.exists()
        assert listener.path.exists()
    finally:
        second.close()


def test_a_claim_leases_each_due_message_once_with_its_payload_and_peer(region, serbian_police):
    sent = [ping(region, serbian_police, note=f"n{i}").message for i in range(3)]

    token, claimed = delivery.claim(10)
    assert [m.pk for m in claimed] == sorted(m.pk for m in sent)
    assert claimed[0].payload["note"] == "n0"
    assert claimed[0].peer.node_id == "rs-node"
    assert claimed[0].created_at == OutboundMessage.objects.get(pk=claimed[0].pk).created_at
    assert all(m.lease_token == token for m in OutboundMessage.objects.filter(pk__in=[
        m.pk for m in sent]))  # fmt: skip
    assert delivery.claim(10) == ("", [])
    # A lease that ran out (its worker killed) is claimed again, under a new token.
    OutboundMessage.objects.filter(pk=sent[1].pk).update(
        leased_until=timezone.now() - timedelta(seconds=1)
    )
    again, reclaimed = delivery.claim(10)
    assert again != token and [m.pk for m in reclaimed] == [sent[1].pk]


def test_a_claim_skips_or_keeps_to_the_peers_named(region, serbian_police):
    message = ping(region, serbian_police).message
    assert delivery.claim(10, skip_peers=[message.peer_id]) == ("", [])
    _token, claimed = delivery.claim(10, only_peers=[message.peer_id])
    assert [m.pk for m in claimed] == [message.pk]
