"""The platform's own figures, as the analyst and the coordinator use them: computed on
request, each change explained against the set before, published by a coordinator only."""

import pytest
from django.test import Client

from seec.cases import services as case_services
from seec.cases.models import Case
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.stats.models import FigureSet, Publication, PublishedFigure
from seec.stats.periods import parse

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_analyst_computes_and_sees_what_changed_and_a_coordinator_publishes(played):
    analyst = signed_in(played.users[RoleCode.ANALYST])
    page = analyst.post("/stats/computed/", {"period": "2025", "country": ["GR"]}, follow=True)
    assert page.status_code == 200
    (first,) = FigureSet.objects.filter(country_id="GR", period="2025", source="platform")
    assert f'href="/stats/computed/{first.pk}/"' in page.content.decode()
    shown = analyst.get(f"/stats/computed/{first.pk}/").content.decode()
    assert "first computation" in shown and "Publish these figures" not in shown

    # A child of 2025 is found: the next computation is a new set that says what moved.
    period = parse("2025")
    case = Case.objects.filter(
        country_id="GR",
        opened_at__gte=period.start,
        opened_at__lt=period.end,
        found_at__isnull=True,
    ).first()
    manager = Origin(played.users[RoleCode.CASE_MANAGER])
    case_services.mark_found(
        case,
        origin=manager,
        found_at=max(case.last_seen_at, case.opened_at).replace(month=12, day=1),
        found_how="by_police",
        outcome="found_safe",
    )
    analyst.post("/stats/computed/", {"period": "2025", "country": ["GR"]})
    second = FigureSet.objects.get(previous=first)
    shown = analyst.get(f"/stats/computed/{second.pk}/").content.decode()
    assert 'id="moved-figures"' in shown and "1 case of the country changed" in shown
    assert "Found safe" in shown and "Still missing" in shown

    # Only a coordinator publishes; the public then reads the figures, small counts withheld.
    assert analyst.post(f"/stats/computed/{second.pk}/publish/").status_code == 403
    coordinator = signed_in(played.users[RoleCode.REGIONAL_COORDINATOR])
    page = coordinator.post(f"/stats/computed/{second.pk}/publish/", follow=True)
    assert "Published as version 1" in page.content.decode()
    publication = Publication.objects.get(figure_set=second)
    assert PublishedFigure.objects.filter(publication=publication, suppressed=True).exists()
    assert Client().get("/api/public/stats/figures/?country=GR&period=2025").status_code == 200


def test_a_national_user_cannot_open_another_countrys_set(played):
    signed_in(played.users[RoleCode.ANALYST]).post(
        "/stats/computed/", {"period": "2025", "country": ["RS"]}
    )
    serbian = FigureSet.objects.get(country_id="RS", period="2025")
    greek_supervisor = signed_in(played.users[RoleCode.SUPERVISOR])
    assert greek_supervisor.get(f"/stats/computed/{serbian.pk}/").status_code == 404
    assert greek_supervisor.post(f"/stats/computed/{serbian.pk}/publish/").status_code == 404


def test_a_bad_period_is_refused_naming_the_field(played):
    page = signed_in(played.users[RoleCode.ANALYST]).post("/stats/computed/", {"period": "2025-13"})
    assert page.status_code == 200
    assert 'id="computed-sets"' in page.content.decode()
    assert FigureSet.objects.count() == 0
