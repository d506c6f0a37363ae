"""A country's profile on two dates, the region's map and the public directory."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode
from seec.network import models as m
from seec.network import profiles, services

D = datetime.date


@pytest.fixture
def serbia(origin, countries):
    """Serbia as the Action Plan 2015 tells it: 116 000 in progress, live from July 2012;
    a child alert system being established from 2015; Lanzarote ratified in 2010."""
    rs = countries["RS"]
    services.record_fact(
        "hotline",
        origin=origin,
        data={"country": rs, "effective_from": D(2011, 1, 1), "stage": "in_progress"},
    )
    services.record_fact(
        "hotline",
        origin=origin,
        data={
            "country": rs,
            "effective_from": D(2012, 7, 1),
            "stage": "operational",
            "operator": "ASTRA",
            "landline": True,
            "mobile": True,
        },
    )
    services.record_fact(
        "hotline",
        origin=origin,
        data={
            "country": rs,
            "effective_from": D(2016, 3, 1),
            "stage": "operational",
            "operator": "ASTRA",
            "hours": "24/7",
            "landline": True,
            "mobile": True,
        },
    )
    services.record_fact(
        "child_alert",
        origin=origin,
        data={"country": rs, "effective_from": D(2015, 1, 1), "stage": "being_established"},
    )
    services.record_fact(
        "ratification",
        origin=origin,
        data={
            "country": rs,
            "convention": m.Convention.objects.get(code="lanzarote"),
            "stage": "ratified",
            "effective_from": D(2010, 7, 29),
        },
    )
    services.add_legal_gap(
        origin=origin,
        data={"country": rs, "topic": "Child alerts", "title": "No basis for alerts"},
        status="identified",
        effective_from=D(2014, 5, 9),
    )
    return rs


def test_a_countrys_profile_differs_on_two_dates(serbia):
    before = profiles.country_profile("RS", D(2012, 6, 30))
    after = profiles.country_profile("RS", D(2015, 6, 1))

    assert before.hotline.stage == "in_progress"
    assert before.hotline.operational_since is None
    assert before.child_alert is None
    assert before.open_gaps == 0
    lanzarote = next(c for c in before.conventions if c.convention.code == "lanzarote")
    assert lanzarote.stage == "ratified"

    assert after.hotline.stage == "operational"
    assert after.hotline.fact.operator == "ASTRA"
    assert after.hotline.operational_since == D(2012, 7, 1)
    assert after.child_alert.stage == "being_established"
    assert after.open_gaps == 1


def test_operation_since_survives_a_change_of_hours(serbia):
    later = profiles.country_profile("RS", D(2017, 1, 1))
    assert later.hotline.fact.hours == "24/7"
    assert later.hotline.operational_since == D(2012, 7, 1)


def test_hotline_directory_on_a_date_is_the_public_selector(serbia):
    rows = {r["country"]: r for r in profiles.hotline_directory(D(2013, 1, 1))}
    assert len(rows) == 14
    assert rows["RS"]["operational"] and rows["RS"]["operator"] == "ASTRA"
    assert rows["RS"]["operational_since"] == D(2012, 7, 1)
    assert rows["HR"]["stage"] == "" and rows["HR"]["stage_label"] == "Not recorded"
    assert set(rows["RS"]) >= {"number", "hours", "channels", "landline", "mobile", "evaluation"}


def test_map_is_coloured_by_the_fact_on_the_date(serbia):
    topics = profiles.map_topics()
    assert {"hotline", "child_alert", "convention:lanzarote", "open_gaps"} <= set(topics)
    from seec.network.regionmap import region_svg

    for day, expected in ((D(2012, 1, 1), "in_progress"), (D(2013, 1, 1), "operational")):
        svg = str(region_svg(topics["hotline"], profiles.region_profiles(day), title="t"))
        assert f'data-country="RS" data-category="{expected}"' in svg
        assert svg.count("<path") > 14  # the 14 countries and their neighbours


def test_timeline_lists_the_facts_in_order(serbia, coordinator):
    entries = profiles.country_timeline(serbia, coordinator)
    days = [e.day for e in entries]
    assert days == sorted(days)
    assert days[0] == D(2010, 7, 29)
    assert any("ASTRA" in e.text for e in entries)


def test_an_operational_hotline_needs_an_operator(origin, countries):
    with pytest.raises(ValidationError) as error:
        services.record_fact(
            "hotline",
            origin=origin,
            data={
                "country": countries["ME"],
                "effective_from": D(2015, 1, 1),
                "stage": "operational",
            },
        )
    assert "operator" in error.value.message_dict
    assert not m.HotlineFact.objects.exists()


def test_a_fact_cannot_hold_from_the_future(origin, countries):
    with pytest.raises(ValidationError) as error:
        services.record_fact(
            "child_alert",
            origin=origin,
            data={
                "country": countries["ME"],
                "effective_from": datetime.date.today() + datetime.timedelta(days=3),
                "stage": "none",
            },
        )
    assert "effective_from" in error.value.message_dict


def test_only_a_coordinator_records_facts(region, countries):
    with pytest.raises(PermissionDenied):
        services.record_fact(
            "hotline",
            origin=Origin(region.users[RoleCode.SUPERVISOR]),
            data={"country": countries["GR"], "effective_from": D(2015, 1, 1), "stage": "none"},
        )


def test_withdrawing_a_fact_is_audited_with_its_reason(serbia, origin):
    fact = m.ChildAlertFact.objects.get()
    with pytest.raises(ValidationError):
        services.withdraw_fact(fact, origin=origin, reason=" ")
    services.withdraw_fact(fact, origin=origin, reason="Entered for the wrong country")
    event = AuditEvent.objects.filter(action="network.fact_withdrawn").get()
    assert event.reason == "Entered for the wrong country"
    assert profiles.country_profile("RS", D(2016, 1, 1)).child_alert is None


def test_profile_api_on_two_dates_and_fact_api(serbia, region, coordinator):
    client = APIClient()
    client.force_login(region.users[RoleCode.HOTLINE_OPERATOR])
    early = client.get("/api/network/profiles/RS/?at=2012-01-01").json()
    late = client.get("/api/network/profiles/RS/?at=2015-06-01").json()
    assert early["hotline"]["stage"] == "in_progress"
    assert late["hotline"]["stage"] == "operational"
    assert late["hotline"]["operational_since"] == "2012-07-01"
    assert late["child_alert"]["stage"] == "being_established"
    assert client.get("/api/network/profiles/RS/?at=yesterday").status_code == 400
    assert client.get("/api/network/profiles/XX/").status_code == 404
    directory = client.get("/api/network/hotline-directory/?at=2013-01-01").json()
    assert {r["country"] for r in directory if r["operational"]} == {"RS"}
    body = {
        "kind": "hotline",
        "country": "HR",
        "effective_from": "2013-05-01",
        "stage": "operational",
        "operator": "CNZD",
        "mobile": True,
        "landline": True,
    }
    assert client.post("/api/network/facts/", body, format="json").status_code == 403
    client.force_login(coordinator)
    assert client.post("/api/network/facts/", body, format="json").status_code == 201
    bad = client.post(
        "/api/network/facts/", {**body, "stage": "operational", "operator": ""}, format="json"
    )
    assert bad.status_code == 400 and "operator" in bad.json()["errors"]
