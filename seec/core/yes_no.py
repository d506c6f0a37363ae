"""Yes and no as people of the region write them in a spreadsheet's cell: every import that
reads a yes/no column accepts the words of the platform's languages, since its messages ask for
"yes or no" in the user's own language."""

import unicodedata

YES = frozenset(
    {
        "yes", "y", "true", "1", "x",  # English, and the marks a spreadsheet holds
        "po",  # Albanian
        "da", "да", "д",  # Bosnian, Croatian, Montenegrin, Serbian, Slovenian, Romanian; Cyrillic
        "ναι", "ν",  # Greek
        "evet",  # Turkish
        "так", "т",  # Ukrainian
        "ja",  # German, as partners' registers sometimes are
    }
)  # fmt: skip
NO = frozenset(
    {
        "no", "n", "false", "0", "",
        "jo",  # Albanian
        "ne", "не", "н",  # South Slavic languages, Latin and Cyrillic
        "nu",  # Romanian
        "οχι", "ο",  # Greek (accents are set aside below)
        "hayır", "hayir",  # Turkish
        "ні",  # Ukrainian
        "nein",
    }
)  # fmt: skip


def normal(text: str) -> str:
    """Case, surrounding spaces and accents aside ("Όχι" → "οχι", "NE " → "ne")."""
    folded = unicodedata.normalize("NFD", str(text).strip().casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def read(text) -> bool | None:
    """True for yes, False for no, None for anything else."""
    key = normal(text)
    if key in YES:
        return True
    if key in NO:
        return False
    return None
