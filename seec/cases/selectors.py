"""Reads of cases and contacts, always through the access policy."""

import re
from dataclasses import dataclass

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
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
    SearchNameKey,
    Status,
    digits_of,
)
from .services import CaseAction

CASE_NUMBER = re.compile(r"^\s*([A-Za-z]{2})-?(\d{4})-?(\d{1,6})\s*$")
# Names fetched by shared keys before ranking; a name search never scores more than this.
CANDIDATES = 200
MIN_SIMILARITY = 0.6


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


def search_cases(user, query: str, limit: int = 10) -> list[SearchHit]:
    """Find cases by case number, phone number, or the child's name however it is written
    (any script, any transliteration, with or without diacritics, with a typo). Ranked, and
    only among the cases the user may see."""
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
    return search_by_name(user, visible, query, limit)


def search_by_phone(visible, digits: str, limit: int) -> list[SearchHit]:
    # The last digits identify a number whatever its country prefix (+30 / 0030 / none).
    tail = digits[-9:]
    by_person = CasePerson.objects.filter(phone_digits__endswith=tail).values("case_id")
    by_contact = Contact.objects.filter(caller_phone_digits__endswith=tail).values("case_id")
    found = visible.filter(Q(pk__in=by_person) | Q(pk__in=by_contact)).order_by("-opened_at")
    return [SearchHit(case, 1.0, "phone") for case in found[:limit]]


def search_by_name(user, visible, query: str, limit: int) -> list[SearchHit]:
    keys = names.query_keys(query)
    if not keys or user.organisation_id is None:
        return []
    # Candidate names: those sharing the most keys with the query, read from the user's own
    # organisation's slice of the index and from the names of cases shared with it (the
    # policy's CaseRule gives no other organisation's case); `visible` stays the authority.
    shared_names = Case.objects.filter(pk__in=policy.shared_ids(Case, user)).values(
        "search_name_id"
    )
    candidate_rows = (
        SearchNameKey.objects.filter(
            Q(organisation_id=user.organisation_id) | Q(name_id__in=shared_names), key__in=keys
        )
        .values("name_id")
        .annotate(shared=Count("name_id"))
        .order_by("-shared")[:CANDIDATES]
    )
    candidates = SearchName.objects.filter(pk__in=[row["name_id"] for row in candidate_rows])
    scored = sorted(
        (
            (names.name_similarity(query, forms.split("|")), name_id)
            for name_id, forms in candidates.values_list("pk", "forms")
        ),
        reverse=True,
    )
    # Best names first, each name's latest cases; stop once no later name can rank higher.
    # The names are read `limit` at a time, each with its latest `limit` cases in one query:
    # with a long tail of names most have a case or two, and a query per name was ten.
    eligible = [(score, name_id) for score, name_id in scored if score >= MIN_SIMILARITY]
    hits: list[SearchHit] = []
    for start in range(0, len(eligible), limit):
        batch = eligible[start : start + limit]
        if len(hits) >= limit and batch[0][0] < hits[-1].score:
            break
        score_of = {name_id: score for score, name_id in batch}
        latest = Window(
            RowNumber(), partition_by=[F("search_name_id")], order_by=F("opened_at").desc()
        )
        named = (
            visible.filter(search_name_id__in=score_of)
            .annotate(latest_of_name=latest)
            .filter(latest_of_name__lte=limit)
            .select_related("country")
        )
        hits += [SearchHit(case, score_of[case.search_name_id], "name") for case in named]
        hits.sort(key=lambda hit: (-hit.score, -hit.case.opened_at.timestamp()))
        del hits[limit:]
    return hits


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
