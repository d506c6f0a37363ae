"""The machinery every standard shares: a table of spellings tried longest first, with the
context a published table states (at the start of a word, before a vowel, after one...).

A standard is data: a mapping from a sequence of source letters (lower case) to what it is
written as, or to a list of (condition, spelling) tried in order, the last usually
unconditional. Conditions are words joined by spaces, all of which must hold, each
optionally negated with "!":

- ``start``: the sequence begins a word (an apostrophe inside a word does not end it:
  Ukrainian Мар'яна);
- ``end``: the sequence ends a word;
- ``V_`` / ``_V``: a vowel of the table's alphabet follows / precedes;
- ``F_``: a front vowel follows (Romanian c, g and k before e and i);
- ``Z_``: a vowel or a voiced consonant follows (Greek αυ, ευ, ηυ read av/ev before them);
- ``after=XYZ`` / ``before=XYZ``: one of those letters precedes / follows.

Upper case is carried over: a capital letter gives a capitalised spelling (Ж → Zh), or an
all-capital one inside an all-capital word (ЖЕЛЬКО → ZHELKO).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

APOSTROPHES = frozenset("'’ʼ`´ʹ‘")

Spelling = str | Sequence[tuple[str, str]]


# Two capitals in a row: an all-capital word, whose digraphs are written in capitals.
_UPPER = "".join(re.escape(chr(c)) for c in range(0x2000) if chr(c).isupper())
_CAPITALS = re.compile(f"[{_UPPER}]{{2}}")


def _lower(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch  # İ lowers to two characters: keep it as it is


@dataclass(frozen=True, eq=False)
class Standard:
    """One published way of writing one script in another.

    `code` names it in the platform (and in data files); `title` and `source` say which
    published table it implements, so that a reader can check it.
    """

    code: str
    title: str
    source: str
    rules: Mapping[str, Spelling]
    vowels: str = ""
    front: str = ""
    voiced: str = ""
    # What an apostrophe inside a word becomes (ISO 9 keeps it as ’, most drop it).
    apostrophe: str = ""
    # Letters of the source script that the table writes (to tell which standards fit).
    _by_first: dict = field(init=False, repr=False, compare=False)
    # Most names need nothing but letter-for-letter rules, which str.translate does fast;
    # a name with a letter that starts a longer or conditional rule goes letter by letter.
    _fast: dict = field(init=False, repr=False, compare=False)
    _careful: frozenset = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        by_first: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {}
        for source, spelling in self.rules.items():
            options = [("", spelling)] if isinstance(spelling, str) else list(spelling)
            by_first.setdefault(source[0], []).append((source, options))
        for entries in by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        object.__setattr__(self, "_by_first", by_first)
        fast: dict[int, str] = {}
        careful = set(APOSTROPHES)
        for first, entries in by_first.items():
            simple = len(entries) == 1 and len(entries[0][0]) == 1 and not entries[0][1][0][0]
            if not simple:
                careful.add(first)
                continue
            spelling = entries[0][1][0][1]
            fast[ord(first)] = spelling
            upper = first.upper()
            if len(upper) == 1 and upper != first:
                fast[ord(upper)] = spelling[:1].upper() + spelling[1:]
        object.__setattr__(self, "_fast", fast)
        object.__setattr__(self, "_careful", frozenset(careful))

    def __call__(self, text: str) -> str:
        return apply(self, text)

    @property
    def letters(self) -> frozenset[str]:
        return frozenset(ch for source in self.rules for ch in source)


def _word_char(low: str, i: int) -> bool:
    """Whether position i holds a letter of a word (an apostrophe between letters does)."""
    if i < 0 or i >= len(low):
        return False
    ch = low[i]
    if ch in APOSTROPHES:
        return _word_char(low, i - 1) and i + 1 < len(low) and low[i + 1].isalpha()
    return ch.isalpha()


def _holds(standard: Standard, condition: str, low: str, i: int, j: int) -> bool:
    for part in condition.split():
        negated = part.startswith("!")
        name = part.lstrip("!")
        before = low[i - 1] if i > 0 else ""
        after = low[j] if j < len(low) else ""
        if name == "start":
            ok = not _word_char(low, i - 1)
        elif name == "end":
            ok = not (after and after.isalpha())
        elif name == "V_":
            ok = bool(after) and after in standard.vowels
        elif name == "_V":
            ok = bool(before) and before in standard.vowels
        elif name == "F_":
            ok = bool(after) and after in standard.front
        elif name == "Z_":
            ok = bool(after) and (after in standard.vowels or after in standard.voiced)
        elif name.startswith("after="):
            ok = bool(before) and before in name[6:]
        elif name.startswith("before="):
            ok = bool(after) and after in name[7:]
        else:
            raise ValueError(f"Unknown condition {name!r} in {standard.code}")
        if ok == negated:
            return False
    return True


def _cased(spelling: str, text: str, i: int, j: int) -> str:
    chunk = text[i:j]
    if not spelling or not chunk[0].isupper():
        return spelling
    if len(chunk) > 1 and chunk.isupper():
        return spelling.upper()
    after = text[j] if j < len(text) else ""
    before = text[i - 1] if i > 0 else ""
    neighbour = after if after.isalpha() else before
    if neighbour.isalpha() and neighbour.isupper():
        return spelling.upper()
    return spelling[0].upper() + spelling[1:]


def apply(standard: Standard, text: str) -> str:
    """`text` written by `standard`; characters it has no rule for pass unchanged."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if _CAPITALS.search(text) is None and standard._careful.isdisjoint(text.lower()):
        return unicodedata.normalize("NFC", text.translate(standard._fast))
    low = "".join(_lower(ch) for ch in text)
    out = []
    i = 0
    while i < len(text):
        entries = standard._by_first.get(low[i])
        chosen = None
        if entries:
            for source, options in entries:
                j = i + len(source)
                if low.startswith(source, i):
                    for condition, spelling in options:
                        if not condition or _holds(standard, condition, low, i, j):
                            chosen = (spelling, j)
                            break
                if chosen:
                    break
        if chosen:
            spelling, j = chosen
            out.append(_cased(spelling, text, i, j))
            i = j
            continue
        ch = text[i]
        if ch in APOSTROPHES and _word_char(low, i):
            out.append(standard.apostrophe)
        else:
            out.append(ch)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))
