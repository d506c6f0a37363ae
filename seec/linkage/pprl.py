"""Privacy-preserving record linkage: keyed Bloom-filter encodings of children's records.

Two centres (or a centre and a migration authority) that share a secret key under an
agreement find candidate matches without handing each other names:

1. Each encodes its records locally (`encode`): every linkage field is broken into features
   (character bigrams of the names' normalised Latin forms and of their phonetic keys, from
   seec.cases.names, so that Ђорђевић, Đorđević and Djordjevic give nearly the same
   features; the birth date whole, with day and month in either order, the days around it,
   its year and the years either side; sex; nationality; the grid cells around the place
   and the periods around the date last seen). Each feature is hashed with HMAC-SHA256
   under a key derived from the agreement's key and the field, and set in the field's own
   Bloom filter; a record's filters make one bit array.
2. They exchange only the encodings (`Encodings.to_bytes`): record ids, bit arrays and keyed
   blocking tokens, with the schema and a fingerprint of the key (never the key).
3. Either compares them (`match`): candidate pairs come from blocking (keyed sex and year of
   birth ±1, and MinHash LSH over the set bits, so that a wrong or missing year is still
   caught by the name). Each candidate is scored Fellegi–Sunter style: per comparison (given
   name, family name, birth date, sex, nationality, place, date last seen) the Dice
   coefficients of the filters put the pair at a level (the same, alike, a nickname or
   swapped, …, different, or unknown), each level weighs log2(m/u), and the weights add up
   to a match probability — the same scale as the plain-text model's (`learn`).

A file encoded under another key or another schema is refused with every problem listed
(`EncodingRefused`), so that two centres never compare bits that mean different things.
Standard library and numpy only: the clkhash/anonlink pair is unmaintained and pins an old
`cryptography`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import random
import struct
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from django.utils.translation import gettext

from seec.cases import names
from seec.linkage.records import name_skeletons

FORMAT = "seec-pprl"
FORMAT_VERSION = 1
_MAGIC = b"SEECPPRL"
_FINGERPRINT_LABEL = b"seec-pprl key fingerprint v1"

# Kinds of field: how a record's values are broken into features.
NAME = "name"  # bigrams of a name's Latin forms and of their phonetic keys
BIRTH_YEAR = "birth_year"  # the year of birth and the years either side
BIRTH_DATE = "birth_date"  # the whole date of birth (not a guessed one)
BIRTH_DATE_UNORDERED = "birth_date_unordered"  # the year with day and month in either order
BIRTH_DATE_NEAR = "birth_date_near"  # the days around the date of birth
BIRTHDAY = "birthday"  # day and month without the year
BIRTHDAY_NEAR = "birthday_near"  # the month with the days around, and day and month swapped
CATEGORY = "category"  # the value itself: sex, nationality
SCRIPT = "script"  # the alphabet the names are written in
CHARACTERS = "characters"  # bigrams of the letters and digits as written: a document number
GRID = "grid"  # the cell of a place (latitude, longitude) and its eight neighbours
DATE_WINDOW = "date_window"  # the period of a date and the periods either side

# Within this many days a date of birth is a typo of another (plain text: three either way).
NEAR_DAYS = 3
# Periods either side of a date's period (DATE_WINDOW): five periods in all.
WINDOW_PERIODS = 2


@dataclass(frozen=True)
class Field:
    """One linkage field: the record keys it reads, how it is broken into features, and its
    own Bloom filter (`bits`, a multiple of 8, and `hashes` bits set per feature).

    Fields with the same `hash_key` hash a feature to the same bits of their filters, so that
    one's filter can be compared with another's: a given name with the other record's
    family name (swapped) or with its other names (a nickname). `unit` is the size of a grid
    cell in degrees (GRID) or of a period in days (DATE_WINDOW)."""

    name: str
    kind: str
    sources: tuple[str, ...]
    bits: int
    hashes: int
    hash_key: str = ""
    unit: float = 0

    @property
    def key_label(self) -> str:
        return self.hash_key or self.name


@dataclass(frozen=True)
class Condition:
    """Holds when the best Dice coefficient over `pairs` (a field of one record, a field of
    the other) is at least `at_least`. A Dice coefficient exists only where both filters are
    set, so `at_least=0` means "both records have it"."""

    pairs: tuple[tuple[str, str], ...]
    at_least: float


@dataclass(frozen=True)
class Level:
    """A level holds when all its conditions do. A `neutral` level sends the pair to the
    null level: its evidence is counted by another comparison already."""

    label: str
    conditions: tuple[Condition, ...]
    neutral: bool = False


@dataclass(frozen=True)
class Comparison:
    """How two records compare on one thing (a name, the birth date, the place): levels from
    the strongest evidence down, the first that holds; none holding is the last level
    ("different"); a record lacking any of `needs` leaves the pair at the null level, which
    neither helps nor hurts. Each level gets a match weight log2(m/u), learnt (`learn`)."""

    name: str
    needs: tuple[str, ...]
    levels: tuple[Level, ...]

    @property
    def size(self) -> int:
        return len(self.levels) + 1  # and "different"

    def fields(self) -> set[tuple[str, str]]:
        return {pair for level in self.levels for c in level.conditions for pair in c.pairs}


def dice_levels(name: str, field_name: str, thresholds: tuple[float, ...]) -> Comparison:
    """A comparison of one field with itself, at Dice thresholds from the highest down."""
    pair = ((field_name, field_name),)
    return Comparison(
        name,
        (field_name,),
        tuple(Level(f"dice >= {t}", (Condition(pair, t),)) for t in thresholds),
    )


def _same(field_name: str, at_least: float) -> Condition:
    return Condition(((field_name, field_name),), at_least)


def name_comparison(
    name: str, field_name: str, swapped: str, others: str | None = None, counts_swap=True
) -> Comparison:
    """A name: alike by Dice; or given and family names swapped (each alike the other
    record's other name: one name alike another's is no swap, Георгиев and Георги); or, for a
    given name, found among the other record's other names (a nickname). A swap is one piece
    of evidence about both names: one comparison counts it, the other (`counts_swap` false)
    leaves the pair at its null level."""
    swap = (
        Condition(((field_name, swapped), (swapped, field_name)), 0.75),
        Condition(((field_name, swapped),), 0.45),
        Condition(((swapped, field_name),), 0.45),
    )
    one_script = _same("script", 0.99)
    levels = [
        Level("same", (_same(field_name, 0.9),)),
        Level("alike, one script", (_same(field_name, 0.75), one_script)),
        Level("alike", (_same(field_name, 0.75),)),
        Level("swapped", swap, neutral=not counts_swap),
    ]
    if others:
        nickname = Condition(((field_name, others), (others, field_name)), 0.8)
        levels.append(Level("nickname", (nickname,)))
    levels.append(Level("somewhat alike, one script", (_same(field_name, 0.55), one_script)))
    levels.append(Level("somewhat alike", (_same(field_name, 0.55),)))
    return Comparison(name, (field_name,), tuple(levels))


BIRTH_DATE_COMPARISON = Comparison(
    "birth_date",
    ("birth_year",),
    (
        Level("same date", (_same("birth_date", 0.99),)),
        Level("day and month swapped", (_same("birth_date_unordered", 0.99),)),
        # How birth dates are mistyped: a few days off, or the year off by one on the same day.
        Level("a few days apart", (_same("birth_date_near", 0.3),)),
        Level("a year apart", (_same("birthday", 0.99), _same("birth_year", 0.6))),
        Level("two typos apart", (_same("birthday_near", 0.1), _same("birth_year", 0.6))),
        # Two dates both known for sure, and not one typo apart: two different children.
        Level("different known dates", (_same("birth_date", 0),)),
        Level("±1 year", (_same("birth_year", 0.6),)),
        Level("±2 years", (_same("birth_year", 0.3),)),
    ),
)


def _default_fields() -> tuple[Field, ...]:
    return (
        # Given, family and other names each in a filter of their own, hashed alike: a swap
        # or a nickname is found by comparing one's given name with the other's family or
        # other names, and siblings (one family name, different given names) stay apart.
        Field("given_name", NAME, ("given_name",), bits=1024, hashes=6, hash_key="name"),
        Field("family_name", NAME, ("family_name",), bits=1024, hashes=6, hash_key="name"),
        Field("other_names", NAME, ("other_names",), bits=1024, hashes=6, hash_key="name"),
        # The alphabet of the names: a pair of names alike only so far is one name
        # transcribed if the alphabets differ, often two names if not.
        Field("script", SCRIPT, ("given_name", "family_name"), bits=32, hashes=4),
        # Filters big enough that features in common, not chance, make their Dice: a year
        # has three features, and 18 bits of 64 would share five by chance.
        Field("birth_year", BIRTH_YEAR, ("date_of_birth",), bits=256, hashes=4),
        Field("birth_date", BIRTH_DATE, ("date_of_birth",), bits=64, hashes=8),
        Field("birth_date_unordered", BIRTH_DATE_UNORDERED, ("date_of_birth",), 64, 8),
        Field("birth_date_near", BIRTH_DATE_NEAR, ("date_of_birth",), bits=512, hashes=4),
        Field("birthday", BIRTHDAY, ("date_of_birth",), bits=64, hashes=8),
        Field("birthday_near", BIRTHDAY_NEAR, ("date_of_birth",), bits=256, hashes=4),
        Field("sex", CATEGORY, ("sex",), bits=32, hashes=4),
        Field("nationality", CATEGORY, ("nationality",), bits=64, hashes=6),
        # Where last seen or registered: cells of 0.2° (some 20 km) and of 2°.
        Field("place", GRID, ("latitude", "longitude"), bits=512, hashes=3, unit=0.2),
        Field("region", GRID, ("latitude", "longitude"), bits=512, hashes=3, unit=2.0),
        # When last seen or registered: periods of 15 days, two either side; and of 60 days,
        # for dates some months apart (a child's journey), told apart from further ones.
        Field("event_date", DATE_WINDOW, ("event_date",), bits=256, hashes=4, unit=15),
        Field("event_season", DATE_WINDOW, ("event_date",), bits=256, hashes=4, unit=60),
    )


def _default_comparisons() -> tuple[Comparison, ...]:
    return (
        name_comparison("given_name", "given_name", "family_name", "other_names"),
        name_comparison("family_name", "family_name", "given_name", counts_swap=False),
        BIRTH_DATE_COMPARISON,
        dice_levels("sex", "sex", (0.99,)),
        dice_levels("nationality", "nationality", (0.99,)),
        Comparison(
            "place",
            ("place",),
            (
                Level("same place", (_same("place", 0.95),)),
                Level("near", (_same("place", 0.3),)),
                Level("same region", (_same("region", 0.3),)),
            ),
        ),
        Comparison(
            "event_date",
            ("event_date",),
            (
                Level("same fortnight", (_same("event_date", 0.9),)),
                Level("within a month", (_same("event_date", 0.7),)),
                Level("within two months", (_same("event_date", 0.3),)),
                Level("within four months", (_same("event_season", 0.5),)),
                Level("within a year", (_same("event_season", 0.1),)),
            ),
        ),
    )


@dataclass(frozen=True)
class Schema:
    """What the two parties agree on besides the key. Both must use the same schema: a file
    encoded under another one is refused."""

    # A filter per field (field-level Bloom filters, concatenated in one row).
    fields: tuple[Field, ...] = field(default_factory=_default_fields)
    # How a pair is scored: each party's own business (the file carries no comparison), so
    # they are not part of what must agree; the fields they read must be in `fields`.
    comparisons: tuple[Comparison, ...] = field(default_factory=_default_comparisons)
    version: int = 3
    # Blocking, two ways: (1) the same sex and year of birth (a year either way) and a few
    # bits of name in common: a short MinHash band (year_rows) of the names' filters; (2)
    # names alike whatever the birth date says (missing, guessed, mistyped): a long band
    # (lsh_rows). Either way the pairs compared grow far slower than n².
    block_years: int = 1
    year_bands: int = 16
    year_rows: int = 3
    lsh_bands: int = 24
    lsh_rows: int = 6
    # (3) records alike as a whole (every field's bits): a name mistyped beyond its bands is
    # still caught by the birth date and the other fields.
    record_bands: int = 32
    record_rows: int = 6

    def describe(self) -> dict:
        """The schema as plain data, as it is written into an encoding file."""
        return {
            "fields": [asdict(f) | {"sources": list(f.sources)} for f in self.fields],
            "version": self.version,
            "block_years": self.block_years,
            "year_bands": self.year_bands,
            "year_rows": self.year_rows,
            "lsh_bands": self.lsh_bands,
            "lsh_rows": self.lsh_rows,
            "record_bands": self.record_bands,
            "record_rows": self.record_rows,
        }

    @property
    def bits(self) -> int:
        return sum(spec.bits for spec in self.fields)

    def offsets(self) -> list[tuple[Field, int, int]]:
        """Each field with the byte range of its filter in a record's row."""
        found, start = [], 0
        for spec in self.fields:
            found.append((spec, start, start + spec.bits // 8))
            start += spec.bits // 8
        return found

    def name_fields(self) -> list[Field]:
        """The filters blocking reads for names: the first name field and those hashed
        alike, bar other names (a nickname alone is left to the record-wide bands)."""
        first = next(spec for spec in self.fields if spec.kind == NAME)
        return [
            spec
            for spec in self.fields
            if spec.kind == NAME
            and spec.key_label == first.key_label
            and "other_names" not in spec.sources
        ]

    def usable_comparisons(self) -> tuple[Comparison, ...]:
        """The comparisons whose fields are all in this schema."""
        names = {spec.name for spec in self.fields}
        return tuple(
            c
            for c in self.comparisons
            if set(c.needs) <= names and {f for pair in c.fields() for f in pair} <= names
        )

    def __post_init__(self):
        problems = [
            gettext("Field “{field}”: its bits must be a positive multiple of 8.").format(
                field=spec.name
            )
            for spec in self.fields
            if spec.bits <= 0 or spec.bits % 8
        ]
        if not any(spec.kind == NAME for spec in self.fields):
            problems.append(gettext("A schema needs a name field."))
        by_name = {spec.name: spec for spec in self.fields}
        for comparison in self.comparisons:
            for one, other in comparison.fields():
                x, y = by_name.get(one), by_name.get(other)
                if x and y and (x.key_label, x.bits) != (y.key_label, y.bits):
                    problems.append(
                        f"Comparison {comparison.name}: {one} and {other} are hashed apart."
                    )
        if problems:
            raise ValueError("; ".join(problems))


class EncodingRefused(ValueError):
    """An encoding file that cannot be compared with ours; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def key_fingerprint(key: bytes) -> str:
    """A public fingerprint of the agreement's key: equal keys, equal fingerprints; the key
    cannot be recovered from it."""
    return hmac.digest(key, _FINGERPRINT_LABEL, "sha256")[:16].hex()


# --- Features ------------------------------------------------------------------------------


def _name_features(values: Iterable[str]) -> set[str]:
    """Bigrams of every token of every Latin form of the names, and of their phonetic keys.

    The forms carry the spelling (typos cost a bigram or two); the keys fold what
    conventions disagree on (Shevchenko, Sevcenko; Giorgos, Yiorgos), so that a Cyrillic and
    a Latin record of one name share most features. Several names in one value (other
    names, nicknames) are separated by commas."""
    features: set[str] = set()
    for value in values:
        for name in value.split(","):
            for form in names.latin_forms(name.strip()):
                for token in form.split():
                    features.update(_bigrams("s", token))
                    features.update(_bigrams("k", names.phonetic_key(token)))
            # The consonant skeletons (records.py): one name transcribed by two scripts'
            # conventions (Τσιναρ, Çınar) shares them where its spellings share few bigrams.
            for skeleton in name_skeletons(name.strip()) or ():
                features.update(_bigrams("t", skeleton))
    return features


def _bigrams(prefix: str, token: str) -> list[str]:
    padded = f"_{token}_"
    return [f"{prefix}{padded[i : i + 2]}" for i in range(len(padded) - 1)]


def _character_features(values) -> set[str]:
    """Bigrams of a value's letters and digits, upper case: documents are written with and
    without spaces and dashes, and a mistyped digit costs two bigrams of many."""
    features: set[str] = set()
    for value in values:
        kept = "".join(ch for ch in str(value or "").upper() if ch.isalnum())
        if kept:
            features.update(_bigrams("c", kept))
    return features


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _as_number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _birth_features(kind: str, birth: date | None, estimated: bool) -> set[str]:
    if birth is None:
        return set()
    if kind == BIRTH_YEAR:
        # A year either side: a guessed age is often a year out, and a mistyped year is too.
        return {f"y{birth.year + offset}" for offset in (-1, 0, 1)}
    if estimated:
        return set()  # a guessed date (1 January) says nothing of the day
    if kind == BIRTH_DATE:
        return {f"d{birth.isoformat()}"}
    if kind == BIRTH_DATE_UNORDERED:
        low, high = sorted((birth.day, birth.month))
        return {f"u{birth.year}-{low}-{high}"}
    if kind == BIRTH_DATE_NEAR:
        day = birth.toordinal()
        return {f"n{day + offset}" for offset in range(-NEAR_DAYS, NEAR_DAYS + 1)}
    if kind == BIRTHDAY_NEAR:
        # Two typos: a year and a few days, or a year and day and month swapped.
        near = {
            f"m{birth.month}-{birth.day + offset}" for offset in range(-NEAR_DAYS, NEAR_DAYS + 1)
        }
        return near | {f"m{birth.day}-{birth.month}"} if birth.day <= 12 else near
    return {f"b{birth.month}-{birth.day}"}  # BIRTHDAY


def _grid_features(latitude: float | None, longitude: float | None, unit: float) -> set[str]:
    """The place's cell and its eight neighbours: two places a cell or two apart share some."""
    if latitude is None or longitude is None or unit <= 0:
        return set()
    row, column = math.floor(latitude / unit), math.floor(longitude / unit)
    return {f"g{row + i}:{column + j}" for i in (-1, 0, 1) for j in (-1, 0, 1)}


def _window_features(value: date | None, days: float) -> set[str]:
    if value is None or days <= 0:
        return set()
    period = int(value.toordinal() // days)
    return {f"p{period + offset}" for offset in range(-WINDOW_PERIODS, WINDOW_PERIODS + 1)}


_BIRTH_KINDS = (
    BIRTH_YEAR, BIRTH_DATE, BIRTH_DATE_UNORDERED, BIRTH_DATE_NEAR, BIRTHDAY, BIRTHDAY_NEAR,
)  # fmt: skip


def record_features(record: Mapping, schema: Schema) -> dict[str, set[str]]:
    """The plain-text features of a record, per field: what `encode` hashes. Also the
    baseline for a plain-text comparison of the same data."""
    features: dict[str, set[str]] = {}
    for spec in schema.fields:
        values = [record.get(source) for source in spec.sources]
        if spec.kind == NAME:
            features[spec.name] = _name_features(v for v in values if isinstance(v, str))
        elif spec.kind in _BIRTH_KINDS:
            estimated = bool(record.get("dob_estimated"))
            features[spec.name] = _birth_features(spec.kind, _as_date(values[0]), estimated)
        elif spec.kind == SCRIPT:
            written = "".join(v for v in values if isinstance(v, str))
            features[spec.name] = {names.script_of(written)} if written.strip() else set()
        elif spec.kind == CHARACTERS:
            features[spec.name] = _character_features(values)
        elif spec.kind == GRID:
            latitude, longitude = (_as_number(v) for v in values[:2])
            features[spec.name] = _grid_features(latitude, longitude, spec.unit)
        elif spec.kind == DATE_WINDOW:
            features[spec.name] = _window_features(_as_date(values[0]), spec.unit)
        else:
            features[spec.name] = {str(v).lower() for v in values if v not in (None, "")}
    return features


def person_fields(person) -> dict:
    """What `encode` reads of a records.PersonRecord."""
    return {
        "record_id": person.record_id,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "other_names": person.other_names,
        "date_of_birth": person.date_of_birth,
        "dob_estimated": person.dob_estimated,
        "age_estimate": person.age_estimate,
        "event_date": person.event_date,
        "sex": person.sex,
        "nationality": person.nationality,
        "latitude": person.latitude,
        "longitude": person.longitude,
        "address": person.address,
        "document_number": person.document_number,
        "cluster": person.cluster,
    }


def _birth_year(record: Mapping) -> int | None:
    birth = _as_date(record.get("date_of_birth"))
    if birth is not None:
        return birth.year
    age, event = record.get("age_estimate"), _as_date(record.get("event_date"))
    if age not in (None, "") and event is not None:
        return event.year - int(age)
    return None


# --- Encoding ------------------------------------------------------------------------------


@dataclass
class Encodings:
    """One party's encoded records: ids, bit arrays (one row of schema.bits bits per record,
    packed) and keyed blocking tokens. Nothing in it can be read back into a name without
    the key."""

    ids: list[str]
    clks: np.ndarray  # (n, bits // 8) uint8
    block_tokens: np.ndarray  # (n, 2 * (2 * block_years + 1)) uint64, 0 for none
    schema: Schema
    fingerprint: str
    # What is computed once per encodings: LSH band keys, bits set per field.
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.ids)

    def to_bytes(self) -> bytes:
        """The exchange file: magic, header length, a JSON header (format, schema, key
        fingerprint, ids) and the bit arrays and blocking tokens, little-endian."""
        header = json.dumps(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema": self.schema.describe(),
                "key_fingerprint": self.fingerprint,
                "count": len(self.ids),
                "ids": self.ids,
                "block_columns": int(self.block_tokens.shape[1]),
            },
            ensure_ascii=False,
        ).encode()
        body = self.clks.tobytes() + self.block_tokens.astype("<u8").tobytes()
        return _MAGIC + struct.pack("<I", len(header)) + header + body

    @classmethod
    def from_bytes(cls, data: bytes, schema: Schema, key: bytes) -> Encodings:
        """Read another party's file, refusing it (EncodingRefused, every problem listed)
        unless it was encoded under this schema and this key."""
        header, body = _split_file(data)
        problems = _schema_problems(header.get("schema"), schema)
        if header.get("key_fingerprint") != key_fingerprint(key):
            problems.append(
                gettext(
                    "The file was encoded with another key than this agreement's "
                    "(key fingerprint {found}, expected {expected})."
                ).format(found=header.get("key_fingerprint"), expected=key_fingerprint(key))
            )
        count, ids = header.get("count"), header.get("ids")
        columns = header.get("block_columns")
        row_bytes = schema.bits // 8
        if not isinstance(ids, list) or count != len(ids):
            problems.append(gettext("The file's record ids do not match its record count."))
        elif columns != _block_columns(schema):
            problems.append(gettext("The file's blocking tokens do not match the schema."))
        elif not problems and len(body) != count * (row_bytes + 8 * columns):
            # (Under another schema the sizes differ anyway: that is reported above.)
            problems.append(
                gettext(
                    "The file is truncated or too long: {size} bytes of encodings for "
                    "{count} records."
                ).format(size=len(body), count=count)
            )
        if problems:
            raise EncodingRefused(problems)
        split = count * row_bytes
        clks = np.frombuffer(body[:split], dtype=np.uint8).reshape(count, row_bytes)
        tokens = np.frombuffer(body[split:], dtype="<u8").reshape(count, columns)
        return cls(
            [str(i) for i in ids],
            clks.copy(),
            tokens.astype(np.uint64),
            schema,
            key_fingerprint(key),
        )


def _split_file(data: bytes) -> tuple[dict, bytes]:
    if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + 4:
        raise EncodingRefused([gettext("The file is not a SEEC privacy-preserving encoding.")])
    (length,) = struct.unpack_from("<I", data, len(_MAGIC))
    start = len(_MAGIC) + 4
    try:
        header = json.loads(data[start : start + length])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EncodingRefused([gettext("The file's header cannot be read.")]) from None
    problems = []
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise EncodingRefused([gettext("The file is not a SEEC privacy-preserving encoding.")])
    if header.get("format_version") != FORMAT_VERSION:
        problems.append(
            gettext("The file's format version is {found}; this platform reads {expected}.").format(
                found=header.get("format_version"), expected=FORMAT_VERSION
            )
        )
    if problems:
        raise EncodingRefused(problems)
    return header, data[start + length :]


def _schema_problems(found, expected: Schema) -> list[str]:
    """Every difference between a file's schema and ours, one message each."""
    if not isinstance(found, dict):
        return [gettext("The file carries no schema description.")]
    wanted = expected.describe()
    problems = []
    for setting in (
        "version", "block_years", "year_bands", "year_rows", "lsh_bands", "lsh_rows",
        "record_bands", "record_rows",
    ):  # fmt: skip
        if found.get(setting) != wanted[setting]:
            problems.append(
                gettext(
                    "Schema setting “{setting}” is {found} in the file but {expected} in "
                    "this agreement."
                ).format(setting=setting, found=found.get(setting), expected=wanted[setting])
            )
    theirs = {f.get("name"): f for f in found.get("fields") or [] if isinstance(f, dict)}
    ours = {f["name"]: f for f in wanted["fields"]}
    for name in ours.keys() - theirs.keys():
        problems.append(gettext("Field “{field}” is missing from the file.").format(field=name))
    for name in theirs.keys() - ours.keys():
        problems.append(
            gettext("Field “{field}” in the file is not in this agreement.").format(field=name)
        )
    for name in sorted(ours.keys() & theirs.keys()):
        for attribute in ("kind", "sources", "bits", "hashes", "hash_key", "unit"):
            if theirs[name].get(attribute) != ours[name][attribute]:
                problems.append(
                    gettext(
                        "Field “{field}”: {attribute} is {found} in the file but "
                        "{expected} in this agreement."
                    ).format(
                        field=name,
                        attribute=attribute,
                        found=theirs[name].get(attribute),
                        expected=ours[name][attribute],
                    )
                )
    order = [f.get("name") for f in found.get("fields") or [] if isinstance(f, dict)]
    if not problems and order != [f["name"] for f in wanted["fields"]]:
        problems.append(gettext("The file's fields are in another order than this agreement's."))
    return problems


def _block_columns(schema: Schema) -> int:
    return 2 * (2 * schema.block_years + 1)


class _Hasher:
    """Bit positions of features under the agreement's key, remembered: names repeat."""

    def __init__(self, schema: Schema, key: bytes):
        # Fields hashed alike (hash_key) share a key: a feature sets the same bits of each.
        self.field_keys = {
            spec.name: hmac.digest(key, f"field:{spec.key_label}".encode(), "sha256")
            for spec in schema.fields
        }
        self.hashes = {spec.name: spec.hashes for spec in schema.fields}
        self.sizes = {spec.name: spec.bits for spec in schema.fields}
        self.starts = {spec.name: 8 * start for spec, start, _ in schema.offsets()}
        self.cache: dict[tuple[str, str], list[int]] = {}

    def positions(self, field_name: str, feature: str) -> list[int]:
        cached = self.cache.get((field_name, feature))
        if cached is not None:
            return cached
        # Every position from bytes of its own (a keyed digest gives eight; a counter more).
        # Not double hashing: in a small filter (a birth date's 64 bits) first + i·step
        # modulo the size makes so few distinct sets of positions that different dates
        # shared all their bits.
        key, count = self.field_keys[field_name], self.hashes[field_name]
        size, start = self.sizes[field_name], self.starts[field_name]
        found: list[int] = []
        for block in range((count + 7) // 8):
            digest = hmac.digest(key, feature.encode() + bytes([block]), "sha256")
            for i in range(min(8, count - 8 * block)):
                found.append(start + int.from_bytes(digest[4 * i : 4 * i + 4], "little") % size)
        self.cache[field_name, feature] = found
        return found


def encode(records: Iterable[Mapping], schema: Schema, key: bytes) -> Encodings:
    """Encode records (dicts with record_id and the schema's source fields) under the
    agreement's key. Runs where the records are; only the result leaves the centre."""
    if not key:
        raise ValueError(gettext("An encoding key must not be empty."))
    hasher = _Hasher(schema, key)
    records = list(records)
    rows = np.zeros((len(records), schema.bits), dtype=bool)
    tokens = np.zeros((len(records), _block_columns(schema)), dtype=np.uint64)
    token_cache: dict[str, int] = {}
    ids = []
    for row, record in enumerate(records):
        ids.append(str(record["record_id"]))
        positions: list[int] = []
        for field_name, features in record_features(record, schema).items():
            for feature in features:
                positions.extend(hasher.positions(field_name, feature))
        rows[row, positions] = True
        tokens[row] = _block_tokens(record, schema, key, token_cache)
    return Encodings(ids, np.packbits(rows, axis=1), tokens, schema, key_fingerprint(key))


def _block_tokens(record: Mapping, schema: Schema, key: bytes, cache: dict[str, int]):
    """Keyed tokens of (sex, year) for the record's year and the years either side: a record
    whose centre token is among another's tokens is born within block_years of it. A record
    of unknown sex has tokens for both; one of unknown year has none."""
    width = 2 * schema.block_years + 1
    out = [0] * (2 * width)
    year = _birth_year(record)
    if year is None:
        return out
    sex = record.get("sex")
    sexes = [sex] if sex in ("female", "male") else ["female", "male"]
    for s, value in enumerate(sexes):
        for offset in range(width):
            label = f"block:{value}:{year + offset - schema.block_years}"
            token = cache.get(label)
            if token is None:
                digest = hmac.digest(key, label.encode(), "sha256")
                token = cache[label] = int.from_bytes(digest[:8], "little") or 1
            out[s * width + offset] = token
    return out


# --- Matching ------------------------------------------------------------------------------


def _lsh_keys(encodings: Encodings, bands: int, rows: int, whole: bool = False) -> np.ndarray:
    """MinHash LSH band keys (n, bands) over the names' filters (or the whole record's bits):
    records whose names share many bits share a band (the more rows a band has, the more
    they must share)."""
    cached = encodings._cache.get((bands, rows, whole))
    if cached is not None:
        return cached
    schema = encodings.schema
    # The permutations are public (seeded by the schema): the bits are keyed already.
    described = json.dumps([schema.describe(), bands, rows, whole], sort_keys=True)
    rng = random.Random(hashlib.sha256(described.encode()).digest())  # noqa: S311
    count = bands * rows
    packed = encodings.clks if whole else _name_bits(encodings)
    size = 8 * packed.shape[1]
    ranks = np.array(
        [rng.sample(range(size), size) for _ in range(count)], dtype=np.int64
    )  # (count, bits): the rank of each bit in each permutation
    # The set bits as (row, position), row by row: each MinHash is a reduceat over them.
    set_rows, positions = np.nonzero(np.unpackbits(packed, axis=1))
    minhash = np.full((len(encodings), count), size, dtype=np.int64)
    filled = np.unique(set_rows)
    if len(filled):
        starts = np.searchsorted(set_rows, filled)
        for j in range(count):
            minhash[filled, j] = np.minimum.reduceat(ranks[j][positions], starts)
    banded = minhash.reshape(len(encodings), bands, rows)
    radix = size + 1
    keys = np.zeros((len(encodings), bands), dtype=np.int64)
    for r in range(rows):
        keys = keys * radix + banded[:, :, r]
    # The band's number in the top bits keeps equal values of different bands apart.
    keys += np.arange(bands, dtype=np.int64) << 56
    encodings._cache[bands, rows, whole] = keys
    return keys


def _name_bits(encodings: Encodings) -> np.ndarray:
    """The union of the name filters that are hashed alike (given and family names): the
    bits of both names whatever their order, so that a swap blocks like the names written
    the right way round."""
    wanted = {spec.name for spec in encodings.schema.name_fields()}
    union = None
    for spec, start, end in encodings.schema.offsets():
        if spec.name in wanted:
            part = encodings.clks[:, start:end]
            union = part.copy() if union is None else union | part
    return union


def _equal_key_pairs(
    keys_a: np.ndarray, rows_a: np.ndarray, keys_b: np.ndarray, rows_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (row_a, row_b) whose keys are equal: a sort-merge join in numpy."""
    order = np.argsort(keys_b, kind="stable")
    keys_b, rows_b = keys_b[order], rows_b[order]
    left = np.searchsorted(keys_b, keys_a, "left")
    right = np.searchsorted(keys_b, keys_a, "right")
    counts = right - left
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    ends = np.cumsum(counts)
    offsets = np.repeat(left - (ends - counts), counts)
    return np.repeat(rows_a, counts), rows_b[np.arange(total) + offsets]


def candidate_pairs(a: Encodings, b: Encodings) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (of a, of b) worth scoring: sharing a (sex, year ±block_years) token and a
    short name band, or a long name band, or a band of the whole record. With `a is b`
    (deduplication) each pair once and no record with itself."""
    schema = a.schema
    width = 2 * schema.block_years + 1
    centre = [schema.block_years, width + schema.block_years]
    # Year tokens combined with short name bands: (record, token, band) → one key.
    short_a = _lsh_keys(a, schema.year_bands, schema.year_rows)
    short_b = _lsh_keys(b, schema.year_bands, schema.year_rows)
    tokens_a = a.block_tokens[:, centre].astype(np.int64)
    tokens_b = b.block_tokens.astype(np.int64)
    keys_a = tokens_a[:, :, None] * 1_000_003 + short_a[:, None, :]  # wraps: a hash is all
    keys_b = tokens_b[:, :, None] * 1_000_003 + short_b[:, None, :]
    rows_a = np.broadcast_to(np.arange(len(a))[:, None, None], keys_a.shape).ravel()
    rows_b = np.broadcast_to(np.arange(len(b))[:, None, None], keys_b.shape).ravel()
    kept_a = np.broadcast_to((tokens_a != 0)[:, :, None], keys_a.shape).ravel()
    kept_b = np.broadcast_to((tokens_b != 0)[:, :, None], keys_b.shape).ravel()
    year_a, year_b = _equal_key_pairs(
        keys_a.ravel()[kept_a], rows_a[kept_a], keys_b.ravel()[kept_b], rows_b[kept_b]
    )
    bands = schema.lsh_bands
    band_a, band_b = _equal_key_pairs(
        _lsh_keys(a, bands, schema.lsh_rows).ravel(),
        np.repeat(np.arange(len(a)), bands),
        _lsh_keys(b, bands, schema.lsh_rows).ravel(),
        np.repeat(np.arange(len(b)), bands),
    )
    whole_a, whole_b = _equal_key_pairs(
        _lsh_keys(a, schema.record_bands, schema.record_rows, whole=True).ravel(),
        np.repeat(np.arange(len(a)), schema.record_bands),
        _lsh_keys(b, schema.record_bands, schema.record_rows, whole=True).ravel(),
        np.repeat(np.arange(len(b)), schema.record_bands),
    )
    pair_a = np.concatenate([year_a, band_a, whole_a])
    pair_b = np.concatenate([year_b, band_b, whole_b])
    if a is b:
        pair_a, pair_b = np.minimum(pair_a, pair_b), np.maximum(pair_a, pair_b)
        distinct = pair_a != pair_b
        pair_a, pair_b = pair_a[distinct], pair_b[distinct]
    unique = np.unique(pair_a * len(b) + pair_b)
    return unique // len(b), unique % len(b)


def _set_bits(encodings: Encodings, spec: Field, start: int, end: int) -> np.ndarray:
    cached = encodings._cache.get(("count", spec.name))
    if cached is None:
        cached = np.bitwise_count(encodings.clks[:, start:end]).sum(axis=1, dtype=np.int64)
        encodings._cache["count", spec.name] = cached
    return cached


def pair_dice(
    a: Encodings, rows_a: np.ndarray, field_a: str, b: Encodings, rows_b: np.ndarray, field_b: str
) -> np.ndarray:
    """The Dice coefficient 2|A∩B| / (|A| + |B|) of field_a's filter of a's rows and field_b's
    of b's rows (two fields hashed alike, or one field), per pair; NaN where either filter is
    empty (the record lacks the field)."""
    where = {spec.name: (spec, start, end) for spec, start, end in a.schema.offsets()}
    spec_a, start_a, end_a = where[field_a]
    spec_b, start_b, end_b = where[field_b]
    counts_a = _set_bits(a, spec_a, start_a, end_a)
    counts_b = _set_bits(b, spec_b, start_b, end_b)
    out = np.full(len(rows_a), np.nan)
    chunk = 200_000  # bounds the memory of the AND of the pairs' rows
    for first in range(0, len(rows_a), chunk):
        ra, rb = rows_a[first : first + chunk], rows_b[first : first + chunk]
        both = a.clks[ra, start_a:end_a] & b.clks[rb, start_b:end_b]
        common = np.bitwise_count(both).sum(axis=1, dtype=np.int64)
        count_a, count_b = counts_a[ra], counts_b[rb]
        present = (count_a > 0) & (count_b > 0)
        part = out[first : first + chunk]
        part[present] = 2 * common[present] / (count_a[present] + count_b[present])
    return out


def field_dice(
    a: Encodings, rows_a: np.ndarray, b: Encodings, rows_b: np.ndarray
) -> dict[str, np.ndarray]:
    """Per field, the Dice coefficient of the two records' filters for each pair of rows;
    NaN where either record lacks the field (an empty filter)."""
    return {
        spec.name: pair_dice(a, rows_a, spec.name, b, rows_b, spec.name) for spec in a.schema.fields
    }


NULL_LEVEL = -1


def feature_dice(
    features_a: list[dict[str, set[str]]],
    rows_a: np.ndarray,
    features_b: list[dict[str, set[str]]],
    rows_b: np.ndarray,
):
    """A `dice` for `comparison_levels` taken on the records' plain feature sets
    (`record_features`) rather than their filters: no hashing, no Bloom-filter collisions.
    What the encoding itself costs is the difference (the benchmark's plain-text twin)."""

    def dice(one: str, other: str) -> np.ndarray:
        out = np.full(len(rows_a), np.nan)
        for n, (i, j) in enumerate(zip(rows_a, rows_b, strict=True)):
            x, y = features_a[i][one], features_b[j][other]
            if x and y:
                out[n] = 2 * len(x & y) / (len(x) + len(y))
        return out

    return dice


def comparison_levels(
    a: Encodings, rows_a: np.ndarray, b: Encodings, rows_b: np.ndarray, *, dice=None
) -> np.ndarray:
    """(pairs, comparisons): each pair's level in each of the schema's usable comparisons,
    0 the strongest, comparison.size - 1 "different", NULL_LEVEL where a record lacks it.
    `dice(field_a, field_b)` stands in for the filters' Dice coefficients of the pairs (the
    benchmark's plain-text twin computes them on the features themselves)."""
    comparisons = a.schema.usable_comparisons()
    out = np.full((len(rows_a), len(comparisons)), NULL_LEVEL, dtype=np.int8)
    dice_of: dict[tuple[str, str], np.ndarray] = {}

    def dice_for(pair: tuple[str, str]) -> np.ndarray:
        if pair not in dice_of:
            dice_of[pair] = (
                pair_dice(a, rows_a, pair[0], b, rows_b, pair[1]) if dice is None else dice(*pair)
            )
        return dice_of[pair]

    with np.errstate(invalid="ignore"):  # NaN (a field missing) holds no condition
        for column, comparison in enumerate(comparisons):
            level = np.full(len(rows_a), comparison.size - 1, dtype=np.int8)
            undecided = np.ones(len(rows_a), dtype=bool)
            for number, spec in enumerate(comparison.levels):
                holds = undecided.copy()
                for condition in spec.conditions:
                    best = np.zeros(len(rows_a), dtype=bool)
                    for pair in condition.pairs:
                        best |= dice_for(pair) >= condition.at_least
                    holds &= best
                level[holds] = NULL_LEVEL if spec.neutral else number
                undecided &= ~holds
            for needed in comparison.needs:
                level[np.isnan(dice_for((needed, needed)))] = NULL_LEVEL
            out[:, column] = level
    return out


@dataclass
class MatchWeights:
    """Fellegi–Sunter parameters, per comparison and level: m (how often records of one child
    fall in the level), u (how often records of two children do) and the prior share of
    matches among the compared pairs. A level's match weight is log2(m/u)."""

    comparisons: list[str]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float

    def weights(self) -> list[np.ndarray]:
        return [np.log2(m / u) for m, u in zip(self.m, self.u, strict=True)]

    def match_weight(self, levels: np.ndarray) -> np.ndarray:
        """Each pair's total match weight: the prior's log-odds and every level's weight."""
        total = np.full(len(levels), math.log2(self.prior / (1 - self.prior)))
        for column, weights in enumerate(self.weights()):
            known = levels[:, column] != NULL_LEVEL
            total[known] += weights[levels[known, column]]
        return total

    def probability(self, levels: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp2(-self.match_weight(levels)))

    def to_dict(self) -> dict:
        return {
            "comparisons": self.comparisons,
            "m": [[round(float(x), 6) for x in m] for m in self.m],
            "u": [[round(float(x), 8) for x in u] for u in self.u],
            "prior": self.prior,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> MatchWeights:
        return cls(
            list(data["comparisons"]),
            [np.array(m, dtype=float) for m in data["m"]],
            [np.array(u, dtype=float) for u in data["u"]],
            float(data["prior"]),
        )


def _shares(levels: np.ndarray, size: int, floor: float, weights=None) -> np.ndarray:
    """The share of pairs at each level (weighted), none below `floor` pairs' worth: a
    level no pair reached is not proof of anything."""
    known = levels != NULL_LEVEL
    counts = np.bincount(
        levels[known].astype(np.int64),
        weights=None if weights is None else weights[known],
        minlength=size,
    )
    counts = np.maximum(counts.astype(float), floor)
    return counts / counts.sum()


def _starting_m(size: int) -> np.ndarray:
    """Where EM starts without a reference: records of one child mostly agree, and each
    level down is half as likely."""
    shares = 0.5 ** np.arange(size, dtype=float)
    return shares / shares.sum()


# Fewer compared pairs than this say too little about chance agreement: keep the reference's.
MIN_PAIRS_TO_LEARN = 20_000
EM_ITERATIONS = 30


def learn(
    a: Encodings, levels: np.ndarray, *, reference: MatchWeights | None = None
) -> MatchWeights:
    """The match weights for these compared pairs (their `levels`), from the encodings
    alone: no labels, no plain text, so either party can do it on its own side.

    m (how records of one child agree) is the reference's, learnt from the region's labelled
    synthetic children as the plain-text model's is; u (how records of two children agree)
    and the share of matches are learnt by expectation–maximisation over the compared pairs,
    nearly all of which are of two children. u is learnt among the compared pairs, not from
    random ones: blocking compares records whose names are alike already, and siblings
    agree on much, so random pairs would overrate every agreement. With too few pairs the
    reference's u and share stand. A schema without a reference learns m too, from a
    neutral start (EM alone drifts towards look-alikes on the region's records: it is for
    simple lists such as FEBRL's)."""
    comparisons = a.schema.usable_comparisons()
    names = [c.name for c in comparisons]
    known = reference is not None and reference.comparisons == names
    if known and len(levels) < MIN_PAIRS_TO_LEARN:
        return reference
    if known:
        found = MatchWeights(names, [x.copy() for x in reference.m], [], reference.prior)
    else:
        found = MatchWeights(names, [_starting_m(c.size) for c in comparisons], [], 1e-3)
    found.u = [_shares(levels[:, column], c.size, 0.5) for column, c in enumerate(comparisons)]
    for _ in range(EM_ITERATIONS):
        chance = found.probability(levels)
        found.prior = float(np.clip(chance.mean(), 1e-9, 0.5))
        found.u = [
            _shares(levels[:, column], c.size, 0.5, weights=1 - chance)
            for column, c in enumerate(comparisons)
        ]
        if not known:
            found.m = [
                _shares(levels[:, column], c.size, 1e-3 * max(chance.sum(), 1), weights=chance)
                for column, c in enumerate(comparisons)
            ]
    return found


def train_reference(records: list[Mapping], schema: Schema, key: bytes) -> MatchWeights:
    """Reference weights from labelled records (each with `cluster`, the true child): m
    among the compared pairs of one child, u among those of two, and the share of matches."""
    encodings = encode(records, schema, key)
    rows_a, rows_b = candidate_pairs(encodings, encodings)
    levels = comparison_levels(encodings, rows_a, encodings, rows_b)
    clusters = np.array([str(r["cluster"]) for r in records])
    same = clusters[rows_a] == clusters[rows_b]
    comparisons = schema.usable_comparisons()
    return MatchWeights(
        [c.name for c in comparisons],
        [_shares(levels[same, column], c.size, 0.5) for column, c in enumerate(comparisons)],
        [_shares(levels[~same, column], c.size, 0.5) for column, c in enumerate(comparisons)],
        float(same.mean()),
    )


REFERENCE_WEIGHTS = Path(__file__).with_name("pprl_reference.json")


def reference_weights(schema: Schema) -> MatchWeights | None:
    """The stored reference for `schema`'s comparisons (manage.py train_pprl_reference), or
    None for a schema it was not trained for."""
    if not REFERENCE_WEIGHTS.exists():
        return None
    stored = MatchWeights.from_dict(json.loads(REFERENCE_WEIGHTS.read_text()))
    comparisons = schema.usable_comparisons()
    if stored.comparisons != [c.name for c in comparisons] or [len(m) for m in stored.m] != [
        c.size for c in comparisons
    ]:
        return None
    return stored


# A shared name says more when it is rare: at these comparisons' first level ("same") the
# weight log2(m/u) is moved by log2(c/f), f being how often the name occurs among one's own
# encodings (identical filters: the same name written the same way; the commoner of the
# pair's two) and c how often two random records share a name; as the plain-text model
# adjusts by a name's frequency (model.py).
FREQUENCY_ADJUSTED = ("given_name", "family_name")


def name_frequencies(encodings: Encodings, field_name: str) -> np.ndarray:
    """Per record, the share of the encodings with the very same filter in `field_name`;
    NaN where the record lacks it."""
    cached = encodings._cache.get(("frequency", field_name))
    if cached is None:
        spec, start, end = next(o for o in encodings.schema.offsets() if o[0].name == field_name)
        block = encodings.clks[:, start:end]
        _, inverse, counts = np.unique(block, axis=0, return_inverse=True, return_counts=True)
        cached = counts[inverse.ravel()] / max(len(block), 1)
        cached = np.where(_set_bits(encodings, spec, start, end) > 0, cached, np.nan)
        encodings._cache["frequency", field_name] = cached
    return cached


def probabilities(
    a: Encodings,
    rows_a: np.ndarray,
    b: Encodings,
    rows_b: np.ndarray,
    levels: np.ndarray,
    weights: MatchWeights,
) -> np.ndarray:
    """Each pair's match probability: its levels' weights, names adjusted by frequency."""
    total = weights.match_weight(levels)
    for column, comparison in enumerate(a.schema.usable_comparisons()):
        if comparison.name not in FREQUENCY_ADJUSTED:
            continue
        same = levels[:, column] == 0
        ours, theirs = (name_frequencies(e, comparison.needs[0]) for e in (a, b))
        frequency = np.fmax(ours[rows_a[same]], theirs[rows_b[same]])
        # Against the chance that two random records share a name (the mean frequency): a
        # rare name weighs more than the level's average, a common one less.
        chance = np.nanmean(np.concatenate([ours, theirs]))
        total[same] += np.log2(chance) - np.log2(frequency)
    return 1 / (1 + np.exp2(-total))


def match(
    a: Encodings,
    b: Encodings,
    threshold: float,
    weights: MatchWeights | None = None,
) -> list[tuple[str, str, float]]:
    """Candidate matches between two parties' encodings, (id in a, id in b, match
    probability), best first, from `threshold` up. Pass the same Encodings twice to find
    duplicates within one party's records. Both must be under one schema and key.

    The weights are learnt from these encodings (`learn`) unless given."""
    problems = _schema_problems(b.schema.describe(), a.schema)
    if a.fingerprint != b.fingerprint:
        problems.append(gettext("The two encodings were made with different keys."))
    if problems:
        raise EncodingRefused(problems)
    rows_a, rows_b = candidate_pairs(a, b)
    levels = comparison_levels(a, rows_a, b, rows_b)
    if weights is None:
        weights = learn(a, levels, reference=reference_weights(a.schema))
    scores = probabilities(a, rows_a, b, rows_b, levels, weights)
    kept = scores >= threshold
    rows_a, rows_b, scores = rows_a[kept], rows_b[kept], scores[kept]
    order = np.argsort(-scores, kind="stable")
    return [
        (a.ids[i], b.ids[j], float(s))
        for i, j, s in zip(rows_a[order], rows_b[order], scores[order], strict=True)
    ]


def one_to_one(matches: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """Of candidate matches between two lists that each hold a child once (best first, as
    `match` returns them), each record's best partner that is not already taken by a better
    pair: the greedy assignment. A weaker score then suffices, since a record's look-alikes
    no longer all count as matches."""
    taken_a, taken_b, kept = set(), set(), []
    for left, right, score in matches:
        if left in taken_a or right in taken_b:
            continue
        taken_a.add(left)
        taken_b.add(right)
        kept.append((left, right, score))
    return kept
