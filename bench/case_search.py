"""Name search at scale, as a curve: p50/p95 latency and recall@10 of `search_cases` at each
size, beside a trigram index over normalised Latin names measured on the same queries.

Cases come from the long-tail generator (seec/cases/name_pools.py: thousands of given and
family names per country in its script, Zipf-like frequencies). A query is what a caller tells
the hotline about a child, drawn from a case (QUERY_MIX, recorded in the results):

- the name as heard, disturbed as callers disturb names: a typo, the diacritics dropped, the
  other script (a Cyrillic or Greek name typed in Latin letters), given and family names
  swapped (one of the four, evenly);
- the year of birth: right in 70 % of the queries, a year off in 15 %, not said in 15 % (for a
  case without a birth date, the year its estimated age gives);
- the town where the child was last seen in 40 % of the queries (in Latin letters half the
  time where the case writes it in another script).

A query is answered if the very child (its case) is among the first ten: with a long tail of
names a common one is shared by hundreds (378 children share the commonest at 1M cases), so
the name alone cannot tell them apart, and what else the caller says counts.

Baseline, in the same run, told the same: what a competent engineer ships without the
platform's name index — the name transliterated by the country's convention and normalised to
plain Latin, looked up in a trigram index over the cases' normalised Latin names (FTS5's
trigram tokenizer on SQLite, pg_trgm's GIN index and similarity on PostgreSQL) in the user's
organisation, keeping the children born within a year of the year said (or of unknown year)
and ranked by the index's score raised for the year said and the town, as the platform ranks.

Goals (issue 17): p95 ≤ 50 ms and recall@10 ≥ 0.95 at 1,000,000 cases; at least 3× the
baseline's recall at every size. BENCH_CASES sets the sizes ("10000,100000,1000000"): the
cases are loaded up to each size in turn and measured there.
"""

import os
import random
import time
import unicodedata
from operator import itemgetter

from harness import SMOKE, goal, latency_summary, say, size, stopwatch

SIZES = [
    int(n)
    for n in os.environ.get("BENCH_CASES", "200" if SMOKE else "10000,100000,1000000").split(",")
]
CASES = SIZES[-1]  # case_pages loads this many through `load`
QUERIES = size("BENCH_QUERIES", 1000, smoke=15)
# Cases written per transaction by `load`.
CHUNK = 50_000
# What callers say besides the name (see the docstring): shares of the queries.
QUERY_MIX = {
    "name": "as heard: typo, no diacritics, other script, or swapped with a typo (evenly)",
    "birth_year_right": 0.70,
    "birth_year_off_by_one": 0.15,
    "birth_year_not_said": 0.15,
    "town_said": 0.40,
}
# The baseline's credit for the year said, a year off, and the town (the platform's own).
BASELINE_CREDITS = (0.1, 0.05, 0.05)


def load(count: int, start: int = 0) -> None:
    """Bulk-load generated cases `start` to `count`, with the name index that opening them
    would have written (no per-case audit: this is test data, not work done). The same seed:
    loading to 10,000 then to 100,000 makes the same cases as loading 100,000 at once.

    The rows go in as a bulk load does, CHUNK cases per transaction (COPY on PostgreSQL, one
    executemany per table on SQLite), not through the import's small time-boxed batches. What
    is written is computed by the platform's own functions, each distinct name once: the Latin
    name (name_index.default_latin_name), the name's forms, digest and words
    (name_index.forms_and_tokens), each new word's keys (names.token_keys); and the cases are
    announced by `cases_inserted`, as the import announces them, so the statistics tallies
    count them."""
    from django.db import transaction

    from seec.cases import generator
    from seec.cases.models import Case, SearchName, SearchToken, Status
    from seec.cases.services import computed_risk
    from seec.core.bulk import InstanceMaker
    from seec.core.models import Organisation, OrganisationKind, User

    hotlines = {
        o.country_id: o.pk
        for o in Organisation.objects.filter(kind=OrganisationKind.NATIONAL_CENTRE)
    }
    openers = {
        u.organisation_id: u.pk for u in User.objects.filter(username__startswith="operator.")
    }
    rows = SearchName.objects.values_list("organisation_id", "digest", "pk")
    index = NameIndexWriter(
        names={(org, digest): pk for org, digest, pk in rows},
        words=dict(SearchToken.objects.values_list("text", "pk")),
    )
    make_case = InstanceMaker(Case)
    started, batch = time.perf_counter(), []

    def flush():
        with transaction.atomic():
            index.write(batch)
        batch.clear()

    items = generator.generate(count, seed=2026, long_tail=True)
    for serial, item in enumerate(items, start=1):
        if serial <= start:
            continue
        org = hotlines[item.country]
        case = make_case({
            "organisation_id": org, "country_id": item.country, "opened_by_id": openers[org],
            "number": f"{item.country}-B-{serial:08d}", "opened_at": item.fields["last_seen_at"],
            **item.fields,
        })  # fmt: skip
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
        if len(batch) >= CHUNK:
            flush()
            rate = (serial - start) / (time.perf_counter() - started)
            say(f"   loaded {serial:,} cases ({rate:,.0f}/s)")
    if batch:
        flush()
    analyse()


class NameIndexWriter:
    """Writes cases and the name index they need, a chunk at a time, knowing the names and
    words already indexed (by organisation and digest; by text)."""

    def __init__(self, names: dict, words: dict):
        self.names = names
        self.words = words
        # (organisation, the names as given) → name id, so each distinct name is worked out once
        self.named: dict[tuple, int] = {}

    def write(self, cases: list) -> None:
        """Insert `cases` (unsaved) with their search names, in the caller's transaction."""
        from seec.cases import name_index, signals
        from seec.cases.models import Case, SearchName, SearchNameToken

        fresh: dict[tuple, tuple[str, frozenset]] = {}  # (org, digest) → forms, words
        pending = []
        for case in cases:
            if not case.names_latin:
                case.names_latin = name_index.default_latin_name(case)
            key = (case.organisation_id, case.child_name, case.names_latin, case.other_names)
            name_id = self.named.get(key)
            if name_id is None:
                forms, digest, words = name_index.forms_and_tokens(
                    case.child_name, case.names_latin, case.other_names
                )
                slot = (case.organisation_id, digest)
                name_id = self.names.get(slot)
                if name_id is None:
                    fresh.setdefault(slot, (forms, words))
                    pending.append((case, key, slot))
                    continue
                self.named[key] = name_id
            case.search_name_id = name_id
        if fresh:
            token_ids = self._word_ids({word for _f, words in fresh.values() for word in words})
            after = _last_id(SearchName)
            name_index._copy_rows(
                SearchName,
                ("organisation_id", "digest", "forms"),
                ((org, digest, forms) for (org, digest), (forms, _w) in fresh.items()),
            )
            for pk, org, digest in _rows_after(SearchName, after, "organisation_id", "digest"):
                self.names[org, digest] = pk
            name_index._copy_rows(
                SearchNameToken,
                ("name_id", "token_id", "organisation_id"),
                (
                    (self.names[slot], token_ids[word], slot[0])
                    for slot, (_forms, words) in fresh.items()
                    for word in sorted(words)
                ),
            )
            for case, key, slot in pending:
                case.search_name_id = self.named[key] = self.names[slot]
        after = _last_id(Case)
        self._insert_cases(cases)
        ids = [pk for (pk,) in _rows_after(Case, after)]
        signals.cases_inserted.send(sender=Case, case_ids=ids)

    def _word_ids(self, words: set[str]) -> dict[str, int]:
        """The ids of `words`, adding the new ones to the index with their keys."""
        from seec.cases import name_index, names
        from seec.cases.models import SearchToken, SearchTokenKey

        new = sorted(words - self.words.keys())
        if new:
            after = _last_id(SearchToken)
            name_index._copy_rows(SearchToken, ("text",), ((word,) for word in new))
            self.words.update((text, pk) for pk, text in _rows_after(SearchToken, after, "text"))
            name_index._copy_rows(
                SearchTokenKey,
                ("token_id", "key"),
                ((self.words[word], key) for word in new for key in sorted(names.token_keys(word))),
            )
        return {word: self.words[word] for word in words}

    @staticmethod
    def _insert_cases(cases: list) -> None:
        from django.db import connection
        from django.utils import timezone

        from seec.cases import name_index
        from seec.cases.models import Case
        from seec.core.bulk import insert_rows

        if connection.vendor != "postgresql":
            insert_rows(Case, (case.__dict__ for case in cases))
            return
        # COPY takes the Python values as they are (aware datetimes, dates, decimals).
        fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
        pick = itemgetter(*(f.attname for f in fields))
        stamp = [i for i, f in enumerate(fields) if getattr(f, "auto_now", False)]
        now = timezone.now()

        def values(case):
            row = list(pick(case.__dict__))
            for i in stamp:
                row[i] = now
            return row

        name_index._copy_rows(
            Case, tuple(f.column for f in fields), (values(case) for case in cases)
        )


def _last_id(model) -> int:
    """The highest id in `model`'s table (0 if empty): rows added by this load, its only
    writer, are those above it."""
    from django.db.models import Max

    return model.objects.aggregate(last=Max("pk"))["last"] or 0


def _rows_after(model, after: int, *columns: str) -> list[tuple]:
    """(id, *columns) of `model`'s rows with an id above `after`."""
    from django.db import connection

    quote = connection.ops.quote_name
    selected = ", ".join(quote(c) for c in ("id", *columns))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {selected} FROM {model._meta.db_table} WHERE id > %s ORDER BY id",  # noqa: S608
            [after],
        )  # our own table and columns
        return cursor.fetchall()


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


def birth_year(case) -> int | None:
    """The child's year of birth as the case knows it: the birth date's, else the year the
    estimated age gives when last seen."""
    if case.date_of_birth:
        return case.date_of_birth.year
    if case.age_estimate is not None:
        return case.last_seen_at.year - case.age_estimate
    return None


def told(rng: random.Random, case) -> dict:
    """What else the caller says about the child of `case` (QUERY_MIX): born, place."""
    from seec.cases import names
    from seec.cases.name_index import LATIN_CONVENTION

    details = {"born": None, "place": ""}
    year, draw = birth_year(case), rng.random()
    if year is not None and draw < QUERY_MIX["birth_year_right"]:
        details["born"] = year
    elif year is not None and draw < 1 - QUERY_MIX["birth_year_not_said"]:
        details["born"] = year + rng.choice([-1, 1])
    if rng.random() < QUERY_MIX["town_said"]:
        town = case.last_seen_place.split(",")[0].strip()
        if rng.random() < 0.5:
            town = names.transliterate(town, LATIN_CONVENTION.get(case.country_id, "sr"))
        details["place"] = town
    return details


class TrigramIndex:
    """The baseline: normalised Latin names in a trigram index, searched by trigram overlap."""

    def __init__(self, engine: str):
        self.engine = engine

    def build(self, start_pk: int = 0) -> None:
        """Index the cases with a primary key above `start_pk` (the rest are indexed)."""
        from django.db import connection, transaction

        from seec.cases import names
        from seec.cases.models import Case
        from seec.cases.name_index import LATIN_CONVENTION

        def plain_place(place, country):
            convention = LATIN_CONVENTION.get(country, "sr")
            return names.normalise_latin(names.transliterate(place, convention))

        cases = (
            Case.objects.filter(pk__gt=start_pk)
            .order_by("pk")
            .only("organisation_id", "names_latin", "date_of_birth", "age_estimate",
                  "last_seen_at", "last_seen_place", "country_id")
        )  # fmt: skip
        rows = (
            (case.pk, case.organisation_id, names.normalise_latin(case.names_latin),
             birth_year(case), plain_place(case.last_seen_place, case.country_id))
            for case in cases.iterator(chunk_size=10000)
        )  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            if self.engine == "postgresql":
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(
                    "CREATE TABLE IF NOT EXISTS bench_trigram "
                    "(case_id bigint PRIMARY KEY, organisation_id bigint, names text,"
                    " birth_year integer, place text)"
                )
                # A bulk load: the rows by COPY, the trigram index made anew after them.
                cursor.execute("DROP INDEX IF EXISTS bench_trigram_names")
                # (read first: the connection cannot stream rows while a COPY is under way)
                indexed = list(rows)
                with cursor.cursor.copy("COPY bench_trigram FROM STDIN") as copy:
                    for row in indexed:
                        copy.write_row(row)
                cursor.execute(
                    "CREATE INDEX bench_trigram_names ON bench_trigram "
                    "USING gin (names gin_trgm_ops)"
                )
                cursor.execute("ANALYZE bench_trigram")
                return
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS bench_trigram USING "
                "fts5(names, organisation_id UNINDEXED, birth_year UNINDEXED, place UNINDEXED,"
                " tokenize='trigram')"
            )
            insert = (
                "INSERT INTO bench_trigram (rowid, organisation_id, names, birth_year, place) "
                "VALUES (%s, %s, %s, %s, %s)"
            )
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 10000:
                    cursor.executemany(insert, batch)
                    batch.clear()
            if batch:
                cursor.executemany(insert, batch)

    def search(self, user, query: str, born: int | None = None, place: str = "") -> list[int]:
        """The ten best case ids of the user's organisation for `query`, of those born within
        a year of `born` (or of unknown year), raised for the year and the town said."""
        from django.db import connection

        from seec.cases import names
        from seec.cases.name_index import LATIN_CONVENTION

        convention = LATIN_CONVENTION.get(user.organisation.country_id, "sr")
        latin = names.normalise_latin(names.transliterate(query, convention))
        if len(latin) < 3:
            return []
        same, near, town = BASELINE_CREDITS
        years, credit, credit_params = "", "0", []
        if born is not None:
            years = "AND (birth_year BETWEEN %s AND %s OR birth_year IS NULL) "
            credit = (
                "CASE WHEN birth_year = %s THEN %s WHEN birth_year IS NOT NULL THEN %s ELSE 0 END"
            )
            credit_params = [born, same, near]
        place = names.normalise_latin(names.transliterate(place, convention))
        if place:
            credit += " + CASE WHEN place LIKE %s THEN %s ELSE 0 END"
            credit_params += [f"%{place}%", town]
        year_params = [born - 1, born + 1] if born is not None else []
        with connection.cursor() as cursor:
            if self.engine == "postgresql":
                cursor.execute(
                    "SELECT case_id FROM bench_trigram WHERE organisation_id = %s "  # noqa: S608
                    f"AND names %% %s {years}"
                    f"ORDER BY similarity(names, %s) + {credit} DESC LIMIT 10",
                    [user.organisation_id, latin, *year_params, latin, *credit_params],
                )  # the bench's own clauses; every value a parameter
            else:
                grams = {latin[i : i + 3] for i in range(len(latin) - 2)}
                match = " OR ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
                # bm25 is negative, lower is better: a credit makes it more so.
                cursor.execute(
                    "SELECT rowid FROM bench_trigram WHERE bench_trigram MATCH %s "  # noqa: S608
                    f"AND organisation_id = %s {years}"
                    f"ORDER BY bm25(bench_trigram) * (1 + {credit}) LIMIT 10",
                    [match, user.organisation_id, *year_params, *credit_params],
                )  # the bench's own clauses; every value a parameter
            return [row[0] for row in cursor.fetchall()]


def measure(queries, operators, search) -> dict:
    """Latency and recall@10 of the child: is the very case among the first ten?"""
    times, found, missed = [], 0, []
    for case, query, details in queries:
        user = operators[case.organisation_id]
        with stopwatch() as elapsed:
            hits = search(user, query, **details)
        times.append(elapsed())
        hit = case.pk in hits
        found += hit
        if not hit and len(missed) < 10:
            missed.append(
                f"{query!r} {details} for {case.given_names} {case.family_name}, "
                f"born {birth_year(case)}, {case.last_seen_place}"
            )
    return {**latency_summary(times), "recall_at_10": round(found / len(queries), 3),
            "missed_examples": missed}  # fmt: skip


def distinct_names(count: int) -> dict:
    """How long the tail is: distinct full names, and cases per name (median, most)."""
    from django.db.models import Count

    from seec.cases.models import Case

    per_name = sorted(
        Case.objects.values("given_names", "family_name")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    return {
        "cases": count,
        "distinct_full_names": len(per_name),
        "median_cases_per_name": per_name[len(per_name) // 2] if per_name else 0,
        "most_cases_per_name": per_name[-1] if per_name else 0,
    }


def ratio_goal(point: dict) -> dict:
    """The issue's "3× the trigram baseline's recall" at one size, as it names it. Where the
    baseline finds more than a third of the children, 3× its recall is above 1.0, so no search
    can meet it: the goal stays (missed) with a note, and both recalls are in the curve."""
    item = goal(
        f"recall_vs_trigram_at_{point['data']['cases']}", point["recall_ratio_to_baseline"], ">=", 3
    )
    baseline = point["baseline"]["recall_at_10"]
    if baseline > 1 / 3:
        item["note"] = (
            f"unreachable by definition: the trigram baseline's recall@10 is {baseline}, so 3x "
            f"it exceeds 1.0; the platform's is {point['platform']['recall_at_10']}"
        )
    return item


def run(engine: str) -> dict:
    from django.core.management import call_command

    from seec.cases import selectors
    from seec.cases.models import Case
    from seec.core.models import User

    call_command("seed_demo", "--region-only", verbosity=0)
    operators = {
        u.organisation_id: u
        for u in User.objects.filter(username__startswith="operator.").select_related(
            "organisation"
        )
    }
    baseline = TrigramIndex(engine)

    def platform_search(user, query, born=None, place=""):
        details = selectors.ChildDetails(born=born, place=place)
        return [hit.case.pk for hit in selectors.search_cases(user, query, 10, details)]

    curve, loaded, indexed = [], 0, 0
    for cases in SIZES:
        with stopwatch() as elapsed:
            load(cases, start=loaded)
        loaded = cases
        with stopwatch() as built:
            baseline.build(start_pk=indexed)
        indexed = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
        say(f"   {cases:,} cases loaded ({elapsed():.0f} s), trigram index {built():.0f} s")
        rng = random.Random(7)
        picked = rng.sample(list(Case.objects.values_list("pk", flat=True)), min(QUERIES, cases))
        targets = list(Case.objects.filter(pk__in=picked).order_by("pk"))
        # The details drawn apart from the names, so the names heard are those of earlier runs.
        said = random.Random(11)
        queries = [
            (case, disturb(rng, case.given_names, case.family_name), told(said, case))
            for case in targets
        ]
        platform = measure(queries, operators, platform_search)
        trigram = measure(queries, operators, baseline.search)
        point = {
            "data": distinct_names(cases),
            "platform": platform,
            "baseline": {
                "name": "pg_trgm similarity" if engine == "postgresql" else "FTS5 trigram",
                **trigram,
            },
            "recall_ratio_to_baseline": round(
                platform["recall_at_10"] / max(trigram["recall_at_10"], 0.001), 2
            ),
        }
        say(f"   {cases:,}: platform {platform['p50_ms']}/{platform['p95_ms']} ms, recall "
            f"{platform['recall_at_10']}; trigram {trigram['p50_ms']}/{trigram['p95_ms']} ms, "
            f"recall {trigram['recall_at_10']}; {point['data']}")  # fmt: skip
        for line in platform["missed_examples"][:5]:
            say(f"   missed: {line}")
        curve.append(point)
    last = curve[-1]
    at_size = []
    for item in (
        goal("p95_ms", last["platform"]["p95_ms"], "<=", 50),
        goal("recall_at_10", last["platform"]["recall_at_10"], ">=", 0.95),
    ):
        item["at_cases"] = last["data"]["cases"]
        if last["data"]["cases"] < 1_000_000:  # the goal is at a million cases
            item["met"] = False
            item["note"] = f"measured at {last['data']['cases']:,} cases; the goal is at 1,000,000"
        at_size.append(item)
    goals = [
        *at_size,
        *(ratio_goal(point) for point in curve),
    ]
    return {
        "data": {
            "sizes": SIZES,
            "queries_per_size": QUERIES,
            "names": "long tail",
            "query_mix": QUERY_MIX,
        },
        "curve": curve,
        "goals": goals,
    }
