"""Every missing-children indicator for the 14 countries × 5 years, as a curve over sizes, beside
what a competent engineer would write without the platform's tallies: a few SQL `GROUP BY`
queries over the raw case and contact rows, measured in the same run on the same data.

The platform sums its running tallies (seec/stats/tallies.py: kept in the transaction of each
change, so their cost is paid at write time; measured here too, per saved case). The rows are
bulk-loaded round the application (COPY on PostgreSQL, executemany on SQLite, in chunks), as a
migration or restore would write them; the tallies are then counted by the platform's own
command, `manage.py stats_tallies --rebuild` (timed). Search names are not made: no figure
reads them.

The baseline (`grouped_on_the_rows`): one query over the contacts and three over the cases,
each grouping a derived table that works out, once per row, the month on the country's
calendar, the age group, time missing, cross-border and repeat (the catalogue's definitions,
in the platform's SQL expressions), with the periods and the situation at each period's end as
conditional sums on those integers. Both must give the same figure in every cell: the cells
that differ are counted (goal 0).

Goals (issue 17): ≥ 5× the GROUP BY baseline at 1,000,000 cases (3,000,000 contacts), and not
slower than it (≥ 1×) at 10,000. BENCH_STATS_SIZES sets the sizes ("10000,100000,1000000",
loaded in turn); BENCH_STATS_REPEAT how many times each side is timed at each size (the
median is kept; 5 by default, 3 from a million cases, where the baseline takes minutes).
"""

import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from harness import SMOKE, goal, say, stopwatch

SIZES = [
    int(n)
    for n in os.environ.get("BENCH_STATS_SIZES", "500" if SMOKE else "10000,100000,1000000").split(
        ","
    )
]
REPEAT = os.environ.get("BENCH_STATS_REPEAT")


def repeats(cases: int) -> int:
    if REPEAT:
        return int(REPEAT)
    return 2 if SMOKE else (3 if cases >= 1_000_000 else 5)


CONTACTS_PER_CASE = 3
CHUNK = 5000
NOW = datetime(2026, 12, 31, 12, tzinfo=UTC)
YEARS = (2022, 2023, 2024, 2025, 2026)


def insert(model, rows: list[dict]) -> None:
    """Rows (every column by attribute name) into `model`'s table: COPY on PostgreSQL, the
    platform's executemany (seec.core.bulk) elsewhere."""
    from django.db import connection

    from seec.core.bulk import insert_rows

    if connection.vendor != "postgresql":
        insert_rows(model, rows)
        return
    from django.utils import timezone

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False)}
    now = timezone.now()
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    # The driver's own cursor: Django's wrapper has no COPY.
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([now if name in stamped else row[name] for name in names])


def load(count: int, start: int = 0) -> None:
    """Generated cases `start` to `count` (as their life would leave them), with their risk
    assessments and three contacts each, in chunks, round the application (no tallies, no
    audit). The same seed: loading to 10,000 then to 100,000 makes the cases of loading
    100,000 at once."""
    from django.db import transaction

    from seec.cases import generator
    from seec.cases.models import Case, Contact, Outcome, RiskAssessment, Status
    from seec.cases.services import computed_risk
    from seec.core.bulk import column_where_in
    from seec.core.models import Organisation, OrganisationKind, User

    hotlines = {
        o.country_id: o.pk
        for o in Organisation.objects.filter(kind=OrganisationKind.NATIONAL_CENTRE)
    }
    openers = {
        u.organisation_id: u.pk for u in User.objects.filter(username__startswith="operator.")
    }
    channels = ["call", "chat", "email", "sms", "walk_in", "letter"]
    subjects = ["case_information", "sighting", "advice", "silent", "abusive", "test"]
    # A model instance's defaults once, then plain dicts: __init__ per row costs more than COPY.
    case_defaults = {k: v for k, v in Case().__dict__.items() if not k.startswith("_")}
    case_defaults.pop("id")
    contact_defaults = {
        "duration_seconds": None, "anonymous": False, "caller_relation": "unknown",
        "caller_name": "", "caller_phone": "", "caller_phone_digits": "", "caller_language": "",
        "summary": "", "referred_to": "", "case_id": None,
    }  # fmt: skip
    assessment_defaults = {"under_13": False, "rationale": "Assessed at intake."}
    cases, contacts, risks = [], [], {}
    began = time.perf_counter()

    def flush():
        with transaction.atomic():
            insert(Case, cases)
            ids = dict(column_where_in(Case, "number", list(risks), "id"))
            insert(
                RiskAssessment,
                [{**row, "case_id": ids[number]} for number, row in risks.items()],
            )
            insert(Contact, contacts)
        cases.clear()
        contacts.clear()
        risks.clear()

    items = generator.generate(count, seed=2026, now=NOW, years=len(YEARS), long_tail=True)
    for serial, item in enumerate(items, start=1):
        if serial <= start:
            continue
        org, first = hotlines[item.country], item.contacts[0]
        operator = openers[org]
        case = {
            **case_defaults, **item.fields, "organisation_id": org, "country_id": item.country,
            "opened_by_id": operator, "number": f"{item.country}-S-{serial:08d}",
            "opened_at": first["started_at"],
        }  # fmt: skip
        if item.risk:
            level = computed_risk(item.risk["factors"])
            case["risk_level"] = level
            risks[case["number"]] = {
                **assessment_defaults, **item.risk["factors"], "assessed_by_id": operator,
                "assessed_at": first["started_at"], "computed_level": level, "level": level,
            }  # fmt: skip
        rng = random.Random(serial)  # the case's own: the same whichever size is loaded first
        if item.found:
            case["status"], case["outcome"] = Status.FOUND, item.found["outcome"]
            case["found_at"], case["found_how"] = item.found["found_at"], item.found["found_how"]
            if item.closed:
                case["status"], case["closed_at"] = Status.CLOSED, item.found["found_at"]
        elif rng.random() < 0.3:
            # A child not found whose case was closed for another reason (came of age, taken
            # over by the police abroad): MC05's "closed for another reason".
            closed = min(NOW, item.fields["last_seen_at"] + timedelta(days=rng.uniform(30, 400)))
            case["status"], case["outcome"] = Status.CLOSED, Outcome.CLOSED_OTHER
            case["closed_at"] = closed
        cases.append(case)
        contacts.append({**contact_defaults, "organisation_id": org, "operator_id": operator,
                         "channel": first["channel"], "subject": "new_disappearance",
                         "started_at": first["started_at"]})  # fmt: skip
        for _ in range(CONTACTS_PER_CASE - 1):
            contacts.append({**contact_defaults, "organisation_id": org,
                             "operator_id": operator, "channel": rng.choice(channels),
                             "subject": rng.choice(subjects),
                             "started_at": NOW - timedelta(days=rng.uniform(0, 1825))})  # fmt: skip
        if len(cases) >= CHUNK:
            flush()
            if serial % 100000 == 0:
                rate = (serial - start) / (time.perf_counter() - began)
                say(f"   loaded {serial:,} cases ({rate:,.0f}/s)")
    if cases:
        flush()
    from seec.cases.importer import refresh_statistics

    refresh_statistics(Contact, RiskAssessment)


def grouped_on_the_rows(countries, periods) -> dict:
    """The same figures from the raw rows: four GROUP BY queries, nothing kept in between.

    Each query groups a derived table that works the row's facts out once (the ORM compiles
    it with the catalogue's definitions: month on the country's calendar, age group, time
    band, cross-border, repeat); the outer query places months in periods and counts, with
    conditional sums where a case counts in several periods (carried over, its situation at
    each period's end)."""
    from django.db import connection
    from django.db.models import Exists, F, OuterRef

    from seec.cases.models import FOUND_OUTCOMES, Case, Contact, RiskAssessment
    from seec.stats.compute import _empty_values
    from seec.stats.tallies import (
        CROSS_BORDER,
        DaysBetween,
        MonthNumber,
        _flag,
        age_group,
        country_zone,
        month_number,
        time_band,
    )

    months = [(month_number(p.start), month_number(p.end)) for p in periods]
    first, last = months[0][0], months[-1][1]
    result = {(c, p.code): _empty_values() for c in countries for p in periods}

    def period_of(column: str) -> str:
        whens = " ".join(
            f"WHEN {column} >= {a} AND {column} < {b} THEN {i}" for i, (a, b) in enumerate(months)
        )
        return f"CASE {whens} ELSE -1 END"

    def rows(sql: str, inner: str, params) -> list[tuple]:
        # The facts worked out once per row: a plain subquery is flattened into the outer one
        # and each expression evaluated wherever the outer query names its column.
        with connection.cursor() as cursor:
            cursor.execute(f"WITH t AS MATERIALIZED ({inner}) {sql}", params)
            return cursor.fetchall()

    def add(country, index, indicator, cells, n):
        values = result[(country, periods[index].code)]
        for breakdown, key in cells:
            values[(indicator, breakdown, key)] += n

    contacts = (
        Contact.objects.filter(organisation__country_id__in=countries)
        .annotate(
            country=F("organisation__country_id"),
            m=MonthNumber("started_at", country_zone("organisation__country_id")),
        )
        .values_list("country", "m", "channel", "subject")
        .order_by()
    )
    inner, params = contacts.query.sql_with_params()
    for country, p, channel, subject, n in rows(
        f"SELECT country, {period_of('m')} AS p, channel, subject, COUNT(*) FROM t "  # noqa: S608
        f"WHERE m >= {first} AND m < {last} GROUP BY country, p, channel, subject",
        inner,
        params,
    ):
        add(country, p, "MC01", [("", ""), ("channel", channel), ("subject", subject)], n)

    group, age = age_group()
    facts = (
        Case.objects.filter(country_id__in=countries)
        .alias(_age=age, _days=DaysBetween(F("found_at"), F("last_seen_at")))
        .annotate(
            o=MonthNumber("opened_at", country_zone("country_id")),
            f=MonthNumber("found_at", country_zone("country_id")),
            c=MonthNumber("closed_at", country_zone("country_id")),
            ages=group,
            band=time_band(),
            crossing=_flag(CROSS_BORDER),
            again=Exists(
                RiskAssessment.objects.filter(case_id=OuterRef("pk"), previous_episodes=True)
            ),
        )
        .order_by()
    )
    new = facts.values_list("country_id", "o", "category", "sex", "ages", "crossing", "again")
    inner, params = new.query.sql_with_params()
    for country, p, category, sex, ages, crossing, again, n in rows(
        f"SELECT country_id, {period_of('o')} AS p, category, sex, ages, crossing, again, "  # noqa: S608
        f"COUNT(*) FROM t WHERE o >= {first} AND o < {last} "
        "GROUP BY country_id, p, category, sex, ages, crossing, again",
        inner,
        params,
    ):
        cells = [("", ""), ("category", category), ("sex", sex), ("age_group", ages)]
        add(country, p, "MC02", [*cells, ("sex*age_group", f"{sex}|{ages}")], n)
        if crossing:
            add(country, p, "MC04", [("", ""), ("category", category)], n)
        if again:
            add(country, p, "MC09", [("", ""), ("sex", sex)], n)

    found = facts.values_list("country_id", "f", "found_how", "band")
    inner, params = found.query.sql_with_params()
    for country, p, how, band, n in rows(
        f"SELECT country_id, {period_of('f')} AS p, found_how, band, COUNT(*) FROM t "  # noqa: S608
        f"WHERE f >= {first} AND f < {last} GROUP BY country_id, p, found_how, band",
        inner,
        params,
    ):
        how = how or "unknown"
        add(country, p, "MC06", [("", ""), ("found_how", how)], n)
        add(country, p, "MC07", [("", ""), ("time_missing", band)], n)
        add(country, p, "MC08", [("", "")], n)
        if how == "after_public_alert":
            add(country, p, "MC08", [("part", "after_public_alert")], n)

    # A case counts in every period it was handled in (new, or carried over: opened before the
    # period and neither found nor closed before it), by its situation at the period's end.
    sums = []
    for start, end in months:
        handled = (
            f"(o >= {start} AND o < {end}"
            f" OR (o < {start} AND (f = 0 OR f >= {start}) AND (c = 0 OR c >= {start})))"
        )
        found_by, closed_by = f"(f > 0 AND f < {end})", f"(c > 0 AND c < {end})"
        sums += [
            f"SUM(CASE WHEN o < {start} AND {handled} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {handled} AND {found_by} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {handled} AND NOT {found_by} AND {closed_by} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {handled} AND NOT {found_by} AND NOT {closed_by} THEN 1 ELSE 0 END)",
        ]
    course = facts.values_list("country_id", "category", "outcome", "o", "f", "c")
    inner, params = course.query.sql_with_params()
    for country, category, outcome, *counts in rows(
        f"SELECT country_id, category, outcome, {', '.join(sums)} FROM t "  # noqa: S608
        f"WHERE o < {last} AND (f = 0 OR f >= {first}) AND (c = 0 OR c >= {first}) "
        "GROUP BY country_id, category, outcome",
        inner,
        params,
    ):
        found_as = outcome if outcome in FOUND_OUTCOMES else "closed_other"
        for i in range(len(periods)):
            carried, found_n, closed_n, missing = counts[4 * i : 4 * i + 4]
            add(country, i, "MC03", [("", ""), ("category", category)], carried)
            add(country, i, "MC05", [("", ""), ("outcome", found_as)], found_n)
            add(country, i, "MC05", [("", ""), ("outcome", "closed_other")], closed_n)
            add(country, i, "MC05", [("", ""), ("outcome", "still_missing")], missing)
            add(country, i, "MC07", [("", ""), ("time_missing", "still_missing")], missing)
    return result


def differing_cells(platform: dict, baseline: dict) -> list:
    """(country and period, cell, platform's, baseline's) wherever the two differ."""
    return [
        (key, cell, value, baseline[key].get(cell))
        for key, item in platform.items()
        for cell, value in item["values"].items()
        if baseline[key].get(cell) != value
    ]


def timed(function, repeat: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(repeat):
        with stopwatch() as elapsed:
            result = function()
        seconds.append(elapsed())
    return seconds, result


def tally_upkeep_ms(saves: int = 300) -> float:
    """What keeping the tallies adds to saving a case that moves between cells (its category
    changes), in ms: the same saves timed with the tallies' receivers connected and not."""
    from django.db import transaction
    from django.db.models.signals import post_save, pre_save

    from seec.cases.models import Case
    from seec.stats import tallies

    cases = list(Case.objects.order_by("pk")[:saves])

    def timed_saves() -> float:
        started = time.perf_counter()
        for case in cases:
            case.category = "runaway" if case.category != "runaway" else "lost_injured"
            with transaction.atomic():
                case.save(update_fields=["category", "updated_at"])
        return time.perf_counter() - started

    # Two passes each way: the second flips every category back, so the rows end as they
    # began and the tallies, untouched while disconnected, are still right.
    with_tallies = timed_saves() + timed_saves()
    pre_save.disconnect(sender=Case, dispatch_uid="stats-tallies-case-pre")
    post_save.disconnect(sender=Case, dispatch_uid="stats-tallies-case-post")
    try:
        without = timed_saves() + timed_saves()
    finally:
        tallies.connect()
    return (with_tallies - without) / (2 * saves) * 1000


def at_size(curve: list[dict], cases: int, name: str, target: float) -> dict:
    """The ratio goal at `cases`, or at the nearest size measured, marked missed with why."""
    point = min(curve, key=lambda p: abs(p["data"]["cases"] - cases))
    item = goal(name, point["ratio_to_baseline"], ">=", target)
    item["at_cases"] = point["data"]["cases"]
    if item["at_cases"] != cases:
        item["met"] = False
        item["note"] = f"measured at {item['at_cases']:,} cases; the goal is at {cases:,}"
    return item


def run(engine: str) -> dict:
    from io import StringIO

    from django.core.management import call_command

    from seec.core.models import Country
    from seec.stats import compute, services
    from seec.stats.models import CaseCourseTally, ContactTally, FoundCaseTally, NewCaseTally
    from seec.stats.periods import years

    call_command("seed_demo", "--region-only", verbosity=0)
    countries = list(Country.objects.filter(in_region=True).values_list("code", flat=True))
    periods = years(YEARS[0], YEARS[-1])
    curve, loaded = [], 0
    for cases in SIZES:
        with stopwatch() as elapsed:
            load(cases, start=loaded)
        loaded = cases
        say(f"   {cases:,} cases and {cases * CONTACTS_PER_CASE:,} contacts loaded "
            f"in {elapsed():.0f} s")  # fmt: skip
        with stopwatch() as built:
            call_command("stats_tallies", "--rebuild", stdout=StringIO())
        tally_rows = sum(
            m.objects.count() for m in (NewCaseTally, FoundCaseTally, CaseCourseTally, ContactTally)
        )
        say(f"   stats_tallies --rebuild: {built():.1f} s, {tally_rows:,} tally rows")

        # Turn about, so that neither side has the warmer cache throughout.
        platform_s, baseline_s = [], []
        for _ in range(repeats(cases)):
            seconds, figures = timed(lambda: compute.compute_missing(countries, periods), 1)
            platform_s += seconds
            seconds, expected = timed(lambda: grouped_on_the_rows(countries, periods), 1)
            baseline_s += seconds
        differing = differing_cells(figures, expected)
        for key, cell, ours, theirs in differing[:5]:
            say(f"   differs: {key} {cell}: platform {ours}, GROUP BY {theirs}")
        platform, baseline = statistics.median(platform_s), statistics.median(baseline_s)
        point = {
            "data": {"cases": cases, "contacts": cases * CONTACTS_PER_CASE},
            "load_s": round(elapsed(), 1),
            "tallies_rebuild_s": round(built(), 2),
            "tally_rows": tally_rows,
            "cells": sum(len(item["values"]) for item in figures.values()),
            "cells_differing": len(differing),
            "platform": {
                "median_s": round(platform, 4),
                "runs_s": [round(s, 4) for s in platform_s],
            },
            "baseline": {
                "name": "SQL GROUP BY on the raw rows (4 queries)",
                "median_s": round(baseline, 4),
                "runs_s": [round(s, 4) for s in baseline_s],
            },
            "ratio_to_baseline": round(baseline / platform, 2),
        }
        say(f"   {cases:,}: platform {platform * 1000:.1f} ms, GROUP BY {baseline * 1000:.1f} ms"
            f" ({point['ratio_to_baseline']}×), {len(differing)} cells differ")  # fmt: skip
        curve.append(point)

    # What the figures page does with them (fingerprinted, stored), and a rerun on the same data.
    with stopwatch() as stored:
        sets = services.compute_figures(countries, periods)
    with stopwatch() as rerun:
        again = services.compute_figures(countries, periods)
    assert [s.pk for s in again] == [s.pk for s in sets], "a rerun stored new sets"
    say(f"   computed and stored ({len(sets)} sets): {stored():.2f} s; rerun {rerun():.2f} s")
    upkeep_ms = tally_upkeep_ms()
    say(f"   tally upkeep per saved case (signals on − off): {upkeep_ms:.2f} ms")
    differing = sum(point["cells_differing"] for point in curve)
    return {
        "data": {
            "sizes": SIZES,
            "contacts_per_case": CONTACTS_PER_CASE,
            "countries": len(countries),
            "periods": [p.code for p in periods],
        },
        "curve": curve,
        "compute_and_store_s": round(stored(), 3),
        "rerun_s": round(rerun(), 3),
        "tally_upkeep_per_case_save_ms": round(upkeep_ms, 2),
        "goals": [
            at_size(curve, 1_000_000, "× the GROUP BY baseline at 1M cases", 5),
            at_size(curve, 10_000, "× the GROUP BY baseline at 10k cases", 1),
            goal("cells differing from the GROUP BY baseline", differing, "<=", 0),
        ],
    }
