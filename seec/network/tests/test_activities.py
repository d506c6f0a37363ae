"""Trainings with participants, scores and certificates; forums' recommendations followed up
per country; info-desks' counts; participants' personal data for the centre only."""

import datetime
import io

import pypdfium2
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from seec.core.audit import Origin, chain_staged_reads
from seec.core.models import AuditEvent, RoleCode
from seec.network import documents, indicators, selectors, services
from seec.network import models as m

D = datetime.date
CSV = (
    "name,organisation,sector,country,email,pre_test,post_test,completed\n"
    "Ana Petrovska,NGO Skopje,ngo,MK,ana@example.org,60,90,yes\n"
    "Марко Вуковић,116 000 Montenegro,hotline,ME,,55,85,yes\n"
    "Bojan,Police Skopje,Law enforcement,MK,,48,,no\n"
)


@pytest.fixture
def training(origin, countries):
    return services.save_record(
        m.Activity(created_by=origin.actor),
        origin=origin,
        data={"kind": "training", "title": "116 000 operations", "starts_on": D(2025, 4, 20),
              "ends_on": D(2025, 4, 22), "place": "Athens"},
        m2m={"countries": [countries["GR"], countries["MK"], countries["ME"]]},
    )  # fmt: skip


def test_a_training_with_participants_and_certificates(training, origin, region):
    upload = SimpleUploadedFile("p.csv", CSV.encode())
    assert services.import_participants(training, origin=origin, upload=upload) == 3
    issued = services.issue_certificates(training, origin=origin)
    assert [p.certificate_number for p in issued] == [
        f"SEEC-2025-{training.pk:04d}-001",
        f"SEEC-2025-{training.pk:04d}-002",
    ]  # the one who did not complete gets none
    assert services.issue_certificates(training, origin=origin) == []  # never twice
    pdf = pypdfium2.PdfDocument(io.BytesIO(documents.certificates_pdf(training, issued)))
    assert len(pdf) == 2
    text = pdf[1].get_textpage().get_text_range()
    assert "Марко Вуковић" in text and "116 000 operations" in text and "SEEC-2025" in text
    summary = selectors.training_summary(training)
    assert summary["participants"] == 3 and summary["certificates"] == 2
    assert summary["by_country"] == {"ME": 1, "MK": 2}
    assert round(summary["pre_test"]) == 54 and round(summary["post_test"]) == 88


def test_a_bad_participants_file_is_refused_whole_with_every_problem(training, origin):
    bad = CSV + "X,Org,astronaut,XX,not-an-email,120,50,maybe\n"
    with pytest.raises(ValidationError) as error:
        services.import_participants(
            training, origin=origin, upload=SimpleUploadedFile("p.csv", bad.encode())
        )
    problems = " | ".join(error.value.message_dict["file"])
    for expected in ("row 5, sector", "row 5, country", "row 5, email", "row 5, pre_test",
                     "row 5, completed"):  # fmt: skip
        assert expected in problems
    assert not m.Participant.objects.exists()
    latin1 = SimpleUploadedFile(
        "p.csv", "name,organisation,sector,country\nĆ,O,ngo,RS\n".encode("cp1250")
    )
    with pytest.raises(ValidationError) as error:
        services.import_participants(training, origin=origin, upload=latin1)
    assert "UTF-8" in " ".join(error.value.message_dict["file"])


def test_participants_are_the_centres_alone(training, origin, region, client):
    services.import_participants(
        training, origin=origin, upload=SimpleUploadedFile("p.csv", CSV.encode())
    )
    # A Greek hotline supervisor sees the training (Greece took part), counts, no names.
    client.force_login(region.users[RoleCode.SUPERVISOR])
    page = client.get(f"/network/activities/{training.pk}/").content.decode()
    assert "116 000 operations" in page and "Ana Petrovska" not in page and "ME: 1" in page
    assert client.get(f"/network/activities/{training.pk}/certificates.pdf").status_code == 403
    assert not services.read_participants(
        training, origin=Origin(region.users[RoleCode.SUPERVISOR])
    )
    client.force_login(region.users[RoleCode.REGIONAL_COORDINATOR])
    assert "Ana Petrovska" in client.get(f"/network/activities/{training.pk}/").content.decode()
    chain_staged_reads()  # reads are staged in the request, chained by the worker
    assert AuditEvent.objects.filter(action="network.participants_read").exists()


def test_staff_trained_counts_into_the_service_indicator(training, origin, region, countries):
    services.save_record(
        m.Participant(activity=training),
        origin=origin,
        data={"name": "Eleni", "organisation_name": "116 000 Greece",
              "organisation": region.gr_hotline, "sector": "hotline",
              "country": countries["GR"], "completed": True},
    )  # fmt: skip
    value = indicators.compute_all(
        region.gr_hotline, D(2025, 1, 1), D(2025, 12, 31), codes=["staff.trained"]
    )["staff.trained"]
    assert value.value == 1


def test_forum_recommendations_are_followed_up_per_country(origin, countries, coordinator, client):
    forum = services.save_record(
        m.Activity(created_by=origin.actor),
        origin=origin,
        data={"kind": "forum", "title": "Thessaloniki forum", "starts_on": D(2014, 5, 8),
              "ends_on": D(2014, 5, 9), "participants_count": 90, "organisations_count": 50},
    )  # fmt: skip
    recommendation = services.save_record(
        m.Recommendation(activity=forum),
        origin=origin,
        data={"number": 1, "text": "Expand 116 000"},
    )
    client.force_login(coordinator)
    url = f"/network/recommendations/{recommendation.pk}/follow-up/"
    for status in ("in_progress", "done"):
        client.post(url, {"f-country": "ME", "f-status": status, "f-updated_on": "2015-03-31"})
    follow_up = m.RecommendationFollowUp.objects.get()
    assert (follow_up.country_id, follow_up.status) == ("ME", "done")


def test_an_info_desk_logs_counts_by_its_host(origin, region, countries):
    host = services.save_record(
        m.Partner(), origin=origin,
        data={"name": "Greek hotline", "kind": "ngo", "organisation": region.gr_hotline},
    )  # fmt: skip
    desk = services.save_record(
        m.InfoDesk(), origin=origin,
        data={"name": "Desk", "host": host, "country": countries["GR"], "place": "Athens",
              "opens_on": D(2025, 1, 1)},
    )  # fmt: skip
    operator = Origin(region.users[RoleCode.HOTLINE_OPERATOR])
    services.log_desk_contacts(
        desk, origin=operator, data={"day": D(2025, 2, 1), "kind": "information", "count": 3}
    )
    services.log_desk_contacts(
        desk, origin=operator, data={"day": D(2025, 2, 1), "kind": "information", "count": 2}
    )
    assert m.InfoDeskContacts.objects.get().count == 5
    with pytest.raises(ValidationError):
        services.log_desk_contacts(
            desk, origin=operator, data={"day": D(2024, 2, 1), "kind": "information", "count": 1}
        )
    with pytest.raises(PermissionDenied):
        services.log_desk_contacts(
            desk, origin=Origin(region.foreign_manager),
            data={"day": D(2025, 2, 1), "kind": "information", "count": 1},
        )  # fmt: skip
