"""Montenegrin's place in Django's translation machinery.

Django ships no catalogue for Montenegrin (cnr), so without help every message that the
project's own cnr catalogue lacks, Django's own among them ("This field is required.", the
months' names), would fall back to English. Montenegrin readers read Serbian in Latin script
without effort, so cnr falls back to it first, then to English.
"""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import trans_real

LANGUAGE = "cnr"
FALLBACK = "sr-latn"


class MontenegrinTranslation(trans_real.DjangoTranslation):
    def _add_fallback(self, localedirs=None):
        if self.domain == "django":
            self.add_fallback(trans_real.translation(FALLBACK))
        else:
            super()._add_fallback(localedirs)


def install() -> None:
    """Put the Montenegrin translation in Django's cache of translations (once per process,
    and again whenever a change of settings empties that cache)."""
    if LANGUAGE not in trans_real._translations:
        trans_real._translations[LANGUAGE] = MontenegrinTranslation(LANGUAGE)


@receiver(setting_changed)
def _reinstall(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        install()
