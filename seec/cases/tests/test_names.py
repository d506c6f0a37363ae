"""Name matching across scripts, conventions and typos (seec/cases/names.py).

Pure Python: no database, no Django (run with `-p no:django`).
"""

import itertools
import string

import pytest

from seec.cases import names

# The spellings a caller may give for one name, each matched against the others.
SAME_NAME = [
    ("Đorđević", "Djordjevic"),
    ("Đorđević", "Dordevic"),
    ("Đorđević", "Ђорђевић"),
    ("Djordjevic", "Ђорђевић"),
    ("Dordevic", "Ђорђевић"),
    ("Djordjevic", "Dordevic"),
    ("Γιώργος", "Giorgos"),
    ("Γιώργος", "Yiorgos"),
    ("Giorgos", "Yiorgos"),
    ("Παπαδόπουλος", "Papadopoulos"),
    ("Παπαδόπουλος", "Papadopulos"),
    ("Papadopoulos", "Papadopulos"),
    ("Олександр", "Oleksandr"),
    ("Шевченко", "Shevchenko"),
    ("Шевченко", "Sevcenko"),
    ("Шевченко", "Ševčenko"),
    ("Shevchenko", "Sevcenko"),
    ("Shevchenko", "Ševčenko"),
    ("Јовановић", "Jovanović"),
    ("Јовановић", "Jovanovic"),
    ("Јовановић", "Yovanovich"),
    ("Jovanović", "Yovanovich"),
    ("Jovanovic", "Yovanovich"),
    ("Щербаков", "Shcherbakov"),
    ("Щербаков", "Shtcherbakov"),
    ("Shcherbakov", "Shtcherbakov"),
    ("Ѓорѓиев", "Gjorgjiev"),
    ("Ѓорѓиев", "Đorđiev"),
    ("Gjorgjiev", "Đorđiev"),
    ("Χατζηδάκης", "Chatzidakis"),
    ("Χατζηδάκης", "Hatzidakis"),
    ("Chatzidakis", "Hatzidakis"),
    ("Müller", "Muller"),
    ("Çelik", "Celik"),
    ("Ionuț", "Ionut"),
    ("Ştefan", "Stefan"),
    # More of the region's everyday variation.
    ("Марија Ђорђевић", "Marija Djordjevic"),
    ("Γιώργος Παπαδόπουλος", "Yiorgos Papadopulos"),
    ("Андрій", "Andriy"),
    ("Андрій", "Andrii"),
    ("Юлія", "Yulia"),
    ("Мария", "Maria"),
    ("Παναγιώτης", "Panayiotis"),
    ("Δημήτριος", "Dimitris"),
    ("Țurcanu", "Tsurcanu"),
    ("Hoxha", "Hodža"),
    ("Cristina", "Kristina"),
    ("Nicolae", "Nikolai"),
]

# Different but common romanisations: the brief asks for a shared key or a score ≥ 0.8.
BEST_EFFORT = [
    ("Γιώργος", "Georgios"),  # measured: one shared key (jorgs), similarity 0.91
    ("Олександр", "Aleksandr"),  # measured: one shared key (leksandr), similarity 0.93
]

# Common given and family names of the region, as they are written in Latin script.
REGION_NAMES = [
    "Marija", "Jovana", "Milica", "Jelena", "Teodora", "Ivana", "Petra", "Lucija", "Ema", "Nika",
    "Zala", "Lara", "Elena", "Simona", "Viktoria", "Gabriela", "Anastasia", "Sofia", "Olena",
    "Yulia", "Daryna", "Ioana", "Andreea", "Cristina", "Daniela", "Mihaela", "Klea", "Amelia",
    "Erla", "Zeynep", "Elif", "Ayse", "Defne", "Eleni", "Katerina", "Georgia", "Dimitra",
    "Christina", "Stella", "Lejla", "Amra", "Emina", "Nikola", "Luka", "Stefan", "Marko", "Dusan",
    "Djordje", "Vuk", "Ivan", "Josip", "Jakov", "Matej", "Jakob", "Nejc", "Ziga", "Aleksandar",
    "Filip", "Georgi", "Dimitar", "Oleksandr", "Andrii", "Dmytro", "Maksym", "Bohdan", "Andrei",
    "Mihai", "Alexandru", "Ion", "Vasile", "Ardit", "Arlind", "Erion", "Besart", "Yusuf",
    "Mustafa", "Emir", "Omer", "Giorgos", "Dimitris", "Nikos", "Kostas", "Giannis", "Panagiotis",
    "Christos", "Vasilis", "Andreas", "Kyriakos", "Marios", "Savvas", "Amar", "Adnan", "Haris",
    "Kenan", "Jovanovic", "Petrovic", "Nikolic", "Djordjevic", "Markovic", "Ilic", "Stojanovic",
    "Pavlovic", "Milosevic", "Popovic", "Vujovic", "Radovic", "Djukanovic", "Vukovic", "Boskovic",
    "Hodzic", "Hadzic", "Begic", "Delic", "Kovacevic", "Mehmedovic", "Sehic", "Horvat", "Babic",
    "Maric", "Juric", "Novak", "Knezevic", "Kovacic", "Krajnc", "Zupancic", "Potocnik",
    "Stojanovski", "Nikolovski", "Trajkovski", "Gjorgjiev", "Jovanov", "Petrovski", "Ivanov",
    "Georgiev", "Dimitrov", "Petrov", "Stoyanov", "Nikolov", "Shevchenko", "Kovalenko",
    "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Kovalchuk", "Oliinyk", "Popescu",
    "Ionescu", "Popa", "Radulescu", "Stoica", "Dumitrescu", "Rusu", "Ceban", "Ciobanu", "Turcanu",
    "Lungu", "Cojocaru", "Hoxha", "Shehu", "Gjoka", "Dervishi", "Leka", "Kola", "Cela", "Yilmaz",
    "Kaya", "Demir", "Celik", "Sahin", "Ozturk", "Aydin", "Papadopoulos", "Papadakis", "Georgiou",
    "Oikonomou", "Nikolaou", "Chatzidakis", "Karagiannis", "Vasileiou", "Ioannou", "Christodoulou",
    "Konstantinou", "Charalambous"
]  # fmt: skip

TYPICAL_NAMES = [name for name in REGION_NAMES if len(name) >= 5]


def shared_keys(a, b):
    return names.name_keys(a) & names.name_keys(b)


def similarity(query, stored_name):
    return names.name_similarity(query, names.latin_forms(stored_name))


def one_edit_typos(word):
    """Every spelling one deletion, adjacent transposition, substitution or insertion away."""
    letters = string.ascii_lowercase
    typos = set()
    for i in range(len(word)):
        typos.add(word[:i] + word[i + 1 :])
        typos.update(word[:i] + c + word[i + 1 :] for c in letters)
    for i in range(len(word) - 1):
        typos.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    for i in range(len(word) + 1):
        typos.update(word[:i] + c + word[i:] for c in letters)
    typos.discard(word)
    return typos


# --- 1. The brief's examples --------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), SAME_NAME)
def test_spellings_of_one_name_share_a_key_and_score_at_least_0_85(a, b):
    assert shared_keys(a, b), (names.latin_forms(a), names.latin_forms(b))
    assert similarity(a, b) >= 0.85
    assert similarity(b, a) >= 0.85


@pytest.mark.parametrize(("a", "b"), BEST_EFFORT)
def test_other_common_romanisations_share_a_key_and_score_at_least_0_8(a, b):
    assert shared_keys(a, b)
    assert similarity(a, b) >= 0.8
    assert similarity(b, a) >= 0.8


def test_giorgos_and_yiorgos_get_the_same_phonetic_key():
    assert names.phonetic_key("giorgos") == names.phonetic_key("yiorgos")
    assert names.phonetic_key("jovanovic") == names.phonetic_key("yovanovich")
    assert names.phonetic_key("shevchenko") == names.phonetic_key("sevcenko")
    assert names.phonetic_key("djordjevic") == names.phonetic_key("dordevic")
    assert names.phonetic_key("papadopoulos") == names.phonetic_key("papadopulos")
    assert names.phonetic_key("marija") == names.phonetic_key("mariya") == "maria"


def test_phonetic_key_keeps_djuric_and_juric_apart():
    # Two different, equally common families: đ is d, not j.
    assert names.phonetic_key("djuric") != names.phonetic_key("juric")


# --- 2. Typos ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Marija", "Jovana", "Shevchenko", "Papadopoulos", "Ionescu"])
def test_every_one_letter_typo_of_a_typical_name_still_shares_a_key(name):
    keys = names.name_keys(name)
    missed = [typo for typo in one_edit_typos(name.lower()) if not names.name_keys(typo) & keys]
    assert missed == []


def test_one_typo_in_any_of_the_regions_names_of_five_letters_or_more_shares_a_key():
    checked = 0
    missed = []
    for name in TYPICAL_NAMES:
        keys = names.name_keys(name)
        for typo in one_edit_typos(name.lower()):
            checked += 1
            if not names.name_keys(typo) & keys:
                missed.append((name, typo))
    print(f"{checked} typos of {len(TYPICAL_NAMES)} names, {len(missed)} without a shared key")
    assert missed == []


def test_a_typo_on_top_of_another_convention_still_finds_the_cyrillic_name():
    assert shared_keys("Ђорђевић", "Djordevic")  # dj/d and a lost j
    assert shared_keys("Шевченко", "Shevchneko")
    assert shared_keys("Χατζηδάκης", "Hatzidakiss")


# --- 3. Different names --------------------------------------------------------------------


def test_different_names_of_the_region_rarely_share_a_key():
    assert len(set(REGION_NAMES)) == len(REGION_NAMES) >= 60
    keys = {name: names.name_keys(name) for name in REGION_NAMES}
    pairs = list(itertools.combinations(REGION_NAMES, 2))
    colliding = [(a, b) for a, b in pairs if keys[a] & keys[b]]
    share = len(colliding) / len(pairs)
    print(f"{len(colliding)} of {len(pairs)} pairs of different names share a key ({share:.2%})")
    # Measured 0.18% (31 pairs, mostly one letter apart: Ivan/Ivana, Jakov/Jakob, Hodzic/Hadzic).
    assert share < 0.01


def test_similarity_ranks_the_right_name_first_for_typod_queries():
    stored = {name: names.latin_forms(name) for name in REGION_NAMES}
    wrong = []
    queries = 0
    for name in TYPICAL_NAMES:
        low = name.lower()
        middle = len(low) // 2
        typos = {
            low[:middle] + low[middle + 1 :],  # a letter lost
            low[:middle] + low[middle + 1] + low[middle] + low[middle + 2 :],  # two swapped
            low[:middle] + "x" + low[middle + 1 :],  # a wrong letter
            low[:middle] + low[middle] + low[middle:],  # a letter doubled
        }
        for typo in typos - {low}:
            queries += 1
            scores = {other: names.name_similarity(typo, forms) for other, forms in stored.items()}
            best = max(scores, key=scores.get)
            if scores[best] > scores[name]:
                wrong.append((typo, name, best))
    print(f"{queries} typo'd queries, {len(wrong)} ranked another name first: {wrong}")
    assert len(wrong) <= queries * 0.02


def test_different_names_score_low():
    assert similarity("Marija Jovanović", "Ana Horvat") < 0.5
    assert similarity("Marija Petrović", "Marija Jovanović") < 0.8
    assert similarity("Jurić", "Đurić") < similarity("Djuric", "Đurić")


# --- 4. Order --------------------------------------------------------------------------


def test_given_and_family_name_order_is_free():
    assert similarity("Jovanović Marija", "Marija Jovanović") >= 0.95
    assert similarity("Παπαδόπουλος Γιώργος", "Giorgos Papadopoulos") >= 0.95
    assert names.name_keys("Jovanović Marija") == names.name_keys("Marija Jovanović")


def test_extra_stored_tokens_cost_little_and_missing_ones_more():
    full = "Marija Ana Jovanović"
    assert similarity("Marija Jovanović", full) >= 0.95
    assert 0.6 <= similarity("Marija Ana Jovanović", "Marija Jovanović") < 0.9
    assert similarity("Marija Jovanović", "Marija Jovanović") == 1.0


# --- 5. Edge cases -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "12345", "+30 210 123 4567", "?!-.,'", "—"])
def test_no_letters_gives_no_forms_and_no_keys(text):
    assert names.normalise_latin(text) == ""
    assert names.latin_forms(text) == frozenset()
    assert names.name_keys(text) == frozenset()
    assert names.query_keys(text) == frozenset()
    assert names.name_similarity(text, ["marija jovanovic"]) == 0.0


def test_no_stored_forms_scores_zero():
    assert names.name_similarity("Marija", []) == 0.0
    assert names.name_similarity("Marija", [""]) == 0.0


def test_very_long_input_is_cut_to_a_bounded_number_of_forms_and_keys():
    text = " ".join(["Александра Ђорђевић-Петровић"] * 200) + " " + "а" * 5000
    forms = names.latin_forms(text)
    keys = names.name_keys(text)
    assert 0 < len(forms) <= names.MAX_FORMS
    assert all(len(form.split()) <= names.MAX_TOKENS for form in forms)
    assert 0 < len(keys) < 200
    assert max(len(key) for key in names.name_keys("Ш" * 1000)) <= names.MAX_KEY_CHARS


def test_keys_fit_the_index_column_and_are_plain_lower_case_latin():
    for name in [*REGION_NAMES, "Ђорђевић", "Χατζηδάκης", "Щербаков", "Мар'яна", "محمد"]:
        for key in names.name_keys(name):
            assert key.isascii() and key.isalpha() and key.islower()
            assert len(key) <= 32  # SearchTokenKey.key


def test_names_with_letters_always_have_forms():
    for name in ["Ђ", "Ωω", "Ян", "Ïo", "محمد", "ქეთევანი"]:
        assert names.latin_forms(name), name


def test_at_most_twelve_forms_each_a_whole_name():
    forms = names.latin_forms("Жељко Шћекић-Ђурђевић")
    assert 0 < len(forms) <= 12
    assert all(form == " ".join(form.split()) and len(form.split()) == 3 for form in forms)


def test_mixed_scripts_in_one_name():
    assert "marija djordjevic" in names.latin_forms("Marija Ђорђевић")
    assert "giorgos petrov" in names.latin_forms("Γιώργος Петров")
    # A Cyrillic р typed by mistake among Latin letters.
    assert "marija" in names.latin_forms("Maрija")
    assert similarity("Marija Ђорђевић", "Марија Ђорђевић") == 1.0


def test_serbian_cyrillic_letters():
    assert names.transliterate("Ђорђе Ћирић Џајић Љиљана Њего", "sr") == (
        "Đorđe Ćirić Džajić Ljiljana Njego"
    )
    forms = names.latin_forms("Ђорђе Ћирић Џајић Љиљана Њего")
    assert "djordje ciric dzajic ljiljana njego" in forms
    assert "dzhajich" in " ".join(names.latin_forms("Џајић"))


def test_macedonian_cyrillic_letters():
    assert names.transliterate("Ѓорѓи Ќосев Ѕвезда Џеладин", "mk") == (
        "Gjorgji Kjosev Dzvezda Dzheladin"
    )
    assert names.latin_forms("Ѓорѓиев") == {"gjorgjiev"}


def test_ukrainian_letters_apostrophe_and_positions():
    assert names.transliterate("Ґалаґан Євген Їжакевич Іван", "uk") == (
        "Galagan Yevhen Yizhakevych Ivan"
    )
    assert names.transliterate("Андрій Юлія Соломія Мар'яна Згурський", "uk") == (
        "Andrii Yuliia Solomiia Mariana Zghurskyi"
    )
    assert names.latin_forms("Мар’яна") == {"mariana", "maryana"}  # no split at the apostrophe
    assert "serhii" in names.latin_forms("Сергій")
    assert "sergiy" in names.latin_forms("Сергій")  # the Russian-style passport spelling


def test_bulgarian_and_russian_conventions():
    assert names.transliterate("Щерю Ъглев Мария Юлиян", "bg") == "Shteryu Aglev Maria Yuliyan"
    assert names.transliterate("Щербаков Хрущёв Юлия Эдуард", "ru") == (
        "Shcherbakov Khrushchev Yuliya Eduard"
    )


def test_greek_elot_743_digraphs():
    el = [
        ("Ευάγγελος", "Evangelos"),
        ("Ευθύμιος", "Efthymios"),
        ("Αύρα", "Avra"),
        ("Γκόλφω", "Gkolfo"),
        ("Μπάμπης", "Mpampis"),
        ("Ντίνος", "Ntinos"),
        ("Χατζηδάκης", "Chatzidakis"),
        ("Ψαράς", "Psaras"),
        ("Ξένια", "Xenia"),
        ("Παπαδοπούλου", "Papadopoulou"),
    ]
    for greek, latin in el:
        assert names.transliterate(greek, "el") == latin


def test_greek_phonetic_spelling():
    phonetic = [
        ("Χατζηδάκης", "Hatzidakis"),
        ("Γιώργος", "Yiorgos"),
        ("Παναγιώτης", "Panayiotis"),
        ("Γεώργιος", "Georgios"),
        ("Μπάμπης", "Bambis"),
        ("Ντίνος", "Dinos"),
        ("Αικατερίνη", "Ekaterini"),
        ("Ειρήνη", "Irini"),
        ("Οικονόμου", "Ikonomou"),
        ("Κυριάκος", "Kiriakos"),
        ("Ευάγγελος", "Evangelos"),
    ]
    for greek, latin in phonetic:
        assert names.transliterate(greek, "el-phonetic") == latin


def test_greek_accents_diaeresis_final_sigma_and_upper_case():
    assert names.transliterate("Προϊστάμενος", "el") == "Proistamenos"
    assert names.transliterate("Ταΰγετος", "el") == "Taygetos"  # ϋ keeps αυ apart
    assert names.transliterate("Ταυγετος", "el") == "Tavgetos"
    assert names.transliterate("Ευαγγελία", "el") == "Evangelia"
    assert names.latin_forms("ΐ") == {"i"}
    assert names.transliterate("ΓΙΩΡΓΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ", "el") == "GIORGOS PAPADOPOULOS"
    assert names.latin_forms("ΓΙΩΡΓΟΣ") == names.latin_forms("Γιώργος")
    assert names.latin_forms("Νίκος") == {"nikos"}  # ς and σ alike
    assert names.latin_forms("Σοφία") == {"sofia"}


def test_capital_letters_of_digraphs():
    assert names.transliterate("Шевченко", "uk") == "Shevchenko"
    assert names.transliterate("ШЕВЧЕНКО", "uk") == "SHEVCHENKO"
    assert names.transliterate("Χρήστος", "el") == "Christos"


def test_latin_passes_through_transliteration_unchanged():
    for convention in names.CONVENTIONS:
        assert names.transliterate("Đorđević Müller", convention) == "Đorđević Müller"


def test_unknown_convention_is_an_error():
    with pytest.raises(ValueError, match="Unknown convention"):
        names.transliterate("Иван", "xx")


def test_normalise_latin():
    assert names.normalise_latin("Đorđe Ðana") == "djordje dana"
    assert names.normalise_latin("Strauß Łukasz Søren Æsa Yılmaz İlker") == (
        "strauss lukasz soren aesa yilmaz ilker"
    )
    assert names.normalise_latin("Ștefan Ştefan Ionuț Ţepeş") == "stefan stefan ionut tepes"
    assert names.normalise_latin("  Jovanović-Petrović  O'Neill ") == "jovanovic petrovic o neill"
    assert names.normalise_latin("Müller Çelik Öztürk") == "muller celik ozturk"
    assert names.normalise_latin("Marija2 (Maca)") == "marija maca"
    assert names.normalise_latin("Jovanovic\u030c") == "jovanovic"  # a lone combining mark


def test_latin_forms_of_regional_letters():
    assert names.latin_forms("Đorđević") == {"djordjevic", "dordevic", "djordjevich"}
    assert names.latin_forms("Šahin Žarko") == {"sahin zarko", "shahin zharko"}
    assert names.latin_forms("Hodžić") == {"hodzic", "hodzhich"}
    assert names.latin_forms("Jovanovic") == {"jovanovic"}
    assert names.latin_forms("Шевченко") == {"sevcenko", "shevchenko"}


def test_conventions_are_the_published_tuple():
    assert names.CONVENTIONS == ("sr", "mk", "bg", "uk", "ru", "el", "el-phonetic")


def test_query_keys_are_name_keys():
    assert names.query_keys("Марија Ђорђевић") == names.name_keys("Марија Ђорђевић")


def test_identical_names_score_one():
    assert similarity("Марија Ђорђевић", "Марија Ђорђевић") == 1.0
    assert names.name_similarity("Marija", ["marija"]) == 1.0


def test_similarity_accepts_forms_that_are_not_normalised():
    assert names.name_similarity("Marija Djordjevic", ["Марија Ђорђевић"]) == 1.0


# --- 6. Index size ------------------------------------------------------------------------
# Speed is measured by bench/case_search.py; what a test can hold is that a name's keys stay
# few enough to store one row per key per case for a million cases.


def three_token_names(count):
    given = ["Marija", "Jovana", "Γιώργος", "Олександр", "Ivana", "Андрій", "Ελένη", "Ştefan",
             "Ђорђе", "Zeynep", "Ioana", "Никола", "Nikos", "Юлія", "Ana", "Panagiotis",
             "Стефан", "Klea", "Mihai", "Δήμητρα"]  # fmt: skip
    middle = ["Ana", "Petrova", "Ioannou", "Ivanovna", "Luka", "Sofia", "Марко", "Νίκος",
              "Elif", "Dan", "Tea", "Аліна", "Vuk", "Ema", "Ilir", "Lara", "Jakov", "Μαρία",
              "Lejla", "Ion"]  # fmt: skip
    family = ["Јовановић", "Παπαδόπουλος", "Шевченко", "Đorđević", "Popescu", "Hoxha",
              "Yılmaz", "Ѓорѓиев", "Χατζηδάκης", "Ковальчук", "Kovačević", "Георгиев",
              "Țurcanu", "Щербаков", "Zupančič", "Οικονόμου", "Stojanovski", "Mehmedović",
              "Dumitrescu", "Çelik", "Бондаренко", "Knežević", "Σάββα", "Димитров",
              "Horvat"]  # fmt: skip
    combos = itertools.product(given, middle, family)
    return [" ".join(parts) for parts in itertools.islice(combos, count)]


def test_a_three_token_name_has_a_bounded_number_of_keys():
    sample = three_token_names(2_000)
    counts = [len(names.name_keys(name)) for name in sample]
    assert min(counts) > 0
    assert sum(counts) / len(counts) < 60
    assert all(
        len(key) <= names.MAX_KEY_CHARS for name in sample[:200] for key in names.name_keys(name)
    )


def test_word_similarities_in_bulk_are_token_similarity_to_the_best_spelling():
    typed = {"djordjevic", "dordevic"}
    words = ["djordjevic", "đorđević", "jordjevic", "petrovic", "dzhordzhevich"]
    words = [names.normalise_latin(word).replace(" ", "") for word in words]
    expected = [max(names.token_similarity(t, w) for t in typed) for w in words]
    assert names.word_similarities(typed, words) == pytest.approx(expected)


def test_query_slots_hold_each_typed_word_in_every_spelling():
    slots = names.query_slots("Марија Ђорђевић")
    assert len(slots) == 2
    assert {"marija"} <= slots[0] and {"djordjevic", "dordevic"} <= slots[1]
    # Initials are left out; č and ć are spelt both plain and as a digraph.
    assert names.query_slots("M. Jovanović") == [frozenset({"jovanovic", "jovanovich"})]


def test_transliterating_word_by_word_gives_what_the_whole_text_gives():
    """`written_by` transliterates (and caches) each word alone; every standard must write a
    word as it writes it inside a whole name or address: the region's names in their scripts,
    all capitals, apostrophes, hyphens, mixed scripts and doubled spaces."""
    import random

    from seec import transliteration
    from seec.cases import name_pools

    rng = random.Random(17)
    texts = [
        "ЉУБИЦА Ђорђевић", "Наталія д'Арк", "Олександр О'Коннор-Шевченко", "Γιώργος  ΠΑΠΑΔΟΠΟΥΛΟΣ",
        "Ευάγγελος Ευθυμίου", "Ёлка Ёжикова", "ул. Иванова 5, кв. 12", "Марија Παπά Jovanović",
        " Аня ", "Зоя Ильинична", "ΕΥΑ ΑΥΓΗ",
    ]  # fmt: skip
    for country in ("GR", "CY", "RS", "MK", "BG", "UA", "MD", "ME", "BA"):
        pool = name_pools.pool(country)
        for _ in range(150):
            given, family = pool.draw(rng, rng.choice(["female", "male"]))
            texts += [f"{given} {family}", f"{family.upper()} {given}"]
    for standard, write in transliteration.STANDARDS.items():
        for text in texts:
            assert names.written_by(standard, text) == write(text), (standard, text)


# Texts whose pieces touch across a space in every way normalise_latin's steps could see:
# Greek final sigma, separators and marks beside spaces, letters that lower to two, spaces
# that are not " ", digits, and words that normalise to nothing.
_PIECES = [
    "ΟΔΥΣΣΕΑΣ", "Σ", "σ", "ς", "Đorđe", "O'Neill", "-", "—", ".", "M.Jovanović", "Ševčenko",
    "İlhan", "ß", "æ", "\u0301", "\u0308", "¨", "ﬁ", "Ǆ", "ǅ", "123", "日本", "سين", "\u00a0",
    "\t", "", " ", "Ђорђевић", "Γιώργος", "x", "'",
]  # fmt: skip


def test_normalise_latin_by_words_is_the_whole_texts():
    """normalise_latin works word by word (cached per word), and gives what the whole text
    normalised at once gives."""
    texts = [" ".join(pair) for pair in itertools.product(_PIECES, repeat=2)]
    texts += ["".join(pair) for pair in itertools.product(_PIECES, repeat=2)]
    texts += [" ".join(triple) for triple in itertools.combinations(_PIECES, 3)]
    for text in texts:
        assert names.normalise_latin(text) == names._normalised(text, keep_digits=False), text
