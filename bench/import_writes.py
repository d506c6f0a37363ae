"""Web writes during a 100,000-row import: does an operator saving a call wait for the import?

A second process records a contact through the service every 50 ms (as operators saving calls
do) while `import_cases` imports a file; the latency of each write made during the import is
kept. The import commits in batches, and on SQLite stands aside after each quarter of a second
or so of them (seec/cases/importer.py), so a write waits about that long at most.
Baseline, in the same run: the same import as one transaction (what a plain
`transaction.atomic()` around the import does), during which every write waits for all of it
(on SQLite until its 20-second timeout, then fails).

Goal (issue 17): p99 of the writes ≤ 1 s during a 100,000-row import on SQLite.
BENCH_IMPORT_WRITES_ROWS sets the size.
"""

import json
import os
import subprocess
import sys
import time

from harness import ROOT, VAR, goal, latency_summary, percentile, say, size, stopwatch

ROWS = size("BENCH_IMPORT_WRITES_ROWS", 100_000, smoke=500)


def during(import_it, label: str) -> dict:
    """Run `import_it` while the writer writes; the writes that overlapped it."""
    stop = VAR / f"import_writes-{label}.stop"
    stop.unlink(missing_ok=True)
    writer = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "_writer.py"), "operator.gr", str(stop)],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "seec.settings"},
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdout.readline().strip() == "ready"  # up and writing
    began = time.time()
    with stopwatch() as elapsed:
        import_it()
    ended = time.time()
    stop.touch()
    output, _ = writer.communicate(timeout=120)
    result = json.loads(output.strip().splitlines()[-1])
    # Every write that was under way at some moment of the import.
    overlapping = [
        seconds for at, seconds in result["writes"] if at - seconds < ended and at > began
    ]
    summary = latency_summary(overlapping) if overlapping else {"count": 0}
    if overlapping:
        summary["p99_ms"] = round(percentile(overlapping, 99) * 1000, 1)
        summary["max_ms"] = round(max(overlapping) * 1000, 1)
    summary["failed_writes"] = result["failures"]
    summary["import_s"] = round(elapsed(), 1)
    summary["rows_per_s"] = round(ROWS / elapsed())
    say(f"   {label}: {summary}")
    return summary


def run(engine: str) -> dict:
    from case_import import write_csv
    from django.core.management import call_command
    from django.db import transaction

    from seec.cases.importer import BATCH_SECONDS, SQLITE_PAUSE_SECONDS, import_cases
    from seec.core.audit import Origin
    from seec.core.models import User

    call_command("seed_demo", "--region-only", verbosity=0)
    # Two hotlines of like size, each importing its own names: neither import finds the
    # other's names already in the search index.
    managers = {cc: User.objects.get(username=f"manager.{cc.lower()}") for cc in ("HR", "BA")}
    VAR.mkdir(parents=True, exist_ok=True)
    batched_file, single_file = VAR / "import_writes_a.csv", VAR / "import_writes_b.csv"
    write_csv(batched_file, ROWS, "HR", prefix="A")
    write_csv(single_file, ROWS, "BA", prefix="B")

    def batched():
        assert import_cases(batched_file, origin=Origin(managers["HR"])).imported == ROWS

    def one_transaction():
        with transaction.atomic():
            imported = import_cases(single_file, origin=Origin(managers["BA"])).imported
            assert imported == ROWS

    platform = during(batched, "batches")
    baseline = during(one_transaction, "one transaction")
    p99 = platform.get("p99_ms", 0)
    return {
        "data": {
            "rows": ROWS,
            "batch_seconds": BATCH_SECONDS,
            "sqlite_pause_seconds": SQLITE_PAUSE_SECONDS,
            "write_every_ms": 50,
        },
        "platform": {
            "name": f"import_cases, a transaction per ~{BATCH_SECONDS} s of rows",
            **platform,
        },
        "baseline": {"name": "the same import in one transaction", **baseline},
        "goals": [
            goal("write p99_ms during the import", p99, "<=", 1000),
            goal("failed writes during the import", platform["failed_writes"], "<=", 0),
        ],
    }
