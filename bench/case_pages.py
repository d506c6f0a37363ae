"""Server time and SQL queries of the case list (filtered, sorted) and the case page.

The pages are requested through Django's test client (the whole stack: middleware, policy,
templates) by a signed-in case manager; the number of SQL queries is counted per page and must
not grow with the data (no N+1). Baseline in the same run: the list paged the way a plain
Django list view pages it (Paginator with a total count).

Goal (issue 3): p95 ≤ 150 ms server time for both pages at 1,000,000 cases; query count
constant. BENCH_CASES sets the size.
"""

import random

from harness import goal, latency_summary, say, size, stopwatch

CASES = size("BENCH_CASES", 1_000_000, smoke=200)
REQUESTS = size("BENCH_REQUESTS", 200, smoke=10)
LISTS = [
    "/cases/",
    "/cases/?status=open_any",
    "/cases/?status=found&sort=-last_seen_at",
    "/cases/?category=parental_abduction&sort=opened_at",
    "/cases/?risk=high&status=open_any",
    "/cases/?page=5",
]


def run(engine: str) -> dict:
    from case_search import load
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from seec.cases import selectors
    from seec.cases.models import Case
    from seec.core.models import User

    call_command("seed_demo", "--region-only", verbosity=0)
    with stopwatch() as elapsed:
        load(CASES)
    say(f"   {CASES:,} cases loaded in {elapsed():.0f} s")
    manager = User.objects.get(username="manager.gr")
    client = Client()
    client.force_login(manager)
    rng = random.Random(3)
    own = list(
        Case.objects.filter(organisation_id=manager.organisation_id).values_list("pk", flat=True)[
            :50000
        ]
    )

    def measure(paths):
        times, queries = [], set()
        for path in paths:
            with CaptureQueriesContext(connection) as captured, stopwatch() as elapsed:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            times.append(elapsed())
            queries.add(len(captured))
        return {**latency_summary(times), "queries_per_page": sorted(queries)}

    for path in [*LISTS, f"/cases/{own[0]}/"]:  # warm caches and templates once
        client.get(path)
    list_figures = measure([rng.choice(LISTS) for _ in range(REQUESTS)])
    say(f"   case list: {list_figures}")
    case_figures = measure([f"/cases/{rng.choice(own)}/" for _ in range(REQUESTS)])
    say(f"   case page: {case_figures}")

    # Baseline: the same first page, with the total count a plain paginated list view makes.
    times = []
    for _ in range(min(REQUESTS, 50)):
        with stopwatch() as elapsed:
            page = Paginator(
                selectors.cases_for(manager).select_related("assigned_manager", "country")
                .order_by("-opened_at", "-pk"), 25,
            ).get_page(1)  # fmt: skip
            list(page.object_list), page.paginator.num_pages
        times.append(elapsed())
    baseline = latency_summary(times)
    say(f"   baseline (list query with a total count, no page rendering): {baseline}")
    constant = (
        len(list_figures["queries_per_page"]) == 1 and len(case_figures["queries_per_page"]) == 1
    )
    return {
        "data": {"cases": CASES, "requests_per_page": REQUESTS},
        "platform": {"case_list": list_figures, "case_page": case_figures},
        "baseline": {"name": "Paginator with COUNT(*) (query only)", **baseline},
        "goals": [
            goal("case_list_p95_ms", list_figures["p95_ms"], "<=", 150),
            goal("case_page_p95_ms", case_figures["p95_ms"], "<=", 150),
            goal("queries_per_page_constant", 1.0 if constant else 0.0, ">=", 1),
        ],
    }
