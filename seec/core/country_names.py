"""Country names in the interface language, from the ISO 3166 translations pycountry ships."""

import gettext
from functools import lru_cache

import pycountry
from django.utils import translation

# Django's language codes where gettext's differ.
GETTEXT_LANGUAGE = {"sr-latn": "sr@latin"}


@lru_cache(maxsize=32)
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1",
        pycountry.LOCALES_DIR,
        languages=[GETTEXT_LANGUAGE.get(language, language)],
        fallback=True,
    )


@lru_cache(maxsize=4096)
def _localised(code: str, language: str, fallback: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return fallback
    name = _catalogue(language).gettext(country.name)
    # An untranslated name comes back as ISO's official English one; keep the short form.
    return fallback if name == country.name else name


def localised_country_name(code: str, english_name: str) -> str:
    language = translation.get_language() or "en"
    if language == "en":
        return english_name
    return _localised(code, language, english_name)
