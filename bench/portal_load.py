"""The public site under load: anonymous readers of the live alerts (`/portal/`), an alert's
page and the Atom feed, over HTTP, against the production server on this machine.

The server: gunicorn (`seec.wsgi`, 4 sync workers) by default, `BENCH_PORTAL_SERVER=gthread`
(4 threads a worker) or `uvicorn` (`seec.asgi`, one process per core: docs/operations.md's
production command), `BENCH_PORTAL_WORKERS` processes, with the production settings
(SEEC_ENV=production, collected static files) and a shared cache (`CACHE_URL`: a Redis of the
benchmark's own, as docs/operations.md asks for several web processes); locust (pinned)
drives `BENCH_PORTAL_USERS` readers without think time for `BENCH_PORTAL_SECONDS`
(bench/_portal_load_users.py) in `BENCH_PORTAL_GENERATORS` processes. Reported: requests/s
and p50/p95/p99 per page and in all, and the CPU share of the server, of locust and of Redis
over the middle of the run (on this machine the generator shares the 2 cores with the server).

While the readers read, alerts are approved through the service (`approve_alert`, as the
authority's Approve button does) and the public list is polled until each appears: the time
from the approval to the first answer that shows it.

Baseline in the same run: the same server, pages and readers with the public page cache off
(`SEEC_PUBLIC_PAGE_CACHE_SECONDS=0`: every page rendered from the database).

Goals (issue 22): ≥ 1,000 requests/s at p95 ≤ 100 ms; an approved alert visible on the site
≤ 5 s after approval.
"""

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from harness import (
    ROOT,
    SMOKE,
    VAR,
    collected_static,
    cpu_seconds,
    free_port,
    goal,
    greek_alert_request,
    latency_summary,
    say,
    seed_region,
    size,
)

USERS = size("BENCH_PORTAL_USERS", 50, smoke=4)
SECONDS = size("BENCH_PORTAL_SECONDS", 60, smoke=4)
APPROVALS = size("BENCH_PORTAL_APPROVALS", 5, smoke=1)
LIVE_ALERTS = size("BENCH_PORTAL_ALERTS", 10, smoke=2)
# The server: "gunicorn" (seec.wsgi, sync workers, as bench/README and docs/benchmarks.md
# have measured it), "gthread" (the same, 4 threads a worker) or "uvicorn" (seec.asgi, the
# command of docs/operations.md, one process per core).
SERVER = os.environ.get("BENCH_PORTAL_SERVER", "gunicorn")
# At smoke size one process: each imports Django (tens of seconds on a busy 2-core CI machine)
# and the smoke run proves the path, not the figure.
WORKERS = size("BENCH_PORTAL_WORKERS", 2 if SERVER == "uvicorn" else 4, smoke=1)
# locust's own processes (`--processes`): one Python process can be the bottleneck.
GENERATORS = size("BENCH_PORTAL_GENERATORS", 1, smoke=1)
SECRET = "p0rtal-Load-benchmark-key-9Jx2Qw8eRt5yUi2oPa7sDf4gHj1kLz6xCv0bNm_u8T"  # noqa: S105
FILE_KEY = "bXkgZmlsZSBrZXkgaXMgdGhpcnR5LXR3byBieXRlcyE="


# The shared cache: a Redis of this run's own, set before Django reads its settings (run.py
# imports the benchmark before it sets Django up); started in `run`.
REDIS_PORT = free_port()
os.environ["CACHE_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"


def start_redis(folder: Path) -> subprocess.Popen:
    redis = shutil.which("redis-server")
    if redis is None:
        raise RuntimeError("redis-server is missing: the shared cache the documented set-up uses")
    process = subprocess.Popen(
        [redis, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", REDIS_PORT)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("redis-server did not start")


def server_env(folder: Path, **extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "seec.settings",
        "SEEC_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SEEC_FILE_KEY": FILE_KEY,
        "STATIC_ROOT": str(folder / "static"),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        **extra,
    }


def server_command(port: int) -> list[str]:
    if SERVER == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "seec.asgi:application", "--host", "127.0.0.1",
                "--port", str(port), "--ws", "websockets-sansio", "--lifespan", "off",
                "--proxy-headers", "--workers", str(WORKERS), "--log-level", "warning",
                "--no-access-log"]  # fmt: skip
    threads = ["--worker-class", "gthread", "--threads", "4"] if SERVER == "gthread" else []
    return [sys.executable, "-m", "gunicorn", "seec.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS), *threads, "--log-level", "warning"]  # fmt: skip


def serve(port: int, env: dict) -> subprocess.Popen:
    import httpx

    server = subprocess.Popen(server_command(port), cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"{SERVER} did not start")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def read_stats(prefix: Path) -> dict:
    kinds = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            kinds["all" if row["Name"] == "Aggregated" else row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "requests_per_s": round(float(row["Requests/s"]), 1),
            }
    return kinds


def locust(port: int, env: dict, prefix: Path) -> subprocess.Popen:
    bin_dir = Path(sys.executable).parent
    return subprocess.Popen(
        [str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "_portal_load_users.py"),
         "--headless", "--users", str(USERS), "--spawn-rate", str(USERS),
         "--run-time", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
         "--stop-timeout", "5", *(["--processes", str(GENERATORS)] if GENERATORS > 1 else [])],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def make_requests(count: int) -> list:
    """Alerts requested by the Greek hotline, waiting for the police's approval."""
    return [greek_alert_request(n, "Ελένη", "Πειραιάς") for n in range(count)]


def approve(alerts: list) -> list:
    from seec.alerts import services
    from seec.core.audit import Origin
    from seec.core.models import User

    police = User.objects.get(username="police.gr")
    return [services.approve_alert(alert, origin=Origin(police)) for alert in alerts]


def seconds_until_visible(base: str, requested) -> float:
    """From the authority's approval to the first answer of the public list that shows it."""
    import httpx

    from seec.alerts import services
    from seec.core.audit import Origin
    from seec.core.models import User

    police = User.objects.get(username="police.gr")
    with httpx.Client(base_url=base, timeout=10) as client:
        client.get("/portal/")  # the list as cached before
        started = time.perf_counter()
        services.approve_alert(requested, origin=Origin(police))
        while time.perf_counter() - started < 30:
            if requested.reference in client.get("/portal/").text:
                return time.perf_counter() - started
            time.sleep(0.05)
    return float("inf")


def measure(
    port: int, env: dict, prefix: Path, requested: list, server: int, redis: int
) -> tuple[dict, list[float], dict]:
    """Readers for SECONDS against the server; meanwhile `requested` alerts are approved one
    by one and looked for on the public list. Also the CPU the server, the load generator
    and Redis spent over the middle of the run (all at full speed), as shares of the
    machine's cores: whether the generator, not the server, was the bottleneck."""
    readers = locust(port, env, prefix)
    visible = []
    time.sleep(min(3, SECONDS / 4))  # the readers at full speed first
    window = max(1.0, SECONDS / 2)
    before = [cpu_seconds(pid) for pid in (server, readers.pid, redis)]
    started = time.monotonic()
    time.sleep(window)
    after = [cpu_seconds(pid) for pid in (server, readers.pid, redis)]
    elapsed = time.monotonic() - started
    cores = os.cpu_count() or 1
    cpu = {
        f"{who}_share_of_{cores}_cores": round((b - a) / elapsed / cores, 3)
        for who, a, b in zip(("server", "load_generator", "redis"), before, after, strict=True)
    }
    cpu["window_s"] = round(elapsed, 1)
    for alert in requested:
        visible.append(seconds_until_visible(f"http://127.0.0.1:{port}", alert))
        say(f"   visible after {visible[-1]:.3f} s")
        time.sleep(1)
    try:
        _out, err = readers.communicate(timeout=SECONDS + 120)
    except subprocess.TimeoutExpired:
        readers.kill()
        raise
    if readers.returncode not in (0, 1):  # 1: some requests failed (reported)
        raise RuntimeError(f"locust failed: {err[-2000:]}")
    return read_stats(prefix), visible, cpu


def run(engine: str) -> dict:
    from django.db import connections

    from seec.alerts.public import live_alerts

    folder = VAR / "portal_load"
    folder.mkdir(parents=True, exist_ok=True)
    redis = start_redis(folder)
    try:
        seed_region("alerts")  # users, alert settings, a live exercise alert
        approve(make_requests(LIVE_ALERTS - 1))
        references = list(live_alerts().values_list("reference", flat=True))
        to_approve = make_requests(APPROVALS)
        plan_path = folder / "plan.json"
        plan_path.write_text(json.dumps({"alerts": references}))
        connections.close_all()

        env = server_env(folder, PORTAL_LOAD_PLAN=str(plan_path))
        # Production serves collected, hashed assets.
        env["STATIC_ROOT"] = str(collected_static(env))
        results = {}
        load_before = os.getloadavg()
        for name, extra, approving in (
            ("cached", {}, to_approve),
            ("uncached", {"SEEC_PUBLIC_PAGE_CACHE_SECONDS": "0"}, []),
        ):
            port = free_port()
            server = serve(port, {**env, **extra})
            try:
                say(f"   {name}: {USERS} readers for {SECONDS} s, {SERVER} ({WORKERS} workers)")
                results[name] = measure(
                    port, {**env, **extra}, folder / f"locust-{name}", approving,
                    server.pid, redis.pid,
                )  # fmt: skip
                say(f"   {name} CPU: {results[name][2]}")
            finally:
                stop(server)
            for page, figures in results[name][0].items():
                say(f"   {name} {page}: {figures}")
    finally:
        stop(redis)

    cached, visible, cached_cpu = results["cached"]
    uncached, _none, uncached_cpu = results["uncached"]
    failures = sum(f["failures"] for f in cached.values() if f is not cached["all"])
    visibility = latency_summary(visible) if visible else {}
    worst_visible = max(visible) if visible else float("inf")
    return {
        "data": {
            "readers": USERS,
            "think_time_s": 0,
            "seconds": SECONDS,
            "live_alerts": len(references),
            "approvals_timed": len(visible),
            "server": f"{' '.join(server_command(0)[2:4])} ({SERVER}, {WORKERS} workers), "
            "SEEC_ENV=production, CACHE_URL=redis (the benchmark's own)",
            "load_generator": f"locust FastHttpUser on the same machine, {GENERATORS} process(es)",
            "cpu_cached": cached_cpu,
            "cpu_uncached": uncached_cpu,
            "load_average_before": [round(x, 2) for x in load_before],
            "smoke": SMOKE,
        },
        "cached": cached,
        "visible_after_approval_s": {
            "each": [round(s, 3) for s in visible],
            **{
                k.replace("_ms", "_s"): round(v / 1000, 3)
                for k, v in visibility.items()
                if k != "count"
            },
        },
        "baseline": {
            "name": "the same pages and readers, public page cache off (rendered each time)",
            "uncached": uncached,
        },
        "goals": [
            goal("requests per second (cached)", cached["all"]["requests_per_s"], ">=", 1000),
            goal("p95_ms (cached)", cached["all"]["p95_ms"], "<=", 100),
            goal("failed requests (cached)", failures, "<=", 0),
            goal("approved alert visible after, s (worst)", worst_visible, "<=", 5),
        ],
    }
