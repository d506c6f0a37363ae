"""This node's keys: an Ed25519 key that signs and an X25519 key that peers encrypt to.

Private keys are kept only sealed at rest (Fernet under a key derived by HKDF from
SECRET_KEY and the key's own id, opened also with SECRET_KEY_FALLBACKS), as the matching
agreements' keys are. Rotation makes new keys current and retires the old ones, which stay
published (a retired signing key still vouches for the key document, a retired encryption key
still opens what a peer encrypted before it learnt the new one); revocation withdraws a key
at once.
"""

import base64
import json
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from joserfc.jwk import OKPKey

from .briefly import Briefly
from .models import KeyUse, NodeKey

_LABEL = b"seec-exchange node key v1:"
CURVES = {KeyUse.SIGNING: "Ed25519", KeyUse.ENCRYPTION: "X25519"}
ALGORITHMS = {KeyUse.SIGNING: "Ed25519", KeyUse.ENCRYPTION: "ECDH-ES"}

# Opened private keys, by kid: opening costs a key derivation and the process signs hundreds
# of messages a second.
_opened: dict[str, OKPKey] = {}


def _fernet(secret: str, kid: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL + kid.encode()
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _seal(private_jwk: dict, kid: str) -> str:
    return _fernet(settings.SECRET_KEY, kid).encrypt(json.dumps(private_jwk).encode()).decode()


def _open(node_key: NodeKey) -> OKPKey:
    key = _opened.get(node_key.kid)
    if key is not None:
        return key
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    try:
        plain = MultiFernet([_fernet(s, node_key.kid) for s in secrets_]).decrypt(
            node_key.sealed_private.encode()
        )
    except InvalidToken:
        raise ImproperlyConfigured(
            f"The exchange key {node_key.kid} was sealed under another SECRET_KEY: put that "
            "key in SECRET_KEY_FALLBACKS, or rotate the node's keys (manage.py exchange_keys "
            "--rotate) and tell the peers."
        ) from None
    key = OKPKey.import_key(json.loads(plain))
    _opened[node_key.kid] = key
    return key


# Peers' public keys as the JOSE library's objects: importing one costs more than the
# signature check it serves, and every message needs one.
_public: dict[tuple, OKPKey] = {}


def public_key(public_jwk: dict, kid: str) -> OKPKey:
    """A peer's public key as the JOSE library's object, made once per key (not per message)."""
    marker = (kid, json.dumps(public_jwk, sort_keys=True))
    key = _public.get(marker)
    if key is None:
        if len(_public) > 1000:
            _public.clear()
        key = _public[marker] = OKPKey.import_key(public_jwk)
    return key


def thumbprint(public_jwk: dict) -> str:
    """The RFC 7638 thumbprint (SHA-256, base64url) of a public key."""
    return OKPKey.import_key(public_jwk).thumbprint()


def readable(fingerprint: str) -> str:
    """A thumbprint as people read it to each other: hexadecimal in groups of four."""
    raw = base64.urlsafe_b64decode(fingerprint + "=" * (-len(fingerprint) % 4))
    hexa = raw.hex().upper()
    return " ".join(hexa[i : i + 4] for i in range(0, len(hexa), 4))


def _new_key(use: str) -> NodeKey:
    key = OKPKey.generate_key(CURVES[use], private=True)
    kid = f"{settings.SEEC_NODE_ID}-{use}-{secrets.token_hex(4)}"
    public = dict(key.as_dict(private=False), kid=kid, use=use, alg=ALGORITHMS[use])
    private = dict(key.as_dict(private=True), kid=kid)
    return NodeKey.objects.create(
        kid=kid, use=use, public_jwk=public, sealed_private=_seal(private, kid)
    )


def ensure_keys() -> None:
    """Make this node's keys if it has none of a use (first start)."""
    for use in KeyUse.values:
        if not NodeKey.objects.filter(use=use, retired_at=None, revoked_at=None).exists():
            with transaction.atomic():
                if (
                    not NodeKey.objects.select_for_update()
                    .filter(use=use, retired_at=None, revoked_at=None)
                    .exists()
                ):
                    _new_key(use)


_current = Briefly()


def current(use: str) -> NodeKey:
    key = _current.get(
        use,
        lambda: (
            NodeKey.objects.filter(use=use, retired_at=None, revoked_at=None)
            .order_by("-created_at")
            .first()
        ),
    )
    if key is None:
        ensure_keys()
        return current(use)
    return key


def private_key(node_key: NodeKey) -> OKPKey:
    return _open(node_key)


def usable(use: str):
    """This node's keys of `use` that still open or vouch: current and retired, not revoked."""
    return NodeKey.objects.filter(use=use, revoked_at=None).order_by("-created_at")


def node_fingerprint() -> str:
    """This node's fingerprint: the thumbprint of its current signing key."""
    return thumbprint(current(KeyUse.SIGNING).public_jwk)


@transaction.atomic
def rotate() -> list[NodeKey]:
    """New current keys of both uses; the old ones are retired, still published."""
    now = timezone.now()
    NodeKey.objects.filter(retired_at=None, revoked_at=None).update(retired_at=now)
    _current.clear()
    return [_new_key(use) for use in KeyUse.values]


@transaction.atomic
def revoke(node_key: NodeKey, reason: str) -> None:
    node_key.revoked_at = timezone.now()
    node_key.revoke_reason = reason
    node_key.save(update_fields=["revoked_at", "revoke_reason"])
    _opened.pop(node_key.kid, None)
    _current.clear()
    ensure_keys()
