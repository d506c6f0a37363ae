"""Model protocols and best practices: a coordinator enters and changes them (page and API)
and records each country's adoption from a date; the protocol's page, the country's profile
and the API show where each country stands; nobody else writes."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from seec.core.models import AuditEvent, RoleCode
from seec.network import models as m
from seec.network import profiles, selectors, services

D = datetime.date


def signed_in(user, cls=Client):
    client = cls()
    client.force_login(user)
    return client


def test_a_coordinator_enters_a_protocol_and_records_adoptions_on_the_pages(region, coordinator):
    client = signed_in(coordinator)
    answer = client.post(
        "/network/protocols/new/",
        {"code": "border-control", "title": "Border-control protocol",
         "topic": "Trafficking", "description": "Interdicting child trafficking at borders."},
    )  # fmt: skip
    assert answer.status_code == 302, answer.content
    protocol = m.ModelProtocol.objects.get(code="border-control")
    assert answer["Location"] == f"/network/protocols/{protocol.pk}/"
    # The code is unique: a second one with it is refused on the field.
    twin = client.post(
        "/network/protocols/new/", {"code": "border-control", "title": "x", "topic": "x"}
    )
    assert twin.status_code == 200 and "code" in twin.context["form"].errors
    edited = client.post(
        f"/network/protocols/{protocol.pk}/edit/",
        {"code": "border-control", "title": "Border-control protocol (2015)",
         "topic": "Trafficking", "description": ""},
    )  # fmt: skip
    assert edited.status_code == 302
    protocol.refresh_from_db()
    assert protocol.title == "Border-control protocol (2015)"
    saved = AuditEvent.objects.filter(action="network.record_saved", object_id=str(protocol.pk))
    assert saved.count() == 2
    assert saved.order_by("pk").last().details["fields"] == ["description", "title"]

    page = f"/network/protocols/{protocol.pk}/"
    for body in (
        {"country": "RS", "stage": "promoted", "effective_from": "2015-01-01", "source": "Plan"},
        {"country": "RS", "stage": "adopted", "effective_from": "2016-03-01"},
        {"country": "HR", "stage": "under_consideration", "effective_from": "2015-06-01"},
    ):
        assert client.post(page, body).status_code == 302
    # Twice the same day, a country outside the region, a future date: refused by field.
    same_day = client.post(page, {"country": "RS", "stage": "implemented",
                                  "effective_from": "2016-03-01"})  # fmt: skip
    assert "effective_from" in same_day.context["form"].errors
    outside = client.post(page, {"country": "FR", "stage": "adopted",
                                 "effective_from": "2016-03-01"})  # fmt: skip
    assert "country" in outside.context["form"].errors
    future = client.post(page, {"country": "AL", "stage": "adopted",
                                "effective_from": "2999-01-01"})  # fmt: skip
    assert "effective_from" in future.context["form"].errors
    assert m.ProtocolAdoptionFact.objects.filter(protocol=protocol).count() == 3

    shown = client.get(page)
    stages = {c.code: f and f.stage for c, f in shown.context["countries"]}
    assert (stages["RS"], stages["HR"], stages["AL"]) == ("adopted", "under_consideration", None)
    assert 'data-country="RS"' in shown.content.decode()
    # A date's picture: on 2015-12-31 Serbia had only been promoted the protocol.
    then = dict(selectors.protocol_adoption(coordinator, protocol, D(2015, 12, 31)))
    assert [f.stage for c, f in then.items() if c.code == "RS"] == ["promoted"]
    serbia = profiles.country_profile("RS", D(2016, 6, 1))
    assert dict(serbia.protocols)[protocol].stage == "adopted"
    assert dict(profiles.country_profile("RS", D(2015, 6, 1)).protocols)[protocol].stage == (
        "promoted"
    )
    listed = client.get("/network/protocols/")
    rows = dict(listed.context["rows"])
    assert rows[protocol][list(m.AdoptionStage.values).index("adopted")] == 1


def test_the_api_creates_changes_and_records_adoptions(region, coordinator):
    api = signed_in(coordinator, APIClient)
    made = api.post(
        "/api/network/protocols/",
        {"code": "child-friendly-interview", "title": "Child-friendly interviews",
         "topic": "Justice"},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    missing = api.post("/api/network/protocols/", {"code": "x"}, format="json")
    assert missing.status_code == 400 and {"title", "topic"} <= set(missing.json()["errors"])
    changed = api.patch(f"/api/network/protocols/{pk}/", {"topic": "Child justice"},
                        format="json")  # fmt: skip
    assert changed.status_code == 200, changed.json()
    assert changed.json()["topic"] == "Child justice"
    assert changed.json()["title"] == "Child-friendly interviews"
    adopted = api.post(
        f"/api/network/protocols/{pk}/adoptions/",
        {"country": "MK", "stage": "adopted", "effective_from": "2020-05-01", "note": "Law"},
        format="json",
    )
    assert adopted.status_code == 201, adopted.content
    assert adopted.json()["country"] == "MK"
    for body, field in (
        ({"country": "MK", "stage": "adopted", "effective_from": "2020-05-01"},
         "effective_from"),
        ({"country": "ZZ", "stage": "adopted", "effective_from": "2020-05-01"}, "country"),
        ({"country": "MK", "stage": "ratified", "effective_from": "2021-05-01"}, "stage"),
        ({"country": "MK", "stage": "adopted"}, "effective_from"),
    ):  # fmt: skip
        refused = api.post(f"/api/network/protocols/{pk}/adoptions/", body, format="json")
        assert refused.status_code == 400 and field in refused.json()["errors"], refused.json()
    shown = api.get(f"/api/network/protocols/{pk}/").json()
    assert [(a["country"], a["stage"]) for a in shown["adoption"]] == [("MK", "adopted")]


@pytest.mark.parametrize(
    "role", [r for r in [*RoleCode.values, "no_role"] if r != RoleCode.REGIONAL_COORDINATOR]
)
def test_only_the_coordinators_write_protocols(region, origin, role):
    protocol = services.save_record(
        m.ModelProtocol(), origin=origin, data={"code": "p", "title": "P", "topic": "T"}
    )
    user = region.users[role]
    page, api = signed_in(user), signed_in(user, APIClient)
    before = (
        list(m.ModelProtocol.objects.values()),
        list(m.ProtocolAdoptionFact.objects.values()),
        AuditEvent.objects.exclude(action__in=["view", "auth.sign_in"]).count(),
    )
    # Everyone signed in reads them.
    assert page.get("/network/protocols/").status_code == 200
    assert page.get(f"/network/protocols/{protocol.pk}/").status_code == 200
    assert api.get(f"/api/network/protocols/{protocol.pk}/").status_code == 200
    adoption = {"country": "RS", "stage": "adopted", "effective_from": "2020-01-01"}
    answers = [
        page.get("/network/protocols/new/"),
        page.post("/network/protocols/new/", {"code": "q", "title": "Q", "topic": "T"}),
        page.post(f"/network/protocols/{protocol.pk}/edit/",
                  {"code": "p", "title": "X", "topic": "T"}),
        page.post(f"/network/protocols/{protocol.pk}/", adoption),
        api.post("/api/network/protocols/", {"code": "q", "title": "Q", "topic": "T"}),
        api.patch(f"/api/network/protocols/{protocol.pk}/", {"title": "X"}),
        api.post(f"/api/network/protocols/{protocol.pk}/adoptions/", adoption),
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [403] * len(answers)
    after = (
        list(m.ModelProtocol.objects.values()),
        list(m.ProtocolAdoptionFact.objects.values()),
        AuditEvent.objects.exclude(action__in=["view", "auth.sign_in"]).count(),
    )
    assert after == before
