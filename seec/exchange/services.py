"""Sending: the one entry point that every feature uses, whoever the receiver is.

`send(to_organisation, payload_type, payload, ...)` validates the payload against its type's
schema, then either hands it to the type's handler at once (the receiving organisation is
hosted on this node) or writes it to the outbox in the caller's transaction (the organisation
is hosted by a peer); the exchange worker (`manage.py exchange_deliver`) delivers it once
the transaction has committed. The caller never knows
which: views and APIs call the same service functions for both.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.models import Organisation

from . import payloads, statements, wakeup
from .audit_actions import ExchangeAction
from .models import (
    DEAD_LETTER_STATES,
    Conversation,
    Handling,
    OutboundMessage,
    OutboxState,
    Peer,
    RemoteOrganisation,
    StatusKind,
)
from .nodes import node_id


@dataclass(frozen=True)
class Sent:
    conversation: str
    local: bool
    message: OutboundMessage | None = None


def new_conversation() -> str:
    return f"{node_id()}_{uuid.uuid4().hex}"


def new_distribution_id() -> str:
    return f"{node_id()}_{uuid.uuid4()}"


def _check(payload_type: payloads.PayloadType | None, name: str, payload) -> None:
    if payload_type is None:
        raise ValidationError({"payload_type": _("Unknown payload type: %(t)s") % {"t": name}})
    problems = payload_type.problems(payload)
    if problems:
        raise ValidationError({"payload": problems})


def send(
    to_organisation: Organisation,
    payload_type: str,
    payload: dict,
    *,
    sender: Organisation,
    origin: Origin,
    conversation: str | None = None,
    handling: str = Handling.H2,
    kind: str | None = None,
    status: str = StatusKind.ACTUAL,
) -> Sent:
    """Send `payload` from `sender` (hosted here) to `to_organisation`, wherever it is hosted.
    Raises ValidationError (naming the field) for a payload that fails its schema, an
    organisation that may not send or receive the type, or a node not trusted; a refusal
    writes nothing, and leaves the caller's transaction usable."""
    ptype = payloads.get(payload_type)
    _check(ptype, payload_type, payload)
    if handling not in Handling.values:
        raise ValidationError({"handling": _("Choose a handling code H0 to H3.")})
    # Where both organisations are hosted: the sender must be hosted here.
    hosted_by = _peers_hosting(sender.pk, to_organisation.pk)
    if sender.pk in hosted_by:
        raise PermissionDenied(_("Only an organisation hosted on this node sends from it."))
    if not ptype.may_send(sender):
        raise ValidationError({"payload_type": _("This organisation may not send this.")})
    if not to_organisation.is_active or to_organisation.pk == sender.pk:
        raise ValidationError({"organisation": _("Choose another, active organisation.")})
    if not ptype.may_receive(to_organisation):
        raise ValidationError({"organisation": _("This organisation does not receive this.")})
    peer = hosted_by.get(to_organisation.pk)
    if peer is None:
        return _deliver_here(
            ptype, payload, to_organisation, sender=sender, origin=origin,
            conversation=conversation, handling=handling, kind=kind, status=status,
        )  # fmt: skip
    if not peer.is_trusted:
        raise ValidationError(
            {"organisation": _("The node hosting this organisation is not trusted.")}
        )
    # Everything refusable was checked above: what follows only writes. No savepoint (two
    # statements a message): a failure here fails the caller's transaction, as it should.
    with transaction.atomic(savepoint=False):
        return _write_to_outbox(
            ptype, payload, to_organisation, peer, sender=sender, origin=origin,
            conversation=conversation, handling=handling, kind=kind, status=status,
        )  # fmt: skip


def _peers_hosting(*organisation_ids: int) -> dict[int, Peer]:
    """The peer hosting each of these organisations that a peer hosts, in one query. Written
    out, not built by the ORM: composing the query cost a producer of messages five times
    what the database spends answering it, on every message sent; and prepared on the
    connection (statements.py), planning the join cost the database three times what running
    it does. The peers are read with what sending needs (their other fields are loaded if
    asked for)."""
    quote = connection.ops.quote_name
    remote = RemoteOrganisation._meta
    fields = [Peer._meta.pk, Peer._meta.get_field("node_id"), Peer._meta.get_field("status")]
    organisation = quote(remote.get_field("organisation").column)
    columns = ", ".join(f"p.{quote(field.column)}" for field in fields)
    sql = (
        f"SELECT r.{organisation}, {columns} FROM {quote(remote.db_table)} r "  # noqa: S608 — quoted
        f"JOIN {quote(Peer._meta.db_table)} p "
        f"ON p.{quote(Peer._meta.pk.column)} = r.{quote(remote.get_field('peer').column)} "
        f"WHERE r.{organisation} IN ({', '.join(['%s'] * len(organisation_ids))})"
    )
    with statements.cursor() as cursor:
        cursor.execute(sql, list(organisation_ids))
        rows = cursor.fetchall()
    names = [field.attname for field in fields]
    return {row[0]: Peer.from_db(connection.alias, names, row[1:]) for row in rows}


@transaction.atomic
def _deliver_here(ptype, payload, to_organisation, *, sender, origin, conversation, handling,
                  kind, status) -> Sent:  # fmt: skip
    """Both organisations are hosted here: the type's handler applies the payload at once,
    under a savepoint (a handler that refuses undoes only its own writes)."""
    conversation = conversation or new_conversation()
    ptype.handler(
        payloads.Delivered(
            payload_type=ptype.name,
            payload=payload,
            sender=sender,
            recipient=to_organisation,
            conversation=conversation,
            kind=kind or ptype.kind,
            handling=handling,
            status=status,
        )
    )
    audit.record(
        ExchangeAction.DELIVERED_LOCALLY,
        origin=origin,
        obj=to_organisation,
        details={
            "payload_type": ptype.name,
            "conversation": conversation,
            "from": sender.pk,
            "to": to_organisation.pk,
            "handling": handling,
        },
    )
    return Sent(conversation=conversation, local=True)


def _write_to_outbox(ptype, payload, to_organisation, peer, *, sender, origin, conversation,
                     handling, kind, status) -> Sent:  # fmt: skip
    """The outbox row and its audit event: two INSERTs for a new conversation, each composed
    once a process and prepared once a connection (statements.py). The event is staged, not
    appended to the chain here: a producer writing many messages does not queue behind the
    chain's lock (nor hold it until its transaction commits); the exchange worker chains it
    within a second, and at the latest in the transaction that records the message's
    receipt, before the delivery's own event."""
    if conversation is None:
        # A conversation this call names afresh: its first message, and no row for it yet
        # (most conversations are one message; their row was an INSERT on every send). The
        # row is made by the next message sent in it, or by the peer's first answer.
        conversation = new_conversation()
        sequence = 1
    else:
        sequence = _next_in(conversation, peer)
    now = timezone.now()
    message = OutboundMessage(
        distribution_id=new_distribution_id(),
        peer=peer,
        sender_organisation=sender,
        recipient_organisation=to_organisation,
        payload_type=ptype.name,
        kind=kind or ptype.kind,
        status_kind=status,
        handling=handling,
        conversation=conversation,
        sequence=sequence,
        payload=payload,
        created_at=now,
        created_by=origin.actor,
        expires_at=now + timedelta(hours=settings.SEEC_EXCHANGE_MESSAGE_HOURS),
        next_attempt_at=now,
    )
    statements.insert(message)
    staged = audit.staged_event(
        ExchangeAction.SENT,
        origin=origin,
        obj=message,
        details={
            "payload_type": ptype.name,
            "peer": peer.node_id,
            "conversation": conversation,
            "sequence": message.sequence,
            "from": sender.pk,
            "to": to_organisation.pk,
            "handling": handling,
        },
    )
    # Chained by the exchange worker (as `audit.stage(..., schedule=False)` leaves it).
    statements.insert(staged)
    # The worker claims it as soon as it is committed, not at its next look.
    wakeup.wake_on_commit()
    return Sent(conversation=conversation, local=False, message=message)


def _next_in(conversation: str, peer: Peer) -> int:
    """The sequence of the next message sent in a conversation named by the caller, its row
    locked until the caller's transaction ends (two senders number one after the other).

    A conversation begun here has no row until its second message (or the peer's first
    answer, which makes it with nothing sent): where the row says nothing was sent yet, the
    outbox says how many were (its first message is committed before anyone can name it)."""
    thread, _created = Conversation.objects.select_for_update().get_or_create(
        key=conversation, peer=peer
    )
    if thread.last_sent == 0:
        thread.last_sent = (
            OutboundMessage.objects.filter(conversation=conversation, peer=peer).aggregate(
                last=Max("sequence")
            )["last"]
            or 0
        )
    thread.last_sent += 1
    thread.save(update_fields=["last_sent"])
    return thread.last_sent


@transaction.atomic
def retry_dead_letter(message: OutboundMessage, *, origin: Origin) -> OutboundMessage:
    """An administrator sends a dead letter again (after the cause was put right); an expired
    one gets a new expiry."""
    if not policy.has(origin.actor, policy.Capability.ADMINISTER):
        raise PermissionDenied(_("Only an administrator sends a dead letter again."))
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.state not in DEAD_LETTER_STATES:
        raise ValidationError({"message": _("Only a dead letter is sent again.")})
    now = timezone.now()
    message.state = OutboxState.PENDING
    message.next_attempt_at = now
    message.leased_until = None
    message.attempts = 0
    if message.expires_at <= now:
        message.expires_at = now + timedelta(hours=settings.SEEC_EXCHANGE_MESSAGE_HOURS)
    message.save()
    audit.record(
        ExchangeAction.RETRIED,
        origin=origin,
        obj=message,
        details={"last_error": message.last_error[:500]},
    )
    return message
