"""Every benchmark runs in CI at a smoke size of a few seconds, so that a broken one fails the
suite instead of its committed result growing stale (issue 17). The figures of a smoke run mean
nothing; what is checked is that it runs to the end and records what a result must: the goals,
the data size, the commit and the machine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from harness import free_port  # noqa: E402
from run import BENCHMARKS  # noqa: E402


@pytest.fixture(scope="session")
def bench_var(tmp_path_factory):
    # Shared by every benchmark of the run: the migrated template database is made once.
    return tmp_path_factory.mktemp("bench-var")


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
# In the PostgreSQL pass of CI, the benchmarks with code of their own for that engine (the
# SQLite pass runs every benchmark already): identifier_match loads with COPY and turns the
# planner's index scans off for its baseline; stats_compute loads with COPY.
POSTGRESQL_PATHS = ["case_search", "identifier_match", "stats_compute"]


@pytest.mark.parametrize("name", POSTGRESQL_PATHS if ON_POSTGRESQL else BENCHMARKS)
def test_the_benchmark_runs_at_smoke_size_and_records_its_provenance(name, bench_var, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        # The suite's own settings are not the benchmark's: it sets up Django itself.
        if key not in {"DATABASE_URL", "SEEC_ENV", "TASK_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        BENCH_SMOKE="1",
        BENCH_RESULTS=str(tmp_path),
        BENCH_VAR=str(bench_var),
        BENCH_GATEWAY_PORT=str(free_port()),
    )
    engine = "sqlite"
    if ON_POSTGRESQL:
        engine = "postgresql"
        env["BENCH_POSTGRES_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench_smoke"
    finished = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), name, "--engine", engine],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = finished.stdout[-4000:] + finished.stderr[-4000:]
    assert finished.returncode == 0, output
    document = json.loads((tmp_path / f"{name}.json").read_text())
    assert document["smoke"] is True
    assert len(document["commit"].removesuffix("+dirty")) == 40, document["commit"]
    assert document["machine"]["cpus"] and "load_average" in document["machine"]
    assert document["goals"], output
    for goal in document["goals"]:
        assert {"name", "value", "op", "target", "met", "engine"} <= goal.keys()
    for engine, run in document["engines"].items():
        assert run.get("data"), f"{name} on {engine} does not record its data size"
        assert run["machine_at_start"]["load_average"]
