"""The platform's languages under their two names: the interface's language codes (Django's,
lower case: "sr", "sr-latn", "cnr") and the BCP 47 tags that alerts and CAP carry
("sr-Cyrl", "sr-Latn", "cnr").

Serbian is written in two scripts, and an alert in Serbia is published in both, so the two
scripts are two languages here: the interface's "sr" is Serbian in Cyrillic (`sr-Cyrl`),
"sr-latn" is Serbian in Latin letters (`sr-Latn`). Every other language is one tag.
"""

from django.utils.translation import gettext_lazy as _

# BCP 47 tag: (interface language code, script (ISO 15924), name in that language).
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "sq": ("sq", "Latn", "Shqip"),
    "bs": ("bs", "Latn", "Bosanski"),
    "bg": ("bg", "Cyrl", "Български"),
    "hr": ("hr", "Latn", "Hrvatski"),
    "el": ("el", "Grek", "Ελληνικά"),
    "mk": ("mk", "Cyrl", "Македонски"),
    "cnr": ("cnr", "Latn", "Crnogorski"),
    "ro": ("ro", "Latn", "Română"),
    "sr-Cyrl": ("sr", "Cyrl", "Српски (ћирилица)"),
    "sr-Latn": ("sr-latn", "Latn", "Srpski (latinica)"),
    "sl": ("sl", "Latn", "Slovenščina"),
    "tr": ("tr", "Latn", "Türkçe"),
    "uk": ("uk", "Cyrl", "Українська"),
    "en": ("en", "Latn", "English"),
}
ENGLISH_NAMES = {
    "sq": _("Albanian"),
    "bs": _("Bosnian"),
    "bg": _("Bulgarian"),
    "hr": _("Croatian"),
    "el": _("Greek"),
    "mk": _("Macedonian"),
    "cnr": _("Montenegrin"),
    "ro": _("Romanian"),
    "sr-Cyrl": _("Serbian (Cyrillic)"),
    "sr-Latn": _("Serbian (Latin)"),
    "sl": _("Slovenian"),
    "tr": _("Turkish"),
    "uk": _("Ukrainian"),
    "en": _("English"),
}
_BY_INTERFACE_CODE = {code: tag for tag, (code, _script, _name) in LANGUAGES.items()}
# Tags as older data and other systems write them.
_ALIASES = {"sr": "sr-Cyrl", "sr-latn": "sr-Latn", "sr-cyrl": "sr-Cyrl", "me": "cnr"}


def is_tag(tag: str) -> bool:
    return tag in LANGUAGES


def tag_of(code: str) -> str:
    """The BCP 47 tag of an interface language code or of a tag in any letter case
    ("sr" → "sr-Cyrl", "sr-latn" → "sr-Latn"); unknown codes come back unchanged."""
    if code in LANGUAGES:
        return code
    lowered = (code or "").lower()
    return _BY_INTERFACE_CODE.get(lowered) or _ALIASES.get(lowered) or code


def interface_language(tag: str) -> str:
    """The interface language (message catalogue) that writes a tag: "sr-Latn" → "sr-latn"."""
    tag = tag_of(tag)
    return LANGUAGES[tag][0] if tag in LANGUAGES else "en"


def script_of_tag(tag: str) -> str:
    tag = tag_of(tag)
    return LANGUAGES[tag][1] if tag in LANGUAGES else "Latn"


def choices() -> list[tuple[str, str]]:
    """(tag, "Native name — English name") for forms and the admin."""
    return [
        (tag, f"{native} — {ENGLISH_NAMES[tag]}") for tag, (_c, _s, native) in LANGUAGES.items()
    ]


def language_of(user) -> str:
    """The interface language to write to `user` in (notices, e-mails): the one they chose,
    else the first official language of their organisation's country that the platform
    speaks (a Serbian operator who never chose reads Serbian), else the default."""
    from django.conf import settings

    spoken = {code for code, _name in settings.LANGUAGES}
    if getattr(user, "preferred_language", "") in spoken:
        return user.preferred_language
    organisation = getattr(user, "organisation", None)
    country = getattr(organisation, "country", None) if organisation else None
    for code in getattr(country, "languages", None) or []:
        if code in spoken:
            return code
    return settings.LANGUAGE_CODE
