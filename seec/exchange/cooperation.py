"""Requests for cooperation to another country's police or liaison officer.

A request carries the facts that the measure asked for needs: an Interpol yellow notice
(locating a missing child: the child's identity and description, the disappearance) or a
Hague 1980 Article 8 application (also the applicant, the person said to have removed the
child, the date of removal, the grounds of the claim, the child's habitual residence), with
the SIENA handling code, the source's reliability (A/B/C/X) and the information's accuracy
(1–4), and a deadline. An answer that has not come by the deadline is escalated: the
requesting centre's supervisors are told, and so is the other side.

    cooperation.request  ──▶   cooperation.answer  ◀──   cooperation.escalation  ──▶
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.cases.models import Case
from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import Organisation, OrganisationKind, RoleCode, User
from seec.core.policy import Act, Capability

from . import payloads, services
from .models import (
    CooperationKind,
    CooperationRequest,
    CooperationStatus,
    Handling,
    InformationAccuracy,
    ReferralSide,
    SourceReliability,
)
from .payloads import DATE, DATE_TIME, SHORT_TEXT, TEXT, obj


class CooperationAction:
    SENT = "cooperation.sent"
    RECEIVED = "cooperation.received"
    ANSWERED = "cooperation.answered"
    ESCALATED = "cooperation.escalated"


audit.ACTION_LABELS.update(
    {
        CooperationAction.SENT: gettext_lazy("Cooperation requested"),
        CooperationAction.RECEIVED: gettext_lazy("Cooperation request received"),
        CooperationAction.ANSWERED: gettext_lazy("Cooperation request answered"),
        CooperationAction.ESCALATED: gettext_lazy("Cooperation request escalated"),
    }
)

PERSON = obj(
    {
        "name": SHORT_TEXT,
        "other_names": SHORT_TEXT,
        "relationship": SHORT_TEXT,
        "nationality": {"type": "string", "maxLength": 2},
        "date_of_birth": DATE,
        "address": SHORT_TEXT,
        "whereabouts": TEXT,
        "identity_documents": TEXT,
    },
    ["name"],
)
CHILD = obj(
    {
        "name": SHORT_TEXT,
        "other_names": SHORT_TEXT,
        "sex": {"enum": ["female", "male", "other", "unknown"]},
        "date_of_birth": DATE,
        "age": {"type": "integer", "minimum": 0, "maximum": 17},
        "place_of_birth": SHORT_TEXT,
        "nationality": {"type": "string", "maxLength": 2},
        "languages": SHORT_TEXT,
        "description": TEXT,
        "identity_documents": TEXT,
    },
    ["name", "sex"],
)
DISAPPEARANCE = obj(
    {"date": DATE, "place": SHORT_TEXT, "circumstances": TEXT, "accompanied_by": TEXT},
    ["date", "place"],
)
FACTS = {
    CooperationKind.YELLOW_NOTICE: obj(
        {"child": CHILD, "disappearance": DISAPPEARANCE, "last_known_address": SHORT_TEXT},
        ["child", "disappearance"],
    ),
    CooperationKind.HAGUE_ARTICLE_8: obj(
        {
            "child": CHILD,
            "applicant": PERSON,
            "removed_by": PERSON,
            "date_of_removal": DATE,
            "habitual_residence": SHORT_TEXT,
            "grounds": TEXT,
            "child_whereabouts": TEXT,
            "other_proceedings": TEXT,
        },
        ["child", "applicant", "removed_by", "date_of_removal", "habitual_residence", "grounds"],
    ),
    CooperationKind.INFORMATION: obj({"child": CHILD, "context": TEXT}, []),
}
REQUEST_SCHEMA = {
    "type": "object",
    "properties": {
        "reference": SHORT_TEXT,
        "kind": {"enum": CooperationKind.values},
        "question": TEXT,
        "facts": {"type": "object"},
        "reliability": {"enum": SourceReliability.values},
        "accuracy": {"enum": InformationAccuracy.values},
        "deadline": DATE_TIME,
    },
    "required": ["reference", "kind", "question", "facts", "reliability", "accuracy", "deadline"],
    "additionalProperties": False,
    # The facts a measure needs, by the measure.
    "allOf": [
        {"if": {"properties": {"kind": {"const": kind}}}, "then": {"properties": {"facts": schema}}}
        for kind, schema in FACTS.items()
    ],
}


def _facts_problems(kind: str, facts) -> list[str]:
    ptype = payloads.get("cooperation.request")
    probe = {"reference": "x", "kind": kind, "question": "x", "facts": facts,
             "reliability": "X", "accuracy": "4", "deadline": "2000-01-01T00:00:00Z"}  # fmt: skip
    return ptype.problems(probe)


def _staff(organisation, *roles):
    return User.objects.filter(
        organisation=organisation, is_active=True, roles__code__in=roles
    ).distinct()


def _tell(request: CooperationRequest, subject, *roles) -> None:
    roles = roles or (RoleCode.LIAISON_OFFICER, RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR)
    notices.notify(
        _staff(request.organisation, *roles), subject, f"/exchange/cooperation/{request.pk}/"
    )


@transaction.atomic
def request_cooperation(
    to_organisation: Organisation,
    *,
    origin: Origin,
    kind: str,
    question: str,
    facts: dict,
    handling: str,
    reliability: str,
    accuracy: str,
    deadline: datetime,
    case: Case | None = None,
) -> CooperationRequest:
    user = origin.actor
    if not policy.has(user, Capability.SHARE_RECORDS) or user.organisation_id is None:
        raise PermissionDenied(_("Your roles do not allow requests for cooperation."))
    if case is not None and not policy.can(user, Act.SHARE, case):
        raise PermissionDenied(_("You may not share this case."))
    errors = {}
    if kind not in CooperationKind.values:
        errors["kind"] = _("Choose what is asked.")
    elif problems := _facts_problems(kind, facts):
        errors["facts"] = problems
    if not question.strip():
        errors["question"] = _("Write what you ask of them.")
    if handling not in Handling.values:
        errors["handling"] = _("Choose a handling code H0 to H3.")
    if reliability not in SourceReliability.values:
        errors["reliability"] = _("Grade the source: A, B, C or X.")
    if accuracy not in InformationAccuracy.values:
        errors["accuracy"] = _("Grade the information: 1 to 4.")
    if deadline is None or deadline <= timezone.now():
        errors["deadline"] = _("The deadline must lie in the future.")
    if errors:
        raise ValidationError(errors)
    request = CooperationRequest.objects.create(
        conversation=services.new_conversation(),
        side=ReferralSide.SENT,
        organisation=user.organisation,
        partner=to_organisation,
        case=case,
        reference=case.number if case else f"{user.organisation_id}-{timezone.now():%Y%m%d%H%M%S}",
        kind=kind,
        question=question,
        facts=facts,
        handling=handling,
        reliability=reliability,
        accuracy=accuracy,
        deadline=deadline,
        created_by=user,
    )
    audit.record(
        CooperationAction.SENT,
        origin=origin,
        obj=case or request,
        details={"request": request.pk, "to": to_organisation.pk, "kind": kind,
                 "handling": handling},
    )  # fmt: skip
    services.send(
        to_organisation,
        "cooperation.request",
        {
            "reference": request.reference,
            "kind": kind,
            "question": question,
            "facts": facts,
            "reliability": reliability,
            "accuracy": accuracy,
            "deadline": deadline.isoformat(),
        },
        sender=user.organisation,
        origin=origin,
        conversation=request.conversation,
        handling=handling,
    )
    return request


@transaction.atomic
def answer_cooperation(
    request: CooperationRequest, *, origin: Origin, answer: str, reliability: str, accuracy: str
) -> CooperationRequest:
    if not policy.can(origin.actor, Act.CHANGE, request):
        raise PermissionDenied(_("You may not answer this request."))
    request = CooperationRequest.objects.select_for_update().get(pk=request.pk)
    errors = {}
    if request.side != ReferralSide.RECEIVED or request.status == CooperationStatus.ANSWERED:
        errors["request"] = _("Only a request waiting for its answer is answered.")
    if not answer.strip():
        errors["answer"] = _("Write the answer.")
    if reliability not in SourceReliability.values:
        errors["reliability"] = _("Grade the source: A, B, C or X.")
    if accuracy not in InformationAccuracy.values:
        errors["accuracy"] = _("Grade the information: 1 to 4.")
    if errors:
        raise ValidationError(errors)
    _record_answer(request, answer, reliability, accuracy, origin.actor.get_username())
    audit.record(CooperationAction.ANSWERED, origin=origin, obj=request)
    services.send(
        request.partner,
        "cooperation.answer",
        {"answer": answer, "reliability": reliability, "accuracy": accuracy,
         "answered_by": origin.actor.get_username()},
        sender=request.organisation,
        origin=origin,
        conversation=request.conversation,
        handling=request.handling,
        kind="Update",
    )  # fmt: skip
    return request


def _record_answer(request, answer, reliability, accuracy, by) -> None:
    request.status = CooperationStatus.ANSWERED
    request.answer = answer
    request.answer_reliability = reliability
    request.answer_accuracy = accuracy
    request.answered_at = timezone.now()
    request.answered_by = by[:150]
    request.save()


def escalate_overdue(now=None) -> int:
    """Escalate every request of ours whose deadline passed without an answer."""
    now = now or timezone.now()
    count = 0
    overdue = CooperationRequest.objects.filter(
        side=ReferralSide.SENT, status=CooperationStatus.WAITING, deadline__lt=now
    )
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            request = CooperationRequest.objects.select_for_update().get(pk=pk)
            if request.status != CooperationStatus.WAITING:
                continue
            request.status = CooperationStatus.ESCALATED
            request.escalated_at = now
            request.save(update_fields=["status", "escalated_at"])
            audit.record(CooperationAction.ESCALATED, obj=request, details={"side": "sent"})
            _tell(
                request,
                lambda r=request: _("No answer from %(org)s by the deadline: %(ref)s")
                % {"org": r.partner, "ref": r.reference},
                RoleCode.SUPERVISOR, RoleCode.LIAISON_OFFICER, RoleCode.CASE_MANAGER,
            )  # fmt: skip
            services.send(
                request.partner,
                "cooperation.escalation",
                {"deadline": request.deadline.isoformat(), "escalated_at": now.isoformat()},
                sender=request.organisation,
                origin=Origin(),
                conversation=request.conversation,
                handling=request.handling,
                kind="Update",
            )
            count += 1
    return count


# --- Handlers ---------------------------------------------------------------------------------


def on_request(delivered: payloads.Delivered) -> None:
    p = delivered.payload
    if CooperationRequest.objects.filter(
        conversation=delivered.conversation, side=ReferralSide.RECEIVED
    ).exists():
        raise ValidationError(_("This request was already received."))
    request = CooperationRequest.objects.create(
        conversation=delivered.conversation,
        side=ReferralSide.RECEIVED,
        organisation=delivered.recipient,
        partner=delivered.sender,
        reference=p["reference"],
        kind=p["kind"],
        question=p["question"],
        facts=p["facts"],
        handling=delivered.handling,
        reliability=p["reliability"],
        accuracy=p["accuracy"],
        deadline=datetime.fromisoformat(p["deadline"]),
    )
    audit.record(
        CooperationAction.RECEIVED,
        obj=request,
        actor_username=str(delivered.sender)[:150],
        details={"from": delivered.sender.pk, "kind": request.kind},
    )
    _tell(request, lambda: _("%(org)s asks for your cooperation") % {"org": delivered.sender})


def on_answer(delivered: payloads.Delivered) -> None:
    request = payloads.our_side(CooperationRequest, delivered, ReferralSide.SENT)
    if request.status == CooperationStatus.ANSWERED:
        raise ValidationError(_("The request was already answered."))
    p = delivered.payload
    by = f"{p.get('answered_by', '')} ({delivered.sender})"
    _record_answer(request, p["answer"], p["reliability"], p["accuracy"], by)
    audit.record(CooperationAction.ANSWERED, obj=request, actor_username=by[:150])
    _tell(request, lambda: _("%(org)s answered %(ref)s") % {
        "org": delivered.sender, "ref": request.reference})  # fmt: skip


def on_escalation(delivered: payloads.Delivered) -> None:
    request = payloads.our_side(CooperationRequest, delivered, ReferralSide.RECEIVED)
    if request.status == CooperationStatus.ANSWERED:
        return
    request.status = CooperationStatus.ESCALATED
    request.escalated_at = timezone.now()
    request.save(update_fields=["status", "escalated_at"])
    audit.record(
        CooperationAction.ESCALATED,
        obj=request,
        actor_username=str(delivered.sender)[:150],
        details={"side": "received"},
    )
    _tell(
        request,
        lambda: _("Overdue: %(org)s is still waiting for your answer to %(ref)s")
        % {"org": delivered.sender, "ref": request.reference},
        RoleCode.SUPERVISOR, RoleCode.LIAISON_OFFICER,
    )  # fmt: skip


def police_or_international(organisation: Organisation) -> bool:
    return organisation.kind in (OrganisationKind.POLICE, OrganisationKind.INTERNATIONAL)


def register() -> None:
    payloads.register(payloads.PayloadType(
        name="cooperation.request",
        description=gettext_lazy("A request for cooperation to police or a liaison officer"),
        schema=REQUEST_SCHEMA,
        handler=on_request,
        may_receive=police_or_international,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="cooperation.answer",
        description=gettext_lazy("The answer to a request for cooperation"),
        schema=obj({"answer": TEXT, "reliability": {"enum": SourceReliability.values},
                    "accuracy": {"enum": InformationAccuracy.values},
                    "answered_by": SHORT_TEXT},
                   ["answer", "reliability", "accuracy"]),
        handler=on_answer, kind="Update", may_send=police_or_international,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="cooperation.escalation",
        description=gettext_lazy("A request for cooperation overdue"),
        schema=obj({"deadline": DATE_TIME, "escalated_at": DATE_TIME},
                   ["deadline", "escalated_at"]),
        handler=on_escalation, kind="Update", may_receive=police_or_international,
    ))  # fmt: skip
