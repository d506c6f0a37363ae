"""The set's own name lists: one file per community (data/names/*.json), read once.

A community's given names and common family names are listed most frequent first; rare
family names are made by the language's own morphology (a stem, sometimes a prefix or an
infix, and a suffix: Radulović, Papadakis, Bondarchuk, Stoyanovski), thousands of them. A
name is drawn with Zipf–Mandelbrot frequencies, p(rank) ∝ (rank + q)^-s, where q is fitted so
that the most common name has the share that the file states (SOURCES.md says where each
share comes from): a few very common names and a long tail of rare ones.
"""

import bisect
import itertools
import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _words(text: str) -> list[str]:
    """A space-separated list, duplicates dropped, first occurrence (the higher rank) kept."""
    return list(dict.fromkeys(text.split()))


def zipf_weights(n: int, top_share: float, exponent: float = 1.0) -> list[float]:
    """Weights of ranks 1..n whose first has `top_share` of the total (q fitted by bisection)."""

    def top(q: float) -> float:
        weights = [(r + q) ** -exponent for r in range(1, n + 1)]
        return weights[0] / sum(weights)

    low, high = 0.0, 1e5
    if top(low) <= top_share:  # even plain Zipf is flatter than asked: keep it
        high = low
    for _ in range(60):
        mid = (low + high) / 2
        if top(mid) > top_share:
            low = mid
        else:
            high = mid
    q = (low + high) / 2
    return [(r + q) ** -exponent for r in range(1, n + 1)]


class Sampler:
    """Draws from a ranked list with the given weights (bisect on the running total)."""

    def __init__(self, items: list[str], weights: list[float]):
        self.items = items
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]
        self.shares = [w / self.total for w in weights]

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]

    def draw_other(self, rng: random.Random, avoid: set[str]) -> str:
        for _ in range(50):
            name = self.draw(rng)
            if name not in avoid:
                return name
        return next(n for n in self.items if n not in avoid)


def _soften(stem: str, suffix: str, tail: dict) -> str:
    """The suffix after a soft consonant: Kovač + ović is Kovačević, Тодор + ов is Тодоров."""
    soft = tail.get("soft", {})
    if suffix in soft and stem and stem[-1] in tail.get("soft_after", ""):
        return soft[suffix]
    return suffix


def _join(prefix: str, stem: str, infix: str, suffix: str, tail: dict) -> str:
    if prefix:
        stem = stem[0].lower() + stem[1:]
    body = stem + infix
    suffix = _soften(body, suffix, tail)
    if body.endswith("ь") and suffix[:1] in "аеиоуюяєії":
        body = body[:-1]  # Коваль + енко is Коваленко
    if body and suffix and body[-1] == suffix[0]:
        suffix = suffix[1:]  # Радч + чук is Радчук
    return prefix + body + suffix


def tail_family_names(tail: dict, size: int, exclude: set[str], seed: str) -> list[str]:
    """Rare family names made by the language's morphology, the likelier shapes first."""

    def weighted(key: str) -> list[tuple[str, float]]:
        value = tail.get(key, {"": 1})
        return list(value.items())

    stems = _words(tail["stems"])
    rng = random.Random(seed)
    shuffled = stems[:]
    rng.shuffle(shuffled)  # no stem's alphabetical place decides its frequency
    made: dict[str, float] = {}
    for (prefix, pw), stem, (infix, iw), (suffix, sw) in itertools.product(
        weighted("prefixes"), shuffled, weighted("infixes"), weighted("suffixes")
    ):
        name = _join(prefix, stem, infix, suffix, tail)
        if len(name) >= 3 and name not in exclude:
            made[name] = max(made.get(name, 0.0), pw * iw * sw * (0.5 + rng.random()))
    ranked = sorted(made, key=lambda n: -made[n])
    return ranked[:size]


FEMININE_SLAVIC = (("ски", "ска"), ("цки", "цка"), ("ов", "ова"), ("ев", "ева"), ("ин", "ина"),
                   ("ski", "ska"), ("ov", "ova"), ("ev", "eva"))  # fmt: skip
FEMININE_RUSSIAN = (("ский", "ская"), ("цкий", "цкая"), ("ов", "ова"), ("ев", "ева"),
                    ("ёв", "ёва"), ("ин", "ина"), ("ын", "ына"))  # fmt: skip
FEMININE_UKRAINIAN = (("ський", "ська"), ("цький", "цька"), ("ов", "ова"), ("ев", "ева"),
                      ("ін", "іна"), ("ин", "ина"))  # fmt: skip
# Greek women's family names are the genitive of the father's: Παπαδόπουλος, Παπαδοπούλου.
FEMININE_GREEK = (("όπουλος", "οπούλου"), ("ίδης", "ίδου"), ("ιάδης", "ιάδου"), ("ΐδης", "ΐδου"),
                  ("άτος", "άτου"), ("ος", "ου"), ("ής", "ή"), ("ης", "η"), ("άς", "ά"),
                  ("ας", "α"), ("έας", "έα"))  # fmt: skip
FEMININE_RULES = {
    "slavic": FEMININE_SLAVIC,
    "russian": FEMININE_RUSSIAN,
    "ukrainian": FEMININE_UKRAINIAN,
    "greek": FEMININE_GREEK,
}


def feminine(family: str, rule: str) -> str:
    """The girl's form of a family name, word by word (double names: Петрова-Иванова)."""
    endings = FEMININE_RULES.get(rule)
    if not endings:
        return family

    def one(word: str) -> str:
        for masculine, female in endings:
            if word.endswith(masculine):
                return word[: -len(masculine)] + female
        return word

    return "-".join(" ".join(one(w) for w in part.split(" ")) for part in family.split("-"))


@dataclass(frozen=True)
class Community:
    code: str
    language: str  # how translit.read reads its names
    script: str
    given: dict  # sex -> Sampler
    family: Sampler
    feminine_rule: str
    diminutives: dict  # formal given name -> [hypocorisms]
    head_family: tuple  # the listed (real) family names, most common first

    def feminine(self, family: str) -> str:
        return feminine(family, self.feminine_rule)


@cache
def community(code: str) -> Community:
    raw = json.loads((DATA / "names" / f"{code}.json").read_text(encoding="utf-8"))
    shape = raw["shape"]
    given = {}
    for sex in ("male", "female"):
        items = _words(raw[f"given_{sex}"])
        given[sex] = Sampler(items, zipf_weights(len(items), shape["given_top_share"]))
    head = _words(raw["family"])
    tail = tail_family_names(raw["tail"], shape["tail_size"], set(head), f"tail:{code}")
    family_names = head + tail
    family = Sampler(
        family_names,
        zipf_weights(len(family_names), shape["family_top_share"], shape["family_exponent"]),
    )
    diminutives = {k: _words(v) for k, v in raw.get("diminutives", {}).items()}
    return Community(
        code=code,
        language=raw["language"],
        script=raw["script"],
        given=given,
        family=family,
        feminine_rule=raw.get("feminine", "none"),
        diminutives=diminutives,
        head_family=tuple(head),
    )


def community_codes() -> list[str]:
    return sorted(p.stem for p in (DATA / "names").glob("*.json"))
