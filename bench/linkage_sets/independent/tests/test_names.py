"""The name lists: each community's names in its own script, feminine forms, the tail."""

import json

import pytest
from linkage_sets.independent import names
from linkage_sets.independent.translit import script_of


@pytest.mark.parametrize("code", names.community_codes())
def test_every_name_of_a_community_is_in_its_script(code):
    raw = json.loads((names.DATA / "names" / f"{code}.json").read_text(encoding="utf-8"))
    listed = [
        *raw["given_male"].split(),
        *raw["given_female"].split(),
        *raw["family"].split(),
        *raw["tail"]["stems"].split(),
        *(n for k, v in raw["diminutives"].items() for n in [k, *v.split()]),
    ]
    mixed = [n for n in listed if any(script_of(ch) != raw["script"] for ch in n if ch.isalpha())]
    assert not mixed
    community = names.community(code)
    assert all(script_of(n) == raw["script"] for n in community.family.items)


def test_the_made_family_names_follow_the_languages_morphology():
    croatian = names.community("hr")
    made = set(croatian.family.items) - set(croatian.head_family)
    assert len(made) > 1000
    assert not any(n.endswith(("čović", "šović", "žović", "jović")) for n in made)  # -ević
    assert any(n.endswith("енко") for n in names.community("uk").family.items)
    assert any(n.endswith("όπουλος") for n in names.community("el").family.items)
    assert any(n.endswith("oğlu") for n in names.community("tr").family.items)
    assert any(n.endswith("escu") for n in names.community("ro").family.items)
    assert any(n.endswith("aj") for n in names.community("sq").family.items)


@pytest.mark.parametrize(
    ("code", "masculine", "feminine"),
    [
        ("bg", "Иванов", "Иванова"),
        ("bg", "Петров-Стоянов", "Петрова-Стоянова"),
        ("mk", "Стојановски", "Стојановска"),
        ("uk", "Згурський", "Згурська"),
        ("uk", "Шевченко", "Шевченко"),
        ("ru", "Воробьёв", "Воробьёва"),
        ("el", "Παπαδόπουλος", "Παπαδοπούλου"),
        ("el", "Ιωαννίδης", "Ιωαννίδου"),
        ("el", "Παπαδάκης", "Παπαδάκη"),
        ("el", "Γεωργίου", "Γεωργίου"),
        ("el_cy", "Χριστοδούλου", "Χριστοδούλου"),
        ("sr", "Јовановић", "Јовановић"),
        ("rom_mk", "Bajramovski", "Bajramovska"),
    ],
)
def test_a_girls_family_name_takes_her_languages_feminine_form(code, masculine, feminine):
    assert names.community(code).feminine(masculine) == feminine


def test_zipf_weights_give_the_top_name_its_stated_share():
    weights = names.zipf_weights(3000, 0.013)
    assert abs(weights[0] / sum(weights) - 0.013) < 1e-4
    assert weights == sorted(weights, reverse=True)
