"""Records of children, from any source, in the one shape the linkage model compares.

A name is kept as every plausible Latin form of it (each Cyrillic and Greek convention, the
regional spellings of Latin letters: seec.cases.names), because transliterators disagree and
the best pair of forms is the fair comparison; and as a phonetic key that the region's
spellings of one name share, for blocking. Dates are ISO strings (Splink's date comparisons
take them so), and a birth year is derived from an age estimate where no date is known.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from seec.cases import names
from seec.transliteration import diminutives

MAX_FORMS = 6


@dataclass(frozen=True)
class PersonRecord:
    """One record about a child, from a case, another country's case or a partner's list."""

    record_id: str
    source: str  # which list: "GR" (Greece's cases), "upload:12", "a" …
    given_name: str = ""
    family_name: str = ""
    other_names: str = ""
    sex: str = ""  # "female", "male" or unknown
    date_of_birth: date | None = None
    dob_estimated: bool = False  # a guessed date (from an age, say): only its year counts
    age_estimate: int | None = None
    nationality: str = ""
    latitude: float | None = None
    longitude: float | None = None
    event_date: date | None = None  # last seen, or registered
    country: str = ""
    address: str = ""  # home address, or where registered
    document_number: str = ""  # identity or travel document, where a list has one
    cluster: str = ""  # the true child: known in labelled (synthetic) data only


def _forms(name: str) -> list[str]:
    return sorted(names.latin_forms(name))[:MAX_FORMS] if name else []


def _token_forms(forms: list[str]) -> list[str]:
    """A name's forms, and for a name of several (Petrović Jovanović, Papa Kyriakou, Ana
    Maria, Besjana Orges with the father's name) each of its names alone and the whole run
    together: agencies drop one of two family names or a second given name, add a father's
    name, and write a compound name as one word or two, so names are compared token by
    token. (The phonetic key stays the whole name's first token, for blocking.)"""
    extra = []
    for form in forms:
        tokens = form.split()
        if len(tokens) > 1:
            extra.extend([*tokens, "".join(tokens)])
    return forms + sorted({t for t in extra if len(t) > 1} - set(forms))


@lru_cache(maxsize=65536)
def _diminutives(name: str) -> tuple[str, ...]:
    """The full names and pet forms a given name may stand for, by the region's diminutive
    lists (seec.transliteration.diminutives), each of its names looked up alone."""
    found: set[str] = set()
    for token in name.replace("-", " ").split():
        found |= diminutives.related(token)
    return tuple(sorted(found))


def _keys(forms: list[str]) -> list[str] | None:
    """The phonetic keys of every form's first token, smallest first: one name written in
    two scripts may have no form in common (Γιουσι and Yusi) and still share a key. The
    smallest is the name's key for blocking, so that two spellings which share a key agree
    on which one."""
    keys = {names.phonetic_key(form.split()[0]) for form in forms if form}
    keys.discard("")
    return sorted(keys) or None


# The consonant skeleton of a name: how it sounds in any of the region's scripts, coarser
# than the phonetic key (seec.cases.names), which keeps what tells names apart in one
# country's spelling. Across scripts the affricates are written every way (Çınar, Τσιναρ;
# Đorđević, Τζορτζεβιτς; Gjoni, Τζονι), the vowels most of all (Cătălina, Кетеліна;
# Yücel, Γιουτζελ), and Greek writes d and b as ντ and μπ (Ndreu, Ντρέου). So: every
# affricate is one sound; nt, nd, mp, mb are d and b; vowels are dropped after the first
# letter; c before a back vowel or a consonant is also read as k, and j as zh (Romanian
# Latin: Cojocaru, Кожокару). A name has a set of skeletons; two names sound alike when
# their sets meet.
_SKELETON_SPELLINGS = {
    "tsch": "C", "dzh": "C", "tsh": "C", "tch": "C", "dsh": "C", "ch": "C", "cz": "C",
    "ts": "C", "tz": "C", "dz": "C", "dj": "C", "gj": "C", "xh": "C", "c": "C", "q": "C",
    "ck": "k", "sh": "s", "zh": "z", "kh": "h", "gh": "g", "ph": "f", "th": "t",
    "nt": "d", "nd": "d", "mp": "b", "mb": "b", "gk": "g", "gg": "g", "w": "v", "x": "ks",
    "j": "i", "y": "i",
}  # fmt: skip
_SKELETON_RE = re.compile("|".join(sorted(_SKELETON_SPELLINGS, key=len, reverse=True)))
_HARD_C = re.compile(r"c(?=[aouklmnrt]|$)")
_VOWEL_RUN = re.compile("[aeiou]+")
_LETTER_RUN = re.compile(r"(.)\1+")


def _skeleton(word: str) -> str:
    sounds = _SKELETON_RE.sub(lambda m: _SKELETON_SPELLINGS[m.group()], word)
    head = "A" if sounds[0] in "aeiou" else ""
    return _LETTER_RUN.sub(r"\1", head + _VOWEL_RUN.sub("", sounds))


def _skeletons(forms: list[str]) -> list[str] | None:
    words = {form.split()[0] for form in forms if form.strip()}
    words |= {_HARD_C.sub("k", word).replace("j", "zh") for word in words if "c" in word}
    return sorted({_skeleton(word) for word in words}) or None


def name_skeletons(name: str) -> list[str] | None:
    return _skeletons(_forms(name))


def _birth_year(record: PersonRecord) -> int | None:
    if record.date_of_birth:
        return record.date_of_birth.year
    if record.age_estimate is not None and record.event_date:
        return record.event_date.year - record.age_estimate
    return None


def _document(number: str) -> str | None:
    """Letters and digits only, upper case: documents are written with and without spaces."""
    return "".join(ch for ch in number.upper() if ch.isalnum()) or None


# Names repeat across a run's records (a million records hold far fewer distinct names), and
# a name's forms, keys and skeletons depend on the name alone: each is worked out once. (At a
# million records working them out record by record took over a minute.) Bounded: a run of
# mostly distinct spellings costs what it did, a few hundred MB at most.
_NAMES_CACHED = 200_000


@lru_cache(maxsize=_NAMES_CACHED)
def _name(name: str) -> tuple[tuple[str, ...], tuple[str, ...] | None, tuple | None]:
    """A name's forms token by token, the keys of its whole forms and the skeletons of its
    token forms."""
    whole = _forms(name)
    tokens = _token_forms(whole)
    keys = _keys(whole)
    skeletons = _skeletons(tokens)
    return (
        tuple(tokens),
        tuple(keys) if keys else None,
        tuple(skeletons) if skeletons else None,
    )


@lru_cache(maxsize=_NAMES_CACHED)
def _nicknames(other_names: str, given_name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The forms of a record's other names, and the keys of those and of the given name's
    listed diminutives (seec.transliteration.diminutives: Гошо is Георги)."""
    nicknames = [form for other in other_names.split(",") for form in _forms(other)]
    listed = [form for name in _diminutives(given_name) for form in _forms(name)]
    keys = sorted(set(_keys(nicknames) or ()) | set(_keys(listed) or ()))
    return tuple(nicknames), tuple(keys)


def _list(items) -> list | None:
    return list(items) if items else None


def linkage_row(record: PersonRecord) -> dict:
    given, given_keys, given_skeletons = _name(record.given_name)
    family, family_keys, family_skeletons = _name(record.family_name)
    nicknames, nickname_keys = _nicknames(record.other_names, record.given_name)
    return {
        "unique_id": record.record_id,
        "given_forms": _list(given),
        "other_forms": _list(given + nicknames),
        "family_forms": _list(family),
        "given_key": given_keys[0] if given_keys else None,
        "given_keys": _list(given_keys),
        # The listed nicknames' keys; a run adds those its records teach it (aliases.py).
        "nickname_keys": _list(nickname_keys),
        "family_key": family_keys[0] if family_keys else None,
        # Which alphabet the names were written in: a pair whose names agree only in their
        # skeletons is one name transcribed if the alphabets differ, often two names if not.
        "script": names.script_of(record.given_name + record.family_name),
        "given_skeletons": _list(given_skeletons),
        "family_skeletons": _list(family_skeletons),
        "dob": record.date_of_birth.isoformat() if record.date_of_birth else None,
        "dob_exact": bool(record.date_of_birth) and not record.dob_estimated,
        "birth_year": _birth_year(record),
        "sex": record.sex if record.sex in ("female", "male") else None,
        "nationality": record.nationality or None,
        "latitude": record.latitude,
        "longitude": record.longitude,
        "event_date": record.event_date.isoformat() if record.event_date else None,
        "country": record.country or None,
        # One convention is enough for an address: it is compared by its words, not keys.
        # Digits stay: a house number or a postcode is the most telling part of it.
        "address": names.normalise_latin(
            names.transliterate(record.address, "ru"), keep_digits=True
        )
        or None,
        "document_number": _document(record.document_number),
        "cluster": record.cluster or None,
    }


def linkage_rows(records: Iterable[PersonRecord]) -> list[dict]:
    return [linkage_row(record) for record in records]


def from_generated(row: dict) -> PersonRecord:
    """A labelled record of the region's generator (generator.py): its entity is the cluster."""
    return PersonRecord(
        record_id=str(row["record_id"]),
        source=str(row.get("source") or ""),
        given_name=row.get("given_name") or "",
        family_name=row.get("family_name") or "",
        other_names=row.get("other_names") or "",
        sex=row.get("sex") or "",
        date_of_birth=row.get("date_of_birth"),
        dob_estimated=bool(row.get("dob_estimated")),
        age_estimate=row.get("age_estimate"),
        nationality=row.get("nationality") or "",
        latitude=row.get("latitude"),
        longitude=row.get("longitude"),
        event_date=row.get("event_date"),
        country=row.get("country") or "",
        cluster=str(row["entity_id"]),
    )


def from_partner_record(record) -> PersonRecord:
    """A row of a partner's list (models.PartnerRecord): its id is "r" and the row's key, so
    that a pair of a case and a row says which side is which."""
    return PersonRecord(
        record_id=f"r{record.pk}",
        source=f"upload:{record.partner_list_id}",
        given_name=record.given_name,
        family_name=record.family_name,
        other_names=record.other_names,
        sex=record.sex,
        date_of_birth=record.date_of_birth,
        dob_estimated=record.dob_estimated,
        age_estimate=record.age_estimate,
        nationality=record.nationality_id or "",
        latitude=float(record.latitude) if record.latitude is not None else None,
        longitude=float(record.longitude) if record.longitude is not None else None,
        event_date=record.event_date,
        country=record.partner_list.country_id,
        address=record.place,
        document_number=record.document_number,
    )
