"""The model finds the same child across scripts, conventions and swapped birth dates, and
tells a sibling apart; figures on the region's labelled generator."""

import math
from datetime import date

import pytest

from seec.linkage import generator, model
from seec.linkage.records import PersonRecord, from_generated, linkage_rows

JOVANA_RS = PersonRecord(
    "rs-1", "RS", "Јована", "Петровић", sex="female", date_of_birth=date(2012, 3, 7),
    nationality="RS", event_date=date(2026, 10, 1), country="RS",
)  # fmt: skip
JOVANA_GR = PersonRecord(
    "gr-1", "GR", "Γιοβάνα", "Πέτροβιτς", sex="female", date_of_birth=date(2012, 7, 3),
    nationality="RS", event_date=date(2026, 10, 20), country="GR",
)  # fmt: skip
SISTER_GR = PersonRecord(
    "gr-2", "GR", "Μαρίνα", "Πέτροβιτς", sex="female", date_of_birth=date(2014, 5, 2),
    nationality="RS", event_date=date(2026, 10, 20), country="GR",
)  # fmt: skip


@pytest.fixture(scope="module")
def crowd():
    """A few thousand other children of the region, for the model to score against."""
    return [from_generated(row) for row in generator.generate(3000, seed=11)]


def test_a_cyrillic_and_a_greek_record_with_swapped_birth_date_are_one_child(crowd):
    serbian = linkage_rows([*[r for r in crowd if r.country != "GR"], JOVANA_RS])
    greek = linkage_rows([*[r for r in crowd if r.country == "GR"], JOVANA_GR, SISTER_GR])
    result = model.link([serbian, greek], threshold=0.5)
    pairs = {(p["left"], p["right"]): p for p in result.pairs}
    pair = pairs.get(("rs-1", "gr-1")) or pairs.get(("gr-1", "rs-1"))
    assert pair is not None and pair["probability"] > 0.9
    assert pair["contributions"]["given_name"] > 0 and pair["contributions"]["dob"] > 0
    assert ("rs-1", "gr-2") not in pairs and ("gr-2", "rs-1") not in pairs  # the sister


def test_the_reference_model_links_the_generators_children_well(crowd):
    records = [from_generated(row) for row in generator.generate(6000, seed=12)]
    truth = {tuple(sorted(p)) for p in generator.true_pairs(generator.generate(6000, seed=12))}
    result = model.link([linkage_rows(records)], threshold=0.5)
    found = {tuple(sorted((p["left"], p["right"]))) for p in result.pairs}
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    assert precision > 0.85 and recall > 0.8, (precision, recall)


def test_no_level_is_left_impossible_after_training():
    """A level never seen among matches (m = 0, or no m at all) would veto every pair at it."""
    parameters = model.reference_parameters("dedupe_only")
    sex = next(c for c in parameters["comparisons"] if c["output_column_name"] == "sex")
    sex["comparison_levels"][-1].pop("m_probability", None)
    floored = model.with_m_floor(parameters)
    for comparison in floored["comparisons"]:
        ms = [
            level.get("m_probability")
            for level in comparison["comparison_levels"]
            if not level.get("is_null_level")
        ]
        if any(isinstance(m, float) for m in ms):
            assert min(ms) >= model.M_FLOOR and sum(ms) == pytest.approx(1.0, abs=0.01)


def test_an_address_keeps_its_numbers_and_is_compared_by_its_words():
    """A postcode or house number is the most telling part of an address; the same address
    written without its town is one within the other, not a different address."""
    with_town = PersonRecord("a", "GR", "Ana", "Lungu", address="Bristol, BS2 0EL")
    without = PersonRecord("b", "GR", "Ana", "Lungu", address="BS2 0EL")
    other = PersonRecord("c", "GR", "Ana", "Lungu", address="Bristol, BS9 4AA")
    rows = linkage_rows([with_town, without, other])
    assert rows[0]["address"] == "bristol bs2 0el"
    result = model.link([rows], threshold=0.0, learn="")
    levels = {tuple(sorted((p["left"], p["right"]))): p["levels"]["address"] for p in result.pairs}
    address = next(
        c
        for c in model.comparisons()
        if isinstance(c, dict) and c["output_column_name"] == "address"
    )
    labels = [level["label_for_charts"] for level in address["comparison_levels"][1:]]
    # Splink numbers the levels from the last (0) up, the null level apart.
    assert labels[len(labels) - 1 - levels[("a", "b")]] == "one within the other"
    assert labels[len(labels) - 1 - levels[("a", "c")]] != "one within the other"


def _level(result, pair: tuple[str, str], comparison: str) -> str:
    """The label of the level a pair is at (Splink numbers the levels from the last, 0, up,
    the null level apart)."""
    found = {tuple(sorted((p["left"], p["right"]))): p for p in result.pairs}
    levels = next(
        c["comparison_levels"] for c in result.parameters["comparisons"]
        if c["output_column_name"] == comparison
    )  # fmt: skip
    labels = [level.get("label_for_charts") for level in levels if not level.get("is_null_level")]
    return labels[len(labels) - 1 - found[tuple(sorted(pair))]["levels"][comparison]]


def test_a_guessed_birth_date_counts_for_its_year_only():
    """Officers without papers write 1 January of the year they guess: two such guesses are
    the same year, not the same birth date."""
    guessed = {"date_of_birth": date(2014, 1, 1), "dob_estimated": True}
    records = [
        PersonRecord("g1", "GR", "Ana", "Lungu", **guessed),
        PersonRecord("g2", "GR", "Ana", "Lungu", **guessed),
        PersonRecord("k1", "GR", "Ana", "Lungu", date_of_birth=date(2014, 1, 1)),
        PersonRecord("k2", "GR", "Ana", "Lungu", date_of_birth=date(2014, 1, 1)),
    ]
    result = model.link([linkage_rows(records)], threshold=0.0, learn="")
    assert _level(result, ("g1", "g2"), "dob") == "same year, a date guessed"
    assert _level(result, ("g1", "k1"), "dob") == "same year, a date guessed"
    assert _level(result, ("k1", "k2"), "dob") == "same date"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Τσιναρ", "Çınar"),  # Turkish ç and ı in Greek
        ("Τζορτζεβιτς", "Ђорђевић"),  # Serbian đ and ć in Greek
        ("Τζονι", "Gjoni"),  # Albanian gj
        ("Кетеліна", "Cătălina"),  # Romanian ă in Ukrainian
        ("Кожокару", "Cojocaru"),  # Romanian c and j in Russian
        ("Γιουτζελ", "Yücel"),  # Turkish ü and c in Greek
    ],
)
def test_a_name_written_by_another_scripts_convention_sounds_alike(one, other):
    rows = linkage_rows([PersonRecord("a", "x", one, "X"), PersonRecord("b", "x", other, "X")])
    assert set(rows[0]["given_skeletons"]) & set(rows[1]["given_skeletons"])


def test_different_names_do_not_sound_alike():
    rows = linkage_rows([PersonRecord("a", "x", "Petar", "X"), PersonRecord("b", "x", "Ivan", "X")])
    assert not set(rows[0]["given_skeletons"]) & set(rows[1]["given_skeletons"])


def test_a_nickname_learnt_from_other_records_links_the_short_name_to_the_full_one():
    """Two records say that Бубе is what Иван is called (a family's own pet name, in no
    list); a record of Bube (Latin, no other names) and one of Иван (no other names) are
    then compared as name and nickname."""
    records = [
        PersonRecord("t1", "RS", "Иван", "Марковић", other_names="Бубе"),
        PersonRecord("t2", "HR", "Ivan", "Horvat", other_names="Bube"),
        PersonRecord("a", "HR", "Bube", "Kovač", date_of_birth=date(2012, 5, 1)),
        PersonRecord("b", "RS", "Иван", "Ковач", date_of_birth=date(2012, 5, 1)),
    ]
    result = model.link([linkage_rows(records)], threshold=0.0, learn="")
    assert _level(result, ("a", "b"), "given_name") == "nickname or swapped"
    # Said by one record only, it is not the region's usage yet.
    result = model.link([linkage_rows([records[0], *records[2:]])], threshold=0.0, learn="")
    assert _level(result, ("a", "b"), "given_name") != "nickname or swapped"


def test_a_diminutive_of_the_regions_lists_counts_as_a_nickname():
    """Гошо is Георги in Bulgarian (seec/transliteration/data/diminutives): no record needs
    to teach it, and a Latin spelling of the pet name finds the Cyrillic full name."""
    records = [
        PersonRecord("a", "GR", "Gosho", "Ivanov", date_of_birth=date(2012, 5, 1)),
        PersonRecord("b", "BG", "Георги", "Иванов", date_of_birth=date(2012, 5, 1)),
    ]
    result = model.link([linkage_rows(records)], threshold=0.0, learn="")
    assert _level(result, ("a", "b"), "given_name") == "nickname or swapped"


def test_one_of_two_family_names_dropped_still_agrees():
    records = [
        PersonRecord("a", "RS", "Ana", "Петровић Јовановић", date_of_birth=date(2012, 5, 1)),
        PersonRecord("b", "HR", "Ana", "Jovanović", date_of_birth=date(2012, 5, 1)),
    ]
    result = model.link([linkage_rows(records)], threshold=0.0, learn="")
    assert _level(result, ("a", "b"), "family_name") == "same"


def test_a_swap_of_two_names_counts_once_and_needs_the_birth_year():
    """Two swapped names count once, as both names' evidence, in the family name's
    comparison (the given name's says nothing); with birth years three years apart they are
    no swap at all, and the names say nothing either way."""
    swapped = [
        PersonRecord("a", "AL", "Flamur", "Berisha", date_of_birth=date(2013, 5, 1)),
        PersonRecord("b", "XK", "Berisha", "Flamur", date_of_birth=date(2013, 5, 1)),
    ]
    result = model.link([linkage_rows(swapped)], threshold=0.0, learn="")
    assert _level(result, ("a", "b"), "family_name") == model.BOTH_SWAPPED_LEVEL
    assert result.pairs[0]["contributions"]["given_name"] == 0
    apart = [
        swapped[0],
        PersonRecord("b", "XK", "Berisha", "Flamur", date_of_birth=date(2010, 5, 1)),
    ]
    result = model.link([linkage_rows(apart)], threshold=0.0, learn="")
    assert result.pairs[0]["levels"]["family_name"] == -1  # the null level: no evidence
    assert result.pairs[0]["contributions"]["given_name"] == 0
    assert result.pairs[0]["contributions"]["family_name"] == 0


def test_two_swapped_names_weigh_no_more_than_both_names_written_alike():
    parameters = model.capped_swap(model.reference_parameters("dedupe_only"))
    weights = {
        (comparison["output_column_name"], level.get("label_for_charts")): math.log2(
            level["m_probability"] / level["u_probability"]
        )
        for comparison in parameters["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("u_probability")
    }
    both_alike = weights[("given_name", "same")] + weights[("family_name", "same")]
    swap = weights[("family_name", model.BOTH_SWAPPED_LEVEL)]
    assert swap <= both_alike + 1e-9
    # More than one name's evidence: two names agree, each in the other's field.
    assert swap > max(weights[("given_name", "same")], weights[("family_name", "same")])


def test_the_field_weights_shown_to_a_reviewer_add_up_to_the_pairs_weight(crowd):
    """A shared common name counts for less than a rare one: the field weights include the
    name-frequency adjustment, so that with the prior they make the pair's match weight."""
    result = model.link([linkage_rows(crowd)], threshold=0.5)
    share = result.parameters["probability_two_random_records_match"]
    prior = math.log2(share / (1 - share))
    assert result.pairs
    for pair in result.pairs[:200]:
        assert pair["weight"] == pytest.approx(
            prior + sum(pair["contributions"].values()), abs=0.01
        )


GIVEN = ("Ana", "Marko", "Elena", "Stefan", "Jovana", "Nikola", "Irina", "Bogdan", "Vesna")
FAMILY = ("Petrović", "Kovač", "Hoxha", "Popescu", "Yılmaz", "Novak", "Dimitrov", "Shehu")


def _families(count: int, *, twins_every: int = 2) -> list[PersonRecord]:
    """Two children of each family: one family name, one place, registered on one day,
    different given names; every `twins_every`-th pair twins (one birth date), the others
    born ten months apart in one year. Families of one name live in different towns."""
    records = []
    for i in range(count):
        family = FAMILY[i % len(FAMILY)]
        first, second = GIVEN[i % len(GIVEN)], GIVEN[(i + 4) % len(GIVEN)]
        born = date(2008 + i % 9, 1, 3 + i % 20)
        other = born if i % twins_every == 0 else born.replace(month=11)
        place = {"latitude": 40.0 + i * 0.1, "longitude": 20.0 + (i % 7) * 0.1}
        seen = date(2025, 1 + i % 12, 1 + i % 28)
        for n, (given, dob) in enumerate(((first, born), (second, other))):
            records.append(
                PersonRecord(
                    f"f{i}-{n}",
                    "RS",
                    given,
                    family,
                    sex="female" if n else "male",
                    date_of_birth=dob,
                    nationality="RS",
                    event_date=seen,
                    country="RS",
                    **place,
                )
            )
    return records


def _pair(result, left: str, right: str) -> dict:
    return next(p for p in result.pairs if {p["left"], p["right"]} == {left, right})


def test_twins_sharing_family_name_and_place_score_below_the_threshold():
    """Two children of one family share their family name, their place, the day they were
    registered and, twins, their birth date: counted as independent, those agreements beat
    their different given names. The run learns from its own sibling-like pairs what the
    dates are worth among them and takes back what was counted twice; a child's own second
    record (the same given name) still links."""
    records = _families(300)
    twin, sister = records[0], records[1]
    assert (twin.family_name, twin.date_of_birth) == (sister.family_name, sister.date_of_birth)
    again = PersonRecord(
        "again", "GR", twin.given_name, twin.family_name, sex=twin.sex,
        date_of_birth=twin.date_of_birth, nationality="RS",
        event_date=date(2025, 3, 1), country="GR", latitude=twin.latitude,
        longitude=twin.longitude,
    )  # fmt: skip
    result = model.link([linkage_rows([*records, again])], threshold=0.0)
    assert any(
        c["output_column_name"] == model.FAMILY_AND_PLACE for c in result.parameters["comparisons"]
    )
    twins = _pair(result, twin.record_id, sister.record_id)
    assert (
        _level(result, (twin.record_id, sister.record_id), model.FAMILY_AND_PLACE)
        == (model.SIBLING_LEVELS[0])
    )
    assert twins["contributions"][model.FAMILY_AND_PLACE] < 0
    assert twins["probability"] < 0.5
    assert _pair(result, twin.record_id, "again")["probability"] > 0.5
    # Its evidence only ever takes away.
    comparison = next(
        c for c in result.parameters["comparisons"]
        if c["output_column_name"] == model.FAMILY_AND_PLACE
    )  # fmt: skip
    for level in comparison["comparison_levels"][1:]:
        assert level["m_probability"] <= level["u_probability"]
    # The run's stored model scores the pair alike again (evaluate_linkage re-scores with it).
    rescored = model.link(
        [linkage_rows([*records, again])], threshold=0.0, learn="", parameters=result.parameters
    )
    assert _pair(rescored, twin.record_id, sister.record_id)["probability"] == pytest.approx(
        twins["probability"], abs=1e-6
    )


def test_without_the_comparison_the_same_twins_would_be_one_child():
    """The same twins scored with the comparison left out of the run's model (what the
    model did before): above the threshold. What moves them below is the comparison."""
    records = _families(300)
    rows = linkage_rows(records)
    with_siblings = model.link([rows], threshold=0.0)
    without = model.link(
        [rows],
        threshold=0.0,
        learn="",
        parameters={
            **with_siblings.parameters,
            "comparisons": [
                c
                for c in with_siblings.parameters["comparisons"]
                if c["output_column_name"] != model.FAMILY_AND_PLACE
            ],
        },
    )
    assert _pair(without, "f0-0", "f0-1")["probability"] > 0.5
    assert _pair(with_siblings, "f0-0", "f0-1")["probability"] < 0.5


def test_the_comparison_is_left_out_when_a_run_has_few_sibling_like_pairs():
    """A few dozen families say too little of how often siblings share their dates: the
    run's model has no such comparison, and no pair a level or a weight of it. (The other
    children share one family name, each in a town of its own, 11 km from the next.)"""
    records = _families(60) + [
        PersonRecord(
            f"c{i}",
            "RS",
            GIVEN[i % len(GIVEN)],
            "Lungu",
            date_of_birth=date(2010, 1, 1 + i % 28),
            latitude=35.0 + i * 0.1,
            longitude=21.0,
        )
        for i in range(500)
    ]
    result = model.link([linkage_rows(records)], threshold=0.0)
    assert not any(
        c["output_column_name"] == model.FAMILY_AND_PLACE for c in result.parameters["comparisons"]
    )
    assert all(model.FAMILY_AND_PLACE not in p["levels"] for p in result.pairs)
    assert all(model.FAMILY_AND_PLACE not in p["contributions"] for p in result.pairs)


def test_the_sibling_levels_weigh_what_siblings_share_beyond_chance():
    """From a run's counts: a level its sibling-like pairs fall in far more often than one
    child's records would (born and registered together) is marked down by what the dates
    counted beyond that; a level they fall in less often weighs nothing (never a plus)."""
    import pandas as pd

    parameters = model.with_family_and_place(model.reference_parameters("dedupe_only"), "duckdb")
    by_name = {c["output_column_name"]: c for c in parameters["comparisons"]}
    gamma = {
        level["label_for_charts"]: g for g, level in model._gammas(by_name[model.FAMILY_AND_PLACE])
    }
    dob = {level["label_for_charts"]: g for g, level in model._gammas(by_name["dob"])}
    event_exact = max(g for g, _ in model._gammas(by_name["event_date"]))
    siblings = pd.DataFrame(
        [
            # Twins registered on one day, and siblings born years apart, registered later.
            (gamma[model.SIBLING_LEVELS[0]], dob["same date"], event_exact, 150),
            (gamma[model.SIBLING_LEVELS[4]], dob["different known dates"], 0, 150),
        ],
        columns=[f"gamma_{model.FAMILY_AND_PLACE}", "gamma_dob", "gamma_event_date", "pairs"],
    )
    weighed = model.family_and_place_weights(parameters, siblings)
    levels = {
        level["label_for_charts"]: math.log2(level["m_probability"] / level["u_probability"])
        for comparison in weighed["comparisons"]
        if comparison["output_column_name"] == model.FAMILY_AND_PLACE
        for level in comparison["comparison_levels"][1:]
    }
    assert levels[model.SIBLING_LEVELS[0]] < -8  # the same date and the same day, twice counted
    assert levels[model.SIBLING_LEVELS[4]] == 0  # dates that differ counted nothing for a match
    assert all(weight <= 0 for weight in levels.values())
    # Fewer pairs than the least to learn from: left out.
    few = siblings.assign(pairs=[50, 50])
    assert not any(
        c["output_column_name"] == model.FAMILY_AND_PLACE
        for c in model.family_and_place_weights(parameters, few)["comparisons"]
    )


def test_pairs_scored_from_their_levels_are_those_splink_predicts_with_the_learnt_model(crowd):
    """A run compares its pairs once (`pair_levels`), learns from them, then scores them from
    their levels: the same pairs, weights and probabilities as Splink's predict with the
    model learnt, name-frequency adjustments included."""
    import pyarrow as pa
    from splink import Linker

    rows = linkage_rows(crowd)
    parameters = model.with_family_and_place(model.reference_parameters("dedupe_only"), "duckdb")
    parameters["blocking_rules_to_generate_predictions"] = model._blocking_dicts(
        model.blocking_for(len(rows)), "duckdb"
    )
    with model._database("duckdb") as db:
        records = pa.Table.from_pylist(rows, schema=model.SCHEMA)
        table = db.register(records, dataset_display_name="d")
        first = Linker([table], parameters)
        pair_table = model.pair_levels(first)
        learnt = model.learn_from_run(first, [table], model.pairs_possible([len(rows)]), pair_table)
        ours = model.scored_pairs(learnt, pair_table, 0.5).as_pandas_dataframe()
        splinks = learnt.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    # The run learnt a model of its own: the levels were scored with weights they were not
    # kept with.
    assert (
        learnt.misc.save_model_to_json()["probability_two_random_records_match"]
        != (parameters["probability_two_random_records_match"])
    )
    assert len(splinks) > 100
    ours = ours.set_index(["unique_id_l", "unique_id_r"]).sort_index()
    splinks = splinks.set_index(["unique_id_l", "unique_id_r"]).sort_index()
    assert list(ours.index) == list(splinks.index)
    for column in ours.columns:
        if column.startswith("gamma_"):
            assert (ours[column] == splinks[column]).all(), column
        else:
            assert (ours[column] - splinks[column]).abs().max() < 1e-9, column
