"""What sending costs the sending node's database: on PostgreSQL the statements run for every
message are prepared once a connection, and the worker's claim reads the outbox's index of the
waiting messages in order rather than gathering every message ever sent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seec.core.audit import Origin
from seec.core.models import RoleCode, StagedRead
from seec.exchange import delivery, services
from seec.exchange.audit_actions import ExchangeAction
from seec.exchange.models import OutboundMessage, Peer

pytestmark = pytest.mark.django_db


def ping(region, to):
    admin = region.users[RoleCode.ADMINISTRATOR]
    return services.send(
        to, "exchange.ping", {"written_at": timezone.now().isoformat(), "note": "hello"},
        sender=admin.organisation, origin=Origin(actor=admin), status="Test",
    )  # fmt: skip


def test_a_sent_message_is_written_as_the_orm_would_write_it(region, serbian_police):
    sent = ping(region, serbian_police)
    stored = OutboundMessage.objects.get(pk=sent.message.pk)
    for field in OutboundMessage._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(sent.message, field.attname), field
    assert not sent.message._state.adding
    staged = StagedRead.objects.get(action=ExchangeAction.SENT)
    assert staged.object_id == str(stored.pk)
    assert staged.object_repr == stored.distribution_id


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_the_statements_run_for_every_message_sent_are_prepared_once_a_connection(
    region, serbian_police
):
    ping(region, serbian_police)
    ping(region, serbian_police)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    for table in ("exchange_remoteorganisation", "exchange_outboundmessage", "core_stagedread"):
        assert sum(table in statement for statement in prepared) == 1, (table, prepared)


def test_a_claim_reads_the_waiting_messages_in_order_off_their_index(region, serbian_police):
    for _ in range(60):
        ping(region, serbian_police)
    # Most of the outbox delivered, as it is on a busy node: the statistics say few wait.
    OutboundMessage.objects.filter(pk__in=OutboundMessage.objects.order_by("pk")[:55]
                                   .values("pk")).update(state="delivered")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else
                       "ANALYZE exchange_outboundmessage")  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        _token, claimed = delivery.claim(10)
    assert len(claimed) == 5
    claim = next(q["sql"] for q in queries.captured_queries if "UPDATE" in q["sql"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            setting, claim = claim.split("; ", 1)
            cursor.execute(setting)
            cursor.execute("SET LOCAL enable_seqscan = off")  # the table is small here
            cursor.execute(f"EXPLAIN {claim}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {claim}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    # In the order the claim takes them, read off the index: not a bitmap of all its entries
    # (those of rows long delivered among them) gathered and sorted.
    assert "outbox_due" in plan
    assert "Bitmap" not in plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan


def test_a_claimed_messages_peer_is_read_as_the_orm_reads_it(region, serbian_police):
    ping(region, serbian_police)
    _token, (message,) = delivery.claim(10)
    peer = Peer.objects.get(node_id="rs-node")
    for field in Peer._meta.concrete_fields:
        assert getattr(message.peer, field.attname) == getattr(peer, field.attname), field
    assert message.peer.added_at.tzinfo is not None
