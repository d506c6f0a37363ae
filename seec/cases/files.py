"""Photos and documents of cases: checked by their real content, photos re-encoded without any
metadata (GPS above all), every file encrypted at rest with AES-256-GCM.

The stored blob is nonce (12 bytes) + ciphertext; the associated data binds it to its case and
storage name, so a blob copied onto another record does not decrypt.
"""

import base64
import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from seec.core import virus_scan

from . import documents
from .models import FileKind

# Larger pictures are scaled down: enough for recognition and printing on a poster.
MAX_PHOTO_SIDE = 2400
# Pillow's own guard, behind the platform's (SEEC_MAX_PHOTO_PIXELS, checked from the header).
Image.MAX_IMAGE_PIXELS = 60_000_000
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
FOLDER = "case-files"


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content: bytes
    content_type: str
    width: int | None = None
    height: int | None = None


def check_upload(upload, kind: str) -> CheckedFile:
    """The upload's real type and size checked; a photo re-encoded as a clean JPEG."""
    limit = (
        settings.SEEC_MAX_PHOTO_BYTES
        if kind == FileKind.PHOTO
        else (settings.SEEC_MAX_DOCUMENT_BYTES)
    )
    if upload.size > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}}
        )
    raw = upload.read(limit + 1)
    if kind not in (FileKind.PHOTO, FileKind.DOCUMENT):
        raise ValidationError({"kind": _("Unknown kind of file.")})
    # The file as uploaded, before anything parses it further (an optional ClamAV daemon).
    virus_scan.check(raw)
    if kind == FileKind.PHOTO:
        return _clean_photo(raw)
    if not raw.startswith(b"%PDF-"):
        raise ValidationError({"file": _("A document must be a PDF file.")})
    return CheckedFile(kind, documents.clean_pdf(raw), "application/pdf")


def too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    limit = {"megapixels": settings.SEEC_MAX_PHOTO_PIXELS // 1_000_000}
    if width is None:
        message = _("The picture has too many pixels: at most %(megapixels)d megapixels.") % limit
    else:
        message = _(
            "The picture is %(width)d × %(height)d pixels: at most %(megapixels)d megapixels."
        ) % {"width": width, "height": height, **limit}
    return ValidationError({"file": message})


def _clean_photo(raw: bytes) -> CheckedFile:
    unreadable = ValidationError(
        {"file": _("This is not a photo the platform can read (JPEG, PNG or WebP).")}
    )
    # Pillow only warns between its limit and twice it: here every warning of a bomb refuses.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(raw)) as probe:
                if probe.format not in PHOTO_FORMATS:
                    raise ValidationError({"file": _("A photo must be a JPEG, PNG or WebP image.")})
                # The size comes from the header: a bomb is refused before a pixel is decoded.
                width, height = probe.size
                if width * height > settings.SEEC_MAX_PHOTO_PIXELS:
                    raise too_many_pixels(width, height)
                probe.verify()
            image = Image.open(io.BytesIO(raw))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            # Pillow's check on opening, from the header too, before the platform's own.
            raise too_many_pixels() from error
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise unreadable from error
    # Turn the picture the way the camera meant, then drop every tag (EXIF, GPS, XMP, ICC).
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=88, optimize=True)
    return CheckedFile(FileKind.PHOTO, out.getvalue(), "image/jpeg", *clean.size)


def _cipher() -> AESGCM:
    return AESGCM(base64.b64decode(settings.SEEC_FILE_KEY))


def seal(folder: str, binding: str, content: bytes) -> tuple[str, str]:
    """Encrypt `content` bound to `binding` (the record it belongs to) and store it under
    `folder`; returns (storage name, SHA-256 of the plain content). Other apps' documents
    (the network's signed agreements) are kept the same way as case files."""
    storage_name = f"{secrets.token_hex(16)}.bin"
    nonce = secrets.token_bytes(12)
    associated = f"{binding}:{storage_name}".encode()
    blob = nonce + _cipher().encrypt(nonce, content, associated)
    default_storage.save(f"{folder}/{storage_name}", ContentFile(blob))
    return storage_name, hashlib.sha256(content).hexdigest()


def unseal(folder: str, binding: str, storage_name: str) -> bytes:
    with default_storage.open(f"{folder}/{storage_name}", "rb") as handle:
        blob = handle.read()
    return _cipher().decrypt(blob[:12], blob[12:], f"{binding}:{storage_name}".encode())


def store(case_id: int, content: bytes) -> tuple[str, str]:
    """Encrypt and store; returns (storage name, SHA-256 of the plain content)."""
    return seal(FOLDER, f"case:{case_id}", content)


def load(case_id: int, storage_name: str) -> bytes:
    return unseal(FOLDER, f"case:{case_id}", storage_name)


def discard(storage_name: str) -> None:
    default_storage.delete(f"{FOLDER}/{storage_name}")
