"""In which languages a country publishes its child alerts, and whether a text is written in
the language it is labelled with.

Languages are BCP 47 tags (`seec.core.languages`). Each country of the region has its
default list, the national languages first, in each script in official use, and English
last; a country changes it in the admin (Alert settings).

The check at approval uses a real language detector (Lingua), field by field, after taking
out what is no language at all (digits, web addresses, the child's and the places' names).
Lingua knows Serbian, Croatian and Bosnian but not Montenegrin, and the four standard
languages of the Serbo-Croatian family differ too little in a few sentences for any detector
to tell them apart reliably: a text labelled with one of them (sr-Latn, hr, bs, cnr) is
accepted when the detector finds any of the family, in the script the tag says. Serbian in
Cyrillic must be Cyrillic and read as Serbian (Macedonian and Bulgarian are told apart by
their letters ѓ, ќ, ѕ, ъ, щ). Everything else must be read as its own language.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.core.languages import ENGLISH_NAMES, is_tag, script_of_tag, tag_of

DEFAULT_ALERT_LANGUAGES: dict[str, list[str]] = {
    "AL": ["sq", "en"],
    "BA": ["bs", "hr", "sr-Cyrl", "en"],
    "BG": ["bg", "en"],
    "CY": ["el", "tr", "en"],
    "GR": ["el", "en"],
    "HR": ["hr", "en"],
    "MD": ["ro", "en"],
    "ME": ["cnr", "en"],
    "MK": ["mk", "sq", "en"],
    "RO": ["ro", "en"],
    "RS": ["sr-Cyrl", "sr-Latn", "en"],
    "SI": ["sl", "en"],
    "TR": ["tr", "en"],
    "UA": ["uk", "en"],
}


def default_languages(country_code: str) -> list[str]:
    return DEFAULT_ALERT_LANGUAGES.get((country_code or "").upper(), ["en"])


def parse_languages(value: str) -> list[str]:
    """ "sr-Cyrl, sr-latn,en" → ["sr-Cyrl", "sr-Latn", "en"]: tags in their canonical case."""
    return [tag_of(part.strip()) for part in (value or "").split(",") if part.strip()]


def language_list_problems(tags: list[str]) -> list[str]:
    problems = []
    if not tags:
        problems.append(_("Give at least one language."))
    unknown = [tag for tag in tags if not is_tag(tag)]
    if unknown:
        problems.append(
            _("Not a language the platform writes alerts in: %(codes)s.")
            % {"codes": ", ".join(unknown)}
        )
    if len(set(tags)) != len(tags):
        problems.append(_("A language is listed twice."))
    return problems


# --- Is a text in its language? ---------------------------------------------------------------

# The detector's language (Lingua's name) that each tag may be read as.
_SERBO_CROATIAN = frozenset({"SERBIAN", "CROATIAN", "BOSNIAN"})
READ_AS: dict[str, frozenset[str]] = {
    "sq": frozenset({"ALBANIAN"}),
    "bs": _SERBO_CROATIAN,
    "bg": frozenset({"BULGARIAN"}),
    "hr": _SERBO_CROATIAN,
    "el": frozenset({"GREEK"}),
    "mk": frozenset({"MACEDONIAN"}),
    "cnr": _SERBO_CROATIAN,
    "ro": frozenset({"ROMANIAN"}),
    "sr-Cyrl": frozenset({"SERBIAN"}),
    "sr-Latn": _SERBO_CROATIAN,
    "sl": frozenset({"SLOVENE"}),
    "tr": frozenset({"TURKISH"}),
    "uk": frozenset({"UKRAINIAN"}),
    "en": frozenset({"ENGLISH"}),
}
# The languages the detector may answer (Lingua's names), as a refusal names them: the
# region's, and those a wrong text is most likely to be in (a neighbour's, or a template left
# in another language).
CANDIDATES = {
    "ALBANIAN": gettext_lazy("Albanian"),
    "BOSNIAN": gettext_lazy("Bosnian"),
    "BULGARIAN": gettext_lazy("Bulgarian"),
    "CROATIAN": gettext_lazy("Croatian"),
    "GREEK": gettext_lazy("Greek"),
    "MACEDONIAN": gettext_lazy("Macedonian"),
    "ROMANIAN": gettext_lazy("Romanian"),
    "SERBIAN": gettext_lazy("Serbian"),
    "SLOVENE": gettext_lazy("Slovenian"),
    "TURKISH": gettext_lazy("Turkish"),
    "UKRAINIAN": gettext_lazy("Ukrainian"),
    "ENGLISH": gettext_lazy("English"),
    "RUSSIAN": gettext_lazy("Russian"),
    "GERMAN": gettext_lazy("German"),
    "ITALIAN": gettext_lazy("Italian"),
}
# Fewer letters than this (once names and numbers are out) are not enough to judge.
MIN_LETTERS = 12

_URL = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


# The candidates of each script: a text is first checked to be in its language's script, so
# only the languages written in that script need telling apart (and only their models are
# loaded: some hundreds of MB and 5–15 seconds, once per process, on the first approval).
_BY_SCRIPT = {
    # The region's, and the foreign languages an alert template is most likely left in.
    "Latn": (
        "ALBANIAN", "BOSNIAN", "CROATIAN", "ROMANIAN", "SLOVENE", "TURKISH", "ENGLISH",
        "GERMAN", "ITALIAN",
    ),
    "Cyrl": ("SERBIAN", "MACEDONIAN", "BULGARIAN", "UKRAINIAN", "RUSSIAN"),
}  # fmt: skip


@cache
def _detector(script: str):
    from lingua import Language, LanguageDetectorBuilder

    candidates = (getattr(Language, name) for name in _BY_SCRIPT[script])
    return (
        LanguageDetectorBuilder.from_languages(*candidates).with_preloaded_language_models().build()
    )


def ready(tags: Iterable[str]) -> None:
    """Load, once per process, the language models that judging texts in these languages needs.

    Loading a script's models takes seconds (2-6 s on a busy two-core server); a service calls
    this before its transaction begins, so that the time is not spent holding the database's
    write lock (on SQLite, all of it: the first approval after a restart held every other
    writer back past their timeout)."""
    for tag in tags:
        tag = tag_of(tag.strip()) if tag.strip() else ""
        if tag in READ_AS and script_of_tag(tag) in _BY_SCRIPT:
            _detector(script_of_tag(tag))


def _script_share(text: str, script: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    prefix = {"Latn": "LATIN", "Cyrl": "CYRILLIC", "Grek": "GREEK"}[script]
    inside = sum(1 for ch in letters if unicodedata.name(ch, "").startswith(prefix))
    return inside / len(letters)


def _without(text: str, words: Iterable[str]) -> str:
    text = _URL.sub(" ", text)
    for word in sorted({w for w in words if w and len(w) > 1}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text, flags=re.IGNORECASE)
    return text


def detected_language(text: str, script: str) -> str | None:
    """Lingua's name of the language `text` (in `script`) is most likely in, or None if it
    cannot tell. Greek is the only language of its script: nothing to tell apart."""
    if script not in _BY_SCRIPT:
        return None
    found = _detector(script).detect_language_of(text)
    return found.name if found is not None else None


# Close languages of one script (Bulgarian and Russian, Serbian and Croatian) are hard to tell
# apart on a headline's few words: the text is refused only when its own language is not even
# half as likely as the one it reads as. (A Bulgarian headline of the platform's own wording
# reads as Russian 0.51 against Bulgarian 0.45.)
CLOSE_CALL = 0.5


def _close_call(text: str, script: str, accepted) -> bool:
    confidences = {
        c.language.name: c.value for c in _detector(script).compute_language_confidence_values(text)
    }
    top = max(confidences.values(), default=0.0)
    return any(confidences.get(name, 0.0) >= CLOSE_CALL * top for name in accepted)


def text_problem(text: str, tag: str, ignore: Iterable[str] = ()) -> str | None:
    """Why `text` is not in the language `tag` (a message for the field), or None if it is
    or is too short to judge. `ignore`: words that are no language (names of people, places)."""
    tag = tag_of(tag)
    if tag not in READ_AS:
        return None
    plain = _without(text, ignore)
    letters = _NOT_LETTERS.sub("", plain)
    if len(letters) < MIN_LETTERS:
        return None
    language = str(ENGLISH_NAMES[tag])
    script = script_of_tag(tag)
    if _script_share(letters, script) < 0.8:
        return _("This text is not in %(language)s: it is not written in its script.") % {
            "language": language
        }
    found = detected_language(plain, script)
    if found is None or found in READ_AS[tag] or _close_call(plain, script, READ_AS[tag]):
        return None
    return _(
        "This text is not in %(language)s (it reads as %(found)s): write it in %(language)s."
    ) % {"language": language, "found": CANDIDATES[found]}
