"""An NGO that is a partner of the centre only (its staff do not use the platform) is
evaluated too: the centre enters its self-assessment on its behalf, reviews, completes; no
indicator is computed from records the platform does not hold. A partner with staff on the
platform is evaluated as its organisation, whose supervisors self-assess."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.test import APIClient

from seec.core import policy
from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode
from seec.network import models as m
from seec.network import services
from seec.network.rules import NetworkAct


@pytest.fixture
def catalogue(db):
    return m.CriteriaCatalogue.objects.get(kind="decision_116000", version=1)


@pytest.fixture
def ngo(origin, countries):
    return services.save_record(
        m.Partner(),
        origin=origin,
        data={"name": "Udruga Hrabri telefon", "kind": "ngo", "country": countries["HR"]},
    )


def test_a_partner_ngo_is_evaluated_with_the_centre_self_assessing_for_it(
    region, origin, coordinator, catalogue, ngo
):
    client = Client()
    client.force_login(coordinator)
    started = client.post(
        "/network/evaluations/", {"partner": ngo.pk, "catalogue": catalogue.pk, "year": 2024}
    )
    assert started.status_code == 302, started.context["form"].errors
    evaluation = m.ServiceEvaluation.objects.get(partner=ngo)
    assert evaluation.organisation is None
    assert str(evaluation).startswith("Udruga Hrabri telefon 2024")
    # No records of its own on the platform: nothing computed, nothing invented.
    assert not evaluation.indicator_values.exists()
    assert services.assessed_by_the_centre(evaluation)
    assert policy.can(coordinator, NetworkAct.SELF_ASSESS, evaluation)

    page = client.get(f"/network/evaluations/{evaluation.pk}/")
    assert page.context["may_self"] and page.context["by_the_centre"]
    assert 'id="on-behalf"' in page.content.decode()
    criteria = list(catalogue.criteria.all())
    body = {"self": "submit"}
    for c in criteria:
        body |= {f"c{c.pk}-score": "2", f"c{c.pk}-comment": "", f"c{c.pk}-evidence": "Phone"}
    assert client.post(f"/network/evaluations/{evaluation.pk}/", body).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.stage == m.EvaluationStage.UNDER_REVIEW
    assert evaluation.self_assessed_by == coordinator
    submitted = AuditEvent.objects.get(action="network.self_assessment_submitted")
    assert submitted.details["by_the_centre"] is True

    services.review_evaluation(evaluation, origin=origin, scores={c.pk: (3, "") for c in criteria})
    services.complete_evaluation(evaluation, origin=origin, summary="Meets the conditions.")
    evaluation.refresh_from_db()
    assert evaluation.result == m.ServiceStatus.MEETS
    assert services.year_on_year(ngo, "decision_116000") == [evaluation]
    # The same partner twice in a year is refused, naming the year.
    with pytest.raises(ValidationError) as refused:
        services.start_evaluation(origin=origin, partner=ngo, catalogue=catalogue, year=2024)
    assert "year" in refused.value.message_dict
    listed = client.get("/network/evaluations/").content.decode()
    assert "Udruga Hrabri telefon" in listed
    shown = APIClient()
    shown.force_authenticate(coordinator)
    answer = shown.get(f"/api/network/evaluations/{evaluation.pk}/").json()
    assert (answer["organisation"], answer["partner"]) == (None, "Udruga Hrabri telefon")


def test_the_service_evaluated_is_one_organisation_or_one_partner(
    region, origin, coordinator, catalogue, ngo, countries
):
    for service in ({}, {"organisation": region.gr_hotline, "partner": ngo}):
        with pytest.raises(ValidationError) as refused:
            services.start_evaluation(origin=origin, catalogue=catalogue, year=2024, **service)
        assert "organisation" in refused.value.message_dict
    international = services.save_record(
        m.Partner(), origin=origin, data={"name": "An international body", "kind": "ngo"}
    )
    with pytest.raises(ValidationError) as refused:
        services.start_evaluation(
            origin=origin, partner=international, catalogue=catalogue, year=2024
        )
    assert "partner" in refused.value.message_dict
    client = Client()
    client.force_login(coordinator)
    both = client.post(
        "/network/evaluations/",
        {"organisation": region.gr_hotline.pk, "partner": ngo.pk, "catalogue": catalogue.pk,
         "year": 2024},
    )  # fmt: skip
    assert both.status_code == 200 and "organisation" in both.context["form"].errors
    assert not m.ServiceEvaluation.objects.exists()


def test_a_partner_on_the_platform_is_evaluated_as_its_organisation(
    region, origin, coordinator, catalogue
):
    """Its supervisors self-assess; the centre may not do it for them."""
    partner = services.save_record(
        m.Partner(),
        origin=origin,
        data={"name": "Greek hotline (partner)", "kind": "ngo",
              "country": region.gr_hotline.country, "organisation": region.gr_hotline},
    )  # fmt: skip
    evaluation = services.start_evaluation(
        origin=origin, partner=partner, catalogue=catalogue, year=2024
    )
    assert evaluation.organisation == region.gr_hotline
    assert not services.assessed_by_the_centre(evaluation)
    assert not policy.can(coordinator, NetworkAct.SELF_ASSESS, evaluation)
    with pytest.raises(PermissionDenied):
        services.self_assess(evaluation, origin=origin, answers={})
    supervisor = region.users[RoleCode.SUPERVISOR]
    assert policy.can(supervisor, NetworkAct.SELF_ASSESS, evaluation)
    # An organisation whose supervisors all left: the centre enters it for them.
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])
    assert services.assessed_by_the_centre(evaluation)
    assert policy.can(coordinator, NetworkAct.SELF_ASSESS, evaluation)


@pytest.mark.parametrize("role", [r for r in RoleCode.values if r != RoleCode.REGIONAL_COORDINATOR])
def test_nobody_else_sees_or_assesses_a_partners_evaluation(region, origin, catalogue, ngo, role):
    evaluation = services.start_evaluation(
        origin=origin, partner=ngo, catalogue=catalogue, year=2024
    )
    user = region.users[role]
    assert not policy.can(user, NetworkAct.SELF_ASSESS, evaluation)
    with pytest.raises(PermissionDenied):
        services.self_assess(evaluation, origin=Origin(user), answers={})
    client = Client()
    client.force_login(user)
    assert client.get(f"/network/evaluations/{evaluation.pk}/").status_code == 404
