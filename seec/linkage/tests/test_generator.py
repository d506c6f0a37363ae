"""The regional generator of labelled linkage records (seec/linkage/generator.py).

Pure Python: no database.
"""

from collections import defaultdict

from seec.cases import names
from seec.linkage import evaluation_names, generator


def entities(records):
    by_entity = defaultdict(list)
    for record in records:
        by_entity[record["entity_id"]].append(record)
    return by_entity


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    assert generator.generate(2_000, seed=5) == generator.generate(2_000, seed=5)
    assert generator.generate(2_000, seed=5) != generator.generate(2_000, seed=6)


def test_exactly_the_number_of_records_asked_for_with_unique_ids():
    records = generator.generate(1_234, seed=1)
    assert len(records) == 1_234
    assert len({r["record_id"] for r in records}) == 1_234


def test_a_child_met_in_countries_of_different_scripts_is_written_in_several_scripts():
    records = generator.generate(5_000, seed=2)
    crossing = 0
    for recs in entities(records).values():
        if len({r["country"] for r in recs}) < 2:
            continue
        crossing += 1
        scripts = {names.script_of(r["given_name"] + r["family_name"]) for r in recs}
        assert len(scripts) >= 2, recs
        assert {r["script"] for r in recs} == scripts
    assert crossing > 300


def test_every_record_is_written_in_a_script_its_country_uses():
    allowed = {c: {s} for c, s in generator.SCRIPT.items()} | {"MD": {"Latn", "Cyrl"}}
    for record in generator.generate(5_000, seed=3):
        assert record["script"] in allowed[record["country"]], record


def test_true_pairs_are_exactly_the_pairs_of_records_of_one_child():
    records = generator.generate(3_000, seed=4)
    entity_of = {r["record_id"]: r["entity_id"] for r in records}
    pairs = generator.true_pairs(records)
    assert pairs
    assert all(a < b and entity_of[a] == entity_of[b] for a, b in pairs)
    expected = sum(len(r) * (len(r) - 1) // 2 for r in entities(records).values())
    assert len(pairs) == expected


def test_records_carry_the_difficulties_linkage_must_overcome():
    records = generator.generate(10_000, seed=8)
    assert any(r["date_of_birth"] is None for r in records)
    assert any(r["dob_estimated"] and r["age_estimate"] for r in records)
    assert any(r["other_names"] for r in records)
    assert any(r["sex"] is None for r in records)
    assert any(r["latitude"] is None for r in records)
    # Look-alike children: one family name and place, different children (siblings).
    families = defaultdict(set)
    for r in records:
        families[r["family_name"], r["place"], r["country"]].add(r["entity_id"])
    assert any(len(children) > 1 for children in families.values())


def test_a_serbian_name_is_written_as_greek_and_bulgarian_clerks_write_it():
    assert generator.write_name("Ђорђевић", "RS", "Cyrl", "Grek", "el") == "Τζορτζεβιτς"
    assert generator.write_name("Ђорђевић", "RS", "Cyrl", "Cyrl", "bg") == "Джорджевич"
    assert generator.write_name("Ђорђевић", "RS", "Cyrl", "Latn", "sr/plain") == "Djordjevic"
    assert generator.write_name("Γιώργος", "GR", "Grek", "Cyrl", "bg") == "Йоргос"


def test_each_country_has_its_name_pools():
    for country in generator.COUNTRIES:
        assert len(set(evaluation_names.GIVEN_FEMALE[country])) >= 40, country
        assert len(set(evaluation_names.GIVEN_MALE[country])) >= 40, country
        assert len(set(evaluation_names.FAMILY[country])) >= 60, country
        assert evaluation_names.PLACES[country], country


def test_fifty_thousand_records_are_generated():
    records = generator.generate(50_000, seed=9)
    assert len(records) == 50_000
