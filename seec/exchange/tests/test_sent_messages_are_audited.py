"""Every message sent to another node is audited: its event is staged with the outbox row (the
sending transaction takes no lock on the audit chain) and chained by the exchange worker,
before the delivery's own event; `verify_audit` checks it while it waits."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from seec.core.audit import ChainBreak, Origin, verify_chain, verify_staged
from seec.core.models import AuditEvent, RoleCode, StagedRead
from seec.exchange import delivery, services
from seec.exchange.audit_actions import ExchangeAction
from seec.exchange.models import OutboundMessage, OutboxState, Peer

pytestmark = pytest.mark.django_db


def ping(region, to, note="hello Belgrade"):
    admin = region.users[RoleCode.ADMINISTRATOR]
    return services.send(
        to, "exchange.ping", {"written_at": timezone.now().isoformat(), "note": note},
        sender=admin.organisation, origin=Origin(actor=admin), status="Test",
    )  # fmt: skip


def chain_is_sound() -> bool:
    steps = list(verify_chain())
    return not any(isinstance(step, ChainBreak) for step in steps)


def test_a_sent_message_is_staged_then_chained_by_the_worker(region, serbian_police):
    sent = ping(region, serbian_police)
    message = sent.message

    staged = StagedRead.objects.get(action=ExchangeAction.SENT, object_id=str(message.pk))
    assert staged.details["peer"] == "rs-node"
    assert staged.details["conversation"] == sent.conversation
    assert staged.actor == region.users[RoleCode.ADMINISTRATOR]
    assert not AuditEvent.objects.filter(action=ExchangeAction.SENT).exists()
    assert verify_staged() == (1, [])

    # The worker's round (the peer cannot be reached: the message waits for its retry) chains
    # what the sending transaction staged.
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == OutboxState.PENDING

    event = AuditEvent.objects.get(action=ExchangeAction.SENT, object_id=str(message.pk))
    assert event.details["sequence"] == 1
    assert event.details["to"] == serbian_police.pk
    assert event.staged_read == staged.pk
    assert not StagedRead.objects.exists()
    assert verify_staged() == (0, [])
    assert chain_is_sound()


def test_the_sent_event_comes_before_the_delivery_in_the_trail(region, serbian_police):
    message = ping(region, serbian_police).message
    token, claimed = delivery.claim(10)
    assert [m.pk for m in claimed] == [message.pk]
    receipt = {"receipt": "eyJ.signed.receipt", "claims": {"state": "applied",
               "receivedAt": timezone.now().isoformat()}}  # fmt: skip
    outcome = delivery.Outcome(
        claimed[0], token, OutboxState.DELIVERED, receipt=receipt, at=timezone.now()
    )
    delivery.record([outcome])

    message.refresh_from_db()
    assert message.state == OutboxState.DELIVERED
    assert message.receipt == "eyJ.signed.receipt"
    assert message.attempts == 1 and message.lease_token == "" and message.delivered_at
    sent = AuditEvent.objects.get(action=ExchangeAction.SENT, object_id=str(message.pk))
    delivered = AuditEvent.objects.get(action=ExchangeAction.DELIVERED)
    assert sent.sequence < delivered.sequence
    assert delivered.details["distributions"][0][0] == message.distribution_id
    assert not StagedRead.objects.exists()
    assert chain_is_sound()


def test_a_refused_message_writes_nothing_and_the_callers_transaction_goes_on(
    region, serbian_police
):
    admin = region.users[RoleCode.ADMINISTRATOR]
    with transaction.atomic():
        with pytest.raises(ValidationError):
            services.send(
                serbian_police, "exchange.ping", {"note": "no written_at"},
                sender=admin.organisation, origin=Origin(actor=admin),
            )  # fmt: skip
        Peer.objects.filter(node_id="rs-node").update(status="suspended")
        with pytest.raises(ValidationError):
            ping(region, serbian_police)
        # The transaction is still usable: the caller carries on after the refusals.
        assert Peer.objects.get(node_id="rs-node").status == "suspended"
    assert not OutboundMessage.objects.exists()
    assert not StagedRead.objects.exists()
