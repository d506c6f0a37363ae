"""Sign-in under load: 20 people signing in at once, over real HTTP, against gunicorn with the
production settings (SEEC_ENV=production: lock-out, audit, sessions, secure cookies).

Each of 20 threads is one person: it opens the sign-in page, posts the password and follows
nothing more; the time of the POST (password hashing, lock-out checks, audit event, session)
is what is measured, `BENCH_ROUNDS` times per person. Baseline in the same run: the same
server with the hasher the platform shipped before (Django's Argon2: 100 MiB, t=2, p=8),
its users' passwords hashed with it.

Goal (issue 16): p95 ≤ 1 s at 20 concurrent sign-ins on this machine, with OWASP's Argon2id
parameters (seec/core/hashers.py).
"""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from harness import ROOT, collected_static, goal, latency_summary, say, size

PEOPLE = size("BENCH_PEOPLE", 20, 4)
ROUNDS = size("BENCH_ROUNDS", 8, 2)
# As README's production command; at smoke size one, for each worker imports Django (tens of
# seconds on a busy 2-core CI machine) and the smoke run proves the path, not the figure.
WORKERS = str(size("BENCH_WORKERS", 4, smoke=1))
PASSWORD = "a long passphrase for the benchmark"  # noqa: S105 — fictional users
SECRET = "k3Jx9-Qw8eRt5yUi2oPa7sDf4gHj1kLz6xCv0bNm_u8TgBq3WnEzA5-benchmark-key"  # noqa: S105
BASELINE_HASHER = "django.contrib.auth.hashers.Argon2PasswordHasher"


def free_port() -> int:
    for port in range(8120, 8130):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8120-8129")


def make_people(prefix: str, hasher: str) -> list[str]:
    from django.contrib.auth.hashers import make_password
    from django.utils.module_loading import import_string

    from seec.core.models import Organisation, User

    organisation, _new = Organisation.objects.get_or_create(
        name="SEEC (benchmark)", kind="international"
    )
    encoded = make_password(PASSWORD, hasher=import_string(hasher)())
    names = [f"{prefix}.{i:02d}" for i in range(PEOPLE)]
    User.objects.bulk_create(
        User(username=name, password=encoded, organisation=organisation) for name in names
    )
    return names


def serve(port: int, hashers: list[str], tmp: Path) -> subprocess.Popen:
    """gunicorn with the production settings; `hashers` first in PASSWORD_HASHERS."""
    settings_module = tmp / "bench_sign_in_settings.py"
    settings_module.write_text(
        f"from seec.settings import *  # noqa: F403\nPASSWORD_HASHERS = {hashers!r}\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "bench_sign_in_settings",
        "SEEC_ENV": "production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SEEC_FILE_KEY": "bXkgZmlsZSBrZXkgaXMgdGhpcnR5LXR3byBieXRlcyE=",
        "SEEC_REQUIRE_SECOND_FACTOR": "false",  # the password step is what is measured
        "DEBUG": "false",
    }
    env["STATIC_ROOT"] = str(collected_static(env))  # production serves collected, hashed assets
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "seec.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", WORKERS, "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    import httpx

    # Four workers each importing Django take well over a minute on a busy shared machine.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def sign_in_once(base: str, username: str) -> float:
    import re

    import httpx

    # Production cookies are Secure (HTTPS only): over this loopback HTTP they are carried
    # by hand, as a browser would over TLS.
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        start = time.perf_counter()
        answer = client.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Cookie": cookie, "Referer": f"{base}/accounts/login/"},
        )
        elapsed = time.perf_counter() - start
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in of {username} answered {answer.status_code}")
    return elapsed


def load(base: str, people: list[str]) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(len(people))

    def person(name):
        start.wait()
        for _ in range(ROUNDS):
            took = sign_in_once(base, name)
            with lock:
                times.append(took)

    threads = [threading.Thread(target=person, args=(name,)) for name in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def measure(label: str, hasher: str, prefix: str, tmp: Path) -> dict:
    people = make_people(prefix, hasher)
    port = free_port()
    server = serve(port, [hasher], tmp)
    try:
        base = f"http://127.0.0.1:{port}"
        sign_in_once(base, people[0])  # warm the workers
        times = load(base, people)
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary = latency_summary(times)
    say(f"   {label}: p50 {summary['p50_ms']:.0f} ms, p95 {summary['p95_ms']:.0f} ms")
    return summary


def run(engine: str) -> dict:
    import tempfile

    from django.db import connections

    from seec.core.hashers import OwaspArgon2PasswordHasher as H

    connections.close_all()
    with tempfile.TemporaryDirectory() as tmp:
        platform = measure("OWASP Argon2id", "seec.core.hashers.OwaspArgon2PasswordHasher",
                           "owasp", Path(tmp))  # fmt: skip
        baseline = measure("before (Django's Argon2)", BASELINE_HASHER, "before", Path(tmp))
    return {
        "data": {"people": PEOPLE, "rounds": ROUNDS, "gunicorn_workers": int(WORKERS)},
        "hasher": {
            "memory_kib": H.memory_cost,
            "time_cost": H.time_cost,
            "parallelism": H.parallelism,
        },
        "platform": platform,
        "baseline": baseline,
        "speedup_p95": round(baseline["p95_ms"] / platform["p95_ms"], 2),
        "goals": [goal("sign-in p95 ms at 20 concurrent", platform["p95_ms"], "<=", 1000)],
    }
