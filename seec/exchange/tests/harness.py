"""Real nodes for the exchange's tests: each a gunicorn server, an exchange worker and a
driver process (which calls node_actions inside the node, as a person's request would call
the services), with a database of its own (SQLite or PostgreSQL) and real HTTP between them.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
PG_URL = "postgres://postgres@127.0.0.1:5432/"
TEMPLATE_DIR = Path(tempfile.gettempdir()) / "seec-exchange-node-templates"


def free_port() -> int:
    """A port nothing listens on now; from SEEC_TEST_PORTS ("18100-18199") when set, so that
    runs side by side on one machine keep to the ports they were given."""
    span = os.environ.get("SEEC_TEST_PORTS", "")
    if span:
        low, high = (int(part) for part in span.split("-"))
        candidates = list(range(low, high + 1))
        random.shuffle(candidates)
    else:
        candidates = [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in {span}")


def _migrations_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("seec/*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pg_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


class Node:
    def __init__(
        self, name: str, country: str, *, postgres: str | None = None, server_workers=1,
        server_threads=4, deliver_threads=2, **env,
    ):  # fmt: skip
        self.server_workers, self.server_threads = server_workers, server_threads
        self.deliver_threads = deliver_threads
        self.name = name
        self.country = country
        self.postgres = postgres
        self.workdir = Path(tempfile.mkdtemp(prefix=f"seec-node-{name}-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = self.worker = self.driver = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "seec.settings",
            "SEEC_ENV": "development",
            "DEBUG": "false",
            "SEEC_VAR_DIR": str(self.workdir),
            "DATABASE_URL": PG_URL + postgres
            if postgres
            else f"sqlite:///{self.workdir / 'node.sqlite3'}",
            "SEEC_NODE_ID": f"{name}-node",
            "SEEC_NODE_NAME": f"SEEC node {name.upper()}",
            "SEEC_NODE_URL": self.url,
            "SEEC_PUBLIC_URL": self.url,
            "TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SEEC_EXCHANGE_RETRY_BASE_SECONDS": "0.2",
            "SEEC_EXCHANGE_RETRY_MAX_SECONDS": "1",
            "SEEC_EXCHANGE_LEASE_SECONDS": "3",
            "SEEC_EXCHANGE_ALLOW_HTTP": "true",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    # --- Database ------------------------------------------------------------------------

    def _manage(self, *args, timeout=600):
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def create_database(self) -> None:
        """A migrated database, copied from a template made once per set of migrations."""
        TEMPLATE_DIR.mkdir(exist_ok=True)
        key = _migrations_hash()
        if self.postgres:
            # The migrated template is named by its migrations, so that checkouts of other
            # versions (other worktrees, CI) never drop or half-migrate each other's.
            template = f"seec_exchange_{key}"
            marker = TEMPLATE_DIR / f"{template}-{key}.ready"
            # Two PostgreSQL nodes started side by side (the benchmark's) make the template
            # once: the second waits for the first, and copying from a template is exclusive.
            with open(TEMPLATE_DIR / f"{template}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not marker.exists():
                    _psql(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
                    _psql(f"CREATE DATABASE {template}")
                    env = dict(self.env, DATABASE_URL=PG_URL + template)
                    subprocess.run(
                        [PYTHON, "manage.py", "migrate", "-v0"],
                        cwd=ROOT, env=env, check=True, capture_output=True,
                    )  # fmt: skip
                    marker.touch()
                _psql(f"DROP DATABASE IF EXISTS {self.postgres} WITH (FORCE)")
                _psql(f"CREATE DATABASE {self.postgres} TEMPLATE {template}")
        else:
            template = TEMPLATE_DIR / f"sqlite-{key}.sqlite3"
            if not template.exists():
                partial = template.with_suffix(f".{os.getpid()}.tmp")
                env = dict(self.env, DATABASE_URL=f"sqlite:///{partial}")
                subprocess.run(
                    [PYTHON, "manage.py", "migrate", "-v0"],
                    cwd=ROOT, env=env, check=True, capture_output=True,
                )  # fmt: skip
                subprocess.run(
                    ["sqlite3", str(partial), "PRAGMA wal_checkpoint(TRUNCATE);"], check=False
                )
                os.replace(partial, template)
            shutil.copy(template, self.workdir / "node.sqlite3")

    # --- Processes -----------------------------------------------------------------------

    def start(self) -> "Node":
        self.create_database()
        self.start_driver()
        self.call("setup_node", country=self.country)
        self.start_server()
        self.start_worker()
        return self

    def _spawn(self, args, log: str):
        out = open(self.workdir / log, "ab")  # noqa: SIM115 — the process owns it
        return subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def start_server(self) -> None:
        self.server = self._spawn(
            [
                PYTHON, "-m", "gunicorn", "seec.wsgi", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.server_workers), "--threads", str(self.server_threads),
                "--worker-class", "gthread",
                # As docs/operations.md sets up a node's web server (and as nginx's default
                # upstream does anyway): each connection closed after its answer. Kept open,
                # the sender's two connections were both taken by one worker at start and every
                # batch was handled by that one process while the others sat idle.
                "--keep-alive", "0",
                "--timeout", "60", "--graceful-timeout", "2",
            ],
            "server.log",
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if self.server.poll() is not None:
                raise RuntimeError(f"{self.name} server died: {self.log('server.log')}")
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} server did not start: {self.log('server.log')}")

    def start_worker(self) -> None:
        self.worker = self._spawn(
            [
                PYTHON,
                "manage.py",
                "exchange_deliver",
                "--threads",
                str(self.deliver_threads),
                "--idle",
                "0.05",
            ],
            "worker.log",
        )

    def start_driver(self) -> None:
        self.driver = subprocess.Popen(
            [PYTHON, "-m", "seec.exchange.tests.node_driver"],
            cwd=ROOT, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=open(self.workdir / "driver.log", "ab"), text=True,  # noqa: SIM115
            start_new_session=True,
        )  # fmt: skip

    def call(self, function: str, **kwargs):
        """Run node_actions.<function>(**kwargs) inside the node; returns its JSON result."""
        self.driver.stdin.write(json.dumps({"fn": function, "kwargs": kwargs}) + "\n")
        self.driver.stdin.flush()
        line = self.driver.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} driver died: {self.log('driver.log')}")
        answer = json.loads(line)
        if "error" in answer:
            raise NodeError(answer["error"], answer.get("kind", ""))
        return answer["result"]

    def wait_for(self, function: str, predicate=bool, timeout: float = 30, **kwargs):
        deadline = time.monotonic() + timeout
        while True:
            result = self.call(function, **kwargs)
            if predicate(result):
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {function}{kwargs} still {result!r}")
            time.sleep(0.2)

    @staticmethod
    def _stop(process, sig=signal.SIGTERM) -> None:
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_server(self) -> None:
        self._stop(self.server)

    def kill_worker(self) -> None:
        self._stop(self.worker, signal.SIGKILL)

    def stop(self) -> None:
        for process in (self.worker, self.server, self.driver):
            self._stop(process)
        if self.postgres:
            with contextlib.suppress(subprocess.CalledProcessError):
                _psql(f"DROP DATABASE IF EXISTS {self.postgres} WITH (FORCE)")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log(self, name: str) -> str:
        path = self.workdir / name
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


class NodeError(Exception):
    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def start_all(*nodes: Node) -> None:
    """Start nodes side by side (each start is mostly waiting for a process)."""
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        list(pool.map(Node.start, nodes))


def stop_all(*nodes: Node) -> None:
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        list(pool.map(Node.stop, nodes))


def trust_each_other(*nodes: Node) -> None:
    fingerprints = {node: node.call("fingerprint") for node in nodes}
    for node in nodes:
        for other in nodes:
            if other is not node:
                node.call("add_peer", url=other.url, fingerprint=fingerprints[other])
