"""Safe repatriation on one installation: a plan, its ordered steps asked of their owners and
confirmed by them, overdue steps warned."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from seec.core.audit import Origin
from seec.core.models import Country, Notification
from seec.protection import repatriation
from seec.protection.agreements import repatriation_agreements
from seec.protection.models import PlanStatus, StepAssignment, StepKind, StepStatus

from .conftest import TODAY


def ready_plan(victim, people):
    coordinator = Origin(people["gr_manager"])
    plan = repatriation.open_plan(
        victim,
        origin=coordinator,
        destination=Country.objects.get(code="AL"),
        agreement=repatriation_agreements("GR", "AL")[0].title,
    )
    soon = TODAY() + timedelta(days=10)
    al_social = people["al_social_org"]
    for kind, owner, owner_name in [
        (StepKind.FAMILY_ASSESSMENT, al_social, ""),
        (StepKind.TRAVEL_DOCUMENTS, None, "Albanian consulate in Thessaloniki"),
        (StepKind.ESCORT, people["region"].gr_police, ""),
        (StepKind.HANDOVER, al_social, ""),
        (StepKind.RECEPTION, al_social, ""),
    ]:
        repatriation.add_step(
            plan, origin=coordinator, kind=kind, due_on=soon, owner=owner, owner_name=owner_name
        )
    repatriation.add_follow_ups(plan, origin=coordinator)
    return plan


def test_a_repatriation_with_every_step_confirmed(victim, people):
    coordinator = Origin(people["gr_manager"])
    plan = ready_plan(victim, people)
    assert [s.kind for s in plan.steps.all()][-4:] == [
        "follow_up_1",
        "follow_up_3",
        "follow_up_6",
        "follow_up_12",
    ]
    # The family assessment is asked of the country of origin before the decision.
    family = plan.steps.get(kind=StepKind.FAMILY_ASSESSMENT)
    repatriation.request_step(family, origin=coordinator)
    assignment = StepAssignment.objects.get(organisation=people["al_social_org"])
    assert assignment.child_name == "Arta Hoxha"
    repatriation.answer_assignment(
        assignment,
        origin=Origin(people["al_social"]),
        confirm=True,
        note="Mother and grandmother in Elbasan, safe home, school place available.",
    )
    plan.refresh_from_db()
    assert "Elbasan" in plan.family_assessment
    with pytest.raises(ValidationError) as refused:
        repatriation.decide_plan(plan, origin=coordinator, approve=True)
    assert "child_views" in refused.value.message_dict
    repatriation.update_plan(
        plan,
        origin=coordinator,
        fields={
            "best_interests": "Return to the mother, with services in Elbasan.",
            "best_interests_by": "Best-interests panel, EKKA",
            "best_interests_on": TODAY(),
            "return_risk": "low",
            "risk_assessment": "The exploiters are in Greece, prosecuted.",
            "child_views": "Wants to go home to her mother.",
            "child_heard_on": TODAY(),
        },
    )
    repatriation.decide_plan(plan, origin=coordinator, approve=True)
    handover = plan.steps.get(kind=StepKind.HANDOVER)
    with pytest.raises(ValidationError):
        repatriation.request_step(handover, origin=coordinator)  # documents and escort first
    documents = plan.steps.get(kind=StepKind.TRAVEL_DOCUMENTS)
    repatriation.request_step(documents, origin=coordinator)
    repatriation.record_step_answer(
        documents, origin=coordinator, confirmed=True, by="Consul, Albanian consulate"
    )
    for step in plan.steps.exclude(status=StepStatus.CONFIRMED).order_by("position"):
        step = repatriation.request_step(step, origin=coordinator)
        held = StepAssignment.objects.get(conversation=step.conversation)
        owner = (
            people["region"].users["alert_authority"]
            if held.organisation == people["region"].gr_police
            else people["al_social"]
        )
        repatriation.answer_assignment(held, origin=Origin(owner), confirm=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert not plan.steps.exclude(status=StepStatus.CONFIRMED).exists()
    assert (
        Notification.objects.filter(
            user=people["gr_manager"], link=f"/protection/plans/{plan.pk}/"
        ).count()
        >= 9
    )


def test_a_high_risk_of_return_stops_the_approval(victim, people):
    plan = ready_plan(victim, people)
    repatriation.update_plan(
        plan,
        origin=Origin(people["gr_manager"]),
        fields={
            "best_interests": "x",
            "best_interests_by": "panel",
            "best_interests_on": TODAY(),
            "return_risk": "high",
            "risk_assessment": "The family sold the child.",
            "family_assessment": "The family took part",
            "child_views": "Afraid",
            "child_heard_on": TODAY(),
        },
    )
    with pytest.raises(ValidationError) as refused:
        repatriation.decide_plan(plan, origin=Origin(people["gr_manager"]), approve=True)
    assert "return_risk" in refused.value.message_dict


def test_an_unknown_agreement_is_refused(victim, people):
    with pytest.raises(ValidationError):
        repatriation.open_plan(
            victim,
            origin=Origin(people["gr_manager"]),
            destination=Country.objects.get(code="AL"),
            agreement="Made up",
        )


WARNED = ("gr_manager", "al_social")


def test_an_overdue_step_warns_its_owner_and_the_coordinator(victim, people):
    plan = ready_plan(victim, people)
    family = plan.steps.get(kind=StepKind.FAMILY_ASSESSMENT)
    repatriation.request_step(family, origin=Origin(people["gr_manager"]))
    later = TODAY() + timedelta(days=11)
    told = {key: Notification.objects.filter(user=people[key]).count() for key in WARNED}
    repatriation.warn_overdue(later)
    # Each is told in their own language (the coordinator in Greek, the Albanian social worker
    # in Albanian): what is checked is that both are told, whatever the words.
    for key in WARNED:
        assert Notification.objects.filter(user=people[key]).count() > told[key], key
    before = Notification.objects.count()
    repatriation.warn_overdue(later)  # once a day
    assert Notification.objects.count() == before
