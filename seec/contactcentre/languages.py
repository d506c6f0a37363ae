"""The caller's language, chosen from a list: the languages of the caller's country first (by
their number's country code, else the hotline's country), then the region's, then those that
the region's hotlines hear from children on the move."""

import phonenumbers
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext as _

from seec.core.region import REGION

# Countries whose children and families call the region's hotlines most, beyond the region:
# their languages, so that the list starts with them when the number is theirs.
ORIGIN_LANGUAGES = {
    "AF": ["fa", "ps"],
    "DZ": ["ar", "fr"],
    "EG": ["ar"],
    "ER": ["ti", "ar"],
    "IQ": ["ar", "ku"],
    "IR": ["fa"],
    "MA": ["ar", "fr"],
    "PK": ["ur", "en"],
    "RU": ["ru"],
    "SO": ["so", "ar"],
    "SY": ["ar", "ku"],
    "BD": ["bn"],
    "DE": ["de"],
    "AT": ["de"],
    "IT": ["it"],
    "FR": ["fr"],
    "GB": ["en"],
}
# Languages a hotline of the region is asked for beyond the region's own.
OTHER_LANGUAGES = [
    "en",
    "ar",
    "fa",
    "ps",
    "ur",
    "ku",
    "ru",
    "de",
    "fr",
    "it",
    "bn",
    "so",
    "ti",
    "rom",
]
# Names for languages that Django's list does not hold.
NAMES = {
    "ps": ("Pashto", "پښتو"),
    "ti": ("Tigrinya", "ትግርኛ"),
    "so": ("Somali", "Soomaali"),
    "rom": ("Romani", "Romanes"),
}


def region_languages() -> list[str]:
    seen: list[str] = []
    for languages, *_rest in REGION.values():
        seen += [code for code in languages if code not in seen]
    return seen


def country_of_number(number: str) -> str:
    """The ISO country of a phone number written with its country code, else ""."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.region_code_for_number(parsed) or ""


def languages_of(country: str) -> list[str]:
    if country in REGION:
        return list(REGION[country][0])
    return list(ORIGIN_LANGUAGES.get(country, []))


def label(code: str) -> str:
    info = LANG_INFO.get(code)
    english, local = (info["name"], info["name_local"]) if info else NAMES.get(code, (code, code))
    translated = _(english)
    return translated if translated == local else f"{local} — {translated}"


def caller_language_choices(*, caller_number: str = "", hotline_country: str = ""):
    """Choices for the caller's language, grouped: the caller's country first."""
    country = country_of_number(caller_number) if caller_number else ""
    first = languages_of(country or hotline_country)
    if country and hotline_country and country != hotline_country:
        first += [c for c in languages_of(hotline_country) if c not in first]
    rest = [c for c in [*region_languages(), *OTHER_LANGUAGES] if c not in first]
    return [
        ("", "—"),
        (_("The caller's country"), [(code, label(code)) for code in first]),
        (_("Other languages"), [(code, label(code)) for code in rest]),
    ]


def known_languages() -> set[str]:
    return (
        set(region_languages())
        | set(OTHER_LANGUAGES)
        | {code for codes in ORIGIN_LANGUAGES.values() for code in codes}
    )
