"""Writing a name from one language's alphabet in another's: the transcription that each
country's orthography prescribes for foreign names (Вучић is Vučić in Croatian, Vuçiq in
Albanian, Вучич in Bulgarian, Βούτσιτς in Greek).

Every orthography reads a name into one sound spelling (the *pivot*: Gaj's Latin letters,
plus single letters for the sounds Gaj writes with two, and for the sounds it has none for),
and every target orthography writes the pivot its own way. One reader per source and one
writer per target, instead of a table for every pair of the region's fifteen alphabets.

The pivot's letters (lower case): a b c č ć d ǆ(dž) đ ǳ(dz) e ɛ(je, a Russian iotated e)
f g h i ɨ(ы, Ukrainian и, Romanian â/î, Turkish ı) j k l ǉ(lj) m n ǌ(nj) o p r s š t u
v z ž ə(Albanian ë) ă(Romanian ă, Bulgarian ъ) ü ö þ(θ, Albanian th) ð(δ, Albanian dh).
"""

import unicodedata

from . import cyrillic, greek
from .engine import Standard

PIVOT_VOWELS = "aeɛiɨouəăüö"
PIVOT_FRONT = "eɛi"


def _pivot_standard(code, title, source, rules, *, vowels, front="", voiced="") -> Standard:
    return Standard(code, title, source, rules, vowels=vowels, front=front, voiced=voiced)


# --- Readers: a name in its own alphabet → the pivot -------------------------------------

_CYRILLIC_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "č",
    "ш": "š", "щ": "šč", "ю": "ju", "я": "ja", "ь": "", "ъ": "", "ьо": "jo",
    "ђ": "đ", "ћ": "ć", "ј": "j", "љ": "ǉ", "њ": "ǌ", "џ": "ǆ", "ѓ": "đ", "ќ": "ć",
    "ѕ": "ǳ", "ё": [("after=жчшщ", "o"), ("", "jo")], "є": "je", "ї": "ji", "і": "i",
    "ґ": "g", "ы": "ɨ", "э": "e", "ѐ": "e", "ѝ": "i",
}  # fmt: skip
_EAST = {"дж": "ǆ"}  # Bulgarian, Ukrainian and Russian write dž with two letters


def _cyrillic_reader(language: str, rules: dict) -> Standard:
    return _pivot_standard(
        f"{language}>pivot",
        f"Reading of {language} Cyrillic",
        "The language's own orthography, letter by letter",
        {**_CYRILLIC_COMMON, **rules},
        vowels=cyrillic.VOWELS,
        front=cyrillic.FRONT,
    )


READERS: dict[str, Standard] = {
    "sr": _cyrillic_reader("sr", {}),
    "mk": _cyrillic_reader("mk", {}),
    "bg": _cyrillic_reader("bg", {**_EAST, "щ": "št", "ъ": "ă"}),
    "uk": _cyrillic_reader("uk", {**_EAST, "г": "h", "и": "ɨ"}),
    "ru": _cyrillic_reader(
        "ru",
        {**_EAST, "е": [("start", "ɛ"), ("_V", "ɛ"), ("after=ъь", "ɛ"), ("", "e")]},
    ),
}

_GREEK_DOUBLES = {d + d: s for d, s in zip("βκλμνπρστφζ", "vklmnprstfz", strict=True)}
READERS["el"] = greek.GreekStandard(
    "el>pivot",
    "Reading of Greek",
    "Modern Greek pronunciation as the region's orthographies transcribe it: ου → u, "
    "αι → e, ει/οι/υι → i, η and υ → i, χ → h, θ and δ kept apart, γι before a vowel at "
    "the start or between vowels → j, μπ/ντ/γκ → b/d/g at the start, mb/nd/ng inside, "
    "τσ → c, τζ → dz, double consonants single",
    {
        "α": "a", "β": "v", "γ": "g", "δ": "ð", "ε": "e", "ζ": "z", "η": "i", "θ": "þ",
        "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "ks", "ο": "o", "π": "p",
        "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "i", "φ": "f", "χ": "h", "ψ": "ps",
        "ω": "o", "ϊ": "i", "ϋ": "i",
        "ου": "u", "αι": "e", "ει": "i", "οι": "i", "υι": "i",
        "αυ": [("Z_", "av"), ("", "af")], "ευ": [("Z_", "ev"), ("", "ef")],
        "ηυ": [("Z_", "iv"), ("", "if")],
        "γι": [("start V_", "j"), ("_V V_", "j"), ("", "gi")],
        "γγ": "ng", "γξ": "nks", "γχ": "nh", "γκ": [("start", "g"), ("", "ng")],
        "μπ": [("start", "b"), ("end", "b"), ("", "mb")], "ντ": [("start", "d"), ("", "nd")],
        "τσ": "c", "τζ": "ǳ", **_GREEK_DOUBLES,
    },
    vowels=greek.VOWELS,
    front=greek.FRONT,
    voiced=greek.VOICED,
)  # fmt: skip

_LATIN_PLAIN = {ch: ch for ch in "abcdefghijklmnoprstuvz"}
_LATIN_PLAIN.update({"w": "v", "x": "ks", "q": "k", "y": [("V_", "j"), ("", "i")]})
_LATIN_VOWELS = "aeiouyăâîëöüıáéíóúàèìòùäï"
_LATIN_FRONT = "eiy"


def _latin_reader(orthography: str, source: str, rules: dict) -> Standard:
    return _pivot_standard(
        f"{orthography}>pivot",
        f"Reading of {orthography} Latin spelling",
        source,
        {**_LATIN_PLAIN, **rules},
        vowels=_LATIN_VOWELS,
        front=_LATIN_FRONT,
    )


READERS["gaj"] = _latin_reader(
    "gaj",
    "Gaj's Latin alphabet (Serbian, Croatian, Bosnian, Montenegrin, Slovenian), and its "
    "spelling without diacritics (dj for đ)",
    {"lj": "ǉ", "nj": "ǌ", "dž": "ǆ", "đ": "đ", "dj": "đ", "č": "č", "ć": "ć", "š": "š",
     "ž": "ž", "ś": "s", "ź": "z"},
)  # fmt: skip
READERS["sq"] = _latin_reader(
    "sq",
    "Albanian orthography (Drejtshkrimi i gjuhës shqipe, 1973)",
    {"ç": "č", "q": "ć", "gj": "đ", "xh": "ǆ", "x": "ǳ", "sh": "š", "zh": "ž", "dh": "ð",
     "th": "þ", "ë": "ə", "y": "ü", "ll": "l", "rr": "r", "nj": "ǌ"},
)  # fmt: skip
READERS["tr"] = _latin_reader(
    "tr",
    "Turkish orthography (Türk Dil Kurumu Yazım Kılavuzu)",
    {"c": "ǆ", "ç": "č", "ş": "š", "ğ": "", "ı": "ɨ", "ö": "ö", "ü": "ü", "j": "ž",
     "y": "j", "â": "a", "î": "i", "û": "u"},
)  # fmt: skip
READERS["ro"] = _latin_reader(
    "ro",
    "Romanian orthography (DOOM, Academia Română): c and g before e and i read č and dž "
    "(đ), ch and gh before them k and g",
    {"ă": "ă", "â": "ɨ", "î": "ɨ", "ș": "š", "ş": "š", "ț": "c", "ţ": "c",
     "che": "ke", "chi": "ki", "ghe": "ge", "ghi": "gi",
     # Before a, o, u the e or i after c and g only marks their sound (George, Ciobanu).
     "cea": "ča", "ceo": "čo", "ceu": "ču", "gea": "đa", "geo": "đo", "geu": "đu",
     "ce": "če", "ci": [("V_", "č"), ("", "či")], "ge": "đe",
     "gi": [("V_", "đ"), ("", "đi")], "c": "k", "j": "ž",
     "i": [("start V_", "j"), ("", "i")], "x": "ks"},
)  # fmt: skip
READERS["ascii"] = _latin_reader(
    "ascii",
    "Names in plain ASCII Latin of unknown orthography: the English, German and French "
    "spellings of the region's sounds (sh, sch, ch, tch, tsch, zh, kh, ts, dj, dzh) and "
    "the Albanian digraphs (xh, gj, dh, th); a final -ic is the Slavic -ić",
    {"sh": "š", "sch": "š", "zh": "ž", "ch": "č", "tch": "č", "tsch": "č", "kh": "h",
     "ts": "c", "tz": "c", "dj": "đ", "gj": "đ", "dzh": "ǆ", "dz": "ǳ", "xh": "ǆ",
     "dh": "ð", "th": "þ", "ph": "f", "ou": "u", "lj": "ǉ", "nj": "ǌ", "ck": "k",
     "q": [("before=u", "k"), ("", "ć")],
     "ic": [("end", "ić"), ("", "ic")],
     "c": [("before=aoulrkt", "k"), ("end", "k"), ("", "c")],
     "i": [("start V_", "j"), ("", "i")]},
)  # fmt: skip

# --- Writers: the pivot → an orthography --------------------------------------------------

_PIVOT_IDENTITY = {ch: ch for ch in "abcdefghijklmnoprstuvz"}


def _writer(code: str, source: str, rules: dict) -> Standard:
    return _pivot_standard(
        f"pivot>{code}",
        f"Transcription into {code}",
        source,
        rules,
        vowels=PIVOT_VOWELS,
        front=PIVOT_FRONT,
    )


_VUK = {
    "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ", "d": "д", "ǆ": "џ", "đ": "ђ",
    "ǳ": "дз", "e": "е", "ɛ": "је", "f": "ф", "g": "г", "h": "х", "i": "и", "ɨ": "и",
    "j": "ј", "k": "к", "l": "л", "ǉ": "љ", "m": "м", "n": "н", "ǌ": "њ", "o": "о",
    "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т", "u": "у", "v": "в", "z": "з",
    "ž": "ж", "ə": "е", "ă": "а", "ü": "и", "ö": "е", "þ": "т", "ð": "д", "w": "в",
    "x": "кс", "q": "к", "y": "и",
}  # fmt: skip

# East Slavic and Bulgarian orthographies write j with the vowel after it (я, ю, є) and
# the softness of lj, nj in the vowel (ля, ню), or with ь before a consonant or the end.
_SOFT_VOWELS = {"a": "я", "u": "ю", "o": "ьо", "e": "е", "i": "и"}


def _soft(consonant: str, vowels: dict[str, str]) -> dict:
    rules = {}
    for vowel, soft in vowels.items():
        rules[("ǉ" if consonant == "л" else "ǌ") + vowel] = consonant + soft
    rules["ǉ" if consonant == "л" else "ǌ"] = consonant + "ь"
    return rules


def _east(i: str, y: str, je: str, ji: str, soft_e: str, soft_i: str, extra: dict) -> dict:
    base = {
        **_VUK,
        "ć": "ч",
        "đ": "дж",
        "ǆ": "дж",
        "ǳ": "дз",
        "i": i,
        "ɨ": y,
        "j": "й",
        "ja": "я",
        "ju": "ю",
        "jo": "йо",
        "je": je,
        "ji": ji,
        "šč": "щ",
    }
    vowels = {**_SOFT_VOWELS, "e": soft_e, "i": soft_i}
    base.update(_soft("л", vowels))
    base.update(_soft("н", vowels))
    base.update(extra)
    return base


WRITERS: dict[str, Standard] = {
    "sr-Cyrl": _writer(
        "sr-Cyrl",
        "Vuk Karadžić's Cyrillic; foreign names by the transcription rules of Pravopis "
        "srpskoga jezika (Matica srpska)",
        {**_VUK, "šč": "шч"},
    ),
    "mk": _writer(
        "mk",
        "Macedonian Cyrillic; foreign names by Pravopis na makedonskiot literaturen jazik "
        "(ђ → ѓ, ћ → ќ, dz → ѕ)",
        {**_VUK, "ć": "ќ", "đ": "ѓ", "ǳ": "ѕ", "ɛ": "е", "šč": "шч"},
    ),
    "bg": _writer(
        "bg",
        "Bulgarian Cyrillic; foreign names by Официален правописен речник на българския "
        "език (БАН): j → й, ja/ju → я/ю, lj/nj → л/н with a soft vowel, ă/ɨ → ъ",
        _east("и", "ъ", "йе", "йи", "е", "и",
              {"ɛ": "е", "ə": "ъ", "ă": "ъ", "ü": "ю", "jü": "ю", "ö": "ьо", "št": "щ"}),
    ),
    "uk": _writer(
        "uk",
        "Ukrainian Cyrillic; foreign names by Український правопис (2019), §§ 122–130: "
        "i → і, y → и, je → є, ji → ї, j → й, the Slavic ending -ić → -ич",
        _east("і", "и", "є", "ї", "е", "і",
              {"ɛ": "є", "ə": "е", "ă": "а", "ü": "ю", "jü": "ю", "ö": "ьо", "št": "шт",
               "ić": [("end", "ич")], "ič": [("end", "ич")],
               # After a vowel ї; after d t z s c ž č š r before a consonant и (the
               # "rule of nine", § 129); otherwise і.
               "i": [("_V", "ї"), ("after=dtzscžčšr !V_ !end", "и"), ("", "і")]}),
    ),
    "ru": _writer(
        "ru",
        "Russian Cyrillic; foreign names by Russian practical transcription (Ermolovich): "
        "j → й, ja/ju → я/ю, lj/nj → ль/нь, y → ы",
        _east("и", "ы", "е", "йи", "е", "и",
              {"ɛ": "е", "ə": "е", "ă": "а", "ü": "ю", "jü": "ю", "ö": "ё", "št": "шт"}),
    ),
    "el": _writer(
        "el",
        "Greek; foreign names as Greek transcribes them (b → μπ, d → ντ, g → γκ, "
        "č/ć/c → τσ, dž/đ/dz → τζ, š → σ, ž → ζ, u → ου, j before a vowel → γι); stress "
        "accents are not written, a final σ is ς",
        {
            "a": "α", "b": "μπ", "mb": "μπ", "c": "τσ", "č": "τσ", "ć": "τσ", "d": "ντ",
            "nd": "ντ", "ǆ": "τζ", "đ": "τζ", "ǳ": "τζ", "e": "ε", "ɛ": "ε", "f": "φ",
            "g": "γκ", "ng": "γκ", "h": "χ", "i": [("after=aeo", "ϊ"), ("", "ι")],
            "ɨ": "ι", "j": [("V_", "γι"), ("_V", "ϊ"), ("", "ι")], "k": "κ", "ks": "ξ",
            "l": "λ", "ǉ": [("V_", "λι"), ("", "λ")], "m": "μ", "n": "ν",
            "ǌ": [("V_", "νι"), ("", "ν")], "o": "ο", "p": "π", "ps": "ψ", "r": "ρ",
            "s": "σ", "š": "σ", "t": "τ", "u": "ου", "v": "β", "z": "ζ", "ž": "ζ",
            "ə": "ε", "ă": "α", "ü": "ι", "ö": "ο", "þ": "θ", "ð": "δ", "w": "β",
            "x": "ξ", "q": "κ", "y": "ι",
        },
    ),
    "gaj": _writer(
        "gaj",
        "Gaj's Latin alphabet (Serbian Latin, Croatian, Bosnian, Montenegrin, Slovenian); "
        "foreign names by the transcription rules of their orthographies",
        {**_PIVOT_IDENTITY, "č": "č", "ć": "ć", "ǆ": "dž", "đ": "đ", "ǳ": "dz", "ɛ": "je",
         "ɨ": "i", "ǉ": "lj", "ǌ": "nj", "š": "š", "ž": "ž", "ə": "e", "ă": "a", "ü": "ü",
         "ö": "ö", "þ": "t", "ð": "d", "w": "v", "x": "ks", "q": "k", "y": "y"},
    ),
    "sq": _writer(
        "sq",
        "Albanian orthography: č → ç, ć → q, dž → xh, đ → gj, dz → x, š → sh, ž → zh, "
        "θ → th, δ → dh",
        {**_PIVOT_IDENTITY, "č": "ç", "ć": "q", "ǆ": "xh", "đ": "gj", "ǳ": "x", "ɛ": "je",
         "ɨ": "i", "ǉ": "lj", "ǌ": "nj", "š": "sh", "ž": "zh", "ə": "ë", "ă": "ë",
         "ü": "y", "ö": "o", "þ": "th", "ð": "dh", "w": "v", "x": "ks", "q": "k",
         "y": "y"},
    ),
    "tr": _writer(
        "tr",
        "Turkish orthography (Türk Dil Kurumu): č and ć → ç, dž and đ → c, š → ş, ž → j, "
        "j → y, ɨ → ı",
        {**_PIVOT_IDENTITY, "c": "ts", "č": "ç", "ć": "ç", "ǆ": "c", "đ": "c", "ǳ": "dz",
         "ɛ": "ye", "ɨ": "ı", "j": "y", "ǉ": "ly", "ǌ": "ny", "š": "ş", "ž": "j",
         "ə": "e", "ă": "ı", "ü": "ü", "ö": "ö", "þ": "t", "ð": "d", "w": "v",
         "x": "ks", "q": "k", "y": "y"},
    ),
    "ro": _writer(
        "ro",
        "Romanian orthography (DOOM): č → c before e and i, ci otherwise; k → ch before "
        "e and i; g → gh before e and i; dž → g/gi; c → ț; š → ș; ž → j; j → i; ks → x",
        {**_PIVOT_IDENTITY, "c": "ț", "č": [("F_", "c"), ("", "ci")],
         "ć": [("F_", "c"), ("", "ci")], "ǆ": [("F_", "g"), ("", "gi")],
         "đ": [("F_", "g"), ("", "gi")], "ǳ": "dz", "ɛ": "e", "ɨ": "î",
         "g": [("F_", "gh"), ("", "g")], "k": [("F_", "ch"), ("", "c")], "ks": "x",
         "j": "i", "ǉ": "li", "ǌ": "ni", "š": "ș", "ž": "j", "ə": "ă", "ă": "ă",
         "ü": "ü", "ö": "ö", "þ": "t", "ð": "d", "w": "v", "x": "x", "q": "c",
         "y": "i", "h": "h"},
    ),
}  # fmt: skip


def _final_sigma(text: str) -> str:
    out = list(text)
    for i, ch in enumerate(out):
        if ch == "σ" and (i + 1 == len(out) or not out[i + 1].isalpha()):
            out[i] = "ς"
    return "".join(out)


def _fold_foreign(text: str, reader: Standard) -> str:
    """Latin letters the reader has no rule for (é, ñ, ø) reduced to their base letter."""
    letters = reader.letters
    out = []
    for ch in text:
        low = ch.lower()
        if ch.isalpha() and low not in letters and ch.isascii() is False:
            base = unicodedata.normalize("NFKD", ch)[0]
            out.append(base if base.isascii() else ch)
        else:
            out.append(ch)
    return "".join(out)


def transcribe(name: str, source: str, target: str) -> str:
    """`name`, read by the orthography `source` (a key of READERS), written by `target` (a
    key of WRITERS)."""
    reader = READERS[source]
    writer = WRITERS[target]
    if source in ("gaj", "sq", "tr", "ro", "ascii"):
        name = _fold_foreign(name, reader)
    written = writer(reader(name))
    return _final_sigma(written) if target == "el" else written
