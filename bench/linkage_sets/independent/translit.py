"""How a clerk of the region writes a name that reached them in another script or language.

Written for this evaluation set alone, from the published tables (see SOURCES.md), and never
from the platform's own transliteration: a set that shares its spellings with the model it
measures cannot show what the model misses.

Two kinds of convention:
- letter by letter, from the name as written in its own script: ISO 9, the national
  romanisations (Serbian Gaj Latin, Macedonian, Bulgarian Streamlined System, Ukrainian 2010),
  BGN/PCGN, the passport spellings of Russia (ICAO 9303, and the older 1997 one still in
  Moldovan hands), ELOT 743 and the phonetic Greek spellings (Yiorgos, Giorgos), and a foreign
  keyboard's loss of diacritics;
- by ear: the name is read in its own language into sounds, and the sounds are written in
  the clerk's own orthography (a German police officer: Tschmil, Jovanowitsch; a French one:
  Iovanovitch; an English-speaking one: Chmil, Yovanovich; a Bulgarian clerk writing an
  Albanian name in Cyrillic; a Greek one writing a Serbian name in Greek).

`spell(text, lang, convention)` is the one entry: `lang` says how to read `text` (sr, mk, bg,
uk, ru in Cyrillic; el in Greek; sh = Serbo-Croatian/Bosnian/Montenegrin/Slovene Latin, sq,
tr, ro in Latin), `convention` one of CONVENTIONS.
"""

import re
import unicodedata

VOWELS = frozenset("aeiouyɪəɨøʏ")

# -- reading a name into sounds ------------------------------------------------------------

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ж": "ʒ", "з": "z",
    "и": "i", "і": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "ts", "ч": "tʃ",
    "ш": "ʃ", "ђ": "dʑ", "ј": "j", "љ": "ʎ", "њ": "ɲ", "ћ": "tɕ", "џ": "dʒ", "ѓ": "dʑ",
    "ќ": "tɕ", "ѕ": "dz", "ы": "y", "э": "e",
}  # fmt: skip
_IOTATED = {"я": "a", "ю": "u", "є": "e", "ї": "i", "ё": "o"}


def _read_cyrillic(word: str, lang: str) -> list[str]:
    out: list[str] = []
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        if ch in _IOTATED:
            out += ["j", _IOTATED[ch]]
        elif ch == "е" and lang == "ru" and (not out or out[-1] in VOWELS or prev in "ьъ"):
            out += ["j", "e"]
        elif ch == "г" and lang == "uk":
            out.append("h")
        elif ch == "и" and lang == "uk":
            out.append("ɪ")
        elif ch == "щ":
            out += ["ʃ", "t"] if lang == "bg" else ["ʃ", "tʃ"]
        elif ch == "ъ":
            if lang == "bg":
                out.append("ə")
        elif ch == "ь":
            out.append("j" if lang == "bg" else "ʲ")
        elif ch in "'’ʼ":
            continue
        else:
            out.append(_CYRILLIC.get(ch, ch))
    return out


_GREEK = {
    "α": "a", "β": "v", "δ": "ð", "ε": "e", "ζ": "z", "η": "i", "θ": "θ", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
    "υ": "i", "φ": "f", "χ": "x", "ω": "o", "ϊ": "i", "ϋ": "i",
}  # fmt: skip
_GREEK_PAIRS = {
    "ου": ["u"], "αι": ["e"], "ει": ["i"], "οι": ["i"], "υι": ["i"], "μπ": ["b"],
    "ντ": ["d"], "γκ": ["g"], "γγ": ["n", "g"], "γχ": ["n", "x"], "γξ": ["n", "k", "s"],
    "τσ": ["ts"], "τζ": ["dz"],
}  # fmt: skip
_GREEK_FRONT = ("ε", "ι", "η", "υ", "αι", "ει", "οι")
_VOICELESS = set("θκξπστφχψ")


def _read_greek(word: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        after = word[i + 2 : i + 3]
        if pair in ("αυ", "ευ", "ηυ"):
            out += [_GREEK[pair[0]], "f" if (not after or after in _VOICELESS) else "v"]
            i += 2
        elif pair in ("μπ", "ντ", "γκ") and out:
            out += {"μπ": ["m", "b"], "ντ": ["n", "d"], "γκ": ["n", "g"]}[pair]  # Χαράλαμπος
            i += 2
        elif pair in _GREEK_PAIRS:
            out += _GREEK_PAIRS[pair]
            i += 2
        elif word[i] == "γ":
            rest = word[i + 1 :]
            if rest.startswith("ι") and rest[1:2] and rest[1] in "αοωου":
                out.append("ʝ")  # γι before a vowel is one sound: Γιώργος
                i += 2
            else:
                out.append("ʝ" if rest.startswith(_GREEK_FRONT) else "ɣ")
                i += 1
        elif word[i] == "ξ":
            out += ["k", "s"]
            i += 1
        elif word[i] == "ψ":
            out += ["p", "s"]
            i += 1
        elif word[i] in "λνρμπτσκ" and word[i : i + 1] == word[i + 1 : i + 2]:
            out.append(_GREEK[word[i]])  # Γιάννης: a double letter is one sound
            i += 2
        else:
            out.append(_GREEK.get(word[i], word[i]))
            i += 1
    return out


_LATIN_PAIRS = {
    "sh": {"dž": "dʒ", "lj": "ʎ", "nj": "ɲ", "dj": "dʑ"},
    "sq": {"dh": "ð", "gj": "dʑ", "ll": "l", "nj": "ɲ", "rr": "r", "sh": "ʃ", "th": "θ",
           "xh": "dʒ", "zh": "ʒ"},
}  # fmt: skip
_LATIN = {
    "sh": {"č": "tʃ", "ć": "tɕ", "đ": "dʑ", "š": "ʃ", "ž": "ʒ", "c": "ts", "h": "x",
           "y": "i", "w": "v", "q": "k"},
    "sq": {"ç": "tʃ", "ë": "ə", "c": "ts", "q": "tɕ", "x": "dz", "y": "ʏ", "w": "v"},
    "tr": {"c": "dʒ", "ç": "tʃ", "ğ": "ɣ", "ı": "ɨ", "ö": "ø", "ş": "ʃ", "ü": "ʏ", "j": "ʒ",
           "y": "j", "â": "a", "î": "i", "û": "u", "w": "v", "q": "k"},
    "ro": {"ă": "ə", "â": "ɨ", "î": "ɨ", "ș": "ʃ", "ş": "ʃ", "ț": "ts", "ţ": "ts", "j": "ʒ",
           "y": "i", "w": "v", "q": "k", "c": "k"},
}  # fmt: skip


def _read_latin(word: str, lang: str) -> list[str]:
    pairs, letters = _LATIN_PAIRS.get(lang, {}), _LATIN[lang]
    out: list[str] = []
    i = 0
    while i < len(word):
        ch, nxt = word[i], word[i + 1 : i + 2]
        if word[i : i + 2] in pairs:
            out.append(pairs[word[i : i + 2]])
            i += 2
            continue
        if lang == "ro":
            if ch in "cg" and nxt == "h" and word[i + 2 : i + 3] in ("e", "i"):
                out.append("k" if ch == "c" else "g")
                i += 2
                continue
            if ch in "cg" and nxt in ("e", "i"):
                out.append("tʃ" if ch == "c" else "dʒ")
                # ci, gi before another vowel: the i only softens the consonant (Giurgiu)
                i += 2 if nxt == "i" and word[i + 2 : i + 3] in ("a", "o", "u") else 1
                continue
            if ch == "i" and i == 0 and nxt in ("a", "o", "u", "e"):
                out.append("j")  # Ion, Iulia, Ioana
                i += 1
                continue
            if ch == "x":
                out += ["k", "s"]
                i += 1
                continue
        if ch == "x" and lang in ("sh", "tr"):
            out += ["k", "s"]
            i += 1
            continue
        out.append(letters.get(ch, ch))
        i += 1
    return out


def read(word: str, lang: str) -> list[str]:
    """The sounds of one word (lower case) of a name written in language `lang`."""
    if lang in ("sr", "mk", "bg", "uk", "ru"):
        return _read_cyrillic(word, lang)
    if lang == "el":
        return _read_greek(_strip_tonos(word))
    return _read_latin(word, lang)


# -- writing sounds in a clerk's orthography -----------------------------------------------

_SH = {
    "a": "a", "e": "e", "i": "i", "o": "o", "u": "u", "y": "i", "ɪ": "i", "ə": "e", "ɨ": "i",
    "ø": "o", "ʏ": "u", "ʒ": "ž", "x": "h", "h": "h", "ts": "c", "tʃ": "č", "ʃ": "š",
    "dʒ": "dž", "dz": "dz", "tɕ": "ć", "dʑ": "đ", "ʎ": "lj", "ɲ": "nj", "θ": "t", "ð": "d",
    "ɣ": "g", "ʝ": "j", "ʲ": "",
}  # fmt: skip
_TARGETS: dict[str, dict[str, str]] = {
    "sh": _SH,
    "sl": {**_SH, "tɕ": "č", "dʑ": "dž"},
    "tr": {**_SH, "y": "ı", "ɪ": "ı", "ɨ": "ı", "ø": "ö", "ʏ": "ü", "ʒ": "j", "j": "y",
           "ʝ": "y", "ts": "ts", "tʃ": "ç", "ʃ": "ş", "dʒ": "c", "tɕ": "ç", "dʑ": "c",
           "ʎ": "l", "ɲ": "n"},
    "sq": {**_SH, "ə": "ë", "ɨ": "ë", "ʏ": "y", "ʒ": "zh", "ts": "c", "tʃ": "ç", "ʃ": "sh",
           "dʒ": "xh", "dz": "x", "tɕ": "q", "dʑ": "gj", "ʎ": "l", "θ": "th", "ð": "dh"},
    "de": {**_SH, "y": "y", "ɪ": "y", "ø": "ö", "ʏ": "ü", "v": "w", "z": "s", "ʒ": "sch",
           "x": "ch", "ts": "z", "tʃ": "tsch", "ʃ": "sch", "dʒ": "dsch", "dz": "ds",
           "tɕ": "tsch", "dʑ": "dj", "ç": "ch", "θ": "th"},
    "fr": {**_SH, "u": "ou", "y": "y", "ɪ": "y", "ɨ": "y", "ø": "eu", "ʏ": "u", "ʒ": "j",
           "x": "kh", "ts": "ts", "tʃ": "tch", "ʃ": "ch", "dʒ": "dj", "tɕ": "tch",
           "dʑ": "dj", "ʎ": "li", "ɲ": "ni", "θ": "th", "ç": "kh", "j": "i", "ʝ": "i"},
    "en": {**_SH, "y": "y", "ɪ": "y", "ə": "a", "ɨ": "y", "ʒ": "zh", "j": "y", "ʝ": "y",
           "x": "kh", "ts": "ts", "tʃ": "ch", "ʃ": "sh", "dʒ": "dzh", "tɕ": "ch",
           "dʑ": "dj", "ʎ": "ly", "ɲ": "ny", "θ": "th", "ç": "h"},
    "ro": {**_SH, "y": "î", "ɪ": "î", "ə": "ă", "ɨ": "î", "ʏ": "iu", "ʒ": "j", "j": "i",
           "ʝ": "i", "ts": "ț", "ʃ": "ș", "ʎ": "li", "ɲ": "ni", "x": "h"},
}  # fmt: skip


def _latin(sounds: list[str], target: str) -> str:
    table = _TARGETS[target]
    out = []
    for i, s in enumerate(sounds):
        prev = sounds[i - 1] if i else ""
        nxt = sounds[i + 1] if i + 1 < len(sounds) else ""
        front = nxt in ("e", "i")
        if s in ("j", "ʝ") and prev == "i" and nxt in VOWELS and target in ("fr", "ro"):
            continue  # Марія: Maria, not Mariia
        if s == "ʲ" and target in ("sh", "sl") and prev in ("l", "n"):
            out.append("j")  # Ukrainian Василь in Serbo-Croatian: Vasilj
        elif target == "de" and s == "s" and prev in VOWELS and nxt in VOWELS:
            out.append("ss")
        elif target == "de" and s == "j" and nxt == "" and prev in VOWELS:
            out.append("i")  # Андрей: Andrei
        elif target == "fr" and s == "s" and prev in VOWELS and nxt in VOWELS:
            out.append("ss")
        elif target == "fr" and s == "g" and front:
            out.append("gu")
        elif target == "fr" and s in ("j", "ʝ") and prev in VOWELS and nxt in VOWELS:
            out.append("ï")
        elif target == "ro" and s in ("tʃ", "tɕ", "dʒ", "dʑ"):
            base = "c" if s in ("tʃ", "tɕ") else "g"
            out.append(base if front else base + "i")  # Iovanovici, Giorgi
        elif target == "ro" and s in ("k", "g") and front:
            out.append("ch" if s == "k" else "gh")  # Serghei
        elif target == "ro" and s == "k":
            out.append("c")
        elif target == "ro" and s == "ɨ" and prev and nxt:
            out.append("â")
        else:
            out.append(table.get(s, s))
    return "".join(out)


_GAJ_TO_SR = {
    "dž": "џ", "lj": "љ", "nj": "њ", "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ",
    "d": "д", "đ": "ђ", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к",
    "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т",
    "u": "у", "v": "в", "z": "з", "ž": "ж",
}  # fmt: skip
_GAJ_TO_MK = {**_GAJ_TO_SR, "ć": "ќ", "đ": "ѓ", "dz": "ѕ"}
_GAJ_RE = {
    "sr": re.compile("dž|lj|nj|."),
    "mk": re.compile("dž|dz|lj|nj|."),
}


def gaj_to_cyrillic(text: str, lang: str = "sr") -> str:
    """Serbian (or Macedonian) Cyrillic of a Gaj Latin spelling: letter for letter."""
    table = _GAJ_TO_MK if lang == "mk" else _GAJ_TO_SR
    return "".join(table.get(m.group(), m.group()) for m in _GAJ_RE[lang].finditer(text))


_EAST = {
    "bg": {"y": "и", "ɪ": "и", "ə": "ъ", "ɨ": "ъ", "ø": "ьо", "ʏ": "ю", "h": "х", "i": "и"},
    "ru": {"y": "ы", "ɪ": "и", "ə": "е", "ɨ": "ы", "ø": "ё", "ʏ": "ю", "h": "х", "i": "и"},
    "uk": {"y": "и", "ɪ": "и", "ə": "е", "ɨ": "и", "ø": "ьо", "ʏ": "ю", "h": "г", "i": "і"},
}
_EAST_COMMON = {
    "a": "а", "e": "е", "o": "о", "u": "у", "b": "б", "v": "в", "g": "г", "d": "д",
    "ʒ": "ж", "z": "з", "j": "й", "ʝ": "й", "k": "к", "l": "л", "m": "м", "n": "н", "p": "п",
    "r": "р", "s": "с", "t": "т", "f": "ф", "x": "х", "ts": "ц", "tʃ": "ч", "ʃ": "ш",
    "dʒ": "дж", "dz": "дз", "tɕ": "ч", "dʑ": "дж", "θ": "т", "ð": "д", "ɣ": "г", "ç": "х",
}  # fmt: skip
_SOFT_VOWEL = {
    "bg": {"a": "я", "u": "ю", "e": "е", "o": "ьо", "i": "и"},
    "ru": {"a": "я", "u": "ю", "e": "е", "o": "ё", "i": "и"},
    "uk": {"a": "я", "u": "ю", "e": "є", "o": "ьо", "i": "ї"},
}
_IOTATED_AFTER_VOWEL = {
    "bg": {"a": "я", "u": "ю", "e": "йе", "o": "йо", "i": "йи"},
    "ru": {"a": "я", "u": "ю", "e": "е", "o": "йо", "i": "йи"},
    "uk": {"a": "я", "u": "ю", "e": "є", "o": "йо", "i": "ї"},
}


def _east_cyrillic(sounds: list[str], lang: str) -> str:
    """Bulgarian, Russian or Ukrainian Cyrillic by ear: iotation is written in the vowel."""
    table = {**_EAST_COMMON, **_EAST[lang]}
    out = []
    i = 0
    while i < len(sounds):
        s = sounds[i]
        nxt = sounds[i + 1] if i + 1 < len(sounds) else ""
        prev = sounds[i - 1] if i else ""
        if s == "ʲ" and nxt == "j" and i + 2 < len(sounds) and sounds[i + 2] in "aueoi":
            vowel = sounds[i + 2]
            if lang == "ru":
                out.append("ь" + _SOFT_VOWEL["ru"][vowel])  # Воробьёв
            elif vowel == "o":
                out.append("ьо")
            else:
                out.append(("'" if lang == "uk" else "") + _IOTATED_AFTER_VOWEL[lang][vowel])
            i += 3
            continue
        if s == "ø" and (not prev or prev in VOWELS):
            out.append("о")
            i += 1
            continue
        if s in ("j", "ʝ", "ʲ") and nxt in ("a", "u", "e", "o", "i"):
            after_consonant = prev and prev not in VOWELS
            if after_consonant:
                soft = _SOFT_VOWEL[lang][nxt]
                out.append("ь" + soft if lang != "bg" and nxt in "ei" else soft)
            else:
                out.append(_IOTATED_AFTER_VOWEL[lang][nxt])
            i += 2
            continue
        if s in ("ʎ", "ɲ"):
            out.append("л" if s == "ʎ" else "н")
            if nxt in ("a", "u", "o"):
                out.append(_SOFT_VOWEL[lang][nxt])
                i += 2
                continue
            if lang != "bg" and nxt not in VOWELS:
                out.append("ь")
            i += 1
            continue
        if s == "ʲ":
            out.append("" if lang == "bg" else "ь")
        elif s == "ʃ" and nxt == ("t" if lang == "bg" else "tʃ"):
            out.append("щ")
            i += 1
        elif s == "e" and lang == "ru" and (not prev or prev in VOWELS):
            out.append("э")  # Эмир, Эльвира: a foreign name's e without iotation
        elif s == "i" and lang == "uk" and prev in VOWELS:
            out.append("ї")
        else:
            out.append(table.get(s, s))
        i += 1
    return "".join(out)


_GREEK_OUT = {
    "a": "α", "e": "ε", "i": "ι", "o": "ο", "u": "ου", "y": "ι", "ɪ": "ι", "ə": "ε",
    "ɨ": "ι", "ø": "ο", "ʏ": "ιου", "b": "μπ", "v": "β", "g": "γκ", "d": "ντ", "ʒ": "ζ",
    "z": "ζ", "k": "κ", "l": "λ", "m": "μ", "n": "ν", "p": "π", "r": "ρ", "s": "σ", "t": "τ",
    "f": "φ", "x": "χ", "h": "χ", "ts": "τσ", "tʃ": "τσ", "ʃ": "σ", "dʒ": "τζ", "dz": "τζ",
    "tɕ": "τσ", "dʑ": "τζ", "ʎ": "λ", "ɲ": "ν", "θ": "θ", "ð": "δ", "ɣ": "γ", "ʲ": "",
}  # fmt: skip
_TONOS = {"α": "ά", "ε": "έ", "η": "ή", "ι": "ί", "ο": "ό", "υ": "ύ", "ω": "ώ"}
_GREEK_VOWEL_GROUP = re.compile("ου|αι|ει|οι|[αεηιουω]")


def _greek(sounds: list[str], accent: bool) -> str:
    out = []
    for i, s in enumerate(sounds):
        nxt = sounds[i + 1] if i + 1 < len(sounds) else ""
        prev = sounds[i - 1] if i else ""
        if s in ("j", "ʝ") and prev == "i" and nxt in VOWELS:
            continue  # Марія: Μαρία
        if s in ("j", "ʝ"):
            if nxt in VOWELS:
                out.append("γι" if not prev or prev in VOWELS else "ι")  # Γιόβαν, Μαριάνα
            else:
                out.append("ι")  # Αντρέι
        elif s in ("ʎ", "ɲ") and nxt in VOWELS:
            out.append(_GREEK_OUT[s] + "ι")  # Λιουμπίτσα
        elif s == "k" and nxt == "s":
            out.append("ξ")
            sounds = [*sounds[: i + 1], "_", *sounds[i + 2 :]]
        elif s == "p" and nxt == "s":
            out.append("ψ")
            sounds = [*sounds[: i + 1], "_", *sounds[i + 2 :]]
        elif s == "_":
            continue
        else:
            out.append(_GREEK_OUT.get(s, s))
    word = "".join(out)
    for doubled, single in (("μμπ", "μπ"), ("νντ", "ντ"), ("νγκ", "γκ")):
        word = word.replace(doubled, single)
    if word.endswith("σ"):
        word = word[:-1] + "ς"
    if accent:
        groups = list(_GREEK_VOWEL_GROUP.finditer(word))
        if len(groups) >= 2:
            g = groups[-2]  # the common stress of names: the one but last syllable
            pos = g.end() - 1 if len(g.group()) == 2 else g.start()
            word = word[:pos] + _TONOS[word[pos]] + word[pos + 1 :]
    return word


def by_ear(word: str, lang: str, target: str) -> str:
    """One lower-case word written as it sounds, in a clerk's orthography."""
    sounds = read(word, lang)
    if target in _TARGETS:
        return _latin(sounds, target)
    if target == "sr_cyrl":
        return gaj_to_cyrillic(_latin(sounds, "sh"), "sr")
    if target == "mk_cyrl":
        return gaj_to_cyrillic(_latin(sounds, "sh"), "mk")
    if target in ("bg_cyrl", "ru_cyrl", "uk_cyrl"):
        return _east_cyrillic(sounds, target[:2])
    if target in ("el", "el_accented"):
        return _greek(sounds, accent=target == "el_accented")
    raise ValueError(f"unknown target {target}")


# -- letter-for-letter conventions ---------------------------------------------------------

_ISO9 = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g̀", "д": "d", "ѓ": "ǵ", "е": "e",
    "ё": "ë", "є": "ê", "ж": "ž", "з": "z", "ѕ": "ẑ", "и": "i", "і": "ì", "ї": "ï", "й": "j",
    "ј": "ǰ", "к": "k", "ќ": "ḱ", "л": "l", "љ": "l̂", "м": "m", "н": "n", "њ": "n̂",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "ђ": "đ", "у": "u", "ф": "f",
    "х": "h", "ц": "c", "ч": "č", "џ": "d̂", "ш": "š", "щ": "ŝ", "ъ": "ʺ", "ы": "y", "ь": "ʹ",
    "э": "è", "ю": "û", "я": "â", "'": "ʼ", "’": "ʼ",
}  # fmt: skip
_SR_GAJ = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h",
    "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip
# Serbian typed on a keyboard without its letters: Djordjevic, or Dordevic.
_SR_ASCII_DJ = {**_SR_GAJ, "ђ": "dj", "ж": "z", "ћ": "c", "ч": "c", "џ": "dz", "ш": "s"}
_SR_ASCII_PLAIN = {**_SR_ASCII_DJ, "ђ": "d"}
# North Macedonia's romanisation of personal names (its passports): Gj, Kj, Zh, Ch, Sh, Dj.
_MK_NATIONAL = {
    **_SR_GAJ, "ѓ": "gj", "ж": "zh", "ѕ": "dz", "ќ": "kj", "ц": "c", "ч": "ch", "џ": "dj",
    "ш": "sh",
}  # fmt: skip
_MK_BGN = {**_SR_GAJ, "ѓ": "đ", "ѕ": "dz", "ќ": "ć"}
_BG_STREAMLINED = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip
_UK_NATIONAL = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "",
    "’": "", "ʼ": "",
}  # fmt: skip
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_UK_BGN = {**_UK_NATIONAL, **_UK_INITIAL, "ь": "'"}
_RU_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
_RU_1997 = {**_RU_ICAO, "й": "y", "ъ": "", "ю": "yu", "я": "ya"}
_RU_BGN = {**_RU_1997, "ё": "ë", "ъ": "", "ь": "'"}

_CYRILLIC_TABLES = {
    "iso9": _ISO9,
    "sr_gaj": _SR_GAJ,
    "sr_ascii_dj": _SR_ASCII_DJ,
    "sr_ascii_plain": _SR_ASCII_PLAIN,
    "mk_national": _MK_NATIONAL,
    "mk_bgn": _MK_BGN,
    "bg_streamlined": _BG_STREAMLINED,
    "uk_national": _UK_NATIONAL,
    "uk_bgn": _UK_BGN,
    "ru_icao": _RU_ICAO,
    "ru_passport_1997": _RU_1997,
    "ru_bgn": _RU_BGN,
}
_CYRILLIC_VOWELS = set("аеёиоуыэюяєіїъь")


def _cyrillic_letters(word: str, convention: str) -> str:
    table = _CYRILLIC_TABLES[convention]
    out = []
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        if convention == "uk_national" and i == 0 and ch in _UK_INITIAL:
            out.append(_UK_INITIAL[ch])
        elif convention == "uk_national" and ch == "г" and prev == "з":
            out.append("gh")  # Згурський: Zghurskyi, so that zh stays ж
        elif convention == "ru_bgn" and ch == "е" and (not prev or prev in _CYRILLIC_VOWELS):
            out.append("ye")
        elif convention == "bg_streamlined" and ch == "я" and prev == "и" and i == len(word) - 1:
            out.append("a")  # the law's one exception: final -ия is -ia (Maria)
        else:
            out.append(table.get(ch, ch))
    return "".join(out)


def _strip_tonos(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", decomposed.replace("\u0301", ""))


_ELOT = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o", "ϊ": "i",
    "ϋ": "y",
}  # fmt: skip


def _elot743(word: str) -> str:
    """ELOT 743 (Greek passports since 2011), letter for letter with its digraph rules."""
    word = _strip_tonos(word)
    out = []
    i = 0
    while i < len(word):
        pair, after = word[i : i + 2], word[i + 2 : i + 3]
        edge = i == 0 or i + 2 == len(word)
        if pair in ("αυ", "ευ", "ηυ"):
            out.append(_ELOT[pair[0]] + ("f" if not after or after in _VOICELESS else "v"))
        elif pair == "ου":
            out.append("ou")
        elif pair == "μπ":
            out.append("b" if edge else "mp")
        elif pair == "ντ":
            out.append("d" if edge else "nt")
        elif pair in ("γγ", "γξ", "γχ"):
            out.append("n" + _ELOT[pair[1]])
        else:
            out.append(_ELOT.get(word[i], word[i]))
            i += 1
            continue
        i += 2
    return "".join(out)


def _greek_phonetic(word: str, style: str) -> str:
    """The spellings of Greek names in everyday use and older documents: Yiorgos or
    Giorgos, Hristos or Christos, Kiriakos, Papadopoulos; μπ and ντ as b/mb and d/nd."""
    word = _strip_tonos(word)
    y_style = style == "y"
    out = []
    i = 0
    while i < len(word):
        pair, after = word[i : i + 2], word[i + 2 : i + 3]
        ch = word[i]
        step = 2
        if ch == "γ" and word[i + 1 : i + 2] in ("ι", "ε", "η", "υ"):
            out.append("y" if y_style else "g")  # Γιώργος: Yiorgos / Giorgos
            step = 1
        elif pair in ("αυ", "ευ"):
            out.append(_ELOT[ch] + ("f" if not after or after in _VOICELESS else "v"))
        elif pair == "ου":
            out.append("ou")
        elif pair == "μπ":
            out.append("b" if i == 0 else "mb")
        elif pair == "ντ":
            out.append("d" if i == 0 else "nd")
        elif pair == "γκ":
            out.append("g" if i == 0 else "ng")
        elif pair == "γγ":
            out.append("ng")
        elif pair == "αι":
            out.append("e" if y_style else "ai")
        elif pair in ("ει", "οι"):
            out.append("i")
        elif ch == "χ":
            out.append("h" if y_style else "ch")
            step = 1
        elif ch in ("υ", "ϋ"):
            out.append("i" if y_style else "y")
            step = 1
        elif ch == "δ":
            out.append("d")
            step = 1
        else:
            out.append(_ELOT.get(ch, ch))
            step = 1
        i += step
    return "".join(out)


# A keyboard without the letter: what a clerk abroad types instead.
_ASCII_PLAIN = {
    "č": "c", "ć": "c", "đ": "d", "š": "s", "ž": "z", "ç": "c", "ë": "e", "ğ": "g", "ı": "i",
    "ö": "o", "ş": "s", "ü": "u", "ă": "a", "â": "a", "î": "i", "ș": "s", "ț": "t", "ţ": "t",
    "é": "e", "á": "a", "í": "i", "ó": "o", "ú": "u",
}  # fmt: skip
_ASCII_DIGRAPH = {
    **_ASCII_PLAIN, "č": "ch", "ć": "ch", "đ": "dj", "š": "sh", "ž": "zh", "ç": "ch",
    "ş": "sh", "ö": "oe", "ü": "ue", "ș": "sh", "ț": "ts", "ţ": "ts",
}  # fmt: skip


def strip_diacritics(text: str, style: str = "plain") -> str:
    table = _ASCII_DIGRAPH if style == "digraph" else _ASCII_PLAIN
    out = []
    for ch in text:
        low = ch.lower()
        if low in table:
            rep = table[low]
            out.append(rep.capitalize() if ch != low else rep)
        else:
            base = unicodedata.normalize("NFD", ch)[0] if ch.isalpha() else ch
            out.append(base)
    return "".join(out)


def _letters(word: str, lang: str, convention: str) -> str:
    if convention in _CYRILLIC_TABLES:
        return _cyrillic_letters(word, convention)
    if convention == "elot743":
        return _elot743(word)
    if convention in ("el_phonetic_y", "el_phonetic_g"):
        return _greek_phonetic(word, convention[-1])
    raise ValueError(f"unknown convention {convention}")


LETTER_CONVENTIONS = (*_CYRILLIC_TABLES, "elot743", "el_phonetic_y", "el_phonetic_g")
EAR_TARGETS = (*_TARGETS, "sr_cyrl", "mk_cyrl", "bg_cyrl", "ru_cyrl", "uk_cyrl", "el",
               "el_accented")  # fmt: skip
CONVENTIONS = (
    "as_written",
    "ascii_plain",
    "ascii_digraph",
    *LETTER_CONVENTIONS,
    *(f"ear:{t}" for t in EAR_TARGETS),
)
_TOKEN = re.compile(r"[^\s\-]+|[\s\-]+")


def _lower(text: str, lang: str) -> str:
    if lang == "tr":  # Turkish capitals: İ is i, I is ı
        text = text.replace("İ", "i").replace("I", "ı")
    return text.lower()


def _capitalise(word: str, lang: str) -> str:
    if not word:
        return word
    if word[0] == "i" and lang == "tr":
        return "İ" + word[1:]
    if word[0] == "ı":
        return "I" + word[1:]
    return word[0].upper() + word[1:]


def spell(text: str, lang: str, convention: str) -> str:
    """`text` (a name written in language `lang`'s own script) as a clerk writes it by
    `convention`. Spaces and hyphens between words are kept."""
    if convention == "as_written" or not text:
        return text
    if convention in ("ascii_plain", "ascii_digraph"):
        return strip_diacritics(text, convention.split("_")[1])
    out_lang = "tr" if convention == "ear:tr" else ""
    parts = []
    for token in _TOKEN.findall(text):
        if not token.strip(" -"):
            parts.append(token)
            continue
        word = _lower(token, lang)
        if convention.startswith("ear:"):
            written = by_ear(word, lang, convention[4:])
        else:
            written = _letters(word, lang, convention)
        parts.append(_capitalise(written, out_lang))
    return "".join(parts)


def script_of(text: str) -> str:
    """Latn, Cyrl or Grek: the script most of the name's letters are in."""
    counts = {"Latn": 0, "Cyrl": 0, "Grek": 0}
    for ch in text:
        if "\u0400" <= ch <= "\u04ff":
            counts["Cyrl"] += 1
        elif "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff":
            counts["Grek"] += 1
        elif ch.isalpha():
            counts["Latn"] += 1
    return max(counts, key=counts.get) if any(counts.values()) else ""
