"""Capacity over HTTP: many people using the platform at once, on the production server.

Signed-in hotline operators (case lists, case pages, name search, contact entry) and
supervisors (the team board, lists, case pages), each signing in once and keeping its session,
and anonymous readers of the public alert pages and feed, driven by locust (pinned) on this
machine against gunicorn (`--workers 4 --threads 4`, as docs/operations.md documents) with a
task worker beside it, over the demo region's accounts and a region of generated cases
(long-tail names).
PostgreSQL: 50 users (30 operators, 5 supervisors, 15 readers); SQLite: 10 users.

Reported per page kind: requests, failures, p50/p95/p99 and the rate; beside them, as the
floor that the same server and machine give, `/healthz` (a query and a JSON answer) requested
at the same time by one more user.

Goals (issue 17): p95 ≤ 500 ms per page kind and no error, for 3 minutes. BENCH_WEB_USERS,
BENCH_WEB_SECONDS, BENCH_WEB_CASES set the load.
"""

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from harness import ROOT, SMOKE, VAR, cpu_seconds, goal, say, seed_region, size

CASES = size("BENCH_WEB_CASES", 2000, smoke=100)
SECONDS = size("BENCH_WEB_SECONDS", 180, smoke=5)
# gunicorn's processes and threads per process, as docs/operations.md documents for a 2-core
# machine (BENCH_WEB_WORKERS, BENCH_WEB_THREADS to compare others). With one thread per process
# every request waiting on the database or for a CPU held a whole process, and the cheapest
# page (the public alerts, from the cache) queued seconds behind the others.
WORKERS = size("BENCH_WEB_WORKERS", 4, smoke=4)
THREADS = size("BENCH_WEB_THREADS", 4, smoke=4)


def server_name() -> str:
    return f"gunicorn --workers {WORKERS}" + (f" --threads {THREADS}" if THREADS > 1 else "")


def users_for(engine: str) -> int:
    return size("BENCH_WEB_USERS", 50 if engine == "postgresql" else 10, smoke=4)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def plan(path: Path) -> dict:
    """Accounts, case ids, names and alerts for locust's users, from the loaded data."""
    from django.conf import settings
    from django.utils import timezone

    from seec.alerts.models import Alert, AlertStatus
    from seec.cases.models import Case

    countries = sorted(
        Case.objects.filter(organisation__kind="national_centre")
        .order_by()
        .values_list("country_id", flat=True)
        .distinct()
    )
    cases, names = {}, {}
    for country in countries:
        rows = list(
            Case.objects.filter(country_id=country, organisation__kind="national_centre")
            .order_by("?")
            .values_list("pk", "given_names", "family_name")[:300]
        )
        cases[country] = [pk for pk, _given, _family in rows]
        names[country] = [f"{given} {family}" for _pk, given, family in rows[:50]]
    alerts = list(
        Alert.objects.filter(status=AlertStatus.ISSUED, expires_at__gt=timezone.now()).values_list(
            "reference", flat=True
        )
    )
    content = {"countries": countries, "cases": cases, "names": names, "alerts": alerts,
               "password": settings.SEEC_DEMO_PASSWORD}  # fmt: skip
    path.write_text(json.dumps(content, ensure_ascii=False))
    return content


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 — our own server
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def read_stats(prefix: Path) -> dict:
    kinds = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            kinds[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "requests_per_s": round(float(row["Requests/s"]), 2),
            }
    return kinds


def run(engine: str) -> dict:
    from case_search import load
    from django.db import connections

    seed_region("alerts")  # users, alert settings, a live exercise alert
    load(CASES)
    folder = VAR / "web_load"
    folder.mkdir(parents=True, exist_ok=True)
    plan_path = folder / "plan.json"
    content = plan(plan_path)
    connections.close_all()

    port = int(os.environ.get("BENCH_WEB_PORT") or free_port())
    users = users_for(engine)
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "SEEC_ENV": "development",
        "DEBUG": "false",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "WEB_LOAD_PLAN": str(plan_path),
        "DJANGO_SETTINGS_MODULE": "seec.settings",
    }
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "seec.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--threads", str(THREADS), "--timeout", "60",
         # Each request its own connection, as from nginx's default upstream: with gunicorn's
         # 2 s keep-alive and users pausing 1-4 s, a request sent on a connection the server
         # was closing was reset (tens in a 90 s run with threads, when this was tried).
         "--keep-alive", "0", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    prefix = folder / f"locust-{engine}"
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        load_before = os.getloadavg()
        cpu_before = cpu_seconds(server.pid, worker.pid)
        say(f"   {users} users for {SECONDS} s against {server_name()} on {engine}")
        finished = subprocess.run(
            [str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "_web_load_users.py"),
             "--headless", "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
             "--run-time", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
             "--stop-timeout", "10"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
            timeout=SECONDS + 300,
        )  # fmt: skip
        cpu_used = cpu_seconds(server.pid, worker.pid) - cpu_before
        load_after = os.getloadavg()
        # healthz alone, right after, on the same server: the floor of this machine.
        floor = []
        for _ in range(20):
            started = time.perf_counter()
            wait_for(f"http://127.0.0.1:{port}/healthz")
            floor.append((time.perf_counter() - started) * 1000)
    finally:
        for process in (server, worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    if finished.returncode not in (0, 1):  # 1: some requests failed (reported below)
        raise RuntimeError(f"locust failed: {finished.stderr[-2000:]}")
    kinds = read_stats(prefix)
    for name, figures in sorted(kinds.items()):
        say(f"   {name}: {figures}")
    floor.sort()
    pages = {name: f for name, f in kinds.items() if name not in ("sign in", "sign-in page")}
    failures = sum(f["failures"] for f in kinds.values())
    requests = sum(f["requests"] for f in kinds.values())
    worst = max((f["p95_ms"] for f in pages.values()), default=0)
    goals = [
        goal("worst page kind p95_ms", worst, "<=", 500),
        goal("failed requests", failures, "<=", 0),
    ]
    return {
        "data": {
            "cases": CASES,
            "users": users,
            "mix": "30 operators : 5 supervisors : 15 public readers (locust weights)",
            "seconds": SECONDS,
            "server": f"{server_name()}, one db_worker",
            "countries": len(content["countries"]),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "smoke": SMOKE,
        },
        "pages": kinds,
        # On a shared machine the latencies above include waiting for a CPU; this is what the
        # server (gunicorn's workers and the task worker) itself spent per request.
        "server_cpu_ms_per_request": round(cpu_used * 1000 / max(requests, 1), 1),
        "baseline": {
            "name": "/healthz on the same server after the load (the machine's floor)",
            "p50_ms": round(floor[len(floor) // 2], 1),
            "p95_ms": round(floor[int(len(floor) * 0.95) - 1], 1),
        },
        "goals": goals,
    }
