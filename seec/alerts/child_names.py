"""The child's name as each alert language writes it: the one place where the alerts use the
platform's transliteration (`seec.transliteration.write_name`: each language's national
romanisation or transcription), so that a change of that package touches this module only.
"""

from seec.transliteration import write_name


def name_in(name: str, language: str, *, source: str | None = None) -> str:
    """`name` written for readers of `language` (a BCP 47 tag: "sr-Cyrl", "mk", "el", …);
    `source` is the language the case recorded it in (the case's country's first official
    language: Живко Цветков is Živko Cvetkov in Serbian, Zhivko Tsvetkov in Bulgarian)."""
    if not name:
        return ""
    try:
        return write_name(name, language, source=source)
    except ValueError:  # a language without rules of its own: the name as recorded
        return name
