"""`import_cases` throughput as a curve over sizes: rows per second for a CSV of a centre's old
cases, beside a plain `bulk_create` of the same rows measured in the same run.

The platform's import reads and validates the file, leaves out the rows the hotline already
holds, numbers the cases, gives each its search name (the name index), writes them in batches
(each with its audit event) and counts them in the statistics tallies. The baseline is what a
competent engineer would ship without all that: the same rows, parsed and validated before the
clock starts, numbered, written with `Case.objects.bulk_create(batch_size=1000)`. After each
import the bench checks what the import must leave: every case counted in the tallies (equal
to a fresh count), every case with its search name, and the audit events naming every case.

Goals (issue 17): ≥ 5,000 rows/s and ≥ 0.5× the bulk_create baseline at each size.
BENCH_IMPORT_SIZES sets the sizes ("10000,100000"), each a new file into the same hotline.
"""

import csv
import os
import time
from pathlib import Path

from harness import SMOKE, VAR, goal, say, stopwatch

SIZES = [
    int(n)
    for n in os.environ.get("BENCH_IMPORT_SIZES", "500" if SMOKE else "10000,100000").split(",")
]
COLUMNS = [
    "external_reference", "given_names", "family_name", "sex", "date_of_birth", "age_estimate",
    "category", "subcategory", "last_seen_at", "last_seen_place", "last_seen_lat",
    "last_seen_lon", "found_at", "found_how", "outcome", "closed_at",
]  # fmt: skip


def write_csv(path: Path, rows: int, country: str, prefix: str = "OLD", seed: int = 7) -> None:
    from seec.cases import generator

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index, item in enumerate(
            generator.generate(rows, seed=seed, countries=[country], years=5, long_tail=True)
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


def validated_cases(path: Path, manager) -> list:
    """The file's rows as the import reads and checks them, made ready to save: the
    baseline's input, prepared before its clock starts."""
    from seec.cases.importer import read_rows, validate_row
    from seec.cases.models import Outcome, Status
    from seec.cases.rows import CaseRowReader

    reader = CaseRowReader(COLUMNS)
    organisation = manager.organisation
    cases = []
    for serial, (line, row) in enumerate(read_rows(path), start=1):
        case, errors = validate_row(line, row, reader)
        assert not errors, errors
        case.organisation_id, case.country_id = organisation.pk, organisation.country_id
        case.opened_by_id = manager.pk
        case.opened_at = case.opened_at or case.last_seen_at
        case.number = f"BASE-{serial:08d}"  # taken out again before the next size
        case.external_reference = f"BASE-{case.external_reference}"
        if case.found_at:
            case.status = Status.FOUND
        if case.closed_at:
            case.status, case.outcome = Status.CLOSED, case.outcome or Outcome.CLOSED_OTHER
        cases.append(case)
    return cases


def check_what_the_import_left(run_pk: int) -> dict:
    """Tallies equal to a fresh count, a search name on every imported case, and the audit
    events of the import naming every case it wrote."""
    from seec.cases.models import Case
    from seec.core.models import AuditEvent
    from seec.stats import tallies

    cases = Case.objects.filter(imported_in_id=run_pk)
    numbers = set(cases.values_list("number", flat=True))
    audited = set()
    events = AuditEvent.objects.filter(
        action="case.import", object_type="cases.caseimport", object_id=str(run_pk)
    )
    for details in events.values_list("details", flat=True):
        audited.update(details["numbers"])
    return {
        "cases": len(numbers),
        "tally_cells_differing": len(tallies.differences()),
        "without_search_name": cases.filter(search_name__isnull=True).count(),
        "not_in_audit": len(numbers - audited),
        "audited_not_imported": len(audited - numbers),
    }


def cpu_seconds_used() -> float:
    """CPU spent so far by this process and, on PostgreSQL, by its server connection: on a
    shared machine, what the import and the baseline cost whatever else was running."""
    from django.db import connection

    used = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        try:  # the server on this machine, as the benchmarks run it
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return float("nan")
    return used


def run(engine: str) -> dict:
    from django.core.management import call_command
    from django.db import transaction

    from seec.cases.importer import import_cases
    from seec.cases.models import Case, CaseImport
    from seec.core.audit import Origin
    from seec.core.models import User
    from seec.stats import tallies

    # The demo organisations and users only: the demo's own cases would be counted as imported.
    call_command("seed_demo", "--region-only", verbosity=0)
    tallies.rebuild()  # as on a live installation: the tallies are kept from here on
    manager = User.objects.get(username="manager.gr")
    VAR.mkdir(parents=True, exist_ok=True)
    curve = []
    for number, rows in enumerate(SIZES):
        path = VAR / f"case_import_{number}.csv"
        with stopwatch() as written:
            write_csv(path, rows, "GR", prefix=f"RUN{number}", seed=7 + number)
        say(f"   wrote {rows:,} rows in {written():.1f} s")

        # Baseline first, into the table as the import will find it, then taken out again
        # (round the application, as it went in: the tallies never counted it).
        cases = validated_cases(path, manager)
        cpu = cpu_seconds_used()
        with stopwatch() as plain:
            Case.objects.bulk_create(cases, batch_size=1000)
        baseline_cpu = cpu_seconds_used() - cpu
        with transaction.atomic():
            Case.objects.filter(number__startswith="BASE-")._raw_delete(Case.objects.db)
        baseline_rate = rows / plain()
        say(f"   baseline bulk_create(batch_size=1000): {baseline_rate:,.0f} rows/s "
            f"({rows / baseline_cpu:,.0f} rows per CPU second)")  # fmt: skip

        cpu = cpu_seconds_used()
        with stopwatch() as elapsed:
            report = import_cases(path, origin=Origin(manager))
        import_cpu = cpu_seconds_used() - cpu
        assert not report.errors, report.errors[:5]
        assert report.imported == rows, report
        rate = rows / elapsed()
        say(f"   import_cases: {rows:,} rows in {elapsed():.1f} s = {rate:,.0f} rows/s "
            f"({rate / baseline_rate:.2f}× bulk_create); {rows / import_cpu:,.0f} rows per CPU "
            f"second ({baseline_cpu / import_cpu:.2f}× bulk_create's)")  # fmt: skip
        run_pk = CaseImport.objects.order_by("-pk").values_list("pk", flat=True).first()
        checked = check_what_the_import_left(run_pk)
        say(f"   after the import: {checked}")
        curve.append(
            {
                "data": {"rows": rows, "cases_before": Case.objects.count() - rows},
                "platform": {
                    "rows_per_s": round(rate),
                    "seconds": round(elapsed(), 2),
                    "cpu_seconds": round(import_cpu, 2),
                },
                "baseline": {
                    "name": "Case.objects.bulk_create(batch_size=1000) of the validated rows",
                    "rows_per_s": round(baseline_rate),
                    "seconds": round(plain(), 2),
                    "cpu_seconds": round(baseline_cpu, 2),
                },
                "ratio_to_baseline": round(rate / baseline_rate, 2),
                # The same ratio in CPU (this process and its database server connection): on
                # a busy machine the wall-clock one also measures the others' load.
                "cpu_ratio_to_baseline": round(baseline_cpu / import_cpu, 2),
                "checks": checked,
            }
        )

    # Importing the first file again: every row is already there, nothing is written.
    with stopwatch() as again:
        repeated = import_cases(VAR / "case_import_0.csv", origin=Origin(manager))
    assert repeated.imported == 0 and repeated.already_present == SIZES[0], repeated
    say(f"   re-import of {SIZES[0]:,} rows (all present): {again():.1f} s")
    problems = sum(
        point["checks"][key]
        for point in curve
        for key in ("tally_cells_differing", "without_search_name", "not_in_audit",
                    "audited_not_imported")
    )  # fmt: skip
    goals = []
    for point in curve:
        at = point["data"]["rows"]
        goals += [
            dict(goal(f"rows/s at {at:,}", point["platform"]["rows_per_s"], ">=", 5000), rows=at),
            dict(goal(f"× bulk_create at {at:,}", point["ratio_to_baseline"], ">=", 0.5), rows=at),
        ]
    goals.append(goal("tally, search-name and audit problems after import", problems, "<=", 0))
    return {
        "data": {"sizes": SIZES, "country": "GR", "names": "long tail"},
        "curve": curve,
        "reimport_seconds": round(again(), 2),
        "goals": goals,
    }
