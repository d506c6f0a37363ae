"""The annual regional PDF report (`build_report`) from a region of generated cases, beside
the baseline of the same figures counted row by row in Python (bench/stats_compute.py).

Goal (issue 5): ≤ 30 s. BENCH_STATS_CASES sets the size (default 1,000,000 cases).
"""

import stats_compute
from harness import goal, say, stopwatch


def run(engine: str) -> dict:
    from django.core.management import call_command

    from seec.stats import report

    call_command("seed_demo", verbosity=0)
    stats_compute.load(stats_compute.CASES)
    with stopwatch() as elapsed:
        content = report.build(stats_compute.YEARS[-1])
    say(f"   report of {len(content) // 1024} KiB in {elapsed():.1f} s")
    return {
        "cases": stats_compute.CASES,
        "report_s": round(elapsed(), 3),
        "report_kib": len(content) // 1024,
        "goals": [goal("annual PDF report (s)", elapsed(), "<=", 30)],
    }
