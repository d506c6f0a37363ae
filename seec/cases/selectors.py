"""Reads of cases and contacts, always through the access policy."""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.models import AuditEvent

from . import names
from .models import (
    Case,
    CaseImport,
    CasePerson,
    CaseTask,
    Contact,
    RiskLevel,
    SearchName,
    SearchNameToken,
    SearchToken,
    SearchTokenKey,
    Status,
    digits_of,
)
from .services import CaseAction

CASE_NUMBER = re.compile(r"^\s*([A-Za-z]{2})-?(\d{4})-?(\d{1,6})\s*$")
# Names fetched by their best words before ranking; a name search never scores more than this.
CANDIDATES = 40
MIN_SIMILARITY = 0.6
# A word of the index counts for a typed word from this similarity (names.token_similarity).
WORD_MIN_SIMILARITY = 0.7
# What the caller knows besides the name raises a case above those of the same name that do
# not fit: the year of birth said (or worked out from the age) counts more than a year off
# (a caller unsure of the year, or an age said just before a birthday), and the place.
# About what a typo or another spelling costs a name (name_similarity), far less than a
# different given or family name costs: they order the children of a name and of its near
# spellings, and do not raise a different name above the one heard.
SAME_YEAR_CREDIT = 0.1
NEAR_YEAR_CREDIT = 0.05
PLACE_CREDIT = 0.05
# A place said matches a case's place or country when each of its words is this alike to one
# of theirs (names.token_similarity, both in plain Latin letters).
PLACE_MIN_SIMILARITY = 0.85


def cases_for(user, action: str = policy.Act.VIEW):
    return policy.visible_to(user, Case, action)


def case_for_reading(user, pk, *, origin: Origin, reason: str = "") -> Case:
    """One case the user may see, its reading written to the audit trail (404 otherwise)."""
    case = policy.get_visible_or_404(
        user,
        Case.objects.select_related(
            "organisation", "country", "nationality", "heading_to", "assigned_manager"
        ),
        pk=pk,
    )
    audit.record_read(CaseAction.VIEW, origin=origin, obj=case, reason=reason)
    return case


def case_page(user, refine, start: int, size: int) -> list[Case]:
    """Cases `start` to `start + size` of those the user may see, as `refine` filters and orders
    them. Each part of the policy's scope (the organisation's own cases, the cases shared with
    it) is ordered and cut on its own, so each uses its index, then the parts are merged: at a
    million cases a single OR query sorts every visible case to show twenty-five."""
    parts = [
        refine(part.select_related("assigned_manager", "country"))
        for part in policy.visible_parts(user, Case)
    ]
    ordering = parts[0].query.order_by
    rows = {case.pk: case for part in parts for case in part[: start + size]}
    merged = list(rows.values())
    for field in reversed(ordering):  # stable sorts, last key first
        name = field.lstrip("-")
        merged.sort(key=lambda case, n=name: getattr(case, "pk" if n == "pk" else n),
                    reverse=field.startswith("-"))  # fmt: skip
    return merged[start : start + size]


@dataclass(frozen=True)
class SearchHit:
    case: Case
    score: float
    matched_on: str  # "number", "phone" or "name"


@dataclass(frozen=True)
class ChildDetails:
    """What a caller says about the child besides the name: the year of birth or the age
    (today), and a place (the town or the country where the child was last seen). A name
    search keeps the children born within a year of it (those whose year is not known stay,
    after the others) and ranks the year said, then the place, first."""

    born: int | None = None
    age: int | None = None
    place: str = ""

    def __bool__(self) -> bool:
        return self.born is not None or self.age is not None or bool(self.place.strip())

    def birth_years(self, today) -> tuple[set[int], int, int] | None:
        """The years of birth said (one for a year; two for an age, before and after this
        year's birthday) and the first and last year within a year of them."""
        if self.born is not None:
            said = {self.born}
        elif self.age is not None:
            said = {today.year - self.age - 1, today.year - self.age}
        else:
            return None
        return said, min(said) - 1, max(said) + 1


def search_cases(
    user, query: str, limit: int = 10, details: ChildDetails | None = None
) -> list[SearchHit]:
    """Find cases by case number, phone number, or the child's name however it is written
    (any script, any transliteration, with or without diacritics, with a typo). Ranked, and
    only among the cases the user may see. A name search also weighs `details`, what the
    caller knows of the child besides the name (see ChildDetails)."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    visible = cases_for(user)
    number = CASE_NUMBER.match(query)
    if number:
        country, year, serial = number.groups()
        wanted = f"{country.upper()}-{year}-{int(serial):06d}"
        return [SearchHit(c, 1.0, "number") for c in visible.filter(number=wanted)[:1]]
    digits = digits_of(query)
    if len(digits) >= 6 and len(digits) >= len(re.sub(r"\s", "", query)) - 3:
        return search_by_phone(visible, digits, limit)
    return search_by_name(user, visible, query, limit, details)


def search_by_phone(visible, digits: str, limit: int) -> list[SearchHit]:
    # The last digits identify a number whatever its country prefix (+30 / 0030 / none).
    tail = digits[-9:]
    by_person = CasePerson.objects.filter(phone_digits__endswith=tail).values("case_id")
    by_contact = Contact.objects.filter(caller_phone_digits__endswith=tail).values("case_id")
    found = visible.filter(Q(pk__in=by_person) | Q(pk__in=by_contact)).order_by("-opened_at")
    return [SearchHit(case, 1.0, "phone") for case in found[:limit]]


def search_by_name(
    user, visible, query: str, limit: int, details: ChildDetails | None = None
) -> list[SearchHit]:
    """Cases by the child's name, best first, in four short steps that each read a bounded
    amount however many cases there are:

    1. the index's words that share a key with a typed word (the region's spellings of that
       word and its one-letter typos: tens, not the thousands of names that have them), each
       scored once against each typed word;
    2. the names that have the best words, summed over the typed words in SQL and cut at
       CANDIDATES, from the user's own organisation and the names of cases shared with it;
    3. those names ranked in Python by name_similarity;
    4. the best `limit` cases of those names, best name and then latest first, ranked and
       read through the access policy in one query; or, with `details`, the cases of every
       name that comes near (born within a year of the year said), ranked by name, year and
       place (_rank_by_details).
    """
    slots = names.query_slots(query)[: names.MAX_TOKENS]
    if not slots or user.organisation_id is None:
        return []
    words = _words_sharing_keys(slots)
    texts = [text for _id, text in words]
    weights = []
    for position, slot in enumerate(slots):
        for (token_id, _text), similarity in zip(
            words, names.word_similarities(slot, texts), strict=True
        ):
            if similarity >= WORD_MIN_SIMILARITY:
                weights.append((token_id, position, names.word_credit(similarity)))
    if not weights:
        return []
    # The policy's CaseRule gives another organisation's cases only through a share: the names
    # of cases shared with the user's organisation are searched too (a subquery of step 2,
    # not a query of its own: each round trip to the database costs a wait for its process,
    # which on a busy server is most of a search's time), and of their cases only the shared
    # ones are read (step 4). `visible` stays the authority on every case shown.
    shared_names = (
        Case.objects.filter(pk__in=policy.shared_ids(Case, user))
        .order_by()
        .values("search_name_id")
    )
    candidates = _best_names(user.organisation_id, shared_names, weights)
    # What each name could score at most by name_similarity: the credit of its best word for
    # each typed word, and for a typed word none of its words came near (below
    # WORD_MIN_SIMILARITY), at most that much. The names are scored best bound first, and no
    # further once `limit` names score more than the next one's bound.
    absent = names.word_credit(WORD_MIN_SIMILARITY)
    bounded = sorted(
        (((total + absent * (len(slots) - present)) / len(slots), name_id, forms)
         for name_id, forms, total, present in candidates),
        key=lambda row: -row[0],
    )  # fmt: skip
    cache: dict[tuple[str, str], float] = {}
    scored: list[tuple[float, int]] = []
    if details:
        # The child may have any of the names that come near: a common name's children born
        # in other years, or elsewhere, fall behind the right child of a rarer spelling.
        for bound, name_id, forms in bounded:
            if bound >= MIN_SIMILARITY:
                scored.append((names.name_similarity(query, forms.split("|"), cache), name_id))
        score_of = {name_id: score for score, name_id in scored if score >= MIN_SIMILARITY}
        return _rank_by_details(user, visible, score_of, details, limit) if score_of else []
    for bound, name_id, forms in bounded:
        if len(scored) >= limit and sorted(scored, reverse=True)[limit - 1][0] > bound:
            break
        scored.append((names.name_similarity(query, forms.split("|"), cache), name_id))
    score_of = {name_id: score for score, name_id in scored if score >= MIN_SIMILARITY}
    if not score_of:
        return []
    # The best `limit` cases the user may see among the eligible names' cases, best name
    # first and, within a name, latest first: ranked by the database in the read itself, by
    # the index of cases by name and date. With a long tail most names have a case or two.
    # (Raw SQL: the ORM resolves a When per name, several times the cost of the query.)
    whens = " ".join(["WHEN %s THEN CAST(%s AS DOUBLE PRECISION)"] * len(score_of))
    name_score = RawSQL(  # noqa: S611 (our own table and column; every value a parameter)
        f"CASE {connection.ops.quote_name(Case._meta.db_table)}.search_name_id {whens} END",
        [value for name_id, score in score_of.items() for value in (name_id, score)],
        output_field=FloatField(),
    )
    best = (
        visible.filter(search_name_id__in=list(score_of))
        .alias(name_score=name_score)
        .order_by("-name_score", "-opened_at", "-pk")
        .select_related("country")[:limit]
    )
    return [SearchHit(case, score_of[case.search_name_id], "name") for case in best]


def _rank_by_details(user, visible, score_of: dict, details: ChildDetails, limit: int):
    """The best `limit` cases of the names in `score_of` ({name id: name score}): the name's
    score, raised by the year of birth and the place said, then latest first. One read of
    the few columns that rank them (only the children born within a year of the year said,
    or whose birth date is not known), then the best cases through the access policy."""
    years = details.birth_years(timezone.localdate())
    rows = visible.filter(search_name_id__in=list(score_of))
    if years:
        said, first, last = years
        rows = rows.filter(
            Q(date_of_birth__year__gte=first, date_of_birth__year__lte=last)
            | Q(date_of_birth__isnull=True)
        )
    place = _plain_place(details.place, user.organisation.country_id) if details.place else ""
    place_fits: dict[tuple[str, str], bool] = {}
    ranked = []
    for pk, name_id, born, age, seen_at, seen_place, country, country_name, opened in (
        rows.order_by().values_list(
            "pk", "search_name_id", "date_of_birth", "age_estimate", "last_seen_at",
            "last_seen_place", "country_id", "country__name", "opened_at",
        )
    ):  # fmt: skip
        score = score_of[name_id]
        if years:
            # Without a birth date, the year the estimated age gives (when last seen).
            year = born.year if born else (seen_at.year - age if age is not None else None)
            if year is not None and not first <= year <= last:
                continue
            if year in said:
                score += SAME_YEAR_CREDIT
            elif year is not None:
                score += NEAR_YEAR_CREDIT
        if place:
            fits = place_fits.get((seen_place, country))
            if fits is None:
                fits = place_fits[seen_place, country] = _place_fits(
                    place, seen_place, country, country_name
                )
            score += PLACE_CREDIT if fits else 0.0
        ranked.append((score, opened, pk))
    ranked.sort(reverse=True)
    best = {pk: score for score, _opened, pk in ranked[:limit]}
    cases = visible.filter(pk__in=list(best)).select_related("country")
    hits = [SearchHit(case, round(min(best[case.pk], 1.0), 3), "name") for case in cases]
    order = {pk: position for position, pk in enumerate(best)}
    return sorted(hits, key=lambda hit: order[hit.case.pk])


def _plain_place(place: str, country: str) -> str:
    """A place in plain Latin letters, as the country's convention writes it."""
    from .name_index import LATIN_CONVENTION

    return names.normalise_latin(names.transliterate(place, LATIN_CONVENTION.get(country, "sr")))


def _place_fits(said: str, seen_place: str, country: str, country_name: str) -> bool:
    """Whether the place said (plain Latin) is the case's place or its country: each word
    said close to a word of the place, or the country's code or name."""
    if said in (country.lower(), names.normalise_latin(country_name)):
        return True
    words = _plain_place(seen_place, country).split()
    return all(
        any(names.token_similarity(word, seen) >= PLACE_MIN_SIMILARITY for seen in words)
        for word in said.split()
    )


def _word_similarity(typed: str, word: str, cache: dict) -> float:
    similarity = cache.get((typed, word))
    if similarity is None:
        similarity = cache[typed, word] = names.token_similarity(typed, word)
    return similarity


def _words_sharing_keys(slots) -> list[tuple[int, str]]:
    """(id, text) of the index's words that share a key with a typed word."""
    keys = sorted({key for slot in slots for word in slot for key in names.token_keys(word)})
    rows: set[tuple[int, str]] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 500):  # SQLite's bound on a statement's parameters
            chunk = keys[start : start + 500]
            cursor.execute(
                f"SELECT DISTINCT t.id, t.text FROM {SearchTokenKey._meta.db_table} k "  # noqa: S608
                f"JOIN {SearchToken._meta.db_table} t ON t.id = k.token_id "
                f"WHERE k.key IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )  # our own tables; every value a parameter
            rows.update(cursor.fetchall())
    return sorted(rows)


def _best_names(organisation_id: int, shared_names, weights) -> list[tuple]:
    """(id, forms, score, typed words matched) of at most CANDIDATES names that have the best
    words: for each typed word the credit of its best word in the name, summed. Read from the
    postings' index alone, by word and organisation; a word of another organisation's name
    counts only for names of cases shared with the user's (`shared_names`, a queryset of
    their ids: a subquery here, read through the postings' index of names)."""
    shared_sql, shared_params = shared_names.query.sql_with_params()
    # Each typed word's words looked up in the postings' index, by word and organisation (and
    # for shared names, by word): joined to `w` in each part, not after a union of the
    # postings, which SQLite would copy into a table of its own and index anew per search.
    postings = (
        f"SELECT p.name_id, w.slot, w.weight FROM w "  # noqa: S608
        f"JOIN {SearchNameToken._meta.db_table} p ON p.token_id = w.token_id "
        f"WHERE p.organisation_id = %s"
        f" UNION ALL SELECT p.name_id, w.slot, w.weight FROM w "
        f"JOIN {SearchNameToken._meta.db_table} p ON p.token_id = w.token_id "
        f"WHERE p.organisation_id <> %s AND p.name_id IN ({shared_sql})"
    )
    params: list = [organisation_id, organisation_id, *shared_params]
    rows = ", ".join(
        ["(CAST(%s AS BIGINT), CAST(%s AS INTEGER), CAST(%s AS DOUBLE PRECISION))"] * len(weights)
    )
    sql = (
        f"WITH w (token_id, slot, weight) AS (VALUES {rows}) "  # noqa: S608
        f"SELECT n.id, n.forms, top.score, top.present FROM ("
        f" SELECT best.name_id, SUM(best.weight) AS score, COUNT(*) AS present FROM ("
        f"  SELECT p.name_id, p.slot, MAX(p.weight) AS weight"
        f"  FROM ({postings}) p GROUP BY p.name_id, p.slot"
        f" ) best GROUP BY best.name_id ORDER BY score DESC, best.name_id DESC LIMIT %s"
        f") top JOIN {SearchName._meta.db_table} n ON n.id = top.name_id"
    )  # our own tables; every value a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in weights for value in row] + params + [CANDIDATES])
        return cursor.fetchall()


def likely_duplicates(
    user,
    *,
    given_names: str,
    family_name: str = "",
    date_of_birth=None,
    place: str = "",
    limit: int = 5,
) -> list[SearchHit]:
    """Existing cases that may be the same child, shown before a new case is saved: a close
    name, raised by a matching birth date or place."""
    name = " ".join(filter(None, [given_names, family_name]))
    if not name.strip():
        return []
    hits = search_by_name(user, cases_for(user), name, limit=limit * 4)
    ranked = []
    for hit in hits:
        score = hit.score
        if date_of_birth and hit.case.date_of_birth:
            same = hit.case.date_of_birth == date_of_birth
            swapped = (hit.case.date_of_birth.day, hit.case.date_of_birth.month) == (
                date_of_birth.month,
                date_of_birth.day,
            ) and hit.case.date_of_birth.year == date_of_birth.year
            score += 0.15 if same or swapped else -0.1
        if place and place.lower() in hit.case.last_seen_place.lower():
            score += 0.05
        if score >= 0.8:
            ranked.append(SearchHit(hit.case, round(min(score, 1.0), 3), hit.matched_on))
    ranked.sort(key=lambda hit: -hit.score)
    return ranked[:limit]


def supervisor_board(user) -> dict:
    """The team's work, most urgent first: high-risk open cases, overdue tasks, open cases."""
    cases = cases_for(user).filter(organisation_id=user.organisation_id)
    now = timezone.now()
    open_cases = cases.open().select_related("assigned_manager")
    return {
        "high_risk": open_cases.filter(
            risk_level__in=[RiskLevel.HIGH, RiskLevel.CRITICAL]
        ).order_by("last_seen_at")[:50],
        "overdue_tasks": policy.visible_to(user, CaseTask)
        .filter(done_at__isnull=True, due_at__lt=now, case__organisation_id=user.organisation_id)
        .exclude(case__status=Status.CLOSED)
        .select_related("case", "assigned_to")
        .order_by("due_at")[:50],
        "unassigned": open_cases.filter(assigned_manager__isnull=True).order_by("-opened_at")[:50],
        "open_count": open_cases.count(),
        "by_status": dict(cases.values_list("status").annotate(n=Count("id")).order_by()),
    }


def my_tasks(user):
    return (
        policy.visible_to(user, CaseTask)
        .filter(assigned_to=user, done_at__isnull=True)
        .exclude(case__status=Status.CLOSED)
        .select_related("case")
        .order_by("due_at")
    )


def timeline(case: Case):
    """Everything that happened to the case, from the audit trail (reads left out): its own
    events, and for an imported case the import's event that created it."""
    own = Q(object_type=Case._meta.label_lower, object_id=str(case.pk))
    if case.imported_in_id:
        # A few events per import (one per batch of thousands): the case's is the one naming it.
        batches = AuditEvent.objects.filter(
            object_type=CaseImport._meta.label_lower, object_id=str(case.imported_in_id)
        ).values_list("pk", "details")
        own |= Q(
            pk__in=[pk for pk, details in batches if case.number in details.get("numbers", [])]
        )
    return AuditEvent.objects.filter(own).exclude(action=CaseAction.VIEW).order_by("sequence")


def file_for_reading(user, pk, *, origin: Origin):
    """A case file the user may see and its decrypted content; the read is audited."""
    from . import files
    from .models import CaseFile

    case_file = policy.get_visible_or_404(user, CaseFile.objects.select_related("case"), pk=pk)
    audit.record_read(
        CaseAction.FILE_VIEW, origin=origin, obj=case_file.case, details={"file": case_file.pk}
    )
    return case_file, files.load(case_file.case_id, case_file.storage_name)
