"""Referral of a case to another organisation, on this node or on a peer's: the same
services and the same messages either way (services.send delivers them locally or through
the envelope).

    sender                                   receiver
    refer_case ── referral.offer ──────────▶ a minimal preview, waiting
               ◀─ referral.answer ─────────  accept_referral / decline_referral (reason)
    (accepted) ── referral.case ───────────▶ the copy (read-only), or a case of its own
    send_referral_update ◀── referral.update ──▶ send_referral_update   (both ways)
    withdraw_referral ── referral.withdraw ─▶ the copy is sealed

The sender chooses a read-only copy or a hand-over of responsibility, and whether the
child's personal data are pseudonymised; consent is recorded, or its override reasoned.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.cases import services as case_services
from seec.cases.models import Case, Outcome
from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import Organisation, RoleCode, User
from seec.core.policy import Act

from . import payloads, services
from .models import (
    ConsentBasis,
    DeclineReason,
    Handling,
    Referral,
    ReferralMode,
    ReferralSide,
    ReferralStatus,
    ReferralUpdate,
)
from .payloads import DATE, DATE_TIME, SHORT_TEXT, TEXT, obj


class ReferralAction:
    REFERRED = "referral.sent"
    RECEIVED = "referral.received"
    ACCEPTED = "referral.accepted"
    DECLINED = "referral.declined"
    UPDATE = "referral.update"
    WITHDRAWN = "referral.withdrawn"
    HANDED_OVER = "referral.handed_over"


audit.ACTION_LABELS.update(
    {
        ReferralAction.REFERRED: gettext_lazy("Case referred"),
        ReferralAction.RECEIVED: gettext_lazy("Referral received"),
        ReferralAction.ACCEPTED: gettext_lazy("Referral accepted"),
        ReferralAction.DECLINED: gettext_lazy("Referral declined"),
        ReferralAction.UPDATE: gettext_lazy("Referral update"),
        ReferralAction.WITHDRAWN: gettext_lazy("Referral withdrawn"),
        ReferralAction.HANDED_OVER: gettext_lazy("Case handed over"),
    }
)

# The case as it travels: every field the receiver may need, none it does not.
COPIED_FIELDS = [
    "given_names", "family_name", "names_latin", "other_names", "sex", "age_estimate",
    "languages", "address", "school", "height_cm", "build", "hair", "eyes",
    "distinguishing_marks", "clothing", "medical_needs", "medication", "last_seen_place",
    "circumstances", "may_cross_border", "category", "subcategory", "risk_level", "status",
    "police_unit", "police_reference", "sis_alert", "interpol_notice",
]  # fmt: skip
# What a pseudonymised copy leaves out: whatever names or locates the child or the family.
IDENTIFYING = {
    "given_names", "family_name", "names_latin", "other_names", "address", "school",
    "police_reference", "distinguishing_marks",
}  # fmt: skip

CASE_SCHEMA = obj(
    {
        **{name: {"type": ["string", "integer", "boolean", "null"]} for name in COPIED_FIELDS},
        "number": SHORT_TEXT,
        "date_of_birth": {"anyOf": [DATE, {"type": "null"}]},
        "birth_year": {"type": ["integer", "null"]},
        "nationality": {"type": ["string", "null"], "maxLength": 2},
        "country": {"type": "string", "maxLength": 2},
        "last_seen_at": DATE_TIME,
        "pseudonymised": {"type": "boolean"},
    },
    ["number", "category", "last_seen_at", "last_seen_place", "country", "pseudonymised"],
)
PREVIEW_SCHEMA = obj(
    {
        "category": SHORT_TEXT,
        "sex": SHORT_TEXT,
        "age": {"type": ["integer", "null"]},
        "country": {"type": "string", "maxLength": 2},
        "last_seen_on": DATE,
        "risk_level": SHORT_TEXT,
        "may_cross_border": {"type": "boolean"},
    },
    ["category", "country", "last_seen_on"],
)


def _snapshot(case: Case, pseudonymise: bool) -> dict:
    data = {name: getattr(case, name) for name in COPIED_FIELDS}
    data.update(
        number=case.number,
        country=case.country_id,
        nationality=case.nationality_id,
        last_seen_at=case.last_seen_at.isoformat(),
        date_of_birth=case.date_of_birth.isoformat() if case.date_of_birth else None,
        birth_year=case.date_of_birth.year if case.date_of_birth else None,
        pseudonymised=pseudonymise,
    )
    if pseudonymise:
        for name in IDENTIFYING:
            data[name] = ""
        data["given_names"] = _("Child %(reference)s") % {"reference": case.number}
        data["date_of_birth"] = None
    return data


def _preview(case: Case) -> dict:
    return {
        "category": case.category,
        "sex": case.sex,
        "age": case.age_now,
        "country": case.country_id,
        "last_seen_on": case.last_seen_at.date().isoformat(),
        "risk_level": case.risk_level,
        "may_cross_border": case.may_cross_border,
    }


def _digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _staff(organisation: Organisation):
    """Who is told of a referral: the organisation's case managers, supervisors and liaison
    officers."""
    return User.objects.filter(
        organisation=organisation,
        is_active=True,
        roles__code__in=[RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR, RoleCode.LIAISON_OFFICER],
    ).distinct()


def _tell(referral: Referral, subject) -> None:
    notices.notify(_staff(referral.organisation), subject, f"/exchange/referrals/{referral.pk}/")


def _locked(user, referral: Referral) -> Referral:
    """The referral as it is now, locked for the step, if the user may act on it."""
    if not policy.can(user, Act.CHANGE, referral):
        raise PermissionDenied(_("You may not act on this referral."))
    return Referral.objects.select_for_update().get(pk=referral.pk)


# --- Services: what people do ----------------------------------------------------------------


@transaction.atomic
def refer_case(
    case: Case,
    to_organisation: Organisation,
    *,
    origin: Origin,
    mode: str,
    pseudonymise: bool,
    reason: str,
    consent_basis: str,
    consent_note: str,
    handling: str = Handling.H2,
) -> Referral:
    """Offer `case` to `to_organisation`: it sees a minimal preview until it accepts."""
    user = origin.actor
    if not policy.can(user, Act.SHARE, case):
        raise PermissionDenied(_("You may not refer this case."))
    errors = {}
    if mode not in ReferralMode.values:
        errors["mode"] = _("Choose a read-only copy or a hand-over.")
    if mode == ReferralMode.HANDOVER and pseudonymise:
        errors["pseudonymise"] = _(
            "A hand-over carries the child's identity: choose a read-only copy to pseudonymise."
        )
    if not reason.strip():
        errors["reason"] = _("Say why the case is referred.")
    if consent_basis not in ConsentBasis.values:
        errors["consent_basis"] = _("Record whose consent was given, or that it is overridden.")
    if not consent_note.strip():
        errors["consent_note"] = (
            _("Give the reason to refer without consent.")
            if consent_basis == ConsentBasis.OVERRIDE
            else _("Record how and when consent was given.")
        )
    if to_organisation.pk == case.organisation_id:
        errors["organisation"] = _("The case already belongs to this organisation.")
    if Referral.objects.filter(
        case=case, partner=to_organisation, side=ReferralSide.SENT,
        status__in=[ReferralStatus.OFFERED, ReferralStatus.ACCEPTED],
    ).exists():  # fmt: skip
        errors["organisation"] = _("The case is already referred to this organisation.")
    if errors:
        raise ValidationError(errors)
    conversation = services.new_conversation()
    referral = Referral.objects.create(
        conversation=conversation,
        side=ReferralSide.SENT,
        organisation=case.organisation,
        partner=to_organisation,
        case=case,
        reference=case.number,
        mode=mode,
        pseudonymised=pseudonymise,
        reason=reason,
        consent_basis=consent_basis,
        consent_note=consent_note,
        handling=handling,
        preview=_preview(case),
        created_by=user,
    )
    audit.record(
        ReferralAction.REFERRED,
        origin=origin,
        obj=case,
        reason=reason,
        details={
            "referral": referral.pk,
            "to": to_organisation.pk,
            "mode": mode,
            "pseudonymised": pseudonymise,
            "consent": consent_basis,
        },
    )
    services.send(
        to_organisation,
        "referral.offer",
        {
            "reference": referral.reference,
            "preview": referral.preview,
            "mode": mode,
            "pseudonymised": pseudonymise,
            "reason": reason,
            "consent": {"basis": consent_basis, "note": consent_note},
        },
        sender=case.organisation,
        origin=origin,
        conversation=conversation,
        handling=handling,
    )
    return referral


@transaction.atomic
def accept_referral(referral: Referral, *, origin: Origin, note: str = "") -> Referral:
    return _answer(referral, origin, accepted=True, reason="", note=note)


@transaction.atomic
def decline_referral(referral: Referral, *, origin: Origin, reason: str, note: str = ""):
    if reason not in DeclineReason.values:
        raise ValidationError({"decline_reason": _("Choose the reason from the list.")})
    if reason == DeclineReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Explain the reason.")})
    return _answer(referral, origin, accepted=False, reason=reason, note=note)


def _answer(referral, origin, *, accepted, reason, note) -> Referral:
    referral = _locked(origin.actor, referral)
    if referral.side != ReferralSide.RECEIVED or referral.status != ReferralStatus.OFFERED:
        raise ValidationError({"referral": _("Only a referral waiting for an answer is answered.")})
    referral.status = ReferralStatus.ACCEPTED if accepted else ReferralStatus.DECLINED
    referral.decline_reason = reason
    referral.answer_note = note
    referral.answered_at = timezone.now()
    referral.answered_by = origin.actor
    referral.save()
    audit.record(
        ReferralAction.ACCEPTED if accepted else ReferralAction.DECLINED,
        origin=origin,
        obj=referral,
        reason=note,
        details={"decline_reason": reason},
    )
    services.send(
        referral.partner,
        "referral.answer",
        {"decision": "accepted" if accepted else "declined", "reason": reason, "note": note},
        sender=referral.organisation,
        origin=origin,
        conversation=referral.conversation,
        handling=referral.handling,
        kind="Ack",
    )
    # On one node the answer's consequences (the case sent, a copy kept) are already done.
    referral.refresh_from_db()
    return referral


@transaction.atomic
def send_referral_update(
    referral: Referral, *, origin: Origin, note: str, include_case: bool = False
) -> ReferralUpdate:
    """Tell the other side something new; the sender may include the case as it is now."""
    referral = _locked(origin.actor, referral)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError({"referral": _("Updates follow an accepted referral only.")})
    if not note.strip():
        raise ValidationError({"note": _("Write the update.")})
    include_case = include_case and referral.side == ReferralSide.SENT
    update = ReferralUpdate.objects.create(
        referral=referral,
        outgoing=True,
        note=note,
        written_by=origin.actor.get_username(),
        case_refreshed=include_case,
    )
    payload = {"note": note, "written_by": origin.actor.get_username()}
    if include_case and referral.case_id and referral.mode == ReferralMode.COPY:
        payload["case"] = _snapshot(referral.case, referral.pseudonymised)
    audit.record(ReferralAction.UPDATE, origin=origin, obj=referral, details={"update": update.pk})
    services.send(
        referral.partner,
        "referral.update",
        payload,
        sender=referral.organisation,
        origin=origin,
        conversation=referral.conversation,
        handling=referral.handling,
        kind="Update",
    )
    return update


@transaction.atomic
def withdraw_referral(referral: Referral, *, origin: Origin, reason: str) -> Referral:
    """The sender withdraws: the receiver's copy is sealed (no more shown, no more updated)."""
    referral = _locked(origin.actor, referral)
    if referral.side != ReferralSide.SENT or referral.status not in (
        ReferralStatus.OFFERED,
        ReferralStatus.ACCEPTED,
    ):
        raise ValidationError({"referral": _("Only an open referral we sent is withdrawn.")})
    if referral.mode == ReferralMode.HANDOVER and referral.status == ReferralStatus.ACCEPTED:
        raise ValidationError({"referral": _("A case handed over is no longer ours to withdraw.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is withdrawn.")})
    referral.status = ReferralStatus.WITHDRAWN
    referral.withdrawn_at = timezone.now()
    referral.withdraw_reason = reason
    referral.save()
    audit.record(ReferralAction.WITHDRAWN, origin=origin, obj=referral, reason=reason)
    services.send(
        referral.partner,
        "referral.withdraw",
        {"reason": reason},
        sender=referral.organisation,
        origin=origin,
        conversation=referral.conversation,
        handling=referral.handling,
        kind="Cancel",
    )
    return referral


# --- Handlers: what arrives ------------------------------------------------------------------


def on_offer(delivered: payloads.Delivered) -> None:
    p = delivered.payload
    if Referral.objects.filter(
        conversation=delivered.conversation, side=ReferralSide.RECEIVED
    ).exists():
        raise ValidationError(_("This referral was already received."))
    referral = Referral.objects.create(
        conversation=delivered.conversation,
        side=ReferralSide.RECEIVED,
        organisation=delivered.recipient,
        partner=delivered.sender,
        reference=p["reference"],
        mode=p["mode"],
        pseudonymised=p["pseudonymised"],
        reason=p["reason"],
        consent_basis=p["consent"]["basis"],
        consent_note=p["consent"]["note"],
        handling=delivered.handling,
        preview=p["preview"],
    )
    audit.record(
        ReferralAction.RECEIVED,
        obj=referral,
        actor_username=str(delivered.sender)[:150],
        details={"from": delivered.sender.pk, "mode": referral.mode},
    )
    _tell(
        referral,
        lambda: _("A case is referred to you by %(org)s") % {"org": delivered.sender},
    )


def on_answer(delivered: payloads.Delivered) -> None:
    referral = payloads.our_side(Referral, delivered, ReferralSide.SENT)
    if referral.status != ReferralStatus.OFFERED:
        raise ValidationError(_("The referral was not waiting for an answer."))
    accepted = delivered.payload["decision"] == "accepted"
    referral.status = ReferralStatus.ACCEPTED if accepted else ReferralStatus.DECLINED
    referral.decline_reason = delivered.payload.get("reason", "")
    referral.answer_note = delivered.payload.get("note", "")
    referral.answered_at = timezone.now()
    referral.save()
    audit.record(
        ReferralAction.ACCEPTED if accepted else ReferralAction.DECLINED,
        obj=referral.case,
        actor_username=str(delivered.sender)[:150],
        reason=referral.answer_note,
        details={"referral": referral.pk, "decline_reason": referral.decline_reason},
    )
    if accepted:
        services.send(
            referral.partner,
            "referral.case",
            {"case": _snapshot(referral.case, referral.pseudonymised)},
            sender=referral.organisation,
            origin=Origin(actor=referral.created_by),
            conversation=referral.conversation,
            handling=referral.handling,
        )
        if referral.mode == ReferralMode.HANDOVER and referral.case.is_open:
            case_services.close_case(
                referral.case,
                origin=Origin(actor=referral.created_by),
                outcome=Outcome.CLOSED_OTHER,
                reason=_("Handed over to %(org)s (referral accepted).") % {"org": referral.partner},
            )
    _tell(
        referral,
        lambda: (_("%(org)s accepted the referral of %(ref)s") if accepted else _(
            "%(org)s declined the referral of %(ref)s"))
        % {"org": referral.partner, "ref": referral.reference},
    )  # fmt: skip


def on_case(delivered: payloads.Delivered) -> None:
    referral = payloads.our_side(Referral, delivered, ReferralSide.RECEIVED)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError(_("The referral was not accepted."))
    copy = delivered.payload["case"]
    referral.copy = copy
    referral.copy_sha256 = _digest(copy)
    if referral.mode == ReferralMode.HANDOVER and referral.case_id is None:
        referral.case = _open_handed_over(referral, copy)
    referral.save()


def _open_handed_over(referral: Referral, copy: dict) -> Case:
    """The receiving organisation's own case, opened on behalf of whoever accepted."""
    from datetime import date, datetime

    fields = {
        name: copy.get(name)
        for name in ("given_names", "family_name", "other_names", "sex", "age_estimate",
                     "languages", "address", "school", "height_cm", "build", "hair", "eyes",
                     "distinguishing_marks", "clothing", "medical_needs", "medication",
                     "last_seen_place", "circumstances", "may_cross_border", "category")
        if copy.get(name) not in (None, "")
    }  # fmt: skip
    fields["last_seen_at"] = datetime.fromisoformat(copy["last_seen_at"])
    if copy.get("date_of_birth"):
        fields["date_of_birth"] = date.fromisoformat(copy["date_of_birth"])
    fields["external_reference"] = f"{referral.partner_id}:{copy['number']}"[:100]
    case = case_services.open_case(origin=Origin(actor=referral.answered_by), fields=fields)
    audit.record(
        ReferralAction.HANDED_OVER,
        origin=Origin(actor=referral.answered_by),
        obj=case,
        details={"referral": referral.pk, "from": referral.partner_id, "their": copy["number"]},
    )
    return case


def on_update(delivered: payloads.Delivered) -> None:
    referral = payloads.our_side(Referral, delivered)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError(_("The referral is not accepted, or it was withdrawn."))
    p = delivered.payload
    refreshed = "case" in p and referral.side == ReferralSide.RECEIVED
    if refreshed:
        referral.copy = p["case"]
        referral.copy_sha256 = _digest(p["case"])
        referral.save(update_fields=["copy", "copy_sha256"])
    update = ReferralUpdate.objects.create(
        referral=referral,
        outgoing=False,
        note=p["note"],
        written_by=f"{p.get('written_by', '')} ({delivered.sender})"[:150],
        case_refreshed=refreshed,
    )
    audit.record(
        ReferralAction.UPDATE,
        obj=referral.case if referral.case_id else referral,
        actor_username=str(delivered.sender)[:150],
        details={"referral": referral.pk, "update": update.pk, "incoming": True},
    )
    _tell(
        referral,
        lambda: _("News from %(org)s on %(ref)s") % {
            "org": delivered.sender, "ref": referral.reference},
    )  # fmt: skip


def on_withdraw(delivered: payloads.Delivered) -> None:
    referral = payloads.our_side(Referral, delivered, ReferralSide.RECEIVED)
    if referral.status == ReferralStatus.WITHDRAWN:
        return
    referral.status = ReferralStatus.WITHDRAWN
    referral.withdrawn_at = timezone.now()
    referral.withdraw_reason = delivered.payload["reason"]
    # Sealed: the copy's content is no longer kept in reach, only its digest (what was held).
    referral.copy = {}
    referral.save()
    audit.record(
        ReferralAction.WITHDRAWN,
        obj=referral,
        actor_username=str(delivered.sender)[:150],
        reason=referral.withdraw_reason,
        details={"copy_sha256": referral.copy_sha256},
    )
    _tell(
        referral,
        lambda: _("%(org)s withdrew the referral of %(ref)s") % {
            "org": delivered.sender, "ref": referral.reference},
    )  # fmt: skip


def national(organisation: Organisation) -> bool:
    return organisation.country_id is not None


def register() -> None:
    common = {"may_send": national, "may_receive": national}
    payloads.register(payloads.PayloadType(
        name="referral.offer",
        description=gettext_lazy("A case offered to another organisation (a preview)"),
        schema=obj({
            "reference": SHORT_TEXT,
            "preview": PREVIEW_SCHEMA,
            "mode": {"enum": ReferralMode.values},
            "pseudonymised": {"type": "boolean"},
            "reason": TEXT,
            "consent": obj({"basis": {"enum": ConsentBasis.values}, "note": TEXT},
                           ["basis", "note"]),
        }, ["reference", "preview", "mode", "pseudonymised", "reason", "consent"]),
        handler=on_offer, **common,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="referral.answer",
        description=gettext_lazy("A referral accepted or declined"),
        schema=obj({
            "decision": {"enum": ["accepted", "declined"]},
            "reason": {"enum": ["", *DeclineReason.values]},
            "note": TEXT,
        }, ["decision"]),
        handler=on_answer, kind="Ack", **common,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="referral.case",
        description=gettext_lazy("The case, once the referral is accepted"),
        schema=obj({"case": CASE_SCHEMA}, ["case"]),
        handler=on_case, **common,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="referral.update",
        description=gettext_lazy("News on a referred case, either way"),
        schema=obj({"note": TEXT, "written_by": SHORT_TEXT, "case": CASE_SCHEMA}, ["note"]),
        handler=on_update, kind="Update", **common,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="referral.withdraw",
        description=gettext_lazy("A referral withdrawn by its sender"),
        schema=obj({"reason": TEXT}, ["reason"]),
        handler=on_withdraw, kind="Cancel", **common,
    ))  # fmt: skip
