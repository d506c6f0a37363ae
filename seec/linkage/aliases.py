"""Nicknames learnt from the records themselves.

A child reported as Иван by a parent is registered as Иво by a shelter, and nothing in the
two spellings says they are one name. The records say it elsewhere: wherever a record gives
a name with a nickname beside it ("Иван, also known as Иво"), that pair is how the region's
people shorten that name. A run collects those pairs from all its records and lets each
record's given name be compared with its learnt nicknames, as if they had been written in
its own "other names" field. What counts as a nickname is thus the region's usage as its
records show it, never a list written for a test set, and it grows with the records.

Pairs are kept by phonetic key (records.py), so that a nickname learnt from Bulgarian
records (Петър, Пешо) is known when a Greek clerk writes it (Πεσο). How much a nickname
agreement weighs is learnt like every other level. A pair written in one record only may be a
one-off alias (a second given name, a street name): it takes `MIN_RECORDS` records that pair
the same two names for the pair to count for everyone.
"""

from collections import Counter
from collections.abc import Iterable

MIN_RECORDS = 2
# A common name has many nicknames; past this many, a name's learnt ones are not added.
MAX_NICKNAME_KEYS = 16


def learn(rows: Iterable[dict], min_records: int = MIN_RECORDS) -> dict[str, frozenset[str]]:
    """Every key of a given name → the keys of the nicknames that records pair with it, in
    both directions (a nickname's records find the full name's, and the other way)."""
    seen: Counter[tuple[str, str]] = Counter()
    for row in rows:
        given, nicknames = set(row.get("given_keys") or ()), set(row.get("nickname_keys") or ())
        nicknames -= given
        seen.update(
            {
                pair
                for name in given
                for nickname in nicknames
                for pair in ((name, nickname), (nickname, name))
            }
        )
    table: dict[str, set[str]] = {}
    for (name, nickname), records in seen.items():
        if records >= min_records:
            table.setdefault(name, set()).add(nickname)
    return {name: frozenset(nicknames) for name, nicknames in table.items()}


def with_learnt(rows: list[dict], table: dict[str, frozenset[str]]) -> list[dict]:
    """The rows with each given name's learnt nicknames among its nicknames' keys."""
    if not table:
        return rows
    out = []
    for row in rows:
        given = row.get("given_keys") or ()
        learnt = set().union(*(table.get(key, ()) for key in given)) - set(given)
        have = list(row.get("nickname_keys") or ())
        extra = sorted(learnt - set(have))
        if extra:
            row = {**row, "nickname_keys": (have + extra)[:MAX_NICKNAME_KEYS]}
        out.append(row)
    return out


def apply(datasets: list[list[dict]]) -> list[list[dict]]:
    """A run's datasets with the nicknames learnt from all of them (a cross-border run
    learns from both countries' records)."""
    table = learn(row for rows in datasets for row in rows)
    return [with_learnt(rows, table) for rows in datasets]
