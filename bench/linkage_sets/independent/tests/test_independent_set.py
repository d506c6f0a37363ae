"""The set itself: deterministic, every noise kind at its rate, every country and script,
truth consistent, hard negatives present, names long-tailed."""

import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from linkage_sets.independent import generate, load_independent, noise
from linkage_sets.independent.generate import MIN_KM_APART, countries, km
from linkage_sets.independent.make import table
from linkage_sets.independent.translit import script_of

COUNTRIES = {"AL", "BA", "BG", "CY", "GR", "HR", "MD", "ME", "MK", "RO", "RS", "SI", "TR", "UA"}


def test_a_seed_makes_the_same_set_and_another_seed_another():
    one, again, other = generate(400, seed=7), generate(400, seed=7), generate(400, seed=8)
    assert table(one.left) == table(again.left)
    assert table(one.right) == table(again.right)
    assert one.hard_negatives == again.hard_negatives
    assert table(one.left) != table(other.left)


def _within(observed: int, eligible: int, rate: float) -> bool:
    """Four standard errors of a binomial share, and a point for the rounding of small n."""
    return abs(observed / eligible - rate) <= 4 * math.sqrt(rate * (1 - rate) / eligible) + 0.01


@pytest.mark.parametrize("kind", sorted(noise.RATES))
def test_every_noise_kind_occurs_at_its_rate_on_second_records(full_set, kind):
    eligible = sum(kind in r.eligible for r in full_set.right)
    applied = sum(kind in r.noise for r in full_set.right)
    assert eligible >= 40, f"{kind} could apply to only {eligible} records"
    assert all(kind in r.eligible for r in full_set.right if kind in r.noise)
    assert _within(applied, eligible, noise.RATES[kind]), (kind, applied, eligible)


@pytest.mark.parametrize("kind", sorted(noise.FIRST_RATES))
def test_first_records_carry_their_lighter_noise_at_its_rate(full_set, kind):
    eligible = sum(kind in r.eligible for r in full_set.left)
    applied = sum(kind in r.noise for r in full_set.left)
    assert eligible >= 40
    assert _within(applied, eligible, noise.FIRST_RATES[kind]), (kind, applied, eligible)


def test_noise_shows_in_the_written_record(full_set):
    left = {r.child_id: r for r in full_set.left}
    for row in full_set.right:
        if "missing_birth_date" in row.noise:
            assert row.date_of_birth is None and row.age_estimate is not None
        elif "shifted_birth_date" in row.noise:
            child_dob = left[row.child_id].date_of_birth
            assert row.date_of_birth != child_dob or "shifted" not in row.noise
        else:
            assert row.date_of_birth is not None
        if "missing_sex" in row.noise:
            assert row.sex == ""
        if "dropped_second_family_name" in row.noise:
            assert " " not in row.native_family and "-" not in row.native_family
        if "father_name_as_middle" in row.noise:
            assert len(row.native_given.split()) >= 2
    shifted = [r for r in full_set.right if "shifted_birth_date" in r.noise]
    assert any(r.dob_estimated and (r.date_of_birth.month, r.date_of_birth.day) == (1, 1)
               for r in shifted)  # fmt: skip


def test_every_country_community_and_script_is_present(full_set):
    assert {c.country for c in full_set.children} == COUNTRIES
    assert {r.agency for r in full_set.right} == COUNTRIES
    from linkage_sets.independent.names import community_codes

    assert {c.community for c in full_set.children} == set(community_codes())
    scripts = Counter((r.agency, script_of(r.given_name + r.family_name)) for r in full_set.left)
    for country, script in [("RS", "Cyrl"), ("RS", "Latn"), ("MK", "Cyrl"), ("BG", "Cyrl"),
                            ("UA", "Cyrl"), ("GR", "Grek"), ("CY", "Grek"), ("BA", "Cyrl"),
                            ("BA", "Latn"), ("ME", "Latn"), ("TR", "Latn"), ("AL", "Latn"),
                            ("MD", "Latn"), ("MD", "Cyrl")]:  # fmt: skip
        assert scripts[(country, script)] > 0, (country, script)
    conventions = Counter(r.convention for r in full_set.right)
    for convention in ("iso9", "sr_gaj", "sr_ascii_dj", "sr_ascii_plain", "mk_national",
                       "bg_streamlined", "uk_national", "uk_bgn", "ru_icao", "ru_passport_1997",
                       "elot743", "el_phonetic_y", "el_phonetic_g", "ear:de", "ear:fr", "ear:en",
                       "ascii_plain", "ear:el_accented", "ear:bg_cyrl", "ear:sr_cyrl"):  # fmt: skip
        assert conventions[convention] > 0, convention


def test_second_records_are_later_and_far_away_in_another_country(full_set):
    left = {r.child_id: r for r in full_set.left}
    gaps = []
    for row in full_set.right:
        first = left[row.child_id]
        assert row.agency != first.agency
        gap = (row.event_date - first.event_date).days
        assert 1 <= gap <= 730
        gaps.append(gap)
        apart = km((first.latitude, first.longitude), (row.latitude, row.longitude))
        assert apart >= MIN_KM_APART - 10  # the towns are that far; the points jitter a little
    assert max(gaps) > 365 and min(gaps) < 30
    assert 0.55 < len(full_set.right) / len(full_set.left) < 0.65


def test_the_truth_is_consistent_in_both_modes():
    (left, right), pairs = load_independent("link", seed=3, children=800)
    by_id = {r.record_id: r for r in [*left, *right]}
    assert len(pairs) == len(right)
    assert {b for _, b in pairs} == {r.record_id for r in right}
    for a, b in pairs:
        assert a.startswith("a") and b.startswith("b") and (a, b) == tuple(sorted((a, b)))
        assert by_id[a].cluster == by_id[b].cluster
    assert len({r.cluster for r in left}) == len(left) == 800  # one first record per child
    records, clusters = load_independent("dedupe", seed=3, children=800)
    assert len(records) == len(left) + len(right)
    assert clusters == {r.record_id: r.cluster for r in records}
    sizes = Counter(Counter(clusters.values()).values())
    assert set(sizes) == {1, 2} and sizes[2] == len(pairs)
    with pytest.raises(ValueError, match="mode"):
        load_independent("pprl")


def test_hard_negatives_look_alike_but_are_other_children(full_set):
    children = {c.child_id: c for c in full_set.children}
    kinds = Counter(kind for _, _, kind in full_set.hard_negatives)
    assert all(kinds[k] >= 50 for k in ("sibling", "twin", "cousin", "namesake")), kinds
    for a, b, kind in full_set.hard_negatives:
        x, y = children[a], children[b]
        assert a != b
        if kind in ("sibling", "twin"):
            assert x.family_id == y.family_id and x.father == y.father and x.mother == y.mother
            assert x.family_masculine == y.family_masculine and x.given != y.given
            assert x.town == y.town
        if kind == "twin":
            assert x.dob == y.dob
        if kind == "sibling":
            assert x.dob != y.dob and abs((x.dob - y.dob).days) < 18 * 365
        if kind == "cousin":
            assert x.family_id != y.family_id and x.family_masculine == y.family_masculine
            assert abs((x.dob - y.dob).days) <= 3 * 365
        if kind == "namesake":
            assert (x.given, x.family) == (y.given, y.family)
            assert abs((x.dob - y.dob).days) >= 365
    same_named_cousins = [
        1 for a, b, k in full_set.hard_negatives
        if k == "cousin" and children[a].given == children[b].given
    ]  # fmt: skip
    assert same_named_cousins  # named after one grandparent


def test_family_names_have_a_long_tail(full_set):
    small = generate(1000, seed=0)
    distinct_small = {c.family for c in small.children}
    counts = Counter(c.family for c in full_set.children)
    assert len(counts) > 1.8 * len(distinct_small)  # new names keep coming as N grows
    once = sum(1 for n in counts.values() if n == 1)
    assert once / len(counts) > 0.5  # most names are rare
    top_share = counts.most_common(1)[0][1] / len(full_set.children)
    assert 0.003 < top_share < 0.03  # a common name, not a dominant one
    by_country = Counter(c.country for c in full_set.children)
    from linkage_sets.independent.names import community

    for code in ("sr", "tr"):  # the listed most common names lead, as in life
        seen = Counter(c.family_masculine for c in full_set.children if c.community == code)
        assert seen.most_common(1)[0][0] in community(code).head_family[:10], code
    assert by_country["TR"] > by_country["CY"]


def test_the_loader_returns_platform_records_fast_enough_to_reuse():
    from seec.linkage.records import PersonRecord

    (left, right), _ = load_independent("link", seed=0, children=300)
    assert all(isinstance(r, PersonRecord) and r.cluster for r in [*left, *right])
    assert {r.source for r in left} == {"a"} and {r.source for r in right} == {"b"}
    assert {r.country for r in left} <= COUNTRIES


def test_make_writes_files_and_a_readme(tmp_path):
    script = Path(__file__).resolve().parents[1] / "make.py"
    out = tmp_path / "set"
    subprocess.run(
        [sys.executable, str(script), "--seed", "2", "--children", "200", "--out", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    left = pq.read_table(out / "left.parquet").to_pylist()
    right = pq.read_table(out / "right.parquet").to_pylist()
    pairs = pq.read_table(out / "truth_pairs.parquet").to_pylist()
    assert len(left) == 200 and len(pairs) == len(right)
    assert (out / "left.csv").read_text(encoding="utf-8").startswith("record_id,")
    readme = (out / "README.md").read_text(encoding="utf-8")
    for column in left[0]:
        assert f"`{column}`" in readme
    assert set(countries()) == COUNTRIES


def test_the_description_counts_pairs_apart_in_script_and_spelling():
    from linkage_sets.independent.stats import describe, latin_forms

    assert "djordjevic" in latin_forms("Ђорђевић") and "dordevic" in latin_forms("Ђорђевић")
    assert "giorgos" in latin_forms("Γιώργος") and "yiorgos" in latin_forms("Γιώργος")
    figures = describe(seed=4, children=300)
    pairs = figures["true_pairs"]
    assert figures["records"]["true_pairs"] == sum(pairs["scripts"].values())
    assert 0 < pairs["different_script"] < 1
    assert pairs["no_latin_form_in_common_either_name"] <= pairs["no_latin_form_in_common_given"]
    assert pairs["km_apart"]["min"] >= MIN_KM_APART - 10
