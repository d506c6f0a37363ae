"""write_name: a child's name written for a text in each of the region's languages."""

import pytest

from seec.transliteration import write_name


def test_serbian_name_in_serbian_latin_and_back():
    assert write_name("Ђорђе Петровић", "sr-Latn") == "Đorđe Petrović"
    assert write_name("Đorđe Petrović", "sr-Cyrl") == "Ђорђе Петровић"
    # Gaj and Vuk correspond letter for letter, digraphs included.
    assert write_name("Љубица Његовић Џајић", "sr-Latn") == "Ljubica Njegović Džajić"
    assert write_name("Ljubica Njegović Džajić", "sr-Cyrl") == "Љубица Његовић Џајић"
    assert write_name("LJUBICA ĐURIĆ", "sr-Cyrl") == "ЉУБИЦА ЂУРИЋ"


def test_greek_name_in_english_by_elot_743():
    # ELOT 743 writes each name as spelt: the everyday Γιώργος is Giorgos, the formal
    # Γεώργιος (the name in the passport) is Georgios.
    assert write_name("Γιώργος Παπαδόπουλος", "en") == "Giorgos Papadopoulos"
    assert write_name("Γεώργιος Παπαδόπουλος", "en") == "Georgios Papadopoulos"
    assert write_name("Ευάγγελος Χατζηδάκης", "en") == "Evangelos Chatzidakis"
    assert write_name("Ευθύμιος Αυγερινός", "en") == "Efthymios Avgerinos"


def test_albanian_latin_name_in_macedonian_and_greek_scripts():
    assert write_name("Flamur Berisha", "mk") == "Фламур Бериша"
    assert write_name("Xhevdet Gjoni", "mk") == "Џевдет Ѓони"
    assert write_name("Flamur Berisha", "el") == "Φλαμουρ Μπερισα"
    assert write_name("Dritë Çela", "sr-Cyrl") == "Дрите Чела"


def test_latin_script_languages_romanise_by_their_own_rules():
    # Croatian, Bosnian, Montenegrin and Slovenian write Serbian and Macedonian names in
    # Gaj's letters (ѓ → đ, ќ → ć).
    for language in ("hr", "bs", "cnr", "sl", "sr-Latn"):
        assert write_name("Ђорђе Петровић", language) == "Đorđe Petrović"
        assert write_name("Ѓорѓи Трајковски", language) == "Đorđi Trajkovski"
        assert write_name("Олександр Шевченко", language) == "Oleksandr Ševčenko"
    # English: each name's national romanisation.
    assert write_name("Ѓорѓи Трајковски", "en") == "Gjorgji Trajkovski"
    assert write_name("Олександр Шевченко", "en") == "Oleksandr Shevchenko"
    assert write_name("Христо Стоичков", "en") == "Hristo Stoichkov"
    # Romanian as Moldova's registry writes Russian and Ukrainian names.
    assert write_name("Евгений Чебан", "ro") == "Evghenii Ceban"
    assert write_name("Олександр Шевченко", "ro") == "Olexandr Șevcenco"
    # Turkish and Albanian by their orthographies.
    assert write_name("Κυριάκος Μητσοτάκης", "tr") == "Kiriakos Mitsotakis"
    assert write_name("Γιώργος", "tr") == "Yorgos"
    assert write_name("Александар Вучић", "sq") == "Aleksandar Vuçiq"
    assert write_name("Θεόδωρος", "sq") == "Theodhoros"


def test_latin_names_are_kept_as_their_bearers_spell_them_in_latin_texts():
    for language in ("en", "hr", "ro", "tr", "sq", "sl"):
        assert write_name("Çınar Yücel", language) == "Çınar Yücel"
        assert write_name("Ioana Țurcanu", language) == "Ioana Țurcanu"


def test_cyrillic_languages_transcribe_each_others_names():
    assert write_name("Ђорђе Петровић", "mk") == "Ѓорѓе Петровиќ"
    assert write_name("Ђорђе Петровић", "bg") == "Джордже Петрович"
    assert write_name("Ђорђе Петровић", "uk") == "Джордже Петрович"
    assert write_name("Ljubica Jovanović", "bg") == "Любица Йованович"
    assert write_name("Nikola Petrović", "uk") == "Нікола Петрович"
    assert write_name("Христо Стоичков", "uk") == "Христо Стоїчков"
    assert write_name("Ioana Georgescu", "sr-Cyrl", source="ro") == "Јоана Ђорђеску"
    assert write_name("Ioana Țurcanu Georgescu", "sr-Cyrl") == "Јоана Цуркану Ђорђеску"
    # A language's own names are left alone.
    assert write_name("Петър Иванов", "bg") == "Петър Иванов"
    assert write_name("Γιώργος", "el") == "Γιώργος"


def test_greek_names_in_cyrillic():
    assert write_name("Γιώργος Παπαδόπουλος", "sr-Cyrl") == "Јоргос Пападопулос"
    assert write_name("Γιάννης Μπακογιάννης", "bg") == "Янис Бакоянис"


def test_bcp47_variants_and_errors():
    assert write_name("Ђорђе", "sr-Latn-RS") == "Đorđe"
    assert write_name("Đorđe", "sr") == "Ђорђе"
    assert write_name("  Ђорђе   Петровић ", "sr-Latn") == "Đorđe Petrović"
    assert write_name("", "en") == ""
    with pytest.raises(ValueError, match="xx"):
        write_name("Ђорђе", "xx")


def test_the_source_language_tells_apart_names_of_shared_letters():
    assert write_name("Живко Цветков", "en", source="sr") == "Živko Cvetkov"
    assert write_name("Живко Цветков", "en", source="bg") == "Zhivko Tsvetkov"
    # Without a hint the endings decide: -ов is Bulgarian.
    assert write_name("Живко Цветков", "en") == "Zhivko Tsvetkov"


def test_a_name_in_two_scripts_is_written_word_by_word():
    assert write_name("Ана Maria", "sr-Latn") == "Ana Maria"
    assert write_name("Ana-Марија", "sr-Cyrl") == "Ана-Марија"
