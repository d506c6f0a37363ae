"""The region's diminutives and hypocorisms of given names, from the data files in
data/diminutives/ (one per language, each naming its sources; see the README there).

A family is a full name with the short and pet forms its bearers are called by (Георги:
Гошо, Жоро). `related(name)` gives every name that may stand for the same person's given
name: the full names a form belongs to and their other forms, looked up by the name as
written or by any romanisation of it (Gosho and Гошо find Георги alike).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .spellings import romanisations

DATA = Path(__file__).parent / "data" / "diminutives"


@dataclass(frozen=True)
class NameFamily:
    language: str
    name: str
    forms: tuple[str, ...]
    sex: str  # "m", "f" or "mf"


def languages() -> list[str]:
    return sorted(path.stem for path in DATA.glob("*.tsv"))


@cache
def families(language: str) -> tuple[NameFamily, ...]:
    out = []
    path = DATA / f"{language}.tsv"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{path.name}:{number}: expected 3 tab-separated fields")
        name, forms, sex = (unicodedata.normalize("NFC", f.strip()) for f in fields)
        kept = tuple(dict.fromkeys(f.strip() for f in forms.split(",") if f.strip()))
        out.append(NameFamily(language, name, tuple(f for f in kept if f != name), sex))
    return tuple(out)


@cache
def sources(language: str) -> tuple[str, ...]:
    text = (DATA / f"{language}.tsv").read_text(encoding="utf-8")
    return tuple(
        line.removeprefix("# source:").strip()
        for line in text.splitlines()
        if line.startswith("# source:")
    )


_SPELLINGS = re.compile("tsch|tch|ch|ts|tz|cz|sch|sh|zh|kh|dj|gj|ph|th|ou|[yjwx]")
_SOUNDS = {
    "tsch": "c", "tch": "c", "ch": "c", "ts": "c", "tz": "c", "cz": "c", "sch": "s",
    "sh": "s", "zh": "z", "kh": "h", "dj": "d", "gj": "d", "ph": "f", "th": "t", "ou": "u",
    "y": "i", "j": "i", "w": "v", "x": "ks",
}  # fmt: skip
_RUNS = re.compile(r"(.)\1+")


# Pure, and asked again for every member of a family that a name is found in: a linkage run
# of a million records looks up tens of thousands of names.
@lru_cache(maxsize=65536)
def keys(name: str) -> frozenset[str]:
    """Coarse lookup keys of a name in any script: each romanisation of it in plain lower
    case letters with the conventions' spellings of one sound made one (Gošo, Gosho and
    Гошо share one), so that a name is found however it was typed."""
    spellings = set(romanisations(name).values()) or {name}
    out = set()
    for spelling in spellings:
        text = spelling.lower().replace("đ", "dj").replace("ı", "i")
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if ch.isascii() and ch.isalpha()
        )
        text = _SPELLINGS.sub(lambda m: _SOUNDS[m.group()], text)
        if text:
            out.add(_RUNS.sub(r"\1", text))
    return frozenset(out)


@cache
def _index() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for language in languages():
        for family in families(language):
            members = {family.name, *family.forms}
            for member in members:
                for key in keys(member):
                    groups.setdefault(key, set()).update(members)
    return {key: frozenset(members) for key, members in groups.items()}


def related(name: str) -> frozenset[str]:
    """The full names and pet forms that `name` may stand for, in their own scripts (empty
    if the data know no family of it). The name itself is not among them."""
    own = keys(name)
    index = _index()
    found = set().union(*(index.get(key, ()) for key in own))
    return frozenset(member for member in found if not keys(member) & own)
