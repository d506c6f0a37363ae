"""Delivering the outbox: each due message sealed for its peer, posted with a signed request,
and marked delivered only with the peer's signed receipt in hand.

A worker claims due messages under a lease (one UPDATE, safe for several workers on either
engine); a worker killed half-way leaves its lease to run out, and the message is sent again
under the same distribution id, which the receiver answers with the receipt it already gave.
A network failure or a 5xx answer is retried with back-off; a refusal (4xx) is a dead letter
with the receiver's reason, for an administrator to see and send again.
"""

import json
import logging
import random
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from joserfc.jwk import OKPKey

from seec.core import audit

from . import envelope, httpsig, keys, nodes
from .audit_actions import ExchangeAction
from .briefly import Briefly
from .models import KeyUse, OutboundMessage, OutboxState, PeerKey

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


def claim(limit: int) -> tuple[str, list[OutboundMessage]]:
    """Lease up to `limit` due messages to this worker."""
    now = timezone.now()
    free = Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    due = OutboundMessage.objects.filter(free, state=OutboxState.PENDING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return "", []
    token = secrets.token_hex(8)
    lease = timedelta(seconds=settings.SEEC_EXCHANGE_LEASE_SECONDS)
    due.filter(pk__in=ids).update(leased_until=now + lease, lease_token=token)
    claimed = (
        OutboundMessage.objects.filter(lease_token=token, state=OutboxState.PENDING)
        .select_related("peer", "sender_organisation", "recipient_organisation")
        .order_by("pk")
    )
    return token, list(claimed)


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


def _address(organisation) -> str:
    return _addresses.get(organisation.pk, lambda: nodes.address_of(organisation))


def seal_request(message: OutboundMessage) -> tuple[bytes, dict]:
    """The message's distribution as a signed HTTP request body and headers."""
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
        sender_address=_address(message.sender_organisation),
        recipient_address=_address(message.recipient_organisation),
    )
    encryption = _recipient_key(message)
    if encryption is None:
        raise DeliveryProblem("The peer has published no encryption key.", retry=True)
    signing = keys.current(KeyUse.SIGNING)
    signing_key = keys.private_key(signing)
    document = envelope.seal(
        routing,
        message.payload,
        signing_key=signing_key,
        signing_kid=signing.kid,
        recipient_key=OKPKey.import_key(encryption.public_jwk),
        recipient_kid=encryption.kid,
    )
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    request = httpsig.OutgoingRequest(
        "POST", message.peer.inbox_url, {"Content-Type": "application/json"}
    )
    httpsig.sign(request, body, private_key=signing_key.private_key, kid=signing.kid)
    return body, request.headers


class DeliveryProblem(Exception):
    def __init__(self, message: str, *, retry: bool, code: str = "", unreachable=False):
        super().__init__(message)
        self.retry = retry
        self.code = code
        self.unreachable = unreachable


class Round:
    """One worker round's shared knowledge: the peers found unreachable in it, whose other
    messages wait for the next attempt without each trying to connect (10,000 messages to a
    node that is down cost one refused connection a round, not 10,000)."""

    def __init__(self, token: str):
        self.token = token
        self.unreachable: dict[int, tuple[timedelta, str]] = {}
        self.deferred: dict[int, list[int]] = {}
        self.delivered: list = []
        self.lock = threading.Lock()


def _peer_signing_key(peer, kid: str):
    def look_up():
        key = PeerKey.objects.filter(
            peer=peer, kid=kid, use=KeyUse.SIGNING, revoked_at=None
        ).first()
        return OKPKey.import_key(key.public_jwk) if key else None

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
    detail = f"{response.status_code} {code}: {text or response.text[:500]}"
    if response.status_code >= 500 or response.status_code in RETRYABLE_STATUS:
        raise DeliveryProblem(detail, retry=True, code=code)
    if code in STALE_KEY_CODES:
        nodes.refresh_peer(message.peer, force=True)
        _recipient_keys.clear()
        raise DeliveryProblem(detail, retry=True, code=code)
    raise DeliveryProblem(detail, retry=False, code=code)


def _finish(message: OutboundMessage, token: str, **changes) -> bool:
    return bool(
        OutboundMessage.objects.filter(pk=message.pk, lease_token=token).update(
            leased_until=None, lease_token="", attempts=F("attempts") + 1, **changes
        )
    )


def deliver_one(message: OutboundMessage, round_: Round, client: httpx.Client) -> str:
    """Deliver one leased message and record the outcome; returns the new state."""
    token = round_.token
    now = timezone.now()
    if message.peer_id in round_.unreachable:
        round_.deferred.setdefault(message.peer_id, []).append(message.pk)
        return OutboxState.PENDING
    if message.expires_at <= now:
        with transaction.atomic():
            if _finish(message, token, state=OutboxState.EXPIRED, last_error="Expired."):
                audit.record(
                    ExchangeAction.DEAD_LETTER,
                    obj=message,
                    details={"state": OutboxState.EXPIRED, "peer": message.peer.node_id},
                )
        return OutboxState.EXPIRED
    try:
        delivered = post(message, client)
    except DeliveryProblem as problem:
        attempts = message.attempts + 1
        if problem.retry:
            delay = backoff(attempts)
            if problem.unreachable:
                round_.unreachable[message.peer_id] = (delay, str(problem)[:2000])
            _finish(
                message,
                token,
                next_attempt_at=timezone.now() + delay,
                last_error=str(problem)[:2000],
            )
            return OutboxState.PENDING
        with transaction.atomic():
            if _finish(message, token, state=OutboxState.DEAD, last_error=str(problem)[:2000]):
                audit.record(
                    ExchangeAction.DEAD_LETTER,
                    obj=message,
                    reason=str(problem)[:2000],
                    details={"state": OutboxState.DEAD, "peer": message.peer.node_id},
                )
        return OutboxState.DEAD
    round_.delivered.append((message, delivered, timezone.now()))
    if len(round_.delivered) >= RECORD_EVERY:
        _record_delivered(round_)
    return OutboxState.DELIVERED


# Receipts are recorded a few at a time, each batch one transaction and one audit event that
# names every distribution in it (as an import's batch names its cases).
RECORD_EVERY = 20


def _record_delivered(round_: "Round") -> None:
    with round_.lock:
        batch, round_.delivered = round_.delivered, []
    if not batch:
        return
    with transaction.atomic():
        recorded = [
            (message, delivered)
            for message, delivered, at in batch
            if _finish(
                message,
                round_.token,
                state=OutboxState.DELIVERED,
                delivered_at=at,
                receipt=delivered["receipt"],
                last_error="",
            )
        ]
        if recorded:
            audit.record(
                ExchangeAction.DELIVERED,
                obj=recorded[0][0] if len(recorded) == 1 else None,
                details={
                    "peer": recorded[0][0].peer.node_id,
                    "distributions": [
                        [m.distribution_id, d["claims"].get("state"), d["claims"].get("receivedAt")]
                        for m, d in recorded
                    ],
                },
            )


def _deliver_lane(messages, round_: Round) -> list[str]:
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT) as client:
            outcomes = [deliver_one(message, round_, client) for message in messages]
        _record_delivered(round_)
        return outcomes
    finally:
        # A thread's connection ends with it (the worker's own thread keeps its own).
        connection.close()


def _defer(round_: Round) -> None:
    """The messages held back from an unreachable peer wait as long as the one that failed."""
    now = timezone.now()
    for peer_id, pks in round_.deferred.items():
        delay, error = round_.unreachable[peer_id]
        OutboundMessage.objects.filter(pk__in=pks, lease_token=round_.token).update(
            leased_until=None,
            lease_token="",
            attempts=F("attempts") + 1,
            next_attempt_at=now + delay,
            last_error=error,
        )


def deliver_due(limit: int = 100, threads: int = 1) -> dict[str, int]:
    """Deliver what is due now; returns how many ended in each state."""
    token, messages = claim(limit)
    counts: dict[str, int] = {}
    if not messages:
        return counts
    round_ = Round(token)
    if threads <= 1 or len(messages) == 1:
        with httpx.Client(timeout=HTTP_TIMEOUT) as client:
            outcomes = [deliver_one(message, round_, client) for message in messages]
        _record_delivered(round_)
    else:
        # Messages of one conversation stay in one thread, in order.
        lanes: dict[int, list] = {}
        for message in messages:
            lanes.setdefault(hash(message.conversation) % threads, []).append(message)
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = pool.map(lambda lane: _deliver_lane(lane, round_), lanes.values())
            outcomes = [state for lane in results for state in lane]
    _defer(round_)
    for state in outcomes:
        counts[state] = counts.get(state, 0) + 1
    return counts


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


ESCALATE_EVERY = 60.0


def run_worker(*, threads: int, batch: int, idle: float, stop) -> None:
    """The loop of `manage.py exchange_deliver`: deliver, then sleep until something is due;
    once a minute, escalate the requests for cooperation left unanswered past their deadline."""
    from .cooperation import escalate_overdue

    escalated_at = 0.0
    while not stop.is_set():
        close_old_connections()
        if time.monotonic() - escalated_at > ESCALATE_EVERY:
            escalated_at = time.monotonic()
            try:
                escalate_overdue()
            except Exception:
                logger.exception("escalating overdue requests failed")
        try:
            counts = deliver_due(limit=batch, threads=threads)
        except Exception:  # the loop must outlive a database blip; the outbox keeps the work
            logger.exception("exchange delivery round failed")
            counts = {}
        if counts:
            continue
        wait = next_due_in()
        stop.wait(idle if wait is None else min(max(wait, 0.01), idle))
