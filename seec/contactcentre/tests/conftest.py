import pytest

from seec.cases.tests.conftest import case_fields, manager, open_case, operator  # noqa: F401
from seec.contactcentre.models import ContactLine, ContactLineKind, OperatorPresence
from seec.core.models import RoleCode


@pytest.fixture
def supervisor(region):
    return region.users[RoleCode.SUPERVISOR]


@pytest.fixture
def line(region):
    return ContactLine.objects.create(
        organisation=region.gr_hotline,
        name="Asterisk GR",
        kind=ContactLineKind.ASTERISK,
        secret="s3cret-line-key-for-tests",
    )


@pytest.fixture
def sms_line(region):
    return ContactLine.objects.create(
        organisation=region.gr_hotline,
        name="SMS GR",
        kind=ContactLineKind.SMS,
        secret="sms-line-key-for-tests",
    )


@pytest.fixture
def available(operator):  # noqa: F811 — the fixture imported above
    """The Greek operator, available at extension PJSIP/201."""
    return OperatorPresence.objects.create(
        user=operator, organisation=operator.organisation, status="available", extension="PJSIP/201"
    )


@pytest.fixture
def asgi_url(transactional_db):
    """The platform under uvicorn (HTTP and WebSockets) on a free local port, in a thread of
    this process, for the duration of one test."""
    from importlib import import_module

    from django.apps import apps

    from seec.core.models import Country

    # A transactional test before this one emptied every table, the reference data included.
    if not Country.objects.exists():
        import_module("seec.core.migrations.0002_reference_data").load(apps, None)
    with AsgiServer() as server:
        yield server.url


class AsgiServer:
    """uvicorn serving the platform from a thread. Its coroutine runs under async_to_sync from
    that thread, so the sync work of every request and consumer (thread-sensitive) runs in
    it; with SQLite's in-memory test database that thread shares the test's connection, as
    Django's LiveServerThread does, instead of opening a second one that would find the
    tables locked."""

    def __init__(self):
        import socket

        import uvicorn

        from seec.asgi import application

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(
            application, lifespan="off", log_level="warning", ws="websockets-sansio",
            access_log=False,
        )  # fmt: skip
        self.server = uvicorn.Server(config)

    def _run(self, shared):
        from asgiref.sync import async_to_sync
        from django.db import connections

        for alias, connection in shared.items():
            connections[alias] = connection
        async_to_sync(self.server.serve)(sockets=[self.socket])

    def __enter__(self):
        import threading
        import time

        from django.db import connections

        self.shared = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        for conn in self.shared.values():
            conn.inc_thread_sharing()
        self.thread = threading.Thread(target=self._run, args=(self.shared,), daemon=True)
        self.thread.start()
        for _ in range(1000):
            if self.server.started:
                return self
            time.sleep(0.01)
        raise RuntimeError("uvicorn did not start")

    def __exit__(self, *exc):
        from django.db import connections

        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()
        for conn in self.shared.values():
            conn.dec_thread_sharing()
        connections.close_all()
