"""What the contact centre's benchmarks share: the platform under uvicorn in a process of its
own, on the benchmark's database and the Redis channel layer, and signed-in operators."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx
from harness import ROOT, free_port, say

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")


@contextmanager
def uvicorn_server(**env):
    """uvicorn serving seec.asgi on a free local port (one worker, as `make run` and a small
    production installation), with the Redis channel layer; yields its base URL."""
    port = free_port()
    environment = {
        **os.environ,
        "SEEC_CHANNEL_LAYER_URL": REDIS_URL,
        "SEEC_CHANNEL_LAYER_PREFIX": f"bench-{os.getpid()}",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "seec.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--lifespan", "off", "--ws", "websockets-sansio",
         "--no-access-log", "--log-level", "warning"],
        cwd=ROOT,
        env=environment,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code in (200, 503):
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("uvicorn did not start")
        say(f"   uvicorn on {url} (pid {process.pid})")
        yield url
    finally:
        process.terminate()
        process.wait(20)


def make_operators(count: int, *, capacity: int = 3, prefix: str = "bench-op") -> list:
    """`count` Greek hotline operators, available, each with a signed-in session: returns
    (user, session cookie) pairs."""
    from django.test import Client

    from seec.contactcentre.models import OperatorPresence
    from seec.core.models import Organisation, OrganisationKind, Role, RoleCode, User

    hotline = Organisation.objects.get(country_id="GR", kind=OrganisationKind.NATIONAL_CENTRE)
    role = Role.objects.get(code=RoleCode.HOTLINE_OPERATOR)
    out = []
    for n in range(count):
        user = User.objects.create_user(
            username=f"{prefix}{n}", password=None, organisation=hotline, first_name="Bench"
        )
        user.roles.add(role)
        OperatorPresence.objects.create(
            user=user, organisation=hotline, status="available", chat_capacity=capacity
        )
        client = Client()
        client.force_login(user)
        out.append((user, f"sessionid={client.cookies['sessionid'].value}"))
    return out


def summary_ms(values: list[float]) -> dict:
    from harness import latency_summary

    result = latency_summary(values)
    ordered = sorted(values)
    result["p99_ms"] = round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 3)
    result["max_ms"] = round(ordered[-1] * 1000, 3)
    return result
