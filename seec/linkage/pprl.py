"""Privacy-preserving record linkage: keyed Bloom-filter encodings of children's records.

Two centres (or a centre and a migration authority) that share a secret key under an
agreement find candidate matches without handing each other names:

1. Each encodes its records locally (`encode`): every linkage field is broken into features
   (character bigrams of the name's normalised Latin forms and of their phonetic keys, from
   seec.cases.names, so that Ђорђевић, Đorđević and Djordjevic give nearly the same
   features; the birth date's year, day and month; sex). Each feature is hashed with
   HMAC-SHA256 under a key derived from the agreement's key and the field, and set in one
   bit array per record (a cryptographic long-term key, CLK) by double hashing. A field's
   number of hash functions is its weight.
2. They exchange only the encodings (`Encodings.to_bytes`): record ids, bit arrays and keyed
   blocking tokens, with the schema and a fingerprint of the key (never the key).
3. Either compares them (`match`): candidate pairs come from blocking (keyed sex and year of
   birth ±1, and MinHash LSH over the set bits, so that a wrong or missing year is still
   caught by the name), and each candidate is scored by the Dice coefficient of the two bit
   arrays, vectorised with numpy.

A file encoded under another key or another schema is refused with every problem listed
(`EncodingRefused`), so that two centres never compare bits that mean different things.
Standard library and numpy only: the clkhash/anonlink pair is unmaintained and pins an old
`cryptography`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import struct
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
from django.utils.translation import gettext

from seec.cases import names

FORMAT = "seec-pprl"
FORMAT_VERSION = 1
_MAGIC = b"SEECPPRL"
_FINGERPRINT_LABEL = b"seec-pprl key fingerprint v1"

NAME = "name"
BIRTH_YEAR = "birth_year"
BIRTH_DAY = "birth_day"
CATEGORY = "category"


@dataclass(frozen=True)
class Field:
    """One linkage field: the record keys it reads, how it is broken into features, its own
    Bloom filter (`bits`, a multiple of 8, and `hashes` bits set per feature), and its
    weight in a record pair's score."""

    name: str
    kind: str
    sources: tuple[str, ...]
    bits: int
    hashes: int
    weight: float


@dataclass(frozen=True)
class Schema:
    """What the two parties agree on besides the key. Both must use the same schema: a file
    encoded under another one is refused."""

    # A filter per field (field-level Bloom filters, concatenated in one row): the score is
    # the weighted mean of the fields' Dice coefficients over the fields both records have,
    # so that a common name cannot outvote a different birth date and a missing field
    # neither helps nor hurts.
    fields: tuple[Field, ...] = (
        # Given and family names in one field: their order is free, so a swap costs nothing.
        Field("name", NAME, ("given_name", "family_name"), bits=1024, hashes=10, weight=0.55),
        # The year apart from day and month: a guessed birth date has only a year (and its
        # neighbours), a typo in the year leaves day and month, a swap leaves the year.
        Field("birth_year", BIRTH_YEAR, ("date_of_birth",), bits=64, hashes=6, weight=0.15),
        Field("birth_day", BIRTH_DAY, ("date_of_birth",), bits=128, hashes=8, weight=0.2),
        Field("sex", CATEGORY, ("sex",), bits=32, hashes=4, weight=0.10),
    )
    version: int = 1
    # Blocking, two ways: (1) the same sex and year of birth (a year either way) and a few
    # bits of name in common: a short MinHash band (year_rows) of the name filter; (2) names
    # alike whatever the birth date says (missing, guessed, mistyped): a long band
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
    a Latin record of one name share most features."""
    features: set[str] = set()
    for value in values:
        if not value:
            continue
        for form in names.latin_forms(value):
            for token in form.split():
                features.update(_bigrams("s", token))
                features.update(_bigrams("k", names.phonetic_key(token)))
    return features


def _bigrams(prefix: str, token: str) -> list[str]:
    padded = f"_{token}_"
    return [f"{prefix}{padded[i : i + 2]}" for i in range(len(padded) - 1)]


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _year_features(birth: date | None, estimated: bool) -> set[str]:
    if birth is None:
        return set()
    if estimated:  # a guess: its neighbours are as likely
        return {f"y{birth.year - 1}", f"y{birth.year}", f"y{birth.year + 1}"}
    return {f"y{birth.year}"}


def _day_features(birth: date | None, estimated: bool) -> set[str]:
    if birth is None or estimated:
        return set()  # a guessed date (1 January) says nothing of the day
    low, high = sorted((birth.day, birth.month))
    # The unordered day and month agree when they were swapped; day and month themselves
    # add agreement when they were not.
    return {f"dm{low}-{high}", f"d{birth.day}", f"m{birth.month}"}


def record_features(record: Mapping, schema: Schema) -> dict[str, set[str]]:
    """The plain-text features of a record, per field: what `encode` hashes. Also the
    baseline for a plain-text comparison of the same data."""
    features: dict[str, set[str]] = {}
    for spec in schema.fields:
        values = [record.get(source) for source in spec.sources]
        if spec.kind == NAME:
            features[spec.name] = _name_features(v for v in values if isinstance(v, str))
        elif spec.kind in (BIRTH_YEAR, BIRTH_DAY):
            estimated = bool(record.get("dob_estimated"))
            make = _year_features if spec.kind == BIRTH_YEAR else _day_features
            features[spec.name] = make(_as_date(values[0]), estimated)
        else:
            features[spec.name] = {str(v).lower() for v in values if v not in (None, "")}
    return features


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
    _lsh: dict = field(default_factory=dict, repr=False, compare=False)

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
        for attribute in ("kind", "sources", "bits", "hashes", "weight"):
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
        self.field_keys = {
            spec.name: hmac.digest(key, f"field:{spec.name}".encode(), "sha256")
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
        digest = hmac.digest(self.field_keys[field_name], feature.encode(), "sha256")
        # Double hashing (Kirsch–Mitzenmacher): k positions from two independent hashes.
        first = int.from_bytes(digest[:8], "little")
        step = int.from_bytes(digest[8:16], "little") | 1
        size, start = self.sizes[field_name], self.starts[field_name]
        found = [start + (first + i * step) % size for i in range(self.hashes[field_name])]
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
    """MinHash LSH band keys (n, bands) over the name filter (or the whole record's bits):
    records whose names share many bits share a band (the more rows a band has, the more
    they must share)."""
    cached = encodings._lsh.get((bands, rows, whole))
    if cached is not None:
        return cached
    schema = encodings.schema
    # The permutations are public (seeded by the schema): the bits are keyed already.
    described = json.dumps([schema.describe(), bands, rows, whole], sort_keys=True)
    rng = random.Random(hashlib.sha256(described.encode()).digest())  # noqa: S311
    count = bands * rows
    if whole:
        start, end, size = 0, schema.bits // 8, schema.bits
    else:
        name_field, start, end = next(o for o in schema.offsets() if o[0].kind == NAME)
        size = name_field.bits
    ranks = np.array(
        [rng.sample(range(size), size) for _ in range(count)], dtype=np.int64
    )  # (count, bits): the rank of each bit in each permutation
    # The set bits as (row, position), row by row: each MinHash is a reduceat over them.
    set_rows, positions = np.nonzero(np.unpackbits(encodings.clks[:, start:end], axis=1))
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
    encodings._lsh[bands, rows, whole] = keys
    return keys


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


def field_dice(
    a: Encodings, rows_a: np.ndarray, b: Encodings, rows_b: np.ndarray
) -> dict[str, np.ndarray]:
    """Per field, the Dice coefficient 2|A∩B| / (|A| + |B|) of the two records' filters for
    each pair of rows; NaN where either record lacks the field (an empty filter)."""
    scores = {}
    for spec, start, end in a.schema.offsets():
        counts_a = np.bitwise_count(a.clks[:, start:end]).sum(axis=1, dtype=np.int64)
        counts_b = np.bitwise_count(b.clks[:, start:end]).sum(axis=1, dtype=np.int64)
        out = np.full(len(rows_a), np.nan)
        chunk = 200_000  # bounds the memory of the AND of the pairs' rows
        for first in range(0, len(rows_a), chunk):
            ra, rb = rows_a[first : first + chunk], rows_b[first : first + chunk]
            both = a.clks[ra, start:end] & b.clks[rb, start:end]
            common = np.bitwise_count(both).sum(axis=1, dtype=np.int64)
            count_a, count_b = counts_a[ra], counts_b[rb]
            present = (count_a > 0) & (count_b > 0)
            part = out[first : first + chunk]
            part[present] = 2 * common[present] / (count_a[present] + count_b[present])
        scores[spec.name] = out
    return scores


def dice(a: Encodings, rows_a: np.ndarray, b: Encodings, rows_b: np.ndarray) -> np.ndarray:
    """A pair's score in [0, 1]: the fields' Dice coefficients averaged with the schema's
    weights over the fields both records have (0 when they share none)."""
    weighted = np.zeros(len(rows_a))
    weights = np.zeros(len(rows_a))
    weight_of = {spec.name: spec.weight for spec in a.schema.fields}
    for name, values in field_dice(a, rows_a, b, rows_b).items():
        weight = weight_of[name]
        present = ~np.isnan(values)
        weighted[present] += weight * values[present]
        weights[present] += weight
    return np.divide(weighted, weights, out=np.zeros(len(rows_a)), where=weights > 0)


def match(a: Encodings, b: Encodings, threshold: float) -> list[tuple[str, str, float]]:
    """Candidate matches between two parties' encodings, (id in a, id in b, Dice score),
    best first, scoring at least `threshold`. Pass the same Encodings twice to find
    duplicates within one party's records. Both must be under one schema and key."""
    problems = _schema_problems(b.schema.describe(), a.schema)
    if a.fingerprint != b.fingerprint:
        problems.append(gettext("The two encodings were made with different keys."))
    if problems:
        raise EncodingRefused(problems)
    rows_a, rows_b = candidate_pairs(a, b)
    scores = dice(a, rows_a, b, rows_b)
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
