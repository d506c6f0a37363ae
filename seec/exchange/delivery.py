"""Delivering the outbox: each due message sealed for its peer, posted with a signed request,
and marked delivered only with the peer's signed receipt in hand.

The worker (`run_worker`) claims due messages under a lease (one UPDATE … RETURNING, safe
for several workers on either engine) and hands them to its sending threads: a thread that
is free takes its share of what is claimed and not yet taken, except the messages of a
conversation that another thread is sending (so that a conversation's messages leave in
order). Each sending thread keeps its HTTP connections to the peers open between requests.
The outcomes go to the worker's bookkeeping thread, which records them a batch at a time
(one transaction and one audit event for the receipts of a batch), chains every second the
audit events that `services.send` staged with each outbox row (and in the transaction that
records their receipts), and escalates overdue requests; the worker's own thread only
claims, woken by the transaction that wrote a message as soon as it commits (wakeup.py), by
a thread come back, or every `idle` seconds.

A worker killed half-way leaves its lease to run out, and the message is sent again under
the same distribution id, which the receiver answers with the receipt it already gave. A
network failure or a 5xx answer is retried with back-off; a refusal (4xx) is a dead letter
with the receiver's reason, for an administrator to see and send again. A peer that cannot
be reached is tried by one message at a time; the others wait as long as it does.
"""

import json
import logging
import math
import queue
import random
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from seec.core import audit, bulk
from seec.core.models import StagedRead

from . import envelope, httpsig, keys, nodes, statements, wakeup
from .audit_actions import ExchangeAction
from .briefly import Briefly
from .models import KeyUse, OutboundMessage, OutboxState, Peer, PeerKey, PeerStatus

logger = logging.getLogger(__name__)

HTTP_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
# Answers that say "not now" rather than "no": retried like a network failure.
RETRYABLE_STATUS = {408, 425, 429}
# Refusals that a fresh look at the peer's keys may cure (it rotated them).
STALE_KEY_CODES = {"stale_key"}


def backoff(attempts: int) -> timedelta:
    base = settings.SEEC_EXCHANGE_RETRY_BASE_SECONDS
    delay = min(settings.SEEC_EXCHANGE_RETRY_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311 — jitter, no secret


def claim(limit: int, *, skip_peers=(), only_peers=()) -> tuple[str, list[OutboundMessage]]:
    """Lease up to `limit` due messages to this worker (none for the peers in `skip_peers`;
    only for those in `only_peers`, if given), oldest due first; returned in the order they
    were written.

    One statement chooses and leases them (UPDATE … RETURNING, on SQLite ≥ 3.35 and
    PostgreSQL alike): a message written a moment ago is in a sending thread's hands after
    one round trip, not three. On PostgreSQL the rows another worker is leasing at that
    moment are skipped rather than waited for; the lease is checked again by the UPDATE
    itself, so two workers never hold one message."""
    now = timezone.now()
    token = secrets.token_hex(8)
    lease = timedelta(seconds=settings.SEEC_EXCHANGE_LEASE_SECONDS)
    ops = connection.ops
    table = ops.quote_name(OutboundMessage._meta.db_table)
    fields = OutboundMessage._meta.concrete_fields

    def column(name: str) -> str:
        return ops.quote_name(OutboundMessage._meta.get_field(name).column)

    pk = ops.quote_name(OutboundMessage._meta.pk.column)
    free = f"({column('leased_until')} IS NULL OR {column('leased_until')} < %s)"
    when = ops.adapt_datetimefield_value(now)
    where = [f"{column('state')} = %s", f"{column('next_attempt_at')} <= %s", free]
    params: list = [OutboxState.PENDING, when, when]
    for peers, operator in ((skip_peers, "NOT IN"), (only_peers, "IN")):
        if peers:
            peers = list(peers)
            where.append(f"{column('peer')} {operator} ({', '.join(['%s'] * len(peers))})")
            params += peers
    skip_locked = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    sql = (
        f"UPDATE {table} SET {column('leased_until')} = %s, {column('lease_token')} = %s "  # noqa: S608 — quoted
        f"WHERE {pk} IN (SELECT {pk} FROM {table} WHERE {' AND '.join(where)} "
        f"ORDER BY {column('next_attempt_at')}, {pk} LIMIT %s{skip_locked}) "
        f"AND {column('state')} = %s AND {free} "
        f"RETURNING {', '.join(ops.quote_name(field.column) for field in fields)}"
    )
    in_order = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            (IN_INDEX_ORDER if in_order else "") + sql,
            [ops.adapt_datetimefield_value(now + lease), token, *params, limit,
             OutboxState.PENDING, when],
        )  # fmt: skip
        if in_order:
            cursor.nextset()  # past the SET
        rows = cursor.fetchall()
    if not rows:
        return "", []
    converters = _converters(OutboundMessage, fields)
    messages = [_from_row(OutboundMessage, row, fields, converters) for row in rows]
    peers = _peers_by_id({message.peer_id for message in messages})
    for message in messages:
        message.peer = peers[message.peer_id]
    messages.sort(key=lambda message: message.pk)
    return token, messages


# PostgreSQL plans the claim (and the look for the next due message) as a bitmap of every entry
# of the due index, sorted, whenever its statistics say few messages wait, as they do: but a
# bitmap reads the entries of rows long delivered too (each stays in the index until a vacuum),
# and kills none of them. At 220 messages a second that was thousands of entries and as many
# table pages a claim (32 ms, measured). Read in the index's order instead, the claim stops
# after the messages it takes, and each entry found dead on the way is marked so (the next
# scan skips it without a look at the table). Sent with the statement, in the same round trip
# (PostgreSQL runs the two as one implicit transaction: the setting ends with it).
IN_INDEX_ORDER = "SET LOCAL enable_bitmapscan = off; "


def _peers_by_id(peer_ids) -> dict[int, Peer]:
    """The claimed messages' peers, read by a query written out: a claim comes at every
    commit to the outbox, and building the query with the ORM cost more than the claim
    (prepared once a connection on PostgreSQL: statements.py)."""
    quote = connection.ops.quote_name
    fields = Peer._meta.concrete_fields
    peer_ids = list(peer_ids)
    with statements.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(field.column) for field in fields)} "  # noqa: S608 — quoted
            f"FROM {quote(Peer._meta.db_table)} WHERE {quote(Peer._meta.pk.column)} "
            f"IN ({', '.join(['%s'] * len(peer_ids))})",
            peer_ids,
        )
        rows = cursor.fetchall()
    converters = _converters(Peer, fields)
    return {peer.pk: peer for peer in (_from_row(Peer, row, fields, converters) for row in rows)}


def _converters(model, fields) -> list[list]:
    """For each field, the converters the ORM would pass its value through (JSON, dates on
    SQLite), found once a query rather than once a row and field."""
    table = model._meta.db_table
    found = []
    for field in fields:
        expression = field.get_col(table)
        found.append(
            [
                (converter, expression)
                for converter in connection.ops.get_db_converters(expression)
                + field.get_db_converters(connection)
            ]
        )
    return found


def _from_row(model, row, fields, converters):
    """A row read by a written-out query as the model instance the ORM would have made (its
    values through the same converters)."""
    values = []
    for value, field_converters in zip(row, converters, strict=True):
        for converter, expression in field_converters:
            value = converter(value, expression, connection)
        values.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], values)


_addresses = Briefly()
_recipient_keys = Briefly()
_receipt_keys = Briefly()


def _recipient_key(message: OutboundMessage) -> PeerKey | None:
    return _recipient_keys.get(
        message.peer_id,
        lambda: (
            PeerKey.objects.filter(
                peer=message.peer, use=KeyUse.ENCRYPTION, retired_at=None, revoked_at=None
            )
            .order_by("-first_seen_at", "-pk")
            .first()
        ),
    )


def _address(organisation_id: int) -> str:
    # By the organisation's id: the claimed messages are read without their organisations.
    return _addresses.get(organisation_id, lambda: nodes.address_of_id(organisation_id))


def seal_document(message: OutboundMessage) -> dict:
    """The message's distribution: routing in the clear, payload signed then encrypted."""
    routing = envelope.Routing(
        distribution_id=message.distribution_id,
        sender_node=nodes.node_id(),
        sent_at=timezone.now(),
        expires_at=message.expires_at,
        status=message.status_kind,
        kind=message.kind,
        handling=message.handling,
        payload_type=message.payload_type,
        conversation=message.conversation,
        sequence=message.sequence,
        sender_address=_address(message.sender_organisation_id),
        recipient_address=_address(message.recipient_organisation_id),
    )
    encryption = _recipient_key(message)
    if encryption is None:
        raise DeliveryProblem("The peer has published no encryption key.", retry=True)
    signing = keys.current(KeyUse.SIGNING)
    return envelope.seal(
        routing,
        message.payload,
        signing_key=keys.private_key(signing),
        signing_kid=signing.kid,
        recipient_key=keys.public_key(encryption.public_jwk, encryption.kid),
        recipient_kid=encryption.kid,
    )


def _signed_request(url: str, body: bytes) -> dict:
    """The headers of a POST of `body` to `url`, signed per RFC 9421 with a Content-Digest."""
    signing = keys.current(KeyUse.SIGNING)
    request = httpsig.OutgoingRequest("POST", url, {"Content-Type": "application/json"})
    httpsig.sign(request, body, private_key=keys.private_key(signing).private_key, kid=signing.kid)
    return request.headers


def _compact(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def seal_request(message: OutboundMessage) -> tuple[bytes, dict]:
    """The message's distribution as a signed HTTP request body and headers."""
    body = _compact(seal_document(message))
    return body, _signed_request(message.peer.inbox_url, body)


class DeliveryProblem(Exception):
    def __init__(self, message: str, *, retry: bool, code: str = "", unreachable=False):
        super().__init__(message)
        self.retry = retry
        self.code = code
        self.unreachable = unreachable


def _peer_signing_key(peer, kid: str):
    def look_up():
        key = PeerKey.objects.filter(
            peer=peer, kid=kid, use=KeyUse.SIGNING, revoked_at=None
        ).first()
        return keys.public_key(key.public_jwk, key.kid) if key else None

    return _receipt_keys.get((peer.pk, kid), look_up)


def _read_receipt(message: OutboundMessage, answer: dict) -> dict:
    receipt = answer.get("receipt") if isinstance(answer, dict) else None
    if not isinstance(receipt, str):
        raise DeliveryProblem("The peer answered without a receipt.", retry=True)

    def by_kid(kid):
        key = _peer_signing_key(message.peer, kid)
        if key is None and nodes.refresh_peer(message.peer):
            _recipient_keys.clear()
            key = _peer_signing_key(message.peer, kid)
        return key

    try:
        claims = envelope.read_receipt(receipt, by_kid)
    except envelope.EnvelopeError as error:
        raise DeliveryProblem(error.message, retry=True) from None
    if (
        claims.get("distributionID") != message.distribution_id
        or claims.get("receiver") != message.peer.node_id
    ):
        raise DeliveryProblem("The receipt is for another distribution.", retry=True)
    return {"receipt": receipt, "claims": claims}


def post(message: OutboundMessage, client: httpx.Client) -> dict:
    """Post one message; returns the verified receipt or raises DeliveryProblem."""
    body, headers = seal_request(message)
    try:
        response = client.post(message.peer.inbox_url, content=body, headers=headers)
    except (httpx.ConnectError, httpx.ConnectTimeout) as error:
        raise DeliveryProblem(
            f"{type(error).__name__}: {error}", retry=True, unreachable=True
        ) from None
    except httpx.HTTPError as error:
        raise DeliveryProblem(f"{type(error).__name__}: {error}", retry=True) from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code == 200:
        return _read_receipt(message, answer)
    code = answer.get("error", "") if isinstance(answer, dict) else ""
    text = answer.get("message", "") if isinstance(answer, dict) else ""
    raise _refused(message.peer, response.status_code, code, text or response.text[:500])


def _refused(peer, status: int, code: str, text: str, *, refresh=True) -> DeliveryProblem:
    """What a refusal means for the message: retried ("not now", or keys to read again) or a
    dead letter with the receiver's reason."""
    detail = f"{status} {code}: {text}"
    if status >= 500 or status in RETRYABLE_STATUS:
        return DeliveryProblem(detail, retry=True, code=code)
    if code in STALE_KEY_CODES:
        if refresh:
            _read_keys_again(peer)
        return DeliveryProblem(detail, retry=True, code=code)
    return DeliveryProblem(detail, retry=False, code=code)


def _read_keys_again(peer) -> None:
    nodes.refresh_peer(peer, force=True)
    _recipient_keys.clear()


# --- The worker ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one leased message, for the worker's thread to record."""

    message: OutboundMessage
    token: str
    state: str
    receipt: dict | None = None
    at: datetime | None = None
    error: str = ""
    retry_at: datetime | None = None


class Unreachable:
    """The peers that could not be connected to, each until its next try: one message tries,
    the others wait as long as it does (10,000 messages to a node that is down cost one
    refused connection a try, not 10,000)."""

    def __init__(self):
        self._peers: dict[int, tuple[datetime, int, str]] = {}
        self._lock = threading.Lock()

    def until(self, peer_id: int) -> tuple[datetime, str] | None:
        entry = self._peers.get(peer_id)
        if entry is None or entry[0] <= timezone.now():
            return None
        return entry[0], entry[2]

    def failed(self, peer_id: int, error: str) -> datetime:
        with self._lock:
            _until, failures, _error = self._peers.get(peer_id, (None, 0, ""))
            until = timezone.now() + backoff(failures + 1)
            self._peers[peer_id] = (until, failures + 1, error)
            return until

    def reached(self, peer_id: int) -> None:
        if peer_id in self._peers:
            with self._lock:
                self._peers.pop(peer_id, None)

    def now_waiting(self) -> list[int]:
        now = timezone.now()
        return [peer for peer, (until, _n, _e) in list(self._peers.items()) if until > now]


def attempt(message: OutboundMessage, token: str, client: httpx.Client, down: Unreachable):
    """Try to deliver one leased message; writes nothing (the worker records the outcome)."""
    waiting = down.until(message.peer_id)
    if waiting is not None:
        return Outcome(message, token, OutboxState.PENDING, retry_at=waiting[0], error=waiting[1])
    if message.expires_at <= timezone.now():
        return Outcome(message, token, OutboxState.EXPIRED, error="Expired.")
    try:
        delivered = post(message, client)
    except DeliveryProblem as problem:
        return _problem_outcome(message, token, problem, down)
    down.reached(message.peer_id)
    return Outcome(message, token, OutboxState.DELIVERED, receipt=delivered, at=timezone.now())


def _problem_outcome(message, token, problem: DeliveryProblem, down: Unreachable) -> Outcome:
    error = str(problem)[:2000]
    if not problem.retry:
        return Outcome(message, token, OutboxState.DEAD, error=error)
    if problem.unreachable:
        retry_at = down.failed(message.peer_id, error)
    else:
        retry_at = timezone.now() + backoff(message.attempts + 1)
    return Outcome(message, token, OutboxState.PENDING, retry_at=retry_at, error=error)


# At most this many distributions, and this many bytes, in one request to a peer's batch
# inbox: the request, its signature, the receiver's transaction and its audit event are paid
# once for them all. What is waiting is shared evenly among the sending threads that are
# free: two halves in flight side by side are answered sooner than one whole. (Batches of
# 200 under a backlog drained it more slowly, not faster: the worker claims more only once
# half of what is in hand has gone, and a thread back from a small batch waited idle for the
# other's large one.)
BATCH_MESSAGES = 50
BATCH_BYTES = 4 * 1024 * 1024
# Peers whose batch inbox answered that it is not there (a node that went back to protocol
# 1): sent one distribution at a time from then on, until this process restarts.
_single_only: set[int] = set()


def takes_batches(peer) -> bool:
    return bool(peer.batch_inbox_url) and peer.pk not in _single_only


def attempt_batch(items: list[tuple[OutboundMessage, str]], client, down) -> list[Outcome]:
    """Try to deliver leased messages to one peer in as few requests as fit (protocol
    seec-exchange/2); writes nothing. Each message is sealed and acknowledged on its own,
    and ends as it would alone: delivered with its receipt, retried, or a dead letter with
    its own reason."""
    peer = items[0][0].peer
    waiting = down.until(peer.pk)
    if waiting is not None:
        return [
            Outcome(m, t, OutboxState.PENDING, retry_at=waiting[0], error=waiting[1])
            for m, t in items
        ]
    outcomes, sealed, size = [], [], 0
    now = timezone.now()
    for message, token in items:
        if message.expires_at <= now:
            outcomes.append(Outcome(message, token, OutboxState.EXPIRED, error="Expired."))
            continue
        try:
            document = seal_document(message)
        except DeliveryProblem as problem:
            outcomes.append(_problem_outcome(message, token, problem, down))
            continue
        length = len(_compact(document))
        if sealed and (len(sealed) >= BATCH_MESSAGES or size + length > BATCH_BYTES):
            outcomes += _post_batch(sealed, client, down)
            sealed, size = [], 0
        sealed.append((message, token, document))
        size += length
    if sealed:
        outcomes += _post_batch(sealed, client, down)
    return outcomes


def _post_batch(sealed: list[tuple], client: httpx.Client, down: Unreachable) -> list[Outcome]:
    peer = sealed[0][0].peer
    batch = {"protocol": nodes.BATCH_PROTOCOL, "distributions": [d for _m, _t, d in sealed]}
    body = _compact(batch)
    headers = _signed_request(peer.batch_inbox_url, body)

    def all_(problem: DeliveryProblem) -> list[Outcome]:
        if problem.unreachable:
            # One failed connection, one step of the peer's back-off: all wait as long.
            until = down.failed(peer.pk, str(problem)[:2000])
            return [
                Outcome(m, t, OutboxState.PENDING, retry_at=until, error=str(problem)[:2000])
                for m, t, _d in sealed
            ]
        return [_problem_outcome(m, t, problem, down) for m, t, _d in sealed]

    try:
        response = client.post(peer.batch_inbox_url, content=body, headers=headers)
    except (httpx.ConnectError, httpx.ConnectTimeout) as error:
        return all_(DeliveryProblem(f"{type(error).__name__}: {error}", retry=True,
                                    unreachable=True))  # fmt: skip
    except httpx.HTTPError as error:
        return all_(DeliveryProblem(f"{type(error).__name__}: {error}", retry=True))
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code in (404, 405):
        # No batch inbox there (any longer): one distribution a request, now and from now on.
        logger.warning("%s takes no batches; sending one at a time", peer.node_id)
        _single_only.add(peer.pk)
        return [attempt(m, t, client, down) for m, t, _d in sealed]
    if response.status_code != 200:
        # The batch as a whole was refused (its signature, its size): so is each message.
        code = answer.get("error", "") if isinstance(answer, dict) else ""
        text = answer.get("message", "") if isinstance(answer, dict) else ""
        return all_(_refused(peer, response.status_code, code, text or response.text[:500]))
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list) or len(results) != len(sealed):
        return all_(DeliveryProblem("The peer's answer to the batch is malformed.", retry=True))
    down.reached(peer.pk)
    outcomes, stale = [], False
    for (message, token, _document), result in zip(sealed, results, strict=True):
        try:
            outcomes.append(_batch_outcome(message, token, result))
        except DeliveryProblem as problem:
            stale = stale or problem.code in STALE_KEY_CODES
            outcomes.append(_problem_outcome(message, token, problem, down))
    if stale:
        _read_keys_again(peer)  # once for the batch, not once a message
    return outcomes


def _batch_outcome(message: OutboundMessage, token: str, result) -> Outcome:
    if not isinstance(result, dict) or result.get("distributionID") not in (
        message.distribution_id,
        "",
    ):
        raise DeliveryProblem("The peer answered for another distribution.", retry=True)
    status = result.get("status")
    if status == 200:
        receipt = _read_receipt(message, result)
        return Outcome(message, token, OutboxState.DELIVERED, receipt=receipt, at=timezone.now())
    if not isinstance(status, int):
        raise DeliveryProblem("The peer's answer names no status.", retry=True)
    text = str(result.get("message", ""))
    if result.get("field"):
        text = f"{text} (field: {result['field']})"
    raise _refused(message.peer, status, str(result.get("error", "")), text, refresh=False)


def _finish(message: OutboundMessage, token: str, **changes) -> bool:
    return bool(
        OutboundMessage.objects.filter(pk=message.pk, lease_token=token).update(
            leased_until=None, lease_token="", attempts=F("attempts") + 1, **changes
        )
    )


def record(outcomes: list[Outcome]) -> None:
    """Write what became of a batch of messages: the receipts in one transaction with one
    audit event naming every distribution (as an import's batch names its cases); the
    retries; the dead letters and expiries, each with its own audit event."""
    delivered = [o for o in outcomes if o.state == OutboxState.DELIVERED]
    if delivered:
        _record_delivered(delivered)
    waiting: dict[tuple, list[int]] = {}
    for outcome in outcomes:
        if outcome.state == OutboxState.PENDING:
            key = (outcome.token, outcome.retry_at, outcome.error)
            waiting.setdefault(key, []).append(outcome.message.pk)
        elif outcome.state in (OutboxState.DEAD, OutboxState.EXPIRED):
            _record_dead(outcome)
    for (token, retry_at, error), pks in waiting.items():
        OutboundMessage.objects.filter(pk__in=pks, lease_token=token).update(
            leased_until=None,
            lease_token="",
            attempts=F("attempts") + 1,
            next_attempt_at=retry_at,
            last_error=error,
        )


def _record_delivered(outcomes: list[Outcome]) -> None:
    with transaction.atomic():
        # One query for the batch, whatever claims its messages came from (a batch gathers
        # the outcomes of several): each row locked with the token it is leased under now.
        held = set(
            OutboundMessage.objects.select_for_update()
            .filter(pk__in=[o.message.pk for o in outcomes])
            .filter(lease_token__in={o.token for o in outcomes})
            .values_list("pk", "lease_token")
        )
        # A message whose lease ran out meanwhile was claimed again: its new holder records it.
        recorded = [o for o in outcomes if (o.message.pk, o.token) in held]
        if not recorded:
            return
        _store_receipts(recorded)
        # The messages' own events were staged when they were written (services.send): chained
        # first, in this transaction (its batches nest in it), under the lock it takes anyway,
        # so that each message's "sent" comes before its "delivered" in the trail.
        audit.chain_staged_reads()
        audit.record(
            ExchangeAction.DELIVERED,
            obj=recorded[0].message if len(recorded) == 1 else None,
            details={
                "peer": recorded[0].message.peer.node_id,
                "distributions": [
                    [
                        o.message.distribution_id,
                        o.receipt["claims"].get("state"),
                        o.receipt["claims"].get("receivedAt"),
                    ]
                    for o in recorded
                ],
            },
        )


def _store_receipts(outcomes: list[Outcome]) -> None:
    """Each message delivered, with its receipt and the time it came, in one UPDATE (a CASE on
    the primary key for what differs by row): one new version of each row, the outbox's
    indexes written once, not twice."""

    def column(name: str) -> str:
        return OutboundMessage._meta.get_field(name).column

    adapt = connection.ops.adapt_datetimefield_value
    attempts = connection.ops.quote_name(column("attempts"))
    bulk.update_by_pk(
        OutboundMessage,
        {
            o.message.pk: {
                column("receipt"): o.receipt["receipt"],
                column("delivered_at"): adapt(o.at),
            }
            for o in outcomes
        },
        same={
            column("state"): OutboxState.DELIVERED,
            column("last_error"): "",
            column("leased_until"): None,
            column("lease_token"): "",
        },
        raw=[f"{attempts} = {attempts} + 1"],
    )


def _record_dead(outcome: Outcome) -> None:
    message = outcome.message
    with transaction.atomic():
        if _finish(message, outcome.token, state=outcome.state, last_error=outcome.error):
            audit.record(
                ExchangeAction.DEAD_LETTER,
                obj=message,
                reason="" if outcome.state == OutboxState.EXPIRED else outcome.error,
                details={"state": outcome.state, "peer": message.peer.node_id},
            )


# Receipts are recorded once this many are in hand, or when nothing else is being sent.
RECORD_EVERY = 20
RECORD_WITHIN = 0.1
# What the bookkeeping thread is handed when the sending threads have stopped.
_STOP = object()


class Worker:
    """Sending threads that take what the worker's own thread claims, and a bookkeeping
    thread that records what they bring back.

    The worker's own thread does nothing but claim: a message committed while a sending
    thread is free is claimed at once and taken by that thread, not held behind the
    recording of receipts or the chaining of audit events (the bookkeeping thread's work, on
    a database connection of its own). A free sending thread takes its share of what is
    claimed and not yet taken (shared among the free threads, up to a batch), except the
    messages of a conversation that another thread is sending: those wait for it, so that a
    conversation's messages leave in order."""

    def __init__(self, *, threads: int, batch: int):
        self.batch = batch
        self.thread_count = max(threads, 1)
        # Up to a batch per thread in hand: enough to keep every thread's next request full,
        # few enough that each is sent long before its lease runs out.
        self.capacity = min(batch, BATCH_MESSAGES * self.thread_count)
        # Under `ready`: what is claimed and not yet taken, in the order claimed; which thread
        # holds each conversation (and how many of its messages); how many messages are
        # claimed and not yet back; how many threads are in the middle of a request.
        self.ready = threading.Condition()
        self.waiting: list[tuple[OutboundMessage, str]] = []
        self.holding: dict[str, tuple[int, int]] = {}
        self.in_flight = 0
        self.busy = 0
        self.stopping = False
        self.results: queue.SimpleQueue = queue.SimpleQueue()
        self.wake = threading.Event()
        self.down = Unreachable()
        self.threads: list[threading.Thread] = []
        self.bookkeeper: threading.Thread | None = None

    # --- Sending threads --------------------------------------------------------------------

    def start(self) -> None:
        for number in range(self.thread_count):
            thread = threading.Thread(target=self._send, args=(number,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _take(self, number: int) -> list[tuple[OutboundMessage, str]]:
        """(Under `ready`.) What thread `number` may send now, taken out of `waiting`: its
        share of it among the threads that are free (this one among them), and the rest of
        each conversation it takes (which no other thread may send meanwhile); at most a
        batch."""
        free = max(self.thread_count - self.busy, 1)
        share = math.ceil(len(self.waiting) / free)
        taken, kept = [], []
        for item in self.waiting:
            conversation = item[0].conversation
            holder, held = self.holding.get(conversation, (number, 0))
            if holder == number and (held or len(taken) < share) and len(taken) < BATCH_MESSAGES:
                taken.append(item)
                self.holding[conversation] = (number, held + 1)
            else:
                kept.append(item)
        self.waiting = kept
        return taken

    def _give_back(self, items) -> None:
        """(Under `ready`.) The conversations of `items` are no longer being sent by their
        thread (once it has sent all it took of each)."""
        for message, _token in items:
            holder, held = self.holding[message.conversation]
            if held <= 1:
                del self.holding[message.conversation]
            else:
                self.holding[message.conversation] = (holder, held - 1)
        self.in_flight -= len(items)

    def _send(self, number: int) -> None:
        # One client per thread for its whole life: its connections to each peer stay open
        # (keep-alive) from one request to the next. Whatever it may take when it comes back
        # for more leaves together: to a peer that takes batches, in one request (the longer
        # a request takes, the more the next one carries; nothing waits for a batch to fill).
        with httpx.Client(timeout=HTTP_TIMEOUT) as client:
            while True:
                with self.ready:
                    items = self._take(number)
                    while not items and not (self.stopping and not self.waiting):
                        self.ready.wait()
                        items = self._take(number)
                    if not items:
                        break
                    self.busy += 1
                outcomes = self._deliver(items, client)
                for outcome in outcomes:
                    self.results.put(outcome)
                with self.ready:
                    self.busy -= 1
                    self._give_back(items)
                    self.ready.notify_all()
                self.wake.set()
        connection.close()

    def _deliver(self, items: list[tuple[OutboundMessage, str]], client) -> list[Outcome]:
        by_peer: dict[int, list] = {}
        for message, token in items:
            by_peer.setdefault(message.peer_id, []).append((message, token))
        outcomes = []
        for group in by_peer.values():
            try:
                if takes_batches(group[0][0].peer):
                    outcomes += attempt_batch(group, client, self.down)
                else:
                    outcomes += [attempt(m, t, client, self.down) for m, t in group]
            except Exception as error:  # the messages must come back, whatever happened
                logger.exception("delivering to %s failed", group[0][0].peer.node_id)
                done = {id(o.message) for o in outcomes}
                outcomes += [
                    Outcome(
                        m,
                        t,
                        OutboxState.PENDING,
                        error=repr(error)[:2000],
                        retry_at=timezone.now() + backoff(m.attempts + 1),
                    )
                    for m, t in group
                    if id(m) not in done
                ]
            finally:
                # What this thread read (keys, addresses) goes back to the pool.
                close_old_connections()
        return outcomes

    def stop_sending(self) -> None:
        """Let the sending threads finish what is claimed, and end."""
        with self.ready:
            self.stopping = True
            self.ready.notify_all()
        for thread in self.threads:
            thread.join(timeout=HTTP_TIMEOUT.read + 5)

    def stop(self) -> None:
        """Let the threads finish what they hold, and record it."""
        self.stop_sending()
        if self.bookkeeper is not None:
            self.results.put(_STOP)
            self.bookkeeper.join(timeout=60)

    # --- The worker's own thread ------------------------------------------------------------

    @property
    def a_thread_is_free(self) -> bool:
        """A sending thread would take a message claimed now (none is waiting for it)."""
        return self.busy < self.thread_count and not self.waiting

    def hand_out(self, messages: list[OutboundMessage], token: str) -> None:
        with self.ready:
            self.waiting += [(message, token) for message in messages]
            self.in_flight += len(messages)
            self.ready.notify_all()

    def dispatch(self) -> tuple[int, bool]:
        """Claim what fits and hand it to the threads; returns how many were claimed, and
        whether a claim came back full (more may be due now)."""
        waiting = self.down.now_waiting()
        claimed, full = 0, False
        if waiting:
            # The messages for a peer that is down are claimed a batch at a time and put off
            # at once, each counting the attempt, until the peer's next try: an outage of
            # 10,000 messages costs a few queries a round, and no connection each.
            token, messages = claim(self.batch, only_peers=waiting)
            for message in messages:
                until = self.down.until(message.peer_id) or (timezone.now(), "")
                self.results.put(
                    Outcome(message, token, OutboxState.PENDING, retry_at=until[0], error=until[1])
                )
            claimed += len(messages)
            full = len(messages) == self.batch
        room = self.capacity - self.in_flight
        if room > 0:
            token, messages = claim(room, skip_peers=waiting)
            self.hand_out(messages, token)
            claimed += len(messages)
            full = full or len(messages) == room
        return claimed, full

    # --- The bookkeeping thread -------------------------------------------------------------

    def start_bookkeeping(self) -> None:
        self.bookkeeper = threading.Thread(target=self._bookkeep, daemon=True)
        self.bookkeeper.start()

    def _bookkeep(self) -> None:
        """Record the outcomes come back a batch at a time (one transaction, one audit event
        for a batch's receipts); every second chain the audit events staged meanwhile; once
        a minute escalate the requests for cooperation left unanswered past their deadline."""
        from .cooperation import escalate_overdue

        pending: list[Outcome] = []
        since = chained_at = escalated_at = 0.0
        stopping = False
        while not stopping:
            try:
                item = self.results.get(timeout=RECORD_WITHIN if pending else CHAIN_EVERY / 4)
            except queue.Empty:
                item = None
            while item is not None:
                if item is _STOP:
                    stopping = True
                    break
                if not pending:
                    since = time.monotonic()
                pending.append(item)
                try:
                    item = self.results.get_nowait()
                except queue.Empty:
                    item = None
            due = (
                stopping
                or self.in_flight == 0
                or len(pending) >= RECORD_EVERY
                or time.monotonic() - since > RECORD_WITHIN
            )
            try:
                if pending and due:
                    batch, pending = pending, []
                    record(batch)
                if time.monotonic() - chained_at > CHAIN_EVERY:
                    chained_at = time.monotonic()
                    chain_staged_events()
                if time.monotonic() - escalated_at > ESCALATE_EVERY:
                    escalated_at = time.monotonic()
                    escalate_overdue()
            except Exception:  # the thread must outlive a database blip; the outbox keeps it
                # What was not recorded is sent again when its lease runs out, and the peer
                # answers with the receipt it already gave.
                logger.exception("exchange bookkeeping failed")
                close_old_connections()
            if not pending and self.in_flight == 0:
                close_old_connections()
        connection.close()


def deliver_due(limit: int = 100, threads: int = 1) -> dict[str, int]:
    """Deliver what is due now, one claim of up to `limit` (manage.py exchange_deliver
    --once); returns how many ended in each state."""
    token, messages = claim(limit)
    if not messages:
        chain_staged_events()
        return {}
    worker = Worker(threads=threads, batch=limit)
    worker.start()
    try:
        worker.hand_out(messages, token)
        outcomes = [worker.results.get() for _message in messages]
    finally:
        worker.stop_sending()
    record(outcomes)
    chain_staged_events()
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
    return counts


ESCALATE_EVERY = 60.0
# How often the worker chains the audit events staged by services.send (and any other staged
# event) when no receipt recorded meanwhile has chained them.
CHAIN_EVERY = 1.0


def chain_staged_events() -> int:
    """Chain what waits staged, if anything (one query when nothing does)."""
    if not StagedRead.objects.exists():
        return 0
    return audit.chain_staged_reads()


def next_due_in() -> float | None:
    """Seconds until the next pending message falls due (None: the outbox is empty)."""
    nxt = (
        OutboundMessage.objects.filter(state=OutboxState.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if nxt is None:
        return None
    return max((nxt - timezone.now()).total_seconds(), 0.0)


def _listen(wake: threading.Event, stop: threading.Event) -> None:
    """Wake the worker when a transaction that wrote to the outbox has committed."""
    try:
        listener = wakeup.Listener()
    except OSError:  # no socket here (a path too long, a read-only VAR_DIR): looks every idle
        logger.warning("cannot listen for the outbox's nudges; looking every idle period",
                       exc_info=True)  # fmt: skip
        return
    try:
        while not stop.is_set():
            if listener.wait(1.0):
                wake.set()
    finally:
        listener.close()


def learn_batch_inboxes() -> None:
    """Read again the key document of each trusted peer that announced no batch inbox: a
    peer added before batches existed, or one upgraded since, is sent batches from now on."""
    for peer in Peer.objects.filter(status=PeerStatus.TRUSTED, batch_inbox_url=""):
        try:
            nodes.refresh_peer(peer, force=True)
        except Exception:  # a peer down or unreadable now is sent one at a time meanwhile
            logger.warning("could not read %s's key document", peer.node_id, exc_info=True)


def run_worker(*, threads: int, batch: int, idle: float, stop) -> None:
    """The loop of `manage.py exchange_deliver`: claim and hand out, waking when something is
    written, sent, or falls due; the bookkeeping thread records, chains and escalates."""
    worker = Worker(threads=threads, batch=batch)
    worker.start()
    learn_batch_inboxes()
    worker.start_bookkeeping()
    listening = threading.Thread(target=_listen, args=(worker.wake, stop), daemon=True)
    listening.start()
    try:
        while not stop.is_set():
            if not worker.in_flight:
                close_old_connections()
            # Cleared before the round, not after the wait: a message written or an answer
            # come back while this round runs wakes the next one at once.
            worker.wake.clear()
            try:
                # More is claimed once half of what is in hand has gone, and only when a
                # sending thread is free to take it: what is written while every thread is
                # in the middle of a request is claimed together when the first comes back
                # (and leaves in its next request).
                claimed, full = (0, False)
                if worker.in_flight <= worker.capacity // 2 and worker.a_thread_is_free:
                    claimed, full = worker.dispatch()
            except Exception:  # the loop must outlive a database blip; the outbox keeps the work
                logger.exception("exchange delivery round failed")
                claimed, full = 0, False
                close_old_connections()  # a broken connection is replaced on the next query
                stop.wait(idle)
            if full:
                continue
            # A claim that took less than it could took everything due: the next round waits
            # for a wake (a commit to the outbox, an answer come back) or the next due retry,
            # rather than asking again at once for nothing.
            if worker.in_flight or claimed:
                wait = idle
            else:
                due = next_due_in()
                wait = idle if due is None else min(max(due, 0.01), idle)
            worker.wake.wait(wait)
    finally:
        worker.stop()
        listening.join(timeout=2)  # its socket removed
