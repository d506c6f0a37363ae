"""The administrators' view of the audit trail (admin, audit page, API) shows no personal
details: not a sighting's place, not the address a password reset was asked for."""

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core import audit
from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode

PLACE = "Behind the Thessaloniki ferry terminal"


def test_administrators_read_no_personal_detail_in_the_trail(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    case = case_services.open_case(origin=Origin(operator), fields=case_fields())
    case_services.record_sighting(
        case,
        origin=Origin(operator),
        data={"seen_at": timezone.now(), "place": PLACE, "description": "A boy"},
    )
    # An event written before the fix, with the place in its details, and a person's name.
    old = audit.record("case.sighting", origin=Origin(operator), obj=case, details={"place": PLACE})
    person = audit.record(
        "case.person", origin=Origin(operator), obj=case.sightings.get(), details={"x": 1}
    )
    client.post(reverse("password_reset"), {"email": "someone.private@example.org"})
    assert len(mail.outbox) == 0
    reset = AuditEvent.objects.get(action=audit.Action.PASSWORD_RESET_REQUESTED)
    assert "someone.private" not in str(reset.details)

    admin = region.users[RoleCode.ADMINISTRATOR]
    client.force_login(admin)
    pages = [
        client.get("/admin/core/auditevent/"),
        client.get(f"/admin/core/auditevent/{old.pk}/change/"),
        client.get(f"/admin/core/auditevent/{person.pk}/change/"),
        client.get(f"/admin/core/auditevent/?q={PLACE[:10]}"),
        client.get("/audit/"),
    ]
    api = APIClient()
    api.force_authenticate(admin)
    pages += [api.get("/api/audit-events/"), api.get(f"/api/audit-events/{old.pk}/")]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert PLACE not in text and "Thessaloniki" not in text
        assert "someone.private" not in text
    assert "[hidden]" in pages[1].content.decode()

    # The case's own staff still read the trail of their case in full.
    supervisor = APIClient()
    supervisor.force_authenticate(region.users[RoleCode.SUPERVISOR])
    assert PLACE in supervisor.get(f"/api/audit-events/{old.pk}/").content.decode()
