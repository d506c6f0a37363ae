"""Labelled evaluation records for record linkage in the SEEC region (fictional children).

`generate` writes records of children as the region's hotlines, police and reception centres
would: each in its own country's script (Cyrillic in RS, MK, BG, UA and partly MD; Greek in
GR and CY; Latin elsewhere). One child (`entity_id`) appears in several records where the
linkage has something to find: a duplicate in one country's lists, or a journey across a
border where the name is written again in another script and convention (Đorđević,
Djordjevic, Ђорђевић, Джорджевич, Τζορτζεβιτς), with typos, nicknames, given and family
names swapped, day and month of birth swapped, a guessed birth date, missing fields. And
children who are different but alike: siblings (same family name, same place, close birth
dates, twins) and common names drawn often.

Deterministic for a seed; pure Python (no Django, no database), ~50,000 records in a few
seconds. `true_pairs` gives the pairs of record ids that belong to one child.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate, combinations

from seec.cases import names
from seec.linkage import evaluation_names as pools

COUNTRIES = ("AL", "BA", "BG", "HR", "CY", "GR", "MD", "ME", "MK", "RO", "RS", "SI", "TR", "UA")

# The script each country's records are written in. Moldova writes in Latin, but some of its
# sources (Russian-speaking families and police stations) write Russian Cyrillic.
SCRIPT = {
    "RS": "Cyrl", "MK": "Cyrl", "BG": "Cyrl", "UA": "Cyrl", "GR": "Grek", "CY": "Grek",
    "AL": "Latn", "BA": "Latn", "HR": "Latn", "MD": "Latn", "ME": "Latn", "RO": "Latn",
    "SI": "Latn", "TR": "Latn",
}  # fmt: skip
MOLDOVAN_CYRILLIC_SHARE = 0.3

# How a country spells a name in its script: the Cyrillic or Greek style of its clerks, or
# the Latin orthography its own names are written in.
_CYRILLIC_STYLE = {"RS": "sr", "MK": "mk", "BG": "bg", "UA": "uk", "MD": "ru"}
_LATIN_ORTHOGRAPHY = {
    "AL": "sq", "TR": "tr", "RO": "ro", "MD": "ro",
    "BA": "sh", "HR": "sh", "ME": "sh", "SI": "sh", "RS": "sh", "MK": "sh",
}  # fmt: skip
# Latin conventions a clerk may use for a Cyrillic name, the home country's first.
_CYRILLIC_TO_LATIN = {
    "RS": ("sr", "sr", "ru"), "MK": ("mk", "mk", "ru"), "BG": ("bg", "bg", "ru"),
    "UA": ("uk", "uk", "ru"), "MD": ("ru",),
}  # fmt: skip

# Shares of the records by origin, roughly by population and by how many children each
# country's services meet.
ORIGIN_WEIGHTS = {
    "TR": 16, "UA": 14, "RO": 10, "GR": 8, "RS": 8, "BG": 7, "AL": 6, "BA": 5, "MD": 5,
    "HR": 5, "MK": 4, "SI": 3, "ME": 3, "CY": 2,
}  # fmt: skip

# Where a child from a country is next met: neighbours and the Balkan route's legs
# (TR → GR/BG → MK/RS → BA/HR → SI; UA → MD/RO; AL → GR/ME).
JOURNEYS = {
    "AL": ("GR", "ME", "MK", "IT"), "BA": ("HR", "RS", "ME", "SI"),
    "BG": ("RO", "RS", "MK", "GR", "TR"), "HR": ("SI", "BA", "RS"),
    "CY": ("GR", "TR"), "GR": ("AL", "MK", "BG", "TR", "CY"), "MD": ("RO", "UA"),
    "ME": ("RS", "BA", "AL", "HR"), "MK": ("RS", "AL", "GR", "BG"),
    "RO": ("MD", "UA", "BG", "RS"), "RS": ("HR", "BA", "ME", "MK", "BG", "RO", "GR"),
    "SI": ("HR",), "TR": ("GR", "BG", "CY"), "UA": ("MD", "RO", "BG"),
}  # fmt: skip

_SOURCES = ("hotline-116000", "police", "shelter")
_RECEPTION_COUNTRIES = frozenset({"GR", "BG", "RS", "MK", "HR", "SI", "CY", "TR", "BA"})

_FIRST_EVENT = date(2022, 1, 1)
_EVENT_SPAN_DAYS = 4 * 365

# --- Scripts -------------------------------------------------------------------------------
#
# A name is moved from one script to another through its sounds: it is read into phonemes by
# the orthography it is written in, then spelt by the target's habits. This is how a clerk
# writes down a foreign name heard or read: a Greek officer writes Đorđević as Τζορτζεβιτς,
# a Bulgarian one as Джорджевич. Phonemes: Latin letters plus đ ć č dž š ž lj nj dz, ə (ă, ë,
# ъ), y (î, ı, ы), ü, ö, θ, ð and x (ks).

_PLAIN = {ch: ch for ch in "abcdefghiklmnoprstuvz"}
_READ_LATIN = {
    "sh": {**_PLAIN, "dž": "dž", "lj": "lj", "nj": "nj", "gj": "đ", "kj": "ć", "dz": "dz",
           "đ": "đ", "č": "č", "ć": "ć", "š": "š", "ž": "ž", "j": "j", "q": "k", "w": "v",
           "x": "x", "y": "i"},
    "ro": {**_PLAIN, "c": "k", "ă": "ə", "â": "y", "î": "y", "ș": "š", "ş": "š", "ț": "c", "ţ": "c",
           "cea": "č a", "cia": "č a", "cio": "č o", "ciu": "č u", "gea": "dž a", "gia": "dž a",
           "gio": "dž o", "giu": "dž u", "che": "k e", "chi": "k i", "ghe": "g e", "ghi": "g i",
           "ce": "č e", "ci": "č i", "ge": "dž e", "gi": "dž i", "ea": "j a", "j": "ž",
           "x": "x", "y": "i", "q": "k", "w": "v"},
    "sq": {**_PLAIN, "xh": "dž", "x": "dz", "sh": "š", "zh": "ž", "ç": "č", "gj": "đ",
           "q": "ć", "dh": "ð", "th": "θ", "ll": "l", "rr": "r", "nj": "nj", "ë": "ə",
           "y": "ü", "j": "j", "w": "v"},
    "tr": {**_PLAIN, "ç": "č", "ş": "š", "c": "dž", "j": "ž", "ğ": "", "ı": "y", "ö": "ö",
           "ü": "ü", "y": "j", "â": "a", "î": "i", "û": "u", "x": "x", "q": "k", "w": "v"},
    # Plain English-style Latin, as names.transliterate writes Greek (Yiorgos, Tzannetakis).
    "en": {**_PLAIN, "th": "θ", "ch": "h", "kh": "h", "ou": "u", "ps": "p s", "x": "x",
           "ts": "c", "tz": "dz", "sh": "š", "zh": "ž", "yi": "j", "y": "i", "j": "j",
           "q": "k", "w": "v"},
}  # fmt: skip
_READ_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "ђ": "đ", "ѓ": "đ", "е": "e",
    "є": "j e", "ё": "j o", "ж": "ž", "з": "z", "ѕ": "dz", "и": "i", "і": "i", "ї": "j i",
    "й": "j", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "ќ": "ć", "у": "u", "ф": "f", "х": "h",
    "ц": "c", "ч": "č", "џ": "dž", "ш": "š", "щ": "š t", "ъ": "ə", "ы": "y", "ь": "",
    "э": "e", "ю": "j u", "я": "j a", "'": "", "’": "",
}  # fmt: skip
# Ukrainian г is an h and и a y: read by the letter, Гнатюк is Hnatiuk and Ткаченко Tkachenko.
_READ_UKRAINIAN = {**_READ_CYRILLIC, "г": "h", "и": "y", "щ": "š č"}

_VOWELS = frozenset("aeiouəyüö")

_WRITE_SERBIAN = {
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "đ": "ђ", "e": "е", "ž": "ж", "z": "з",
    "i": "и", "j": "ј", "k": "к", "l": "л", "lj": "љ", "m": "м", "n": "н", "nj": "њ",
    "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "ć": "ћ", "u": "у", "f": "ф", "h": "х",
    "c": "ц", "č": "ч", "dž": "џ", "š": "ш", "ə": "е", "y": "и", "ü": "и", "ö": "о",
    "dz": "дз", "θ": "т", "ð": "д", "x": "кс",
}  # fmt: skip
_WRITE_MACEDONIAN = {**_WRITE_SERBIAN, "đ": "ѓ", "ć": "ќ", "dz": "ѕ"}
_WRITE_BULGARIAN = {
    **_WRITE_SERBIAN, "đ": "дж", "ć": "ч", "dž": "дж", "j": "й", "lj": "л", "nj": "н",
    "ə": "ъ", "y": "ъ", "ü": "ю", "ö": "ьо", "dz": "дз",
}  # fmt: skip
_WRITE_RUSSIAN = {**_WRITE_BULGARIAN, "ə": "э", "y": "ы"}
_WRITE_UKRAINIAN = {**_WRITE_BULGARIAN, "i": "і", "y": "и", "ə": "е", "g": "г", "h": "г"}
# A glide with its vowel, and a soft l or n before one (Љубица → Любица).
_GLIDE_VOWEL = {
    "bg": {"a": "я", "u": "ю", "o": "йо", "e": "е", "i": "и"},
    "ru": {"a": "я", "u": "ю", "o": "ё", "e": "е", "i": "и"},
    "uk": {"a": "я", "u": "ю", "o": "йо", "e": "є", "i": "ї"},
}
_WRITE_GREEK = {
    "a": "α", "b": "μπ", "v": "β", "g": "γκ", "d": "ντ", "đ": "τζ", "e": "ε", "ž": "ζ",
    "z": "ζ", "i": "ι", "j": "ι", "k": "κ", "l": "λ", "lj": "λι", "m": "μ", "n": "ν",
    "nj": "νι", "o": "ο", "p": "π", "r": "ρ", "s": "σ", "t": "τ", "ć": "τς", "u": "ου",
    "f": "φ", "h": "χ", "c": "τσ", "č": "τσ", "dž": "τζ", "š": "σ", "ə": "ε", "y": "ι",
    "ü": "ιου", "ö": "ο", "dz": "τζ", "θ": "θ", "ð": "δ", "x": "ξ",
}  # fmt: skip


def _read(word: str, table: dict[str, str]) -> list[str]:
    """The phonemes of one lower-case word, longest spelling first."""
    longest = max(len(key) for key in table)
    phonemes: list[str] = []
    i = 0
    while i < len(word):
        for size in range(min(longest, len(word) - i), 0, -1):
            sound = table.get(word[i : i + size])
            if sound is not None:
                phonemes.extend(sound.split())
                i += size
                break
        else:
            i += 1  # a letter this orthography has no sound for (an apostrophe, a digit)
    return phonemes


def _phonemes(name: str, origin: str, script: str) -> list[list[str]]:
    """The phonemes of each word of a name written in `script` by a person from `origin`."""
    if script == "Grek":
        text, table = names.transliterate(name, "el-phonetic"), _READ_LATIN["en"]
    elif script == "Cyrl":
        text = name
        table = _READ_UKRAINIAN if origin == "UA" else _READ_CYRILLIC
    else:
        text, table = name, _READ_LATIN[_LATIN_ORTHOGRAPHY.get(origin, "sh")]
    text = text.replace("İ", "i").lower()
    return [_read(word, table) for word in text.replace("-", " ").split()]


def _write_cyrillic(phonemes: list[str], style: str) -> str:
    if style in ("sr", "mk"):
        table = _WRITE_SERBIAN if style == "sr" else _WRITE_MACEDONIAN
        return "".join(table.get(p, "") for p in phonemes)
    table = {"bg": _WRITE_BULGARIAN, "ru": _WRITE_RUSSIAN, "uk": _WRITE_UKRAINIAN}[style]
    glides = _GLIDE_VOWEL[style]
    out = []
    i = 0
    while i < len(phonemes):
        sound = phonemes[i]
        following = phonemes[i + 1] if i + 1 < len(phonemes) else ""
        if sound in ("j", "lj", "nj") and following in glides:
            out.append({"j": "", "lj": "л", "nj": "н"}[sound] + glides[following])
            i += 2
            continue
        if sound in ("lj", "nj"):
            out.append(table[sound] + "ь")
        elif sound == "ö" and i == 0:
            out.append("о")
        else:
            out.append(table.get(sound, ""))
        i += 1
    return "".join(out)


def _write_greek(phonemes: list[str]) -> str:
    out = []
    i = 0
    while i < len(phonemes):
        sound = phonemes[i]
        following = phonemes[i + 1] if i + 1 < len(phonemes) else ""
        if sound == "j" and i == 0 and following in _VOWELS:
            out.append("γι")  # Jovan → Γιοβαν, as Greek writes a glide at the start
        elif sound == "k" and following == "s":
            out.append("ξ")  # Aleksandar → Αλεξανταρ
            i += 1
        elif (sound, following) in (("n", "d"), ("m", "b")):
            out.append(_WRITE_GREEK[sound] + _WRITE_GREEK[following][-1])  # ντ, μπ
            i += 1
        else:
            out.append(_WRITE_GREEK.get(sound, ""))
        i += 1
    text = "".join(out)
    return text[:-1] + "ς" if text.endswith("σ") else text


@lru_cache(maxsize=65536)
def write_name(name: str, origin: str, from_script: str, to_script: str, style: str) -> str:
    """`name`, written in `from_script` by a person from `origin`, as a clerk writes it in
    `to_script`. `style` is the clerk's habit: a Cyrillic style (sr, mk, bg, ru, uk), a Latin
    convention of names.CONVENTIONS for a Cyrillic or Greek name ("sr/plain": that convention
    without diacritics), or "plain" for a Latin name written without its diacritics ("" keeps
    them).
    """
    if to_script == "Latn":
        convention, _, plain = style.partition("/")
        latin = name
        if from_script != "Latn":
            latin = names.transliterate(name, convention or "ru")
        return _plain_latin(latin) if plain or convention == "plain" else latin
    if to_script == from_script and (to_script == "Grek" or _same_cyrillic(origin, style)):
        return name
    words = []
    for phonemes in _phonemes(name, origin, from_script):
        word = _write_greek(phonemes) if to_script == "Grek" else _write_cyrillic(phonemes, style)
        words.append(word[:1].upper() + word[1:])
    return " ".join(word for word in words if word)


def _same_cyrillic(origin: str, style: str) -> bool:
    return _CYRILLIC_STYLE.get(origin) == style or (origin, style) in {("RS", "mk"), ("MK", "sr")}


def _plain_latin(text: str) -> str:
    """Latin without diacritics, as a keyboard without the region's letters writes it."""
    text = text.replace("đ", "dj").replace("Đ", "Dj").replace("ı", "i").replace("İ", "I")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --- Name pools ----------------------------------------------------------------------------


def _native(country: str, name: str) -> str:
    """A pool name in its country's script (the Serbian and Macedonian pools are in Latin)."""
    style = _CYRILLIC_STYLE.get(country)
    if country in ("RS", "MK"):
        return write_name(name, country, "Latn", "Cyrl", style)
    return name


def _zipf_weights(size: int, exponent: float) -> list[float]:
    # The first names of a pool are drawn most often: common names make look-alike children.
    # Gentle slopes: with pools this small, a steep one would make the commonest name far
    # commoner than any real one (the commonest Ukrainian family name is ~0.5 % of people).
    return list(accumulate(1 / (rank + 1) ** exponent for rank in range(size)))


class _Pool:
    def __init__(self, country: str):
        self.female = [_native(country, n) for n in pools.GIVEN_FEMALE[country]]
        self.male = [_native(country, n) for n in pools.GIVEN_MALE[country]]
        self.family = [_native(country, n) for n in pools.FAMILY[country]]
        table = pools.NICKNAMES[pools.NICKNAME_TABLE[country]]
        self.nicknames = {
            _native(country, full): [_native(country, n) for n in short]
            for full, short in table.items()
        }
        self.female_weights = _zipf_weights(len(self.female), 0.7)
        self.male_weights = _zipf_weights(len(self.male), 0.7)
        self.family_weights = _zipf_weights(len(self.family), 0.4)
        self.country = country

    def given(self, rng: random.Random, sex: str, avoid: str = "") -> str:
        options, weights = (
            (self.female, self.female_weights)
            if sex == "female"
            else (self.male, self.male_weights)
        )
        while True:
            name = rng.choices(options, cum_weights=weights)[0]
            if name != avoid:
                return name

    def family_name(self, rng: random.Random, sex: str) -> str:
        name = rng.choices(self.family, cum_weights=self.family_weights)[0]
        return pools.female_family_name(name, self.country) if sex == "female" else name


@lru_cache(maxsize=1)
def _pools() -> dict[str, _Pool]:
    return {country: _Pool(country) for country in COUNTRIES}


# --- Children and their records ------------------------------------------------------------


class _Child:
    """The truth about one child: what every record of it is written from."""

    __slots__ = (
        "birth", "country", "entity_id", "event", "family", "given", "latitude", "longitude",
        "nickname", "place", "sex",
    )  # fmt: skip

    def __init__(self, **fields):
        for name, value in fields.items():
            setattr(self, name, value)


def _new_child(rng: random.Random, entity_id: str, sibling_of: _Child | None = None) -> _Child:
    pool_by_country = _pools()
    if sibling_of is None:
        country = rng.choices(list(ORIGIN_WEIGHTS), weights=list(ORIGIN_WEIGHTS.values()))[0]
        event = _FIRST_EVENT + timedelta(days=rng.randrange(_EVENT_SPAN_DAYS))
        birth = event - timedelta(days=rng.randint(3 * 365, 17 * 365 + 300))
        place, latitude, longitude = rng.choice(pools.PLACES[country])
        latitude += rng.uniform(-0.05, 0.05)
        longitude += rng.uniform(-0.05, 0.05)
    else:
        country, event = sibling_of.country, sibling_of.event
        place, latitude, longitude = sibling_of.place, sibling_of.latitude, sibling_of.longitude
        twin = rng.random() < 0.1
        gap = 0 if twin else rng.choice((-1, 1)) * rng.randint(330, 4 * 365)
        birth = sibling_of.birth + timedelta(days=gap)
    pool = pool_by_country[country]
    sex = rng.choice(("female", "male"))
    if sibling_of is None:
        family = pool.family_name(rng, sex)
    else:
        # The sibling's family name in its own sex's form (Иванов, Иванова).
        masculine = _masculine_family(sibling_of)
        family = pools.female_family_name(masculine, country) if sex == "female" else masculine
    avoid = sibling_of.given if sibling_of is not None else ""
    given = pool.given(rng, sex, avoid=avoid)
    nicknames = pool.nicknames.get(given)
    return _Child(
        entity_id=entity_id, country=country, sex=sex, given=given, family=family,
        nickname=rng.choice(nicknames) if nicknames else "", birth=birth, event=event,
        place=place, latitude=latitude, longitude=longitude,
    )  # fmt: skip


def _masculine_family(child: _Child) -> str:
    if child.sex == "male":
        return child.family
    for masculine in _pools()[child.country].family:
        if pools.female_family_name(masculine, child.country) == child.family:
            return masculine
    return child.family


def _record_script(rng: random.Random, country: str) -> str:
    if country == "MD" and rng.random() < MOLDOVAN_CYRILLIC_SHARE:
        return "Cyrl"
    return SCRIPT[country]


def _clerk_style(rng: random.Random, child: _Child, country: str, script: str) -> str:
    """How the clerk writing in `country` spells names of the child's origin."""
    origin_script = SCRIPT[child.country]
    if script == "Cyrl":
        return _CYRILLIC_STYLE[country]
    if script == "Grek":
        return "el"
    if origin_script == "Grek":
        return rng.choice(("el", "el-phonetic", "el-phonetic"))
    if origin_script == "Cyrl":
        convention = rng.choice(_CYRILLIC_TO_LATIN[child.country])
        # Serbian and Macedonian Latin have diacritics (Đorđević) that foreign keyboards lack.
        return convention + ("/plain" if rng.random() < 0.5 else "")
    # A Latin name: kept with its letters, or typed without them on a foreign keyboard.
    keeps = country == child.country or rng.random() < 0.4
    return "" if keeps else "plain"


_ALPHABETS = {
    "Latn": "abcdefghijklmnoprstuvz",
    "Cyrl": "абвгдежзиклмнопрстуфхцчш",
    "Grek": "αβγδεζηθικλμνξοπρστυφχω",
}


def _typo(rng: random.Random, text: str, script: str) -> str:
    """One slip of the keyboard or the ear, away from the first letter."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    letter = rng.choice(_ALPHABETS[script])
    if kind == 0:
        return text[:i] + text[i + 1 :]  # a letter left out
    if kind == 1:
        return text[:i] + letter + text[i:]  # one too many
    if kind == 2:
        return text[:i] + letter + text[i + 1 :]  # a wrong one
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # two swapped


class _Writer:
    """Writes the records of children, numbering them in order."""

    def __init__(self, rng: random.Random, duplicate_rate: float, cross_border_rate: float):
        self.rng = rng
        self.duplicate_rate = duplicate_rate
        self.cross_border_rate = cross_border_rate

    def records_of(self, child: _Child, first_script: str, destination: str) -> list[dict]:
        rng = self.rng
        first = self.record(child, child.country, first_script, child.event, first=True)
        records = [first]
        if rng.random() >= self.duplicate_rate:
            return records
        extra = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
        cross_border = rng.random() < self.cross_border_rate
        event = child.event
        for _ in range(extra):
            if cross_border:
                event += timedelta(days=rng.randint(2, 60))
                country = destination
                script = SCRIPT[country]
            else:
                event += timedelta(days=rng.randint(0, 30))
                country = child.country
                script = _record_script(rng, country)
            records.append(self.record(child, country, script, event, first=False))
        return records

    def record(self, child: _Child, country: str, script: str, event: date, *, first: bool):
        rng = self.rng
        origin_script = SCRIPT[child.country]
        if child.country == "MD" and script == "Cyrl":
            origin_script = "Latn"  # Moldovan names are Romanian first, written in Russian
        style = _clerk_style(rng, child, country, script)

        def written(name: str) -> str:
            return write_name(name, child.country, origin_script, script, style)

        noisy = not first
        given, family, other_names = written(child.given), written(child.family), ""
        if child.nickname and noisy:
            roll = rng.random()
            if roll < 0.15:
                given = written(child.nickname)
            elif roll < 0.35:
                other_names = written(child.nickname)
        typo_rate = 0.2 if noisy else 0.03
        if rng.random() < typo_rate:
            given = _typo(rng, given, script)
        if rng.random() < typo_rate:
            family = _typo(rng, family, script)
        if noisy and rng.random() < 0.05:
            given, family = family, given

        source = self.source(country)
        birth, estimated, age = self.birth_date(child, event, source, noisy)
        place, latitude, longitude = self.place(child, country)
        if noisy and rng.random() < 0.05:
            place, latitude, longitude = "", None, None
        sex = child.sex if not (noisy and rng.random() < 0.03) else None
        nationality = child.country if not (noisy and rng.random() < 0.1) else None
        return {
            "entity_id": child.entity_id,
            "source": source,
            "country": country,
            "script": names.script_of(given + family),
            "given_name": given,
            "family_name": family,
            "other_names": other_names,
            "sex": sex,
            "date_of_birth": birth,
            "dob_estimated": estimated,
            "age_estimate": age,
            "nationality": nationality,
            "place": place,
            "latitude": latitude,
            "longitude": longitude,
            "event_date": event,
        }

    def source(self, country: str) -> str:
        if country in _RECEPTION_COUNTRIES and self.rng.random() < 0.3:
            return f"{country}-reception-centre"
        return f"{country}-{self.rng.choice(_SOURCES)}"

    def birth_date(
        self, child: _Child, event: date, source: str, noisy: bool
    ) -> tuple[date | None, bool, int | None]:
        rng = self.rng
        age = (event - child.birth).days // 365
        if source.endswith("reception-centre") and rng.random() < 0.5:
            # No papers: the officer guesses the age and writes 1 January of that year.
            guessed = max(1, age + rng.choice((-1, 0, 0, 0, 1)))
            return date(event.year - guessed, 1, 1), True, guessed
        if not noisy:
            return child.birth, False, None
        birth = child.birth
        roll = rng.random()
        if roll < 0.08:
            return None, False, None
        if roll < 0.18 and birth.day <= 12 and birth.day != birth.month:
            return date(birth.year, birth.day, birth.month), False, None
        if roll < 0.23:
            return _birth_typo(rng, birth), False, None
        return birth, False, None

    def place(self, child: _Child, country: str) -> tuple[str, float, float]:
        if country == child.country and self.rng.random() < 0.7:
            return child.place, child.latitude, child.longitude
        place, latitude, longitude = self.rng.choice(pools.PLACES[country])
        return place, latitude, longitude


def _birth_typo(rng: random.Random, birth: date) -> date:
    if rng.random() < 0.5:
        return birth.replace(year=birth.year + rng.choice((-1, 1)), day=min(birth.day, 28))
    day = min(28, max(1, birth.day + rng.choice((-3, -2, -1, 1, 2, 3))))
    return birth.replace(day=day)


def _destination(rng: random.Random, child: _Child, writer_script: str) -> str:
    """Where the child's journey leads: a country on its route written in another script, so
    that its records there are in a script other than its first record's."""
    routes = [c for c in JOURNEYS[child.country] if c in SCRIPT and SCRIPT[c] != writer_script]
    if not routes:
        routes = [c for c in COUNTRIES if SCRIPT[c] != writer_script]
    return rng.choice(routes)


def generate(
    n_records: int,
    *,
    seed: int = 0,
    duplicate_rate: float = 0.35,
    cross_border_rate: float = 0.5,
    sibling_rate: float = 0.1,
) -> list[dict]:
    """`n_records` records of fictional children, the same for the same arguments.

    duplicate_rate: the share of children with more than one record (2 to 4).
    cross_border_rate: the share of those whose further records are in another country, on
    their route and in another script than the first record's.
    sibling_rate: the share of children with a sibling (same family name, same place and
    event, close or equal birth date).

    Each record is a dict: record_id, entity_id (the true child), source, country, script
    (Latn, Cyrl or Grek), given_name, family_name, other_names, sex ("female", "male" or
    None), date_of_birth (a date or None), dob_estimated, age_estimate (years, when the
    birth date is a guess), nationality (country code or None), place, latitude, longitude
    (None when the place is missing), event_date (last seen or registered). The records are
    shuffled; record ids are numbered in that order. `pandas.DataFrame(records)` makes a
    frame of them.
    """
    rng = random.Random(seed)  # noqa: S311 (fictional data, reproducible by seed: no secret)
    writer = _Writer(rng, duplicate_rate, cross_border_rate)
    records: list[dict] = []
    children = 0
    while len(records) < n_records:
        children += 1
        child = _new_child(rng, f"e{children:07d}")
        family = [child]
        if rng.random() < sibling_rate:
            children += 1
            family.append(_new_child(rng, f"e{children:07d}", sibling_of=child))
        # Siblings are reported together and, travelling together, met together on the way.
        first_script = _record_script(rng, child.country)
        destination = _destination(rng, child, first_script)
        for member in family:
            records.extend(writer.records_of(member, first_script, destination))
    del records[n_records:]
    rng.shuffle(records)
    return [{"record_id": f"r{i:07d}", **record} for i, record in enumerate(records)]


def true_pairs(records: list[dict]) -> set[tuple[str, str]]:
    """Every pair (a, b), a < b, of record ids that belong to one child."""
    by_entity: dict[str, list[str]] = {}
    for record in records:
        by_entity.setdefault(record["entity_id"], []).append(record["record_id"])
    pairs = set()
    for ids in by_entity.values():
        pairs.update(combinations(sorted(ids), 2))
    return pairs
