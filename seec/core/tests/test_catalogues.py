"""The message catalogues of the complete languages (settings.SEEC_COMPLETE_LANGUAGES; the
coordinator adds a language once its translators finish it): every message translated, none
fuzzy, placeholders and HTML tags kept, the language's number of plural forms, and the
domain's terms as the project's glossary (seec/locale/glossary/) gives them."""

import csv
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

LOCALE = Path(settings.LOCALE_PATHS[0])
GLOSSARY = LOCALE / "glossary"
TRANSLATED = [code for code in settings.SEEC_COMPLETE_LANGUAGES if code != "en"]

# How many plural forms each language has (CLDR, as gettext writes them). Ukrainian's
# catalogue keeps Django's fourth form, for fractions.
PLURAL_FORMS = {
    "en": 2, "el": 2, "uk": 4, "sr": 3, "sr-latn": 3, "cnr": 3, "hr": 3, "bs": 3, "sl": 4,
    "mk": 2, "bg": 2, "ro": 3, "sq": 2, "tr": 2,
}  # fmt: skip
# Names that stay as they are in every language: a term inside them is no term.
PROPER_NOUNS = ("Missing Children Europe",)

_PYTHON_FORMAT = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
_BRACE = re.compile(r"\{\w*\}")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def folded(text: str) -> str:
    """Case and accents aside (Greek's tonos is no part of a stem): "Ειδοποίηση" → "ειδοποιηση"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / to_locale(language) / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> Counter:
    return Counter(_PYTHON_FORMAT.findall(text) + _BRACE.findall(text))


def tags(text: str) -> Counter:
    return Counter(match.lower() for match in _TAG.findall(text))


def test_every_platform_language_has_a_catalogue_and_its_plural_forms():
    for code, _name in settings.LANGUAGES:
        if code == "en":
            continue
        header = catalogue(code).metadata["Plural-Forms"]
        assert f"nplurals={PLURAL_FORMS[code]};" in header.replace(" ", ""), code


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete(language):
    po = catalogue(language)
    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not missing, f"untranslated in {language}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_and_html_tags_are_kept(language):
    problems = []
    for entry in catalogue(language).translated_entries():
        if entry.msgid_plural:
            general = placeholders(entry.msgid_plural)
            for form, text in sorted(entry.msgstr_plural.items()):
                # A form for exactly one may leave the number out ("one notice"); none may
                # bring a placeholder of its own.
                if not set(placeholders(text)) <= set(general) | set(placeholders(entry.msgid)):
                    problems.append(f"{entry.msgid!r} [{form}]: {text!r}")
            last = entry.msgstr_plural[max(entry.msgstr_plural)]
            if set(placeholders(last)) != set(general):
                problems.append(f"{entry.msgid_plural!r}: {last!r}")
            continue
        if placeholders(entry.msgid) != placeholders(entry.msgstr):
            problems.append(f"{entry.msgid!r}: {entry.msgstr!r}")
        if tags(entry.msgid) != tags(entry.msgstr):
            problems.append(f"tags of {entry.msgid!r}: {entry.msgstr!r}")
    assert not problems, f"{language}: " + "\n".join(problems[:15])


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_messages_have_every_form_of_the_language(language):
    expected = PLURAL_FORMS[language]
    wrong = [
        entry.msgid
        for entry in catalogue(language)
        if entry.msgid_plural
        and (len(entry.msgstr_plural) != expected or not all(entry.msgstr_plural.values()))
    ]
    assert not wrong, f"{language} needs {expected} forms in: {wrong[:10]}"


@cache
def glossary_terms() -> list[dict]:
    with open(GLOSSARY / "en.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def glossary(language: str) -> dict[str, dict]:
    with open(GLOSSARY / f"{to_locale(language)}.csv", newline="", encoding="utf-8") as file:
        return {row["term"]: row for row in csv.DictReader(file)}


def test_the_glossary_gives_every_term_in_every_language():
    terms = [row["term"] for row in glossary_terms()]
    assert len(terms) >= 20
    for code, _name in settings.LANGUAGES:
        if code == "en":
            continue
        rows = glossary(code)
        # The shared terms first, in the same order; a language may add its own after them.
        assert list(rows)[: len(terms)] == terms, code
        assert all(row["translation"].strip() and row["stems"].strip() for row in rows.values())


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_glossarys_terms_are_used_throughout(language):
    """Where a message says a term of the glossary, its translation says the language's term
    (any of its stems: the term is inflected as the sentence needs)."""
    rows = glossary(language)
    problems = []
    for term in glossary_terms():
        if not term["match"]:
            continue
        english = re.compile(rf"\b{term['match']}\b", re.IGNORECASE)
        stems = [folded(stem) for stem in rows[term["term"]]["stems"].split("|")]
        for entry in catalogue(language).translated_entries():
            source = entry.msgid
            for noun in PROPER_NOUNS:
                source = source.replace(noun, "")
            if not english.search(source):
                continue
            texts = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
            for text in texts:
                if not any(stem in folded(text) for stem in stems):
                    problems.append(f"{term['term']!r} in {entry.msgid!r}: {text!r}")
    assert not problems, f"{language}:\n" + "\n".join(problems[:20])
