"""The index that name search reads: each organisation's distinct names, their words, and
the words' keys.

A case does not carry search keys of its own: it points to the SearchName of its organisation
that holds its names' normalised spellings. A name has words (SearchNameToken), and a word
(SearchToken, shared by all organisations) has keys (see names.py). A hotline's ten thousand
Marias Papadopoulou share one name, scored once per search; its hundreds of Papadopoulos share
one word, whose keys are written once. Every path that creates or renames cases (opening,
editing, import, benchmarks) goes through `attach_search_names`, in the caller's transaction;
`manage.py index_case_names` rebuilds the whole index.
"""

import hashlib
from functools import lru_cache
from operator import itemgetter

from django.db import connection, transaction

from seec.core.bulk import array_param, column_where_in, insert_new, write_rows

from . import names
from .models import Case, SearchName, SearchNameToken, SearchToken, SearchTokenKey

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
def forms_and_tokens(*full_names: str) -> tuple[str, str, frozenset[str]]:
    """The "|"-joined normalised spellings of a child's names, their digest and their words.
    Cached: names repeat (an import of a hundred thousand rows has a few thousand names)."""
    forms: set[str] = set()
    for full_name in filter(None, full_names):
        forms |= names.latin_forms(full_name)
    joined = "|".join(sorted(forms))
    # The words of the forms are the names' words (name_tokens), read off once.
    return joined, hashlib.sha256(joined.encode()).hexdigest(), names.tokens_of_forms(joined)


def spellings(case: Case) -> tuple[str, str, frozenset[str]]:
    """forms_and_tokens of the case's names, its Latin name by default_latin_name if left
    empty."""
    latin = case.names_latin or default_latin_name(case)
    return forms_and_tokens(case.child_name, latin, case.other_names)


def work_out_names(case: Case) -> None:
    """Work out what writing the case's search name will ask for (its spellings, digest and
    words, and the words' keys), leaving it in their caches: the same calls, with the same
    arguments, as attach_search_names and token_ids_for make. The case is only read."""
    for word in spellings(case)[2]:
        names.token_keys(word)


def attach_search_names(cases: list[Case]) -> None:
    """Fill each case's Latin name if left empty and point the case at its organisation's
    SearchName, creating the names (and their words) that do not exist yet. The cases are not
    saved here."""
    wanted: dict[tuple[int, str], tuple[str, frozenset[str]]] = {}
    slots = []
    for case in cases:
        if not case.names_latin:
            case.names_latin = default_latin_name(case)
        forms, digest, tokens = spellings(case)
        slot = (case.organisation_id, digest)
        wanted.setdefault(slot, (forms, tokens))
        slots.append(slot)
    ids = _existing(wanted)
    missing = [slot for slot in wanted if slot not in ids]
    if missing:
        # Another transaction may create the same name meanwhile: the insert leaves it out (on
        # PostgreSQL after waiting for the other transaction; SQLite writes one transaction at
        # a time), and it came with its words. Only the names inserted here get them.
        created = {
            (organisation_id, digest): pk
            for pk, organisation_id, digest in insert_new(
                SearchName,
                ("organisation_id", "digest", "forms"),
                [(o, d, wanted[(o, d)][0]) for o, d in missing],
                returning=("id", "organisation_id", "digest"),
            )
        }
        ids.update(created)
        ids.update(_existing([slot for slot in missing if slot not in created]))
        index_words({pk: (slot[0], wanted[slot][1]) for slot, pk in created.items()})
    for case, slot in zip(cases, slots, strict=True):
        case.search_name_id = ids[slot]


def _existing(slots) -> dict[tuple[int, str], int]:
    by_organisation: dict[int, list[str]] = {}
    for organisation_id, digest in slots:
        by_organisation.setdefault(organisation_id, []).append(digest)
    return {
        (organisation_id, digest): pk
        for organisation_id, digests in by_organisation.items()
        for digest, pk in column_where_in(
            SearchName, "digest", digests, "id", where={"organisation_id": organisation_id}
        )
    }


def index_words(words_of: dict[int, tuple[int, frozenset[str]]]) -> None:
    """Write the words of names {name id: (organisation id, words)}: the words new to the
    index with their keys, then one posting per name and word."""
    if not words_of:
        return
    token_ids = token_ids_for({word for _org, words in words_of.values() for word in words})
    # By word, as the postings' index that search reads is ordered.
    _copy_rows(
        SearchNameToken,
        ("name_id", "token_id", "organisation_id"),
        sorted(
            (
                (name_id, token_ids[word], organisation_id)
                for name_id, (organisation_id, words) in words_of.items()
                for word in words
            ),
            key=itemgetter(1),
        ),
    )


# Rounds of adding the missing words and locking those others added meanwhile: a word is
# missing again only if it was added and then dropped between two rounds.
_WORD_ROUNDS = 5


def token_ids_for(words: set[str]) -> dict[str, int]:
    """The ids of these words in the index, adding those it does not have, with their keys.

    On PostgreSQL the words found are locked (FOR KEY SHARE, what a foreign key's check
    takes) till the caller's transaction ends: the postings written for them have no
    constraint to their word, and drop_words waits for the lock before it checks whether a
    name has a word. A word dropped before the lock is missing, and added again here."""
    ids = _token_ids(words)
    for _round in range(_WORD_ROUNDS):
        new = words - ids.keys()
        if not new:
            return ids
        # A word another transaction added meanwhile is left out here, and came with its keys.
        created = dict(
            insert_new(SearchToken, ("text",), [(w,) for w in sorted(new)], ("text", "id"))
        )
        ids.update(created)
        ids.update(_token_ids(new - created.keys()))
        # In the order of the keys' own index: its pages are written once each, in turn.
        _copy_rows(
            SearchTokenKey,
            ("token_id", "key"),
            sorted(
                ((created[word], key) for word in created for key in names.token_keys(word)),
                key=itemgetter(1),
            ),
        )
    missing = words - ids.keys()
    if missing:
        raise RuntimeError(f"words added and dropped again and again: {sorted(missing)[:5]}")
    return ids


def _token_ids(words) -> dict[str, int]:
    """The ids of those of these words that the index has; on PostgreSQL, locked against
    their deletion (see token_ids_for)."""
    if connection.vendor != "postgresql":
        # SQLite writes one transaction at a time: no word goes meanwhile.
        return dict(column_where_in(SearchToken, "text", list(words), "id"))
    if not words:
        return {}
    table = connection.ops.quote_name(SearchToken._meta.db_table)
    with connection.cursor() as cursor:
        # In the order of their ids, as drop_words locks them (no deadlock between the two).
        cursor.execute(
            f"SELECT text, id FROM {table} WHERE text = ANY(%s::varchar(64)[]) "  # noqa: S608
            f"ORDER BY id FOR KEY SHARE",
            [array_param(list(words))],
        )
        return dict(cursor.fetchall())


def _copy_rows(model, columns: tuple[str, ...], rows) -> None:
    """Rows straight to the model's table (COPY on PostgreSQL), without a model instance per
    row."""
    write_rows(model._meta.db_table, columns, rows)


def drop_unused(name_ids) -> None:
    """Delete names no case points to any more, and the words no name has any more: a child's
    name does not outlive its cases."""
    unused = SearchName.objects.filter(pk__in=list(name_ids), cases__isnull=True)
    words = list(SearchNameToken.objects.filter(name__in=unused).values_list("token_id", flat=True))
    unused.delete()
    # A word another transaction gives to a new name meanwhile stays (drop_words).
    drop_words(words)


# Words whose keys are deleted per statement: some 26 keys each, within SQLite's bound on a
# statement's parameters.
_WORDS_AT_ONCE = 30


def drop_words(word_ids) -> None:
    """Delete the words among `word_ids` that no name has, with their keys.

    A word's keys are found by its text (names.token_keys) through their primary key: the
    table has no index by word (see SearchTokenKey). The words are locked first, so that no
    name gets one of them between the check that none has it and its deletion, which would
    leave a word without keys."""
    ids = sorted(set(word_ids))
    if not ids:
        return
    with transaction.atomic():
        # In the order of their ids, as every writer that locks several words.
        list(SearchToken.objects.select_for_update().filter(pk__in=ids).order_by("pk")
             .values_list("pk"))  # fmt: skip
        doomed = list(
            SearchToken.objects.filter(pk__in=ids, names__isnull=True).values_list("pk", "text")
        )
        for start in range(0, len(doomed), _WORDS_AT_ONCE):
            part = doomed[start : start + _WORDS_AT_ONCE]
            # Each of these keys with each of these words: a pair that is not one word's own
            # key is no row (and, if it were, its word goes too).
            SearchTokenKey.objects.filter(
                key__in=sorted({key for _pk, text in part for key in names.token_keys(text)}),
                token_id__in=[pk for pk, _text in part],
            ).delete()
        SearchToken.objects.filter(pk__in=[pk for pk, _text in doomed]).delete_checked()


def drop_keys_without_words() -> int:
    """Delete keys whose word is gone (deleted round the application, or whose keys an older
    release's names.token_keys made differently): a scan of all keys, for index_case_names."""
    return SearchTokenKey.objects.exclude(token_id__in=SearchToken.objects.values("pk")).delete()[0]
