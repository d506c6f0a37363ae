"""One search box: case number, phone, or the child's name in any script or spelling."""

import pytest
from django.core.management import call_command

from seec.cases import selectors, services
from seec.cases.models import Case, SearchName, SearchNameToken
from seec.core.audit import Origin
from seec.core.services import grant_share

from .conftest import case_fields


@pytest.fixture
def marija(open_case, operator):
    case = open_case(given_names="Марија", family_name="Ђорђевић")
    services.add_person(
        case,
        origin=Origin(operator),
        data={"role": "parent", "name": "Драган Ђорђевић", "phone": "+381 64 123 4567"},
    )
    return case


@pytest.mark.parametrize(
    "query",
    [
        "Марија Ђорђевић",
        "Marija Đorđević",
        "Marija Djordjevic",
        "marija dordevic",
        "Djordjevic Marija",
        "Marja Djordjevic",  # a typo
        "Mariia Djordjevych",  # another convention, heard over the phone
    ],
)
def test_name_is_found_however_it_is_written(marija, operator, query):
    hits = selectors.search_cases(operator, query)
    assert hits and hits[0].case == marija, query


def test_greek_names_are_found_from_latin_spellings(open_case, operator):
    case = open_case(given_names="Γιώργος", family_name="Παπαδόπουλος", sex="male")
    for query in [
        "Giorgos Papadopoulos",
        "Yiorgos Papadopoulos",
        "γιωργος παπαδοπουλος",
        "Papadopulos Giorgos",
    ]:
        hits = selectors.search_cases(operator, query)
        assert hits and hits[0].case == case, query


def test_case_number_and_phone_find_the_case(marija, operator):
    assert selectors.search_cases(operator, marija.number)[0].case == marija
    assert selectors.search_cases(operator, marija.number.lower())[0].case == marija
    assert selectors.search_cases(operator, "064 123 4567")[0].case == marija
    assert selectors.search_cases(operator, "+381641234567")[0].matched_on == "phone"


def test_search_shows_only_what_the_user_may_see(marija, region):
    assert selectors.search_cases(region.foreign_manager, "Marija Djordjevic") == []
    assert selectors.search_cases(region.foreign_manager, marija.number) == []


def test_different_child_is_not_a_match(marija, operator):
    hits = selectors.search_cases(operator, "Nikola Petrović")
    assert marija not in [hit.case for hit in hits]


def test_likely_duplicates_are_shown_before_saving(marija, operator):
    fields = case_fields()
    hits = selectors.likely_duplicates(
        operator,
        given_names="Marija",
        family_name="Djordjevic",
        date_of_birth=fields["date_of_birth"],
    )
    assert [hit.case for hit in hits] == [marija]
    assert selectors.likely_duplicates(operator, given_names="Ивана", family_name="Марковић") == []


def test_a_shared_case_is_found_by_name_but_not_its_unshared_namesakes(open_case, manager, region):
    shared, namesake = open_case(), open_case()
    assert shared.search_name_id == namesake.search_name_id  # one name, two cases
    grant_share(shared, region.rs_hotline, origin=Origin(manager), reason="Seen in Belgrade")
    hits = selectors.search_cases(region.foreign_manager, "Marija Djordjevic")
    assert [hit.case for hit in hits] == [shared]


def test_the_latest_cases_of_the_best_name_come_first(open_case, operator):
    older = open_case(given_names="Ана", family_name="Илић")
    newer = open_case(given_names="Ана", family_name="Илић")
    close = open_case(given_names="Ана", family_name="Илиќ")  # one letter apart
    hits = selectors.search_cases(operator, "Ana Ilić")
    assert [hit.case for hit in hits][:3] == [newer, older, close]
    assert hits[0].score > hits[2].score


def test_index_case_names_rebuilds_a_lost_index(open_case, operator):
    case = open_case()
    SearchNameToken.objects.all().delete()
    Case.objects.filter(pk=case.pk).update(search_name=None)
    assert selectors.search_cases(operator, "Marija Djordjevic") == []
    call_command("index_case_names", verbosity=0)
    assert selectors.search_cases(operator, "Marija Djordjevic")[0].case == case
    assert SearchName.objects.count() == 1  # the old name reused, none left behind
