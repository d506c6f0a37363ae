"""Requests for cooperation between organisations on one node (the same messages as between
nodes): the facts a measure needs, grading, deadline, answer and escalation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from seec.core.audit import Origin
from seec.core.models import Notification, OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user
from seec.exchange import cooperation
from seec.exchange.models import CooperationRequest, CooperationStatus

YELLOW = {
    "child": {"name": "Марија Ђорђевић", "sex": "female", "age": 14, "nationality": "RS"},
    "disappearance": {"date": "2026-11-28", "place": "Thessaloniki, bus station"},
}
HAGUE = {
    "child": {"name": "Ελένη Παπαδοπούλου", "sex": "female", "date_of_birth": "2019-03-02"},
    "applicant": {"name": "Νίκος Παπαδόπουλος", "relationship": "father"},
    "removed_by": {"name": "Jelena Papadopoulou", "relationship": "mother", "nationality": "RS"},
    "date_of_removal": "2026-10-01",
    "habitual_residence": "Athens, Greece",
    "grounds": "Joint custody under the Athens court's order of 2024.",
}


@pytest.fixture
def serbian_police(region):
    police = make_organisation("RS", OrganisationKind.POLICE, name="Police of Serbia")
    officer = make_user(police, RoleCode.LIAISON_OFFICER, username="rs-liaison")
    return police, officer


def ask(region, to, kind="yellow_notice", facts=YELLOW, **overrides):
    options = {
        "kind": kind,
        "question": "Please check whether the child entered Serbia.",
        "facts": facts,
        "handling": "H2",
        "reliability": "B",
        "accuracy": "2",
        "deadline": timezone.now() + timedelta(days=2),
    }
    options.update(overrides)
    return cooperation.request_cooperation(
        to, origin=Origin(region.users[RoleCode.LIAISON_OFFICER]), **options
    )


def test_a_request_is_answered_with_its_grading(region, serbian_police):
    police, officer = serbian_police
    sent = ask(region, police)
    received = CooperationRequest.objects.get(conversation=sent.conversation, side="received")
    assert (received.handling, received.reliability, received.accuracy) == ("H2", "B", "2")
    assert Notification.objects.filter(user=officer).exists()
    cooperation.answer_cooperation(
        received, origin=Origin(officer), answer="Entered at Preševo on 29 November.",
        reliability="A", accuracy="1",
    )  # fmt: skip
    sent.refresh_from_db()
    assert sent.status == CooperationStatus.ANSWERED and "Preševo" in sent.answer


def test_a_hague_application_needs_its_article_8_facts(region, serbian_police):
    police, _officer = serbian_police
    missing = {k: v for k, v in HAGUE.items() if k not in ("grounds", "removed_by")}
    with pytest.raises(ValidationError) as error:
        ask(region, police, kind="hague_article_8", facts=missing)
    problems = " ".join(error.value.message_dict["facts"])
    assert "grounds" in problems and "removed_by" in problems
    assert not CooperationRequest.objects.exists()
    assert ask(region, police, kind="hague_article_8", facts=HAGUE).pk


def test_grading_and_deadline_are_checked(region, serbian_police):
    police, _officer = serbian_police
    with pytest.raises(ValidationError) as error:
        ask(region, police, reliability="Z", accuracy="7", handling="H9",
            deadline=timezone.now() - timedelta(hours=1))  # fmt: skip
    assert set(error.value.message_dict) == {"reliability", "accuracy", "handling", "deadline"}


def test_a_request_to_a_hotline_is_refused(region):
    with pytest.raises(ValidationError) as error:
        ask(region, region.rs_hotline)
    assert "organisation" in error.value.message_dict


def test_an_overdue_request_is_escalated_on_both_sides(region, serbian_police):
    police, officer = serbian_police
    sent = ask(region, police)
    told = Notification.objects.filter(user=officer).count()
    assert cooperation.escalate_overdue(now=timezone.now() + timedelta(days=3)) == 1
    sent.refresh_from_db()
    received = CooperationRequest.objects.get(conversation=sent.conversation, side="received")
    assert sent.status == received.status == CooperationStatus.ESCALATED
    # The Serbian officer is told, in Serbian: whatever the words, one notice more.
    assert Notification.objects.filter(user=officer).count() == told + 1
    assert cooperation.escalate_overdue(now=timezone.now() + timedelta(days=3)) == 0
