"""The romanisation standards, each against its published table's own examples."""

from seec.transliteration import STANDARDS, romanisations


def test_iso_9_is_one_letter_for_one_letter():
    assert STANDARDS["iso9"]("Щербаков Ђорђе Ѓорѓи Мар'яна") == "Ŝerbakov Đorđe Ǵorǵi Mar’âna"


def test_national_systems():
    assert STANDARDS["sr"]("Ђорђе Ћирић Џајић Љиљана Њего") == "Đorđe Ćirić Džajić Ljiljana Njego"
    assert STANDARDS["mk"]("Ѓорѓи Ќосев Ѕвезда Џеладин Жарко") == (
        "Gjorgji Kjosev Dzvezda Dzheladin Zharko"
    )
    assert STANDARDS["bg"]("Щерю Ъглев Мария Юлиян") == "Shteryu Aglev Maria Yuliyan"
    # The Ukrainian resolution's own examples: initial and inner є ї й ю я, зг.
    assert STANDARDS["uk"]("Юрій Яготин Їжакевич Мар'яна Згурський Знам'янка") == (
        "Yurii Yahotyn Yizhakevych Mariana Zghurskyi Znamianka"
    )
    assert STANDARDS["elot743"]("Ευαγγελία Προϊστάμενος ΧΡΗΣΤΟΣ Αυγή") == (
        "Evangelia Proistamenos CHRISTOS Avgi"
    )


def test_russian_tables():
    assert STANDARDS["ru-bgn"]("Ельцин Фёдор Андреев") == "Yeltsin Fyodor Andreyev"
    assert STANDARDS["ru-icao"]("Юлия Ильин Подъячев") == "Iuliia Ilin Podieiachev"
    assert STANDARDS["ru-passport-1997"]("Юлия") == "Yuliya"
    assert STANDARDS["ru-md"]("Евгений Юрий Чебан Жуков Щербаков Александр") == (
        "Evghenii Iurii Ceban Jucov Șcerbacov Alexandr"
    )


def test_phonetic_spellings_of_foreign_offices():
    assert STANDARDS["uk-de"]("Чміль Шевченко Володимир") == "Tschmil Schewtschenko Wolodymyr"
    assert STANDARDS["uk-fr"]("Шевченко") == "Chevtchenko"
    assert STANDARDS["ru-de"]("Наташа Жуков") == "Natascha Schukow"
    assert STANDARDS["ru-fr"]("Юрий Жуков") == "Iouri Joukov"
    assert STANDARDS["sr-ascii"]("Ђорђевић Шарчевић") == "Djordjevic Sarcevic"
    assert STANDARDS["sr-en"]("Живковић") == "Zhivkovich"


def test_every_standard_names_its_source():
    for code, standard in STANDARDS.items():
        assert standard.code == code
        assert standard.title and len(standard.source) > 30


def test_romanisations_of_a_ukrainian_name_include_the_foreign_offices_spellings():
    spellings = romanisations("Чміль")
    assert spellings["uk"] == "Chmil"
    assert {"Tschmil", "Tchmil", "Cimil"} <= set(spellings.values())
    assert next(iter(spellings)) == "uk"


def test_romanisations_of_a_name_every_cyrillic_alphabet_has():
    spellings = romanisations("Иван Жуков", source="ru")
    assert next(iter(spellings)) == "ru-bgn"
    assert {"Ivan Zhukov", "Ivan Žukov", "Iwan Schukow", "Ivan Jucov"} <= set(spellings.values())
    assert romanisations("Đorđe") == {"latin": "Đorđe"}
    assert romanisations("") == {}
