"""Every POST-only step of protection, tried by every role that may not take it: refused, and
nothing changed (the records and the audit trail as they were)."""

import pytest
from rest_framework.test import APIClient

from seec.core.audit import Action
from seec.core.models import AuditEvent, RoleCode
from seec.core.tests.test_authorization_matrix import ALL, PROTECTION_POST_ROUTES
from seec.protection.models import (
    ChildVictim,
    IntelligenceItem,
    Referral,
    RemoteIdentifierMatch,
    RepatriationPlan,
    RepatriationStep,
    StepAssignment,
    TraceIdentifier,
)

from .fixtures import protection_world

# Who may take which steps on the Greek records: the hotline's staff on the child's record;
# the Greek police on the person (and on the escort step asked of them).
HOTLINE = {RoleCode.HOTLINE_OPERATOR, RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR}
POLICE = {RoleCode.ALERT_AUTHORITY, RoleCode.LIAISON_OFFICER}


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (ChildVictim, Referral, RepatriationPlan, RepatriationStep, StepAssignment,
                      IntelligenceItem, TraceIdentifier, RemoteIdentifierMatch)
    ] + [AuditEvent.objects.exclude(action__in=[Action.VIEW, "auth.sign_in"]).count()]  # fmt: skip


@pytest.mark.parametrize("role", sorted(ALL - HOTLINE - POLICE))
def test_protection_steps_change_nothing_for_roles_that_may_not(region, role):
    world = protection_world(region)
    ids = {name: obj.pk for name, obj in world.items()}
    client = APIClient()
    client.force_login(region.users[role])
    before = snapshot()
    for url in PROTECTION_POST_ROUTES.values():
        path = url.format(**ids)
        assert client.get(path).status_code in (403, 404, 405), path
        response = client.post(
            path,
            {
                "reason": "x",
                "accept": "yes",
                "confirm": "yes",
                "kind": "phone",
                "value": "+30 691 000 0000",
            },
        )
        assert response.status_code in (400, 403, 404), (path, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("role", sorted(HOTLINE))
def test_the_hotline_takes_no_police_step(region, role):
    world = protection_world(region)
    client = APIClient()
    client.force_login(region.users[role])
    before = snapshot()
    for name in ("protection:person-item", "protection:person-share",
                 "protection:person-identifier", "protection:identifiers-send",
                 "protection:assignment-answer", "step-assignment-answer"):  # fmt: skip
        path = PROTECTION_POST_ROUTES[name].format(**{k: v.pk for k, v in world.items()})
        response = client.post(
            path, {"reason": "x", "kind": "phone", "value": "+30 691 000 0000", "confirm": "yes"}
        )
        assert response.status_code in (403, 404), (path, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("role", sorted(POLICE))
def test_the_police_take_no_step_on_the_hotlines_child(region, role):
    world = protection_world(region)
    client = APIClient()
    client.force_login(region.users[role])
    before = snapshot()
    for name, url in PROTECTION_POST_ROUTES.items():
        if name.startswith(("protection:victim", "protection:plan", "protection:step",
                            "protection:referral", "protection-referral-")):  # fmt: skip
            path = url.format(**{k: v.pk for k, v in world.items()})
            response = client.post(path, {"reason": "x", "accept": "yes", "confirm": "yes"})
            assert response.status_code in (403, 404), (path, response.status_code)
    assert snapshot() == before
