"""SMS counted as the network counts them: GSM 7-bit (with the extension table) or UCS-2."""

import pytest

from seec.alerts import sms


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # the extension table: two septets each
        ("€" * 81, "GSM-7", 162, 2),
        ("[{~}]|^\\", "GSM-7", 16, 1),
        ("Ä Ö Ü ä ö ü é è Ç ñ ß", "GSM-7", 21, 1),  # in the basic table
        ("Ж" * 70, "UCS-2", 70, 1),
        ("Ж" * 71, "UCS-2", 71, 2),
        ("Ж" * 134, "UCS-2", 134, 2),
        ("Ж" * 135, "UCS-2", 135, 3),
        ("ΔΦΓΛΩΠΨΣΘΞ", "GSM-7", 10, 1),  # the Greek capitals of the basic table …
        ("αβγ", "UCS-2", 3, 1),  # … but no Greek small letter is in it
        ("č" + "a" * 69, "UCS-2", 70, 1),  # one Croatian letter: the whole text is UCS-2
        ("ș" + "a" * 70, "UCS-2", 71, 2),
        ("😀" * 35, "UCS-2", 70, 1),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, "UCS-2", 72, 2),
    ],
)
def test_encoding_and_segments(text, encoding, units, segments):
    assert sms.measure(text) == sms.SmsLength(encoding, units, segments)


def test_an_escape_is_never_split_from_its_character():
    # 152 septets, then "€" (2): 154 fit one SMS of 160 …
    assert sms.measure("a" * 152 + "€").segments == 1
    # … but in a long text the € cannot start at septet 153 of a 153-septet segment.
    text = "a" * 152 + "€" + "a" * 152
    assert sms.measure(text) == sms.SmsLength("GSM-7", 306, 3)


def test_a_surrogate_pair_is_never_split():
    text = "a" * 66 + "😀" + "a" * 67  # the emoji would straddle 67 | 68
    assert sms.measure(text) == sms.SmsLength("UCS-2", 135, 3)


LINK = "https://alerts.seec.example/alerts/public/RS-8F2A1C/?lang=sr-Latn"


def test_a_latin_alert_fits_one_segment_shortened_at_a_word():
    headline = (
        "CHILD ALERT: Marija Djordjevic, 14, abducted, last seen at the Novi Sad bus station "
        "wearing a red jacket and a blue backpack"
    )
    text = sms.fit(headline, LINK)
    assert text.endswith(LINK) and "..." in text  # the GSM alphabet has no "…"
    assert sms.measure(text) == sms.SmsLength("GSM-7", len(text), 1)
    assert text.startswith("CHILD ALERT: Marija Djordjevic, 14, abducted")


def test_a_cyrillic_alert_takes_two_segments_rather_than_lose_its_sense():
    headline = "УЗБУНА ЗА НЕСТАЛО ДЕТЕ: Марија Ђорђевић, 14 година, отета у Новом Саду"
    text = sms.fit(headline, LINK)
    assert text.endswith(LINK)
    length = sms.measure(text)
    assert length.encoding == "UCS-2" and length.segments == 2


def test_a_short_text_goes_whole_and_a_decomposed_letter_is_composed():
    assert sms.fit("Dete nestalo", LINK) == f"Dete nestalo {LINK}"
    decomposed = "Đorđevic\u0301"  # ć written as c + combining acute
    assert sms.fit(decomposed, "x") == "Đorđević x"
