"""What every benchmark shares: a fresh database per engine, timing, and the results file.

A benchmark is a module `bench/NAME.py` with `run(engine: str) -> dict` that measures the
platform and a baseline in the same run and returns its figures and goals. `bench/run.py`
calls it once per engine, each in its own process (Django is configured once per process).
"""

import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Smoke mode (BENCH_SMOKE=1): every benchmark at a size of a few seconds, its results written
# apart (BENCH_RESULTS), so that CI runs each one and a broken benchmark fails the suite.
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/seec_bench")
POSTGRES_DATABASE = POSTGRES_URL.rsplit("/", 1)[1]
# Where benchmarks keep their SQLite databases and generated files.
VAR = Path(os.environ.get("BENCH_VAR", ROOT / "var" / "bench"))


def size(variable: str, full: int, smoke: int) -> int:
    """A benchmark's size: the environment's, else `smoke` in smoke mode, else `full`."""
    if variable in os.environ:
        return int(os.environ[variable])
    return smoke if SMOKE else full


def setup_django(name: str, engine: str) -> None:
    """Point Django at an empty database for this benchmark and engine, migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "seec.settings"
    os.environ.setdefault("SEEC_ENV", "development")
    os.environ["DEBUG"] = "false"
    os.environ["SEEC_DEMO_CASES"] = "0"  # a benchmark makes the data it measures
    # Background work (e-mails) queued in the database as in `make run`, not run inside the
    # request being timed; a benchmark that needs it done runs it itself.
    os.environ.setdefault("TASK_BACKEND", "django_tasks_db.DatabaseBackend")
    if engine in ("sqlite", "duckdb", "spark"):  # the latter two: Django's own data on SQLite
        folder = VAR
        path = folder / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        template = migrated_template(folder)
        if template.exists():  # migrating anew takes longer than most smoke benchmarks
            shutil.copyfile(template, path)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        templated = create_postgres_database()
        os.environ["DATABASE_URL"] = POSTGRES_URL
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if engine in ("sqlite", "duckdb", "spark"):
        keep_template(Path(os.environ["DATABASE_URL"].removeprefix("sqlite:///")))
    elif not templated:
        keep_postgres_template()


def _postgres_admin():
    import psycopg

    admin_url = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    return psycopg.connect(admin_url, autocommit=True)


def postgres_template() -> str:
    """The PostgreSQL twin of `migrated_template`: a database migrated to the code's migrations,
    beside the benchmark's (its name leads), named by their content."""
    database = POSTGRES_DATABASE
    return f"{database}_migrated_{migrated_template(VAR).stem.rsplit('-', 1)[1]}"


def create_postgres_database() -> bool:
    """The benchmark's PostgreSQL database, empty, made anew; a copy of the migrated template
    if there is one (migrating anew takes half a minute or more on a busy CI machine, longer
    than most smoke benchmarks). Returns whether it was copied."""
    import psycopg

    database = POSTGRES_DATABASE
    template = postgres_template()
    with _postgres_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if exists.fetchone():
            # A template is copied only while no one else is connected to it: another
            # benchmark may be copying it at this moment.
            for _attempt in range(30):
                try:
                    conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
                    return True
                except psycopg.errors.ObjectInUse:
                    time.sleep(1)
        conn.execute(f'CREATE DATABASE "{database}"')
    return False


def keep_postgres_template() -> None:
    """After migrating: a copy of the benchmark's database, still empty, as the template of the
    next ones (stale templates of older migrations dropped)."""
    import psycopg
    from django.db import connections

    database = POSTGRES_DATABASE
    template = postgres_template()
    # A database is copied only while no one is connected to it: the pool's connections too.
    for connection in connections.all():
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
    with _postgres_admin() as conn:
        stale = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            [f"{database}_migrated_%", template],
        ).fetchall()
        for (name,) in stale:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # Made under another name and renamed: a benchmark never copies half a template.
        conn.execute(f'DROP DATABASE IF EXISTS "{template}.part" WITH (FORCE)')
        for _attempt in range(10):  # a closed connection's backend may take a moment to end
            try:
                conn.execute(f'CREATE DATABASE "{template}.part" TEMPLATE "{database}"')
                conn.execute(f'ALTER DATABASE "{template}.part" RENAME TO "{template}"')
                return
            except psycopg.errors.DuplicateDatabase:
                return  # another benchmark made it meanwhile
            except psycopg.errors.ObjectInUse:
                time.sleep(0.5)
        say(f"   (no template made: {database} stayed in use; the next benchmark migrates)")


def migrated_template(folder: Path) -> Path:
    """An empty SQLite database migrated to the code's migrations, named by their content."""
    digest = hashlib.sha256()
    for migration in sorted((ROOT / "seec").glob("*/migrations/*.py")):
        digest.update(migration.read_bytes())
    return folder / f"_migrated-{digest.hexdigest()[:16]}.sqlite3"


def keep_template(path: Path) -> None:
    from django.db import connection

    template = migrated_template(path.parent)
    if template.exists():
        return
    for stale in path.parent.glob("_migrated-*.sqlite3"):
        stale.unlink(missing_ok=True)
    with connection.cursor() as cursor:  # one file, the write-ahead log folded in
        cursor.execute("VACUUM INTO %s", [f"{template}.part"])
    Path(f"{template}.part").replace(template)


def collected_static(env: dict) -> Path:
    """The static files as production serves them (hashed, compressed), collected once per
    content of the sources and dependencies, into VAR: collectstatic compresses every file
    (gzip, Brotli), most of a minute on a busy 2-core machine, and the benchmarks that start a
    production server (sign_in_load, portal_load) would each collect the same files."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    for path in sorted(ROOT.glob("seec/*/static/**/*")):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    folder = VAR / f"_static-{digest.hexdigest()[:16]}"
    if not folder.exists():
        part = VAR / f"{folder.name}.{os.getpid()}.part"  # a reader never sees half of it
        shutil.rmtree(part, ignore_errors=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT, env={**env, "STATIC_ROOT": str(part)}, check=True,
        )  # fmt: skip
        for stale in VAR.glob("_static-*"):
            if stale.is_dir() and not stale.name.endswith(".part"):
                shutil.rmtree(stale, ignore_errors=True)
        try:
            part.rename(folder)
        except OSError:  # another benchmark collected them meanwhile
            shutil.rmtree(part, ignore_errors=True)
    return folder


def say(*parts) -> None:
    """Progress and figures go to stderr; stdout carries only the result."""
    print(*parts, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency_summary(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }


@contextmanager
def stopwatch():
    """`with stopwatch() as elapsed: ...` then `elapsed()` gives the seconds taken."""
    start = time.perf_counter()
    end = None

    def elapsed():
        return (end or time.perf_counter()) - start

    try:
        yield elapsed
    finally:
        end = time.perf_counter()


def goal(name: str, value: float, op: str, target: float) -> dict:
    met = value <= target if op == "<=" else value >= target
    return {"name": name, "value": round(value, 3), "op": op, "target": target, "met": met}


def machine() -> dict:
    """The machine, how fast and how busy it was: on a shared machine a figure means little
    without it, and machines of the same kind have differed twofold in speed from one session
    to the next (a plain bulk_create at 3,300 rows/s on one, 6,900 on another)."""
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "reference_loop_ms": reference_loop_ms(),
        "platform": platform.platform(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def reference_loop_ms() -> float:
    """CPU milliseconds of a fixed piece of plain Python (dict and string work, as the
    platform's own code does): the same on every run on one machine, whatever else it is doing,
    so figures from two machines can be compared through it. The best of three."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        seen: dict[str, int] = {}
        for i in range(300_000):
            key = f"k{i % 997}"
            seen[key] = seen.get(key, 0) + len(key)
        best = min(best, time.process_time() - start)
    return round(best * 1000, 1)


def commit() -> str:
    """The commit measured, `+dirty` when the work tree had changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def postgres_available() -> bool:
    result = subprocess.run(
        ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], capture_output=True, check=False
    )
    return result.returncode == 0


def write_results(name: str, runs: dict) -> Path:
    """Write the figures of the engines just measured, keeping those of an engine measured in an
    earlier run (`--engine sqlite` then `--engine postgresql` make one file)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    if path.exists():
        earlier = json.loads(path.read_text()).get("engines", {})
        # An engine measured earlier is kept only with its provenance: a figure without the
        # commit it measured may describe code that no longer exists.
        earlier = {e: r for e, r in earlier.items() if e not in runs and r.get("commit")}
        runs = {**earlier, **runs}
    goals = [dict(g, engine=engine) for engine, run in runs.items() for g in run.get("goals", [])]
    document = {
        "benchmark": name,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "smoke": SMOKE,
        "commit": commit(),
        "machine": machine(),
        "goals": goals,
        "engines": runs,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def seed_region(*apps: str) -> None:
    """The demo region's organisations and users, and the demo records of `apps` only (e.g.
    "alerts": alert settings, subscribers, a live exercise alert): the full demo replays
    linkage and statistics work that a benchmark of something else does not need."""
    import io
    from importlib import import_module

    from django.core.management import call_command

    call_command("seed_demo", "--region-only", verbosity=0)
    for app in apps:
        import_module(f"seec.{app}.demo").seed(io.StringIO())


def free_port() -> int:
    """A port nothing listens on now, for a server a benchmark starts."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def greek_alert_request(n: int, given_names: str, place: str):
    """An exercise alert on a new Greek case (the n-th), requested by the Greek hotline's
    manager and waiting for the police's approval (the demo region must be seeded)."""
    from django.utils import timezone

    from seec.alerts import services
    from seec.alerts.criteria import PRESETS
    from seec.cases import services as case_services
    from seec.core.audit import Origin
    from seec.core.models import User

    operator, manager = (User.objects.get(username=u) for u in ("operator.gr", "manager.gr"))
    case = case_services.open_case(
        origin=Origin(operator),
        fields={
            "given_names": given_names,
            "family_name": f"Παπαδοπούλου {n}",
            "category": "criminal_abduction",
            "last_seen_at": timezone.now(),
            "last_seen_place": place,
        },
    )
    return services.request_alert(
        case,
        origin=Origin(manager),
        answers={c.code: {"met": True, "evidence": "bench"} for c in PRESETS["eu"]},
        area_description="Attica",
        polygon=[(38.2, 23.4), (38.2, 24.1), (37.7, 24.1)],
        exercise=True,
    )


def cpu_seconds(*pids: int) -> float:
    """User and system CPU so far of these processes and their children (a server's workers,
    a load generator's processes), from /proc: what they spent, whatever else the machine was
    running at the same time."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    wanted = set(pids)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid in wanted or ppid in wanted:
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total
