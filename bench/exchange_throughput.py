"""Signed and encrypted messages between two real nodes, and what an outage costs.

Two nodes (Greece and Serbia), each a gunicorn server, an exchange worker and a PostgreSQL
database of its own, on this machine. Every message is a full distribution: EDXL-DE
envelope, payload signed (JWS Ed25519) and encrypted (JWE ECDH-ES X25519 A256GCM), the HTTP
request signed (RFC 9421) with a Content-Digest, stored in the receiver's inbox with its
audit event, answered with a signed receipt that the sender verifies and keeps. The sender
posts what is waiting as batches (protocol seec-exchange/2: one signed request, each
distribution still signed, encrypted and acknowledged on its own).

1. Sustained: messages written to the outbox at a fixed rate (BENCH_RATE a second, for
   BENCH_SECONDS), each timed from its outbox row to its receipt; the rate is what was
   delivered over the span. The producer is BENCH_PRODUCERS threads of one process, each
   message `services.send` in a transaction of its own — as a node's web workers write the
   messages of their requests side by side (one thread alone, on two cores shared with
   everything else, would measure the producer, not the exchange). The CPU each message cost
   is reported by process: the producer, the sender's worker, the receiver's server and
   worker, and each node's PostgreSQL backends (read from /proc, whatever else the machine runs).
2. Baseline in the same run: the same payloads posted as plain unsigned JSON, with as many
   connections, to a receiver that stores each (unique id) in the receiving node's database
   and answers — what one would ship without the envelope (bench/_plain_receiver.py).
3. Outage: BENCH_OUTAGE_MESSAGES written while the receiver is down for BENCH_OUTAGE_SECONDS
   (its server stopped), then it is started again: lost and duplicated are counted from the
   receiver's inbox.

Goals (issue 18): ≥ 200 messages/s sustained, p95 outbox→receipt ≤ 100 ms; 10,000 messages
with the receiver down for 60 s: 0 lost, 0 duplicated.
"""

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from harness import ROOT, goal, latency_summary, say, size

# The benchmark process itself stores nothing (its SQLite stays empty); the nodes it starts run
# on PostgreSQL, each its own database.
ENGINES = ["sqlite"]
RATE = size("BENCH_RATE", 220, 20)
SECONDS = size("BENCH_SECONDS", 30, 3)
OUTAGE_MESSAGES = size("BENCH_OUTAGE_MESSAGES", 10000, 100)
OUTAGE_SECONDS = size("BENCH_OUTAGE_SECONDS", 60, 3)
PAYLOAD_BYTES = 600
SEND_THREADS = 2
# The producer: threads side by side, each message written in a transaction of its own, as the
# web workers of a node each write their requests' messages (BENCH_PRODUCE_BATCH > 1 puts that
# many in one transaction instead).
PRODUCERS = size("BENCH_PRODUCERS", 4, 2)
PRODUCE_BATCH = size("BENCH_PRODUCE_BATCH", 1, 1)
# The receiver's server processes (4 threads each); at smoke size one: each imports Django,
# tens of seconds on a busy 2-core CI machine, and a smoke run proves the path, not the rate.
RECEIVER_WORKERS = size("BENCH_RECEIVER_WORKERS", 3, 1)
# The nodes' databases: BENCH_EXCHANGE_DB_PREFIX + gr/rs (runs side by side keep apart).
DB_PREFIX = os.environ.get("BENCH_EXCHANGE_DB_PREFIX", "seec_exchange_bench_")


def plain_baseline(url: str, count: int, connections: int) -> float:
    """Plain unsigned JSON posts, `connections` at a time: messages a second."""
    import httpx

    done = []
    lock = threading.Lock()

    def worker(share: int) -> None:
        with httpx.Client(timeout=30) as client:
            for _ in range(share):
                body = {"id": str(uuid.uuid4()), "note": "x" * PAYLOAD_BYTES,
                        "written_at": time.time()}  # fmt: skip
                response = client.post(url, json=body)
                response.raise_for_status()
                with lock:
                    done.append(1)

    threads = [threading.Thread(target=worker, args=(count // connections,))
               for _ in range(connections)]  # fmt: skip
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(done) / (time.perf_counter() - start)


def _cpu_of(pid: int) -> float | None:
    """User and system CPU seconds of one process so far (None: it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU spent while running, by role: each node's producer (its driver), exchange worker and
    server (with its workers), and the PostgreSQL backends serving each node's database
    (found in pg_stat_activity as they come; one that ends between two looks, a quarter of a
    second apart, loses what it spent since the last). What a message costs whatever else the
    machine was running."""

    def __init__(self, roles: dict[str, list[int]], databases: dict[str, str], pg_url: str):
        self.roles, self.databases, self.pg_url = roles, databases, pg_url
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.role_of: dict[int, str] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _pids(self, conn) -> dict[int, str]:
        pids = {}
        for role, parents in self.roles.items():
            wanted = set(parents)
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                    except OSError:
                        continue
                    if int(entry.name) in wanted or ppid in wanted:
                        pids[int(entry.name)] = role
        rows = conn.execute(
            "SELECT pid, datname FROM pg_stat_activity WHERE datname = ANY(%s)",
            [list(self.databases)],
        ).fetchall()
        for pid, datname in rows:
            pids[pid] = self.databases[datname]
        return pids

    def _look(self, conn, *, first=False) -> None:
        for pid, role in self._pids(conn).items():
            spent = _cpu_of(pid)
            if spent is None:
                continue
            self.role_of[pid] = role
            # A backend first seen after the start began within the run (connections open and
            # close with the producer's calls).
            self.first.setdefault(pid, spent if first else 0.0)
            self.last[pid] = spent

    def _watch(self) -> None:
        import psycopg

        with psycopg.connect(self.pg_url + "postgres", autocommit=True) as conn:
            self._look(conn, first=True)
            self.started.set()
            while not self.stop.wait(0.25):
                self._look(conn)
            self._look(conn)

    def __enter__(self) -> "CpuMeter":
        self.started = threading.Event()
        self.thread.start()
        self.started.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(10)

    def by_role(self) -> dict[str, float]:
        spent: dict[str, float] = {}
        for pid, last in self.last.items():
            role = self.role_of[pid]
            spent[role] = spent.get(role, 0.0) + last - self.first[pid]
        return spent


def run(engine: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from seec.exchange.tests.harness import (
        PG_URL,
        PYTHON,
        Node,
        free_port,
        start_all,
        stop_all,
        trust_each_other,
    )

    env = {"SEEC_EXCHANGE_RETRY_MAX_SECONDS": "5", "SEEC_EXCHANGE_LEASE_SECONDS": "30"}
    # Two sending threads: with batches (protocol seec-exchange/2) each thread's next request
    # carries what gathered while its last one was answered; more threads only make the
    # batches smaller on two cores.
    sender = Node("gr", "GR", postgres=DB_PREFIX + "gr", deliver_threads=SEND_THREADS,
                  **env)  # fmt: skip
    receiver = Node("rs", "RS", postgres=DB_PREFIX + "rs", server_workers=RECEIVER_WORKERS,
                    server_threads=4, **env)  # fmt: skip
    plain = None
    try:
        say("starting two nodes")
        start_all(sender, receiver)
        trust_each_other(sender, receiver)
        # Warm-up, delivered before anything is timed: each server process loads its URLs
        # and views on its first requests, and every process opens its connections.
        warm = sender.call("produce", to="116 000 Serbia", rate=100, seconds=2, note="warm-",
                           threads=PRODUCERS, batch=PRODUCE_BATCH)  # fmt: skip
        sender.wait_for("delivered_count", lambda n: n == len(warm), ids=warm, timeout=600)

        say(f"sustained: {RATE}/s for {SECONDS} s")
        meter = CpuMeter(
            {
                "producer": [sender.driver.pid],
                "sender worker": [sender.worker.pid],
                "receiver server": [receiver.server.pid],
                # It chains the receiver's staged "received" events (and the sender's worker
                # its "sent" ones): their cost counts.
                "receiver worker": [receiver.worker.pid],
            },
            {DB_PREFIX + "gr": "sender's PostgreSQL", DB_PREFIX + "rs": "receiver's PostgreSQL"},
            PG_URL,
        )
        with meter:
            produce_start = time.monotonic()
            ids = sender.call("produce", to="116 000 Serbia", rate=RATE, seconds=SECONDS,
                              note="run-", size=PAYLOAD_BYTES, threads=PRODUCERS,
                              batch=PRODUCE_BATCH)  # fmt: skip
            # What the producer managed to write: on a loaded machine it can fall short of
            # RATE, and the delivered rate cannot exceed it.
            produced_rate = len(ids) / (time.monotonic() - produce_start)
            sender.wait_for("delivered_count", lambda n: n == len(ids), ids=ids, timeout=600)
        cpu_ms = {role: round(1000 * spent / len(ids), 2) for role, spent in
                  sorted(meter.by_role().items())}  # fmt: skip
        cpu_ms["all"] = round(sum(cpu_ms.values()), 2)
        figures = sender.call("delivery_figures", ids=ids)
        rate = figures["delivered"] / figures["span"]
        latency = latency_summary(figures["latencies"])
        say(f"  {figures['delivered']} delivered at {rate:.0f}/s (written at "
            f"{produced_rate:.0f}/s), latency {latency}")  # fmt: skip
        say(f"  CPU ms a message: {cpu_ms}")

        say("baseline: plain unsigned JSON posts")
        import psycopg

        with psycopg.connect(PG_URL + DB_PREFIX + "rs", autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS bench_plain_inbox (id text PRIMARY KEY, body jsonb)"
            )
        port = free_port()
        plain = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "_plain_receiver:app", "--bind", f"127.0.0.1:{port}",
             "--workers", str(RECEIVER_WORKERS), "--threads", "4", "--worker-class", "gthread",
             "--keep-alive", "0"],  # as the nodes' servers (seec/exchange/tests/harness.py)
            cwd=ROOT / "bench",
            env={**os.environ, "PLAIN_DATABASE_URL": PG_URL + DB_PREFIX + "rs"},
        )  # fmt: skip
        for _ in range(100):
            try:
                import httpx

                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        plain_rate = plain_baseline(f"http://127.0.0.1:{port}/", len(ids), connections=6)
        say(f"  plain: {plain_rate:.0f}/s")

        say(f"outage: {OUTAGE_MESSAGES} messages, receiver down {OUTAGE_SECONDS} s")
        receiver.stop_server()
        down_at = time.monotonic()
        outage_ids, made = [], 0
        while made < OUTAGE_MESSAGES:
            chunk = min(1000, OUTAGE_MESSAGES - made)
            outage_ids += sender.call("ping_many", to="116 000 Serbia", count=chunk,
                                      note=f"outage-{made}-")  # fmt: skip
            made += chunk
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
        waiting = sender.call("outbox_of", ids=outage_ids[:2000])
        receiver.start_server()
        back_at = time.monotonic()
        sender.wait_for("delivered_count", lambda n: n == len(outage_ids), ids=outage_ids,
                        timeout=1800)  # fmt: skip
        drained = time.monotonic() - back_at
        got = receiver.call("received_notes_count", prefix="outage-")
        lost = len(outage_ids) - got["distinct"]
        duplicated = got["rows"] - got["distinct"]
        say(f"  drained in {drained:.0f} s; lost {lost}, duplicated {duplicated}; "
            f"retries while down: {waiting}")  # fmt: skip
    finally:
        if plain is not None:
            plain.terminate()
            plain.wait(timeout=10)
        stop_all(sender, receiver)

    return {
        "engine": "postgresql (each node its own database)",
        "server": f"gunicorn gthread (receiver {RECEIVER_WORKERS} workers x 4 threads, "
        "--keep-alive 0); sender: "
        "exchange_deliver "
        f"with {SEND_THREADS} sending threads, what waits shared among the free threads, up to "
        "50 distributions a request "
        "(protocol seec-exchange/2)",
        "data": {
            "sustained_messages": len(ids),
            "offered_rate": RATE,
            "payload_bytes": PAYLOAD_BYTES,
            "producer_threads": PRODUCERS,
            "messages_per_producer_transaction": PRODUCE_BATCH,
            "outage_messages": len(outage_ids),
            "outage_seconds": OUTAGE_SECONDS,
        },
        "sustained_rate": round(rate, 1),
        "produced_rate": round(produced_rate, 1),
        "latency": latency,
        "cpu_ms_per_message": cpu_ms,
        "plain_json_rate": round(plain_rate, 1),
        "overhead_ratio": round(plain_rate / rate, 2),
        "outage": {
            "lost": lost,
            "duplicated": duplicated,
            "drain_seconds": round(drained, 1),
            "attempts_while_down_min": waiting["min_attempts"],
        },
        "goals": [
            goal("signed+encrypted messages per second (sustained)", rate, ">=", 200),
            goal("p95 outbox to receipt (ms)", latency["p95_ms"], "<=", 100),
            goal("lost after a 60 s outage", lost, "<=", 0),
            goal("duplicated after a 60 s outage", duplicated, "<=", 0),
        ],
    }
