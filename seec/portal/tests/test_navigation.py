"""The public site is reachable from the platform's pages: an anonymous visitor on the
sign-in page finds it; those who triage find the reports from the public."""

import pytest
from django.urls import reverse

from seec.core.models import RoleCode

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_finds_the_public_site_from_the_sign_in_page(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("portal:home")}"' in page
    assert f'href="{reverse("portal:report")}"' in page
    assert f'href="{reverse("portal:hotlines")}"' in page


@pytest.mark.parametrize(
    ("role", "sees_queue"),
    [
        (RoleCode.CASE_MANAGER, True),
        (RoleCode.SUPERVISOR, True),
        (RoleCode.ALERT_AUTHORITY, True),
        (RoleCode.HOTLINE_OPERATOR, False),
        (RoleCode.ANALYST, False),
    ],
)
def test_the_triage_queue_is_in_the_navigation_of_those_who_triage(client, region, role,
                                                                   sees_queue):  # fmt: skip
    client.force_login(region.users[role])
    page = client.get("/").content.decode()
    assert (f'href="{reverse("portal:triage")}"' in page) == sees_queue
