"""Private matching through the envelope: the Bloom-filter encodings of linkage/pprl.py sent
to the partner under a matching agreement, instead of a file carried by hand.

    send_encodings ── pprl.encodings ──▶ kept under the partner's own agreement (the same key's
                                         fingerprint); its linkers compare when they choose
                                         (compare_received), and review on their side
    confirm_match  ── pprl.confirmed ──▶ the partner's case behind our quote found, its
                                         linkers told: the two centres' conversation opens

Nothing else of the agreement travels: each side holds its own agreement and key; a message
whose fingerprint matches no agreement in force between the two organisations is refused.
"""

import base64
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.core import audit, notices
from seec.core.audit import Origin
from seec.core.models import Organisation, RoleCode, User
from seec.linkage import agreement_keys, selectors
from seec.linkage import services as linkage_services
from seec.linkage.models import MatchingAgreement, PairStatus, PrivateMatch

from . import payloads, services
from .models import ReceivedEncodings
from .payloads import SHORT_TEXT, TEXT, obj


class PrivateMatchingAction:
    SENT = "pprl.sent"
    RECEIVED = "pprl.received"
    CONFIRMED_TOLD = "pprl.confirmed_told"
    CONFIRMED_HEARD = "pprl.confirmed_heard"


audit.ACTION_LABELS.update(
    {
        PrivateMatchingAction.SENT: gettext_lazy("Encodings sent to the partner's node"),
        PrivateMatchingAction.RECEIVED: gettext_lazy("Partner's encodings received"),
        PrivateMatchingAction.CONFIRMED_TOLD: gettext_lazy("Confirmed match told to the partner"),
        PrivateMatchingAction.CONFIRMED_HEARD: gettext_lazy("Partner confirmed a match"),
    }
)


def _linkers(organisation: Organisation):
    return User.objects.filter(
        organisation=organisation,
        is_active=True,
        roles__code__in=[RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR, RoleCode.LIAISON_OFFICER],
    ).distinct()


def _partner_of(agreement: MatchingAgreement) -> Organisation:
    if agreement.partner_organisation is None:
        raise ValidationError(
            {"agreement": _("The partner of this agreement is not an organisation we reach.")}
        )
    if not agreement.in_force():
        raise ValidationError({"agreement": _("The agreement is not in force.")})
    return agreement.partner_organisation


@transaction.atomic
def send_encodings(
    agreement: MatchingAgreement, *, origin: Origin, selection: selectors.CaseSelection
) -> int:
    """Encode our cases (as linkage does for a file) and send them to the partner."""
    partner = _partner_of(agreement)
    encoded = linkage_services.encode_our_records(agreement, origin=origin, selection=selection)
    sha256 = hashlib.sha256(encoded.content).hexdigest()
    audit.record(
        PrivateMatchingAction.SENT,
        origin=origin,
        obj=agreement,
        details={"records": encoded.records, "sha256": sha256, "to": partner.pk},
    )
    services.send(
        partner,
        "pprl.encodings",
        {
            "fingerprint": agreement.key_fingerprint,
            "records": encoded.records,
            "sha256": sha256,
            "file": base64.b64encode(encoded.content).decode(),
        },
        sender=agreement.organisation,
        origin=origin,
        handling="H2",
    )
    return encoded.records


def _their_agreement(delivered: payloads.Delivered, fingerprint: str) -> MatchingAgreement:
    agreement = (
        MatchingAgreement.objects.filter(
            organisation=delivered.recipient,
            partner_organisation=delivered.sender,
            key_fingerprint=fingerprint,
            ended_at__isnull=True,
        )
        .order_by("-created_at")
        .first()
    )
    if agreement is None or not agreement.in_force():
        raise ValidationError(
            _("No matching agreement in force with this organisation under this key.")
        )
    return agreement


def on_encodings(delivered: payloads.Delivered) -> None:
    p = delivered.payload
    agreement = _their_agreement(delivered, p["fingerprint"])
    try:
        content = base64.b64decode(p["file"], validate=True)
    except ValueError:
        raise ValidationError(_("The encodings are not base64.")) from None
    if hashlib.sha256(content).hexdigest() != p["sha256"]:
        raise ValidationError(_("The encodings do not match their digest."))
    received = ReceivedEncodings.objects.create(
        agreement=agreement, content=content, sha256=p["sha256"], records=p["records"]
    )
    audit.record(
        PrivateMatchingAction.RECEIVED,
        obj=agreement,
        actor_username=str(delivered.sender)[:150],
        details={"received": received.pk, "records": p["records"], "sha256": p["sha256"]},
    )
    notices.notify(
        _linkers(agreement.organisation),
        lambda: (
            _("%(org)s sent its encodings: compare them with our cases") % {"org": delivered.sender}
        ),
        "/exchange/encodings/",
    )


def compare_received(received: ReceivedEncodings, *, origin: Origin, selection=None):
    """Compare received encodings with our cases (linkage's comparison, unchanged); the
    candidates wait in our private matching review."""
    exchange = linkage_services.compare_with_partner(
        received.agreement,
        origin=origin,
        content=bytes(received.content),
        selection=selection or selectors.CaseSelection(),
    )
    ReceivedEncodings.objects.filter(pk=received.pk).update(compared=exchange)
    return exchange


@transaction.atomic
def confirm_match(match: PrivateMatch, *, origin: Origin, note: str = "") -> PrivateMatch:
    """Decide a private match as the same child (linkage's decision) and tell the partner,
    quoting both records, so that the two centres take it up together."""
    match = linkage_services.decide_private_match(
        match, origin=origin, status=PairStatus.CONFIRMED, note=note
    )
    agreement = match.agreement
    partner = _partner_of(agreement)
    ours = agreement_keys.record_id(agreement.record_id_secret, match.case_id)
    audit.record(
        PrivateMatchingAction.CONFIRMED_TOLD,
        origin=origin,
        obj=match.case,
        details={"partner_record": match.partner_record_id, "our_record": ours},
    )
    services.send(
        partner,
        "pprl.confirmed",
        {
            "fingerprint": agreement.key_fingerprint,
            "your_record": match.partner_record_id,
            "our_record": ours,
            "note": note,
            "confirmed_by": origin.actor.get_username(),
        },
        sender=agreement.organisation,
        origin=origin,
        handling="H2",
    )
    return match


def on_confirmed(delivered: payloads.Delivered) -> None:
    p = delivered.payload
    agreement = _their_agreement(delivered, p["fingerprint"])
    case = None
    for pk in agreement.organisation.cases.values_list("pk", flat=True).iterator(chunk_size=5000):
        if agreement_keys.record_id(agreement.record_id_secret, pk) == p["your_record"]:
            case = agreement.organisation.cases.get(pk=pk)
            break
    if case is None:
        raise ValidationError(_("None of our cases has this record id under the agreement."))
    audit.record(
        PrivateMatchingAction.CONFIRMED_HEARD,
        obj=case,
        actor_username=str(delivered.sender)[:150],
        reason=p.get("note", ""),
        details={"their_record": p["our_record"], "conversation": delivered.conversation},
    )
    notices.notify(
        _linkers(agreement.organisation),
        lambda: (
            _("%(org)s confirmed that its record %(theirs)s is our case %(number)s")
            % {"org": delivered.sender, "theirs": p["our_record"], "number": case.number}
        ),
        f"/cases/{case.pk}/",
    )


def may_match(organisation: Organisation) -> bool:
    return organisation.country_id is not None


def require_linker(user) -> None:
    if not _linkers(user.organisation).filter(pk=user.pk).exists():
        raise PermissionDenied(_("Only the organisation's linkers compare encodings."))


def register() -> None:
    payloads.register(payloads.PayloadType(
        name="pprl.encodings",
        description=gettext_lazy("Private matching: Bloom-filter encodings under an agreement"),
        schema=obj({
            "fingerprint": SHORT_TEXT, "records": {"type": "integer", "minimum": 1},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "file": {"type": "string", "maxLength": 90_000_000},
        }, ["fingerprint", "records", "sha256", "file"]),
        handler=on_encodings, may_send=may_match, may_receive=may_match,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="pprl.confirmed",
        description=gettext_lazy("Private matching: a match confirmed as the same child"),
        schema=obj({
            "fingerprint": SHORT_TEXT, "your_record": SHORT_TEXT, "our_record": SHORT_TEXT,
            "note": TEXT, "confirmed_by": SHORT_TEXT,
        }, ["fingerprint", "your_record", "our_record"]),
        handler=on_confirmed, may_send=may_match, may_receive=may_match,
    ))  # fmt: skip
