"""Greek → Latin: ELOT 743 (the Greek standard, used in Greek and Cypriot passports and
adopted by the UN and BGN/PCGN) and the everyday phonetic spelling of Greek names.

Stress accents and breathings are not written by either; a diaeresis keeps two vowels
apart (Προϊστάμενος → Proistamenos, not Proistamenos with οι read as one letter), so the
text is first reduced to letters with their diaereses (`letters_of`).
"""

import unicodedata

from .engine import Standard

VOWELS = "αεηιουωϊϋ"
# Before these (and before vowels) αυ, ευ, ηυ are read av, ev, iv; otherwise af, ef, if.
VOICED = "βγδζλμνρ"
FRONT = "εηιυϊϋ"

_DROPPED_MARKS = frozenset("\u0300\u0301\u0342\u0313\u0314\u0345\u0384\u0385")


def _stripped(ch: str) -> str:
    kept = "".join(c for c in unicodedata.normalize("NFD", ch) if c not in _DROPPED_MARKS)
    return unicodedata.normalize("NFC", kept)


_UNMARKED = str.maketrans(
    {
        chr(code): _stripped(chr(code))
        for code in (*range(0x370, 0x400), *range(0x1F00, 0x2000))
        if _stripped(chr(code)) != chr(code)
    }
)


def letters_of(text: str) -> str:
    """Greek text without stress accents or breathings; diaereses kept (ϊ, ϋ)."""
    return text.translate(_UNMARKED)


_ELOT_LETTERS = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o", "ϊ": "i", "ϋ": "y",
}  # fmt: skip


def _greek(code, title, source, rules) -> "GreekStandard":
    return GreekStandard(code, title, source, rules, vowels=VOWELS, front=FRONT, voiced=VOICED)


class GreekStandard(Standard):
    def __call__(self, text: str) -> str:
        return super().__call__(letters_of(text))


ELOT_743 = _greek(
    "elot743",
    "ELOT 743:2001 (ISO 843 transcription)",
    "ΕΛΟΤ 743:2001, type 2 (transcription), identical with ISO 843:1997; used in Greek "
    "and Cypriot passports and adopted by the UN (1987) and BGN/PCGN (1996): ου → ou, "
    "αυ/ευ/ηυ → av/ev/iv before vowels and voiced consonants, else af/ef/if; γγ → ng, "
    "γκ → gk, γξ → nx, γχ → nch, μπ → mp, ντ → nt, χ → ch, θ → th, η → i, υ → y",
    {
        **_ELOT_LETTERS,
        "ου": "ou", "αυ": [("Z_", "av"), ("", "af")], "ευ": [("Z_", "ev"), ("", "ef")],
        "ηυ": [("Z_", "iv"), ("", "if")], "γγ": "ng", "γξ": "nx", "γχ": "nch",
    },
)  # fmt: skip

# How Greeks write their own names in Latin letters day to day (Yiannis, Hatzidakis,
# Babis): by sound, χ as h, υ and the vowel pairs read as one vowel.
EL_PHONETIC = _greek(
    "el-phonetic",
    "Greek names as their bearers commonly spell them",
    "The phonetic spelling of Greek names in everyday and older official use (before "
    "ELOT 743 was applied to passports in 2011): χ → h, υ → i, αι → e, ει/οι/υι → i, "
    "γι before a vowel at the start or between vowels → yi, μπ/ντ/γκ at the start → "
    "b/d/g",
    {
        **_ELOT_LETTERS,
        "χ": "h", "υ": "i", "ου": "ou", "αι": "e", "ει": "i", "οι": "i", "υι": "i",
        "αυ": [("Z_", "av"), ("", "af")], "ευ": [("Z_", "ev"), ("", "ef")],
        "ηυ": [("Z_", "iv"), ("", "if")], "γγ": "ng", "γξ": "nx", "γχ": "nh",
        "γι": [("start V_", "yi"), ("_V V_", "yi"), ("", "gi")],
        "μπ": [("start", "b"), ("", "mb")], "ντ": [("start", "d"), ("", "nt")],
        "γκ": [("start", "g"), ("", "ng")],
    },
)  # fmt: skip

STANDARDS = {standard.code: standard for standard in (ELOT_743, EL_PHONETIC)}
