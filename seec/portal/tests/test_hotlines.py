"""The hotline directory: each country's 116 000 from the country profiles, the web chat
where the country's centre is on the platform, and 112."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_directory_lists_every_country_of_the_region_with_116_000_and_112(client, region):
    response = client.get(reverse("portal:hotlines"))
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("AL", "BA", "BG", "GR", "RS", "UA", "TR"):
        assert f'id="hotline-{code}"' in page
    assert page.count("116 000") >= 14
    assert 'href="tel:112"' in page


def test_directory_links_the_chat_only_where_the_centre_is_on_the_platform(client, region):
    page = client.get(reverse("portal:hotlines")).content.decode()
    chat = reverse("helpchat:chat")
    assert f"{chat}?country=GR" in page  # the region's Greek hotline
    assert f"{chat}?country=RS" in page
    assert f"{chat}?country=AL" not in page  # no Albanian centre in this region


def test_directory_shows_the_hotlines_status_from_the_country_profile(client, region):
    from seec.network.profiles import hotline_directory

    rows = {row["country"]: row for row in hotline_directory()}
    page = client.get(reverse("portal:hotlines")).content.decode()
    assert rows["GR"]["stage_label"] in page


def test_the_chat_link_opens_on_the_countrys_hotline(client, region):
    page = client.get(reverse("helpchat:chat"), {"country": "GR"}).content.decode()
    assert '<option value="GR" selected>' in page


def test_the_about_page_names_the_members_and_the_open_data(client, region):
    response = client.get(reverse("portal:about"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/portal/hotlines/#hotline-GR"' in page
    assert reverse("stats:open-data") in page
    assert "Content-Security-Policy" in response.headers


def test_directory_shows_a_services_latest_completed_evaluation(client, region, manager):
    from django.utils import timezone

    from seec.core.models import Organisation
    from seec.network.models import (
        CriteriaCatalogue,
        EvaluationStage,
        ServiceEvaluation,
        ServiceStatus,
    )

    catalogue = CriteriaCatalogue.objects.filter(published_on__isnull=False).first()
    common = {
        "organisation": Organisation.objects.filter(country_id="GR").first(),
        "catalogue": catalogue,
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "started_by": manager,
    }
    ServiceEvaluation.objects.create(
        **common,
        year=2025,
        stage=EvaluationStage.COMPLETED,
        reviewed_at=timezone.now(),
        result=ServiceStatus.MEETS,
    )
    ServiceEvaluation.objects.create(**common, year=2026, stage=EvaluationStage.SELF_ASSESSMENT)
    page = client.get(reverse("portal:hotlines")).content.decode()
    card = page.split('id="hotline-GR"')[1].split("</li>")[0]
    assert f"Service evaluation 2025 against {catalogue}" in card
    assert str(ServiceStatus.MEETS.label) in card
    assert "2026" not in card  # an evaluation under way is not a result
