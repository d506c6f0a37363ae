"""What happens to a record between a child's own country and the agency that finds them.

Each kind of noise has its rate, applied to the second record of a child among the records
it can apply to (a diminutive only where the name has one, a dropped second family name only
where there are two). Rates are here and in the README; every applied kind is written down on
the record, so that a test can check each rate and a reader can pick the records of one kind.
"""

import random
import unicodedata
from datetime import date, timedelta

# Of the second records (written by another country's agency).
RATES = {
    "typo": 0.20,  # one keyboard-adjacent letter, a deleted letter or two letters swapped
    "missing_birth_date": 0.08,  # the agency knows an age only
    "shifted_birth_date": 0.12,  # of those with a date: day/month swapped, year ±1, 1 January
    "swapped_names": 0.05,  # given name written as the family name and back
    "diminutive": 0.15,  # of those whose given name has a hypocorism in the list
    "dropped_second_family_name": 0.5,  # of those with two family names
    "dropped_diacritic": 0.15,  # of those written with a letter that has one
    "merged_split_tokens": 0.30,  # of those with a two-word given name or a compound family name
    "masculine_family_form": 0.20,  # of girls whose family name has a feminine form
    "father_name_as_middle": 0.35,  # of Albanian children: the father's name after the given
    "missing_sex": 0.03,
}
# Of the first records (the child's own country): fewer and lighter.
FIRST_RATES = {
    "typo": 0.03,
    "father_name_as_middle": 0.5,
    "also_known_as": 0.10,  # of those with a hypocorism: written in other_names
}

_LAYOUTS = (
    ("qwertyuiop", "asdfghjkl", "zxcvbnm"),  # Latin (also the German and Turkish basics)
    ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),  # Russian ЙЦУКЕН
    ("йцукенгшщзхї", "фівапролджє", "ячсмитьбю"),  # Ukrainian
    ("љњертзуиопшђ", "асдфгхјклчћ", "ѕџцвбнм"),  # Serbian
    ("љњертѕуиопшѓ", "асдфгхјклчќ", "зџцвбнм"),  # Macedonian
    ("явертъуиопчш", "асдфгхйклщ", "зьцжбнм"),  # Bulgarian phonetic
    ("ςερτυθιοπ", "ασδφγηξκλ", "ζχψωβνμ"),  # Greek
)


def _neighbours() -> dict[str, str]:
    near: dict[str, set[str]] = {}
    for layout in _LAYOUTS:
        for row in layout:
            for i, ch in enumerate(row):
                near.setdefault(ch, set()).update(row[max(0, i - 1) : i] + row[i + 1 : i + 2])
    return {ch: "".join(sorted(others)) for ch, others in near.items()}


NEIGHBOURS = _neighbours()


def typo(word: str, rng: random.Random) -> tuple[str, str]:
    """One typing slip in a name of three letters or more: (the word, which slip)."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(letters) < 3:
        return word, ""
    kind = rng.choice(("adjacent", "deletion", "transposition"))
    i = rng.choice(letters[1:])  # the first letter is the one a clerk checks
    ch = word[i]
    if kind == "adjacent" and ch.lower() in NEIGHBOURS:
        other = rng.choice(NEIGHBOURS[ch.lower()])
        return word[:i] + (other.upper() if ch.isupper() else other) + word[i + 1 :], kind
    if kind == "transposition" and word[i + 1 : i + 2].isalpha() and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :], kind
    return word[:i] + word[i + 1 :], "deletion"


_UNDECOMPOSABLE = {"đ": "d", "Đ": "D", "ı": "i", "ł": "l"}  # marked letters NFD cannot split


def _marked(ch: str) -> bool:
    return ch in _UNDECOMPOSABLE or (ch.isalpha() and unicodedata.normalize("NFD", ch) != ch)


def drop_one_diacritic(text: str, rng: random.Random) -> str:
    """One letter loses its mark (š to s, ë to e, й to и): a keyboard without it, once."""
    marked = [i for i, ch in enumerate(text) if _marked(ch)]
    if not marked:
        return text
    i = rng.choice(marked)
    ch = text[i]
    plain = _UNDECOMPOSABLE.get(ch) or unicodedata.normalize("NFD", ch)[0]
    return text[:i] + plain + text[i + 1 :]


def has_diacritic(text: str) -> bool:
    return any(_marked(ch) for ch in text)


def shift_birth_date(dob: date, event: date, rng: random.Random) -> tuple[date, bool, str]:
    """(the date written, whether it is a guess, which shift)."""
    kinds = ["year"]
    if dob.day <= 12 and dob.day != dob.month:
        kinds.append("day_month_swap")
    kinds.append("estimated_1_january")
    kind = rng.choice(kinds)
    if kind == "day_month_swap":
        return date(dob.year, dob.day, dob.month), False, kind
    if kind == "year":
        year = dob.year + rng.choice((-1, 1))
        return _safe_date(year, dob.month, dob.day), False, kind
    # The age was estimated (from the child's look or word) and 1 January of that year written.
    age = max(0, (event - dob).days // 365 + rng.choice((-1, 0, 0, 1)))
    return date(event.year - age, 1, 1), True, kind


def _safe_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February in a common year
        return date(year, month, day - 1)


def age_at(dob: date, when: date) -> int:
    return when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))


def later(event: date, rng: random.Random, max_days: int = 730) -> date:
    """The second record's date: 1 day to 2 years after the first, most within months
    (log-uniform in days)."""
    days = round(2 ** rng.uniform(0, max_days.bit_length() - 0.5))
    return event + timedelta(days=max(1, min(max_days, days)))
