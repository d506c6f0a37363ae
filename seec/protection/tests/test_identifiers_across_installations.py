"""Identifiers compared with a police unit of another installation under a matching agreement:
only keyed hashes travel; a match tells the police units of both and no one else.

Here both units are on one installation and the exchange delivers through its local path (the
same payloads and handlers as between nodes). So that the comparison on this installation
(tracing.find_matches) does not find the match first, the Serbian identifier is recorded as on
another installation: without the local comparison, whose notices are then cleared.
"""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from seec.core.audit import Origin
from seec.core.models import Notification, RoleCode
from seec.core.tests.factories import make_organisation, make_user
from seec.exchange import services as exchange_services
from seec.linkage import services as linkage
from seec.protection import identifiers_across, intelligence, tracing
from seec.protection.models import RemoteIdentifierMatch

IBAN = "AL47 2121 1009 0000 0002 3569 8741"


@pytest.fixture
def units(region):
    rs_police = make_organisation("RS", "police", name="Police of Serbia")
    rs_officer = make_user(rs_police, RoleCode.LIAISON_OFFICER, username="rs-liaison")
    rs_colleague = make_user(rs_police, RoleCode.ALERT_AUTHORITY, username="rs-officer")
    gr_officer = region.users[RoleCode.LIAISON_OFFICER]
    today = timezone.localdate()

    def agreement(user, partner, key=None):
        return linkage.create_agreement(
            origin=Origin(user), partner_organisation=partner, partner_name="",
            partner_country="", purpose="Trafficking investigations: payment traces",
            valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=365),
            key=key,
        )  # fmt: skip

    greek, key = agreement(gr_officer, rs_police)
    serbian, _shown = agreement(rs_officer, region.gr_police, key=key)

    def person(user, name):
        return intelligence.open_person(
            origin=Origin(user),
            fields={"role": "trafficker", "name": name, "review_on": today,
                    "retain_until": today + timedelta(days=365)},
        )  # fmt: skip

    return {
        "gr_officer": gr_officer,
        "gr_person": person(gr_officer, "Recruiter Alpha"),
        "rs_officer": rs_officer,
        "rs_colleague": rs_colleague,
        "rs_person": person(rs_officer, "Recruiter Beta"),
        "greek": greek,
        "serbian": serbian,
    }


@pytest.fixture
def sent_payloads(monkeypatch):
    """Every payload handed to the exchange, as it would travel."""
    sent = []
    real = exchange_services.send

    def spy(to, payload_type, payload, **kwargs):
        sent.append((payload_type, json.dumps(payload)))
        return real(to, payload_type, payload, **kwargs)

    monkeypatch.setattr(exchange_services, "send", spy)
    return sent


def record_as_on_another_installation(monkeypatch, **kwargs):
    with monkeypatch.context() as m:
        m.setattr(tracing, "find_matches", lambda identifier: [])
        return tracing.record_identifier(**kwargs)


def test_a_match_under_the_agreement_tells_both_police_units_and_no_one_else(
    region, units, sent_payloads, monkeypatch
):
    ours = tracing.record_identifier(
        origin=Origin(units["gr_officer"]), kind="iban", value=IBAN, person=units["gr_person"]
    )
    tracing.record_identifier(
        origin=Origin(units["gr_officer"]), kind="phone", value="+30 691 234 5678",
        person=units["gr_person"],
    )  # fmt: skip
    theirs = record_as_on_another_installation(
        monkeypatch, origin=Origin(units["rs_officer"]), kind="iban",
        value=IBAN.replace(" ", "").lower(), person=units["rs_person"],
    )  # fmt: skip
    Notification.objects.all().delete()

    sent = identifiers_across.send_identifier_hashes(
        units["greek"], origin=Origin(units["gr_officer"])
    )
    assert sent == 2
    assert [t for t, _p in sent_payloads] == [
        "protection.identifier_hashes",
        "protection.identifier_matched",
    ]
    for _type, payload in sent_payloads:  # keyed hashes and opaque ids only
        # The identifiers in any of their written forms; whole numbers, not fragments such
        # as "691", which a random hex id contains now and then.
        clear = (IBAN, IBAN.replace(" ", ""), "+30 691 234 5678", "306912345678", "6912345678")
        for secret in (*clear, ours.key_hash, theirs.key_hash, "Recruiter"):
            assert secret.lower() not in payload.lower()

    greek_match = RemoteIdentifierMatch.objects.get(identifier=ours)
    serbian_match = RemoteIdentifierMatch.objects.get(identifier=theirs)
    assert greek_match.agreement == units["greek"]
    assert serbian_match.agreement == units["serbian"]

    told = {n.user.username: n for n in Notification.objects.select_related("user")}
    greek_unit = {u.username for u in tracing.police_unit(region.gr_police.pk)}
    serbian_unit = {"rs-liaison", "rs-officer"}
    assert units["gr_officer"].username in greek_unit
    assert set(told) == greek_unit | serbian_unit
    greek_notice = told[units["gr_officer"].username]
    assert greek_notice.link == f"/protection/identifiers/{ours.pk}/"
    assert "Police of Serbia" in greek_notice.subject
    assert theirs.person.reference not in greek_notice.subject
    serbian_notice = told["rs-officer"]
    assert serbian_notice.link == f"/protection/identifiers/{theirs.pk}/"
    assert ours.person.reference not in serbian_notice.subject

    # Sent again: nothing new is found, no one is told twice.
    identifiers_across.send_identifier_hashes(units["greek"], origin=Origin(units["gr_officer"]))
    assert RemoteIdentifierMatch.objects.count() == 2
    assert Notification.objects.count() == len(told)

    page = Client()
    page.force_login(units["gr_officer"])
    shown = page.get(f"/protection/identifiers/{ours.pk}/").content.decode()
    assert "Police of Serbia" in shown and theirs.person.reference not in shown


def test_only_the_police_unit_of_a_police_agreement_in_force_sends(region, units):
    manager = region.users[RoleCode.CASE_MANAGER]
    with pytest.raises(PermissionDenied):
        identifiers_across.send_identifier_hashes(units["greek"], origin=Origin(manager))
    with pytest.raises(PermissionDenied):  # the Serbian officer, with the Greek agreement
        identifiers_across.send_identifier_hashes(
            units["greek"], origin=Origin(units["rs_officer"])
        )
    with pytest.raises(ValidationError) as nothing:
        identifiers_across.send_identifier_hashes(
            units["greek"], origin=Origin(units["gr_officer"])
        )
    assert "agreement" in nothing.value.message_dict
    linkage.end_agreement(units["greek"], origin=Origin(units["gr_officer"]), reason="Ended")
    tracing.record_identifier(
        origin=Origin(units["gr_officer"]), kind="iban", value=IBAN, person=units["gr_person"]
    )
    units["greek"].refresh_from_db()
    with pytest.raises(ValidationError):
        identifiers_across.send_identifier_hashes(
            units["greek"], origin=Origin(units["gr_officer"])
        )
    assert not RemoteIdentifierMatch.objects.exists()


def test_hashes_under_a_key_the_receiver_never_agreed_are_refused(region, units, monkeypatch):
    other, _key = linkage.create_agreement(
        origin=Origin(units["gr_officer"]), partner_organisation=units["rs_officer"].organisation,
        partner_name="", partner_country="", purpose="Another key",
        valid_from=timezone.localdate(), valid_until=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip
    tracing.record_identifier(
        origin=Origin(units["gr_officer"]), kind="iban", value=IBAN, person=units["gr_person"]
    )
    record_as_on_another_installation(
        monkeypatch, origin=Origin(units["rs_officer"]), kind="iban", value=IBAN,
        person=units["rs_person"],
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        identifiers_across.send_identifier_hashes(other, origin=Origin(units["gr_officer"]))
    assert "No matching agreement" in str(refused.value)
    assert not RemoteIdentifierMatch.objects.exists()


def test_the_page_step_sends_under_the_units_own_agreement_only(region, units, monkeypatch):
    tracing.record_identifier(
        origin=Origin(units["gr_officer"]), kind="iban", value=IBAN, person=units["gr_person"]
    )
    path = f"/protection/identifiers/agreements/{units['greek'].pk}/send/"
    serbian = Client()
    serbian.force_login(units["rs_officer"])
    assert serbian.post(path).status_code == 404
    greek = Client()
    greek.force_login(units["gr_officer"])
    assert greek.get(path).status_code == 405
    response = greek.post(path, follow=True)
    assert response.redirect_chain[-1][0] == "/protection/persons/"
    assert "The keyed hash of 1 identifier was sent to Police of Serbia." in (
        response.content.decode()
    )
