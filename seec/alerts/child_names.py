"""The child's name as each alert language writes it: the one place where the alerts use the
platform's transliteration (`seec.transliteration.write_name`, each language's national
romanisation or transcription), so that a change of that package touches one line here.

Until that package is on this branch, names fall back to what the cases app already knows:
the name as written when the language uses its script, else the case's Latin form (or the
region's romanisation of it) for a Latin-script language.
"""

from seec.cases import names
from seec.core.languages import script_of_tag

try:  # pragma: no cover - which branch is taken depends on the installed code
    from seec.transliteration import write_name
except ImportError:  # pragma: no cover
    write_name = None

# The romanisation the cases app uses for a name written in a non-Latin script.
_ROMANISATION = {"Cyrl": "sr", "Grek": "el"}


def name_in(name: str, language: str, *, latin: str = "") -> str:
    """`name` written for readers of `language` (a BCP 47 tag: "sr-Cyrl", "mk", "el", …).
    `latin` is the case's own Latin spelling, if it has one (kept when the package is absent)."""
    if not name:
        return ""
    if write_name is not None:
        return write_name(name, language)
    target = script_of_tag(language)
    written_in = names.script_of(name)
    if written_in == target:
        return name
    if target == "Latn":
        return latin or names.transliterate(name, _ROMANISATION.get(written_in, "sr"))
    return name
