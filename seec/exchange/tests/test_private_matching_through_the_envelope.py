# ruff: noqa: F811 — the private matching fixtures of linkage are imported by name
"""Private matching's encodings sent through the envelope under a matching agreement (here
both centres on one node: the same messages as between nodes)."""

import pytest
from django.core.exceptions import ValidationError

from seec.core.audit import Origin
from seec.core.models import Notification
from seec.exchange import private_matching
from seec.exchange.models import ReceivedEncodings
from seec.linkage.models import PrivateMatch
from seec.linkage.selectors import CaseSelection
from seec.linkage.tests.test_private_matching import (  # noqa: F401 — fixtures
    agreements,
    children,
    gr_manager,
    make_agreement,
    rs_manager,
)


def test_encodings_travel_are_compared_there_and_a_confirmed_match_tells_the_sender(
    children, agreements, gr_manager, rs_manager
):
    sent = private_matching.send_encodings(
        agreements["serbian"], origin=Origin(rs_manager), selection=CaseSelection()
    )
    assert sent == 2
    received = ReceivedEncodings.objects.get()
    assert received.agreement == agreements["greek"] and received.records == 2
    assert b"\xd0\x9f" not in bytes(received.content)  # no Cyrillic name in it
    assert Notification.objects.filter(user=gr_manager).exists()

    private_matching.compare_received(received, origin=Origin(gr_manager))
    match = PrivateMatch.objects.get(case=children["greek"])
    private_matching.confirm_match(match, origin=Origin(gr_manager), note="Same girl.")
    told = Notification.objects.filter(user=rs_manager, link=f"/cases/{children['serbian'].pk}/")
    assert told.exists()


def test_encodings_without_an_agreement_there_are_refused(region, children, rs_manager):
    serbian, _key = make_agreement(rs_manager, region.gr_hotline)  # Greece never entered it
    with pytest.raises(ValidationError) as error:
        private_matching.send_encodings(
            serbian, origin=Origin(rs_manager), selection=CaseSelection()
        )
    assert "No matching agreement" in str(error.value)
    assert not ReceivedEncodings.objects.exists()


def test_another_organisation_can_neither_send_nor_compare(
    region, children, agreements, gr_manager, rs_manager
):
    from django.test import Client

    private_matching.send_encodings(
        agreements["serbian"], origin=Origin(rs_manager), selection=CaseSelection()
    )
    received = ReceivedEncodings.objects.get()
    serbian = Client()
    serbian.force_login(rs_manager)
    assert serbian.post(f"/exchange/encodings/{received.pk}/compare/").status_code == 404
    assert serbian.post(f"/exchange/encodings/send/{agreements['greek'].pk}/").status_code == 404
    greek = Client()
    greek.force_login(gr_manager)
    response = greek.post(f"/exchange/encodings/{received.pk}/compare/")
    assert response.status_code == 302 and "/linkage/private/exchanges/" in response["Location"]
