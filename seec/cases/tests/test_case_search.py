"""One search box: case number, phone, or the child's name in any script or spelling."""

from html import escape

import pytest
from django.core.management import call_command
from django.utils import timezone

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


# --- What the caller knows besides the name -------------------------------------------------


def born_in(year: int):
    return timezone.localdate().replace(month=3, day=1, year=year)


@pytest.fixture
def three_marijas(open_case):
    """Three children with one name: born this year − 14 in Novi Sad, − 9 in Niš, − 12 with
    only an estimated age (no birth date) in Athens."""
    this_year = timezone.localdate().year
    return {
        "novi_sad": open_case(date_of_birth=born_in(this_year - 14)),
        "nis": open_case(date_of_birth=born_in(this_year - 9), last_seen_place="Ниш, центар"),
        "estimated": open_case(date_of_birth=None, age_estimate=12, last_seen_place="Athens"),
    }


def found(operator, query="Marija Djordjevic", **details):
    hits = selectors.search_cases(operator, query, details=selectors.ChildDetails(**details))
    return [hit.case for hit in hits]


def test_the_year_of_birth_said_ranks_that_child_first(three_marijas, operator):
    this_year = timezone.localdate().year
    assert found(operator, born=this_year - 9)[0] == three_marijas["nis"]
    assert found(operator, born=this_year - 14)[0] == three_marijas["novi_sad"]


def test_a_year_off_still_finds_the_child_and_a_child_born_years_apart_is_left_out(
    three_marijas, operator
):
    this_year = timezone.localdate().year
    hits = found(operator, born=this_year - 8)  # the caller is a year out
    assert hits[0] == three_marijas["nis"]
    assert three_marijas["novi_sad"] not in hits  # six years apart: another child


def test_the_age_said_works_like_the_year_and_an_estimated_age_counts(three_marijas, operator):
    assert found(operator, age=9)[0] == three_marijas["nis"]
    assert found(operator, age=12)[0] == three_marijas["estimated"]


def test_a_child_whose_year_is_not_known_is_kept_after_those_who_fit(open_case, operator):
    this_year = timezone.localdate().year
    right = open_case(date_of_birth=born_in(this_year - 10))
    unknown = open_case(date_of_birth=None)
    assert found(operator, born=this_year - 10) == [right, unknown]


def test_the_town_said_in_latin_letters_ranks_the_child_last_seen_there(three_marijas, operator):
    assert found(operator, place="Nis")[0] == three_marijas["nis"]
    assert found(operator, place="novi sad")[0] == three_marijas["novi_sad"]


def test_the_country_said_counts_as_the_place():
    for said in ("gr", "greece"):
        assert selectors._place_fits(said, "Πάτρα, λιμάνι", "GR", "Greece")
    assert selectors._place_fits("patra", "Πάτρα, λιμάνι", "GR", "Greece")
    assert not selectors._place_fits("skopje", "Πάτρα, λιμάνι", "GR", "Greece")


def test_details_do_not_show_what_the_user_may_not_see(three_marijas, region):
    assert found(region.foreign_manager, born=timezone.localdate().year - 9) == []


def test_the_search_page_takes_the_year_and_the_town(three_marijas, operator, client):
    client.force_login(operator)
    this_year = timezone.localdate().year
    page = client.get("/cases/search/", {"q": "Marija Djordjevic", "born": this_year - 9})
    assert page.status_code == 200
    assert page.context["hits"][0].case == three_marijas["nis"]
    page = client.get("/cases/search/", {"q": "Marija Djordjevic", "place": "Nis"})
    assert page.context["hits"][0].case == three_marijas["nis"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"born": "1800"}, "born", "Year of birth: give a year from"),
        ({"born": "soon"}, "born", "Enter a whole number."),
        ({"age": "-2"}, "age", "Age: give the child's age in years"),
        ({"born": "2015", "age": "9"}, "age", "Age: give the year of birth or the age, not both."),
    ],
)
def test_the_search_page_names_the_field_that_is_wrong(
    three_marijas, operator, client, params, field, message
):
    client.force_login(operator)
    page = client.get("/cases/search/", {"q": "Marija Djordjevic", **params})
    assert page.status_code == 200
    assert page.context["hits"] == []
    assert message in page.context["form"].errors[field][0]
    assert escape(message) in page.content.decode()
