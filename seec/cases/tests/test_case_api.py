"""The hotline's REST API: the same steps as the pages, the same validation and policy."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from seec.cases.models import Case, Status
from seec.core.models import RoleCode


@pytest.fixture
def api_as(region):
    def client_for(role_or_user):
        user = region.users[role_or_user] if isinstance(role_or_user, str) else role_or_user
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


def new_case_body(**overrides):
    body = {
        "given_names": "Олена",
        "family_name": "Шевченко",
        "sex": "female",
        "date_of_birth": "2012-05-04",
        "category": "parental_abduction",
        "subcategory": "international",
        "last_seen_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "last_seen_place": "Athens, Omonia",
        "may_cross_border": True,
        "heading_to": "TR",
        "people": [
            {
                "role": "suspected_abductor",
                "name": "Unknown man",
                "vehicle_plate": "ΙΚΥ 1234",
                "vehicle_colour": "grey",
            }
        ],
    }
    body.update(overrides)
    return body


def test_open_a_case_and_walk_it_to_closure(api_as):
    operator, manager = api_as(RoleCode.HOTLINE_OPERATOR), api_as(RoleCode.CASE_MANAGER)
    response = operator.post("/api/cases/", new_case_body(), format="json")
    assert response.status_code == 201, response.json()
    case = response.json()
    assert case["number"].startswith("GR-")
    assert case["people"][0]["vehicle_plate"] == "ΙΚΥ 1234"

    url = f"/api/cases/{case['id']}/"
    response = manager.post(
        url + "assess-risk/",
        {"danger_signs": True, "rationale": "Abductor threatened"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.ACTIVE_SEARCH
    found = {
        "found_at": timezone.now().isoformat(),
        "found_how": "by_police",
        "outcome": "found_safe",
    }
    assert manager.post(url + "mark-found/", found, format="json").status_code == 200
    response = manager.post(url + "close/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == Status.CLOSED


def test_bad_input_names_the_field(api_as):
    operator = api_as(RoleCode.HOTLINE_OPERATOR)
    response = operator.post(
        "/api/cases/", new_case_body(date_of_birth="2999-01-01"), format="json"
    )
    assert response.status_code == 400
    assert "date_of_birth" in response.json()["errors"]
    response = operator.post("/api/cases/", new_case_body(category="unknown"), format="json")
    assert "category" in response.json()["errors"]
    assert not Case.objects.exists()


def test_closing_without_outcome_is_a_400(api_as):
    operator, manager = api_as(RoleCode.HOTLINE_OPERATOR), api_as(RoleCode.CASE_MANAGER)
    case = operator.post("/api/cases/", new_case_body(), format="json").json()
    response = manager.post(f"/api/cases/{case['id']}/close/", {}, format="json")
    assert response.status_code == 400
    assert "outcome" in response.json()["errors"]


def test_operator_cannot_close_and_foreign_user_gets_404(api_as, region):
    operator = api_as(RoleCode.HOTLINE_OPERATOR)
    case = operator.post("/api/cases/", new_case_body(), format="json").json()
    response = operator.post(
        f"/api/cases/{case['id']}/close/",
        {"outcome": "closed_other", "reason": "x"},
        format="json",
    )
    assert response.status_code == 403  # may see the case, may not close it
    foreign = api_as(region.foreign_manager)
    assert foreign.get(f"/api/cases/{case['id']}/").status_code == 404


def test_search_endpoint_finds_across_scripts(api_as):
    operator = api_as(RoleCode.HOTLINE_OPERATOR)
    operator.post("/api/cases/", new_case_body(), format="json")
    hits = operator.get("/api/cases/search/", {"q": "Olena Shevchenko"}).json()
    assert hits and hits[0]["case"]["family_name"] == "Шевченко"


def test_contact_quick_entry_through_the_api(api_as):
    operator = api_as(RoleCode.HOTLINE_OPERATOR)
    response = operator.post(
        "/api/contacts/",
        {"channel": "call", "subject": "out_of_scope", "summary": "Lost passport"},
        format="json",
    )
    assert response.status_code == 400
    assert "referred_to" in response.json()["errors"]
    response = operator.post(
        "/api/contacts/",
        {"channel": "call", "subject": "advice", "duration_seconds": 95},
        format="json",
    )
    assert response.status_code == 201


def test_search_is_rate_limited(api_as):
    from rest_framework.throttling import ScopedRateThrottle

    operator = api_as(RoleCode.HOTLINE_OPERATOR)
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**original, "search": "2/min"}
    try:
        codes = [operator.get("/api/cases/search/", {"q": "Olena"}).status_code for _ in range(3)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes == [200, 200, 429]


@pytest.mark.parametrize(
    ("language", "blank", "not_a_choice"),
    [
        # Languages the REST framework ships no translation for: the platform's catalogues do.
        ("sr-latn", "Ovo polje ne sme biti prazno.", "„unknown“ nije ispravan izbor."),
        ("sq", "Kjo fushë nuk mund të lihet bosh.", "„unknown“ nuk është zgjedhje e vlefshme."),
    ],
)
def test_the_api_refuses_bad_input_in_the_users_language(api_as, language, blank, not_a_choice):
    operator = api_as(RoleCode.HOTLINE_OPERATOR)
    response = operator.post(
        "/api/cases/",
        new_case_body(given_names="", category="unknown"),
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["given_names"] == [blank]
    assert errors["category"] == [not_a_choice]
    assert not Case.objects.exists()


def test_search_endpoint_takes_the_year_of_birth_or_the_age(api_as):
    operator = api_as(RoleCode.HOTLINE_OPERATOR)
    this_year = timezone.localdate().year
    older = new_case_body()
    older["date_of_birth"] = f"{this_year - 15}-05-01"
    younger = new_case_body()
    younger["date_of_birth"] = f"{this_year - 8}-05-01"
    ids = {}
    for name, body in (("older", older), ("younger", younger)):
        ids[name] = operator.post("/api/cases/", body, format="json").json()["id"]
    for params, child in [
        ({"born": this_year - 8}, "younger"),
        ({"born": this_year - 15}, "older"),
        ({"age": 15}, "older"),
    ]:
        hits = operator.get("/api/cases/search/", {"q": "Olena Shevchenko", **params}).json()
        assert hits[0]["case"]["id"] == ids[child], params


def test_search_endpoint_names_the_field_that_is_wrong(api_as):
    operator = api_as(RoleCode.HOTLINE_OPERATOR)
    response = operator.get("/api/cases/search/", {"q": "Olena", "born": "1700"})
    assert response.status_code == 400
    assert response.json()["errors"]["born"][0].startswith("Year of birth:")
    response = operator.get("/api/cases/search/", {"q": "Olena", "born": "2015", "age": "10"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["age"]
