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


def score(a, b):
    ea, eb = pprl.encode([a], SCHEMA, KEY), pprl.encode([b], SCHEMA, KEY)
    return float(pprl.dice(ea, np.array([0]), eb, np.array([0]))[0])


def test_a_cyrillic_and_a_greek_spelling_of_one_child_match_and_her_sister_does_not():
    serbian = child("rs-1", "Александра", "Петровић", date(2011, 4, 9))
    # The Greek reception centre wrote her name by ear and swapped day and month.
    greek = child("gr-7", "Αλεξάνδρα", "Πέτροβιτς", date(2011, 9, 4))
    sister = child("rs-2", "Марија", "Петровић", date(2013, 2, 17))
    threshold = 0.75
    assert score(serbian, greek) > threshold
    assert score(greek, sister) < threshold
    assert score(serbian, sister) < threshold

    found = pprl.match(
        pprl.encode([serbian, sister], SCHEMA, KEY), pprl.encode([greek], SCHEMA, KEY), threshold
    )
    assert [(a, b) for a, b, _ in found] == [("rs-1", "gr-7")]


def test_given_and_family_names_swapped_still_match():
    written = child("a", "Đorđe", "Jovanović", date(2010, 3, 1), sex="male")
    swapped = child("b", "Јовановић", "Ђорђе", date(2010, 3, 1), sex="male")
    assert score(written, swapped) > 0.95


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
        fields=(dataclasses.replace(SCHEMA.fields[0], hashes=20), *SCHEMA.fields[1:3]),
        lsh_bands=10,
    )
    records = generator.generate(50, seed=2)
    data = pprl.encode(records, other_schema, b"another agreement's key").to_bytes()
    with pytest.raises(pprl.EncodingRefused) as refused:
        pprl.Encodings.from_bytes(data, SCHEMA, KEY)
    problems = refused.value.problems
    assert any("another key" in p for p in problems)
    assert any("lsh_bands" in p for p in problems)
    assert any("“name”" in p and "hashes" in p for p in problems)
    assert any("“sex”" in p and "missing" in p for p in problems)
    assert len(problems) == 4


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


def best_f1(pairs, scores, truth):
    order = np.argsort(-scores, kind="stable")
    is_true = np.fromiter((pairs[i] in truth for i in order), dtype=bool, count=len(order))
    found = np.cumsum(is_true)
    precision = found / np.arange(1, len(order) + 1)
    recall = found / len(truth)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    best = int(np.argmax(f1))
    return float(f1[best]), float(precision[best]), float(recall[best]), float(scores[order][best])


def test_pprl_accuracy_on_five_thousand_regional_records_is_close_to_plain_text():
    records = generator.generate(5_000, seed=7)
    truth = generator.true_pairs(records)
    encodings = pprl.encode(records, SCHEMA, KEY)
    rows_a, rows_b = pprl.candidate_pairs(encodings, encodings)
    ids = encodings.ids
    pairs = [tuple(sorted((ids[i], ids[j]))) for i, j in zip(rows_a, rows_b, strict=True)]
    blocking_recall = len(set(pairs) & truth) / len(truth)
    encoded = best_f1(pairs, pprl.dice(encodings, rows_a, encodings, rows_b), truth)

    # Plain text: the same features and weights compared as sets (no hashing, no Bloom
    # filter collisions) on every candidate pair and every true pair (no blocking losses).
    features = {r["record_id"]: pprl.record_features(r, SCHEMA) for r in records}
    weights = {f.name: f.weight for f in SCHEMA.fields}

    def plain(a, b):
        fa, fb = features[a], features[b]
        present = [k for k in weights if fa[k] and fb[k]]
        total = sum(weights[k] for k in present)
        shared = sum(
            weights[k] * 2 * len(fa[k] & fb[k]) / (len(fa[k]) + len(fb[k])) for k in present
        )
        return shared / total if total else 0.0

    plain_pairs = sorted(set(pairs) | truth)
    plain_scores = np.array([plain(a, b) for a, b in plain_pairs])
    plain_text = best_f1(plain_pairs, plain_scores, truth)

    print(
        f"\n{len(records)} records, {len(truth)} true pairs, {len(pairs)} candidate pairs "
        f"(blocking recall {blocking_recall:.3f})"
        f"\nPPRL        F1 {encoded[0]:.3f} (precision {encoded[1]:.3f}, recall "
        f"{encoded[2]:.3f}) at Dice {encoded[3]:.3f}"
        f"\nplain text  F1 {plain_text[0]:.3f} (precision {plain_text[1]:.3f}, recall "
        f"{plain_text[2]:.3f}) at {plain_text[3]:.3f}"
    )
    assert blocking_recall > 0.97
    assert len(pairs) < 0.05 * len(records) ** 2 / 2
    assert encoded[0] > 0.8
    assert encoded[0] > plain_text[0] - 0.03


def test_one_to_one_keeps_each_records_best_partner_only():
    from seec.linkage.pprl import one_to_one

    matches = [("a1", "b1", 0.95), ("a2", "b1", 0.9), ("a1", "b2", 0.85), ("a2", "b2", 0.7)]
    assert one_to_one(matches) == [("a1", "b1", 0.95), ("a2", "b2", 0.7)]
