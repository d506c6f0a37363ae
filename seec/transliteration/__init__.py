"""The region's ways of writing a name in another script, in one place.

The case search, the linkage model, private matching and the alerts' wording all write and
read names through this package:

- `write_name(name, language)`: the name as a text in that language writes it (an alert in
  Macedonian names Flamur Berisha as Фламур Бериша; in English, Ђорђе Петровић is Đorđe
  Petrović and Γιώργος Παπαδόπουλος is Giorgos Papadopoulos).
- `romanisations(name)`: the name by every romanisation a clerk of the region or a foreign
  office may have used (ISO 9, the national systems of Serbia, North Macedonia, Bulgaria
  and Ukraine, BGN/PCGN and the passport tables for Russian, ELOT 743 and the everyday
  spelling for Greek, the German, French and English phonetic spellings, Romanian
  orthography as Moldova writes Russian names), for search and linkage.
- `STANDARDS`: each of those standards by code, with the published table it implements.
- `diminutives`: the region's hypocorisms of given names, from data files with sources.

Plain Python (no Django), so that generators, benchmarks and the private-matching encoder
use it too.
"""

from .cyrillic import STANDARDS as CYRILLIC_STANDARDS
from .greek import STANDARDS as GREEK_STANDARDS
from .languages import (
    LANGUAGES,
    cyrillic_language,
    latin_orthography,
    script_of,
    write_name,
)
from .spellings import romanisations
from .transcription import transcribe

STANDARDS = {**CYRILLIC_STANDARDS, **GREEK_STANDARDS}

__all__ = [
    "LANGUAGES",
    "STANDARDS",
    "cyrillic_language",
    "latin_orthography",
    "romanisations",
    "script_of",
    "transcribe",
    "write_name",
]
