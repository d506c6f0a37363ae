"""Through the REST API: a bad identifier is refused naming the field; the same IBAN recorded
by the Greek and the Serbian police tells both units, and neither reads the other's record."""

from datetime import timedelta

from rest_framework.test import APIClient

from seec.core.models import Notification

from .conftest import TODAY, victim_fields


def client_of(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_an_identifier_match_across_two_countries_through_the_api(people):
    from seec.core.audit import Origin
    from seec.protection import intelligence

    greek, serbian = client_of(people["gr_police"]), client_of(people["rs_police"])
    persons = {}
    for key, user in (("gr", people["gr_police"]), ("rs", people["rs_police"])):
        persons[key] = intelligence.open_person(
            origin=Origin(user),
            fields={"role": "exploiter", "name": key, "review_on": TODAY(),
                    "retain_until": TODAY() + timedelta(days=90)},
        )  # fmt: skip
    bad = greek.post("/api/protection/identifiers/",
                     {"kind": "iban", "value": "GR16 0110 1250 0000 0001 2300 696",
                      "person": persons["gr"].pk}, format="json")  # fmt: skip
    assert bad.status_code == 400 and "value" in bad.json()["errors"]
    hidden = serbian.post("/api/protection/identifiers/",
                          {"kind": "iban", "value": "GR1601101250000000012300695",
                           "person": persons["gr"].pk}, format="json")  # fmt: skip
    assert hidden.status_code == 400 and "person" in hidden.json()["errors"]
    first = greek.post("/api/protection/identifiers/",
                       {"kind": "iban", "value": "GR16 0110 1250 0000 0001 2300 695",
                        "person": persons["gr"].pk}, format="json")  # fmt: skip
    assert first.status_code == 201, first.content
    second = serbian.post("/api/protection/identifiers/",
                          {"kind": "iban", "value": "gr1601101250000000012300695",
                           "person": persons["rs"].pk}, format="json")  # fmt: skip
    assert second.status_code == 201
    assert Notification.objects.filter(user=people["gr_police"]).count() == 1
    assert Notification.objects.filter(user=people["rs_police"]).count() == 1
    assert Notification.objects.count() == 3  # the Greek unit's two officers and the Serbian one
    assert serbian.get(f"/api/protection/identifiers/{first.json()['id']}/").status_code == 404
    assert serbian.get(f"/api/protection/persons/{persons['gr'].pk}/").status_code == 404
    assert (
        greek.get(f"/protection/identifiers/{first.json()['id']}/")
        .content.decode()
        .count("Serbian Police")
        == 1
    )


def test_a_child_victim_is_recorded_through_the_api_with_clear_errors(people):
    client = client_of(people["gr_manager"])
    refused = client.post("/api/protection/victims/", {"reported_by": "info_desk"}, format="json")
    assert refused.status_code == 400 and "met_on" in refused.json()["errors"]
    fields = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in victim_fields().items()
    }
    made = client.post("/api/protection/victims/", fields, format="json")
    assert made.status_code == 201 and made.json()["reference"].startswith("GR-V-")
    assert (
        client_of(people["al_social"])
        .get(f"/api/protection/victims/{made.json()['id']}/")
        .status_code
        == 404
    )
