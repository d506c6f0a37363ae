"""The linkage model: Fellegi–Sunter, with match weights learnt from the data by Splink.

Comparisons are written for the region's records (see records.py for the columns):
- names: any common Latin form (after every transliteration convention), the phonetic key,
  Jaro–Winkler of the best pair of forms, one typo, the consonant skeleton (the same name by
  another script's convention); a given name found among the other record's nicknames,
  listed or learnt from other records (aliases.py); given and family name swapped;
- date of birth: exact, day and month swapped, one typed digit off, a few days or a year
  apart, two typos apart, other known dates; a date guessed from an age counts for its year
  only, within one or three years;
- sex, nationality; distance between the places last seen or registered, and the time between;
- learnt by each run from its own records: two children of one family (the same family name
  and place, different given names) share their birth and registration dates far more often
  than the fields' independent weights assume; what was counted twice is taken back
  (`family_and_place_weights`).

Blocking keeps the comparisons far below n²: pairs share the phonetic keys of both names, or
one key and the birth year, or the date of birth, or a document number, or the swapped keys,
or the skeletons, or both initials with the birth year or the place, or the start of the
address with one name key or the birth year.

Backends: DuckDB embedded by default; Spark by configuration (`SEEC_LINKAGE_BACKEND`) for runs
larger than one machine: the same comparisons, written in Spark's SQL where the two differ.
"""

import json
import logging
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

from seec.linkage import aliases

SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("given_forms", pa.list_(pa.string())),
        ("other_forms", pa.list_(pa.string())),
        ("family_forms", pa.list_(pa.string())),
        ("given_key", pa.string()),
        ("given_keys", pa.list_(pa.string())),
        ("nickname_keys", pa.list_(pa.string())),
        ("family_key", pa.string()),
        ("script", pa.string()),
        ("given_skeletons", pa.list_(pa.string())),
        ("family_skeletons", pa.list_(pa.string())),
        ("dob", pa.string()),
        ("dob_exact", pa.bool_()),
        ("birth_year", pa.int32()),
        ("sex", pa.string()),
        ("nationality", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("event_date", pa.string()),
        ("country", pa.string()),
        ("address", pa.string()),
        ("document_number", pa.string()),
        ("cluster", pa.string()),  # the true child, in labelled (synthetic) data only
    ]
)

logger = logging.getLogger(__name__)

REFERENCE_MODEL = Path(__file__).with_name("reference_model.json")


BACKENDS = ("duckdb", "spark")


def _list_sql(dialect: str) -> dict[str, str]:
    """The comparisons that the engines write differently: the best Jaro–Winkler over every
    pair of two records' name forms, whether two lists share a form, and an address's words.

    Splink writes its own comparisons in each engine's SQL, not ours: it reads a level's SQL as
    the backend's dialect, and sqlglot turns neither DuckDB's list functions and lambdas nor its
    `jaro_winkler_similarity` into Spark's (where Jaro–Winkler is the `jaro_winkler` function
    of Splink's jar). DuckDB's stay as they were: the reference model was trained with them.

    Edits on Spark are `_spark_edits`, not the jar's `damerau_levenshtein`: every use asks
    "at most one edit?", which Spark's own Levenshtein answers far faster."""
    if dialect == "spark":
        return {
            "best_jaro_winkler": "array_max(transform({left}, x -> array_max(transform({right}, "
            "y -> jaro_winkler(x, y)))))",
            "fewest_edits": "array_min(transform({left}, x -> array_min(transform({right}, "
            "y -> " + _spark_edits("x", "y") + "))))",
            "edits": _spark_edits("{left}", "{right}"),
            "shares": "size(array_intersect({left}, {right})) > 0",
            "jaro_winkler": "jaro_winkler({left}, {right})",
            "words": "split({text}, ' ')",
            "has_all": "size(array_except({right}, {left})) = 0",
            "common": "size(array_intersect({left}, {right}))",
            "count": "size({items})",
        }
    return {
        "best_jaro_winkler": "list_max(list_transform({left}, lambda x: list_max(list_transform("
        "{right}, lambda y: jaro_winkler_similarity(x, y)))))",
        "fewest_edits": "list_min(list_transform({left}, lambda x: list_min(list_transform("
        "{right}, lambda y: damerau_levenshtein(x, y)))))",
        "edits": "damerau_levenshtein({left}, {right})",
        "shares": "len(list_intersect({left}, {right})) > 0",
        "jaro_winkler": "jaro_winkler_similarity({left}, {right})",
        "words": "str_split({text}, ' ')",
        "has_all": "list_has_all({left}, {right})",
        "common": "len(list_intersect({left}, {right}))",
        "count": "len({items})",
    }


def _spark_edits(left: str, right: str) -> str:
    """The Damerau–Levenshtein distance of two strings in Spark SQL, capped at 2 ("two or
    more"): 0 the same, 1 one letter wrong, missing, added, or two neighbours swapped.

    The model only ever asks whether two strings are at most one edit apart, and the jar's
    `damerau_levenshtein` (Scala lists, a new one per cell) was the largest share of a Spark
    run's comparing: in 11 of 28 samples of the comparing threads' stacks (a link of 200,000
    × 200,000 scoring its pairs), and in every sample inside a UDF. Spark's own
    `levenshtein` with a threshold stops as soon as the distance is past it; a swap of
    neighbours (Levenshtein 2) is looked for only between strings of one length that it
    leaves two edits apart. NULL with a NULL side, as the jar's function and DuckDB's."""
    swapped = (
        f"exists(sequence(1, length({left}) - 1), i -> "
        f"substr({left}, i, 2) = reverse(substr({right}, i, 2)) AND "
        f"substr({left}, 1, i - 1) = substr({right}, 1, i - 1) AND "
        f"substr({left}, i + 2) = substr({right}, i + 2))"
    )
    return (
        f"(CASE WHEN {left} IS NULL OR {right} IS NULL THEN NULL "
        f"WHEN {left} = {right} THEN 0 "
        f"WHEN levenshtein({left}, {right}, 1) >= 0 THEN 1 "
        f"WHEN length({left}) = length({right}) AND length({left}) >= 2 "
        f"AND levenshtein({left}, {right}, 2) = 2 AND {swapped} THEN 1 "
        "ELSE 2 END)"
    )


# The family name's level for two names written each in the other's field.
BOTH_SWAPPED_LEVEL = "both names swapped"


def _name_comparison(column: str, key: str, dialect: str) -> dict:
    """Levels from the strongest evidence down; the first that holds scores the pair."""
    sql = _list_sql(dialect)
    skeletons = column.removesuffix("_forms") + "_skeletons"
    best = sql["best_jaro_winkler"].format(left=f"{column}_l", right=f"{column}_r")
    edits = sql["fewest_edits"].format(left=f"{column}_l", right=f"{column}_r")
    skeleton_edits = sql["fewest_edits"].format(left=f"{skeletons}_l", right=f"{skeletons}_r")
    other_script = "script_l <> script_r"

    def shares(left: str, right: str) -> str:
        return sql["shares"].format(left=left, right=right)

    sounds_alike = shares(f"{skeletons}_l", f"{skeletons}_r")

    # Names written in the other field. One name in the wrong field is one piece of evidence
    # and counts once, with the family name (whichever record it is in: the pair's order
    # means nothing). Nicknames (other_forms: the given name's forms and the listed
    # nicknames) count with the given name. A record with one name only, written in the other
    # field, counts with the given name: the family name's comparison has nothing to compare
    # it with. Two swapped names are both names' evidence, counted once, by the family name's
    # comparison (a level of its own, capped at both names written alike: `capped_swap`); the
    # given name's says nothing of them (its null level). They are not a nickname: scored in
    # the given name's nickname level, two names' evidence weighed as one name's.
    # A name in the other field: the same form. For two swapped names each is often misspelt
    # or written in another script as well: the same form, the same skeleton or a near
    # spelling of each is enough.
    sides = (("given", "family"), ("family", "given"))
    crossed = [shares(f"{a}_forms_l", f"{b}_forms_r") for a, b in sides]
    near = [
        f"({same_form} OR {shares(f'{a}_skeletons_l', f'{b}_skeletons_r')} OR "
        + sql["best_jaro_winkler"].format(left=f"{a}_forms_l", right=f"{b}_forms_r")
        + " >= 0.85)"
        for same_form, (a, b) in zip(crossed, sides, strict=True)
    ]
    one_name = "family_forms_l IS NULL OR family_forms_r IS NULL"
    both_swapped = f"({near[0]} AND {near[1]})"
    # A swap of two names needs support from another field (the birth year): two common
    # names of a community, each near the other record's other name, are often two children
    # (Flamur Ndreu Berisha 2013 and Ndreu Shehu Flamur 2010). Unsupported, the names say
    # nothing either way.
    supported = "abs(birth_year_l - birth_year_r) <= 1"
    # Without a birth year on one side nothing supports a swap, and nothing contradicts it:
    # two names each written exactly as the other record's other name still count as the
    # swap (capped at both names written alike), not as one name in the other field.
    unknown_year = "(birth_year_l IS NULL OR birth_year_r IS NULL)"
    exact_swap = f"({crossed[0]} AND {crossed[1]})"
    null = f"{column}_l IS NULL OR {column}_r IS NULL"
    agrees = shares(f"{column}_l", f"{column}_r")
    levels_swapped = []
    # The cheap tests first in each condition (DuckDB stops at the first that settles a
    # row): the best Jaro–Winkler across two records' forms is the costliest test a pair
    # gets, and most pairs already share a form or differ in their birth years.
    if column == "given_forms":
        null = f"{null} OR (NOT {agrees} AND {both_swapped})"
        swapped = " OR ".join(
            [
                shares("given_forms_l", "other_forms_r"),
                shares("other_forms_l", "given_forms_r"),
                # A nickname listed with the name or learnt from other records (aliases.py),
                # by its phonetic key: the scripts write one nickname differently.
                shares("given_keys_l", "nickname_keys_r"),
                shares("nickname_keys_l", "given_keys_r"),
                f"(({crossed[0]} OR {crossed[1]}) AND ({one_name}) AND {supported})",
            ]
        )
    else:
        null = f"{null} OR (NOT {agrees} AND NOT {supported} AND {both_swapped})"
        levels_swapped = [
            {
                "sql_condition": (
                    f"{both_swapped} AND ({supported} OR ({unknown_year} AND {exact_swap}))"
                ),
                "label_for_charts": BOTH_SWAPPED_LEVEL,
            }
        ]
        # One name in the other field.
        swapped = " OR ".join(crossed)

    return {
        "output_column_name": column.removesuffix("_forms") + "_name",
        "comparison_levels": [
            {"sql_condition": null, "is_null_level": True},
            # A common name says less than a rare one: the weight is adjusted by how often the
            # name occurs, against this level's own chance agreement. (Splink would otherwise
            # take the u of the level that compares the key itself, "sounds the same", which
            # holds only the pairs whose forms differ: a far smaller u, and every shared name,
            # even a rare one, would be marked down by several bits.)
            {
                "sql_condition": shares(f"{column}_l", f"{column}_r"),
                "label_for_charts": "same",
                "tf_adjustment_column": key,
                "tf_adjustment_weight": 1.0,
                "disable_tf_exact_match_detection": True,
            },
            # No frequency adjustment here: how often a key occurs is not how often two
            # different spellings of it meet by chance.
            {"sql_condition": f"{key}_l = {key}_r", "label_for_charts": "sounds the same"},
            {"sql_condition": f"{best} >= 0.92", "label_for_charts": "Jaro-Winkler >= 0.92"},
            # Before the looser spellings: a nickname or a swap is stronger evidence than a
            # near spelling that it may also happen to be.
            *levels_swapped,
            {"sql_condition": swapped, "label_for_charts": "nickname or swapped"},
            # One letter typed wrong, left out, added or two swapped: what Jaro-Winkler
            # scores low in a short name (Tha, Taha; Merić, Mešić).
            {"sql_condition": f"{edits} <= 1", "label_for_charts": "one typo"},
            # Written in two scripts by two conventions: the same consonants (records.py).
            # In one script, names that agree only so are more often two names (Marko, Mirko).
            {
                "sql_condition": f"{other_script} AND {sounds_alike}",
                "label_for_charts": "sounds alike, another script",
            },
            {"sql_condition": sounds_alike, "label_for_charts": "sounds alike"},
            {
                "sql_condition": f"{other_script} AND {skeleton_edits} <= 1",
                "label_for_charts": "sounds alike but for a typo, another script",
            },
            {"sql_condition": f"{best} >= 0.80", "label_for_charts": "Jaro-Winkler >= 0.80"},
            # A transcription can fail where a copy in one alphabet rarely does: different
            # names in one script say more against than in two.
            {"sql_condition": other_script, "label_for_charts": "different, another script"},
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    }


def _address_comparison(dialect: str) -> dict:
    """Addresses by their words: the same address is written with or without its town, its
    postcode or its house number, and in another order; a character similarity of the whole
    string reads each of these as a different address."""
    sql = _list_sql(dialect)
    words = {side: sql["words"].format(text=f"address_{side}") for side in ("l", "r")}
    return {
        "output_column_name": "address",
        "comparison_levels": [
            {"sql_condition": "address_l IS NULL OR address_r IS NULL", "is_null_level": True},
            {"sql_condition": "address_l = address_r", "label_for_charts": "same"},
            {
                "sql_condition": " OR ".join(
                    [
                        sql["has_all"].format(left=words["l"], right=words["r"]),
                        sql["has_all"].format(left=words["r"], right=words["l"]),
                    ]
                ),
                "label_for_charts": "one within the other",
            },
            {
                "sql_condition": (
                    f"2 * {sql['common'].format(left=words['l'], right=words['r'])} >= "
                    f"greatest({sql['count'].format(items=words['l'])}, "
                    f"{sql['count'].format(items=words['r'])})"
                ),
                "label_for_charts": "half the words in common",
            },
            {
                "sql_condition": sql["jaro_winkler"].format(left="address_l", right="address_r")
                + " >= 0.9",
                "label_for_charts": "Jaro-Winkler >= 0.9",
            },
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    }


def _swapped_dob(side: str) -> str:
    return (
        f"substr(dob_{side}, 1, 4) || '-' || substr(dob_{side}, 9, 2) || '-' || "
        f"substr(dob_{side}, 6, 2)"
    )


# The same SQL on both engines but for the typo (`_list_sql`'s edits).
_BOTH_KNOWN = "dob_exact_l AND dob_exact_r"
_DAYS_APART = (
    "abs(CAST(substr(dob_l, 9, 2) AS INTEGER) - CAST(substr(dob_r, 9, 2) AS INTEGER)) <= 3"
)


def _dob_comparison(dialect: str) -> dict:
    typo = _list_sql(dialect)["edits"].format(left="dob_l", right="dob_r")
    return {
        "output_column_name": "dob",
        "comparison_levels": [
            {
                "sql_condition": "birth_year_l IS NULL OR birth_year_r IS NULL",
                "is_null_level": True,
            },
            # A date guessed from an age (an officer writes 1 January of the year) tells the year
            # only: two guesses of the same year are not the same date, and the levels below
            # that read day and month are for dates both known.
            {
                "sql_condition": f"NOT ({_BOTH_KNOWN}) AND birth_year_l = birth_year_r",
                "label_for_charts": "same year, a date guessed",
            },
            {"sql_condition": "dob_l = dob_r", "label_for_charts": "same date"},
            {
                "sql_condition": (
                    f"{_BOTH_KNOWN} AND dob_l <> dob_r AND {_swapped_dob('l')} = dob_r"
                ),
                "label_for_charts": "day and month swapped",
            },
            {
                "sql_condition": f"{_BOTH_KNOWN} AND {typo} <= 1",
                "label_for_charts": "typo",
            },
            {
                # How birth dates are mistyped: a few days off in the month, or the year off by
                # one on the same day. Siblings are born further apart.
                "sql_condition": (
                    f"{_BOTH_KNOWN} AND ((substr(dob_l, 1, 7) = substr(dob_r, 1, 7) "
                    f"AND {_DAYS_APART}) OR (substr(dob_l, 6, 5) = substr(dob_r, 6, 5) AND"
                    " abs(birth_year_l - birth_year_r) = 1))"
                ),
                "label_for_charts": "a few days or a year apart",
            },
            {
                # Two typos: a year and a few days, or day and month swapped and a year.
                "sql_condition": (
                    f"{_BOTH_KNOWN} AND abs(birth_year_l - birth_year_r) <= 1 AND ("
                    f"(substr(dob_l, 6, 2) = substr(dob_r, 6, 2) AND {_DAYS_APART}) OR "
                    f"substr({_swapped_dob('l')}, 6, 5) = substr(dob_r, 6, 5))"
                ),
                "label_for_charts": "two typos apart",
            },
            {
                # Known dates within a year of each other, a birth date guessed or mistyped in
                # more than one place (a year and a day, a year and a swap); siblings are rarely
                # born so close, which the weights learnt tell.
                "sql_condition": (f"{_BOTH_KNOWN} AND abs(birth_year_l - birth_year_r) <= 1"),
                "label_for_charts": "known dates a year apart or less",
            },
            {
                # Two dates both known for sure, further apart: two different children.
                "sql_condition": _BOTH_KNOWN,
                "label_for_charts": "different known dates",
            },
            {
                "sql_condition": "abs(birth_year_l - birth_year_r) <= 1",
                "label_for_charts": "±1 year",
            },
            {
                "sql_condition": "abs(birth_year_l - birth_year_r) <= 3",
                "label_for_charts": "±3 years",
            },
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    }


# The days between two records' dates registered or last seen, the event_date comparison's
# thresholds.
EVENT_DAYS = (7, 30, 60, 120, 365)


def comparisons(dialect: str = "duckdb") -> list:
    return [
        _name_comparison("given_forms", "given_key", dialect),
        _name_comparison("family_forms", "family_key", dialect),
        _dob_comparison(dialect),
        cl.ExactMatch("sex"),
        cl.ExactMatch("nationality"),
        cl.DistanceInKMAtThresholds("latitude", "longitude", [5, 50, 200, 600]).configure(
            term_frequency_adjustments=False
        ),
        _address_comparison(dialect),
        cl.DamerauLevenshteinAtThresholds("document_number", [1, 2]),
        cl.AbsoluteDateDifferenceAtThresholds(
            "event_date",
            thresholds=list(EVENT_DAYS),
            metrics=["day"] * len(EVENT_DAYS),
            input_is_string=True,
        ),
    ]


# Records of two children of one family: the same family name, places within this many km of
# each other (the place comparison's closest level), and given names that differ.
SIBLING_KM = 5
# Dates registered within this many days: siblings (twins above all) are born together and
# registered together; the closest of them within a week.
REGISTERED_TOGETHER_DAYS = 60
SAME_WEEK_DAYS = 7
FAMILY_AND_PLACE = "family_and_place"
# Fewer sibling-like pairs in a run than this and their shares say too little: the
# comparison is left out of the run's model.
MIN_SIBLING_PAIRS = 200
BORN_TOGETHER = "born within a typo of each other"
SIBLING_LEVELS = (
    "born the same day, registered the same week",
    f"{BORN_TOGETHER}, registered together",
    BORN_TOGETHER,
    "registered together",
    "other",
)


def _family_and_place_comparison(dialect: str) -> dict:
    """Pairs that look like two children of one family: the same family name, the same
    place, different given names. Fellegi–Sunter adds each field's evidence as if the fields
    were independent given a match or not; among siblings they are not: twins share a birth
    date, children of one family are registered on one day, and every such agreement counts
    in full beside the family name and the place. This comparison's levels (the birth dates
    and the dates registered, together or not) carry what those agreements are worth among
    such pairs; its weights are learnt by each run (`family_and_place_weights`), never
    positive."""
    sql = _list_sql(dialect)

    def shares(left: str, right: str) -> str:
        return sql["shares"].format(left=left, right=right)

    # The same conditions as the place's and the date registered's own comparisons, written
    # by Splink for the dialect.
    near = (
        cl.DistanceInKMAtThresholds("latitude", "longitude", [SIBLING_KM])
        .get_comparison(dialect)
        .as_dict()["comparison_levels"][1]["sql_condition"]
    )
    registered, same_week = (
        cl.AbsoluteDateDifferenceAtThresholds(
            "event_date", thresholds=[days], metrics=["day"], input_is_string=True
        )
        .get_comparison(dialect)
        .as_dict()["comparison_levels"][2]["sql_condition"]
        for days in (REGISTERED_TOGETHER_DAYS, SAME_WEEK_DAYS)
    )
    best = sql["best_jaro_winkler"].format(left="given_forms_l", right="given_forms_r")
    edits = sql["fewest_edits"].format(left="given_forms_l", right="given_forms_r")
    # Given names that the given name's comparison finds different (none of its levels
    # above "different" holds): no shared form, key, skeleton or nickname, no near spelling.
    # (A list missing on one side, as nicknames often are, shares nothing.)
    given_differ = " AND ".join(
        [
            "given_key_l <> given_key_r",
            *(
                f"NOT coalesce({shares(left, right)}, FALSE)"
                for left, right in (
                    ("given_skeletons_l", "given_skeletons_r"),
                    ("given_forms_l", "other_forms_r"),
                    ("other_forms_l", "given_forms_r"),
                    ("given_keys_l", "nickname_keys_r"),
                    ("nickname_keys_l", "given_keys_r"),
                )
            ),
            f"{edits} > 1",
            f"{best} < 0.80",
        ]
    )
    # Not a sibling-like pair: NOT coalesce(family AND near AND differ, FALSE), written as the
    # same test of each part in turn, so that the given names' costly comparisons are made
    # only for the few pairs that share a family name and a place (inside coalesce DuckDB
    # evaluated every part for every pair: a third of the comparing time at scale).
    not_siblings = " OR ".join(
        f"NOT coalesce({part}, FALSE)"
        for part in (shares("family_forms_l", "family_forms_r"), f"({near})", f"({given_differ})")
    )
    typo = sql["edits"].format(left="dob_l", right="dob_r")
    born = f"{_BOTH_KNOWN} AND ({typo} <= 1 OR {_swapped_dob('l')} = dob_r)"
    return {
        "output_column_name": FAMILY_AND_PLACE,
        "comparison_levels": [
            # Any pair that is not sibling-like (a NULL anywhere included): no evidence.
            {"sql_condition": not_siblings, "is_null_level": True},
            # The finer the levels, the closer each pair's weight to what its own dates
            # counted twice: twins registered together apart from the other siblings.
            {
                "sql_condition": f"{_BOTH_KNOWN} AND dob_l = dob_r AND ({same_week})",
                "label_for_charts": SIBLING_LEVELS[0],
            },
            {
                "sql_condition": f"({born}) AND ({registered})",
                "label_for_charts": SIBLING_LEVELS[1],
            },
            {"sql_condition": born, "label_for_charts": SIBLING_LEVELS[2]},
            {"sql_condition": registered, "label_for_charts": SIBLING_LEVELS[3]},
            {"sql_condition": "ELSE", "label_for_charts": SIBLING_LEVELS[4]},
        ],
    }


BLOCKING = [
    block_on("given_key", "family_key"),
    block_on("family_key", "birth_year"),
    # One name and the other's first letter: Tom and Thomas, Вовк and Ввок.
    block_on("family_key", "substr(given_key, 1, 1)"),
    block_on("given_key", "substr(family_key, 1, 1)"),
    block_on("given_key", "birth_year"),
    block_on("dob"),
    # A birth date with its year mistyped or guessed wrong keeps its day and month: with one
    # name's key, or with both names' first letters when each name is misspelt too.
    block_on("family_key", "if(dob_exact, substr(dob, 6, 5), NULL)"),
    block_on("given_key", "if(dob_exact, substr(dob, 6, 5), NULL)"),
    block_on(
        "substr(given_key, 1, 1)",
        "substr(family_key, 1, 1)",
        "if(dob_exact, substr(dob, 6, 5), NULL)",
    ),
    block_on("document_number"),
    # Names that sound alike written in two scripts (records.py: their skeletons).
    block_on(
        "given_skeletons",
        "family_skeletons",
        arrays_to_explode=["given_skeletons", "family_skeletons"],
    ),
    block_on("family_skeletons", "birth_year", arrays_to_explode=["family_skeletons"]),
    block_on("family_skeletons", "substr(given_key, 1, 1)", arrays_to_explode=["family_skeletons"]),
    block_on("given_skeletons", "substr(family_key, 1, 1)", arrays_to_explode=["given_skeletons"]),
    CustomRule(
        "l.given_skeletons = r.family_skeletons AND l.family_skeletons = r.given_skeletons",
        arrays_to_explode=["given_skeletons", "family_skeletons"],
    ),
    # Both names misspelt (keys differ): their first letters, with the birth year or the
    # place; and names in the other field with one of them misspelt, with the birth year.
    block_on("substr(given_key, 1, 1)", "substr(family_key, 1, 1)", "birth_year"),
    block_on("substr(given_key, 1, 1)", "substr(family_key, 1, 1)", "latitude", "longitude"),
    "substr(l.given_key, 1, 1) = substr(r.family_key, 1, 1) AND "
    "substr(l.family_key, 1, 1) = substr(r.given_key, 1, 1) AND l.birth_year = r.birth_year",
    "l.given_key = r.family_key AND l.birth_year = r.birth_year",
    "l.family_key = r.given_key AND l.birth_year = r.birth_year",
    # Where a child lived or was registered, with one name: nicknames and unknown birth dates.
    block_on("substr(address, 1, 10)", "given_key"),
    block_on("substr(address, 1, 10)", "family_key"),
    block_on("substr(address, 1, 10)", "birth_year"),
    "l.given_key = r.family_key AND l.family_key = r.given_key",
    # One record with a single name, written in the other field.
    "l.given_key = r.family_key AND (l.family_key IS NULL OR r.given_key IS NULL)",
    "l.family_key = r.given_key AND (r.family_key IS NULL OR l.given_key IS NULL)",
]

# Past this many records the broad rules above (one name and a letter, a birth year, a
# date that may be a guess) make comparisons that grow with the square of the records, as
# the blocks of common names and guessed dates fill: 26 million at 200,000 records, 690
# million at a million. A large run keeps the names-and-birth rules, each with a third
# condition: 34 million comparisons at a million records, for 0.83 of the true pairs
# blocked instead of 0.94 (bench/linkage_scale measures both).
#
# Both names' keys alone were still the largest of these rules (half the pairs at 300,000
# records: the blocks of a common given and family name grow with the records, their pairs
# with the square). They are kept for birth years within three years of each other, the
# widest the birth date's comparison tells from "different" (two windows of six years, the
# second shifted by three: any two years three apart or closer share one), and where a birth
# year is unknown: 0.77 million pairs instead of 1.45 million at 300,000 records, and the
# same share of the true pairs blocked (0.8237): a pair of one name whose birth years are
# further apart falls to the birth date's lowest levels whichever rule compares it.
LARGE_RUN = 250_000
BLOCKING_AT_SCALE = [
    block_on("given_key", "family_key", "birth_year"),
    block_on("given_key", "family_key", "floor(birth_year / 6)"),
    block_on("given_key", "family_key", "floor((birth_year + 3) / 6)"),
    "l.given_key = r.given_key AND l.family_key = r.family_key AND "
    "(l.birth_year IS NULL OR r.birth_year IS NULL)",
    block_on("if(dob_exact, dob, NULL)", "substr(given_key, 1, 1)"),
    block_on("family_key", "birth_year", "substr(given_key, 1, 1)"),
    block_on("given_key", "birth_year", "substr(family_key, 1, 1)"),
    block_on("family_key", "dob"),
    block_on("given_key", "dob"),
    block_on("document_number"),
    "l.given_key = r.family_key AND l.family_key = r.given_key",
]


def blocking_for(records: int) -> list:
    return BLOCKING if records <= LARGE_RUN else BLOCKING_AT_SCALE


def _blocking_dicts(rules: list, dialect: str) -> list:
    return [
        rule.create_blocking_rule_dict(dialect)
        if hasattr(rule, "create_blocking_rule_dict")
        else {"blocking_rule": rule, "sql_dialect": "duckdb"}
        for rule in rules
    ]


@dataclass
class Result:
    pairs: list[dict]
    parameters: dict
    comparisons_made: int = 0
    timings: dict = field(default_factory=dict)


def settings(link_type: str, dialect: str = "duckdb", records: int = 0) -> SettingsCreator:
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(dialect),
        blocking_rules_to_generate_predictions=blocking_for(records),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


def spark_session():
    """The process's Spark session (one per process: later calls get the same), started with
    Splink's similarity functions. Their jar ships inside the splink package, so nothing is
    downloaded; on a cluster Spark sends it to the executors (`spark.jars`)."""
    from django.conf import settings as django_settings
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(django_settings.SEEC_SPARK_MASTER)
        .appName("seec-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", django_settings.SEEC_SPARK_DRIVER_MEMORY)
        .config("spark.sql.shuffle.partitions", django_settings.SEEC_SPARK_SHUFFLE_PARTITIONS)
        # The per-run estimation joins the run's pairs to their comparison levels; Spark's size
        # guess for that side overran the driver's broadcast memory on a small machine, so
        # joins shuffle instead of broadcasting (the same result, bounded memory).
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        # No web UI on the platform's servers (one more open port), no progress bars in its logs.
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("WARN")
    return session


@contextmanager
def _database(backend: str):
    """Splink's connection to the engine for one run.

    DuckDB: a database in memory, gone with the run. Spark: a session of the run's own on the
    process's Spark context, so that runs at the same time do not see each other's tables;
    the tables it cached are dropped when it ends."""
    if backend == "duckdb":
        import tempfile

        import duckdb
        from django.conf import settings as django_settings
        from splink.backends.duckdb import DuckDBAPI

        # Bounded: past the limit DuckDB writes to disk rather than grow (a million records'
        # blocked pairs are tens of millions); the spilled files go with the run.
        spill_root = Path(django_settings.VAR_DIR) / "tmp"
        spill_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="duckdb-", dir=spill_root) as spill:
            connection = duckdb.connect(
                config={
                    "memory_limit": django_settings.SEEC_LINKAGE_DUCKDB_MEMORY,
                    "temp_directory": spill,
                }
            )
            try:
                yield DuckDBAPI(connection=connection)
            finally:
                connection.close()
    elif backend == "spark":
        import uuid

        from django.conf import settings as django_settings

        session = spark_session().newSession()
        # The run's intermediate tables go to a directory of its own, removed with the run: on
        # a cluster somewhere the driver and every executor reach (SEEC_SPARK_SCRATCH_DIR:
        # hdfs://…, s3a://…, a shared disk), in local mode under VAR_DIR/tmp.
        root = django_settings.SEEC_SPARK_SCRATCH_DIR or str(Path(django_settings.VAR_DIR) / "tmp")
        scratch = f"{root.rstrip('/')}/spark-{uuid.uuid4().hex}"
        try:
            yield _spark_api(session, scratch)
        finally:
            for table in session.catalog.listTables():
                if table.isTemporary:
                    session.catalog.dropTempView(table.name)
            _delete_scratch(session, scratch)
    else:
        raise ValueError(f"Unknown linkage backend {backend!r}: one of {', '.join(BACKENDS)}.")


# Splink's tables that a later step reads again, beyond those Splink itself writes out on
# Spark: the counts an EM iterates over (read once per iteration), and the run's pairs with
# their levels (`pair_levels`: read by what the run learns, then scored).
_SPARK_WRITTEN = ("__splink__agreement_pattern_counts", "__seec_pair_levels")


def _spark_api(session, scratch: str):
    """Splink's Spark backend for one run, writing its intermediate tables as Parquet under
    `scratch` and reading them back.

    With Splink's `persist` (cached tables) a run at 10,000 records took over 13 minutes on
    two busy cores and its JVM grew to 4.8 GB: Splink's drop does nothing for a cached table,
    so every table stayed in the heap until the run ended; the records, registered as rows
    held in the query plan, went out with every task again (2.7 MB tasks); and the EM's
    agreement counts and the run's pair levels (`pair_levels`), tables Splink does not write
    out, were computed again each time a step read them (each EM iteration ~24 s). Written
    as Parquet, each step's result is computed once, its lineage ends there, and the heap
    holds plans only: the same run took 7 minutes, 3.1 GB in all."""
    from splink.backends.spark import SparkAPI

    class RunSparkAPI(SparkAPI):
        def _table_registration(self, input, table_name):
            # Written once as Parquet: a scan of files, not a plan carrying every record.
            frame = self.spark.createDataFrame(input)
            path = f"{scratch}/{table_name}"
            frame.write.mode("overwrite").parquet(path)
            self.spark.read.parquet(path).createOrReplaceTempView(table_name)

        def _get_checkpoint_dir_path(self, spark_df):
            return scratch

        def _break_lineage_and_repartition(self, spark_df, templated_name, physical_name):
            if templated_name in _SPARK_WRITTEN:
                path = f"{scratch}/{physical_name}"
                spark_df.write.mode("overwrite").parquet(path)
                return self.spark.read.parquet(path)
            return super()._break_lineage_and_repartition(spark_df, templated_name, physical_name)

    return RunSparkAPI(spark_session=session, break_lineage_method="parquet")


def _delete_scratch(session, scratch: str) -> None:
    """Remove a run's scratch directory wherever it is (a local disk, HDFS, S3), with the
    file system Spark wrote it with."""
    jvm = session.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(scratch)
    path.getFileSystem(session.sparkContext._jsc.hadoopConfiguration()).delete(path, True)


# What the other fields' chance agreement is learnt among: pairs that share this key, whose
# own comparison keeps the u of random pairs.
CONDITIONED_ON = {"key": "family_key", "comparison": "family_name"}


def learn_chance_agreement(linker: Linker) -> tuple[dict, dict]:
    """u, how often two different children agree by chance, learnt from these records.

    The family name's u from random pairs. Every other field's u among pairs of records that
    share a family name's key: there, two different children agree far more often on
    nationality, on where they were and on a given name (a family, a community) than two
    random records do. Fellegi–Sunter multiplies the fields' evidence as if it were
    independent; measured among random pairs, a Turkish name and a Turkish nationality would
    count twice. With u conditional on the family name, the product is the chain rule
    (sure where family names agree; for pairs whose family names differ the other fields
    count a little less than they could, which errs on the side of no match). EM on that
    blocking, m held as learnt from labelled records, learns those u.

    Returns the model with u from random pairs only (for `_conditional_frequencies`) and the
    model with u conditional on the family name."""
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    marginal = linker.misc.save_model_to_json()
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(CONDITIONED_ON["key"]),
            fix_m_probabilities=True,
            fix_u_probabilities=False,
            estimate_without_term_frequencies=True,
            # Common family names make hundreds of millions of such pairs in a large run; a
            # few million sampled pairs tell the same shares.
            max_pairs=5e6,
        )
    except ValueError as error:
        if "u_probability" not in str(error):
            raise
        # In a small run a level may be reached, among pairs of one family name, only by
        # pairs that are surely one child: its u comes out 0, which Splink refuses. The u
        # of random pairs then stand for every field: less exact, never impossible.
        logger.warning("Chance agreement learnt from random pairs only: %s", error)
        return marginal, marginal
    return marginal, linker.misc.save_model_to_json()


def _conditional_frequencies(marginal: dict, conditional: dict) -> dict:
    """A frequency-adjusted level with u conditional on the family name.

    Splink scores such a level m/u × u/tf(name): the level's u cancels, and the name's
    weight would be m/tf whatever u was learnt. What is wanted is m/(tf × lift), lift being
    how much more often a name is shared among pairs with the same family name
    (u_conditional / u_marginal). Written as u = u_marginal and m = m × u_marginal /
    u_conditional, Splink's product is exactly that."""
    parameters = json.loads(json.dumps(conditional))
    before = {
        (comparison["output_column_name"], level.get("label_for_charts")): level
        for comparison in marginal["comparisons"]
        for level in comparison["comparison_levels"]
    }
    for comparison in parameters["comparisons"]:
        if comparison["output_column_name"] == CONDITIONED_ON["comparison"]:
            continue
        for level in comparison["comparison_levels"]:
            was = before[(comparison["output_column_name"], level.get("label_for_charts"))]
            u, u_marginal = level.get("u_probability"), was.get("u_probability")
            m = level.get("m_probability")
            adjusted = level.get("tf_adjustment_column")
            if adjusted and all(isinstance(x, float) and x > 0 for x in (u, u_marginal, m)):
                level["m_probability"] = m * u_marginal / u
                level["u_probability"] = u_marginal
    return parameters


def train(linker: Linker) -> None:
    """Learn the match weights from the data itself (no labels): the share of matches from
    pairs that agree on name keys and date of birth, u by random sampling, m by EM on two
    blockings that leave different fields free."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_key", "family_key", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family_key", "given_key"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), estimate_without_term_frequencies=True
    )


# EM over the pairs of one blocking can leave a level that is rare among them with m = 0: a
# weight of minus infinity, which would veto every pair at that level however much else
# agrees. No level is impossible for the same child; the least it gets is this.
M_FLOOR = 1e-3


def with_m_floor(parameters: dict) -> dict:
    parameters = json.loads(json.dumps(parameters))
    for comparison in parameters["comparisons"]:
        levels = [
            level for level in comparison["comparison_levels"] if not level.get("is_null_level")
        ]
        learnt = [level.get("m_probability") for level in levels]
        if not any(isinstance(m, float) for m in learnt):
            continue  # a field these records never have: nothing was learnt, nothing to floor
        for level, m in zip(levels, learnt, strict=True):
            # A level that never occurred among the matches has no m at all. (Not scaled
            # back to a sum of 1: the floor is far below any m learnt, and a frequency-
            # adjusted level's m may stand for m over a lift, see _conditional_frequencies.)
            level["m_probability"] = max(m if isinstance(m, float) else 0.0, M_FLOOR)
    return parameters


def pairs_possible(sizes: list[int]) -> int:
    """Every pair a run could compare: within the one list, or across the lists."""
    if len(sizes) == 1:
        return sizes[0] * (sizes[0] - 1) // 2
    return sum(a * b for i, a in enumerate(sizes) for b in sizes[i + 1 :])


def settle_match_share(linker: Linker, tables: list, pairs: int, rounds: int = 4) -> Linker:
    """The share of matches among all pairs, re-estimated as EM does: the expected number of
    matches (the sum of the blocked pairs' match probabilities; a pair outside every block is
    taken for a non-match) over the number of all pairs, until it settles.

    The first estimate (train) assumes how many matches an exact rule finds; where many
    records lack a birth date or misspell a name it finds far fewer than assumed, the share
    comes out too low, and every match's probability with it."""
    for _ in range(rounds):
        predictions = linker.inference.predict()
        expected = linker.misc.query_sql(
            # The table's name is Splink's own, never user input.
            f"SELECT sum(match_probability) AS expected FROM {predictions.physical_name}",  # noqa: S608
            output_type="pandas",
        )["expected"][0]
        predictions.drop_table_from_database_and_remove_from_cache()
        parameters = linker.misc.save_model_to_json()
        before = parameters["probability_two_random_records_match"]
        share = min(max(float(expected or 0) / pairs, 1 / pairs), 0.5)
        parameters["probability_two_random_records_match"] = share
        linker = Linker(tables, parameters)
        if abs(share - before) <= 0.02 * before:
            break
    return linker


def capped_swap(parameters: dict) -> dict:
    """Two swapped names (the family name's BOTH_SWAPPED_LEVEL) weigh at most what both names
    written alike do (each name's "same" level, before its frequency adjustment): a swap is
    the two names' evidence counted once, never more, however rare a swap is among the run's
    random pairs (a u learnt from a handful of them made it +20 bits)."""
    parameters = json.loads(json.dumps(parameters))
    levels = {
        (comparison["output_column_name"], level.get("label_for_charts")): level
        for comparison in parameters["comparisons"]
        for level in comparison["comparison_levels"]
    }
    found = [
        levels.get(key)
        for key in (
            ("given_name", "same"),
            ("family_name", "same"),
            ("family_name", BOTH_SWAPPED_LEVEL),
        )
    ]
    values = [
        level.get(which) if level else None
        for level in found
        for which in ("m_probability", "u_probability")
    ]
    if not all(isinstance(v, float) and v > 0 for v in values):
        return parameters
    m_given, u_given, m_family, u_family, m_swap, u_swap = values
    found[2]["m_probability"] = min(m_swap, u_swap * (m_given / u_given) * (m_family / u_family))
    return parameters


# The comparisons whose distribution among records of one child depends on the kind of run,
# not on the child: records of one case registered twice are days and metres apart, records
# of one child written by two countries' agencies months and hundreds of kilometres apart.
# Their m is learnt by each run (`learn_from_run`), not carried over from the reference.
LEARNT_PER_RUN = ("event_date", "latitude_longitude")
# A pair's weight without those comparisons is binned this finely (bits) for the EM below.
_WEIGHT_BIN = 0.25
RUN_EM_ROUNDS = 40


def _gammas(comparison: dict) -> list[tuple[int, dict]]:
    """A comparison's levels with the value Splink gives them in gamma_ columns: the null
    level -1, the others counting down from the first to the last (ELSE) at 0."""
    levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
    return [(len(levels) - 1 - i, level) for i, level in enumerate(levels)]


def _m_and_u(comparison: dict) -> tuple[np.ndarray, np.ndarray]:
    """A comparison's m and u by gamma value, floored as the model scores them (M_FLOOR;
    a u of 0 would make an infinite weight)."""
    gammas = _gammas(comparison)
    m, u = np.zeros(len(gammas)), np.zeros(len(gammas))
    for gamma, level in gammas:
        m[gamma] = max(float(level.get("m_probability") or 0.0), M_FLOOR)
        u[gamma] = max(float(level.get("u_probability") or 0.0), 1e-9)
    return m, u


def pair_levels(linker: Linker):
    """Every pair the run's blocking makes, scored once and kept small: both ids, each
    comparison's level (gamma) and the name-frequency adjustments — not the weights, the
    probability or the compared columns. What the run learns from its pairs
    (`learn_from_run`, `sibling_pairs`) is counted from it, and its pairs are then scored
    from it with what was learnt (`scored_pairs`) rather than compared a second time: a
    comparison's weight depends on its level alone, and the frequency adjustments on the
    names' u, which a run does not learn again there. A million records' 35 million pairs
    held with every column and weight took 20 GB and were compared twice."""
    from splink.internals.comparison_vector_values import (
        compute_comparison_vector_values_from_id_pairs_sqls,
    )
    from splink.internals.dialects import SplinkDialect
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.predict import predict_from_comparison_vectors_sqls
    from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

    settings_obj = linker._settings_obj
    # The blocked pairs as predict() makes them: Splink's own steps, up to the weights.
    blocked, cached = linker.inference._get_or_compute_blocked_pairs_for_predict_chunk(
        left_chunk=(1, 1), right_chunk=(1, 1)
    )
    try:
        pipeline = CTEPipeline([blocked])
        enqueue_df_concat_with_tf(linker, pipeline)
        columns = settings_obj.column_info_settings
        pipeline.enqueue_list_of_sqls(
            compute_comparison_vector_values_from_id_pairs_sqls(
                settings_obj._columns_to_select_for_blocking,
                settings_obj._columns_to_select_for_comparison_vector_values,
                input_tablename_l="__splink__df_concat_with_tf",
                input_tablename_r="__splink__df_concat_with_tf",
                source_dataset_input_column=columns.source_dataset_input_column,
                unique_id_input_column=columns.unique_id_input_column,
                link_type=settings_obj._link_type,
                sql_dialect_str=linker._sql_dialect_str,
            )
        )
        # Predict's first step only: each comparison's level and weights, not yet summed.
        parts = predict_from_comparison_vectors_sqls(
            unique_id_input_columns=columns.unique_id_input_columns,
            core_model_settings=settings_obj.core_model_settings,
            sql_dialect=SplinkDialect.from_string(linker._sql_dialect_str),
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=True,
        )[0]
        if parts["output_table_name"] != "__splink__df_match_weight_parts":
            raise RuntimeError("Splink's predict steps are not those this module reads.")
        pipeline.enqueue_sql(parts["sql"], parts["output_table_name"])
        kept = ["unique_id_l", "unique_id_r"]
        for comparison in settings_obj.comparisons:
            gamma = comparison._gamma_column_name
            # A level is a small integer: a byte a pair rather than four.
            kept.append(f"cast({gamma} as tinyint) as {gamma}")
            if comparison._has_tf_adjustments:
                kept.append(comparison._mw_tf_adj_column_name)
        pipeline.enqueue_sql(
            f"select {', '.join(kept)} from __splink__df_match_weight_parts",  # noqa: S608
            "__seec_pair_levels",
        )
        return linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)
    finally:
        if not cached:
            blocked.drop_table_from_database_and_remove_from_cache()


def _weight_sql(linker: Linker, leaving_out=()) -> str:
    """A pair's match weight under `linker`'s model, in SQL over `pair_levels`' columns:
    the prior, each comparison's weight by its level and its frequency adjustment, summed in
    the order Splink's predict sums them; the comparisons `leaving_out` left out."""
    from splink.internals.misc import prob_to_match_weight

    settings_obj = linker._settings_obj
    prior = settings_obj.core_model_settings.probability_two_random_records_match
    terms = [f"cast({prob_to_match_weight(prior)} as float8)"]
    for comparison in settings_obj.comparisons:
        if comparison.output_column_name in leaving_out:
            continue
        terms.append(_level_weight_sql(comparison))
        if comparison._has_tf_adjustments:
            terms.append(comparison._mw_tf_adj_column_name)
    return " + ".join(terms)


def _level_weight_sql(comparison) -> str:
    """A comparison's weight by its level, as Splink's predict writes it."""
    gamma = comparison._gamma_column_name
    whens = " ".join(level._match_weight_sql(gamma) for level in comparison.comparison_levels)
    return f"(CASE {whens} END)"


def _frequency_terms(linker: Linker) -> dict:
    """The comparisons with name-frequency adjustments and what of their levels the
    adjustments `pair_levels` kept depend on (u, the adjustment's weight and floor)."""
    return {
        comparison.output_column_name: [
            (level._u_probability, level._tf_adjustment_weight, level._tf_minimum_u_value)
            for level in comparison.comparison_levels
            if not level.is_null_level
        ]
        for comparison in linker._settings_obj.comparisons
        if comparison._has_tf_adjustments
    }


def scored_pairs(linker: Linker, pair_table, threshold: float):
    """The pairs of `pair_table` (`pair_levels`) at or above `threshold`, scored with
    `linker`'s model as Splink's predict would: ids, match weight and probability, each
    comparison's level, weight and frequency adjustment."""
    from splink.internals.misc import threshold_args_to_match_weight

    settings_obj = linker._settings_obj
    columns = ["unique_id_l", "unique_id_r"]
    for comparison in settings_obj.comparisons:
        columns += [
            comparison._gamma_column_name,
            f"{_level_weight_sql(comparison)} AS {comparison._mw_column_name}",
        ]
        if comparison._has_tf_adjustments:
            columns.append(comparison._mw_tf_adj_column_name)
    weight = _weight_sql(linker)
    least = threshold_args_to_match_weight(threshold, None)
    where = "" if least is None else f"WHERE ({weight}) >= {least}"
    return linker.misc.query_sql(
        # Column names are this module's and Splink's, the table's Splink's own: no user input.
        f"SELECT {', '.join(columns)}, {weight} AS match_weight, "  # noqa: S608
        f"CASE WHEN ({weight}) >= 0 THEN 1.0 / (1.0 + power(cast(2 as float8), -({weight}))) "
        f"ELSE power(cast(2 as float8), ({weight})) / (1.0 + power(cast(2 as float8), "
        f"({weight}))) END AS match_probability "
        f"FROM {pair_table.physical_name} {where}",
        output_type="splink_df",
    )


def learn_from_run(linker: Linker, tables: list, pairs: int, pair_table) -> Linker:
    """The share of matches among this run's pairs, and m of the comparisons LEARNT_PER_RUN,
    by expectation–maximisation over every blocked pair of the run, every other m and every
    u held as they are. `pair_table`: the run's pairs as `pair_levels` keeps them.

    The reference's share of matches was learnt on one dedupe of the generator's records;
    the share in a run depends on the run (a cross-border link of two lists holds a match
    for most records of the smaller, a country's own cases hardly any), and every
    probability moves with it. The time between two records and the distance between their
    places are what they are for that kind of run: the reference's m, learnt where records
    of one child are weeks apart, would mark a cross-border pair a year apart down by
    several bits. EM over the blocked pairs (nearly every match is among them) learns both
    from the run's own records: the pairs are summarised in SQL as a histogram (the levels
    of those comparisons and the rest of the weight, binned), so the EM costs the same for
    a thousand records or a million."""
    parameters = linker.misc.save_model_to_json()
    by_name = {c["output_column_name"]: c for c in parameters["comparisons"]}
    present = {column.unquote().name for column in pair_table.columns}
    learnt = [name for name in LEARNT_PER_RUN if name in by_name and f"gamma_{name}" in present]
    # The weight of the other comparisons (with the prior), as Splink scores a pair.
    rest = _weight_sql(linker, leaving_out=learnt)
    gammas = ", ".join(f"gamma_{name}" for name in learnt)
    histogram = linker.misc.query_sql(
        # Column names are this module's and Splink's, the table's Splink's own: no user input.
        f"SELECT {gammas}{', ' if learnt else ''}"  # noqa: S608
        f"round(({rest}) / {_WEIGHT_BIN}) * {_WEIGHT_BIN} AS weight, count(*) AS pairs "
        f"FROM {pair_table.physical_name} GROUP BY ALL",
        output_type="pandas",
    )
    siblings = sibling_pairs(linker, pair_table)
    if histogram.empty:
        return Linker(tables, family_and_place_weights(parameters, siblings))
    prior = float(parameters["probability_two_random_records_match"])
    counts = histogram["pairs"].to_numpy(dtype=float)
    rest = histogram["weight"].to_numpy(dtype=float) - math.log2(prior / (1 - prior))
    levels, m, u = {}, {}, {}
    for name in learnt:
        levels[name] = histogram[f"gamma_{name}"].to_numpy(dtype=int)
        m[name], u[name] = _m_and_u(by_name[name])
    share = prior
    for _ in range(RUN_EM_ROUNDS):
        logit = rest + math.log2(share / (1 - share))
        for name in learnt:
            known = levels[name] >= 0
            logit[known] += np.log2(m[name] / u[name])[levels[name][known]]
        expected = counts / (1 + np.exp2(-np.clip(logit, -60, 60)))
        before = share
        share = min(max(float(expected.sum()) / pairs, 1 / pairs), 0.5)
        for name in learnt:
            known = levels[name] >= 0
            found = np.bincount(
                levels[name][known], weights=expected[known], minlength=len(m[name])
            )
            if found.sum() > 0:
                shares = found / found.sum()
                m[name] = np.maximum(shares, M_FLOOR) / np.maximum(shares, M_FLOOR).sum()
        if abs(share - before) <= 1e-3 * before:
            break
    parameters["probability_two_random_records_match"] = share
    for name in learnt:
        for gamma, level in _gammas(by_name[name]):
            level["m_probability"] = float(m[name][gamma])
    # After the m of the dates registered are the run's own: the siblings' levels read them.
    return Linker(tables, family_and_place_weights(parameters, siblings))


# The fields that two children of one family share beyond what their u (learnt among pairs
# of one family name) tells: the birth date (twins) and the date registered.
SIBLINGS_SHARE = ("dob", "event_date")


def with_family_and_place(parameters: dict, dialect: str) -> dict:
    """The model with the FAMILY_AND_PLACE comparison, weighing nothing yet (m = u at each
    level): a run learns its weights (`family_and_place_weights`)."""
    parameters = json.loads(json.dumps(parameters))
    if any(c["output_column_name"] == FAMILY_AND_PLACE for c in parameters["comparisons"]):
        return parameters
    comparison = _family_and_place_comparison(dialect)
    for level in comparison["comparison_levels"]:
        if not level.get("is_null_level"):
            level["m_probability"] = level["u_probability"] = 1 / len(SIBLING_LEVELS)
    parameters["comparisons"].append(comparison)
    return parameters


def sibling_pairs(linker: Linker, predictions):
    """The run's sibling-like pairs (FAMILY_AND_PLACE not at its null level) counted by that
    comparison's level and by the levels of the fields SIBLINGS_SHARE; None if the model has
    no such comparison."""
    present = {column.unquote().name for column in predictions.columns}
    columns = [f"gamma_{name}" for name in (FAMILY_AND_PLACE, *SIBLINGS_SHARE)]
    if not all(column in present for column in columns):
        return None
    return linker.misc.query_sql(
        # Column names are this module's, the table's Splink's own: no user input.
        f"SELECT {', '.join(columns)}, count(*) AS pairs "  # noqa: S608
        f"FROM {predictions.physical_name} WHERE gamma_{FAMILY_AND_PLACE} >= 0 GROUP BY ALL",
        output_type="pandas",
    )


def _share_of_levels(comparison: dict, held) -> float:
    """How much of a comparison's m the levels `held(i, label)` hold (i counts from the
    first, strongest, level)."""
    levels = [level for _, level in _gammas(comparison)]
    ms = [float(level.get("m_probability") or 0.0) for level in levels]
    kept = [
        m for i, (m, level) in enumerate(zip(ms, levels, strict=True))
        if held(i, level.get("label_for_charts"))
    ]  # fmt: skip
    return sum(kept) / sum(ms) if sum(ms) > 0 else 0.0


def family_and_place_weights(parameters: dict, siblings) -> dict:
    """The FAMILY_AND_PLACE comparison's weights, from this run's sibling-like pairs; the
    comparison left out where they are fewer than MIN_SIBLING_PAIRS (or not counted).

    The model counts a sibling-like pair's birth date and date registered as if they were
    independent of the family name and place it shares: their weights (SIBLINGS_SHARE) add up
    to what the two dates would be worth between two random records of one family name.
    Among records of one family and place the two dates agree far more often (twins,
    children registered together). What the dates are worth among such pairs is the
    likelihood ratio of the level they fall in: m, how often a child's two records fall in
    it (from the model's m of the two dates, independent for one child: a clerk's typo in a
    birth date says nothing of when the child was registered) over how often the run's
    sibling-like pairs do. Each level's weight is that ratio less the dates' weights the
    model already counts for such pairs on average, and never more than 0: it only takes
    back what was counted twice, it never adds to a match. (m is stored as u × 2^weight: the
    weight is what is learnt.) The pairs counted are those the run's blocking compares, the
    pairs it scores; the few of them that are one child with a given name transcribed
    beyond recognition count as siblings, which errs on the side of no match."""
    parameters = json.loads(json.dumps(parameters))
    comparisons = parameters["comparisons"]
    by_name = {c["output_column_name"]: c for c in comparisons}
    if FAMILY_AND_PLACE not in by_name:
        return parameters
    total = 0 if siblings is None else int(siblings["pairs"].sum())
    if total < MIN_SIBLING_PAIRS:
        parameters["comparisons"] = [c for c in comparisons if c is not by_name[FAMILY_AND_PLACE]]
        return parameters
    dob, event = by_name["dob"], by_name["event_date"]
    # The birth date's levels of two known dates a typo apart at most (the levels' SQL).
    same_day = _share_of_levels(dob, lambda _, label: label == "same date")
    born = _share_of_levels(
        dob, lambda _, label: label in ("same date", "day and month swapped", "typo")
    )
    # The event_date comparison's exact level, then one level per threshold.
    week_levels = 1 + sum(days <= SAME_WEEK_DAYS for days in EVENT_DAYS)
    together_levels = 1 + sum(days <= REGISTERED_TOGETHER_DAYS for days in EVENT_DAYS)
    week = _share_of_levels(event, lambda i, _: i < week_levels)
    together = _share_of_levels(event, lambda i, _: i < together_levels)
    m_of_level = {
        SIBLING_LEVELS[0]: same_day * week,
        SIBLING_LEVELS[1]: born * together - same_day * week,
        SIBLING_LEVELS[2]: born * (1 - together),
        SIBLING_LEVELS[3]: (1 - born) * together,
        SIBLING_LEVELS[4]: (1 - born) * (1 - together),
    }

    def weight(name: str, gammas) -> np.ndarray:
        """Each pair's weight of one field, as the model scores it (0 at its null level)."""
        m, u = _m_and_u(by_name[name])
        table = np.log2(m / u)
        gammas = np.asarray(gammas, dtype=int)
        return np.where(gammas >= 0, table[np.maximum(gammas, 0)], 0.0)

    counts = siblings["pairs"].to_numpy(dtype=float)
    counted = sum(weight(name, siblings[f"gamma_{name}"]) for name in SIBLINGS_SHARE)
    found = siblings[f"gamma_{FAMILY_AND_PLACE}"].to_numpy(dtype=int)
    for gamma, level in _gammas(by_name[FAMILY_AND_PLACE]):
        here = found == gamma
        pairs = float(counts[here].sum())
        u = pairs / total
        if pairs == 0 or m_of_level[level["label_for_charts"]] <= 0:
            # No such pair in this run, or no child's records fall there: nothing learnt.
            level["m_probability"] = level["u_probability"] = 1 / len(SIBLING_LEVELS)
            continue
        already = float((counted[here] * counts[here]).sum()) / pairs
        ratio = math.log2(m_of_level[level["label_for_charts"]] / u)
        level["u_probability"] = u
        level["m_probability"] = u * 2 ** min(0.0, ratio - already)
    return parameters


def train_reference(records: list[dict], *, backend: str = "duckdb") -> dict:
    """The reference model: m learnt from labelled records (the region's synthetic children,
    each written several ways; `cluster` names the child), u as a run learns it
    (`learn_chance_agreement`), and the share of matches from an exact rule. Stored with the
    app (reference_model.json)."""
    (records,) = aliases.apply([records])
    with _database(backend) as db_api:
        table = db_api.register(
            pa.Table.from_pylist(records, schema=SCHEMA), dataset_display_name="t"
        )
        linker = Linker([table], settings("dedupe_only", backend))
        linker.training.estimate_probability_two_random_records_match(
            [block_on("given_key", "family_key", "dob")], recall=0.7
        )
        linker.training.estimate_m_from_label_column("cluster")
        # Stored with m as learnt and u conditional; `_conditional_frequencies` is for
        # scoring only (a run that learns u again starts from the true m).
        _, conditional = learn_chance_agreement(linker)
        # The generator never writes a child's sex wrong; a clerk sometimes does.
        return with_m_floor(conditional)


def without_term_frequencies(parameters: dict) -> dict:
    """The model with its name weights left unadjusted for frequency: in a few dozen records
    every name is "common", and the adjustment would sink every match."""
    parameters = json.loads(json.dumps(parameters))
    for comparison in parameters.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return parameters


def reference_parameters(link_type: str, dialect: str = "duckdb") -> dict:
    model = json.loads(REFERENCE_MODEL.read_text())
    model["link_type"] = link_type
    return in_dialect(model, dialect)


def in_dialect(parameters: dict, dialect: str) -> dict:
    """A saved model (the reference, or a run's) with its comparisons' SQL written for
    `dialect`, its learnt weights unchanged. Splink would read the saved SQL as the backend's
    own dialect without translating it, and DuckDB's list functions are no Spark SQL."""
    parameters = json.loads(json.dumps(parameters))
    written = {
        comparison["output_column_name"]: comparison["comparison_levels"]
        for comparison in settings(parameters["link_type"], dialect).create_settings_dict(dialect)[
            "comparisons"
        ]
    }
    written[FAMILY_AND_PLACE] = _family_and_place_comparison(dialect)["comparison_levels"]
    for comparison in parameters["comparisons"]:
        levels = written.get(comparison["output_column_name"], [])
        if len(levels) != len(comparison["comparison_levels"]):
            raise ValueError(
                f"The saved model's {comparison['output_column_name']} comparison is not this "
                "module's: retrain it (manage.py train_linkage_reference)."
            )
        for level, fresh in zip(comparison["comparison_levels"], levels, strict=True):
            level["sql_condition"] = fresh["sql_condition"]
    parameters["sql_dialect"] = dialect
    return parameters


def link(
    datasets: list[list[dict]],
    *,
    threshold: float = 0.5,
    backend: str = "duckdb",
    parameters: dict | None = None,
    learn: str = "u",
) -> Result:
    """Pairs of records above `threshold` with their match probability and each field's
    match weight. One dataset: deduplicate it; several: link them (not within each).

    `parameters`: a model trained before; by default the reference model. `learn`: what is
    learnt from these records before scoring — "u" (how often different children agree by
    chance, from random pairs: always learnable), "all" (everything from scratch, m by EM:
    for large sets where same children are many), or "" (nothing)."""
    import time

    datasets = aliases.apply(datasets)
    with _database(backend) as db_api:
        tables = [
            db_api.register(pa.Table.from_pylist(rows, schema=SCHEMA), dataset_display_name=f"d{i}")
            for i, rows in enumerate(datasets)
        ]
        link_type = "dedupe_only" if len(tables) == 1 else "link_only"
        records = sum(len(rows) for rows in datasets)
        started = time.perf_counter()
        if parameters is not None:
            linker = Linker(tables, in_dialect({**parameters, "link_type": link_type}, backend))
        elif learn == "all":  # everything from these records, from scratch
            linker = Linker(tables, settings(link_type, backend, records))
        else:
            parameters = reference_parameters(link_type, backend)
            parameters["blocking_rules_to_generate_predictions"] = _blocking_dicts(
                blocking_for(records), backend
            )
            if records < MIN_FOR_U:
                parameters = without_term_frequencies(parameters)
            linker = Linker(tables, parameters)
        if learn == "all":
            train(linker)
            linker = Linker(tables, with_m_floor(linker.misc.save_model_to_json()))
            linker = settle_match_share(
                linker, tables, pairs_possible([len(rows) for rows in datasets])
            )
        elif learn == "u" and records >= MIN_FOR_U:
            marginal, conditional = learn_chance_agreement(linker)
            linker = Linker(tables, _conditional_frequencies(marginal, conditional))
        parameters = capped_swap(linker.misc.save_model_to_json())
        # Sibling-like pairs need places: without any, the comparison could hold no pair.
        placed = any(row.get("latitude") is not None for rows in datasets for row in rows)
        pair_table = None
        try:
            if learn == "u" and records >= MIN_FOR_RUN_SHARE:
                if placed:
                    parameters = with_family_and_place(parameters, backend)
                first = Linker(tables, parameters)
                pair_table = pair_levels(first)
                linker = learn_from_run(
                    first, tables, pairs_possible([len(rows) for rows in datasets]), pair_table
                )
            elif learn == "all" and placed:
                first = Linker(tables, with_family_and_place(parameters, backend))
                pair_table = pair_levels(first)
                siblings = sibling_pairs(first, pair_table)
                parameters = family_and_place_weights(first.misc.save_model_to_json(), siblings)
                linker = Linker(tables, parameters)
            else:
                linker = Linker(tables, parameters)
            trained = time.perf_counter()
            if pair_table is not None and _frequency_terms(linker) == _frequency_terms(first):
                # The pairs were compared once, for what the run learnt: scored from their
                # levels with the model learnt, not compared again.
                predictions = scored_pairs(linker, pair_table, threshold)
            else:
                predictions = linker.inference.predict(threshold_match_probability=threshold)
        finally:
            if pair_table is not None:
                pair_table.drop_table_from_database_and_remove_from_cache()
        # What a run reads of each pair: ids, probability, levels and weights; not the
        # compared columns Splink keeps beside them (both records' lists of name forms,
        # keys and skeletons), which doubled a million-record run's memory.
        present = {column.unquote().name for column in predictions.columns}
        wanted = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"] + [
            f"{prefix}{name}"
            for name in FIELDS_IN_MODEL
            for prefix in ("gamma_", "mw_", "mw_tf_adj_")
            if f"{prefix}{name}" in present
        ]
        try:
            frame = linker.misc.query_sql(
                # Column names are this module's, the table's name Splink's own: no user input.
                f"SELECT {', '.join(wanted)} FROM {predictions.physical_name}",  # noqa: S608
                output_type="splink_df",
            ).as_record_list()
        finally:
            predictions.drop_table_from_database_and_remove_from_cache()
        done = time.perf_counter()
        pairs = [
            {
                "left": row["unique_id_l"],
                "right": row["unique_id_r"],
                "probability": float(row["match_probability"]),
                "weight": float(row["match_weight"]),
                "contributions": {
                    name: round(_field_weight(row, name), 3)
                    for name in FIELDS_IN_MODEL
                    if row.get(f"mw_{name}") is not None
                },
                "levels": {
                    name: int(row[f"gamma_{name}"])
                    for name in FIELDS_IN_MODEL
                    if f"gamma_{name}" in row
                },
            }
            for row in frame
        ]
        return Result(
            pairs=pairs,
            parameters=linker.misc.save_model_to_json(),
            timings={"train_s": trained - started, "predict_s": done - trained},
        )


def _field_weight(row: dict, name: str) -> float:
    """A field's share of the match weight, with its name-frequency adjustment: a shared
    common name counts for less than a rare one, and the reviewer is shown what counted."""
    return float(row[f"mw_{name}"]) + float(row.get(f"mw_tf_adj_{name}") or 0.0)


# Below this many records random pairs say little about chance agreement: keep the reference u.
MIN_FOR_U = 2000
# Below this many records the run's share of matches and its time and distance between
# records of one child are too few to learn: the reference's stand.
MIN_FOR_RUN_SHARE = 500

FIELDS_IN_MODEL = (
    "given_name",
    "family_name",
    "dob",
    "sex",
    "nationality",
    "latitude_longitude",
    "address",
    "document_number",
    "event_date",
    FAMILY_AND_PLACE,
)
