"""The conventions reproduce the published tables' spellings of known names."""

import pytest
from linkage_sets.independent.translit import CONVENTIONS, script_of, spell

PUBLISHED = [
    # Serbian: Gaj Latin, and the two plain-ASCII habits
    ("Ђорђевић", "sr", "sr_gaj", "Đorđević"),
    ("Ђорђевић", "sr", "sr_ascii_dj", "Djordjevic"),
    ("Ђорђевић", "sr", "sr_ascii_plain", "Dordevic"),
    ("Љубица Њежић", "sr", "sr_gaj", "Ljubica Nježić"),
    # ISO 9: one Latin letter per Cyrillic letter, whatever the language
    ("Щука", "ru", "iso9", "Ŝuka"),
    ("Юлія", "uk", "iso9", "Ûlìâ"),
    ("Ѓорѓи", "mk", "iso9", "Ǵorǵi"),
    # North Macedonia's romanisation of personal names
    ("Ѓорѓи Ќосевски", "mk", "mk_national", "Gjorgji Kjosevski"),
    ("Џемаил Жежовски", "mk", "mk_national", "Djemail Zhezhovski"),
    # Bulgaria: the Streamlined System (2009 law), final -ия is -ia
    ("Мария Щерева", "bg", "bg_streamlined", "Maria Shtereva"),
    ("Ясен Цветков", "bg", "bg_streamlined", "Yasen Tsvetkov"),
    ("Ъглен", "bg", "bg_streamlined", "Aglen"),
    # Ukraine: the 2010 national table (initial and medial forms, зг)
    ("Юлія Згурська", "uk", "uk_national", "Yuliia Zghurska"),
    ("Олексій Гнатюк", "uk", "uk_national", "Oleksii Hnatiuk"),
    ("Євген Їжакевич", "uk", "uk_national", "Yevhen Yizhakevych"),
    ("Чміль", "uk", "uk_national", "Chmil"),
    # Russian passports: ICAO 9303 (since 2013) and the 1997 table
    ("Юлия Воробьёва", "ru", "ru_icao", "Iuliia Vorobeva"),
    ("Юлия Воробьёва", "ru", "ru_passport_1997", "Yuliya Vorobeva"),
    ("Евгений", "ru", "ru_bgn", "Yevgeniy"),
    # Greek: ELOT 743, and everyday phonetic spellings
    ("Γιώργος Παπαδόπουλος", "el", "elot743", "Giorgos Papadopoulos"),
    ("Ευαγγελία Μπακάλη", "el", "elot743", "Evangelia Bakali"),
    ("Αύγουστος Ευθυμίου", "el", "elot743", "Avgoustos Efthymiou"),
    ("Γιώργος", "el", "el_phonetic_y", "Yiorgos"),
    ("Γιώργος", "el", "el_phonetic_g", "Giorgos"),
    ("Χρήστος Κυριάκου", "el", "el_phonetic_y", "Hristos Kiriakou"),
    ("Χαράλαμπος", "el", "el_phonetic_y", "Haralambos"),
    # Foreign police and consulates, by ear
    ("Чміль", "uk", "ear:de", "Tschmil"),
    ("Чміль", "uk", "ear:en", "Chmil"),
    ("Јовановић", "sr", "ear:de", "Jowanowitsch"),
    ("Јовановић", "sr", "ear:fr", "Iovanovitch"),
    ("Јовановић", "sr", "ear:en", "Yovanovich"),
    ("Сергей Жуков", "ru", "ear:ro", "Serghei Jucov"),  # a Moldovan register's Latin
    # Latin names written by clerks of another script or keyboard
    ("Işık Çağlar", "tr", "ascii_plain", "Isik Caglar"),
    ("Dritë Çela", "sq", "ascii_plain", "Drite Cela"),
    ("Xhemajl Gjoni", "sq", "ear:sr_cyrl", "Џемајл Ђони"),
    ("Xhemajl Gjoni", "sq", "ear:mk_cyrl", "Џемајл Ѓони"),
    ("Ionuț Popescu", "ro", "ear:bg_cyrl", "Йонуц Попеску"),
    ("Ömer Çelik", "tr", "ear:el", "Ομερ Τσελικ"),
    ("Ömer Çelik", "tr", "ear:tr", "Ömer Çelik"),
    ("İbrahim", "tr", "ear:tr", "İbrahim"),
]


@pytest.mark.parametrize(("name", "lang", "convention", "expected"), PUBLISHED)
def test_a_convention_writes_a_known_name_as_its_table_does(name, lang, convention, expected):
    assert spell(name, lang, convention) == expected


def test_every_cyrillic_convention_leaves_no_cyrillic_letter_in_latin_output():
    names = {"sr": "Ђорђе Љубичић Џајић", "mk": "Ѓорѓи Ќосевски Ѕвездан", "bg": "Щерьо Ъглев",
             "uk": "Ґанна Їжак Євгенія", "ru": "Съёмщиков Эдуард Ыхов"}  # fmt: skip
    letter_conventions = [
        c for c in CONVENTIONS if not c.startswith(("ear:", "el", "ascii", "as_"))
    ]
    for lang, name in names.items():
        for convention in [*letter_conventions, "ear:de", "ear:fr", "ear:en", "ear:tr"]:
            if convention.startswith(("sr_", "mk_", "bg_", "uk_", "ru_")) and not (
                convention.startswith(lang)
            ):
                continue  # a national table is for its own language's letters
            written = spell(name, lang, convention)
            assert script_of(written) == "Latn", (lang, convention, written)
            assert not any("\u0400" <= ch <= "\u04ff" for ch in written), (convention, written)


def test_by_ear_into_greek_and_cyrillic_gives_that_script():
    for target, script in (("el", "Grek"), ("sr_cyrl", "Cyrl"), ("uk_cyrl", "Cyrl")):
        for name, lang in (("Đurđica Šarić", "sh"), ("Xhevdet Hoxha", "sq"), ("Çağrı Öz", "tr")):
            assert script_of(spell(name, lang, f"ear:{target}")) == script


def test_hyphens_and_spaces_between_names_are_kept():
    assert spell("Петрова-Иванова Ана", "bg", "bg_streamlined") == "Petrova-Ivanova Ana"
