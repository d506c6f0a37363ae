"""Safe repatriation: a plan per child and its ordered steps, each owned by an agency.

The plan's side (the organisation that holds the child's record) decides whether return is in
the child's best interests and asks each step of its owner. An owner on the platform (here or
on another installation) receives the step as its own `StepAssignment`, with only what it
needs, and confirms or refuses it; the answer comes back to the plan (transport.py). An owner
off the platform is asked outside it and the coordinator records its answer.

Steps are done in order: the preparations (family assessment, travel documents, escort) may run
together, every later step is asked for only once every step before it is confirmed.
"""

import uuid
from datetime import date, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import Country, Organisation
from seec.core.policy import Act

from . import transport
from .agreements import repatriation_agreements
from .audit_actions import ProtectionAction as A
from .models import (
    ChildVictim,
    IdentificationStatus,
    PlanStatus,
    RepatriationPlan,
    RepatriationStep,
    ReturnRisk,
    StepAssignment,
    StepKind,
    StepStatus,
)
from .services import require, staff_of

PREPARATIONS = frozenset({StepKind.FAMILY_ASSESSMENT, StepKind.TRAVEL_DOCUMENTS, StepKind.ESCORT})
FOLLOW_UPS = (
    (StepKind.FOLLOW_UP_1, 1),
    (StepKind.FOLLOW_UP_3, 3),
    (StepKind.FOLLOW_UP_6, 6),
    (StepKind.FOLLOW_UP_12, 12),
)
PLAN_FIELDS = [
    "agreement", "best_interests", "best_interests_by", "best_interests_on", "return_risk",
    "risk_assessment", "family_assessment", "child_views", "child_heard_on",
]  # fmt: skip
# What approving a return needs written down first.
NEEDED_FOR_APPROVAL = {
    "best_interests": _("Write the best-interests determination."),
    "best_interests_by": _("Name who determined the child's best interests."),
    "best_interests_on": _("Give the date of the determination."),
    "return_risk": _("Assess the risk of return."),
    "risk_assessment": _("Write the risk assessment of return."),
    "family_assessment": _("Record the family assessment of the country of origin."),
    "child_views": _("Record the child's views."),
    "child_heard_on": _("Give the date the child was heard."),
}


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def open_plan(
    victim: ChildVictim, *, origin: Origin, destination: Country, agreement: str = ""
) -> RepatriationPlan:
    """A plan of return to `destination`, coordinated by the user who opens it."""
    require(origin.actor, Act.MANAGE, victim)
    if victim.status == IdentificationStatus.NOT_A_VICTIM:
        raise ValidationError(_("This child was found not to be a victim of trafficking."))
    here = victim.organisation.country_id
    if destination.pk == here:
        raise ValidationError({"destination": _("The child is in this country already.")})
    if victim.repatriation_plans.exclude(
        status__in=[PlanStatus.COMPLETED, PlanStatus.STOPPED]
    ).exists():
        raise ValidationError(_("This child has a plan under way already."))
    known = [a.title for a in repatriation_agreements(here, destination.pk)]
    if agreement and agreement not in known:
        raise ValidationError({"agreement": _("No such agreement between the two countries.")})
    plan = RepatriationPlan.objects.create(
        victim=victim,
        destination=destination,
        coordinator=origin.actor,
        agreement=agreement,
        created_by=origin.actor,
    )
    audit.record(
        A.PLAN_OPEN,
        origin=origin,
        obj=victim,
        details={"plan": plan.pk, "destination": destination.pk, "agreement": agreement},
    )
    return plan


@transaction.atomic
def update_plan(plan: RepatriationPlan, *, origin: Origin, fields: dict) -> RepatriationPlan:
    require(origin.actor, Act.CHANGE, plan)
    if plan.status in (PlanStatus.COMPLETED, PlanStatus.STOPPED):
        raise ValidationError(_("This plan is closed."))
    for name, value in fields.items():
        if name in PLAN_FIELDS:
            setattr(plan, name, value)
    plan.full_clean()
    today = timezone.localdate()
    for field in ("best_interests_on", "child_heard_on"):
        if getattr(plan, field) and getattr(plan, field) > today:
            raise ValidationError({field: _("The date is in the future.")})
    plan.save()
    audit.record(
        A.PLAN_UPDATE,
        origin=origin,
        obj=plan.victim,
        details={"plan": plan.pk, "fields": sorted(k for k in fields if k in PLAN_FIELDS)},
    )
    return plan


@transaction.atomic
def decide_plan(plan: RepatriationPlan, *, origin: Origin, approve: bool, reason: str = ""):
    """Approve the return (everything it rests on written down, the risk not high) or stop it."""
    require(origin.actor, Act.MANAGE, plan.victim)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a plan being prepared is decided."))
    if approve:
        missing = {f: m for f, m in NEEDED_FOR_APPROVAL.items() if not getattr(plan, f)}
        if missing:
            raise ValidationError(missing)
        if plan.return_risk == ReturnRisk.HIGH:
            raise ValidationError(
                {
                    "return_risk": _(
                        "A high risk of return: a return is not in the child's best interests."
                    )
                }
            )
        if not plan.steps.exists():
            raise ValidationError(_("Add the steps of the return first."))
        plan.status = PlanStatus.APPROVED
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the return is stopped.")})
        plan.status = PlanStatus.STOPPED
    plan.save(update_fields=["status"])
    audit.record(
        A.PLAN_DECIDE,
        origin=origin,
        obj=plan.victim,
        reason=reason,
        details={"plan": plan.pk, "status": plan.status},
    )
    return plan


@transaction.atomic
def add_step(
    plan: RepatriationPlan,
    *,
    origin: Origin,
    kind: str,
    due_on: date,
    owner: Organisation | None = None,
    owner_name: str = "",
    description: str = "",
) -> RepatriationStep:
    require(origin.actor, Act.CHANGE, plan)
    if plan.status in (PlanStatus.COMPLETED, PlanStatus.STOPPED):
        raise ValidationError(_("This plan is closed."))
    if owner is None and not owner_name.strip():
        raise ValidationError({"owner": _("Name the agency that owns the step.")})
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": _("This organisation is no longer active.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The step cannot be due in the past.")})
    last = plan.steps.aggregate(m=Max("position"))["m"] or 0
    step = RepatriationStep(
        plan=plan,
        position=last + 1,
        kind=kind,
        due_on=due_on,
        owner=owner,
        owner_name="" if owner else owner_name.strip(),
        description=description,
    )
    step.full_clean()
    step.save()
    audit.record(
        A.STEP_ADD,
        origin=origin,
        obj=plan.victim,
        details={"plan": plan.pk, "step": step.pk, "kind": kind, "owner": owner and owner.pk},
    )
    return step


def add_follow_ups(plan: RepatriationPlan, *, origin: Origin) -> list[RepatriationStep]:
    """Follow-up visits after 1, 3, 6 and 12 months, counted from the hand-over, owned by the
    agency that receives the child."""
    handover = plan.steps.filter(kind=StepKind.HANDOVER).first()
    reception = plan.steps.filter(kind=StepKind.RECEPTION).first() or handover
    if handover is None:
        raise ValidationError(_("Add the hand-over first: the visits are counted from it."))
    return [
        add_step(
            plan,
            origin=origin,
            kind=kind,
            due_on=add_months(handover.due_on, months),
            owner=reception.owner,
            owner_name=reception.owner_name,
        )
        for kind, months in FOLLOW_UPS
        if not plan.steps.filter(kind=kind).exists()
    ]


def blocking_step(step: RepatriationStep) -> RepatriationStep | None:
    """The earlier step that must be confirmed before this one is asked for, if any."""
    if step.kind in PREPARATIONS:
        return None
    return (
        step.plan.steps.filter(position__lt=step.position)
        .exclude(status=StepStatus.CONFIRMED)
        .first()
    )


@transaction.atomic
def request_step(step: RepatriationStep, *, origin: Origin) -> RepatriationStep:
    """Ask the step of its owner: through the exchange if it is on the platform."""
    step = (
        RepatriationStep.objects.select_for_update().select_related("plan__victim").get(pk=step.pk)
    )
    plan = step.plan
    require(origin.actor, Act.MANAGE, plan.victim)
    if step.status not in (StepStatus.PENDING, StepStatus.REFUSED):
        raise ValidationError(_("This step has been asked for already."))
    draft_allowed = step.kind == StepKind.FAMILY_ASSESSMENT
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS) and not (
        draft_allowed and plan.status == PlanStatus.DRAFT
    ):
        raise ValidationError(_("The return must be approved before its steps are asked for."))
    before = blocking_step(step)
    if before is not None:
        raise ValidationError(
            _("Step %(position)s (%(kind)s) must be confirmed first.")
            % {"position": before.position, "kind": before.get_kind_display()}
        )
    step.status = StepStatus.REQUESTED
    step.requested_at = timezone.now()
    step.conversation = step.conversation or uuid.uuid4().hex
    step.save()
    if plan.status == PlanStatus.APPROVED:
        plan.status = PlanStatus.IN_PROGRESS
        plan.save(update_fields=["status"])
    victim = plan.victim
    if step.owner_id and step.owner_id != victim.organisation_id:
        transport.send(
            step.owner,
            transport.STEP_REQUEST,
            {
                "plan": f"{victim.reference}/{plan.pk}",
                "step": step.kind,
                "position": step.position,
                "description": step.description,
                "due_on": step.due_on.isoformat(),
                "child": {
                    "name": victim.name,
                    "born": victim.date_of_birth.isoformat() if victim.date_of_birth else None,
                },
            },
            sender=victim.organisation,
            origin=origin,
            conversation=step.conversation,
        )
    audit.record(
        A.STEP_REQUEST,
        origin=origin,
        obj=plan.victim,
        details={"plan": plan.pk, "step": step.pk, "owner": step.owner_id},
    )
    return step


def receive_step_request(*, organisation, partner, conversation, payload, due_on) -> StepAssignment:
    """On the owner's side: the step becomes its own assignment (a repeated message changes
    nothing), and its staff are told."""
    assignment, created = StepAssignment.objects.get_or_create(
        organisation=organisation,
        conversation=conversation,
        defaults={
            "partner": partner,
            "kind": payload["step"],
            "description": payload.get("description", ""),
            "child_name": payload["child"]["name"],
            "child_born": payload["child"].get("born") or None,
            "plan_reference": payload["plan"],
            "due_on": due_on,
        },
    )
    if not created and assignment.partner_id != partner.pk:
        raise ValidationError(_("No such step between these organisations."))
    if not created and assignment.status == StepStatus.REFUSED:
        # Asked again after a refusal: a fresh request.
        assignment.status = StepStatus.REQUESTED
        assignment.due_on = due_on
        assignment.save(update_fields=["status", "due_on"])
    audit.record(
        A.STEP_RECEIVED,
        obj=assignment,
        details={"from": partner.pk, "kind": assignment.kind},
        actor_username=f"exchange:{partner.pk}",
    )
    notices.notify(
        staff_of(organisation.pk),
        lambda: (
            _("%(partner)s asks you for a step of a child's return: %(step)s, due %(due)s.")
            % {
                "partner": partner.name,
                "step": assignment.get_kind_display(),
                "due": assignment.due_on.isoformat(),
            }
        ),
        link=f"/protection/assignments/{assignment.pk}/",
    )
    return assignment


@transaction.atomic
def answer_assignment(
    assignment: StepAssignment, *, origin: Origin, confirm: bool, note: str = ""
) -> StepAssignment:
    """The owning agency confirms the step done (or refuses it); the answer goes back."""
    assignment = StepAssignment.objects.select_for_update().get(pk=assignment.pk)
    require(origin.actor, Act.CHANGE, assignment)
    if assignment.status != StepStatus.REQUESTED:
        raise ValidationError(_("This step is answered already."))
    if not confirm and not note.strip():
        raise ValidationError({"note": _("Say why the step cannot be done.")})
    user = origin.actor
    assignment.status = StepStatus.CONFIRMED if confirm else StepStatus.REFUSED
    assignment.answered_at = timezone.now()
    assignment.answered_by = user
    assignment.answer_note = note
    assignment.save()
    audit.record(
        A.STEP_ANSWER, origin=origin, obj=assignment, details={"status": assignment.status}
    )
    transport.send(
        assignment.partner,
        transport.STEP_ANSWER,
        {
            "answer": assignment.status,
            "note": note,
            "by": f"{user.get_full_name() or user.username}, {assignment.organisation.name}",
            "at": assignment.answered_at.isoformat(),
        },
        sender=assignment.organisation,
        origin=origin,
        conversation=assignment.conversation,
    )
    return assignment


def receive_step_answer(*, organisation, owner, conversation, payload) -> RepatriationStep:
    """On the plan's side: the owner's answer to a step it was asked."""
    step = (
        RepatriationStep.objects.select_for_update()
        .select_related("plan__victim")
        .filter(conversation=conversation, owner=owner, plan__victim__organisation=organisation)
        .first()
    )
    if step is None:
        raise ValidationError(_("No such step between these organisations."))
    if step.status != StepStatus.REQUESTED:
        return step  # a repeated answer changes nothing
    return _settle(
        step, payload["answer"] == StepStatus.CONFIRMED, payload.get("note", ""), payload["by"]
    )


def _settle(step: RepatriationStep, confirmed: bool, note: str, by: str) -> RepatriationStep:
    step.status = StepStatus.CONFIRMED if confirmed else StepStatus.REFUSED
    step.confirmed_at = timezone.now() if confirmed else None
    step.confirmed_by = by
    step.answer_note = note
    step.save()
    plan = step.plan
    if (
        confirmed
        and step.kind == StepKind.FAMILY_ASSESSMENT
        and note
        and not plan.family_assessment
    ):
        plan.family_assessment = note
        plan.save(update_fields=["family_assessment"])
    if (
        plan.status == PlanStatus.IN_PROGRESS
        and not plan.steps.exclude(status=StepStatus.CONFIRMED).exists()
    ):
        plan.status = PlanStatus.COMPLETED
        plan.save(update_fields=["status"])
    audit.record(
        A.STEP_CONFIRMED,
        obj=plan.victim,
        details={"plan": plan.pk, "step": step.pk, "status": step.status, "by": by},
        actor_username=by[:150],
    )
    notices.notify(
        [plan.coordinator],
        lambda: (
            _("Step %(position)s of %(reference)s's return (%(kind)s): %(status)s by %(by)s.")
            % {
                "position": step.position,
                "reference": plan.victim.reference,
                "kind": step.get_kind_display(),
                "status": step.get_status_display().lower(),
                "by": by,
            }
        ),
        link=f"/protection/plans/{plan.pk}/",
    )
    return step


@transaction.atomic
def record_step_answer(
    step: RepatriationStep, *, origin: Origin, confirmed: bool, by: str, note: str = ""
) -> RepatriationStep:
    """For an owner off the platform (or the plan's own organisation): the coordinator records
    the answer."""
    step = RepatriationStep.objects.select_for_update().get(pk=step.pk)
    require(origin.actor, Act.MANAGE, step.plan.victim)
    if step.owner_id and step.owner_id != step.plan.victim.organisation_id:
        raise PermissionDenied(_("This agency answers on the platform itself."))
    if step.status != StepStatus.REQUESTED:
        raise ValidationError(_("Ask for the step before recording its answer."))
    if not by.strip():
        raise ValidationError({"by": _("Name who confirmed it.")})
    return _settle(step, confirmed, note, by.strip())


# --- Deadlines --------------------------------------------------------------------------------


def overdue_step_notice(step: RepatriationStep) -> str:
    return _("Overdue: step %(position)s of %(reference)s's return (%(kind)s), due %(due)s.") % {
        "position": step.position,
        "reference": step.plan.victim.reference,
        "kind": step.get_kind_display(),
        "due": step.due_on.isoformat(),
    }


def warn_overdue(today: date | None = None) -> int:
    """Tell the owner and the coordinator of every step past its date (once a day at most),
    and the provider's staff and the referrer of every referral not answered in time."""
    from .models import Referral, ReferralStatus

    today = today or timezone.localdate()
    now = timezone.now()
    again = now - timedelta(hours=23)
    told = 0
    steps = (
        RepatriationStep.objects.filter(
            status__in=[StepStatus.PENDING, StepStatus.REQUESTED], due_on__lt=today
        )
        .exclude(warned_at__gt=again)
        .select_related("plan__victim", "plan__coordinator")
    )
    for step in steps:
        with transaction.atomic():
            plan = step.plan
            text = partial(overdue_step_notice, step)
            told += notices.notify([plan.coordinator], text, link=f"/protection/plans/{plan.pk}/")
            step.warned_at = now
            step.save(update_fields=["warned_at"])
            audit.record(A.STEP_OVERDUE, obj=plan.victim, details={"step": step.pk})
    assignments = (
        StepAssignment.objects.filter(status=StepStatus.REQUESTED, due_on__lt=today)
        .exclude(warned_at__gt=again)
        .select_related("partner")
    )
    for assignment in assignments:
        # The owner's side: its own staff, on its own installation.
        with transaction.atomic():
            told += notices.notify(
                staff_of(assignment.organisation_id),
                lambda a=assignment: (
                    _("Overdue: %(kind)s for %(partner)s (%(reference)s), due %(due)s.")
                    % {
                        "kind": a.get_kind_display(),
                        "partner": a.partner.name,
                        "reference": a.plan_reference,
                        "due": a.due_on.isoformat(),
                    }
                ),
                link=f"/protection/assignments/{assignment.pk}/",
            )
            assignment.warned_at = now
            assignment.save(update_fields=["warned_at"])
    referrals = (
        Referral.objects.filter(status=ReferralStatus.SENT, answer_due__lt=today)
        .exclude(warned_at__gt=again)
        .select_related("provider", "referred_by")
    )
    for referral in referrals:
        with transaction.atomic():
            people = [referral.referred_by]
            if referral.provider.organisation_id:
                people += staff_of(referral.provider.organisation_id)
            told += notices.notify(
                people,
                lambda r=referral: (
                    _("Overdue: the answer to a referral to %(provider)s was due %(due)s.")
                    % {"provider": r.provider.name, "due": r.answer_due.isoformat()}
                ),
                link=f"/protection/referrals/{referral.pk}/",
            )
            referral.warned_at = now
            referral.save(update_fields=["warned_at"])
    return told


def visible_plan_or_404(user, pk: int) -> RepatriationPlan:
    return policy.get_visible_or_404(
        user, RepatriationPlan.objects.select_related("victim", "destination", "coordinator"), pk=pk
    )
