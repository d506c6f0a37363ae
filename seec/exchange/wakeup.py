"""Waking the exchange workers of this machine when a message is committed to the outbox.

Each worker (`manage.py exchange_deliver`) listens on a Unix datagram socket of its own in
VAR_DIR/exchange-workers/; the transaction that writes to the outbox sends each of them an
empty datagram once it has committed (`transaction.on_commit`), so that the message is
claimed at once rather than at the worker's next look. A datagram lost, or a worker on
another machine, costs only that: the worker still looks every `--idle` seconds.

Not PostgreSQL's LISTEN/NOTIFY (a trigger on the outbox did this before): a transaction that
notifies takes a lock that every other notifying transaction of the cluster waits for, held
until its commit is flushed to disk, so the outbox's writers committed one after another:
four threads writing one message a transaction committed half as many a second, each
waiting three times as long (measured on this machine's PostgreSQL 15).
"""

import contextlib
import os
import socket
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .briefly import Briefly

_sockets = Briefly()
_sender: socket.socket | None = None


def folder() -> Path:
    return Path(settings.VAR_DIR) / "exchange-workers"


def _listening() -> list[str]:
    # Looked up at most once a second: a worker started since is woken from then on, and
    # polls meanwhile.
    return _sockets.get(
        "all", lambda: [str(path) for path in folder().glob("*.sock")] if folder().is_dir() else []
    )


def wake_workers() -> None:
    """Nudge every worker listening on this machine (never blocks, never fails)."""
    global _sender
    paths = _listening()
    if not paths:
        return
    if _sender is None:
        _sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        _sender.setblocking(False)
    for path in paths:
        # A worker gone (its socket left behind) or busy (its queue full) is not waiting for
        # this nudge: it looks for itself.
        with contextlib.suppress(OSError):
            _sender.sendto(b"", path)


def wake_on_commit() -> None:
    """Nudge the workers once the current transaction commits (at once outside one)."""
    transaction.on_commit(wake_workers)


class Listener:
    """A worker's socket: `wait(timeout)` returns True when nudged. Removed on close."""

    def __init__(self):
        folder().mkdir(parents=True, exist_ok=True)
        _remove_dead_sockets()
        self.path = folder() / f"{os.getpid()}.sock"
        self.path.unlink(missing_ok=True)
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(self.path))
        _sockets.clear()  # a sender in this process nudges it from now on

    def wait(self, timeout: float) -> bool:
        self.socket.settimeout(timeout)
        try:
            self.socket.recv(16)
        except TimeoutError:
            return False
        # Nudges that came meanwhile say nothing more: read them all.
        self.socket.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while True:
                self.socket.recv(16)
        return True

    def close(self) -> None:
        self.socket.close()
        self.path.unlink(missing_ok=True)


def _remove_dead_sockets() -> None:
    """Sockets of workers that were killed (nothing receives on them any longer)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        for path in folder().glob("*.sock"):
            try:
                probe.connect(str(path))
            except ConnectionRefusedError:
                path.unlink(missing_ok=True)
            except OSError:
                continue
    finally:
        probe.close()
