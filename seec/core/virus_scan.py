"""An optional virus scan of uploads by a ClamAV daemon (clamd), over its INSTREAM protocol.

Off unless `SEEC_CLAMD_SOCKET` (a Unix socket's path) or `SEEC_CLAMD_HOST` (with
`SEEC_CLAMD_PORT`, 3310 by default) is set. When it is on, an upload is refused if the daemon
finds something in it, and also if the daemon cannot be asked: a file that could not be checked
is not stored (fail closed). The protocol is small and stable (clamd's own manual page); the
Python clients on the registries are long unmaintained, so the few lines are written here.
"""

import socket
import struct

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """The daemon could not be reached or did not answer as clamd does."""


def enabled() -> bool:
    return bool(settings.SEEC_CLAMD_SOCKET or settings.SEEC_CLAMD_HOST)


def _connect() -> socket.socket:
    timeout = settings.SEEC_CLAMD_TIMEOUT
    if settings.SEEC_CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.SEEC_CLAMD_SOCKET)
        return sock
    return socket.create_connection(
        (settings.SEEC_CLAMD_HOST, settings.SEEC_CLAMD_PORT), timeout=timeout
    )


def scan_bytes(content: bytes) -> str | None:
    """The name of what clamd found in `content`, or None when it is clean."""
    try:
        with _connect() as sock:
            # "z" prefix: NUL-terminated command and answer.
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), CHUNK):
                chunk = content[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                answer += part
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    reply = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if reply.endswith(" OK"):
        return None
    if reply.endswith(" FOUND"):
        return reply.split(":", 1)[-1].removesuffix(" FOUND").strip()
    raise ScannerUnavailable(reply or "no answer")


def check(content: bytes, field: str = "file") -> None:
    """Refuse `content` (a ValidationError naming `field`) if the configured scanner finds
    something in it or cannot be asked; nothing when no scanner is configured."""
    if not enabled():
        return
    try:
        found = scan_bytes(content)
    except ScannerUnavailable as error:
        raise ValidationError(
            {field: _("The file could not be checked for viruses now. Try again later.")}
        ) from error
    if found:
        raise ValidationError(
            {field: _("The virus scanner found %(name)s in this file.") % {"name": found}}
        )
