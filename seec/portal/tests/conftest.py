"""What the portal's tests share: the alerts tests' Greek case, its issued alert (with a photo
here), and a solved proof of work for the report form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from seec.alerts import services as alert_services
from seec.alerts.tests.conftest import AREA, all_met, case, manager, police  # noqa: F401
from seec.cases import services as case_services
from seec.cases.tests.test_case_files import photo_with_gps
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.portal import proof_of_work


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A light proof of work: the tests solve it in Python, thousands of times faster than
    # a phone; the difficulty itself is a setting.
    settings.SEEC_PORTAL_POW_BITS = 8


@pytest.fixture
def live_alert(case, manager, police):  # noqa: F811
    photo = case_services.add_file(
        case,
        origin=Origin(manager),
        upload=SimpleUploadedFile("child.jpg", photo_with_gps()),
        kind="photo",
    )
    requested = alert_services.request_alert(
        case,
        origin=Origin(manager),
        answers=all_met(),
        photo=photo,
        photo_authority="Parents, 12/2026",
        **AREA,
    )
    return alert_services.approve_alert(requested, origin=Origin(police))


@pytest.fixture
def supervisor(region):
    return region.users[RoleCode.SUPERVISOR]


def solved_proof() -> dict:
    challenge = proof_of_work.issue()
    return {"pow_token": challenge.token, "pow_solution": str(proof_of_work.solve(challenge))}


def sighting(alert, **fields) -> dict:
    return {
        "kind": "sighting",
        "alert": alert.reference,
        "what_was_seen": "A girl in a red coat with a man, boarding the bus to Piraeus.",
        "place": "Syntagma square, Athens",
        **solved_proof(),
        **fields,
    }


def suspicion(country="GR", **fields) -> dict:
    return {
        "kind": "suspicion",
        "country": country,
        "what_was_seen": "Two young boys sell flowers every night; an adult takes the money.",
        "place": "Monastiraki, Athens",
        **solved_proof(),
        **fields,
    }
