"""Matching children's names across the region's scripts, conventions and typos.

A caller spells a name however they know it: Ђорђевић, Đorđević, Djordjevic or Dordevic;
Γιώργος, Giorgos or Yiorgos. Search works in three steps:

1. `latin_forms`: every plausible plain Latin spelling of the name (lower case a-z, single
   spaces): Cyrillic and Greek are transliterated by each convention that fits the letters,
   and regional Latin letters are spelt both with and without their digraphs (š → s, sh).
2. `name_keys`: for each token of each form a phonetic key that folds the remaining
   differences between conventions (sh/s, ch/c/tch, dj/d, y/j/i...) and the token's own
   spelling, each with every variant with one character deleted, so that a typo on either
   side still shares a key. The platform stores one row per key and case and finds
   candidates by shared keys.
3. `name_similarity`: a Jaro–Winkler score over tokens, in any order, that ranks candidates.

Pure Python (standard library and rapidfuzz): no Django, so the data generator and the
benchmarks can use it too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cdist

from seec import transliteration

CONVENTIONS: tuple[str, ...] = ("sr", "mk", "bg", "uk", "ru", "el", "el-phonetic")

# Limits that keep a pasted paragraph from producing thousands of index rows. The key limit
# stays well below the 32 characters of SearchTokenKey.key.
MAX_NAME_CHARS = 200
MAX_TOKENS = 8
MAX_FORMS = 12
MAX_KEY_CHARS = 24
# A word of the index (SearchToken.text) is cut at this length.
MAX_TOKEN_CHARS = 64

# --- Scripts -------------------------------------------------------------------------------

# The transliteration standards live in seec.transliteration, the one place that search,
# linkage, private matching and the alerts' wording share. Here each convention a name is
# spelt by for search is one of its standards.
_CONVENTION_STANDARDS = {
    "sr": "sr",  # Serbian Latin (Gaj)
    "mk": "mk",  # Macedonian official romanisation (2008, passports)
    "bg": "bg",  # Bulgarian Transliteration Act (2009)
    "uk": "uk",  # Ukrainian national system (2010)
    # Russian as passports wrote it before 2013 (Yuliya, Khrushchev): what older documents
    # and foreign databases use for every Cyrillic name, Ukrainian ones included (Sergiy).
    "ru": "ru-passport-1997",
    "el": "elot743",  # ELOT 743
    "el-phonetic": "el-phonetic",  # how Greeks commonly write their names (Yiorgos)
}

# The letters of each alphabet: a convention applies to a Cyrillic name only if it has all
# of the name's letters (ђ rules out everything but Serbian; і, ї, є, ґ mean Ukrainian).
_ALPHABETS = {
    "sr": frozenset("абвгдђежзијклљмнњопрстћуфхцчџш"),
    "mk": frozenset("абвгдѓежзѕијклљмнњопрстќуфхцчџш"),
    "bg": frozenset("абвгдежзийклмнопрстуфхцчшщъьюя"),
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
    "ru": frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя"),
}
_CYRILLIC_CONVENTIONS = ("sr", "mk", "bg", "uk", "ru")
# Russian-style romanisation is what older documents and foreign databases use for every
# Cyrillic name (Ukrainian ones included: Сергій → Sergiy), so it is always one of the forms.
_GENERIC_CYRILLIC = "ru"

_CYRILLIC = re.compile("[\u0400-\u052f]")
_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")


def script_of(text: str) -> str:
    """ "Cyrl", "Grek" or "Latn": the script of a name's letters (Latin when it has none)."""
    return transliteration.script_of(text)


# --- Latin ---------------------------------------------------------------------------------

# Letters that Unicode does not decompose into a base letter and a mark.
_LATIN_SPECIAL = str.maketrans({
    "đ": "dj", "ð": "d", "ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i",
    "þ": "th", "ħ": "h", "ŧ": "t", "ŋ": "n", "ĸ": "k", "ſ": "s", "ə": "e", "ɨ": "i",
})  # fmt: skip
# Separators inside a name become spaces (Jovanović-Petrović, O'Neill, "Petrović,Ana").
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―'’‘ʼʻ`´′.,;:/\\_|()\[\]{}\"+&]+")
_NOT_LATIN = re.compile(r"[^a-z ]+")
_NOT_LATIN_OR_DIGIT = re.compile(r"[^a-z0-9 ]+")

# The digraph spelling of the region's letters with a caron, acute, cedilla or comma, as
# English, Russian-style and passport transliterations write them (Ševčenko → Shevchenko,
# Moldovan Țurcanu → Tsurcanu).
_DIGRAPH_SPELLING = str.maketrans({
    "č": "ch", "ć": "ch", "ç": "ch", "š": "sh", "ş": "sh", "ș": "sh", "ž": "zh",
    "ț": "ts", "ţ": "ts",
})  # fmt: skip
_HAS_DIGRAPH_LETTER = re.compile("[čćçšşșžțţ]")


# --- Phonetic keys -------------------------------------------------------------------------
#
# A key is the token (normalised Latin, a-z) rewritten by these rules, in this order, so that
# the region's spellings of one name coincide:
#
# 1. A glide at the start, before a vowel, is "j": Jovan = Yovan, Iulia = Yulia = Julia, and
#    the Greek γι: Giorgos = Yiorgos = Jorgos, Giannis = Yiannis.
#    Greek γε before a vowel is that glide too: Georgios → jorgios.
# 2. Between vowels, Greek γι is the same glide: Panagiotis = Panayiotis. The Greek formal
#    ending -(e)ios is the everyday -is: Dimitrios = Dimitris, Vasileios = Vasilis (and
#    Georgios → jorgis is one edit from Giorgos → jorgos).
# 3. Consonant spellings, longest first, left to right:
#    - č/ć/ц sounds: ch, c, tch, tsch, cz, ts, tz → c (Shevchenko = Sevcenko = Ševčenko,
#      Jovanovich = Jovanovitch = Jovanović), and Macedonian kj (ќ, the sister of ћ) → c;
#      but c before a, o, u or a consonant is a k (Cristina = Kristina, Nicolae = Nikolai,
#      Victoria = Viktoria), and ck, q → k. Greek χ comes out as ch (ELOT: c) or h
#      (Hatzidakis): one edit apart, which the deletion keys absorb.
#    - đ sounds: dj, gj → d (Đorđević = Djordjevic = Dordevic, Ѓорѓиев = Gjorgjiev = Đorđiev).
#      Typing đ as plain d is the commonest spelling without diacritics; keeping dj apart from
#      j keeps Đurić and Jurić, two different families, apart.
#    - Albanian xh is dž: Hoxha = Hodža → dz.
#    - sh → s, zh → z, kh → h, ph → f, th → t, gh → g, dh → d, w → v, x → ks.
#    - any other y or j is the vowel i or a glide: i (Marija = Maria = Mariya, Andrij =
#      Andriy = Andrii, Ljubov = Lyubov = Liubov).
# 4. Vowel pairs (not before another vowel, where the i is a glide): ou → u, ei/oi/ui → i,
#    ai/ae → e (Papadopoulos = Papadopulos, Eirini = Irini, Nikolai = Nicolae).
# 5. Runs of one letter collapse: Savvas = Savas, Andreea = Andrea, Mariia = Maria.
#
# The first letter stays what it is (after these rules): names that differ in their first
# sound are usually different names, and a single difference anywhere, the first letter
# included (Oleksandr / Aleksandr), is still caught by the one-deletion keys.

_INITIAL_GLIDE = re.compile(r"(?:gi|ge|yi|[yji])(?=[aeou])")
_GREEK_FORMAL_ENDING = re.compile(r"(?<=.[^aeiou])e?ios$")
_GREEK_INNER_GLIDE = re.compile(r"(?<=[aeiou])gi(?=[aeou])")
_CONSONANT_SPELLINGS = {
    "tsch": "c", "tch": "c", "ch": "c", "cz": "c", "ts": "c", "tz": "c", "kj": "c",
    "ck": "k", "q": "k", "dj": "d", "gj": "d", "xh": "dz",
    "sh": "s", "zh": "z", "kh": "h", "ph": "f", "th": "t", "gh": "g", "dh": "d",
    "w": "v", "x": "ks", "y": "i", "j": "i",
}  # fmt: skip
_CONSONANT_RE = re.compile(
    "|".join(sorted(_CONSONANT_SPELLINGS, key=len, reverse=True)) + r"|c(?=[^eiy])"
)
_VOWEL_PAIRS = {"ou": "u", "ei": "i", "oi": "i", "ui": "i", "ai": "e", "ae": "e"}
_VOWEL_RE = re.compile(r"ou|(?:ei|oi|ui|ai|ae)(?![aeiou])")
_RUNS = re.compile(r"(.)\1+")


# --- Similarity ----------------------------------------------------------------------------

# Two tokens whose phonetic keys agree are nearly, not quite, as good as the same spelling,
# so that the exact spelling ranks first.
_KEY_AGREEMENT = 0.97
# Jaro–Winkler is generous: unrelated names often reach 0.6-0.7. Below STRONG a token match
# counts for less, down to what a missing token counts at WEAK and under.
_STRONG = 0.85
_WEAK = 0.6
_MISSING = 0.25
_EXTRA_TOKEN_PENALTY = 0.03
_MAX_EXTRA_PENALISED = 3


# --- Transliteration -----------------------------------------------------------------------


def transliterate(text: str, convention: str) -> str:
    """Cyrillic/Greek text to Latin by one named convention, a standard of
    seec.transliteration (`_CONVENTION_STANDARDS`: sr Serbian Latin; mk Macedonian 2008;
    bg Bulgarian 2009; uk Ukrainian 2010; ru Russian passports before 2013; el ELOT 743;
    el-phonetic the everyday Greek spelling). Latin letters pass through unchanged
    (diacritics kept).

    Letters of the other script are transliterated too (Greek in a Cyrillic convention by
    ELOT 743, Cyrillic in a Greek one by the Russian table), so that a name typed in mixed
    scripts still comes out whole. Upper case is kept (Ж → Zh, or ZH in an all-capital word).
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"Unknown convention {convention!r}; expected one of {CONVENTIONS}")
    if not text:
        return ""
    if convention.startswith("el"):
        if _CYRILLIC.search(text):
            text = written_by(_CONVENTION_STANDARDS["ru"], text)
        return written_by(_CONVENTION_STANDARDS[convention], text)
    text = written_by(_CONVENTION_STANDARDS[convention], text)
    return written_by("elot743", text) if _GREEK.search(text) else text


def written_by(standard: str, text: str) -> str:
    """`text` by one standard of seec.transliteration, word by word: the words of names recur
    far more than whole names do (a registry's given and family names combine freely:
    100,000 generated Greek long-tail names are 49,320 distinct names of 2,782 words), and a
    standard's rules look at most one character either side, which across a space is never a
    letter, so each word comes out as it would inside the whole."""
    return " ".join(_written_word(standard, word) for word in text.split(" "))


@lru_cache(maxsize=65536)
def _written_word(standard: str, word: str) -> str:
    return transliteration.STANDARDS[standard](word)


# --- Latin forms ---------------------------------------------------------------------------


def normalise_latin(text: str, *, keep_digits: bool = False) -> str:
    """Lower case, diacritics removed (đ→dj, ð→d, ß→ss, ł→l, ø→o, æ→ae, ı→i, ș/ş→s, ț/ţ→t, ...
    and every combining mark), anything that is not a-z or a space removed, hyphens and
    apostrophes turned into spaces, runs of spaces collapsed.

    Other punctuation that separates words (commas, full stops, slashes) also becomes a space,
    so that "M.Jovanović" or "Petrović,Ana" keep two tokens; digits and letters of other
    scripts are removed. `keep_digits` keeps digits, for addresses (house numbers, postcodes).
    """
    if not text:
        return ""
    if keep_digits:
        return _normalised(text, keep_digits=True)
    # Word by word, each word's result cached: the words of names recur far more than whole
    # names do (see written_by), and every step works on one character and its combining
    # marks, never across a space (not even lower case: Greek Σ is read as final by what
    # touches it, and a space is neither a letter nor ignorable), so each word comes out as
    # it would inside the whole (test_normalise_latin_by_words_is_the_whole_texts).
    return " ".join(filter(None, map(_normalised_word, text.split(" "))))


@lru_cache(maxsize=65536)
def _normalised_word(word: str) -> str:
    return _normalised(word, keep_digits=False)


def _normalised(text: str, *, keep_digits: bool) -> str:
    """normalise_latin of a whole text at once."""
    text = text.lower().translate(_LATIN_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = _SEPARATORS.sub(" ", text)
    text = (_NOT_LATIN_OR_DIGIT if keep_digits else _NOT_LATIN).sub("", text)
    return " ".join(text.split())


def _clip(name: str) -> str:
    """At most MAX_NAME_CHARS characters, cut at a space where there is one."""
    if len(name) <= MAX_NAME_CHARS:
        return name
    cut = name[:MAX_NAME_CHARS]
    space = cut.rfind(" ")
    return cut[:space] if space > MAX_NAME_CHARS // 2 else cut


def _conventions_for(name: str) -> list[str | None]:
    cyrillic = {ch for ch in _CYRILLIC.findall(name.lower()) if ch.isalpha()}
    if cyrillic:
        fitting = [c for c in _CYRILLIC_CONVENTIONS if cyrillic <= _ALPHABETS[c]]
        if _GENERIC_CYRILLIC not in fitting:
            fitting.append(_GENERIC_CYRILLIC)
        if _GREEK.search(name):
            fitting.append("el-phonetic")  # the Cyrillic conventions read Greek by ELOT
        return fitting
    if _GREEK.search(name):
        return ["el", "el-phonetic"]
    return [None]


def _spellings(latin: str) -> list[str]:
    """The Latin name as written, plus its spellings without đ and with digraphs for č/š/ž."""
    low = latin.lower()
    spellings = [low]
    if "đ" in low:
        spellings.append(low.replace("đ", "d"))
    if _HAS_DIGRAPH_LETTER.search(low):
        spellings.append(low.translate(_DIGRAPH_SPELLING))
    return spellings


def _other_scripts(text: str) -> str:
    """A last resort for letters of scripts we do not transliterate (Arabic, Georgian...): the
    first letter of the Unicode name (ARABIC LETTER SEEN → s). Crude, but such a name then has
    forms and keys and is found when typed the same way again."""
    out = []
    for ch in text:
        if ch.isalpha() and not ch.isascii() and not normalise_latin(ch):
            words = unicodedata.name(ch, "").split()
            initial = words[-1][0].lower() if words else ""
            out.append(initial if initial.isascii() and initial.isalpha() else "")
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=8192)
def latin_forms(name: str) -> frozenset[str]:
    """Every plausible normalised Latin spelling of `name`, whatever its script: for Cyrillic and
    Greek, normalise_latin(transliterate(name, c)) for each applicable convention; for Latin
    input, normalise_latin(name) plus the common alternative spellings of regional letters
    (đ→dj and d; č/ć→c and ch; š→s and sh; ž→z and zh; dž→dz and dzh...). Each form is the whole
    name, tokens separated by single spaces. Never empty for a name with letters. Keep the set
    small (a handful of forms, not dozens): cap it, e.g. at 12.

    A Cyrillic convention applies when its alphabet has all the name's Cyrillic letters, and
    the Russian-style one always applies. Forms keep at most MAX_TOKENS tokens.
    """
    if not name:
        return frozenset()
    name = unicodedata.normalize("NFC", _clip(name))
    forms: list[str] = []
    transliterations = set()
    for convention in _conventions_for(name):
        latin = name if convention is None else transliterate(name, convention)
        if latin in transliterations:  # Serbian and Macedonian often agree, and so on
            continue
        transliterations.add(latin)
        for spelling in _spellings(latin):
            form = " ".join(normalise_latin(spelling).split()[:MAX_TOKENS])
            if form and form not in forms:
                forms.append(form)
    if not forms:
        form = " ".join(normalise_latin(_other_scripts(name)).split()[:MAX_TOKENS])
        if form:
            forms.append(form)
    return frozenset(forms[:MAX_FORMS])


# --- Keys ----------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def phonetic_key(token: str) -> str:
    """A key for one normalised Latin token that is the same for the region's spellings of one
    name: conventions (dj/gj/j/đ, ch/c/tch/tsch/h for Greek χ, sh/s, zh/z, ts/c/tz, kh/h/ch,
    y/j/i as a glide, ph/f, th/t, w/v, ck/k/c/q, x/ks, double letters) and vowels collapsed
    with care (keep the first letter class; vowels after the first letter reduced so that
    ou/u, ei/i/ee, ai/e, ia/ya/ja agree). Giorgos and Yiorgos must get the same key; Georgios
    may differ (fine). Document the rules in a comment.

    The rules are in the comment above _INITIAL_GLIDE. The key is lower case a-z, at most
    MAX_KEY_CHARS long; a token that is not normalised is normalised first.
    """
    token = token if token.isascii() and token.isalpha() and token.islower() else _one_token(token)
    if not token:
        return ""
    glide = _INITIAL_GLIDE.match(token)
    head, rest = ("j", token[glide.end() :]) if glide else ("", token)
    rest = _GREEK_INNER_GLIDE.sub("i", rest)
    rest = _GREEK_FORMAL_ENDING.sub("is", rest)
    rest = _CONSONANT_RE.sub(lambda m: _CONSONANT_SPELLINGS.get(m.group(), "k"), rest)
    rest = _VOWEL_RE.sub(lambda m: _VOWEL_PAIRS[m.group()], rest)
    return _RUNS.sub(r"\1", head + rest)[:MAX_KEY_CHARS]


def _one_token(text: str) -> str:
    return normalise_latin(text).replace(" ", "")


def _with_deletions(key: str) -> set[str]:
    keys = {key}
    if len(key) >= 4:
        keys.update(key[:i] + key[i + 1 :] for i in range(len(key)))
    return keys


def name_keys(name: str) -> frozenset[str]:
    """The search-index keys of a name: for every token of every latin form, its phonetic key,
    and — for keys of 4 or more characters — every variant with one character deleted
    (SymSpell style, so that a query with one typo, on either side, still shares a key).
    Tokens shorter than 2 letters are skipped. The index stores the keys once per distinct
    word (SearchTokenKey), not per name or case: a name search resolves typed words to the
    index's words by these keys, then reads the names that have those words.

    Format: a key is lower case a-z, 1 to MAX_KEY_CHARS characters, with no marker: a token's
    phonetic key or its spelling (the normalised token itself), or either of those with one
    character deleted. The spelling is there because the phonetic rules read letters in
    context (an initial j before a vowel, c before a, x as ks, ij as i): a typo can move the
    phonetic key by two edits (Jovana → jovana but Jvana → ivana), never the spelling. Where the
    spelling and the key agree (Jovanović, Petrov, Nikola) it adds nothing. Both kinds share
    one space on purpose: Marija's spelling with the j deleted is Maria's key. Keys do not
    record a token's position, so name order is free.
    """
    keys: set[str] = set()
    for token in name_tokens(name):
        keys |= token_keys(token)
    return frozenset(keys)


def name_tokens(name: str) -> frozenset[str]:
    """The words of every Latin form of a name that the index holds: two letters or more, cut
    at MAX_TOKEN_CHARS (an initial says too little to be looked up)."""
    return frozenset(
        token[:MAX_TOKEN_CHARS]
        for form in latin_forms(name)
        for token in form.split()
        if len(token) >= 2
    )


def tokens_of_forms(forms: str) -> frozenset[str]:
    """The words of a name as the index holds them, from its "|"-joined Latin forms (what
    SearchName.forms stores): the same words as name_tokens of the names it was made from."""
    return frozenset(
        token[:MAX_TOKEN_CHARS]
        for form in forms.split("|")
        for token in form.split()
        if len(token) >= 2
    )


@lru_cache(maxsize=65536)
def token_keys(token: str) -> frozenset[str]:
    """The keys of one normalised word: its phonetic key and its spelling, each with every
    variant with one character deleted (see name_keys)."""
    keys: set[str] = set()
    for key in (phonetic_key(token), token[:MAX_KEY_CHARS]):
        if key:
            keys |= _with_deletions(key)
    return frozenset(keys)


def query_slots(query: str) -> list[frozenset[str]]:
    """The typed words of a query, each as the set of its Latin spellings: slot i holds word i
    of every Latin form (Ђорђевић → djordjevic, dordevic, ...). Words shorter than two letters
    are left out, as the index leaves them out."""
    slots: list[set[str]] = []
    for form in sorted(latin_forms(query)):
        words = [word[:MAX_TOKEN_CHARS] for word in form.split() if len(word) >= 2]
        for position, word in enumerate(words):
            if position == len(slots):
                slots.append(set())
            slots[position].add(word)
    return [frozenset(slot) for slot in slots]


def query_keys(query: str) -> frozenset[str]:
    """The keys to look up for a typed search: the same as name_keys (a query is a name)."""
    return name_keys(query)


# --- Similarity ----------------------------------------------------------------------------


def name_similarity(query: str, candidate_forms: Iterable[str], cache: dict | None = None) -> float:
    """How alike a typed query and a stored name are, in [0, 1]: the best, over the query's
    latin_forms and the candidate's stored latin forms, of a token-set Jaro–Winkler score
    (each query token matched to its best candidate token, given and family name order free,
    averaged; extra candidate tokens penalised lightly, a missing one more). 1.0 for identical.

    Tokens are paired one to one, best pairs first. A pair scores the better of the spellings'
    Jaro–Winkler similarity and (slightly discounted) that of their phonetic keys; a pair
    below 0.85 counts for progressively less, down to what a query token with no partner
    counts (0.25). Candidate forms that are not normalised Latin are expanded by latin_forms.

    `cache` keeps the word pairs' scores across calls: a search ranks many names against one
    query, and their words repeat (a hotline's Marijas).
    """
    query_forms = latin_forms(query)
    if not query_forms:
        return 0.0
    stored: set[str] = set()
    for form in candidate_forms:
        if not form:
            continue
        if form.isascii() and _NOT_LATIN.search(form) is None:
            stored.add(" ".join(form.split()[:MAX_TOKENS]))
        else:
            stored |= latin_forms(form)
    if not stored:
        return 0.0
    if not query_forms.isdisjoint(stored):
        return 1.0
    pair_scores: dict[tuple[str, str], float] = {} if cache is None else cache
    best = 0.0
    for query_form in query_forms:
        query_tokens = query_form.split()
        for stored_form in stored:
            score = _token_set_score(query_tokens, stored_form.split(), pair_scores)
            best = max(best, score)
    return min(1.0, max(0.0, best))


def token_similarity(a: str, b: str) -> float:
    """How alike two normalised words are: the better of their spellings' Jaro–Winkler
    similarity and (slightly discounted) that of their phonetic keys."""
    if a == b:
        return 1.0
    spelling = JaroWinkler.normalized_similarity(a, b)
    key_a, key_b = phonetic_key(a), phonetic_key(b)
    if not key_a or not key_b:
        return spelling
    sound = _KEY_AGREEMENT * JaroWinkler.normalized_similarity(key_a, key_b)
    return max(spelling, sound)


def word_similarities(typed: Iterable[str], words: list[str]) -> list[float]:
    """For each of `words`, token_similarity to the best of the `typed` spellings of one word,
    computed in bulk (rapidfuzz's C loops: a search compares a few spellings with hundreds of
    words)."""
    typed = sorted(typed)
    if not typed or not words:
        return [0.0] * len(words)
    spelling = cdist(typed, words, scorer=JaroWinkler.normalized_similarity).max(axis=0)
    sound = cdist(
        [phonetic_key(word) for word in typed],
        [phonetic_key(word) for word in words],
        scorer=JaroWinkler.normalized_similarity,
    ).max(axis=0)
    return [
        max(a, _KEY_AGREEMENT * b) for a, b in zip(spelling.tolist(), sound.tolist(), strict=True)
    ]


def word_credit(similarity: float) -> float:
    """What a word paired with a typed word at `similarity` adds to name_similarity's average."""
    return _credit(similarity)


def _credit(similarity: float) -> float:
    """What a paired token adds to the average: its similarity if strong, else less."""
    if similarity >= _STRONG:
        return similarity
    slope = (_STRONG - _MISSING) / (_STRONG - _WEAK)
    return max(_MISSING, _MISSING + (similarity - _WEAK) * slope)


def _token_set_score(
    query_tokens: list[str], stored_tokens: list[str], cache: dict[tuple[str, str], float]
) -> float:
    pairs = []
    for i, a in enumerate(query_tokens):
        for j, b in enumerate(stored_tokens):
            similarity = cache.get((a, b))
            if similarity is None:
                similarity = cache[a, b] = token_similarity(a, b)
            pairs.append((similarity, i, j))
    pairs.sort(reverse=True)
    used_query: set[int] = set()
    used_stored: set[int] = set()
    total = 0.0
    for similarity, i, j in pairs:
        if i in used_query or j in used_stored:
            continue
        used_query.add(i)
        used_stored.add(j)
        total += _credit(similarity)
    missing = len(query_tokens) - len(used_query)
    extra = len(stored_tokens) - len(used_stored)
    score = (total + missing * _MISSING) / len(query_tokens)
    return score * (1 - _EXTRA_TOKEN_PENALTY * min(extra, _MAX_EXTRA_PENALISED))
