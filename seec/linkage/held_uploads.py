"""A partner's file held between the steps of its upload (the file, then the mapping), and
never after.

The list's rows are children's personal data, so the file is not left lying in the clear:
it is encrypted with the platform's file key (AES-256-GCM, as case files are), bound to the
uploading user and a random name that only that user's session knows, and kept under
MEDIA_ROOT/partner-uploads/. It is deleted when the list is stored, when the upload is
cancelled or replaced, and otherwise by the retention purge once it is
SEEC_LINKAGE_UPLOAD_HOLD_HOURS old. The session holds only the name, never the content:
sessions are saved on every request and outlive their use in the database.
"""

import base64
import re
import secrets
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "partner-uploads"
TOKEN = re.compile(r"^[0-9a-f]{32}$")


class HeldFileGone(Exception):
    """The held file is missing, expired, or not this user's."""


def _cipher() -> AESGCM:
    return AESGCM(base64.b64decode(settings.SEEC_FILE_KEY))


def _associated(user_id: int, token: str) -> bytes:
    return f"partner-upload:{user_id}:{token}".encode()


def _path(token: str) -> str:
    if not TOKEN.match(token or ""):
        raise HeldFileGone(token)
    return f"{FOLDER}/{token}.bin"


def hold(user_id: int, content: bytes) -> str:
    """Encrypt and keep the file; returns the name under which `user_id` can read it back."""
    token = secrets.token_hex(16)
    nonce = secrets.token_bytes(12)
    blob = nonce + _cipher().encrypt(nonce, content, _associated(user_id, token))
    default_storage.save(_path(token), ContentFile(blob))
    return token


def load(user_id: int, token: str) -> bytes:
    path = _path(token)
    try:
        if _expired(path):
            discard(token)
            raise HeldFileGone(token)
        with default_storage.open(path, "rb") as handle:
            blob = handle.read()
        return _cipher().decrypt(blob[:12], blob[12:], _associated(user_id, token))
    except (FileNotFoundError, InvalidTag, ValueError):
        raise HeldFileGone(token) from None


def discard(token: str) -> None:
    if TOKEN.match(token or ""):
        default_storage.delete(_path(token))


def _expired(path: str, now=None) -> bool:
    limit = timedelta(hours=settings.SEEC_LINKAGE_UPLOAD_HOLD_HOURS)
    return default_storage.get_modified_time(path) < (now or timezone.now()) - limit


def sweep(now=None) -> int:
    """Delete the held files of uploads left unfinished for longer than the hold time."""
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    swept = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        if _expired(path, now):
            default_storage.delete(path)
            swept += 1
    return swept
