"""Every spelling of a name that a record of the region may carry.

A Ukrainian girl's family name Чміль is Chmil in her passport (2010 system), Tschmil in a
German police record, Tchmil in a French one, Cimil in a Moldovan one, Čmil' by ISO 9.
Search and linkage compare a name by all its romanisations, so that any of them finds it.
"""

from __future__ import annotations

import unicodedata

from . import cyrillic, greek
from .languages import _ALPHABETS, _CYRILLIC, _GREEK, cyrillic_language

# The standards a name of each Cyrillic orthography may have been romanised by, the
# national one first.
BY_LANGUAGE = {
    "sr": ("sr", "sr-ascii", "sr-en", "iso9"),
    "mk": ("mk", "mk-latin", "sr", "iso9"),
    "bg": ("bg", "bg-de", "bg-fr", "ru-bgn", "iso9"),
    "uk": ("uk", "uk-en", "uk-de", "uk-fr", "uk-ro", "ru-icao", "iso9"),
    "ru": ("ru-bgn", "ru-icao", "ru-passport-1997", "ru-md", "ru-de", "ru-fr", "iso9"),
    "el": ("elot743", "el-phonetic"),
}
_STANDARDS = {**cyrillic.STANDARDS, **greek.STANDARDS}


def romanisations(name: str, source: str | None = None) -> dict[str, str]:
    """The name by each standard that may have been applied to it: {standard code: Latin
    spelling}, the national romanisation first. A Cyrillic name is read by every
    orthography whose alphabet has all its letters (Иван could be Serbian, Bulgarian or
    Russian), the likeliest (or `source`) first. A Latin name is its own only spelling."""
    name = unicodedata.normalize("NFC", name or "")
    if not name.strip():
        return {}
    codes: list[str] = []
    if _CYRILLIC.search(name):
        letters = {ch for ch in name.lower() if _CYRILLIC.match(ch) and ch.isalpha()}
        first = cyrillic_language(name, source)
        fitting = [first] + [
            language
            for language, alphabet in _ALPHABETS.items()
            if language != first and letters <= alphabet
        ]
        for language in fitting:
            codes.extend(code for code in BY_LANGUAGE[language] if code not in codes)
        if _GREEK.search(name):
            codes.extend(BY_LANGUAGE["el"])
    elif _GREEK.search(name):
        codes.extend(BY_LANGUAGE["el"])
    else:
        return {"latin": name}
    spellings: dict[str, str] = {}
    for code in codes:
        spelling = _STANDARDS[code](name)
        if _GREEK.search(spelling):  # Greek letters in a Cyrillic name: ELOT 743 for them
            spelling = greek.ELOT_743(spelling)
        spellings[code] = spelling
    return spellings
