"""How long an SMS is, in what the network counts: segments.

A text in the GSM 03.38 alphabet travels in 7-bit septets: 160 in one SMS, 153 per segment
of a longer (concatenated) one, the other 7 holding the header. The alphabet's extension
table (€ [ ] { } \\ ~ ^ |, and the form feed) costs two septets each (an escape and the
character), and an escape is never separated from its character across segments. One
character outside the alphabet (Cyrillic, Greek, and č ć đ š ž ș ț ş ğ ı ë of the region's
Latin alphabets) sends the whole text as UCS-2: 70 UTF-16 units in one SMS, 67 per segment,
a character beyond the Basic Multilingual Plane (an emoji) being two units that are never
split. The alphabet itself is the `gsm0338` codec's; the counting is this module's.
"""

import unicodedata
from dataclasses import dataclass

import gsm0338  # noqa: F401 — registers the "gsm03.38" codec

GSM_7BIT = "GSM-7"
UCS_2 = "UCS-2"
SINGLE = {GSM_7BIT: 160, UCS_2: 70}
PART = {GSM_7BIT: 153, UCS_2: 67}


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # GSM-7 or UCS-2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def _gsm_units(text: str) -> list[int] | None:
    """Septets of each character, or None if a character is outside the GSM alphabet."""
    units = []
    for char in text:
        try:
            units.append(len(char.encode("gsm03.38")))
        except UnicodeEncodeError:
            return None
    return units


def _ucs2_units(text: str) -> list[int]:
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def _segments(units: list[int], encoding: str) -> int:
    total = sum(units)
    if total == 0:
        return 1
    if total <= SINGLE[encoding]:
        return 1
    # Fill segments of PART units; a character's units (an escape and its character, or a
    # surrogate pair) never straddle two segments.
    segments, used = 1, 0
    for width in units:
        if used + width > PART[encoding]:
            segments, used = segments + 1, 0
        used += width
    return segments


def measure(text: str) -> SmsLength:
    """The encoding, length and segment count of `text` as an SMS."""
    gsm = _gsm_units(text)
    if gsm is not None:
        return SmsLength(GSM_7BIT, sum(gsm), _segments(gsm, GSM_7BIT))
    units = _ucs2_units(text)
    return SmsLength(UCS_2, sum(units), _segments(units, UCS_2))


def fit(headline: str, link: str, *, keep: int = 24, most: int = 3) -> str:
    """ "headline link" in as few segments as it reasonably can: one segment if the headline
    keeps at least `keep` characters there (shortened at a word, with an ellipsis), else two,
    up to `most`; the link is never cut. Text is put in its composed Unicode form first (a
    decomposed "č" costs two characters and makes a GSM text UCS-2)."""
    headline = unicodedata.normalize("NFC", " ".join(headline.split()))
    whole = f"{headline} {link}".strip()
    # The ellipsis is not in the GSM alphabet: a GSM text is shortened with three dots.
    mark = "..." if measure(whole).encoding == GSM_7BIT else "…"
    for segments in range(1, most + 1):
        if measure(whole).segments <= segments:
            return whole
        words = headline.split(" ")
        while len(words) > 1:
            words.pop()
            shorter = " ".join(words).rstrip(",.;:–-")
            candidate = f"{shorter}{mark} {link}"
            if len(shorter) >= keep and measure(candidate).segments <= segments:
                return candidate
    return whole
