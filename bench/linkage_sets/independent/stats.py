"""Describe the set: `python bench/linkage_sets/independent/stats.py [--seed S] [--children N]`.

Prints JSON: how far apart the two records of one child are (scripts, spellings, dates,
places), the noise and conventions that made them so, the hard negatives and the shape of the
names. Descriptive only: no linkage model is run here.

"Latin forms" of a written name are every spelling this set's own conventions give it (for
Cyrillic, each national table, ISO 9, BGN/PCGN and the passport tables read as each of the
region's Cyrillic languages; for Greek, ELOT 743 and the phonetic spellings; for Latin, the
name itself), folded to lower-case ASCII. A pair with no form in common cannot be matched by
comparing transliterations alone. With --platform-forms the same share is also counted with
the platform's own forms (seec.linkage.records), used as a black box.
"""

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from linkage_sets.independent import translit
    from linkage_sets.independent.generate import generate, km
else:
    from . import translit
    from .generate import generate, km

_CYRILLIC_READINGS = {
    "sr": ("sr_gaj", "sr_ascii_dj", "iso9"),
    "mk": ("mk_national", "mk_bgn", "iso9"),
    "bg": ("bg_streamlined", "iso9"),
    "uk": ("uk_national", "uk_bgn", "iso9"),
    "ru": ("ru_icao", "ru_passport_1997", "ru_bgn", "iso9"),
}


# The noise kinds that change a name's letters (the rest touch dates, sex, nationality).
NAME_NOISE = {"typo", "diminutive", "swapped_names", "dropped_second_family_name",
              "dropped_diacritic", "merged_split_tokens", "masculine_family_form",
              "father_name_as_middle"}  # fmt: skip


def _fold(text: str) -> str:
    plain = translit.strip_diacritics(text).lower()
    return "".join(ch for ch in plain if ch.isalnum() or ch == " ").strip()


def latin_forms(name: str) -> set[str]:
    """Every spelling of a written name by this set's conventions, as folded ASCII."""
    if not name:
        return set()
    script = translit.script_of(name)
    if script == "Cyrl":
        spellings = {
            translit.spell(name, lang, c) for lang, cs in _CYRILLIC_READINGS.items() for c in cs
        }
    elif script == "Grek":
        spellings = {
            translit.spell(name, "el", c) for c in ("elot743", "el_phonetic_y", "el_phonetic_g")
        }
    else:
        spellings = {name}
    return {_fold(s) for s in spellings} - {""}


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def describe(seed: int, children: int, platform_forms: bool = False) -> dict:
    made = generate(children, seed)
    left = {r.child_id: r for r in made.left}
    pairs = [(left[r.child_id], r) for r in made.right]
    n = len(pairs)

    def script(row):
        return translit.script_of(row.given_name + row.family_name)

    no_given = no_family = no_both = clean = clean_none = 0
    for a, b in pairs:
        given = not (latin_forms(a.given_name) & latin_forms(b.given_name))
        family = not (latin_forms(a.family_name) & latin_forms(b.family_name))
        no_given += given
        no_family += family
        no_both += given and family
        if not (NAME_NOISE & {*a.noise, *b.noise}):  # only the conventions differ
            clean += 1
            clean_none += given or family
    gaps = sorted((b.event_date - a.event_date).days for a, b in pairs)
    distances = sorted(km((a.latitude, a.longitude), (b.latitude, b.longitude)) for a, b in pairs)
    out = {
        "seed": seed,
        "children": children,
        "records": {"left": len(made.left), "right": len(made.right), "true_pairs": n},
        "true_pairs": {
            "different_script": _share(sum(script(a) != script(b) for a, b in pairs), n),
            "scripts": dict(Counter(f"{script(a)}->{script(b)}" for a, b in pairs).most_common()),
            "identical_names_as_written": _share(
                sum(
                    (a.given_name, a.family_name) == (b.given_name, b.family_name) for a, b in pairs
                ),
                n,
            ),
            "identical_names_folded_to_ascii": _share(
                sum(
                    _fold(a.given_name + " " + a.family_name)
                    == _fold(b.given_name + " " + b.family_name)
                    for a, b in pairs
                ),
                n,
            ),
            "no_latin_form_in_common_given": _share(no_given, n),
            "no_latin_form_in_common_family": _share(no_family, n),
            "no_latin_form_in_common_either_name": _share(no_both, n),
            "without_name_noise": {
                "pairs": clean,
                "a_name_with_no_latin_form_in_common": _share(clean_none, clean),
            },
            "same_birth_date": _share(sum(a.date_of_birth == b.date_of_birth for a, b in pairs), n),
            "days_apart": {
                "median": statistics.median(gaps),
                "p90": gaps[int(0.9 * (n - 1))],
                "max": gaps[-1],
                "over_60_days": _share(sum(g > 60 for g in gaps), n),
                "over_365_days": _share(sum(g > 365 for g in gaps), n),
            },
            "km_apart": {
                "min": round(distances[0]),
                "median": round(statistics.median(distances)),
                "p90": round(distances[int(0.9 * (n - 1))]),
            },
        },
        "noise_on_second_records": {
            kind: {
                "applied": sum(kind in r.noise for r in made.right),
                "eligible": sum(kind in r.eligible for r in made.right),
            }
            for kind in sorted({k for r in made.right for k in r.eligible})
        },
        "conventions_of_second_records": dict(
            Counter(r.convention for r in made.right).most_common()
        ),
        "hard_negatives": dict(Counter(kind for _, _, kind in made.hard_negatives)),
        "names": _name_shape(made),
    }
    if platform_forms:
        out["true_pairs"]["platform_forms"] = _platform_forms(pairs)
    return out


def _name_shape(made) -> dict:
    families = Counter(c.family for c in made.children)
    givens = Counter(c.given for c in made.children)
    return {
        "distinct_family_names": len(families),
        "family_names_seen_once": _share(sum(v == 1 for v in families.values()), len(families)),
        "top_family_name": families.most_common(1)[0],
        "top_family_name_share": _share(families.most_common(1)[0][1], len(made.children)),
        "distinct_given_names": len(givens),
        "children_by_country": dict(Counter(c.country for c in made.children).most_common()),
    }


def _platform_forms(pairs) -> dict:
    """The same shares with the platform's Latin forms (records.linkage_row), a black box."""
    from linkage_sets.independent import person_record
    from seec.linkage.records import linkage_row

    no_given = no_family = no_both = 0
    for a, b in pairs:
        ra, rb = linkage_row(person_record(a)), linkage_row(person_record(b))
        given = not set(ra["given_forms"] or []) & set(rb["given_forms"] or [])
        family = not set(ra["family_forms"] or []) & set(rb["family_forms"] or [])
        no_given += given
        no_family += family
        no_both += given and family
    n = len(pairs)
    return {
        "no_form_in_common_given": _share(no_given, n),
        "no_form_in_common_family": _share(no_family, n),
        "no_form_in_common_either_name": _share(no_both, n),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--platform-forms", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(describe(args.seed, args.children, args.platform_forms), indent=1,
                     ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
