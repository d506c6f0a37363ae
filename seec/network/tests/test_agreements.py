"""Agreements: parties, validity, the signed document encrypted, reminders before they lapse."""

import datetime
import io

import pikepdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from seec.core.audit import Origin, chain_staged_reads
from seec.core.models import AuditEvent, Notification, RoleCode, StagedRead
from seec.network import models as m
from seec.network import selectors, services
from seec.network.rules import is_coordinator

D = datetime.date


def a_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


PDF = a_pdf()


def is_the_signed_pdf(content: bytes) -> bool:
    """Stored documents are cleaned (seec/cases/documents.py): the same one page, rewritten."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return len(pdf.pages) == 1


@pytest.fixture
def partners(origin, region):
    def partner(name, organisation=None, country="GR"):
        return services.save_record(
            m.Partner(),
            origin=origin,
            data={"name": name, "kind": "ngo", "country_id": country, "organisation": organisation},
        )

    return {
        "gr": partner("116 000 Greece partner", region.gr_hotline),
        "rs": partner("116 000 Serbia partner", region.rs_hotline, "RS"),
        "mce": partner("Missing Children Europe", None, None),
    }


@pytest.fixture
def agreement(origin, partners, countries):
    return services.save_agreement(
        None,
        origin=origin,
        data={
            "title": "Cross-border 116 000 cases GR–RS",
            "kind": "bilateral_repatriation",
            "scope": "Safe repatriation of children between Greece and Serbia.",
            "signed_on": D(2024, 1, 10),
            "valid_from": D(2024, 1, 10),
            "valid_until": datetime.date.today() + datetime.timedelta(days=20),
        },
        parties=[partners["gr"], partners["rs"]],
        countries=[countries["GR"], countries["RS"]],
    )


def test_an_agreement_is_reminded_of_once_per_lead_time(agreement, region, coordinator):
    sent = services.remind_lapsing_agreements()
    assert [(r.agreement, r.days_before) for r in sent] == [(agreement, 30)]
    notice = Notification.objects.get(user=coordinator)
    assert agreement.title in notice.subject and notice.link.endswith(f"/{agreement.pk}/")
    # Run again (daily, from cron): nothing twice.
    assert services.remind_lapsing_agreements() == []
    # A week before it lapses, the next reminder.
    week_before = agreement.valid_until - datetime.timedelta(days=6)
    assert [r.days_before for r in services.remind_lapsing_agreements(week_before)] == [7]
    assert Notification.objects.filter(user=coordinator).count() == 2
    # Nobody else is told: the parties' staff read the agreement, the coordinators keep it.
    assert not Notification.objects.exclude(user=coordinator).exists()
    assert AuditEvent.objects.filter(action="network.agreement_reminded").count() == 2


def test_a_renewed_agreement_is_reminded_of_again(agreement, origin):
    services.remind_lapsing_agreements()
    renewed_until = agreement.valid_until + datetime.timedelta(days=365)
    services.save_agreement(
        agreement,
        origin=origin,
        data={"valid_until": renewed_until},
        parties=[p.partner for p in agreement.parties.all()],
        countries=list(agreement.countries.all()),
    )
    assert services.remind_lapsing_agreements() == []
    later = renewed_until - datetime.timedelta(days=80)
    assert [r.days_before for r in services.remind_lapsing_agreements(later)] == [90]


def test_a_terminated_agreement_is_not_reminded_of(agreement, origin):
    services.terminate_agreement(
        agreement, origin=origin, on=datetime.date.today(), reason="Replaced"
    )
    assert services.remind_lapsing_agreements() == []
    assert selectors.agreement_state(agreement) == "terminated"


def test_the_reminder_command_runs_from_cron(agreement):
    from django.core.management import call_command

    call_command("remind_agreements", verbosity=0)
    assert m.AgreementReminder.objects.filter(agreement=agreement).count() == 1


def test_bad_agreements_are_refused_whole(origin, partners):
    data = {
        "title": "x",
        "kind": "bilateral_repatriation",
        "scope": "x",
        "valid_from": D(2024, 1, 1),
    }
    with pytest.raises(ValidationError) as error:
        services.save_agreement(None, origin=origin, data=data, parties=[partners["gr"]])
    assert "parties" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_agreement(None, origin=origin, data=data, parties=list(partners.values()))
    assert "parties" in error.value.message_dict  # bilateral: exactly two
    with pytest.raises(ValidationError) as error:
        services.save_agreement(
            None,
            origin=origin,
            data={**data, "kind": "mou", "valid_until": D(2023, 1, 1)},
            parties=[partners["gr"], partners["rs"]],
        )
    assert "valid_until" in error.value.message_dict
    assert not m.Agreement.objects.exists()


def test_the_signed_document_is_a_pdf_stored_encrypted(agreement, origin, region):
    with pytest.raises(ValidationError):
        services.add_agreement_document(
            agreement, origin=origin, upload=SimpleUploadedFile("a.pdf", b"MZ not a pdf")
        )
    document = services.add_agreement_document(
        agreement, origin=origin, upload=SimpleUploadedFile("signed.pdf", PDF)
    )
    with default_storage.open(f"network-documents/{document.storage_name}", "rb") as stored:
        assert b"%PDF" not in stored.read()
    assert is_the_signed_pdf(services.read_agreement_document(document, origin=origin))
    # The Greek hotline is a party: its staff read it; the analyst does not.
    gr_staff = Origin(region.users[RoleCode.SUPERVISOR])
    assert is_the_signed_pdf(services.read_agreement_document(document, origin=gr_staff))
    with pytest.raises(PermissionDenied):
        services.read_agreement_document(document, origin=Origin(region.users[RoleCode.ANALYST]))
    # Reads are staged without the chain's lock, then chained by the worker.
    assert StagedRead.objects.filter(action="network.agreement_document_read").count() == 2
    chain_staged_reads()
    assert AuditEvent.objects.filter(action="network.agreement_document_read").count() == 2


def test_agreement_pages_and_api_follow_the_parties(
    agreement, region, coordinator, partners, origin
):
    other = services.save_agreement(
        None,
        origin=origin,
        data={"title": "MCE–SEEC plan", "kind": "common_action_plan", "scope": "x",
              "valid_from": D(2025, 1, 1)},
        parties=[partners["rs"], partners["mce"]],
    )  # fmt: skip
    client = APIClient()
    client.force_login(region.users[RoleCode.HOTLINE_OPERATOR])
    listed = {a["id"] for a in client.get("/api/network/agreements/").json()["results"]}
    assert listed == {agreement.pk}
    assert client.get(f"/api/network/agreements/{other.pk}/").status_code == 404
    assert client.get(f"/network/agreements/{agreement.pk}/").status_code == 200
    assert client.get(f"/network/agreements/{other.pk}/").status_code == 404
    assert client.get("/network/agreements/new/").status_code == 403
    client.force_login(coordinator)
    assert is_coordinator(coordinator)
    page = client.get("/network/agreements/?state=lapsing").content.decode()
    assert agreement.title in page and other.title not in page
