"""Scale-out on Redis: the cache that several web processes share (rate limits), and tasks on
Redis (django-tasks' RQ backend) shared by several workers. Real Redis, real worker processes.

Redis listens on 127.0.0.1:6379 (`.ci/run` starts it where it does not); SEEC_TEST_REDIS_DB
picks the database these tests may empty (9 by default).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('SEEC_TEST_REDIS_DB', '9')}"


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # fails loudly when Redis is not running: scale-out is tested, not skipped
    client.flushdb()
    yield client
    client.flushdb()


def environment(env: dict) -> dict:
    """The platform's own settings (not the suite's), with `env` on top."""
    own = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SEEC_ENV", "TASK_BACKEND", "DATABASE_URL"}
    }
    return {**own, **env}


def platform(*args, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a process of its own, as another web process or worker would run."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_web_processes_share_the_cache_through_redis(redis_db, tmp_path):
    env = {"CACHE_URL": REDIS_URL, "SEEC_VAR_DIR": str(tmp_path)}
    key = f"rate-limit-{uuid.uuid4().hex}"
    wrote = platform(
        "shell", "-c", f"from django.core.cache import cache; cache.set('{key}', 7, 60)", env=env
    )
    assert wrote.returncode == 0, wrote.stderr
    read = platform(
        "shell", "-c", f"from django.core.cache import cache; print(cache.incr('{key}'))", env=env
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip().splitlines()[-1] == "8"  # it saw the first process's count


def test_tasks_on_redis_are_shared_by_several_workers(redis_db, tmp_path):
    env = {
        "TASK_BACKEND": "django_tasks_rq.RQBackend",
        "TASK_REDIS_URL": REDIS_URL,
        "SEEC_VAR_DIR": str(tmp_path),
        # Each worker prints the e-mails it sent: who did what is in its own output.
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    worker = ["rqworker", "default", "--job-class", "django_tasks_rq.backend.Job"]
    workers = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *worker, "--name", f"worker-{n}"],
            cwd=ROOT,
            env=environment(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(2)
    ]
    try:
        # Both workers listening before the first task: then neither can take them all.
        deadline = time.monotonic() + 120
        while redis_db.scard("rq:workers") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert redis_db.scard("rq:workers") == 2, "the workers did not start"
        count = 40
        enqueued = platform(
            "shell",
            "-c",
            "from seec.core.tasks import send_email\n"
            f"for n in range({count}):\n"
            "    send_email.enqueue(f'Notice {n}', 'body', ['worker-test@example.org'])",
            env=env,
        )
        assert enqueued.returncode == 0, enqueued.stderr
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (
            redis_db.llen("rq:queue:default") or redis_db.zcard("rq:wip:default")
        ):
            time.sleep(0.2)
        time.sleep(1)  # the last work horse reports back
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)  # a warm shutdown, as systemd stops a worker
        outputs = [process.communicate(timeout=60)[0] for process in workers]
    sent_by = [
        [line for line in output.splitlines() if line.startswith("Subject: Notice")]
        for output in outputs
    ]
    every = sorted(subject for subjects in sent_by for subject in subjects)
    assert every == sorted(f"Subject: Notice {n}" for n in range(count)), outputs
    assert all(sent_by), f"one worker did all the work: {[len(s) for s in sent_by]}"
