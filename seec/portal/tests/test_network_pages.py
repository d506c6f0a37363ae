"""The regional centre's pages: who the network is, partners, news and events, trainings and
info-desks, publications. Nothing of the network's records is public until a coordinator
publishes it, and then only its public fields."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode
from seec.network.models import Activity, ActivityKind, InfoDesk, Partner, PartnerKind
from seec.portal import services
from seec.portal.models import NetworkItemKind, NetworkPublication

pytestmark = pytest.mark.django_db

PAGES = [
    "portal:about",
    "portal:partners",
    "portal:news",
    "portal:trainings",
    "portal:publications",
]


@pytest.fixture
def coordinator(region):
    return region.users[RoleCode.REGIONAL_COORDINATOR]


@pytest.fixture
def partner(region):
    return Partner.objects.create(
        name="Hellenic Police HQ",
        kind=PartnerKind.POLICE,
        country_id="GR",
        website="https://police.example/",
        email="secret.desk@police.example",
        phone="+30 210 000 0000",
        notes="Internal: the liaison changes in March.",
    )


@pytest.fixture
def training(coordinator, partner):
    activity = Activity.objects.create(
        kind=ActivityKind.TRAINING,
        title="Interviewing child victims",
        starts_on=datetime.date(2026, 5, 4),
        ends_on=datetime.date(2026, 5, 6),
        place="Thessaloniki",
        description="Internal description",
        outcomes="Internal: two trainers were late.",
        participants_count=24,
        created_by=coordinator,
    )
    activity.countries.set(["GR", "RS"])
    activity.partners.set([partner])
    activity.participants.create(
        name="Eleni Papadopoulou", organisation_name="Police", sector="police", country_id="GR"
    )
    return activity


@pytest.fixture
def forum(coordinator):
    return Activity.objects.create(
        kind=ActivityKind.FORUM,
        title="Regional forum on missing children",
        starts_on=datetime.date(2099, 3, 1),
        ends_on=datetime.date(2099, 3, 2),
        place="Belgrade",
        created_by=coordinator,
    )


@pytest.fixture
def desk(partner):
    desk = InfoDesk.objects.create(
        name="Info-desk at the bus station",
        host=partner,
        country_id="GR",
        place="Athens, Kifissos station",
        opens_on=datetime.date(2026, 1, 10),
        materials="Internal: 300 leaflets left",
    )
    return desk


def publish(coordinator, kind, **fields):
    return services.publish_network_item(origin=Origin(coordinator), kind=kind, **fields)


def page(client, name, **extra) -> str:
    response = client.get(reverse(name), **extra)
    assert response.status_code == 200, name
    return response.content.decode()


def test_a_partner_is_public_only_once_published_and_only_its_public_fields(
    client, coordinator, partner
):
    assert "Hellenic Police HQ" not in page(client, "portal:partners")
    publish(coordinator, NetworkItemKind.PARTNER, record=partner, public_text="Our first partner.")
    shown = page(client, "portal:partners")
    assert "Hellenic Police HQ" in shown
    assert "Our first partner." in shown
    assert "https://police.example/" in shown
    for private in ("secret.desk@police.example", "+30 210", "liaison changes"):
        assert private not in shown


def test_only_a_regional_coordinator_publishes(client, region, partner):
    manager = region.users[RoleCode.CASE_MANAGER]
    with pytest.raises(PermissionDenied):
        publish(manager, NetworkItemKind.PARTNER, record=partner)
    client.force_login(manager)
    assert client.get(reverse("portal:network-publish")).status_code == 403
    assert not NetworkPublication.objects.exists()


def test_a_training_shows_its_dates_place_and_countries_never_its_participants(
    client, coordinator, training, partner
):
    publish(coordinator, NetworkItemKind.ACTIVITY, record=training, public_text="Three days.")
    shown = page(client, "portal:trainings")
    assert "Interviewing child victims" in shown
    assert "Thessaloniki" in shown and "Three days." in shown
    assert "24 participants" in shown
    for private in ("Eleni", "Internal"):
        assert private not in shown
    # Its partner is not published: not named either.
    assert "Hellenic Police HQ" not in shown
    publish(coordinator, NetworkItemKind.PARTNER, record=partner)
    assert "Hellenic Police HQ" in page(client, "portal:trainings")
    # A training is not an event of the news page.
    assert "Interviewing child victims" not in page(client, "portal:news")


def test_events_to_come_and_news_are_on_the_news_page(client, coordinator, forum):
    publish(coordinator, NetworkItemKind.ACTIVITY, record=forum)
    publish(
        coordinator,
        NetworkItemKind.NEWS,
        title="116 000 now answers in Moldova",
        public_text="The hotline answers day and night.",
    )
    shown = page(client, "portal:news")
    assert "Regional forum on missing children" in shown
    assert "116 000 now answers in Moldova" in shown
    assert "116 000 now answers in Moldova" in page(client, "portal:about")


def test_an_info_desk_shows_its_host_and_place_never_its_counts_or_materials(
    client, coordinator, desk
):
    desk.contacts.create(
        day=datetime.date(2026, 1, 11), kind="information", count=9137, logged_by=coordinator
    )
    publish(coordinator, NetworkItemKind.INFO_DESK, record=desk)
    shown = page(client, "portal:trainings")
    assert "Info-desk at the bus station" in shown
    assert "Kifissos station" in shown and "Hellenic Police HQ" in shown
    assert "300 leaflets" not in shown and "9137" not in shown


def test_a_record_is_published_once_and_withdrawn_at_once(client, coordinator, partner):
    publication = publish(coordinator, NetworkItemKind.PARTNER, record=partner)
    with pytest.raises(ValidationError) as refused:
        publish(coordinator, NetworkItemKind.PARTNER, record=partner)
    assert "partner" in refused.value.message_dict
    services.withdraw_network_item(publication, origin=Origin(coordinator))
    assert "Hellenic Police HQ" not in page(client, "portal:partners")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"portal.network_published", "portal.network_withdrawn"} <= actions


def test_news_with_markup_or_without_a_title_is_refused_and_nothing_stored(coordinator):
    with pytest.raises(ValidationError) as refused:
        publish(coordinator, NetworkItemKind.NEWS, title="", public_text="<script>x</script>")
    assert set(refused.value.message_dict) == {"title", "public_text"}
    assert not NetworkPublication.objects.exists()


def test_the_annual_report_is_downloaded_once_released(client, coordinator, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pytest.raises(ValidationError) as refused:
        publish(coordinator, NetworkItemKind.REPORT, year=2025)
    assert "build_report" in refused.value.message_dict["year"][0]
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "seec-statistics-2025.pdf").write_bytes(b"%PDF-1.4 report")
    url = reverse("portal:annual-report", args=[2025])
    assert client.get(url).status_code == 404  # built, not released
    publication = publish(coordinator, NetworkItemKind.REPORT, year=2025)
    assert url in page(client, "portal:publications")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 report"
    services.withdraw_network_item(publication, origin=Origin(coordinator))
    assert client.get(url).status_code == 404


def test_the_publications_page_links_the_open_data(client):
    shown = page(client, "portal:publications")
    assert reverse("stats:open-data") in shown
    assert reverse("stats:open-data-csv") in shown
    assert "/api/public/stats/figures/" in shown


@pytest.mark.parametrize("name", PAGES)
def test_every_page_of_the_regional_centre_is_in_the_visitors_language_with_the_csp(
    client, region, name
):
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 200
    assert '<html lang="el"' in response.content.decode()
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "<script" not in response.content.decode()


def test_a_coordinator_publishes_through_the_form(client, coordinator, partner):
    client.force_login(coordinator)
    url = reverse("portal:network-publish")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"kind": "partner", "partner-record": partner.pk, "partner-public_text": "Hi."}
    )
    assert response.status_code == 302
    refused = client.post(url, {"kind": "news", "news-title": "", "news-public_text": "x"})
    assert refused.status_code == 400
    assert NetworkPublication.objects.count() == 1
    publication = NetworkPublication.objects.get()
    client.post(reverse("portal:network-withdraw", args=[publication.pk]))
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None
