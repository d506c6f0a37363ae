"""Privacy-preserving record linkage with keyed Bloom-filter encodings (seec/linkage/pprl.py).

Pure functions: no database. The accuracy test prints its figures (pytest -s to see them).
"""

import dataclasses
from datetime import date

import numpy as np
import pytest

from seec.linkage import generator, pprl

KEY = b"agreement RS-GR 2026: shared secret"
SCHEMA = pprl.Schema()


def child(record_id, given, family, birth, sex="female", **extra):
    return {
        "record_id": record_id, "given_name": given, "family_name": family,
        "date_of_birth": birth, "sex": sex, **extra,
    }  # fmt: skip


REFERENCE = pprl.reference_weights(SCHEMA)


def score(a, b):
    """The match probability of two records under the reference weights."""
    ea, eb = pprl.encode([a], SCHEMA, KEY), pprl.encode([b], SCHEMA, KEY)
    levels = pprl.comparison_levels(ea, np.array([0]), eb, np.array([0]))
    return float(REFERENCE.probability(levels)[0])


# Novi Sad, where the Serbian centre registered her; the Greek one met her at the border.
NOVI_SAD = {"latitude": 45.25, "longitude": 19.84, "nationality": "RS"}
EVZONOI = {"latitude": 41.1, "longitude": 22.55, "nationality": "RS"}


def test_the_reference_weights_are_trained_for_the_default_schema():
    # Retrain (manage.py train_pprl_reference) after changing fields or comparisons.
    assert REFERENCE is not None
    weights = dict(zip(REFERENCE.comparisons, REFERENCE.weights(), strict=True))
    # Agreeing is evidence for, disagreeing against, on every comparison.
    for name, levels in weights.items():
        assert levels[0] > 0 > levels[-1], name


def test_a_cyrillic_and_a_greek_spelling_of_one_child_match_and_her_sister_does_not():
    serbian = child("rs-1", "Александра", "Петровић", date(2011, 4, 9), **NOVI_SAD)
    # The Greek reception centre wrote her name by ear and swapped day and month.
    greek = child("gr-7", "Αλεξάνδρα", "Πέτροβιτς", date(2011, 9, 4), **EVZONOI)
    sister = child("rs-2", "Марија", "Петровић", date(2013, 2, 17), **NOVI_SAD)
    threshold = 0.5
    assert score(serbian, greek) > 0.9
    assert score(greek, sister) < threshold
    assert score(serbian, sister) < threshold

    found = pprl.match(
        pprl.encode([serbian, sister], SCHEMA, KEY),
        pprl.encode([greek], SCHEMA, KEY),
        threshold,
        weights=REFERENCE,
    )
    assert [(a, b) for a, b, _ in found] == [("rs-1", "gr-7")]


def test_a_brother_reported_with_her_the_same_day_does_not_match_her():
    # Same family name, place, nationality and day reported; another given name and a birth
    # date a year and two months apart. (A twin, born the same day, is beyond the fields:
    # only the given name would tell, and nicknames make that evidence weak.)
    seen = {"event_date": date(2025, 5, 2), **NOVI_SAD}
    ana = child("rs-1", "Ана", "Јовановић", date(2012, 6, 3), **seen)
    ana_in_latin = child("hr-4", "Ana", "Jovanovic", date(2012, 6, 3), **seen)
    brother = child("rs-2", "Милош", "Јовановић", date(2013, 8, 11), sex="male", **seen)
    sister = child("rs-3", "Милица", "Јовановић", date(2013, 8, 11), **seen)
    assert score(ana, ana_in_latin) > 0.99
    for sibling in (brother, sister):
        assert score(ana, sibling) < 0.5
        assert score(ana_in_latin, sibling) < 0.5


def test_given_and_family_names_swapped_or_a_nickname_still_match():
    written = child("a", "Đorđe", "Jovanović", date(2010, 3, 1), sex="male")
    swapped = child("b", "Јовановић", "Ђорђе", date(2010, 3, 1), sex="male")
    assert score(written, swapped) > 0.9
    # Another centre knew him as Đole: its given name is among his other names here.
    known_as = child("c", "Đorđe", "Jovanović", date(2010, 3, 1), sex="male", other_names="Đole")
    nickname = child("d", "Đole", "Jovanović", date(2010, 3, 1), sex="male")
    assert score(known_as, nickname) > 0.9
    # Without the other name, the same pair is much weaker evidence.
    assert score(written, nickname) < score(known_as, nickname)


def test_one_name_alike_the_others_other_name_is_no_swap():
    # Георги is much of Георгиев: two boys of one town, not one boy with his names swapped.
    seen = {"event_date": date(2024, 10, 7), "latitude": 42.7, "longitude": 23.32}
    zhivko = child("bg-1", "Живко", "Георгиев", date(2017, 9, 19), sex="male", **seen)
    georgi = child("bg-2", "Георги", "Димитров", date(2018, 1, 1), sex="male", **seen)
    georgi["dob_estimated"] = True
    assert score(zhivko, georgi) < 0.5
    swapped = child("bg-3", "Георгиев", "Живко", date(2017, 9, 19), sex="male", **seen)
    assert score(zhivko, swapped) > 0.99


def test_the_exchange_file_holds_no_name_and_reads_back_the_same():
    encodings = pprl.encode(generator.generate(200, seed=1), SCHEMA, KEY)
    data = encodings.to_bytes()
    assert "Ђорђевић".encode() not in data and b'given_name": "' not in data
    assert KEY not in data
    back = pprl.Encodings.from_bytes(data, SCHEMA, KEY)
    assert back.ids == encodings.ids
    assert np.array_equal(back.clks, encodings.clks)
    assert np.array_equal(back.block_tokens, encodings.block_tokens)


def test_a_file_encoded_with_another_key_and_schema_is_refused_with_every_problem():
    other_schema = dataclasses.replace(
        SCHEMA,
        fields=(dataclasses.replace(SCHEMA.fields[0], hashes=20), *SCHEMA.fields[1:-1]),
        lsh_bands=10,
    )
    records = generator.generate(50, seed=2)
    data = pprl.encode(records, other_schema, b"another agreement's key").to_bytes()
    with pytest.raises(pprl.EncodingRefused) as refused:
        pprl.Encodings.from_bytes(data, SCHEMA, KEY)
    problems = refused.value.problems
    assert any("another key" in p for p in problems)
    assert any("lsh_bands" in p for p in problems)
    assert any("“given_name”" in p and "hashes" in p for p in problems)
    left_out = SCHEMA.fields[-1].name
    assert any(f"“{left_out}”" in p and "missing" in p for p in problems)
    assert len(problems) == 4


def test_a_file_of_an_earlier_schema_version_is_refused():
    older = dataclasses.replace(SCHEMA, version=SCHEMA.version - 1)
    data = pprl.encode(generator.generate(20, seed=2), older, KEY).to_bytes()
    with pytest.raises(pprl.EncodingRefused) as refused:
        pprl.Encodings.from_bytes(data, SCHEMA, KEY)
    assert refused.value.problems == [
        f"Schema setting “version” is {SCHEMA.version - 1} in the file but {SCHEMA.version} "
        "in this agreement."
    ]


def test_a_file_that_is_not_an_encoding_or_is_cut_short_is_refused():
    with pytest.raises(pprl.EncodingRefused):
        pprl.Encodings.from_bytes(b"name,surname\nAna,Popa\n", SCHEMA, KEY)
    data = pprl.encode(generator.generate(20, seed=3), SCHEMA, KEY).to_bytes()
    with pytest.raises(pprl.EncodingRefused) as refused:
        pprl.Encodings.from_bytes(data[:-5], SCHEMA, KEY)
    assert any("truncated" in p for p in refused.value.problems)


def test_encodings_under_different_keys_are_not_compared():
    records = generator.generate(20, seed=4)
    with pytest.raises(pprl.EncodingRefused):
        pprl.match(pprl.encode(records, SCHEMA, KEY), pprl.encode(records, SCHEMA, b"x"), 0.8)


def f1_at(found: np.ndarray, is_true: np.ndarray, true_pairs: int) -> tuple[float, float, float]:
    hits = int((found & is_true).sum())
    precision = hits / max(int(found.sum()), 1)
    recall = hits / true_pairs
    return 2 * precision * recall / max(precision + recall, 1e-12), precision, recall


def test_pprl_accuracy_on_five_thousand_regional_records_is_close_to_plain_text():
    records = generator.generate(5_000, seed=7)
    truth = generator.true_pairs(records)
    encodings = pprl.encode(records, SCHEMA, KEY)
    rows_a, rows_b = pprl.candidate_pairs(encodings, encodings)
    ids = encodings.ids
    pairs = [tuple(sorted((ids[i], ids[j]))) for i, j in zip(rows_a, rows_b, strict=True)]
    is_true = np.fromiter((p in truth for p in pairs), dtype=bool, count=len(pairs))
    blocking_recall = is_true.sum() / len(truth)
    levels = pprl.comparison_levels(encodings, rows_a, encodings, rows_b)
    weights = pprl.learn(encodings, levels, reference=REFERENCE)
    encoded = f1_at(weights.probability(levels) >= 0.5, is_true, len(truth))

    # Plain text: the same features, comparisons and learning, each Dice coefficient taken
    # on the feature sets themselves (no hashing, no Bloom-filter collisions).
    features = [pprl.record_features(r, SCHEMA) for r in records]
    plain_dice = pprl.feature_dice(features, rows_a, features, rows_b)
    plain_levels = pprl.comparison_levels(encodings, rows_a, encodings, rows_b, dice=plain_dice)
    plain_weights = pprl.learn(encodings, plain_levels, reference=REFERENCE)
    plain_text = f1_at(plain_weights.probability(plain_levels) >= 0.5, is_true, len(truth))

    print(
        f"\n{len(records)} records, {len(truth)} true pairs, {len(pairs)} candidate pairs "
        f"(blocking recall {blocking_recall:.3f})"
        f"\nPPRL        F1 {encoded[0]:.3f} (precision {encoded[1]:.3f}, recall "
        f"{encoded[2]:.3f}) at match probability 0.5"
        f"\nplain text  F1 {plain_text[0]:.3f} (precision {plain_text[1]:.3f}, recall "
        f"{plain_text[2]:.3f})"
    )
    assert blocking_recall > 0.97
    assert len(pairs) < 0.05 * len(records) ** 2 / 2
    assert encoded[0] > 0.8
    assert encoded[0] > plain_text[0] - 0.03


def test_two_parties_in_different_scripts_link_their_children_from_the_encodings_alone():
    # One party writes Latin, the other Cyrillic and Greek: every true pair crosses scripts.
    records = generator.generate(6_000, seed=12)
    latin = [r for r in records if r["script"] == "Latn"]
    other = [r for r in records if r["script"] != "Latn"]
    script = {r["record_id"]: r["script"] == "Latn" for r in records}
    truth = {(a, b) for a, b in generator.true_pairs(records) if script[a] != script[b]}
    found = pprl.match(pprl.encode(latin, SCHEMA, KEY), pprl.encode(other, SCHEMA, KEY), 0.5)
    pairs = {tuple(sorted((a, b))) for a, b, _ in found}
    hits = len(pairs & truth)
    precision, recall = hits / len(pairs), hits / len(truth)
    print(f"\n{len(truth)} cross-script pairs: precision {precision:.3f}, recall {recall:.3f}")
    assert len(truth) > 100
    assert precision > 0.85 and recall > 0.8


def test_learning_finds_the_share_of_matches_and_chance_agreement_without_labels():
    records = generator.generate(4_000, seed=9)
    truth = generator.true_pairs(records)
    encodings = pprl.encode(records, SCHEMA, KEY)
    rows_a, rows_b = pprl.candidate_pairs(encodings, encodings)
    ids = encodings.ids
    is_true = np.fromiter(
        (tuple(sorted((ids[i], ids[j]))) in truth for i, j in zip(rows_a, rows_b, strict=True)),
        dtype=bool,
        count=len(rows_a),
    )
    levels = pprl.comparison_levels(encodings, rows_a, encodings, rows_b)
    assert len(levels) >= pprl.MIN_PAIRS_TO_LEARN  # so that it learns rather than keeps
    learnt = pprl.learn(encodings, levels, reference=REFERENCE)
    # The share of matches among the compared pairs, as the labels have it.
    assert 0.7 < learnt.prior / is_true.mean() < 1.5
    # Chance agreement, as the labels have it, on each comparison's levels.
    for column, (name, u) in enumerate(zip(learnt.comparisons, learnt.u, strict=True)):
        labelled = pprl._shares(levels[~is_true, column], len(u), 0.5)
        assert np.abs(u - labelled).max() < 0.01, name
    # Another start gives the same answer: EM converged rather than stopped.
    other_start = dataclasses.replace(REFERENCE, prior=REFERENCE.prior * 10)
    again = pprl.learn(encodings, levels, reference=other_start)
    assert abs(again.prior - learnt.prior) < 0.05 * learnt.prior


def test_too_few_pairs_keep_the_reference_weights():
    records = generator.generate(100, seed=9)
    encodings = pprl.encode(records, SCHEMA, KEY)
    rows_a, rows_b = pprl.candidate_pairs(encodings, encodings)
    levels = pprl.comparison_levels(encodings, rows_a, encodings, rows_b)
    assert pprl.learn(encodings, levels, reference=REFERENCE) is REFERENCE


def test_one_to_one_keeps_each_records_best_partner_only():
    from seec.linkage.pprl import one_to_one

    matches = [("a1", "b1", 0.95), ("a2", "b1", 0.9), ("a1", "b2", 0.85), ("a2", "b2", 0.7)]
    assert one_to_one(matches) == [("a1", "b1", 0.95), ("a2", "b2", 0.7)]


def test_a_document_number_is_compared_by_its_letters_and_digits_as_written():
    schema = dataclasses.replace(
        SCHEMA,
        fields=(
            *SCHEMA.fields,
            pprl.Field("document", pprl.CHARACTERS, ("document_number",), bits=256, hashes=8),
        ),
    )

    def features(number):
        return pprl.record_features({"document_number": number}, schema)["document"]

    assert features("AB 123-456") == features("ab123456") != set()
    assert features(" - ") == features(None) == set()
