"""Children of the 14 countries and the records two agencies write about them.

A child's first record is written by their own country's agency, in that country's script
(an Albanian child of North Macedonia may stand in Macedonian Cyrillic; a Serbian child in
either of Serbia's scripts). For 60% of the children a second record is written 1 day to two
years later by another country's agency, hundreds of kilometres away, by that agency's
convention for names of the child's language (translit.py), with the noise of noise.py.

Hard negatives come in families: siblings (one family name, the same parents and place, birth
dates a few years apart, often missing together), twins (one birth date), cousins (the same
family name, other parents, nearby, sometimes named after the same grandparent) and
namesakes (a common name carried by another child of the same community).
"""

import csv
import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from . import names, noise, translit
from .names import DATA

SECOND_RECORD_SHARE = 0.6
MIN_KM_APART = 100
FIRST_EVENT = date(2021, 1, 1)
EVENT_DAYS = 4 * 365
# Of the family groups drawn: most children are alone in the set.
GROUPS = {"single": 0.80, "siblings": 0.08, "twins": 0.03, "cousins": 0.05, "namesake": 0.04}
# Missing children are mostly teenagers (runaways), fewer small children (family abductions).
AGE_WEIGHTS = [1.0] * 6 + [1.5] * 6 + [5.8] * 6  # ages 0..17
DOUBLE_FAMILY = {"sh": 0.06, "ro": 0.05, "el": 0.02, "tr": 0.02}  # by the names' language
TWO_GIVEN = {"tr": 0.10, "ro": 0.06, "sh": 0.03, "el": 0.02}
COMPOUND_PREFIXES = ("Papa", "Hadži", "Hadzi", "Hatzi", "Chatzi", "Hadji", "Kara", "Παπα",
                     "Χατζη", "Καρα", "Хаджи", "Хаџи", "Папа", "Кара")  # fmt: skip
PASSPORT = {
    "sr": {"sr_gaj": 1.0},
    "mk": {"mk_national": 1.0},
    "bg": {"bg_streamlined": 1.0},
    "uk": {"uk_national": 1.0},
    "ru": {"ru_icao": 0.6, "ru_passport_1997": 0.4},
}
BGN_PCGN = {"sr": "sr_gaj", "mk": "mk_bgn", "bg": "bg_streamlined", "uk": "uk_bgn", "ru": "ru_bgn"}


@dataclass(frozen=True)
class Town:
    country: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Writer:
    """How one agency writes: its script, its orthography for foreign names by ear, and the
    languages whose names it writes as they are."""

    script: str
    ear: str
    languages: tuple[str, ...]
    share: float


@dataclass(frozen=True)
class Country:
    code: str
    weight: float
    communities: dict
    writers: tuple[Writer, ...]
    towns: tuple[Town, ...]

    @property
    def centre(self) -> tuple[float, float]:
        return (
            sum(t.latitude for t in self.towns) / len(self.towns),
            sum(t.longitude for t in self.towns) / len(self.towns),
        )


@dataclass
class Child:
    child_id: str
    family_id: str
    country: str
    community: str
    sex: str
    given: str
    family: str  # in the child's own form (a girl's feminine form where the language has one)
    family_masculine: str
    double_family: bool
    father: str
    mother: str
    dob: date
    town: Town
    event: date
    relation: str = ""  # sibling, twin, cousin, namesake: of whom it is a hard negative


@dataclass
class Row:
    """One record as an agency wrote it, with what the truth knows about it."""

    list: str  # "a": the child's own country; "b": the other country's agency
    child_id: str
    family_id: str
    agency: str
    child_country: str
    community: str
    language: str
    script: str
    convention: str
    given_name: str
    family_name: str
    other_names: str
    sex: str
    date_of_birth: date | None
    dob_estimated: bool
    age_estimate: int | None
    nationality: str
    town: str
    latitude: float
    longitude: float
    event_date: date
    native_given: str
    native_family: str
    noise: list[str] = field(default_factory=list)
    eligible: list[str] = field(default_factory=list)
    record_id: str = ""


@dataclass
class IndependentSet:
    children: list[Child]
    left: list[Row]
    right: list[Row]
    hard_negatives: list[tuple[str, str, str]]  # (child, child, kind)


@cache
def countries() -> dict[str, Country]:
    towns: dict[str, list[Town]] = {}
    with (DATA / "towns.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            towns.setdefault(row["country"], []).append(
                Town(row["country"], row["town"], float(row["latitude"]), float(row["longitude"]))
            )
    raw = json.loads((DATA / "countries.json").read_text(encoding="utf-8"))
    return {
        code: Country(
            code=code,
            weight=spec["weight"],
            communities=spec["communities"],
            writers=tuple(
                Writer(w["script"], w["ear"], tuple(w["languages"]), w["share"])
                for w in spec["writes"]
            ),
            towns=tuple(towns[code]),
        )
        for code, spec in raw.items()
        if not code.startswith("_")
    }


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# What an agency writes of its own country's children never comes from foreign police.
FOREIGN_ONLY = ("iso9", "ear:de", "ear:fr", "ear:en")


def conventions(lang: str, script: str, writer: Writer, home: bool = False) -> dict[str, float]:
    """How an agency writing `writer`'s way writes a name of language `lang` (in `script`);
    `home`: of a child of its own country."""
    found = _conventions(lang, script, writer)
    if home:
        found = {k: v for k, v in found.items() if k not in FOREIGN_ONLY} or found
    return found


def _conventions(lang: str, script: str, writer: Writer) -> dict[str, float]:
    ear = f"ear:{writer.ear}"
    if script == writer.script and lang in writer.languages:
        return {"as_written": 1.0}
    if script == "Cyrl":
        passport = PASSPORT[lang]
        if writer.script == "Cyrl":
            return {ear: 0.7, **{k: 0.2 * v for k, v in passport.items()}, "iso9": 0.03,
                    "as_written": 0.07}  # fmt: skip
        if writer.script == "Grek":
            return {ear: 0.5, **{k: 0.3 * v for k, v in passport.items()}, "ear:en": 0.1,
                    BGN_PCGN[lang]: 0.1}  # fmt: skip
        if lang == "sr" and "sh" in writer.languages:  # Serbian in its own Latin alphabet
            return {"sr_gaj": 0.8, "sr_ascii_dj": 0.12, "sr_ascii_plain": 0.08}
        if lang == "mk" and "sh" in writer.languages:
            return {ear: 0.6, "mk_national": 0.4}
        out = {k: 0.3 * v for k, v in passport.items()}
        out.update({ear: 0.25, "iso9": 0.07, "ear:de": 0.1, "ear:fr": 0.06, "ear:en": 0.12})
        out[BGN_PCGN[lang]] = out.get(BGN_PCGN[lang], 0) + 0.1
        if lang == "sr":
            out.update({"sr_ascii_dj": 0.06, "sr_ascii_plain": 0.04})
        return out
    if script == "Grek":
        if writer.script == "Cyrl":
            return {ear: 0.7, "elot743": 0.3}
        return {"elot743": 0.35, "el_phonetic_y": 0.15, "el_phonetic_g": 0.15, ear: 0.15,
                "ear:de": 0.07, "ear:fr": 0.05, "ear:en": 0.08}  # fmt: skip
    if writer.script == "Cyrl":
        return {ear: 0.75, "as_written": 0.15, "ascii_plain": 0.1}
    if writer.script == "Grek":
        return {"ear:el_accented": 0.6, "ear:el": 0.1, "as_written": 0.15, "ascii_plain": 0.15}
    if lang in writer.languages:
        return {"as_written": 0.9, "ascii_plain": 0.1}
    return {"as_written": 0.35, "ascii_plain": 0.3, "ascii_digraph": 0.08, ear: 0.17,
            "ear:de": 0.04, "ear:en": 0.06}  # fmt: skip


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(f"independent:{seed}")
        self.countries = countries()
        self.children: list[Child] = []
        self.hard_negatives: list[tuple[str, str, str]] = []
        self.by_community: dict[tuple[str, str], list[Child]] = {}
        self.families = 0

    # -- children ----------------------------------------------------------------------

    def _town(self, country: Country) -> Town:
        # Capitals and big towns first in the list: they see more cases.
        weights = [1 / (i + 3) for i in range(len(country.towns))]
        return self.rng.choices(country.towns, weights=weights)[0]

    def _event(self) -> date:
        return FIRST_EVENT + timedelta(days=self.rng.randrange(EVENT_DAYS))

    def _dob(self, event: date, age: int | None = None) -> date:
        if age is None:
            age = self.rng.choices(range(18), weights=AGE_WEIGHTS)[0]
        return event - timedelta(days=age * 365 + self.rng.randrange(365))

    def _family_name(self, community: names.Community) -> tuple[str, bool]:
        first = community.family.draw(self.rng)
        if self.rng.random() < DOUBLE_FAMILY.get(community.language, 0.01):
            second = community.family.draw_other(self.rng, {first})
            return first + self.rng.choice((" ", "-")) + second, True
        return first, False

    def _given(self, community: names.Community, sex: str, avoid: set[str]) -> str:
        sampler = community.given[sex]
        given = sampler.draw_other(self.rng, avoid)
        if self.rng.random() < TWO_GIVEN.get(community.language, 0.01):
            given += " " + sampler.draw_other(self.rng, avoid | {given})
        return given

    def _child(self, country: Country, code: str, family: dict, **kw) -> Child:
        community = names.community(code)
        sex = kw.pop("sex", None) or self.rng.choice(("female", "male"))
        given = kw.pop("given", None) or self._given(community, sex, family["given_taken"])
        family["given_taken"].add(given.split()[0])
        masculine = family["family"]
        own = community.feminine(masculine) if sex == "female" else masculine
        child = Child(
            child_id=f"k{len(self.children):06d}",
            family_id=family["id"],
            country=country.code,
            community=code,
            sex=sex,
            given=given,
            family=own,
            family_masculine=masculine,
            double_family=family["double"],
            father=family["father"],
            mother=family["mother"],
            **kw,
        )
        self.children.append(child)
        self.by_community.setdefault((code, sex), []).append(child)
        return child

    def _new_family(self, code: str) -> dict:
        community = names.community(code)
        family, double = self._family_name(community)
        self.families += 1
        return {
            "id": f"f{self.families:06d}",
            "family": family,
            "double": double,
            "father": community.given["male"].draw(self.rng),
            "mother": community.given["female"].draw(self.rng),
            "given_taken": set(),
        }

    def _group(self, remaining: int) -> None:
        rng = self.rng
        country = rng.choices(
            list(self.countries.values()), weights=[c.weight for c in self.countries.values()]
        )[0]
        code = _pick(rng, country.communities)
        kind = _pick(rng, GROUPS) if remaining > 1 else "single"
        family = self._new_family(code)
        town, event = self._town(country), self._event()
        first = self._child(country, code, family, dob=self._dob(event), town=town, event=event)
        if kind == "siblings":
            dob = first.dob
            for _ in range(min(remaining - 1, rng.choice((1, 1, 2)))):
                dob = dob + timedelta(days=rng.choice((-1, 1)) * rng.randrange(365, 5 * 365))
                if not (event - timedelta(days=18 * 365) < dob < event):
                    dob = first.dob - timedelta(days=rng.randrange(400, 1500))
                together = rng.random() < 0.7  # siblings often go missing together
                other = self._child(
                    country, code, family, dob=dob, town=town,
                    event=event if together else event + timedelta(days=rng.randrange(1, 300)),
                    relation="sibling",
                )  # fmt: skip
                self.hard_negatives.append((first.child_id, other.child_id, "sibling"))
        elif kind == "twins":
            twin = self._child(
                country, code, family, dob=first.dob, town=town, event=event, relation="twin"
            )
            self.hard_negatives.append((first.child_id, twin.child_id, "twin"))
        elif kind == "cousins":
            # The fathers are brothers: one family name, other parents; often the same
            # grandfather's given name.
            cousins = dict(self._new_family(code), family=family["family"], double=family["double"])
            same_name = rng.random() < 0.3
            sex = first.sex if same_name else None
            given = first.given if same_name else None
            cousin = self._child(
                country, code, cousins, sex=sex, given=given,
                dob=first.dob + timedelta(days=rng.randrange(-3 * 365, 3 * 365)),
                town=town if rng.random() < 0.5 else self._town(country),
                event=self._event(), relation="cousin",
            )  # fmt: skip
            self.hard_negatives.append((first.child_id, cousin.child_id, "cousin"))
        elif kind == "namesake":
            pool = [c for c in self.by_community.get((code, first.sex), []) if c is not first]
            if pool:
                model = rng.choice(pool[-200:])
                namesake = self._namesake(country, code, model)
                self.hard_negatives.append((model.child_id, namesake.child_id, "namesake"))

    def _namesake(self, country: Country, code: str, model: Child) -> Child:
        """Another child with the same names as `model`: born in another year, elsewhere."""
        family = self._new_family(code)
        family.update(family=model.family_masculine, double=model.double_family)
        event = self._event()
        dob = self._dob(event)
        while abs((dob - model.dob).days) < 365:
            dob = self._dob(event)
        return self._child(
            country, code, family, sex=model.sex, given=model.given, dob=dob,
            town=self._town(country), event=event, relation="namesake",
        )  # fmt: skip

    # -- records -----------------------------------------------------------------------

    def _writer(self, country: Country) -> Writer:
        return self.rng.choices(country.writers, weights=[w.share for w in country.writers])[0]

    def _row(self, child: Child, agency: Country, town: Town, event: date, side: str) -> Row:
        rng = self.rng
        community = names.community(child.community)
        writer = self._writer(agency)
        home = agency.code == child.country
        convention = _pick(rng, conventions(community.language, community.script, writer, home))
        jitter = 0.03
        return Row(
            list=side,
            child_id=child.child_id,
            family_id=child.family_id,
            agency=agency.code,
            child_country=child.country,
            community=child.community,
            language=community.language,
            script=community.script,
            convention=convention,
            given_name=child.given,
            family_name=child.family,
            other_names="",
            sex=child.sex,
            date_of_birth=child.dob,
            dob_estimated=False,
            age_estimate=None,
            nationality=child.country,
            town=town.name,
            latitude=round(town.latitude + rng.uniform(-jitter, jitter), 4),
            longitude=round(town.longitude + rng.uniform(-jitter, jitter), 4),
            event_date=event,
            native_given=child.given,
            native_family=child.family,
        )

    def _spell(self, row: Row, text: str) -> str:
        return translit.spell(text, row.language, row.convention)

    def _chance(self, row: Row, kind: str, rates: dict, eligible: bool = True) -> bool:
        if not eligible:
            return False
        row.eligible.append(kind)
        if self.rng.random() < rates[kind]:
            row.noise.append(kind)
            return True
        return False

    def _typo(self, row: Row, rates: dict) -> None:
        if self._chance(row, "typo", rates):
            which = "given_name" if self.rng.random() < 0.5 else "family_name"
            words = getattr(row, which).split(" ")
            i = self.rng.randrange(len(words))
            words[i], _kind = noise.typo(words[i], self.rng)
            setattr(row, which, " ".join(words))

    def first_record(self, child: Child) -> Row:
        country = self.countries[child.country]
        row = self._row(child, country, child.town, child.event, "a")
        community = names.community(child.community)
        rates = noise.FIRST_RATES
        given = child.given
        if self._chance(row, "father_name_as_middle", rates, child.community == "sq"):
            given = f"{given} {child.father}"
        first_given = child.given.split()[0]
        if self._chance(row, "also_known_as", rates, first_given in community.diminutives):
            row.other_names = self._spell(row, self.rng.choice(community.diminutives[first_given]))
        row.given_name = self._spell(row, given)
        row.family_name = self._spell(row, child.family)
        self._typo(row, rates)
        return row

    def second_record(self, child: Child, first: Row) -> Row:
        rng = self.rng
        home = self.countries[child.country]
        place = (first.latitude, first.longitude)
        others = [c for c in self.countries.values() if c.code != child.country]
        agency = rng.choices(
            others, weights=[c.weight * math.exp(-km(home.centre, c.centre) / 700) for c in others]
        )[0]
        towns = [t for t in agency.towns if km(place, (t.latitude, t.longitude)) >= MIN_KM_APART]
        town = rng.choice(towns or agency.towns)
        row = self._row(child, agency, town, noise.later(child.event, rng), "b")
        community = names.community(child.community)
        rates = noise.RATES

        words = child.given.split(" ")
        if self._chance(row, "diminutive", rates, words[0] in community.diminutives):
            words[0] = rng.choice(community.diminutives[words[0]])
        family = child.family
        if self._chance(row, "dropped_second_family_name", rates, child.double_family):
            family = family.replace("-", " ").split(" ")[0]
        is_feminine = child.family != child.family_masculine
        if self._chance(row, "masculine_family_form", rates, is_feminine):
            masculine = child.family_masculine.replace("-", " ").split(" ")
            family = " ".join(masculine[: len(family.split(" "))])
        if self._chance(row, "father_name_as_middle", rates, child.community == "sq"):
            words.append(child.father)
        given = " ".join(words)
        row.native_given, row.native_family = given, family
        row.given_name, row.family_name = self._spell(row, given), self._spell(row, family)

        compound = (
            " " in row.given_name
            or " " in row.family_name
            or "-" in row.family_name
            or any(
                row.family_name.startswith(p) and len(row.family_name) > len(p) + 2
                for p in COMPOUND_PREFIXES
            )
        )
        if self._chance(row, "merged_split_tokens", rates, compound):
            self._merge_or_split(row)
        written = row.given_name + row.family_name
        if self._chance(row, "dropped_diacritic", rates, noise.has_diacritic(written)):
            if rng.random() < 0.5 and noise.has_diacritic(row.given_name):
                row.given_name = noise.drop_one_diacritic(row.given_name, rng)
            elif noise.has_diacritic(row.family_name):
                row.family_name = noise.drop_one_diacritic(row.family_name, rng)
            else:
                row.given_name = noise.drop_one_diacritic(row.given_name, rng)
        self._typo(row, rates)
        if self._chance(row, "swapped_names", rates):
            row.given_name, row.family_name = row.family_name, row.given_name

        if self._chance(row, "missing_birth_date", rates):
            row.date_of_birth = None
            row.age_estimate = max(
                0, noise.age_at(child.dob, row.event_date) + rng.choice((-1, 0, 0, 1))
            )
        elif self._chance(row, "shifted_birth_date", rates):
            row.date_of_birth, row.dob_estimated, _kind = noise.shift_birth_date(
                child.dob, row.event_date, rng
            )
            if row.dob_estimated:
                row.age_estimate = row.event_date.year - row.date_of_birth.year
        if self._chance(row, "missing_sex", rates):
            row.sex = ""
        if rng.random() < 0.3:
            row.nationality = ""  # the agency did not know or did not write it
        return row

    def _merge_or_split(self, row: Row) -> None:
        if " " in row.given_name:  # Ana Maria: Anamaria; Mehmet Ali: Mehmetali
            head, rest = row.given_name.split(" ", 1)
            row.given_name = head + rest.replace(" ", "").lower()
            return
        family = row.family_name
        if " " in family or "-" in family:
            head, rest = family.replace("-", " ").split(" ", 1)
            row.family_name = head + rest.replace(" ", "").lower()
            return
        for prefix in COMPOUND_PREFIXES:  # Papadopoulos: Papa Dopoulos; Χατζηγεωργίου
            if family.startswith(prefix):
                rest = family[len(prefix) :]
                row.family_name = f"{prefix} {rest[:1].upper()}{rest[1:]}"
                return

    def run(self, n: int) -> IndependentSet:
        while len(self.children) < n:
            self._group(n - len(self.children))
        del self.children[n:]  # a last group may overshoot by one or two
        kept = {c.child_id for c in self.children}
        self.hard_negatives = [h for h in self.hard_negatives if h[0] in kept and h[1] in kept]
        left, right = [], []
        for child in self.children:
            first = self.first_record(child)
            left.append(first)
            if self.rng.random() < SECOND_RECORD_SHARE:
                right.append(self.second_record(child, first))
        for side, rows in (("a", left), ("b", right)):
            self.rng.shuffle(rows)  # the order of a file says nothing about who is who
            for i, row in enumerate(rows):
                row.record_id = f"{side}{i:06d}"
        return IndependentSet(self.children, left, right, self.hard_negatives)


def generate(children: int = 5000, seed: int = 0) -> IndependentSet:
    return Generator(seed).run(children)
