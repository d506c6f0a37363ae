"""Name search at scale: p50/p95 latency and recall@10 of `search_cases`, beside two baselines.

Cases come from the demo generator (names in each country's script); 1,000 queries are drawn
from them and disturbed as callers disturb names: a typo, the diacritics dropped, the other
script (a Cyrillic or Greek name typed in Latin letters), given and family names swapped.
A query is answered if the top 10 hold a case of that child's name as it was recorded (the
generator reuses names, so several children share one; telling them apart is the birth date's
job, not the name search's).

Baselines in the same run: a plain `icontains` scan of the name columns, and a Latin-only
Soundex match (what a system without transliteration finds).

Goal (issue 3): p95 ≤ 50 ms and recall@10 ≥ 0.95 at 1,000,000 cases. BENCH_CASES sets the size.
"""

import random
import time
import unicodedata

from harness import goal, latency_summary, say, size, stopwatch

CASES = size("BENCH_CASES", 1_000_000, smoke=500)
QUERIES = size("BENCH_QUERIES", 1000, smoke=30)
BATCH = 5000


def load(count: int) -> None:
    """Bulk-load `count` generated cases with their search names (no per-case audit: this is
    test data, not work done)."""
    from django.db import transaction

    from seec.cases import generator
    from seec.cases.importer import insert_cases
    from seec.cases.models import Case, Status
    from seec.cases.services import computed_risk
    from seec.core.models import Organisation, OrganisationKind, User

    hotlines = {
        o.country_id: o for o in Organisation.objects.filter(kind=OrganisationKind.NATIONAL_CENTRE)
    }
    openers = {
        u.organisation_id: u.pk for u in User.objects.filter(username__startswith="operator.")
    }
    batch = []
    started = time.perf_counter()

    def flush():
        with transaction.atomic():
            insert_cases(batch)
        batch.clear()

    for serial, item in enumerate(generator.generate(count, seed=2026), start=1):
        org = hotlines[item.country]
        case = Case(
            organisation=org, country_id=item.country, opened_by_id=openers[org.pk],
            number=f"{item.country}-B-{serial:08d}", opened_at=item.fields["last_seen_at"],
            **item.fields,
        )  # fmt: skip
        # Where the generated case's life would have left it: its risk level, found, closed.
        if item.risk:
            case.risk_level = computed_risk(item.risk["factors"])
        if item.found:
            case.status, case.outcome = Status.FOUND, item.found["outcome"]
            case.found_at, case.found_how = item.found["found_at"], item.found["found_how"]
            if item.closed:
                case.status, case.closed_at = Status.CLOSED, item.found["found_at"]
        elif case.risk_level in {"high", "critical"}:
            case.status = Status.ACTIVE_SEARCH
        batch.append(case)
        if len(batch) >= BATCH:
            flush()
            if serial % 50000 == 0:
                rate = serial / (time.perf_counter() - started)
                say(f"   loaded {serial:,} cases ({rate:,.0f}/s)")
    if batch:
        flush()
    analyse()


def analyse() -> None:
    """Table statistics for the query planner, as after any bulk load (import_cases too)."""
    from seec.cases.importer import refresh_statistics

    refresh_statistics()


def disturb(rng: random.Random, given: str, family: str) -> str:
    from seec.cases import names

    def typo(word: str) -> str:
        if len(word) < 4:
            return word
        i = rng.randrange(1, len(word) - 1)
        kind = rng.choice(["drop", "swap", "replace", "double"])
        if kind == "drop":
            return word[:i] + word[i + 1 :]
        if kind == "swap":
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if kind == "replace":
            return word[:i] + rng.choice("aeiounrstl") + word[i + 1 :]
        return word[:i] + word[i] + word[i:]

    name = f"{given} {family}"
    way = rng.choice(["other_script", "no_diacritics", "typo", "swap_typo"])
    latin = sorted(names.latin_forms(name))
    if way == "other_script" and latin:
        return rng.choice(latin)
    if way == "no_diacritics":
        # Accents and háčeks dropped, lower case, in the name's own script (Μαρία → μαρια).
        stripped = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
        return "".join(ch for ch in stripped if unicodedata.category(ch) != "Mn").lower()
    if way == "typo":
        return f"{typo(given)} {family}" if rng.random() < 0.5 else f"{given} {typo(family)}"
    plain = rng.choice(latin) if latin else name
    first, _, last = plain.partition(" ")
    return f"{typo(last) or last} {first}"


def soundex(word: str) -> str:
    codes = {
        **dict.fromkeys("bfpv", "1"),
        **dict.fromkeys("cgjkqsxz", "2"),
        **dict.fromkeys("dt", "3"),
        "l": "4",
        **dict.fromkeys("mn", "5"),
        "r": "6",
    }
    word = "".join(ch for ch in word.lower() if "a" <= ch <= "z")
    if not word:
        return ""
    out, last = word[0].upper(), codes.get(word[0], "")
    for ch in word[1:]:
        code = codes.get(ch, "")
        if code and code != last:
            out += code
        if ch not in "hw":
            last = code
    return (out + "000")[:4]


def run(engine: str) -> dict:
    from django.core.management import call_command
    from django.db.models import Q

    from seec.cases import selectors
    from seec.cases.models import Case
    from seec.core.models import User

    call_command("seed_demo", "--region-only", verbosity=0)
    with stopwatch() as elapsed:
        load(CASES)
    say(f"   {CASES:,} cases loaded in {elapsed():.0f} s")
    rng = random.Random(7)
    first = Case.objects.order_by("pk").values_list("pk", flat=True).first()
    picked = rng.sample(range(first, first + CASES), min(QUERIES, CASES))
    targets = list(Case.objects.filter(pk__in=picked))
    queries = [(case, disturb(rng, case.given_names, case.family_name)) for case in targets]
    # The operator of each target's own hotline asks (search sees only their organisation).
    operators = {
        u.organisation_id: u for u in User.objects.filter(username__startswith="operator.")
    }

    def relevant(case, hit_case) -> bool:
        return (hit_case.given_names, hit_case.family_name) == (case.given_names, case.family_name)

    platform_times, platform_found, missed = [], 0, []
    for case, query in queries:
        user = operators[case.organisation_id]
        with stopwatch() as elapsed:
            hits = selectors.search_cases(user, query, limit=10)
        platform_times.append(elapsed())
        found = any(relevant(case, hit.case) for hit in hits)
        platform_found += found
        if not found:
            missed.append(f"{query!r} for {case.given_names} {case.family_name}")
    for line in missed[:15]:
        say(f"   missed: {line}")
    platform = latency_summary(platform_times)
    recall = platform_found / len(queries)
    say(f"   search_cases: {platform}, recall@10 {recall:.3f}")

    def icontains(user, query):
        condition = Q()
        for token in query.split():
            condition &= (Q(given_names__icontains=token) | Q(family_name__icontains=token)
                          | Q(names_latin__icontains=token))  # fmt: skip
        return list(selectors.cases_for(user).filter(condition).order_by("-opened_at")[:10])

    def latin_soundex(user, query):
        from seec.cases import names

        codes = [soundex(token) for token in names.normalise_latin(query).split()]
        codes = [code for code in codes if code]
        if not codes:
            return []
        candidates = (
            selectors.cases_for(user)
            .filter(names_latin__istartswith=query.split()[0][:1])
            .only("given_names", "family_name", "names_latin")[:2000]
        )
        return [
            c for c in candidates
            if set(codes) <= {soundex(t) for t in names.normalise_latin(c.names_latin).split()}
        ][:10]  # fmt: skip

    baselines = {}
    for label, function in (("icontains", icontains), ("latin_soundex", latin_soundex)):
        times, found = [], 0
        for case, query in queries[: min(200, len(queries))]:
            user = operators[case.organisation_id]
            with stopwatch() as elapsed:
                hits = function(user, query)
            times.append(elapsed())
            found += any(relevant(case, hit) for hit in hits)
        baselines[label] = {**latency_summary(times), "recall_at_10": round(found / len(times), 3)}
        say(f"   baseline {label}: {baselines[label]}")
    return {
        "data": {"cases": CASES, "queries": len(queries)},
        "platform": {**platform, "recall_at_10": round(recall, 3), "missed_examples": missed[:15]},
        "baseline": baselines,
        "goals": [
            goal("p95_ms", platform["p95_ms"], "<=", 50),
            goal("recall_at_10", recall, ">=", 0.95),
        ],
    }
