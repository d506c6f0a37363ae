"""Every POST-only step of the network, tried by every role that may not take it: refused,
and nothing changed."""

import datetime

import pytest
from rest_framework.test import APIClient

from seec.core.models import AuditEvent, RoleCode
from seec.network import models as m
from seec.network.tests import matrix

ALL = sorted(matrix.ALL)


@pytest.fixture
def world(region):
    from seec.core.audit import Origin
    from seec.network import services

    world = matrix.build(region)
    world["fact"] = services.record_fact(
        "child_alert",
        origin=Origin(region.users[RoleCode.REGIONAL_COORDINATOR]),
        data={"country": region.rs_hotline.country, "effective_from": datetime.date(2015, 1, 1),
              "stage": "being_established"},
    )  # fmt: skip
    return world


def steps(world):
    return [
        (f"/network/facts/child_alert/{world['fact'].pk}/withdraw/", {"reason": "x"}),
        (
            f"/network/agreements/{world['agreement'].pk}/terminate/",
            {"reason": "x", "on": "2025-01-01"},
        ),
        (f"/network/evaluations/{world['evaluation'].pk}/complete/", {"summary": "x"}),
        (f"/network/evaluations/{world['evaluation'].pk}/indicators/", {}),
        (f"/network/activities/{world['activity'].pk}/certificates/issue/", {}),
        (
            f"/network/recommendations/{world['recommendation'].pk}/follow-up/",
            {"f-country": "GR", "f-status": "done", "f-updated_on": "2025-01-01"},
        ),
        ("/api/network/facts/", {"kind": "hotline", "country": "RS", "stage": "none",
                                 "effective_from": "2015-01-01"}),
    ]  # fmt: skip


def snapshot():
    return (
        list(m.ChildAlertFact.objects.values()),
        list(m.HotlineFact.objects.values()),
        list(m.Agreement.objects.values()),
        list(m.ServiceEvaluation.objects.values()),
        list(m.Participant.objects.values()),
        m.RecommendationFollowUp.objects.count(),
        list(m.IndicatorValue.objects.values("pk")),
        AuditEvent.objects.exclude(action__in=["view", "auth.sign_in"]).count(),
    )


@pytest.mark.parametrize("role", [r for r in ALL if r != RoleCode.REGIONAL_COORDINATOR])
def test_network_steps_change_nothing_for_roles_that_may_not(region, world, role):
    client = APIClient()
    client.force_login(region.users[role])
    before = snapshot()
    for path, body in steps(world):
        assert client.get(path).status_code in (403, 404, 405), path
        assert client.post(path, body).status_code in (400, 403, 404), path
    assert snapshot() == before
