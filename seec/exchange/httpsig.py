"""Each HTTP request between nodes signed per RFC 9421 (HTTP Message Signatures, Ed25519),
covering the method, the path, the content type and a Content-Digest (RFC 9530) of the body.

The signature's `created` time must be recent and its nonce new: the same signed request
heard twice is a replay (a sender's honest retry signs afresh).
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models.constants import OnConflict
from django.utils import timezone
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from .models import SeenSignature

COVERED = ("@method", "@path", "content-type", "content-digest")
LABEL = "seec"
TAG = "seec-exchange"


@dataclass
class OutgoingRequest:
    """The message interface the library signs: method, url, headers."""

    method: str
    url: str
    headers: dict = field(default_factory=dict)


class _Keys(HTTPSignatureKeyResolver):
    def __init__(self, private=None, public_by_kid=None):
        self.private = private
        self.public_by_kid = public_by_kid

    def resolve_private_key(self, key_id):
        return self.private

    def resolve_public_key(self, key_id):
        return self.public_by_kid(key_id)


def sign(request: OutgoingRequest, body: bytes, *, private_key, kid: str) -> None:
    """Add Content-Digest, Signature-Input and Signature to the request's headers."""
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519, key_resolver=_Keys(private=private_key)
    )
    signer.sign(
        request,
        key_id=kid,
        nonce=secrets.token_urlsafe(16),
        label=LABEL,
        tag=TAG,
        covered_component_ids=COVERED,
        body=body,
    )


class SignatureProblem(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class IncomingRequest:
    method: str
    url: str
    headers: dict


def key_id_of(headers) -> str | None:
    """The keyid named in Signature-Input, before anything is verified (to find the peer)."""
    value = headers.get("Signature-Input", "")
    marker = 'keyid="'
    start = value.find(marker)
    if start < 0:
        return None
    end = value.find('"', start + len(marker))
    return value[start + len(marker) : end] if end > 0 else None


def max_age() -> timedelta:
    return timedelta(seconds=settings.SEEC_EXCHANGE_CLOCK_SKEW_SECONDS)


def verify(request: IncomingRequest, body: bytes, public_by_kid, *, remember_now=True) -> str:
    """Verify the request's signature and its digest of `body`; returns the key id.
    Raises SignatureProblem (a replay, a stale or missing signature, a wrong digest).
    `remember_now=False`: the caller remembers the signature itself (`remember`), in the
    transaction that stores what the request carries."""
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519, key_resolver=_Keys(public_by_kid=public_by_kid)
    )
    try:
        results = verifier.verify(
            request,
            max_age=max_age(),
            expect_tag=TAG,
            expect_label=LABEL,
            require_components=COVERED,
            body=body,
        )
    except HTTPMessageSignaturesException as error:
        raise SignatureProblem("bad_http_signature", f"HTTP message signature: {error}") from None
    result = results[0]
    if not result.nonce:
        raise SignatureProblem("bad_http_signature", "The HTTP message signature has no nonce.")
    if remember_now:
        remember(request)
    return str(result.parameters["keyid"])


def remember(request: IncomingRequest) -> None:
    """Refuse a signature heard before (within the window in which it would be accepted).

    One INSERT that yields to a signature already there, in the caller's transaction if it is
    in one (the batch inbox's, which stores what the request carries: a replay then changes
    nothing) or committing on its own; no savepoint, no exception to catch. A request heard
    at this moment by another process waits for that one's commit, then is refused."""
    if not _first_heard(request.headers.get("Signature", "")):
        raise SignatureProblem(
            "replay", "This signed request was already received: a replay is refused."
        )


def _first_heard(signature: str) -> bool:
    # Written out rather than through the ORM: building the INSERT cost more than the
    # database's work, on every request received.
    ops, quote = connection.ops, connection.ops.quote_name
    meta = SeenSignature._meta
    digest, seen_at = meta.get_field("digest"), meta.get_field("seen_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {quote(meta.db_table)} "
            f"({quote(digest.column)}, {quote(seen_at.column)}) VALUES (%s, %s) "
            + ops.on_conflict_suffix_sql([digest], OnConflict.IGNORE, None, None)
            + f" RETURNING {quote(digest.column)}",
            [
                hashlib.sha256(signature.encode()).hexdigest(),
                ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
        return cursor.fetchone() is not None


def forget_old_signatures() -> int:
    """Signatures older than the acceptance window can no longer be replayed: drop them."""
    cutoff = timezone.now() - 2 * max_age()
    deleted, _ = SeenSignature.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
