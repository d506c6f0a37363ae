"""Each country's long tail of children's names, for benchmark data shaped like a registry's.

A hotline's register does not hold a hundred names a country: it holds thousands, a few very
common and most rare, with frequencies falling off roughly as a power of their rank (Zipf's
law). The pools here are made from each country's real stems and endings, in its own script
and with its own morphology (Serbian -ić/-ović, Greek -όπουλος/-άκης with the female genitive,
Bulgarian -ов/-ова, Ukrainian -енко/-чук, Romanian -escu/-eanu, Turkish compounds, …): some
thousands of family names and some hundreds of given names per sex and country. The names are
plausible, not a register's: they are fictional children's.

`NamePool.draw` picks by Zipf weights over a fixed, seeded ranking, so two runs with one seed
make the same children, and the commonest names are as common as in life (the top family name
of a country some 1–4 % of its children).
"""

import bisect
import itertools
import random
from dataclasses import dataclass
from functools import cache

# Per country: (female given stems + endings, male given stems + endings, family stems,
# family endings as (male, female)). Stems are real names' or surnames' beginnings.
_SR_FAMILY_STEMS = (
    "Јован Петр Никол Ђорђ Марк Ил Стојан Павл Милош Милан Лаз Радов Вук Симон Тодор Живк "
    "Недељк Станој Ранђел Благој Драг Јанк Мит Пан Стефан Остој Мијаил Филип Коваче Дамјан "
    "Богдан Грујич Ђурђ Јаћим Костад Миленк Обрад Перк Рист Сав Трифун Урош Цвет Чед Шпир "
    "Андр Бојич Вас Гаврил Десим Ерак Жарк Зор Ив Јов Крст Љуб Максим Новак Ог Радул Сек"
).split()
POOL_SPECS: dict[str, tuple] = {
    "RS": (
        (
            "Мар Јован Милиц Ан Теодор Јелен Сар Драган Нин Ивон Милен Снеж Гордан Даниц Весн "
            "Бојан Зорк Љиљан Радмил Светл Тијан Катарин Невен Мај Сањ Вер Дуњ Ксениј Лар Ољ"
        ).split(),
        ["а", "ица", "ана", "ка", "ија", "ина"],
        (
            "Никол Лук Стефан Марк Душан Ђорђ Вук Милош Петар Јован Лазар Немањ Урош Филип Ђурађ "
            "Алекс Богдан Вељк Огњен Растк Срђан Дејан Зоран Бранк Горан Драган Милан Ненад Пред"
        ).split(),
        ["", "а", "е", "ко", "ан", "ослав"],
        _SR_FAMILY_STEMS,
        [("ић", "ић"), ("овић", "овић"), ("евић", "евић"), ("ин", "ина"), ("ски", "ска")],
    ),
    "ME": (
        "Milic Jovan Ana Teodor Nađ Dragan Sar Ivan Jelen Milen Bojan Vesn Mar Tijan Ksenij".split(),
        ["a", "ica", "ana", "ka", "ija"],
        "Luk Mark Nikol Vuk Đorđ Petar Stefan Miloš Bogdan Danil Vasilij Radomir Savo Balš".split(),
        ["", "o", "e", "ko", "an"],
        (
            "Popov Vujov Radov Đukanov Vukov Boškov Mugoš Vujoš Lekov Raičev Perov Šćekić Mijov "
            "Kaluđer Laloš Dabov Bulat Jokov Kneževi Vulić Martinov Pejov Drašk Gazivod Đuran "
            "Barjaktar Kovač Lazar Stanišić Milač Nikčev Rakočev Otaš Bojan Medojev Šoć Zec"
        ).split(),
        [("ić", "ić"), ("ović", "ović"), ("ević", "ević"), ("", "")],
    ),
    "BA": (
        "Amr Lejl Ajl Emin Sar An Amin Belm Dženan Elm Hatidž Irm Medin Nejr Selm Zehr".split(),
        ["a", "ija", "ina", "ka", ""],
        "Amar Adnan Haris Kenan Luk Stefan Emir Tarik Dženan Mirz Armin Edin Faruk Jasmin Nedim".split(),
        ["", "a", "o", "ko"],
        (
            "Hodž Hadž Beg Del Kovačev Mehmedov Šeh Hasan Osman Huse Alij Ibrahimov Mujk Sulj "
            "Karahasan Omerov Salih Halilov Mušin Avdag Zukan Čaušev Pašal Bešl Džaf Efend "
            "Fazl Gač Ham Imam Jahj Kapetanov Lon Malk Nur Ramadan Smaj Tur Vel Zahir"
        ).split(),
        [("ić", "ić"), ("ović", "ović"), ("bašić", "bašić"), ("agić", "agić")],
    ),
    "HR": (
        "An Lucij Petr Ivan Mi Em Marij Kat Lan Dor Nik Ton Zrink Jelen Klar Ljilj Maj Saš".split(),
        ["a", "ica", "ina", "ka", "ija"],
        "Ivan Luk Mark Josip Jakov Matej Ant Filip Tomislav Kreš Dražen Goran Nikol Domagoj Fran".split(),
        ["", "o", "e", "ica", "ko"],
        (
            "Horvat Kovač Bab Mar Jur Novak Kneže Vuk Blaž Grg Šar Perkov Pavl Matij Tomas Božičev "
            "Lovr Barišić Jukić Rukavin Bašić Radoš Sertić Pranjić Vidović Čulina Mikul Šimun "
            "Bilić Ćosić Dujmov Filipov Galić Herceg Ivank Jozić Klar Leko Mandić Nikšić Omer"
        ).split(),
        [("", ""), ("ić", "ić"), ("ević", "ević"), ("ović", "ović")],
    ),
    "SI": (
        "Nik Ev Zal Lar Em Maj Ajd Tin Neža Pi Špel Urš Vesn Katj Manc Sar".split(),
        ["a", "ja", "ka", "ica", ""],
        "Luk Jakob Nejc Žig Jan Matic Tilen Rok Gašper Aljaž Blaž Urban Miha Anže Žan".split(),
        ["", "a", "o", "ej"],
        (
            "Novak Horvat Kovač Krajn Zupan Potočn Mlak Vidm Kos Golob Turk Božič Kralj Zajc "
            "Pavl Rozman Bizjak Hribar Kastelic Oblak Petek Ferjan Koren Jereb Leban Majcen Pirc "
            "Rupnik Sever Tomaž Uršič Vrhovnik Žagar Bevc Cerar Dolenc Erjavec Furlan Gorjan"
        ).split(),
        [("", ""), ("ič", "ič"), ("nik", "nik"), ("šek", "šek")],
    ),
    "MK": (
        "Ан Мариј Ел Јован Симон Ивон Бојан Маргарит Даниел Христин Кристин Мил Тамар Сар".split(),
        ["а", "ица", "ена", "ка", "ија"],
        "Никол Марк Стефан Давид Филип Андреј Петар Јован Бојан Горан Драган Игор Трајч Климент".split(),
        ["", "е", "о", "че"],
        (
            "Трајков Стојанов Николов Јованов Петров Димитров Георгиев Илиев Ангелов Стефанов "
            "Митрев Ристов Костов Атанасов Велков Зафиров Најдов Спасов Тодоров Христов Цветков "
            "Бошков Ванчев Гоцев Доцев Ѓоргиев Ефтимов Жежов Здравков Јанев Кирков Лазаров"
        ).split(),
        [("ски", "ска"), ("", "а"), ("ић", "ић")],
    ),
    "BG": (
        "Мари Елен Иван Десисл Виктори Николет Герган Радк Цветелин Йорд Светл Петя Ралиц".split(),
        ["а", "ка", "ина", "ица", "я"],
        "Иван Георги Димит Никол Петър Стоян Александ Мартин Християн Калоян Борис Емил Тодор".split(),
        ["", "о", "ър", "ко"],
        (
            "Иван Георги Димитр Петр Никол Христ Стоян Тодор Илие Атанас Ангел Йордан Кол Марин "
            "Стефан Васил Костадин Михайл Пенч Русе Симе Тане Цвета Шише Янк Божил Вълч Гроз "
            "Дончев Желяз Зафир Игнат Камен Лазар Минч Нейч Огнян Пет Радосл Славч"
        ).split(),
        [("ов", "ова"), ("ев", "ева"), ("ски", "ска")],
    ),
    "UA": (
        "Марі Анн Олен Ірин Софі Дар Вікторі Катерин Юлі Оксан Наталі Тетян Злат Христин".split(),
        ["я", "а", "ка", "онька", "ина"],
        "Андрі Дмитр Олександ Максим Богдан Тарас Назар Остап Ярослав Мирослав Степан Іван".split(),
        ["й", "о", "р", "ко", ""],
        (
            "Шевч Коваль Бонда Ткач Кравч Олійн Шевчук Поліщ Лисенк Руденк Марч Савч Петр Мельн "
            "Клим Гончар Павл Кузьм Кирил Левч Мороз Нестер Онищ Пономар Романч Стеценк Тимош "
            "Федор Харч Цимбал Чорновол Яковл Бабич Верес Гнатюк Дорош Єрем Заїч Іщ Кушн"
        ).split(),
        [("енко", "енко"), ("ук", "ук"), ("чук", "чук"), ("ишин", "ишин"), ("ський", "ська")],
    ),
    "RO": (
        "Mari Elen Andree Ioan Alexandr Ana Bianc Cristin Daniel Gabriel Irin Larisa Roxan".split(),
        ["a", "ela", "ina", "uța", ""],
        "Andrei Ion Alexandr Mihai Gheorgh Vasil Cristian Florin Ștefan Răzvan Tudor Radu Bogdan".split(),
        ["", "e", "el", "uț"],
        (
            "Popes Ionesc Popa Radu Dumitr Stan Stoic Gheorgh Matei Ciobanu Rusu Munteanu Constantin "
            "Mihăil Marin Tudor Dobr Bărbulesc Neagu Florea Lungu Manole Oprea Preda Sârbu Toma "
            "Vlad Zamfir Anghel Bălan Cazacu Dinu Enache Filip Grigore Huțanu Iordache Lazăr"
        ).split(),
        [("escu", "escu"), ("eanu", "eanu"), ("", ""), ("aru", "aru")],
    ),
    "MD": (
        "Mari Ana Cristin Dan Ecaterin Ion Nadejd Olg Tatian Victori Doin Mihael".split(),
        ["a", "ela", "ina", "uța"],
        "Ion Andrei Vasile Mihai Alexandr Dumitr Sergiu Vlad Nicola Gheorgh Victor Iurie".split(),
        ["", "e", "el", "ița"],
        (
            "Rusu Ceban Ciobanu Țurcan Lungu Munteanu Cojocar Roșca Sârbu Bălan Guțu Moraru "
            "Popa Rotari Cazacu Cebotar Donic Ghețu Ivanov Leahu Mocanu Negru Pascari Racu "
            "Spătaru Tofan Ursu Vrabie Zaharia Botnari Crudu Darii Frunză Grosu Hâncu"
        ).split(),
        [("", ""), ("escu", "escu"), ("eanu", "eanu")],
    ),
    "AL": (
        "Ann Ajl Ameli Arden Besian Doruntin Elir Ermir Flutur Gent Jonid Klej Lorin Mir Noel".split(),
        ["a", "ina", "da", "eta", "jana"],
        "Ardit Arlind Besnik Dritan Endri Erion Fatjon Gazmend Ilir Jetmir Klodian Luan Mark".split(),
        ["", "i", "a", "jan"],
        (
            "Hoxh Shehu Dervish Kola Leka Gjoka Marku Prenga Deda Ndoja Krasniq Berish Gashi Hysa "
            "Bajram Cela Duka Elezi Fejzo Gjoni Halili Isufi Jaku Kelmendi Lika Mema Noka Osmani "
            "Pepa Qosja Rama Sula Tafa Ujka Vata Xhafa Zeneli Bushati Çela Dibra"
        ).split(),
        [("a", "a"), ("i", "i"), ("aj", "aj"), ("ja", "ja")],
    ),
    "TR": (
        "Zeyn Elif Defn Ecri Azr Meryem Asy Nil Ela Yağmur Ceren Esr Büşr Dil Gül Hira".split(),
        ["ep", "", "a", "ay", "su", "nur"],
        "Yusuf Mehmet Mustaf Ahmet Ali Emir Ömer Eymen Kerem Burak Can Deniz Efe Hakan Murat".split(),
        ["", "han", "can", "er"],
        (
            "Yıl Kay Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç "
            "Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Tekin Akın Bulut Erdem Güneş Korkmaz "
            "Ak Al Er Gök Kır Öz Sarı Tun Uçar Yaz Bal Cem Gül Kaya"
        ).split(),
        [
            ("", ""),
            ("maz", "maz"),
            ("oğlu", "oğlu"),
            ("er", "er"),
            ("can", "can"),
            ("türk", "türk"),
        ],
    ),
    "GR": (
        "Μαρ Ελέν Κατερίν Γεωργί Σοφί Αναστασί Δήμητρ Χριστίν Ευαγγελί Βασιλικ Ιωάνν Αγγελικ "
        "Παναγιώτ Θεοδώρ Ζωΐτσ Ειρήν Φωτειν Σταυρούλ".split(),
        ["α", "ούλα", "ίτσα", "ίνα"],
        "Γιώργ Δημήτρ Νίκ Κώστ Γιάνν Παναγιώτ Χρήστ Βασίλ Αθανάσ Μιχάλ Σπύρ Σταύρ Ευάγγελ "
        "Αντών Θανάσ Λευτέρ Μάρ Στέλ".split(),
        ["ος", "ης", "άκης", "ούλης"],
        (
            "Παπαδ Γεωργ Νικολ Οικονόμ Χατζηδ Καραγιανν Βασιλ Ιωανν Κωνσταντιν Δημητρ Αθανασ "
            "Μιχαηλ Πετρ Αλεξ Αντων Σταυρ Χριστοδ Αναστασ Παναγ Μαυρ Κοντ Λαμπρ Μανωλ Ξεν "
            "Ραφαηλ Σπυρ Τσακ Φωτ Ζαχαρ Θεοχαρ Κυριακ Μαργαρ Νταλ Πολυχρον Σαρ Τζαν"
        ).split(),
        [
            ("όπουλος", "οπούλου"),
            ("άκης", "άκη"),
            ("ίδης", "ίδου"),
            ("άτος", "άτου"),
            ("ίου", "ίου"),
            ("έας", "έα"),
        ],
    ),
    "CY": (
        "Ελέν Μαρ Άντρ Χρυσταλλέν Στέλλ Ανδρούλλ Γεωργί Παναγιώτ Κυριακ Σάββ Ευτυχί".split(),
        ["α", "ούλλα", "ίτσα"],
        "Ανδρέ Γιώργ Κυριάκ Μάρι Σάββ Χαράλαμπ Πανίκ Κώστ Λοΐζ Παντελ Χρίστ Μιχάλ".split(),
        ["ας", "ος", "ής"],
        (
            "Ιωάνν Χριστοδούλ Κωνσταντίν Σάββ Χαραλάμπ Γεωργ Νικολά Παπαδ Κυριάκ Λοΐζ Ευαγόρ "
            "Αντων Δημητρ Ηλι Θεοδώρ Μιχαηλ Πέτρ Στυλιαν Φιλίππ Ψαρ Χατζη Αριστείδ Βασιλ"
        ).split(),
        [("ου", "ου"), ("ίδης", "ίδου"), ("", "")],
    ),
}


@dataclass(frozen=True)
class NamePool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    # (male form, female form)
    family: tuple[tuple[str, str], ...]
    # Zipf exponents: with some 1,500 family names, 0.7 gives the commonest about 4 % of the
    # children (Serbia's Јовановић, Greece's Παπαδόπουλος are 1–3 %); given names are fewer
    # and more concentrated.
    given_exponent: float = 0.9
    family_exponent: float = 0.7

    def draw(self, rng: random.Random, sex: str) -> tuple[str, str]:
        givens = self.female if sex == "female" else self.male
        given = givens[_zipf_index(rng, len(givens), self.given_exponent)]
        family = self.family[_zipf_index(rng, len(self.family), self.family_exponent)]
        return given, family[1] if sex == "female" else family[0]


@cache
def _cumulative(size: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, size + 1)))


def _zipf_index(rng: random.Random, size: int, exponent: float) -> int:
    cumulative = _cumulative(size, exponent)
    return min(size - 1, bisect.bisect_left(cumulative, rng.random() * cumulative[-1]))


def _ranked(tiers, rng: random.Random) -> list:
    """Tiers in order (the plain forms before the rarer derived ones), each shuffled, without
    repeats."""
    seen, ranked = set(), []
    for tier in tiers:
        tier = [item for item in dict.fromkeys(tier) if item not in seen]
        rng.shuffle(tier)
        seen.update(tier)
        ranked += tier
    return ranked


@cache
def pool(country: str) -> NamePool:
    """The country's pool, ranked once by a fixed seed: the stems with their first ending
    first, the other endings after, compound family names in the tail."""
    female_stems, female_endings, male_stems, male_endings, family_stems, family_endings = (
        POOL_SPECS[country]
    )
    rng = random.Random(f"names-{country}")
    female = _ranked([[stem + end for stem in female_stems] for end in female_endings], rng)
    male = _ranked([[stem + end for stem in male_stems] for end in male_endings], rng)
    plain = [[(stem + m, stem + f) for stem in family_stems] for m, f in family_endings]
    # A second stem before the first makes the registers' long tail (Παπα-, Χατζη-, Kara-,
    # double-barrelled Slavic names are all real patterns).
    compound = []
    for first, second in itertools.permutations(family_stems, 2):
        m, f = family_endings[len(first + second) % len(family_endings)]
        compound.append((first + second.lower() + m, first + second.lower() + f))
    family = _ranked([*plain, compound], rng)
    return NamePool(tuple(female), tuple(male), tuple(family))
