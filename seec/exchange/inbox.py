"""Receiving: every check a distribution must pass before anything of it is applied.

In order: the body's size; the HTTP message signature (a key of a trusted peer, recent, not
heard before, the Content-Digest of this very body); the envelope's form; the sender node is
the signer; not expired; the addressee is an organisation hosted here and the sender one the
peer hosts; the content decrypts with our key and its signature verifies with the peer's key,
over a copy of the routing that matches the envelope; the payload type is known and the
payload passes its schema. A distribution id heard before is answered with the receipt
already given and applied no second time. Otherwise the message is stored, audited, applied
(in its conversation's order: one that came early is held until its predecessor arrives)
and a signed receipt is answered, all in one transaction. A refusal names its reason to the
sender, is recorded, and applies nothing.
"""

import json
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from seec.core import audit
from seec.core.bulk import column_where_in, insert_returning_pks, update_by_pk

from . import envelope, httpsig, keys, nodes, payloads
from .audit_actions import ExchangeAction
from .briefly import Briefly
from .models import (
    Conversation,
    InboundMessage,
    InboxState,
    KeyUse,
    NodeKey,
    Peer,
    PeerKey,
    PeerStatus,
    RefusedMessage,
    RemoteOrganisation,
)


class Refusal(Exception):
    """A distribution refused: `status` is the HTTP answer, `code` names the reason."""

    def __init__(self, status: int, code: str, message: str, *, peer=None, routing=None,
                 field: str = ""):  # fmt: skip
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.peer = peer
        self.routing = routing
        # The element of the distribution at fault, where one is ("payload/note").
        self.field = field

    def as_result(self) -> dict:
        return {"error": self.code, "message": self.message, "field": self.field}


@dataclass
class Answer:
    status: int
    body: dict


# Keys and organisations read for every message, remembered for a second (a revocation or a
# suspension is heard within it).
_peer_keys = Briefly()
_node_keys = Briefly()
_recipients = Briefly()
_senders = Briefly()


def _signing_key_of(kid: str, claimed_node: str | None) -> PeerKey | None:
    key = _peer_keys.get(
        ("http", kid),
        lambda: (
            PeerKey.objects.select_related("peer")
            .filter(kid=kid, use=KeyUse.SIGNING, revoked_at=None, peer__status=PeerStatus.TRUSTED)
            .first()
        ),
    )
    if key is not None or not claimed_node:
        return key
    # A trusted peer that rotated its keys: learn them from its document (signed by a key we
    # already hold), then look again.
    peer = Peer.objects.filter(node_id=claimed_node, status=PeerStatus.TRUSTED).first()
    if peer is None:
        return None
    try:
        if not nodes.refresh_peer(peer):
            return None
    except nodes.PeerProblem:
        return None
    return _signing_key_of(kid, None)


def _claimed_sender(body: bytes) -> str | None:
    # Only to find whose keys to refresh; nothing is trusted before the signature holds.
    marker = b'"senderID":"'
    start = body.find(marker)
    if start < 0:
        return None
    end = body.find(b'"', start + len(marker))
    return body[start + len(marker) : end].decode(errors="replace")[:64] if end > 0 else None


def _authenticate(request: httpsig.IncomingRequest, body: bytes, *, remember_now=True) -> Peer:
    kid = httpsig.key_id_of(request.headers)
    if not kid:
        raise Refusal(401, "unsigned", "The request carries no HTTP message signature.")
    peer_key = _signing_key_of(kid, _claimed_sender(body))
    if peer_key is None:
        raise Refusal(
            401, "unknown_node", "The request is signed by a key of no node trusted here."
        )
    public = keys.public_key(peer_key.public_jwk, peer_key.kid).public_key

    try:
        httpsig.verify(
            request, body, lambda key_id: public if key_id == kid else None,
            remember_now=remember_now,
        )  # fmt: skip
    except httpsig.SignatureProblem as problem:
        raise Refusal(401, problem.code, problem.message, peer=peer_key.peer) from None
    return peer_key.peer


def _organisations(routing: envelope.Routing, peer: Peer):
    node, _sep, local_id = routing.recipient_address.partition(":")
    if node != nodes.node_id():
        raise Refusal(422, "not_hosted", "The addressee is not on this node.",
                      field="explicitAddress")  # fmt: skip
    recipient = (
        _recipients.get(local_id, lambda: nodes.hosted_organisations().filter(pk=local_id).first())
        if local_id.isdigit()
        else None
    )
    if recipient is None:
        raise Refusal(
            422, "not_hosted", f"This node hosts no organisation {routing.recipient_address}.",
            field="explicitAddress",
        )  # fmt: skip
    node, _sep, remote_id = routing.sender_address.partition(":")
    sender = _senders.get(
        (peer.pk, remote_id),
        lambda: (
            RemoteOrganisation.objects.select_related("organisation")
            .filter(peer=peer, remote_id=remote_id)
            .first()
        ),
    )
    if node != peer.node_id or sender is None:
        nodes.refresh_peer(peer)  # an organisation added there since we last looked
        sender = RemoteOrganisation.objects.filter(peer=peer, remote_id=remote_id).first()
        if node != peer.node_id or sender is None:
            raise Refusal(
                422, "unknown_sender", f"{peer.node_id} hosts no {routing.sender_address}.",
                field="senderRole",
            )  # fmt: skip
    return sender.organisation, recipient


def _open(document: dict, routing: envelope.Routing, peer: Peer) -> dict:
    encrypted = envelope.encrypted_content(document)
    kid = envelope.recipient_kid(encrypted)
    node_key = _node_keys.get(
        kid, lambda: NodeKey.objects.filter(kid=kid, use=KeyUse.ENCRYPTION, revoked_at=None).first()
    )
    if node_key is None:
        raise Refusal(
            422, "stale_key", "The content is encrypted to a key this node no longer holds.",
            field="content",
        )  # fmt: skip
    signed = envelope.decrypt(encrypted, keys.private_key(node_key))
    signer = envelope.signer_kid(signed)
    peer_key = _peer_keys.get(
        ("content", peer.pk, signer),
        lambda: PeerKey.objects.filter(
            peer=peer, kid=signer, use=KeyUse.SIGNING, revoked_at=None
        ).first(),
    )
    if peer_key is None:
        raise Refusal(401, "bad_signature", "The content is signed by a key the sender lacks.",
                      field="content")  # fmt: skip
    return envelope.verify(signed, keys.public_key(peer_key.public_jwk, peer_key.kid), routing)


def _routed(document, peer: Peer):
    """The routing of one distribution from `peer`, and its two organisations: everything
    that can be checked before the content is opened."""
    routing = envelope.read_routing(document)
    if routing.sender_node != peer.node_id:
        raise Refusal(401, "wrong_sender", "The distribution's senderID is not the signer.",
                      field="senderID")  # fmt: skip
    if routing.expires_at <= timezone.now():
        raise Refusal(422, "expired", "The distribution expired before it arrived.",
                      field="dateTimeExpires")  # fmt: skip
    sender, recipient = _organisations(routing, peer)
    return routing, sender, recipient


def _opened(document: dict, routing, peer: Peer, sender, recipient) -> dict:
    """The payload, decrypted, verified and checked against its type's schema and rules."""
    payload = _open(document, routing, peer)
    ptype = payloads.get(routing.payload_type)
    if ptype is None:
        raise Refusal(422, "unknown_type", f"Unknown payload type {routing.payload_type}.",
                      field="keyword")  # fmt: skip
    problems = ptype.problems(payload)
    if problems:
        where = problems[0].split(":", 1)[0]
        raise Refusal(
            422, "schema", "The payload fails its schema: " + "; ".join(problems),
            field="payload" if where == "(payload)" else f"payload/{where}",
        )  # fmt: skip
    if not ptype.may_send(sender) or not ptype.may_receive(recipient):
        raise Refusal(422, "not_allowed", f"{routing.payload_type} may not pass between them.",
                      field="keyword")  # fmt: skip
    return payload


def _refusal_of(error: envelope.EnvelopeError) -> Refusal:
    return Refusal(
        401 if error.code in ("bad_signature", "routing_mismatch") else 400
        if error.code == "malformed" else 422,
        error.code,
        error.message,
        # What fails to open or verify is the content.
        field=error.field or ("content" if error.code != "malformed" else ""),
    )  # fmt: skip


def _as_refusal(problem) -> Refusal:
    return _refusal_of(problem) if isinstance(problem, envelope.EnvelopeError) else problem


def receive(request: httpsig.IncomingRequest, body: bytes, remote_address=None) -> Answer:
    """Check, store, apply and acknowledge one distribution; never raises for bad input."""
    peer = routing = None
    try:
        peer = _authenticate(request, body)
        try:
            document = json.loads(body)
        except ValueError:
            raise Refusal(400, "malformed", "The body is not JSON.") from None
        if isinstance(document, dict) and "distributions" in document:
            raise Refusal(
                400, "wrong_protocol", "This inbox takes one distribution (seec-exchange/1); "
                f"a batch goes to {nodes.BATCH_INBOX_PATH}.", field="distributions",
            )  # fmt: skip
        routing, sender, recipient = _routed(document, peer)
        known = InboundMessage.objects.filter(distribution_id=routing.distribution_id).first()
        if known is not None:
            return _duplicate(known, peer)
        payload = _opened(document, routing, peer, sender, recipient)
        return _accept(routing, payload, peer, sender, recipient, envelope.digest(body))
    except envelope.EnvelopeError as error:
        return _refuse(_refusal_of(error), peer, routing, body, remote_address)
    except Refusal as refusal:
        return _refuse(refusal, refusal.peer or peer, refusal.routing or routing, body,
                       remote_address)  # fmt: skip


def _duplicate(known: InboundMessage, peer: Peer) -> Answer:
    if known.peer_id != peer.pk:
        raise Refusal(409, "replay", "This distribution id was received from another node.")
    return Answer(200, {"receipt": known.receipt, "duplicate": True})


def _accept(routing, payload, peer, sender, recipient, body_digest) -> Answer:
    """Store, apply and audit one distribution in one transaction, and sign its receipt.

    The transaction is kept to a few statements, and the audit chain's lock (which every
    audited write of the node queues for) is taken last, so that it is held only for the
    event's own INSERT, the head's UPDATE and the commit."""
    signing = keys.current(KeyUse.SIGNING)
    now = timezone.now()
    claims = {
        "distributionID": routing.distribution_id,
        "receiver": nodes.node_id(),
        "sender": peer.node_id,
        "receivedAt": now.isoformat(),
        "envelopeSha256": body_digest,
    }
    try:
        with transaction.atomic():
            thread = _locked_conversation(routing, peer)
            in_turn = routing.sequence <= thread.last_applied + 1
            claims["state"] = InboxState.APPLIED if in_turn else InboxState.HELD
            message = _inbound(
                routing, peer, sender, recipient, payload, body_digest, now=now, in_turn=in_turn
            )
            message.receipt = envelope.sign_receipt(claims, keys.private_key(signing), signing.kid)
            if in_turn:
                # Applied before it is stored (the handler needs only what it carries): a
                # message that fails is refused whole, and the row is written once, applied.
                payloads.get(message.payload_type).handler(_delivered(message))
            message.save(force_insert=True)
            if in_turn:
                last = max(thread.last_applied, routing.sequence)
                Conversation.objects.filter(pk=thread.pk).update(last_applied=last)
                _apply_held(thread, last)
            _audit_received(
                obj=message,
                actor_username=peer.node_id,
                details={
                    "payload_type": routing.payload_type,
                    "peer": peer.node_id,
                    "conversation": routing.conversation,
                    "sequence": routing.sequence,
                    "from": sender.pk,
                    "to": recipient.pk,
                    "handling": routing.handling,
                    "state": claims["state"],
                },
            )
    except IntegrityError:
        # The same distribution arrived twice at once: the other request stored it.
        known = InboundMessage.objects.filter(distribution_id=routing.distribution_id).first()
        if known is None:
            raise
        return _duplicate(known, peer)
    except ValidationError as error:
        raise Refusal(
            422, "not_applicable", handler_problems(error), peer=peer, routing=routing
        ) from None
    return Answer(200, {"receipt": message.receipt, "duplicate": False})


def _audit_received(**event) -> None:
    """The event of a message (or a batch) received, in the transaction that stores it: staged
    (one INSERT, the chain's lock not taken), as the sender stages its "sent". It exists with
    the message or not at all, before the receipt is answered; the node's exchange worker
    chains it within a second (CHAIN_EVERY), after the answer rather than before it. Appending
    it to the chain here held the chain's lock until the commit was flushed: two batches
    received at once, and every audited write of the node, waited for each other's commits."""
    audit.stage(ExchangeAction.RECEIVED, schedule=False, **event)


def handler_problems(error: ValidationError) -> str:
    """A handler's refusal as the sender reads it: each problem after the field it names."""
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    return "; ".join(
        f"{field}: {message}" if field != "__all__" else message
        for field, messages in error.message_dict.items()
        for message in messages
    )


def _locked_conversation(routing, peer) -> Conversation:
    """The conversation's row, locked until the transaction ends (its messages are applied
    one at a time, in order); made if it is new."""
    rows = Conversation.objects.select_for_update().filter(key=routing.conversation, peer=peer)
    thread = None if routing.sequence == 1 else rows.first()
    if thread is None:
        # A first message usually opens its conversation: one INSERT that yields to a row
        # made at the same moment by another request, then the lock.
        Conversation.objects.bulk_create(
            [Conversation(key=routing.conversation, peer=peer)], ignore_conflicts=True
        )
        thread = rows.get()
    return thread


def _delivered(message: InboundMessage) -> payloads.Delivered:
    return payloads.Delivered(
        payload_type=message.payload_type,
        payload=message.payload,
        sender=message.sender_organisation,
        recipient=message.recipient_organisation,
        conversation=message.conversation,
        kind=message.kind,
        handling=message.handling,
        status=message.status_kind,
        distribution_id=message.distribution_id,
        peer=message.peer,
    )


def _apply(message: InboundMessage) -> None:
    """Apply a held message now in turn; one that fails is refused whole."""
    payloads.get(message.payload_type).handler(_delivered(message))
    message.state = InboxState.APPLIED
    message.applied_at = timezone.now()
    message.save(update_fields=["state", "applied_at"])
    Conversation.objects.filter(key=message.conversation, peer_id=message.peer_id).update(
        last_applied=message.sequence
    )


def _apply_held(thread: Conversation, last_applied: int) -> None:
    """Apply the held messages that are now in turn. One that fails stays recorded as failed
    (its sender had its receipt long ago) and the conversation moves past it."""
    while True:
        following = (
            InboundMessage.objects.select_related("peer")
            .filter(
                conversation=thread.key,
                peer_id=thread.peer_id,
                state=InboxState.HELD,
                sequence=last_applied + 1,
            )
            .first()
        )
        if following is None:
            return
        last_applied = following.sequence
        try:
            with transaction.atomic():
                _apply(following)
        except ValidationError as error:
            following.state = InboxState.FAILED
            following.error = handler_problems(error)
            following.save(update_fields=["state", "error"])
            Conversation.objects.filter(pk=thread.pk).update(last_applied=following.sequence)
            audit.record(
                ExchangeAction.APPLY_FAILED,
                obj=following,
                actor_username=following.peer.node_id,
                reason=following.error[:2000],
            )


def _refuse(refusal: Refusal, peer, routing, body: bytes, remote_address) -> Answer:
    with transaction.atomic():
        record = RefusedMessage.objects.create(
            peer=peer,
            claimed_sender=(routing.sender_node if routing else _claimed_sender(body) or "")[:120],
            distribution_id=(routing.distribution_id if routing else "")[:120],
            code=refusal.code,
            error=refusal.message[:4000],
            remote_address=remote_address,
            body_bytes=len(body),
            body_sha256=envelope.digest(body),
        )
        audit.record(
            ExchangeAction.REFUSED,
            obj=record,
            actor_username=(peer.node_id if peer else record.claimed_sender)[:150],
            reason=refusal.message[:2000],
            details={"code": refusal.code, "distribution": record.distribution_id},
        )
    return Answer(refusal.status, {**refusal.as_result(), "distributionID": record.distribution_id})


# --- Batches (protocol seec-exchange/2) ------------------------------------------------------

MAX_BATCH = 500


@dataclass
class _Checked:
    """A distribution of a batch that passed every check, ready to be stored."""

    index: int
    routing: envelope.Routing
    payload: dict
    sender: object
    recipient: object
    digest: str


def _compact(document) -> bytes:
    # The distribution as its sender wrote it into the batch (compact JSON, in its order):
    # what the receipt's envelopeSha256 and a refusal's record are computed over.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def receive_batch(request: httpsig.IncomingRequest, body: bytes, remote_address=None) -> Answer:
    """Check, store, apply and acknowledge a batch of distributions from one peer.

    The request is signed once (RFC 9421, over the whole body); each distribution is checked
    exactly as one sent alone and answered on its own — a signed receipt, or its refusal
    naming the field at fault — so that one bad distribution refuses nothing else. The
    accepted ones are stored in one transaction with one audit event naming each; a
    distribution id heard before is answered with the receipt already given."""
    peer = None
    try:
        # The signature is remembered (a replay refused) in the transaction that stores what
        # the batch carries, not in a transaction of its own before it (_Hearing).
        peer = _authenticate(request, body, remember_now=False)
        try:
            batch = json.loads(body)
        except ValueError:
            raise Refusal(400, "malformed", "The body is not JSON.") from None
        distributions = _batch_distributions(batch)
    except Refusal as refusal:
        if peer is not None:
            refusal = _replayed(request) or refusal
        return _refuse(refusal, refusal.peer or peer, None, body, remote_address)
    try:
        return _receive_distributions(distributions, peer, _Hearing(request), remote_address)
    except httpsig.SignatureProblem as problem:
        # A replay, found as its storing transaction began: nothing of it was kept.
        return _refuse(Refusal(401, problem.code, problem.message), peer, None, body,
                       remote_address)  # fmt: skip


def _replayed(request: httpsig.IncomingRequest) -> Refusal | None:
    """A request refused whole is remembered alone: its replay is refused as a replay."""
    try:
        httpsig.remember(request)
    except httpsig.SignatureProblem as problem:
        return Refusal(401, problem.code, problem.message)
    return None


class _Hearing:
    """The signature of a batch request, remembered once (a second hearing is a replay): by
    the first transaction that writes what the request carries, so that a replay keeps
    nothing and the request costs no transaction of its own; alone when nothing is written
    (every distribution heard before). `kept` once that transaction committed."""

    def __init__(self, request: httpsig.IncomingRequest):
        self.request = request
        self.kept = False

    def remember(self) -> None:
        """Raises httpsig.SignatureProblem for a replay."""
        if not self.kept:
            httpsig.remember(self.request)
            transaction.on_commit(self._commit)

    def _commit(self) -> None:
        self.kept = True


def _receive_distributions(distributions: list, peer: Peer, heard: _Hearing, remote_address):
    """Each distribution of an authenticated batch checked, stored or refused, and answered."""
    results: list[dict | None] = [None] * len(distributions)
    refused: list[tuple[int, Refusal, object, bytes]] = []
    checked: list[_Checked] = []
    routed = []
    for index, document in enumerate(distributions):
        routing = None
        try:
            routing, sender, recipient = _routed(document, peer)
            routed.append((index, document, routing, sender, recipient))
        except (Refusal, envelope.EnvelopeError) as problem:
            refusal = _as_refusal(problem)
            refused.append((index, refusal, routing, _compact(document)))
    # Heard before (an honest retry): answered with the receipt already given, not opened.
    known = _heard_before([r[2].distribution_id for r in routed])
    first_of: dict[str, int] = {}
    repeated: list[tuple[int, int]] = []
    for index, document, routing, sender, recipient in routed:
        earlier = known.get(routing.distribution_id)
        if earlier is not None:
            if earlier.peer_id != peer.pk:
                refusal = Refusal(409, "replay", "This distribution id was received from "
                                  "another node.", field="distributionID")  # fmt: skip
                refused.append((index, refusal, routing, _compact(document)))
            else:
                results[index] = _receipt_result(routing.distribution_id, earlier.receipt, True)
            continue
        if routing.distribution_id in first_of:
            # The same distribution twice in one batch: the second gets the first's answer.
            repeated.append((index, first_of[routing.distribution_id]))
            continue
        first_of[routing.distribution_id] = index
        raw = _compact(document)
        try:
            payload = _opened(document, routing, peer, sender, recipient)
        except (Refusal, envelope.EnvelopeError) as problem:
            refusal = _as_refusal(problem)
            refused.append((index, refusal, routing, raw))
            continue
        checked.append(_Checked(index, routing, payload, sender, recipient, envelope.digest(raw)))

    if checked:
        accepted, not_applied = _accept_batch(checked, peer, heard)
        for index, result in accepted.items():
            results[index] = result
        for item, refusal in not_applied:
            refused.append((item.index, refusal, item.routing, b""))
    if refused:
        _refuse_in_batch(refused, peer, remote_address, heard)
        for index, refusal, routing, _raw in refused:
            results[index] = {
                "distributionID": routing.distribution_id if routing else "",
                "status": refusal.status,
                **refusal.as_result(),
            }
    heard.remember()  # alone, when nothing was written: every distribution heard before
    for index, first in repeated:
        results[index] = dict(results[first])
        if "receipt" in results[index]:
            results[index]["duplicate"] = True
    for index, result in enumerate(results):
        result["index"] = index
    return Answer(200, {"protocol": nodes.BATCH_PROTOCOL, "results": results})


class _Heard(NamedTuple):
    peer_id: int
    receipt: str


def _heard_before(distribution_ids: list[str]) -> dict[str, _Heard]:
    """The distributions of these ids already in the inbox: who sent each, and its receipt.
    Read without the ORM's query building (as are the conversations' lock and the batch's
    updates below): building each query cost the receiver as much as opening a message, and
    a batch of a few messages (a lightly loaded node's) paid it whole."""
    found = column_where_in(
        InboundMessage, "distribution_id", distribution_ids, "peer_id", "receipt"
    )
    return {
        distribution_id: _Heard(peer_id, receipt) for distribution_id, peer_id, receipt in found
    }


def _batch_distributions(batch) -> list:
    if not isinstance(batch, dict) or "distributions" not in batch:
        if isinstance(batch, dict) and "distributionID" in batch:
            raise Refusal(
                400, "wrong_protocol", "This inbox takes a batch (seec-exchange/2); one "
                "distribution alone goes to /exchange/inbox/.", field="distributions",
            )  # fmt: skip
        raise Refusal(400, "malformed", "The body is not a batch of distributions.",
                      field="distributions")  # fmt: skip
    if batch.get("protocol") != nodes.BATCH_PROTOCOL:
        raise Refusal(
            400,
            "wrong_protocol",
            f"The batch must say protocol {nodes.BATCH_PROTOCOL}.",
            field="protocol",
        )
    distributions = batch["distributions"]
    if not isinstance(distributions, list) or not distributions:
        raise Refusal(400, "malformed", "distributions must be a list of distributions.",
                      field="distributions")  # fmt: skip
    if len(distributions) > MAX_BATCH:
        raise Refusal(413, "too_large", f"A batch holds at most {MAX_BATCH} distributions.",
                      field="distributions")  # fmt: skip
    return distributions


def _receipt_result(distribution_id: str, receipt: str, duplicate: bool) -> dict:
    return {"distributionID": distribution_id, "status": 200, "receipt": receipt,
            "duplicate": duplicate}  # fmt: skip


def _accept_batch(items: list[_Checked], peer: Peer, heard: _Hearing):
    """Store and apply the checked distributions of a batch in one transaction, each in its
    conversation's order; returns the results by index and the ones their handler refused.

    Should the batch's transaction fail as a whole (the same distribution stored at that
    moment by another request), each is accepted on its own instead."""
    try:
        try:
            return _accept_together(items, peer, heard, alone=False)
        except _HandlerRefused:
            # A handler refused its message: the batch's transaction was undone whole. Again,
            # each handler under a savepoint of its own, so that only that one is left out.
            return _accept_together(items, peer, heard, alone=True)
    except IntegrityError:
        heard.remember()  # undone with the batch's transaction
        accepted, not_applied = {}, []
        for item in items:
            try:
                answer = _accept(item.routing, item.payload, peer, item.sender, item.recipient,
                                 item.digest)  # fmt: skip
            except Refusal as refusal:
                not_applied.append((item, refusal))
                continue
            accepted[item.index] = _receipt_result(
                item.routing.distribution_id, answer.body["receipt"], answer.body["duplicate"]
            )
        return accepted, not_applied


class _HandlerRefused(Exception):
    """A handler refused its message in a batch applied with no savepoint of its own."""


def _accept_together(items: list[_Checked], peer: Peer, heard: _Hearing, *, alone: bool):
    """The batch in one transaction. `alone`: each handler under a savepoint of its own (one
    that refuses undoes only its own writes); otherwise the handlers run in the transaction
    itself, no savepoint (two statements saved on every batch, for the rare refusal that
    undoes the whole transaction and makes the caller run it again with `alone`)."""
    signing = keys.current(KeyUse.SIGNING)
    signing_key = keys.private_key(signing)
    now = timezone.now()
    accepted: dict[int, dict] = {}
    with transaction.atomic():
        heard.remember()
        threads, fresh, stored = _locked_conversations(items, peer)
        rows, not_applied, moved = _apply_in_order(items, threads, peer, now, alone=alone)
        # The conversations whose row does not say yet how far they are applied: a row made
        # by this batch says it already, unless a handler refused one of its messages.
        behind = [t for t in threads.values() if t.last_applied != stored[t.key]]
        if behind:
            _move_on(behind)
        for item, message in rows:
            claims = {
                "distributionID": message.distribution_id,
                "receiver": nodes.node_id(),
                "sender": peer.node_id,
                "receivedAt": now.isoformat(),
                "envelopeSha256": item.digest,
                "state": message.state,
            }
            message.receipt = envelope.sign_receipt(claims, signing_key, signing.kid)
        if not rows:
            return accepted, not_applied
        insert_returning_pks([message for _item, message in rows])
        if moved:
            # Messages that came early, in a conversation this batch moved on: now in turn.
            # Only a conversation older than this batch, or one this batch held a message
            # of, can have any (a conversation's row is made by its first message to arrive,
            # and the lock on it keeps another request's messages out until this commits):
            # the common batch, of new conversations each opened by its first message, is
            # spared the query.
            held_now = {m.conversation for _item, m in rows if m.state == InboxState.HELD}
            maybe = [t.key for t in moved.values() if t.key not in fresh or t.key in held_now]
            waiting = set(
                InboundMessage.objects.filter(
                    peer=peer, state=InboxState.HELD, conversation__in=maybe,
                ).values_list("conversation", flat=True)
            ) if maybe else set()  # fmt: skip
            for thread in moved.values():
                if thread.key in waiting:
                    _apply_held(thread, thread.last_applied)
        _audit_received(
            obj=rows[0][1] if len(rows) == 1 else None,
            actor_username=peer.node_id,
            details={
                "peer": peer.node_id,
                "batch": len(rows),
                # Each distribution as a message received alone names it.
                "distributions": [
                    [
                        m.distribution_id,
                        m.payload_type,
                        m.conversation,
                        m.sequence,
                        item.sender.pk,
                        item.recipient.pk,
                        m.handling,
                        m.state,
                    ]
                    for item, m in rows
                ],
            },
        )
    for item, message in rows:
        accepted[item.index] = _receipt_result(message.distribution_id, message.receipt, False)
    return accepted, not_applied


def _apply_in_order(items, threads, peer, now, *, alone: bool):
    """Each message of the batch applied by its handler if it is in its conversation's turn,
    held otherwise; returns the rows to store, the refused, and the conversations moved on.
    `alone`: each handler in a savepoint of its own (one that refuses undoes only itself);
    otherwise a refusal raises _HandlerRefused for the caller to start again."""
    rows, not_applied, moved = [], [], {}
    for item in items:
        routing = item.routing
        thread = threads[routing.conversation]
        in_turn = routing.sequence <= thread.last_applied + 1
        message = _inbound(
            routing,
            peer,
            item.sender,
            item.recipient,
            item.payload,
            item.digest,
            now=now,
            in_turn=in_turn,
        )
        if in_turn:
            handler = payloads.get(message.payload_type).handler
            try:
                if alone:
                    with transaction.atomic():
                        handler(_delivered(message))
                else:
                    handler(_delivered(message))
            except ValidationError as error:
                if not alone:
                    raise _HandlerRefused from error
                refusal = Refusal(422, "not_applicable", "; ".join(error.messages), field="payload")
                not_applied.append((item, refusal))
                continue
            thread.last_applied = max(thread.last_applied, routing.sequence)
            moved[thread.pk] = thread
        rows.append((item, message))
    return rows, not_applied, moved


def _move_on(threads: list[Conversation]) -> None:
    """Each conversation's last applied sequence, in one UPDATE (core.bulk.update_by_pk)."""
    column = Conversation._meta.get_field("last_applied").column
    update_by_pk(Conversation, {thread.pk: {column: thread.last_applied} for thread in threads})


def _locked_conversations(items: list[_Checked], peer: Peer):
    """The conversations of a batch, made where new, locked in the order of their keys (two
    batches that share conversations never wait for each other in a circle); the keys of
    those made now (INSERT … RETURNING names only the rows it inserted, on either engine);
    and how far each conversation's row says it is applied.

    A row made now is this transaction's until it commits (another request's INSERT of the
    same key waits for it, and on SQLite the whole database is): its lock is taken, and the
    INSERT returns it whole. Only conversations that existed before are read FOR UPDATE; the
    common batch, of new conversations each opened by its first message, is spared that.
    A new conversation's row is made saying how far this batch will have applied it, should
    every handler take its message (as the batch's messages are applied in their order,
    from none): the common batch is spared the UPDATE that would move it on. Its object
    here says none applied, as the messages are applied in turn from there."""
    keys_ = sorted({item.routing.conversation for item in items})
    reaches: dict[str, int] = {}
    for item in items:
        key, sequence = item.routing.conversation, item.routing.sequence
        last = reaches.get(key, 0)
        reaches[key] = max(last, sequence) if sequence <= last + 1 else last
    ops, quote = connection.ops, connection.ops.quote_name
    meta = Conversation._meta
    fields = meta.concrete_fields
    column = {field.name: quote(field.column) for field in fields}
    selected = ", ".join(column[field.name] for field in fields)
    table = quote(meta.db_table)
    made = [column[name] for name in ("key", "peer", "last_sent", "last_applied")]
    marks = ", ".join(["(%s, %s, 0, %s)"] * len(keys_))
    locked = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        # New conversations made, yielding to rows made at the same moment by another request.
        cursor.execute(
            f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {table} "
            f"({', '.join(made)}) VALUES {marks} "
            + ops.on_conflict_suffix_sql(
                [meta.get_field("key"), meta.get_field("peer")], OnConflict.IGNORE, None, None
            )
            + f" RETURNING {selected}",
            [value for key in keys_ for value in (key, peer.pk, reaches[key])],
        )
        rows = cursor.fetchall()
        key_at = [field.name for field in fields].index("key")
        fresh = {row[key_at] for row in rows}
        older = [key for key in keys_ if key not in fresh]
        if older:
            cursor.execute(
                f"SELECT {selected} FROM {table} "  # noqa: S608 — quoted
                f"WHERE {column['peer']} = %s AND {column['key']} IN "
                f"({', '.join(['%s'] * len(older))}) ORDER BY {column['key']}{locked}",
                [peer.pk, *older],
            )
            rows += cursor.fetchall()
    names = [field.attname for field in fields]
    threads = {
        thread.key: thread
        for thread in (Conversation.from_db(connection.alias, names, row) for row in rows)
    }
    stored = {key: thread.last_applied for key, thread in threads.items()}
    for key in fresh:
        threads[key].last_applied = 0
    return threads, fresh, stored


def _refuse_in_batch(refused, peer: Peer, remote_address, heard: _Hearing) -> None:
    """Record the refused distributions of a batch, each with its audit event."""
    with transaction.atomic():
        heard.remember()
        for _index, refusal, routing, raw in refused:
            record = RefusedMessage.objects.create(
                peer=peer,
                claimed_sender=(routing.sender_node if routing else peer.node_id)[:120],
                distribution_id=(routing.distribution_id if routing else "")[:120],
                code=refusal.code,
                error=refusal.message[:4000],
                remote_address=remote_address,
                body_bytes=len(raw),
                body_sha256=envelope.digest(raw) if raw else "",
            )
            audit.record(
                ExchangeAction.REFUSED,
                obj=record,
                actor_username=peer.node_id[:150],
                reason=refusal.message[:2000],
                details={
                    "code": refusal.code,
                    "distribution": record.distribution_id,
                    "field": refusal.field,
                    "batch": True,
                },
            )


def _inbound(routing, peer, sender, recipient, payload, digest, *, now, in_turn) -> InboundMessage:
    """The inbox row of one message, alone or in a batch (not saved): applied now if it is its
    conversation's next, else held until those before it arrive."""
    return InboundMessage(
        distribution_id=routing.distribution_id,
        peer=peer,
        sender_organisation=sender,
        recipient_organisation=recipient,
        payload_type=routing.payload_type,
        kind=routing.kind,
        status_kind=routing.status,
        handling=routing.handling,
        conversation=routing.conversation,
        sequence=routing.sequence,
        payload=payload,
        sent_at=routing.sent_at,
        expires_at=routing.expires_at,
        received_at=now,
        state=InboxState.APPLIED if in_turn else InboxState.HELD,
        applied_at=now if in_turn else None,
        envelope_sha256=digest,
    )
