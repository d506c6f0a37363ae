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
from django.db import IntegrityError, connection, transaction
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


def verify(request: IncomingRequest, body: bytes, public_by_kid) -> str:
    """Verify the request's signature and its digest of `body`; returns the key id.
    Raises SignatureProblem (a replay, a stale or missing signature, a wrong digest)."""
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
    _remember(request.headers.get("Signature", ""))
    return str(result.parameters["keyid"])


def _remember(signature: str) -> None:
    """Refuse a signature heard before (within the window in which it would be accepted)."""
    digest = hashlib.sha256(signature.encode()).hexdigest()
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                SeenSignature.objects.create(digest=digest)
        else:
            # One INSERT that commits on its own (a transaction around it would add a BEGIN
            # and a COMMIT to every message received); the unique digest refuses a second.
            SeenSignature.objects.create(digest=digest)
    except IntegrityError:
        raise SignatureProblem(
            "replay", "This signed request was already received: a replay is refused."
        ) from None


def forget_old_signatures() -> int:
    """Signatures older than the acceptance window can no longer be replayed: drop them."""
    cutoff = timezone.now() - 2 * max_age()
    deleted, _ = SeenSignature.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
