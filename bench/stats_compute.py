"""Every missing-children indicator for the 14 countries × 5 years, from the platform's cases
and contacts, beside a baseline that loads the rows into Python and counts them there.

Both must give the same figures (checked here). The platform sums its running tallies
(seec/stats/tallies.py: kept up to date in the transaction of each change, so their cost is
paid at write time; measured here too, per saved case) in the database; the baseline counts
the rows one by one. The rows are bulk-loaded without save(), so the tallies are counted once
after the load, as after restoring a backup (also measured).

Goal (issue 5): ≤ 5 s for the whole set and ≥ 10× faster than the baseline, at 1,000,000
cases and 3,000,000 contacts. BENCH_STATS_CASES sets the size (contacts: three per case).
"""

import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from harness import goal, say, size, stopwatch

CASES = size("BENCH_STATS_CASES", 1_000_000, smoke=500)
CONTACTS_PER_CASE = 3
BATCH = 5000
NOW = datetime(2026, 12, 31, 12, tzinfo=UTC)
YEARS = (2022, 2023, 2024, 2025, 2026)


def load(count: int) -> None:
    """Generated cases (as their life would leave them) and three contacts each, in bulk."""
    from django.db import transaction

    from seec.cases import generator
    from seec.cases.models import Case, Contact, Status
    from seec.cases.services import computed_risk
    from seec.core.bulk import insert_rows
    from seec.core.models import Organisation, OrganisationKind, User

    hotlines = {
        o.country_id: o for o in Organisation.objects.filter(kind=OrganisationKind.NATIONAL_CENTRE)
    }
    openers = {
        u.organisation_id: u.pk for u in User.objects.filter(username__startswith="operator.")
    }
    rng = random.Random(11)
    channels = ["call", "chat", "email", "sms", "walk_in", "letter"]
    subjects = ["case_information", "sighting", "advice", "silent", "abusive", "test"]
    cases, contacts = [], []
    contact_defaults = {
        "duration_seconds": None, "anonymous": False, "caller_relation": "unknown",
        "caller_name": "", "caller_phone": "", "caller_phone_digits": "", "caller_language": "",
        "summary": "", "referred_to": "", "case_id": None,
    }  # fmt: skip
    started = time.perf_counter()

    def flush():
        with transaction.atomic():
            insert_rows(Case, (case.__dict__ for case in cases))
            insert_rows(Contact, contacts)
        cases.clear()
        contacts.clear()

    items = generator.generate(count, seed=2026, now=NOW, years=len(YEARS), long_tail=True)
    for serial, item in enumerate(items, start=1):
        org = hotlines[item.country]
        first = item.contacts[0]
        case = Case(
            organisation=org, country_id=item.country, opened_by_id=openers[org.pk],
            number=f"{item.country}-S-{serial:08d}", opened_at=first["started_at"],
            **item.fields,
        )  # fmt: skip
        case.risk_level = computed_risk(item.risk["factors"]) if item.risk else ""
        if item.found:
            case.status, case.outcome = Status.FOUND, item.found["outcome"]
            case.found_at, case.found_how = item.found["found_at"], item.found["found_how"]
            if item.closed:
                case.status, case.closed_at = Status.CLOSED, item.found["found_at"]
        cases.append(case)
        operator = openers[org.pk]
        contacts.append({**contact_defaults, "organisation_id": org.pk, "operator_id": operator,
                         "channel": first["channel"], "subject": "new_disappearance",
                         "started_at": first["started_at"]})  # fmt: skip
        for _ in range(CONTACTS_PER_CASE - 1):
            contacts.append({**contact_defaults, "organisation_id": org.pk,
                             "operator_id": operator, "channel": rng.choice(channels),
                             "subject": rng.choice(subjects),
                             "started_at": NOW - timedelta(days=rng.uniform(0, 1825))})  # fmt: skip
        if len(cases) >= BATCH:
            flush()
            if serial % 100000 == 0:
                say(
                    f"   loaded {serial:,} cases "
                    f"({serial / (time.perf_counter() - started):,.0f}/s)"
                )
    if cases:
        flush()
    from seec.cases.importer import refresh_statistics

    refresh_statistics(Contact)


def baseline(countries, periods) -> dict:
    """The same figures, the rows loaded into Python and counted one by one."""
    from seec.cases.models import FOUND_OUTCOMES, Case, Contact, RiskAssessment
    from seec.stats import catalogue
    from seec.stats.compute import _empty_values

    result = {(c, p.code): Counter(_empty_values()) for c in countries for p in periods}
    repeat = set(
        RiskAssessment.objects.filter(previous_episodes=True).values_list("case_id", flat=True)
    )
    contacts = Contact.objects.filter(organisation__country_id__in=countries).values_list(
        "organisation__country_id", "started_at", "channel", "subject"
    )
    for country, started, channel, subject in contacts.iterator(chunk_size=20000):
        for p in periods:
            if p.start <= started < p.end:
                got = result[(country, p.code)]
                got["MC01", "", ""] += 1
                got["MC01", "channel", channel] += 1
                got["MC01", "subject", subject] += 1
    columns = ("pk", "country_id", "opened_at", "found_at", "closed_at", "last_seen_at",
               "date_of_birth", "age_estimate", "sex", "category", "subcategory",
               "may_cross_border", "heading_to_id", "outcome", "found_how")  # fmt: skip
    rows = Case.objects.filter(country_id__in=countries).values_list(*columns)

    def age_group(last_seen, born, estimate):
        if born:
            day = last_seen.date()
            age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        else:
            age = estimate
        if age is None or age < 0 or age > 17:
            return "unknown"
        return next(code for code, low, high in catalogue.AGE_GROUPS if low <= age <= high)

    def band(found, seen):
        days = (found - seen).total_seconds() / 86400
        return next(c for c, _l, high in catalogue.TIME_BANDS if high is None or days < high)

    for (pk, country, opened, found, closed, seen, born, estimate, sex, category, sub,
         may_cross, heading, outcome, how) in rows.iterator(chunk_size=20000):  # fmt: skip
        for p in periods:
            got = result[(country, p.code)]
            new = p.start <= opened < p.end
            resolved = (found is not None and found < p.start) or (
                closed is not None and closed < p.start
            )
            carried = opened < p.start and not resolved
            if new:
                ages = age_group(seen, born, estimate)
                for cell in (("", ""), ("category", category), ("sex", sex),
                             ("age_group", ages), ("sex*age_group", f"{sex}|{ages}")):  # fmt: skip
                    got["MC02", *cell] += 1
                if may_cross or heading or sub == "international":
                    got["MC04", "", ""] += 1
                    got["MC04", "category", category] += 1
                if pk in repeat:
                    got["MC09", "", ""] += 1
                    got["MC09", "sex", sex] += 1
            if carried:
                got["MC03", "", ""] += 1
                got["MC03", "category", category] += 1
            if new or carried:
                if found is not None and found < p.end:
                    state = outcome if outcome in FOUND_OUTCOMES else "closed_other"
                elif closed is not None and closed < p.end:
                    state = "closed_other"
                else:
                    state = "still_missing"
                    got["MC07", "", ""] += 1
                    got["MC07", "time_missing", "still_missing"] += 1
                got["MC05", "", ""] += 1
                got["MC05", "outcome", state] += 1
            if found is not None and p.start <= found < p.end:
                how = how or "unknown"
                got["MC06", "", ""] += 1
                got["MC06", "found_how", how] += 1
                got["MC07", "", ""] += 1
                got["MC07", "time_missing", band(found, seen)] += 1
                got["MC08", "", ""] += 1
                if how == "after_public_alert":
                    got["MC08", "part", "after_public_alert"] += 1
    return result


def tally_upkeep_ms(saves: int = 300) -> float:
    """What keeping the tallies adds to saving a case that moves between cells (its category
    changes), in ms: the same saves timed with the tallies' receivers connected and not."""
    from django.db import transaction
    from django.db.models.signals import post_save, pre_save

    from seec.cases.models import Case
    from seec.stats import tallies

    cases = list(Case.objects.order_by("pk")[:saves])

    def timed() -> float:
        started = time.perf_counter()
        for case in cases:
            case.category = "runaway" if case.category != "runaway" else "lost_injured"
            with transaction.atomic():
                case.save(update_fields=["category", "updated_at"])
        return time.perf_counter() - started

    # Two passes each way: the second flips every category back, so the rows end as they
    # began and the tallies, untouched while disconnected, are still right.
    with_tallies = timed() + timed()
    pre_save.disconnect(sender=Case, dispatch_uid="stats-tallies-case-pre")
    post_save.disconnect(sender=Case, dispatch_uid="stats-tallies-case-post")
    try:
        without = timed() + timed()
    finally:
        tallies.connect()
    return (with_tallies - without) / (2 * saves) * 1000


def run(engine: str) -> dict:
    from django.core.management import call_command

    from seec.core.models import Country
    from seec.stats import compute, services, tallies
    from seec.stats.periods import years

    call_command("seed_demo", "--region-only", verbosity=0)
    with stopwatch() as elapsed:
        load(CASES)
    say(
        f"   {CASES:,} cases and {CASES * CONTACTS_PER_CASE:,} contacts loaded in {elapsed():.0f} s"
    )
    with stopwatch() as built:
        tallies.rebuild()
    say(f"   tallies counted from scratch after the bulk load: {built():.1f} s")
    upkeep_ms = tally_upkeep_ms()
    say(f"   tally upkeep per saved case (signals on − off): {upkeep_ms:.2f} ms")
    countries = list(Country.objects.filter(in_region=True).values_list("code", flat=True))
    periods = years(YEARS[0], YEARS[-1])

    with stopwatch() as counted:
        figures = compute.compute_missing(countries, periods)
    say(f"   counted in the database: {counted():.2f} s")
    with stopwatch() as stored:
        sets = services.compute_figures(countries, periods)
    say(f"   counted, fingerprinted and stored ({len(sets)} sets): {stored():.2f} s")
    with stopwatch() as rerun:
        again = services.compute_figures(countries, periods)
    assert [s.pk for s in again] == [s.pk for s in sets], "a rerun stored new sets"
    say(f"   rerun on the same data (nothing stored): {rerun():.2f} s")

    with stopwatch() as slow:
        expected = baseline(countries, periods)
    say(f"   baseline, rows counted in Python: {slow():.2f} s")
    mismatches = [
        (key, cell)
        for key, item in figures.items()
        for cell, value in item["values"].items()
        if expected[key][cell] != value
    ]
    assert not mismatches, f"the platform and the baseline disagree: {mismatches[:5]}"
    cells = sum(len(item["values"]) for item in figures.values())
    speedup = slow() / stored()
    return {
        "data": {"cases": CASES, "contacts": CASES * CONTACTS_PER_CASE},
        "countries": len(countries),
        "periods": [p.code for p in periods],
        "figures": cells,
        "platform_count_s": round(counted(), 3),
        "platform_compute_and_store_s": round(stored(), 3),
        "platform_rerun_s": round(rerun(), 3),
        "tallies_rebuild_s": round(built(), 1),
        "tally_upkeep_per_case_save_ms": round(upkeep_ms, 2),
        "baseline_s": round(slow(), 3),
        "speedup": round(speedup, 1),
        "baseline_agrees": True,
        "goals": [
            goal("all indicators, 14 countries × 5 years (s)", stored(), "<=", 5),
            goal("faster than loading the rows into Python (×)", speedup, ">=", 10),
        ],
    }
