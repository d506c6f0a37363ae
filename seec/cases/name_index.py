"""The index that name search reads: each organisation's distinct names, with their keys.

A case does not carry search keys of its own: it points to the SearchName of its organisation
that holds its names' normalised spellings, and that name holds the keys (see names.py). A
hotline's ten thousand Marias Papadopoulou share one name, scored once per search, and one set
of keys, written once. Every path that creates or renames cases (opening, editing, import,
benchmarks) goes through `attach_search_names`, in the caller's transaction.
"""

import hashlib
from functools import lru_cache

from django.db import connection
from django.db.models import Q

from . import names
from .models import Case, SearchName, SearchNameKey

# Latin spelling of a name as given, by the convention of the country whose hotline records it.
LATIN_CONVENTION = {
    "RS": "sr",
    "ME": "sr",
    "BA": "sr",
    "MK": "mk",
    "BG": "bg",
    "UA": "uk",
    "GR": "el",
    "CY": "el",
}


def default_latin_name(case: Case) -> str:
    """The name as given, in Latin script, by the case country's own convention."""
    return _latin(case.child_name, LATIN_CONVENTION.get(case.country_id, "sr"))


@lru_cache(maxsize=50_000)
def _latin(name: str, convention: str) -> str:
    return names.transliterate(name, convention)


@lru_cache(maxsize=50_000)
def forms_and_keys(*full_names: str) -> tuple[str, str, frozenset[str]]:
    """The "|"-joined normalised spellings of a child's names, their digest and search keys.
    Cached: names repeat (an import of a hundred thousand rows has a few thousand names)."""
    forms: set[str] = set()
    keys: set[str] = set()
    for full_name in filter(None, full_names):
        forms |= names.latin_forms(full_name)
        keys |= names.name_keys(full_name)
    joined = "|".join(sorted(forms))
    return joined, hashlib.sha256(joined.encode()).hexdigest(), frozenset(keys)


def attach_search_names(cases: list[Case]) -> None:
    """Fill each case's Latin name if left empty and point the case at its organisation's
    SearchName, creating the names (and their keys) that do not exist yet. The cases are not
    saved here."""
    wanted: dict[tuple[int, str], tuple[str, frozenset[str]]] = {}
    slots = []
    for case in cases:
        if not case.names_latin:
            case.names_latin = default_latin_name(case)
        forms, digest, keys = forms_and_keys(case.child_name, case.names_latin, case.other_names)
        slot = (case.organisation_id, digest)
        wanted.setdefault(slot, (forms, keys))
        slots.append(slot)
    ids = _existing(wanted)
    missing = [slot for slot in wanted if slot not in ids]
    if missing:
        # Another transaction may create the same name meanwhile: the insert skips it, and only
        # the names still without keys get them (on PostgreSQL the insert waits for the other
        # transaction; SQLite writes one transaction at a time).
        SearchName.objects.bulk_create(
            [SearchName(organisation_id=o, digest=d, forms=wanted[(o, d)][0]) for o, d in missing],
            ignore_conflicts=True,
        )
        created = _existing(dict.fromkeys(missing))
        ids.update(created)
        keyless = set(
            SearchName.objects.filter(pk__in=created.values(), keys__isnull=True).values_list(
                "pk", flat=True
            )
        )
        insert_name_keys(
            (ids[slot], slot[0], key)
            for slot in missing
            if ids[slot] in keyless
            for key in sorted(wanted[slot][1])
        )
    for case, slot in zip(cases, slots, strict=True):
        case.search_name_id = ids[slot]


def _existing(slots) -> dict[tuple[int, str], int]:
    by_organisation: dict[int, list[str]] = {}
    for organisation_id, digest in slots:
        by_organisation.setdefault(organisation_id, []).append(digest)
    condition = Q()
    for organisation_id, digests in by_organisation.items():
        condition |= Q(organisation_id=organisation_id, digest__in=digests)
    rows = SearchName.objects.filter(condition).values_list("organisation_id", "digest", "pk")
    return {(organisation_id, digest): pk for organisation_id, digest, pk in rows}


def insert_name_keys(rows) -> None:
    """(name id, organisation id, key) rows straight to the table (COPY on PostgreSQL),
    without a model instance per row."""
    table = SearchNameKey._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {table} (name_id, organisation_id, key) FROM STDIN"  # our own table
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} (name_id, organisation_id, key) VALUES (%s, %s, %s)",  # noqa: S608
                list(rows),
            )


def drop_unused(name_ids) -> None:
    """Delete names no case points to any more: a child's name does not outlive its cases."""
    SearchName.objects.filter(pk__in=list(name_ids), cases__isnull=True).delete()
