"""Capacity over HTTP: many people using the platform at once, on the production server.

Signed-in hotline operators (case lists, case pages, name search, contact entry) and
supervisors (the team board, lists, case pages), each signing in once and keeping its session,
and anonymous readers of the public alert pages and feed, driven by locust (pinned) on this
machine against the set-up that docs/operations.md documents for a 2-core machine: staff pages
on `gunicorn --workers 4 --threads 4 --keep-alive 0`, the public site's anonymous pages on a
pool of sync workers `gunicorn --workers 4`, a task worker beside them; over the demo region's
accounts and a region of generated cases (long-tail names).
PostgreSQL: 50 users (30 operators, 5 supervisors, 15 readers); SQLite: 10 users.

People arrive one a second (BENCH_WEB_SPAWN_RATE): a centre's staff sign in as their shifts
start, not all within the same second, and readers come and go. The load is measured for
BENCH_WEB_SECONDS after the last one has arrived, all of them on; the arrivals (every sign-in
among them) are reported on their own, and `over_time` gives each 30 seconds from the first
arrival, so that neither hides the other.

Reported per page kind: requests, failures, p50/p95/p99 and the rate; beside them, as the
floor that the same server and machine give, `/healthz` (a query and a JSON answer) requested
right after the load.

Goals (issue 17): p95 ≤ 500 ms per page kind with all users on, for 3 minutes, and no error
at any time (arrivals included). BENCH_WEB_USERS, BENCH_WEB_SECONDS, BENCH_WEB_CASES,
BENCH_WEB_SPAWN_RATE set the load; BENCH_WEB_PUBLIC_SERVER=same sends the public readers to
the staff server instead (the set-up measured before 3 December).
"""

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from harness import ROOT, SMOKE, VAR, cpu_seconds, free_port, goal, say, seed_region, size

CASES = size("BENCH_WEB_CASES", 2000, smoke=100)
SECONDS = size("BENCH_WEB_SECONDS", 180, smoke=5)
# gunicorn's processes and threads per process, as docs/operations.md documents for a 2-core
# machine (BENCH_WEB_WORKERS, BENCH_WEB_THREADS to compare others). With one thread per process
# every request waiting on the database or for a CPU held a whole process, and the cheapest
# page (the public alerts, from the cache) queued seconds behind the others.
# At smoke size one process each (threads kept: the staff server's threaded path is run): each
# process imports Django, tens of seconds on a busy 2-core CI machine.
WORKERS = size("BENCH_WEB_WORKERS", 4, smoke=1)
THREADS = size("BENCH_WEB_THREADS", 4, smoke=4)
PUBLIC_WORKERS = size("BENCH_WEB_PUBLIC_WORKERS", 4, smoke=1)
SEPARATE_PUBLIC = os.environ.get("BENCH_WEB_PUBLIC_SERVER", "separate") != "same"
# Users arriving per second (locust's spawn rate).
SPAWN_RATE = float(os.environ.get("BENCH_WEB_SPAWN_RATE") or (4 if SMOKE else 1))
WINDOW = 30  # seconds in each row of over_time
SIGN_IN = ("sign in", "sign-in page")


def control_socket(port: int) -> list[str]:
    """Each gunicorn master its own control socket: two on one machine would both take
    gunicorn's default (~/.gunicorn/gunicorn.ctl), and the second logs an error for it."""
    return ["--control-socket", str(Path(tempfile.gettempdir()) / f"seec-gunicorn-{port}.ctl")]


def server_name() -> str:
    staff = f"gunicorn --workers {WORKERS}" + (f" --threads {THREADS}" if THREADS > 1 else "")
    if SEPARATE_PUBLIC:
        return f"{staff} (staff pages) and gunicorn --workers {PUBLIC_WORKERS} (public pages)"
    return staff


def users_for(engine: str) -> int:
    return size("BENCH_WEB_USERS", 50 if engine == "postgresql" else 10, smoke=4)


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


def figures(rows: list, seconds: float) -> dict:
    """Requests, failures and percentiles (nearest rank) of one page kind's log rows."""
    times = sorted(row[2] for row in rows)

    def rank(share: float) -> float:
        return times[max(0, math.ceil(share * len(times)) - 1)] if times else 0.0

    return {
        "requests": len(rows),
        "failures": sum(1 for row in rows if row[3]),
        "p50_ms": rank(0.50),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "requests_per_s": round(len(rows) / max(seconds, 1e-9), 2),
    }


def by_kind(rows: list, seconds: float) -> dict:
    kinds: dict[str, list] = {}
    for row in rows:
        kinds.setdefault(row[1], []).append(row)
    return {name: figures(kind, seconds) for name, kind in sorted(kinds.items())}


def summarise(log: dict) -> dict:
    """The log of every request split at the last arrival: the steady load (all users on) per
    page kind, the arrivals per page kind (sign-ins among them), and each WINDOW seconds."""
    rows = sorted(log["requests"])
    started = log["started"]
    arrived = log["all_arrived"] or started
    ended = max((row[0] for row in rows), default=arrived)
    # A user signs in as it arrives: the last one's sign-in is an arrival too.
    steady = [row for row in rows if row[0] >= arrived and row[1] not in SIGN_IN]
    arriving = [row for row in rows if row[0] < arrived or row[1] in SIGN_IN]
    over_time = []
    for offset in range(0, int(ended - started) + 1, WINDOW):
        window = [row for row in rows if offset <= row[0] - started < offset + WINDOW]
        pages = figures([row for row in window if row[1] not in SIGN_IN], WINDOW)
        over_time.append({
            "from_s": offset,
            "phase": "arriving" if started + offset < arrived else "all users on",
            "requests": len(window),
            "sign_ins": sum(1 for row in window if row[1] == "sign in"),
            "failures": sum(1 for row in window if row[3]),
            "pages_p50_ms": pages["p50_ms"],
            "pages_p95_ms": pages["p95_ms"],
        })  # fmt: skip
    return {
        "arrival_seconds": round(arrived - started, 1),
        "measured_seconds": round(ended - arrived, 1),
        "pages": by_kind(steady, ended - arrived),
        "arrivals": by_kind(arriving, arrived - started),
        "over_time": over_time,
    }


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
    public_port = int(os.environ.get("BENCH_WEB_PUBLIC_PORT") or free_port())
    users = users_for(engine)
    log_path = folder / f"requests-{engine}.json"
    log_path.unlink(missing_ok=True)
    staff_host = f"http://127.0.0.1:{port}"
    public_host = f"http://127.0.0.1:{public_port}" if SEPARATE_PUBLIC else staff_host
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "SEEC_ENV": "development",
        "DEBUG": "false",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "WEB_LOAD_PLAN": str(plan_path),
        "WEB_LOAD_LOG": str(log_path),
        "WEB_LOAD_STAFF_HOST": staff_host,
        "WEB_LOAD_PUBLIC_HOST": public_host,
        "DJANGO_SETTINGS_MODULE": "seec.settings",
    }
    bin_dir = Path(sys.executable).parent
    servers = [subprocess.Popen(
        [str(bin_dir / "gunicorn"), "seec.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--threads", str(THREADS), "--timeout", "60",
         # Each request its own connection, as from nginx's default upstream: with gunicorn's
         # 2 s keep-alive and users pausing 1-4 s, a request sent on a connection the server
         # was closing was reset (tens in a 90 s run with threads, when this was tried).
         "--keep-alive", "0", "--log-level", "warning", *control_socket(port)],
        cwd=ROOT, env=env,
    )]  # fmt: skip
    if SEPARATE_PUBLIC:  # the public site's pool, as README's production commands start it
        servers.append(subprocess.Popen(
            [str(bin_dir / "gunicorn"), "seec.wsgi", "--bind", f"127.0.0.1:{public_port}",
             "--workers", str(PUBLIC_WORKERS), "--timeout", "60", "--log-level", "warning",
             *control_socket(public_port)],
            cwd=ROOT, env=env,
        ))  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    processes = [*servers, worker]
    # Everyone arrives, then the load runs SECONDS with all of them on.
    arrival = math.ceil(users / SPAWN_RATE)
    try:
        wait_for(f"{staff_host}/healthz")
        wait_for(f"{public_host}/healthz")
        load_before = os.getloadavg()
        cpu_before = cpu_seconds(*(process.pid for process in processes))
        say(f"   {users} users arriving at {SPAWN_RATE}/s, then {SECONDS} s, against "
            f"{server_name()} on {engine}")  # fmt: skip
        finished = subprocess.run(
            [str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "_web_load_users.py"),
             "--headless", "--users", str(users), "--spawn-rate", str(SPAWN_RATE),
             "--run-time", f"{arrival + SECONDS}s", "--only-summary", "--loglevel", "WARNING",
             "--stop-timeout", "10"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
            timeout=arrival + SECONDS + 300,
        )  # fmt: skip
        cpu_used = cpu_seconds(*(process.pid for process in processes)) - cpu_before
        load_after = os.getloadavg()
        # healthz alone, right after, on the same server: the floor of this machine.
        floor = []
        for _ in range(20):
            started = time.perf_counter()
            wait_for(f"{staff_host}/healthz")
            floor.append((time.perf_counter() - started) * 1000)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    if finished.returncode not in (0, 1):  # 1: some requests failed (reported below)
        raise RuntimeError(f"locust failed: {finished.stderr[-2000:]}")
    if not log_path.exists():
        raise RuntimeError(f"locust wrote no request log: {finished.stderr[-2000:]}")
    log = json.loads(log_path.read_text())
    summary = summarise(log)
    for name, kind in summary["pages"].items():
        say(f"   {name}: {kind}")
    for row in summary["over_time"]:
        say(f"   {row}")
    floor.sort()
    pages = {name: f for name, f in summary["pages"].items() if name not in SIGN_IN}
    failures = sum(1 for row in log["requests"] if row[3])
    requests = len(log["requests"])
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
            "arrivals_per_s": SPAWN_RATE,
            "arrival_seconds": summary["arrival_seconds"],
            "measured_seconds": summary["measured_seconds"],
            "server": f"{server_name()}, one db_worker",
            "countries": len(content["countries"]),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "smoke": SMOKE,
        },
        # With all users on, from the last arrival to the end.
        "pages": summary["pages"],
        # While users were arriving: each signs in once, then browses.
        "arrivals": summary["arrivals"],
        "over_time": summary["over_time"],
        # On a shared machine the latencies above include waiting for a CPU; this is what the
        # servers (gunicorn's workers and the task worker) themselves spent per request.
        "server_cpu_ms_per_request": round(cpu_used * 1000 / max(requests, 1), 1),
        "baseline": {
            "name": "/healthz on the same server after the load (the machine's floor)",
            "p50_ms": round(floor[len(floor) // 2], 1),
            "p95_ms": round(floor[int(len(floor) * 0.95) - 1], 1),
        },
        "goals": goals,
    }
