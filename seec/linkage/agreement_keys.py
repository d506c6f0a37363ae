"""The secret key of a matching agreement: made, sealed at rest, opened only to encode.

The key is what both parties hash their children's names under (pprl.py): whoever holds it
and a file of encodings can test guesses of names against the file. So the platform
- makes it from 32 random bytes (or takes the partner's, pasted) and shows it once;
- keeps it only sealed (Fernet: AES-128-CBC with HMAC-SHA256) under a key derived (HKDF) from
  Django's SECRET_KEY and the agreement's own reference, so that a sealed key copied onto
  another agreement's row does not open;
- opens it with SECRET_KEY or any of SECRET_KEY_FALLBACKS, so that SECRET_KEY can be rotated
  the way Django documents it, and re-seals under the current one whenever it is used;
- keeps beside it only the public fingerprint (pprl.key_fingerprint), which both parties
  compare to know they hold the same key.
"""

import base64
import hmac
import secrets
import uuid

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

from . import pprl

_LABEL = b"seec-pprl agreement key v1:"
# 32 random bytes: the key is as strong as a 256-bit HMAC key can use.
GENERATED_BYTES = 32
MIN_LENGTH = 32
MAX_LENGTH = 200


def generate() -> str:
    """A new agreement key, as text that survives being read out or pasted (base64url)."""
    return secrets.token_urlsafe(GENERATED_BYTES)


def as_bytes(key_text: str) -> bytes:
    """The bytes that pprl hashes under: the key text without surrounding blanks, UTF-8."""
    return key_text.strip().encode()


def fingerprint(key_text: str) -> str:
    return pprl.key_fingerprint(as_bytes(key_text))


def _fernet(secret: str, reference: uuid.UUID) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL + reference.bytes
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _sealer(reference: uuid.UUID) -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret, reference) for secret in keys])


@sensitive_variables("key_text")
def seal(key_text: str, reference: uuid.UUID) -> str:
    return _sealer(reference).encrypt(as_bytes(key_text)).decode()


@sensitive_variables("sealed", "key")
def open_sealed(sealed: str, reference: uuid.UUID) -> tuple[bytes, str | None]:
    """The key's bytes, and the key sealed anew under the current SECRET_KEY when it was
    opened with a fallback (the caller stores that, so that the fallback can go), else None.
    A key sealed under a SECRET_KEY that is neither the current one nor a fallback cannot be
    opened: that is the operator's to fix, and the message says how."""
    try:
        return _fernet(settings.SECRET_KEY, reference).decrypt(sealed.encode()), None
    except InvalidToken:
        pass
    sealer = _sealer(reference)
    try:
        key = sealer.decrypt(sealed.encode())
    except InvalidToken:
        raise ImproperlyConfigured(
            "A matching agreement's key cannot be opened: SECRET_KEY changed and the old one "
            "is not in SECRET_KEY_FALLBACKS."
        ) from None
    return key, sealer.encrypt(key).decode()


def record_id(record_id_secret: str, case_pk: int) -> str:
    """The id under which one of our cases appears in the files of one agreement: a keyed
    hash of the case with our own secret (never the shared key, which the partner holds), so
    the partner cannot enumerate it back to our case, and two agreements' ids do not link."""
    digest = hmac.digest(bytes.fromhex(record_id_secret), f"case:{case_pk}".encode(), "sha256")
    return digest[:10].hex()


def new_record_id_secret() -> str:
    return secrets.token_hex(32)
