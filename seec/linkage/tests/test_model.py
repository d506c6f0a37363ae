"""The model finds the same child across scripts, conventions and swapped birth dates, and
tells a sibling apart; figures on the region's labelled generator."""

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
