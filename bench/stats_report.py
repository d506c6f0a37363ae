"""The annual regional PDF report (`build_report`) over a region of generated cases, and its
counts checked against the case table.

The cases are bulk-loaded (as a restore or a migration from another system would write them),
then the tallies are rebuilt (`stats_tallies --rebuild`, as after a restore): the report must
count every case, not the handful the tallies saw before the load. Its new-case figure per
country and year is compared with a COUNT(*) over the table, which is also the baseline: the
same numbers from the raw rows with a GROUP BY.

Goal (issue 17): ≤ 30 s at 1,000,000 cases, its counts equal to the table's.
BENCH_STATS_CASES sets the size.
"""

from datetime import UTC

import stats_compute
from harness import goal, say, stopwatch


def run(engine: str) -> dict:
    from django.core.management import call_command
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from seec.cases.models import Case
    from seec.stats import report, suppression, tallies

    call_command("seed_demo", "--region-only", verbosity=0)
    stats_compute.load(stats_compute.CASES)
    with stopwatch() as rebuilt:
        tallies.rebuild()
    say(f"   tallies rebuilt after the bulk load in {rebuilt():.1f} s")
    year = stats_compute.YEARS[-1]
    with stopwatch() as elapsed:
        content = report.build(year)
    say(f"   report of {len(content) // 1024} KiB in {elapsed():.1f} s")

    figures = report.region_figures(year, "missing", year - 4)
    # Published cells only: a cell too small to publish reads "x" (disclosure control) and is
    # neither compared nor counted; the region's totals are compared with the table's sums.
    reported, withheld = {}, 0
    for (country, period), values in figures.values.items():
        value = values.get(("MC02", "", ""), 0)
        if value == suppression.WITHHELD:
            withheld += 1
        else:
            reported[(country, int(period))] = value or 0
    with stopwatch() as grouped:
        table = {
            (row["country_id"], row["year"]): row["n"]
            for row in Case.objects.annotate(year=ExtractYear("opened_at", tzinfo=UTC))
            .values("country_id", "year")
            .annotate(n=Count("pk"))
        }
    for (_country, period), n in list(table.items()):
        key = (suppression.REGION, period)
        table[key] = table.get(key, 0) + n
    differences = {
        key: (value, table.get(key, 0))
        for key, value in reported.items()
        if value != table.get(key, 0)
    }
    say(f"   {len(reported)} cells published, {withheld} withheld as too small to publish")
    say(f"   new cases per country and year: {len(differences)} differ from the table")
    for key, (ours, theirs) in list(differences.items())[:5]:
        say(f"   {key}: report {ours}, table {theirs}")
    counted = sum(v for (c, _y), v in reported.items() if c != suppression.REGION)
    return {
        "data": {"cases": stats_compute.CASES, "report_year": year},
        "report_s": round(elapsed(), 3),
        "report_kib": len(content) // 1024,
        "tallies_rebuild_s": round(rebuilt(), 1),
        "new_cases_counted_by_report": counted,
        "cells_differing_from_table": len(differences),
        "cells_withheld": withheld,
        "baseline": {
            "name": "COUNT(*) GROUP BY country, year on the raw rows",
            "seconds": round(grouped(), 3),
        },
        "goals": [
            goal("annual PDF report (s)", elapsed(), "<=", 30),
            goal("report cells differing from the table", len(differences), "<=", 0),
        ],
    }
