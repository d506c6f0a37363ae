"""`import_cases` throughput: rows per second for a 100,000-row CSV of a centre's old cases.

The baseline, in the same run, opens the same rows one by one through the `open_case` service
(what a naive import would do), on a sample, since it is far slower.
Goal (issue 3): ≥ 5,000 rows/s on SQLite, the median of three imports.
"""

import csv
import statistics
from pathlib import Path

from harness import VAR, goal, say, size, stopwatch

ROWS = size("BENCH_IMPORT_ROWS", 100_000, smoke=500)
RUNS = size("BENCH_IMPORT_RUNS", 3, smoke=1)
BASELINE_ROWS = size("BENCH_IMPORT_BASELINE_ROWS", 1000, smoke=20)
COLUMNS = [
    "external_reference", "given_names", "family_name", "sex", "date_of_birth", "age_estimate",
    "category", "subcategory", "last_seen_at", "last_seen_place", "last_seen_lat",
    "last_seen_lon", "found_at", "found_how", "outcome", "closed_at",
]  # fmt: skip


def write_csv(path: Path, rows: int, country: str, prefix: str = "OLD") -> None:
    from seec.cases import generator

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index, item in enumerate(
            generator.generate(rows, seed=7, countries=[country], years=5, long_tail=True)
        ):
            f = item.fields
            found = item.found or {}
            writer.writerow([
                f"{prefix}-{index}", f["given_names"], f["family_name"], f["sex"],
                f["date_of_birth"].isoformat() if f["date_of_birth"] else "",
                f["age_estimate"] or "", f["category"], f["subcategory"],
                f["last_seen_at"].isoformat(timespec="minutes"), f["last_seen_place"],
                f["last_seen_lat"], f["last_seen_lon"],
                found.get("found_at").isoformat(timespec="minutes") if found else "",
                found.get("found_how", ""), found.get("outcome", ""), "",
            ])  # fmt: skip


def run(engine: str) -> dict:
    from django.core.management import call_command

    from seec.cases import services
    from seec.cases.importer import import_cases, read_rows, validate_row
    from seec.cases.models import Case
    from seec.cases.rows import CaseRowReader
    from seec.core.audit import Origin
    from seec.core.models import User

    # The demo organisations and users only: the demo's own cases would be counted as imported.
    call_command("seed_demo", "--region-only", verbosity=0)
    manager = User.objects.get(username="manager.gr")
    folder = VAR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "case_import.csv"
    with stopwatch() as elapsed:
        write_csv(path, ROWS, "GR")
    say(f"   wrote {ROWS:,} rows in {elapsed():.1f} s")

    # The median of RUNS imports (each a new file of ROWS rows into the same hotline, so the
    # later ones find a fuller table): one run on a shared 2-core machine varies by ±20 %.
    runs = []
    for run_number in range(RUNS):
        if run_number:
            path = folder / f"case_import_{run_number}.csv"
            write_csv(path, ROWS, "GR", prefix=f"RUN{run_number}")
        with stopwatch() as elapsed:
            report = import_cases(path, origin=Origin(manager))
        seconds = elapsed()
        assert not report.errors, report.errors[:5]
        assert report.imported == ROWS
        runs.append(seconds)
        say(f"   import_cases: {ROWS:,} rows in {seconds:.1f} s = {ROWS / seconds:,.0f} rows/s")
    assert Case.objects.count() == ROWS * RUNS
    seconds = statistics.median(runs)
    rate = ROWS / seconds
    say(f"   median: {rate:,.0f} rows/s")
    path = folder / "case_import.csv"

    with stopwatch() as elapsed:
        again = import_cases(path, origin=Origin(manager))
    reimport_seconds = elapsed()
    say(f"   re-import (idempotent): {again.already_present:,} present, {reimport_seconds:.1f} s")

    # Baseline: the same kind of rows through the one-by-one service.
    sample = folder / "case_import_baseline.csv"
    write_csv(sample, BASELINE_ROWS, "GR")
    reader = CaseRowReader(COLUMNS)
    history = {"opened_at", "found_at", "found_how", "outcome", "closed_at"}
    read = [validate_row(line, row, reader)[0] for line, row in read_rows(sample)]
    rows = [{key: getattr(case, key) for key, _parse in reader.parsers.values()} for case in read]
    with stopwatch() as elapsed:
        for values in rows:
            fields = {k: v for k, v in values.items() if k not in history}
            fields["external_reference"] = "BASE-" + fields["external_reference"]
            services.open_case(origin=Origin(manager), fields=fields)
    baseline_rate = BASELINE_ROWS / elapsed()
    say(f"   baseline open_case one by one: {baseline_rate:,.0f} rows/s")
    return {
        "data": {"rows": ROWS, "runs": RUNS, "baseline_rows": BASELINE_ROWS},
        "platform": {
            "rows_per_s": round(rate),
            "seconds": round(seconds, 2),
            "runs_rows_per_s": [round(ROWS / run) for run in runs],
            "reimport_seconds": round(reimport_seconds, 2),
        },
        "baseline": {"name": "open_case service per row", "rows_per_s": round(baseline_rate)},
        "ratio_to_baseline": round(rate / baseline_rate, 1),
        "goals": [goal("rows_per_s", rate, ">=", 5000)],
    }
