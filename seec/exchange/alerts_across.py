"""Child alerts across nodes: today's cross-border request (alerts.services.
request_cross_border) when the other country's alert authority is hosted by a peer.

    requesting node                                   receiving node
    request_alert_across ── alert.request (CAP) ───▶  a case and an alert *requested* of its
                                                      authority, decided on its alerts pages
                         ◀── alert.answer (CAP) ───   approved (its own alert issued),
                                                      rejected, updated, cancelled, expired
    original updated or  ── alert.update (CAP) ───▶   recorded; a cancellation withdraws a
    cancelled                                         request not yet decided, and tells the
                                                      authority of an issued alert

Each CAP 1.2 message travels as issued (signed) and is checked against the OASIS schema on
arrival; one that fails refuses the whole message.
"""

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.alerts import cap
from seec.alerts import services as alert_services
from seec.alerts.models import Alert, AlertStatus, AlertText, CapStatus
from seec.alerts.rules import AlertAct
from seec.cases import name_index
from seec.cases import services as case_services
from seec.cases.models import Case
from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import Organisation, OrganisationKind, RoleCode, User

from . import payloads, services
from .models import CrossBorderAlert, CrossBorderStatus, ReferralSide, RemoteOrganisation
from .payloads import DATE_TIME, SHORT_TEXT, TEXT, obj


class AlertAcrossAction:
    SENT = "alert_across.sent"
    RECEIVED = "alert_across.received"
    ANSWERED = "alert_across.answered"
    UPDATED = "alert_across.updated"


audit.ACTION_LABELS.update(
    {
        AlertAcrossAction.SENT: gettext_lazy("Child alert requested of another node"),
        AlertAcrossAction.RECEIVED: gettext_lazy("Child alert requested by another node"),
        AlertAcrossAction.ANSWERED: gettext_lazy("Other node's decision on a child alert"),
        AlertAcrossAction.UPDATED: gettext_lazy("Original child alert changed"),
    }
)

CHILD = obj(
    {
        "given_names": SHORT_TEXT,
        "family_name": SHORT_TEXT,
        "sex": SHORT_TEXT,
        "age": {"type": ["integer", "null"]},
        "category": SHORT_TEXT,
        "last_seen_at": DATE_TIME,
        "last_seen_place": SHORT_TEXT,
        "clothing": TEXT,
        "distinguishing_marks": TEXT,
    },
    ["given_names", "sex", "category", "last_seen_at", "last_seen_place"],
)
CAP_TEXT = {"type": "string", "minLength": 50, "maxLength": 2_000_000}


def _latest_cap(alert: Alert) -> str:
    message = alert.messages.order_by("-sent", "-pk").first()
    return bytes(message.xml).decode() if message else ""


def _checked_cap(text: str) -> str:
    try:
        cap.validate(text.encode())
    except cap.CapError as error:
        raise ValidationError(
            _("The CAP message is not valid CAP 1.2: %(e)s") % {"e": "; ".join(error.problems)}
        ) from None
    return text


@transaction.atomic
def request_alert_across(alert: Alert, to_organisation: Organisation, *, origin: Origin,
                         reason: str):  # fmt: skip
    """Ask another country's alert authority to alert too. When it is hosted here, this is
    the alerts app's own cross-border request; when a peer hosts it, the request travels."""
    if not RemoteOrganisation.objects.filter(organisation=to_organisation).exists():
        return alert_services.request_cross_border(
            alert, origin=origin, country_id=to_organisation.country_id or "", reason=reason
        )
    user = origin.actor
    if not (policy.can(user, AlertAct.REQUEST, alert) or policy.can(user, AlertAct.DECIDE, alert)):
        raise PermissionDenied(_("Only the case's managers or the alert authority send this."))
    if alert.status != AlertStatus.ISSUED:
        raise ValidationError({"alert": _("Only an issued alert is carried across a border.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the child may be in that country.")})
    if CrossBorderAlert.objects.filter(alert=alert, partner=to_organisation).exists():
        raise ValidationError({"organisation": _("That authority has already been asked.")})
    case = alert.case
    across = CrossBorderAlert.objects.create(
        conversation=services.new_conversation(),
        side=ReferralSide.SENT,
        organisation=user.organisation,
        partner=to_organisation,
        alert=alert,
        original_reference=alert.reference,
        reason=reason,
    )
    audit.record(AlertAcrossAction.SENT, origin=origin, obj=case,
                 details={"alert": alert.reference, "to": to_organisation.pk})  # fmt: skip
    services.send(
        to_organisation,
        "alert.request",
        {
            "reference": alert.reference,
            "reason": reason,
            "tier": alert.tier,
            "exercise": alert.cap_status != CapStatus.ACTUAL,
            "criteria_preset": alert.criteria_preset,
            "criteria": alert.criteria,
            "cap": _latest_cap(alert),
            "child": {
                "given_names": case.given_names,
                "family_name": case.family_name,
                "sex": case.sex,
                "age": case.age_now,
                "category": case.category,
                "last_seen_at": case.last_seen_at.isoformat(),
                "last_seen_place": case.last_seen_place,
                "clothing": case.clothing,
                "distinguishing_marks": case.distinguishing_marks,
            },
        },
        sender=user.organisation,
        origin=origin,
        conversation=across.conversation,
        handling="H0",
    )
    return across


def carry_to_peer(alert: Alert, *, origin: Origin, country_id: str, reason: str):
    """The alerts app's carrier: a country whose alert authority a peer hosts is asked through
    the exchange; None lets the alerts app ask an authority hosted here."""
    authority = (
        Organisation.objects.filter(
            country_id=(country_id or "").upper(),
            kind=OrganisationKind.POLICE,
            is_active=True,
            remote__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    if authority is None:
        return None
    return request_alert_across(alert, authority, origin=origin, reason=reason)


def node_user(peer) -> User:
    """The account that stands for a peer node in this node's records (it never signs in)."""
    user, _created = User.objects.get_or_create(
        username=f"node:{peer.node_id}"[:150],
        defaults={"is_active": False, "first_name": peer.name[:150]},
    )
    return user


def on_request(delivered: payloads.Delivered) -> None:
    p = delivered.payload
    if delivered.peer is None:
        raise ValidationError(_("On one node, the alerts app carries the request itself."))
    _checked_cap(p["cap"])
    recipient = delivered.recipient
    if recipient.country_id is None:
        raise ValidationError(_("Only a national alert authority receives a child alert."))
    requester = node_user(delivered.peer)
    child = p["child"]

    case = Case(
        organisation=recipient,
        country_id=recipient.country_id,
        given_names=child["given_names"],
        family_name=child.get("family_name", ""),
        sex=child["sex"],
        age_estimate=child.get("age"),
        category=child["category"],
        last_seen_at=datetime.fromisoformat(child["last_seen_at"]),
        last_seen_place=child["last_seen_place"],
        clothing=child.get("clothing", ""),
        distinguishing_marks=child.get("distinguishing_marks", ""),
        external_reference=f"{delivered.sender.pk}:{p['reference']}"[:100],
        circumstances=_("Child alert requested by %(org)s: %(reason)s")
        % {"org": delivered.sender, "reason": p["reason"]},
        opened_by=requester,
        may_cross_border=True,
    )
    case.number = "pending"
    case.full_clean(exclude=["number", "opened_by"], validate_constraints=False)
    case.number = case_services.next_case_number(case.country_id, case.opened_at.year)
    name_index.attach_search_names([case])
    case.save()
    country_settings = alert_services.alert_settings(recipient.country_id)
    alert = Alert.objects.create(
        case=case,
        country_id=recipient.country_id,
        reference=f"{recipient.country_id}-{secrets.token_hex(3).upper()}",
        tier=p["tier"],
        cap_status=CapStatus.EXERCISE if p["exercise"] else CapStatus.ACTUAL,
        requested_by=requester,
        criteria_preset=p["criteria_preset"],
        criteria=p["criteria"],
        area_description=_("Whole country: %(country)s") % {"country": recipient.country_id},
        hours=country_settings.default_hours,
        languages=",".join(country_settings.language_list),
    )
    for language, text in alert_services.default_texts(alert, country_settings).items():
        AlertText.objects.create(alert=alert, language=language, **text)
    across = CrossBorderAlert.objects.create(
        conversation=delivered.conversation,
        side=ReferralSide.RECEIVED,
        organisation=recipient,
        partner=delivered.sender,
        alert=alert,
        original_reference=p["reference"],
        reason=p["reason"],
        their_cap=p["cap"],
    )
    audit.record(
        AlertAcrossAction.RECEIVED,
        obj=case,
        actor_username=str(delivered.sender)[:150],
        reason=p["reason"],
        details={"alert": alert.reference, "original": p["reference"], "across": across.pk},
    )
    authorities = User.objects.filter(
        roles__code=RoleCode.ALERT_AUTHORITY, organisation__country_id=recipient.country_id,
        is_active=True,
    )  # fmt: skip
    notices.notify(
        authorities,
        lambda: (
            _("%(org)s asks for a child alert here: %(ref)s")
            % {"org": delivered.sender, "ref": alert.reference}
        ),
        f"/alerts/{alert.pk}/",
    )


# An alert step, as the other node reads it.
STEP_STATUS = {
    alert_services.AlertAction.APPROVE: CrossBorderStatus.ISSUED,
    alert_services.AlertAction.REJECT: CrossBorderStatus.REJECTED,
    alert_services.AlertAction.CANCEL: CrossBorderStatus.ENDED,
    alert_services.AlertAction.EXPIRE: CrossBorderStatus.ENDED,
    alert_services.AlertAction.WITHDRAW: CrossBorderStatus.ENDED,
    alert_services.AlertAction.UPDATE: None,
    alert_services.AlertAction.EXTEND: None,
}


@receiver(alert_services.alert_step)
def tell_the_other_node(sender, alert, action, reason, **kwargs):
    """A step of an alert that another node asked for, or that was carried to another node,
    is told to that node."""
    if action not in STEP_STATUS:
        return
    for across in CrossBorderAlert.objects.filter(alert=alert).select_related("partner"):
        if not RemoteOrganisation.objects.filter(organisation=across.partner).exists():
            continue
        payload = {"action": action, "status": alert.status, "reason": reason,
                   "reference": alert.reference, "cap": _latest_cap(alert)}  # fmt: skip
        if not payload["cap"]:
            payload.pop("cap")
        services.send(
            across.partner,
            "alert.answer" if across.side == ReferralSide.RECEIVED else "alert.update",
            payload,
            sender=across.organisation,
            origin=Origin(),
            conversation=across.conversation,
            handling="H0",
            kind="Cancel" if alert.status == AlertStatus.CANCELLED else "Update",
        )
        if across.side == ReferralSide.RECEIVED and STEP_STATUS[action]:
            across.status = STEP_STATUS[action]
            across.save(update_fields=["status", "updated_at"])


def on_answer(delivered: payloads.Delivered) -> None:
    """The other node's authority decided (or its alert changed): recorded, and told to the
    original alert's requester and approver."""
    across = payloads.our_side(CrossBorderAlert, delivered, ReferralSide.SENT)
    p = delivered.payload
    if "cap" in p:
        across.their_cap = _checked_cap(p["cap"])
    status = STEP_STATUS.get(p["action"])
    across.status = status or across.status
    across.note = p.get("reason", "")
    across.save()
    audit.record(
        AlertAcrossAction.ANSWERED,
        obj=across.alert.case,
        actor_username=str(delivered.sender)[:150],
        reason=across.note,
        details={"alert": across.alert.reference, "theirs": p["reference"], "action": p["action"]},
    )
    users = [u for u in (across.alert.requested_by, across.alert.decided_by) if u]
    notices.notify(
        users,
        lambda: (
            _("%(org)s: %(status)s (%(ref)s)")
            % {
                "org": delivered.sender,
                "status": across.get_status_display(),
                "ref": p["reference"],
            }
        ),
        f"/alerts/{across.alert.pk}/",
    )


def on_update(delivered: payloads.Delivered) -> None:
    """The original alert changed. A cancellation withdraws a request still waiting here; an
    alert issued here is the authority's to end, who is told."""
    across = payloads.our_side(CrossBorderAlert, delivered, ReferralSide.RECEIVED)
    p = delivered.payload
    if "cap" in p:
        across.their_cap = _checked_cap(p["cap"])
    across.note = p.get("reason", "")
    across.save()
    alert = across.alert
    ended = p["status"] in (AlertStatus.CANCELLED, AlertStatus.EXPIRED)
    if ended and alert.status == AlertStatus.REQUESTED:
        Alert.objects.filter(pk=alert.pk).update(
            status=AlertStatus.WITHDRAWN, ended_at=timezone.now(), end_reason=across.note
        )
        across.status = CrossBorderStatus.ENDED
        across.save(update_fields=["status", "updated_at"])
    audit.record(
        AlertAcrossAction.UPDATED,
        obj=alert.case,
        actor_username=str(delivered.sender)[:150],
        reason=across.note,
        details={"alert": alert.reference, "original": p["reference"], "action": p["action"]},
    )
    users = User.objects.filter(
        roles__code=RoleCode.ALERT_AUTHORITY, organisation__country_id=alert.country_id,
        is_active=True,
    )  # fmt: skip
    notices.notify(
        users,
        lambda: (_("The original alert %(ref)s was ended: end yours too if the child is safe")
                 if ended else _("The original alert %(ref)s was updated"))
        % {"ref": p["reference"]},
        f"/alerts/{alert.pk}/",
    )  # fmt: skip


def national(organisation: Organisation) -> bool:
    return organisation.country_id is not None


def register() -> None:
    alert_services.cross_border_carriers.append(carry_to_peer)
    step = {
        "action": SHORT_TEXT, "status": {"enum": AlertStatus.values}, "reason": TEXT,
        "reference": SHORT_TEXT, "cap": CAP_TEXT,
    }  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="alert.request",
        description=gettext_lazy("A child alert asked of another country's authority (CAP)"),
        schema=obj({
            "reference": SHORT_TEXT, "reason": TEXT, "tier": SHORT_TEXT,
            "exercise": {"type": "boolean"}, "criteria_preset": SHORT_TEXT,
            "criteria": {"type": "object"}, "cap": CAP_TEXT, "child": CHILD,
        }, ["reference", "reason", "tier", "exercise", "criteria_preset", "criteria", "cap",
            "child"]),
        handler=on_request, may_send=national, may_receive=national,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="alert.answer",
        description=gettext_lazy("The other country's decision on a child alert, and its steps"),
        schema=obj(step, ["action", "status", "reference"]),
        handler=on_answer, kind="Update", may_send=national, may_receive=national,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="alert.update",
        description=gettext_lazy("The original child alert updated or cancelled"),
        schema=obj(step, ["action", "status", "reference"]),
        handler=on_update, kind="Update", may_send=national, may_receive=national,
    ))  # fmt: skip
