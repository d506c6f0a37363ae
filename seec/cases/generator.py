"""Realistic, entirely fictional missing-child cases for the demo region and the benchmarks.

Names are written as each country writes them (Greek, Serbian and Macedonian Cyrillic,
Bulgarian, Ukrainian, Latin with the national diacritics); every category, outcome and risk
level occurs in roughly the shares that hotlines report. Pure Python: no database access, so
the benchmarks can stream a million rows from it.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from . import name_pools

# Given names (female, male) and family names (male form, female form) per country.
NAMES = {
    "GR": (
        ["Μαρία", "Ελένη", "Κατερίνα", "Γεωργία", "Σοφία", "Αναστασία", "Δήμητρα", "Χριστίνα"],
        ["Γιώργος", "Δημήτρης", "Νίκος", "Κώστας", "Γιάννης", "Παναγιώτης", "Χρήστος", "Βασίλης"],
        [
            ("Παπαδόπουλος", "Παπαδοπούλου"),
            ("Παπαδάκης", "Παπαδάκη"),
            ("Γεωργίου", "Γεωργίου"),
            ("Οικονόμου", "Οικονόμου"),
            ("Νικολάου", "Νικολάου"),
            ("Χατζηδάκης", "Χατζηδάκη"),
            ("Καραγιάννης", "Καραγιάννη"),
            ("Βασιλείου", "Βασιλείου"),
        ],
    ),
    "CY": (
        ["Ελένη", "Μαρία", "Άντρια", "Χρυσταλλένη", "Στέλλα"],
        ["Ανδρέας", "Γιώργος", "Κυριάκος", "Μάριος", "Σάββας"],
        [
            ("Ιωάννου", "Ιωάννου"),
            ("Χριστοδούλου", "Χριστοδούλου"),
            ("Κωνσταντίνου", "Κωνσταντίνου"),
            ("Σάββα", "Σάββα"),
            ("Χαραλάμπους", "Χαραλάμπους"),
        ],
    ),
    "RS": (
        ["Марија", "Јована", "Милица", "Ана", "Теодора", "Јелена", "Сара"],
        ["Никола", "Лука", "Стефан", "Марко", "Душан", "Ђорђе", "Вук"],
        [
            (n, n)
            for n in [
                "Јовановић",
                "Петровић",
                "Николић",
                "Ђорђевић",
                "Марковић",
                "Илић",
                "Стојановић",
                "Павловић",
                "Милошевић",
            ]
        ],
    ),
    "ME": (
        ["Milica", "Jovana", "Ana", "Teodora", "Nađa"],
        ["Luka", "Marko", "Nikola", "Vuk", "Đorđe"],
        [(n, n) for n in ["Popović", "Vujović", "Radović", "Đukanović", "Vuković", "Bošković"]],
    ),
    "BA": (
        ["Amra", "Lejla", "Ajla", "Emina", "Sara", "Ana"],
        ["Amar", "Adnan", "Haris", "Kenan", "Luka", "Stefan"],
        [
            (n, n)
            for n in ["Hodžić", "Hadžić", "Begić", "Delić", "Kovačević", "Mehmedović", "Šehić"]
        ],
    ),
    "HR": (
        ["Ana", "Lucija", "Petra", "Ivana", "Mia", "Ema"],
        ["Ivan", "Luka", "Marko", "Josip", "Jakov", "Matej"],
        [(n, n) for n in ["Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Novak", "Knežević"]],
    ),
    "SI": (
        ["Nika", "Eva", "Zala", "Lara", "Ema"],
        ["Luka", "Jakob", "Nejc", "Žiga", "Jan"],
        [(n, n) for n in ["Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik"]],
    ),
    "MK": (
        ["Ана", "Марија", "Елена", "Симона", "Мила"],
        ["Стефан", "Александар", "Ѓорѓи", "Никола", "Филип"],
        [
            (n, n)
            for n in ["Стојановски", "Николовски", "Трајковски", "Ѓорѓиев", "Јованов", "Петровски"]
        ],
    ),
    "BG": (
        ["Мария", "Виктория", "Никол", "Йоана", "Габриела"],
        ["Георги", "Александър", "Димитър", "Никола", "Иван"],
        [
            ("Иванов", "Иванова"),
            ("Георгиев", "Георгиева"),
            ("Димитров", "Димитрова"),
            ("Петров", "Петрова"),
            ("Стоянов", "Стоянова"),
            ("Николов", "Николова"),
        ],
    ),
    "UA": (
        ["Анастасія", "Марія", "Софія", "Олена", "Юлія", "Дарина"],
        ["Олександр", "Андрій", "Дмитро", "Максим", "Іван", "Богдан"],
        [
            (n, n)
            for n in [
                "Шевченко",
                "Коваленко",
                "Бондаренко",
                "Ткаченко",
                "Кравченко",
                "Мельник",
                "Ковальчук",
                "Олійник",
            ]
        ],
    ),
    "RO": (
        ["Ioana", "Maria", "Andreea", "Elena", "Ana"],
        ["Andrei", "Ștefan", "Alexandru", "Mihai", "Ionuț"],
        [(n, n) for n in ["Popescu", "Ionescu", "Popa", "Rădulescu", "Stoica", "Dumitrescu"]],
    ),
    "MD": (
        ["Ana", "Daniela", "Cristina", "Mihaela", "Victoria"],
        ["Ion", "Vasile", "Nicolae", "Andrei", "Mihai"],
        [(n, n) for n in ["Rusu", "Ceban", "Ciobanu", "Țurcanu", "Lungu", "Cojocaru"]],
    ),
    "AL": (
        ["Ana", "Sara", "Klea", "Amelia", "Ajla", "Erla"],
        ["Ardit", "Arlind", "Erion", "Kristi", "Luan", "Besart"],
        [(n, n) for n in ["Hoxha", "Shehu", "Gjoka", "Dervishi", "Leka", "Kola", "Çela"]],
    ),
    "TR": (
        ["Zeynep", "Elif", "Ayşe", "Defne", "Eylül"],
        ["Yusuf", "Mustafa", "Emir", "Ömer", "Çınar"],
        [(n, n) for n in ["Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Öztürk", "Aydın"]],
    ),
}

PLACES = {
    "GR": [
        ("Athens, Omonia", 37.984, 23.728),
        ("Thessaloniki, Aristotelous", 40.632, 22.941),
        ("Patras, port", 38.246, 21.735),
    ],
    "CY": [("Nicosia", 35.173, 33.365), ("Limassol", 34.684, 33.037)],
    "RS": [
        ("Београд, Земун", 44.843, 20.401),
        ("Нови Сад", 45.251, 19.837),
        ("Ниш", 43.320, 21.896),
    ],
    "ME": [("Podgorica", 42.441, 19.263), ("Budva", 42.286, 18.840)],
    "BA": [
        ("Sarajevo, Baščaršija", 43.859, 18.431),
        ("Mostar", 43.343, 17.808),
        ("Banja Luka", 44.772, 17.191),
    ],
    "HR": [
        ("Zagreb, Glavni kolodvor", 45.805, 15.978),
        ("Split", 43.508, 16.440),
        ("Rijeka", 45.327, 14.442),
    ],
    "SI": [("Ljubljana", 46.056, 14.506), ("Maribor", 46.554, 15.646)],
    "MK": [("Скопје", 41.998, 21.425), ("Битола", 41.031, 21.335)],
    "BG": [("София", 42.698, 23.322), ("Пловдив", 42.144, 24.750), ("Варна", 43.214, 27.915)],
    "UA": [("Київ", 50.450, 30.523), ("Львів", 49.839, 24.030), ("Одеса", 46.482, 30.723)],
    "RO": [
        ("București, Gara de Nord", 44.447, 26.074),
        ("Cluj-Napoca", 46.771, 23.624),
        ("Iași", 47.158, 27.601),
    ],
    "MD": [("Chișinău", 47.011, 28.863), ("Bălți", 47.762, 27.929)],
    "AL": [("Tiranë", 41.328, 19.818), ("Durrës", 41.323, 19.441), ("Shkodër", 42.068, 19.512)],
    "TR": [
        ("İstanbul, Esenler", 41.043, 28.876),
        ("Ankara", 39.933, 32.860),
        ("Edirne", 41.677, 26.556),
    ],
}

NEIGHBOURS = {
    "GR": ["AL", "MK", "BG", "TR"], "CY": ["GR", "TR"], "RS": ["HR", "BA", "ME", "MK", "BG", "RO"],
    "ME": ["RS", "BA", "AL", "HR"], "BA": ["HR", "RS", "ME"], "HR": ["SI", "BA", "RS"],
    "SI": ["HR"], "MK": ["RS", "AL", "GR", "BG"], "BG": ["RO", "RS", "MK", "GR", "TR"],
    "UA": ["MD", "RO"], "RO": ["MD", "UA", "BG", "RS"], "MD": ["RO", "UA"],
    "AL": ["GR", "ME", "MK"], "TR": ["GR", "BG"],
}  # fmt: skip

# Shares of the five categories, as hotlines report them (runaways dominate).
CATEGORY_WEIGHTS = {
    "runaway": 60, "parental_abduction": 20, "lost_injured": 10, "migrant": 8,
    "criminal_abduction": 2,
}  # fmt: skip
FOUND_HOW_WEIGHTS = {
    "returned_alone": 45, "by_police": 25, "by_family": 18, "by_public": 8,
    "after_public_alert": 2, "other": 2,
}  # fmt: skip
HAIR = ["dark brown", "black", "light brown", "blond", "red"]
EYES = ["brown", "dark brown", "green", "blue", "hazel"]
BUILD = ["slim", "medium", "stocky"]
CLOTHES = [
    "blue jeans, white trainers, black hooded jacket",
    "grey tracksuit, red backpack",
    "school uniform, navy coat",
    "pink jacket, black leggings",
    "green parka, dark trousers",
]


@dataclass
class GeneratedCase:
    country: str
    fields: dict
    # What happens after opening: None (still missing) or the found/closed facts.
    found: dict | None = None
    closed: dict | None = None
    risk: dict | None = None
    contacts: list = field(default_factory=list)


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate_case(
    rng: random.Random, country: str, now: datetime, years: int = 4, *, long_tail: bool = False
) -> GeneratedCase:
    sex = rng.choice(["female", "male"])
    if long_tail:  # a registry's thousands of names, Zipf-distributed (benchmarks)
        given, family = name_pools.pool(country).draw(rng, sex)
    else:  # the few familiar names of the demo
        given_f, given_m, families = NAMES[country]
        given = rng.choice(given_f if sex == "female" else given_m)
        male_family, female_family = rng.choice(families)
        family = female_family if sex == "female" else male_family
    category = _weighted(rng, CATEGORY_WEIGHTS)
    age = rng.choices(
        range(1, 18), weights=[1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 6, 8, 10, 12, 12, 10, 8]
    )[0]
    if category == "runaway":
        age = max(age, 11)
    last_seen = now - timedelta(minutes=rng.randint(30, years * 365 * 24 * 60))
    born = (last_seen - timedelta(days=age * 365 + rng.randint(0, 364))).date()
    known_dob = rng.random() < 0.85
    place, lat, lon = rng.choice(PLACES[country])
    crosses = category in ("parental_abduction", "migrant") and rng.random() < 0.5
    subcategory = ""
    if category == "runaway" and rng.random() < 0.15:
        subcategory = "thrown_out"
    elif category == "parental_abduction":
        subcategory = "international" if crosses else "national"
    fields = {
        "given_names": given,
        "family_name": family,
        "sex": sex,
        "date_of_birth": born if known_dob else None,
        "age_estimate": None if known_dob else age,
        "nationality_id": country
        if category != "migrant"
        else rng.choice(["SY", "AF", "IQ", "PK"]),
        "height_cm": min(185, 70 + age * 6 + rng.randint(-8, 8)),
        "build": rng.choice(BUILD),
        "hair": rng.choice(HAIR),
        "eyes": rng.choice(EYES),
        "clothing": rng.choice(CLOTHES),
        "category": category,
        "subcategory": subcategory,
        "last_seen_at": last_seen,
        "last_seen_place": place,
        "last_seen_lat": Decimal(f"{lat + rng.uniform(-0.02, 0.02):.6f}"),
        "last_seen_lon": Decimal(f"{lon + rng.uniform(-0.02, 0.02):.6f}"),
        "circumstances": "",
        "may_cross_border": crosses,
        "heading_to_id": rng.choice(NEIGHBOURS[country]) if crosses else None,
    }
    case = GeneratedCase(country=country, fields=fields)
    danger = category == "criminal_abduction" or rng.random() < 0.1
    case.risk = {
        "factors": {
            "vulnerable": rng.random() < 0.1,
            "medical_need": rng.random() < 0.05,
            "danger_signs": danger,
            "previous_episodes": category == "runaway" and rng.random() < 0.3,
            "suspected_exploitation": rng.random() < 0.04,
            "suspected_trafficking": category == "migrant" and rng.random() < 0.1,
        },
        "rationale": "Assessed at intake from the reporter's account.",
    }
    # Most children are found, and soon; some are still missing (older cases more rarely).
    elapsed = now - last_seen
    still_missing = rng.random() < (0.5 if elapsed < timedelta(days=2) else 0.08)
    if not still_missing:
        hours = rng.choice(
            [rng.uniform(1, 24)] * 6
            + [rng.uniform(24, 168)] * 3
            + [rng.uniform(168, 672)] * 1
            + [rng.uniform(672, 2000)] * 1
        )
        found_at = min(now - timedelta(minutes=5), last_seen + timedelta(hours=hours))
        outcome = rng.choices(["found_safe", "found_harmed", "found_deceased"], [95, 4.5, 0.5])[0]
        case.found = {
            "found_at": found_at,
            "found_how": _weighted(rng, FOUND_HOW_WEIGHTS),
            "outcome": outcome,
        }
        if rng.random() < 0.8:
            case.closed = {"reason": ""}
    reporter = rng.choice(["parent", "relative", "professional", "police"])
    case.contacts.append(
        {
            "channel": rng.choices(["call", "email", "chat", "walk_in"], [80, 8, 8, 4])[0],
            "subject": "new_disappearance",
            "caller_relation": reporter,
            "started_at": min(
                now - timedelta(minutes=1), last_seen + timedelta(hours=rng.uniform(0.5, 12))
            ),
        }
    )
    return case


def generate(
    count: int,
    *,
    seed: int = 116000,
    countries=None,
    now: datetime | None = None,
    years: int = 4,
    long_tail: bool = False,
):
    """`count` cases spread over the countries (by default all 14), over the last `years`.

    `long_tail`: names drawn from each country's thousands (seec/cases/name_pools.py) with a
    registry's Zipf-like frequencies, as benchmarks need; otherwise the demo's few familiar
    names per country (every demo user recognises Марија Јовановић)."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    countries = list(countries or NAMES)
    for _ in range(count):
        yield generate_case(rng, rng.choice(countries), now, years, long_tail=long_tail)
