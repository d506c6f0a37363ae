"""Which standard writes whose name for which reader: the policy behind `write_name`.

A name is written for a text in a language (a BCP 47 tag, as CAP messages carry):
- in that language's own script, unchanged if it is already the language's own name
  (a Serbian name for a Serbian Cyrillic text, a Greek one for a Greek text);
- a Latin name for a Latin-script language stays as its bearer writes it (Đorđević,
  Çınar, Țurcanu): orthographies of the region do not respell each other's Latin names;
- a Cyrillic or Greek name for a Latin-script language is romanised as that language's
  country does: English texts use each name's own national romanisation (Gaj for Serbian,
  the 2008 system for Macedonian, the 2009 act for Bulgarian, the 2010 system for
  Ukrainian, BGN/PCGN for Russian, ELOT 743 for Greek); Croatian, Bosnian, Montenegrin and
  Slovenian write Gaj's letters by their transcription rules; Romanian its own orthography
  (as Moldova's registry writes Russian and Ukrainian names); Turkish and Albanian their
  own orthographies; Serbian Latin for Serbian names everywhere but in Albanian;
- a name of another script for a Cyrillic or Greek language is transcribed into it by
  that language's rules for foreign names (Flamur Berisha → Фламур Бериша in Macedonian).
"""

from __future__ import annotations

import re
import unicodedata

from . import cyrillic, greek
from .transcription import transcribe

# The languages a text can be written in, by the tags CAP messages use; and the script and
# orthography each writes names in.
LANGUAGES = {
    "sr-Cyrl": "sr-Cyrl", "sr": "sr-Cyrl", "sr-Latn": "gaj", "hr": "gaj", "bs": "gaj",
    "cnr": "gaj", "sl": "gaj", "mk": "mk", "bg": "bg", "uk": "uk", "ru": "ru", "el": "el",
    "sq": "sq", "ro": "ro", "tr": "tr", "en": "en",
}  # fmt: skip
CYRILLIC_WRITERS = frozenset({"sr-Cyrl", "mk", "bg", "uk", "ru"})
# The Cyrillic name a Cyrillic-script language keeps as it is.
_OWN_CYRILLIC = {"sr-Cyrl": "sr", "mk": "mk", "bg": "bg", "uk": "uk", "ru": "ru"}

_CYRILLIC = re.compile("[\u0400-\u052f]")
_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")

# How each Latin-script language writes a name of each Cyrillic language and Greek:
# the code of a national romanisation (cyrillic.STANDARDS, greek.STANDARDS), or "pivot"
# for the language's own transcription of foreign names.
_ROMANISED_FOR = {
    "en": {"sr": "sr", "mk": "mk", "bg": "bg", "uk": "uk", "ru": "ru-bgn", "el": "elot743"},
    "ro": {"sr": "sr", "mk": "mk", "bg": "pivot", "uk": "uk-ro", "ru": "ru-md",
           "el": "elot743"},
    "tr": {"sr": "sr", "mk": "pivot", "bg": "pivot", "uk": "pivot", "ru": "pivot",
           "el": "pivot"},
    "sq": dict.fromkeys(("sr", "mk", "bg", "uk", "ru", "el"), "pivot"),
    "gaj": {"sr": "sr", "mk": "pivot", "bg": "pivot", "uk": "pivot", "ru": "pivot",
            "el": "pivot"},
}  # fmt: skip

_STANDARDS = {**cyrillic.STANDARDS, **greek.STANDARDS}

# Letters that only some Cyrillic alphabets have.
_ONLY = (
    ("mk", frozenset("ѓќѕ")),
    ("sr", frozenset("ђћ")),
    ("uk", frozenset("іїєґ")),
    ("ru", frozenset("ыэё")),
)
_SOUTH_WEST = frozenset("јљњџ")  # Serbian and Macedonian
_EAST = frozenset("йюящьъ")  # Bulgarian, Russian, Ukrainian
_BULGARIAN_ENDINGS = re.compile(r"(?:ов|ев|ова|ева|ски|ска)\b")
_UKRAINIAN_ENDINGS = re.compile(r"(?:енко|чук|юк|ук|ський|ська|цький|цька|ишин|ишина)\b")
_MACEDONIAN_ENDINGS = re.compile(r"(?:ски|ска|ов|ова|ев|ева)\b")


def script_of(text: str) -> str:
    """ "Cyrl", "Grek" or "Latn": the script of a name's letters (Latin when it has none)."""
    for ch in text:
        if _CYRILLIC.match(ch):
            return "Cyrl"
        if _GREEK.match(ch):
            return "Grek"
    return "Latn"


def cyrillic_language(text: str, hint: str | None = None) -> str:
    """Which Cyrillic orthography a name is written in: "sr", "mk", "bg", "uk" or "ru".

    A hint (the language of the record's country) wins unless the name has letters that
    orthography lacks. Without one the letters decide (ђ is Serbian, ѓ Macedonian, і
    Ukrainian, ы Russian); a name of shared letters only is read by its endings (-ов, -ски
    are Bulgarian or Macedonian, -ић Serbian), and Bulgarian before Russian, as the region's
    records are.
    """
    low = text.lower()
    letters = {ch for ch in low if _CYRILLIC.match(ch) and ch.isalpha()}
    if hint in _OWN_CYRILLIC.values() and letters <= _ALPHABETS[hint]:
        return hint
    for language, own in _ONLY:
        if letters & own:
            return language
    if letters & _SOUTH_WEST:
        return "mk" if _MACEDONIAN_ENDINGS.search(low) and "ић" not in low else "sr"
    if _UKRAINIAN_ENDINGS.search(low):
        return "uk"
    if letters & _EAST:
        return "bg"
    return "bg" if _BULGARIAN_ENDINGS.search(low) else "sr"


_ALPHABETS = {
    "sr": frozenset("абвгдђежзијклљмнњопрстћуфхцчџш"),
    "mk": frozenset("абвгдѓежзѕијклљмнњопрстќуфхцчџш"),
    "bg": frozenset("абвгдежзийклмнопрстуфхцчшщъьюя"),
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
    "ru": frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя"),
}


def latin_orthography(text: str, hint: str | None = None) -> str:
    """Which orthography a Latin name is spelt in: "sq" (Albanian), "tr", "ro", "gaj"
    (Serbian, Croatian, Bosnian, Montenegrin, Slovenian Latin) or "ascii" (no telling
    letters: read by the English, German and Albanian digraphs)."""
    low = text.lower()
    letters = set(low)
    if hint in ("sq", "tr", "ro"):
        return hint
    if hint in ("sr", "hr", "bs", "cnr", "sl", "mk"):
        return "gaj"
    if "ë" in letters or "xh" in low:
        return "sq"
    if letters & set("ăâîșțţ"):
        return "ro"
    if letters & set("ğışöü"):
        return "tr"
    if letters & set("čćšžđ"):
        return "gaj"
    if "ç" in letters:
        return "sq"
    return "ascii"


def _language(language: str) -> str:
    tag = language.strip()
    if tag in LANGUAGES:
        return LANGUAGES[tag]
    parts = tag.replace("_", "-").split("-")
    primary = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4), "")
    if primary == "sr":
        return "gaj" if script == "Latn" else "sr-Cyrl"
    if primary == "me":  # the country code is often given for Montenegrin
        return "gaj"
    if primary in LANGUAGES:
        return LANGUAGES[primary]
    raise ValueError(f"No rules for writing names in {language!r}")


def _words(text: str) -> list[str]:
    """The name in runs of one script each, separators kept (a name may mix scripts)."""
    return re.split(r"(\s+|-)", text)


def write_name(name: str, language: str, *, source: str | None = None) -> str:
    """The child's name written for a text in `language` (a BCP 47 tag: "sr-Cyrl", "sr-Latn",
    "mk", "bg", "uk", "el", "sq", "hr", "bs", "cnr", "sl", "ro", "tr", "en"; "ru" too), in that
    language's script by its national romanisation or transcription.

    `source`, if known, is the language the name was recorded in (a two-letter code: "sr",
    "bg", "sq"...), which tells apart orthographies that share letters (Живко Цветков is
    Živko Cvetkov in Serbian, Zhivko Tsvetkov in Bulgarian). Raises ValueError for a
    language it has no rules for.
    """
    target = _language(language)
    text = unicodedata.normalize("NFC", " ".join((name or "").split()))
    if not text:
        return ""
    cyrillic_source = cyrillic_language(text, source) if _CYRILLIC.search(text) else None
    latin_source = latin_orthography(text, source)
    out = []
    for word in _words(text):
        script = script_of(word)
        if not word.strip() or word == "-" or not any(ch.isalpha() for ch in word):
            out.append(word)
        elif script == "Cyrl":
            out.append(_from_cyrillic(word, cyrillic_source, target))
        elif script == "Grek":
            out.append(_from_greek(word, target))
        else:
            out.append(_from_latin(word, latin_source, target))
    return "".join(out)


def _latin_writer(target: str) -> str:
    return target if target in _ROMANISED_FOR else "gaj"


def _romanised(word: str, source: str, target: str) -> str:
    how = _ROMANISED_FOR[_latin_writer(target)][source]
    if how == "pivot":
        return transcribe(word, source, _latin_writer(target) if target != "en" else "gaj")
    return _STANDARDS[how](word)


def _from_cyrillic(word: str, source: str, target: str) -> str:
    if target in CYRILLIC_WRITERS:
        if _OWN_CYRILLIC[target] == source:
            return word
        return transcribe(word, source, target)
    if target == "el":
        return transcribe(word, source, "el")
    return _romanised(word, source, target)


def _from_greek(word: str, target: str) -> str:
    if target == "el":
        return word
    if target in CYRILLIC_WRITERS:
        return transcribe(word, "el", target)
    return _romanised(word, "el", target)


def _from_latin(word: str, source: str, target: str) -> str:
    if target in CYRILLIC_WRITERS or target == "el":
        return transcribe(word, source, target)
    return word
