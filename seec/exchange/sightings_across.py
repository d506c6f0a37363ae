"""Sightings from the public about an alert carried across nodes.

An alert that began on another node and was issued here (alerts_across.py) is shown on this
node's public site; a sighting reported about it is triaged here as any other, and also
reaches the centre responsible for the case, on the node where the alert began:

    node where it was reported                       node where the alert began
    report_received ─── sighting.report ──────────▶  filed in the case's centre's triage
                                                     queue on the original alert, its
                                                     managers and the alert authority told
                    ◀── sighting.received ───────    its reference there (shown here with
                                                     the delivery status)
    report_added_to ─── sighting.addition ────────▶  added to the report filed there

The reporter's contact details travel only with their consent. The photo (already checked and
re-encoded without EXIF here) travels inside the signed and encrypted payload, as base64 with
its type and SHA-256; the receiver checks it again as any upload and keeps it encrypted with
the report. Only a photo too large for the exchange's body limit stays on the node where it
was sent in, and the receiving triager is told that it is there. Published missing children
need no forwarding: a child is published by the node that holds the case (a referral hands a
case over whole).
"""

import base64
import hashlib
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.core import audit
from seec.core.audit import Origin
from seec.core.models import Organisation
from seec.portal import services as portal_services
from seec.portal.forms import MARKUP

from . import payloads, services
from .models import CrossBorderAlert, ForwardedReport, ReferralSide, RemoteOrganisation
from .payloads import DATE_TIME, obj


class SightingAcrossAction:
    FORWARDED = "sighting_across.forwarded"
    NOT_FORWARDED = "sighting_across.not_forwarded"
    RECEIVED = "sighting_across.received"
    ADDITION_FORWARDED = "sighting_across.addition_forwarded"
    ADDITION_RECEIVED = "sighting_across.addition_received"
    ACKNOWLEDGED = "sighting_across.acknowledged"


audit.ACTION_LABELS.update(
    {
        SightingAcrossAction.FORWARDED: gettext_lazy(
            "Sighting forwarded to the node where the alert began"
        ),
        SightingAcrossAction.NOT_FORWARDED: gettext_lazy("Sighting could not be forwarded"),
        SightingAcrossAction.RECEIVED: gettext_lazy("Sighting received from another node"),
        SightingAcrossAction.ADDITION_FORWARDED: gettext_lazy(
            "Reporter's addition forwarded to another node"
        ),
        SightingAcrossAction.ADDITION_RECEIVED: gettext_lazy(
            "Reporter's addition received from another node"
        ),
        SightingAcrossAction.ACKNOWLEDGED: gettext_lazy(
            "Forwarded sighting filed by the other node"
        ),
    }
)


def _text(min_length: int, max_length: int) -> dict:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


REFERENCE = {"type": "string", "pattern": r"^R-[A-Z0-9]{4}-[A-Z0-9]{4}$"}
CONTACT = obj({"name": _text(0, 200), "phone": _text(0, 40), "email": _text(0, 254)})
# The types a portal photo may have; the sender's is always the JPEG it re-encoded.
PHOTO_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n",
               "image/webp": b"RIFF"}  # fmt: skip
PHOTO = obj(
    {
        "content": {"type": "string", "minLength": 4},
        "content_type": {"enum": sorted(PHOTO_TYPES)},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
    ["content", "content_type", "sha256"],
)
# What the envelope adds around the payload's JSON besides its two base64 layers (JWS inside
# JWE): the routing elements, headers, the signature, the report's own text (4,300
# characters at most, up to 4 bytes each): generous, so that an estimate never undercounts.
ENVELOPE_ALLOWANCE = 64 * 1024
REPORT_SCHEMA = obj(
    {
        "reference": REFERENCE,
        "alert_reference": _text(1, 40),
        "what_was_seen": _text(1, 4000),
        "place": _text(1, 300),
        "seen_at": {"anyOf": [DATE_TIME, {"type": "null"}]},
        "received_at": DATE_TIME,
        "language": _text(0, 10),
        "contact": CONTACT,
        "photo_on_sending_node": {"type": "boolean"},
        "photo": PHOTO,
    },
    ["reference", "alert_reference", "what_was_seen", "place", "received_at",
     "photo_on_sending_node"],
)  # fmt: skip
ADDITION_SCHEMA = obj(
    {"reference": REFERENCE, "text": _text(1, 4000), "received_at": DATE_TIME},
    ["reference", "text", "received_at"],
)
RECEIVED_SCHEMA = obj(
    {"reference": REFERENCE, "received_as": REFERENCE}, ["reference", "received_as"]
)


# --- The node where the sighting was reported -------------------------------------------------


def _carried_from_elsewhere(report) -> CrossBorderAlert | None:
    """The alert's request from another node, when the report is about such an alert."""
    if report.alert_id is None:
        return None
    across = (
        CrossBorderAlert.objects.select_related("partner", "organisation")
        .filter(alert_id=report.alert_id, side=ReferralSide.RECEIVED)
        .first()
    )
    if (
        across is None
        or not RemoteOrganisation.objects.filter(organisation=across.partner).exists()
    ):
        return None
    return across


def _base64_length(size: int) -> int:
    return 4 * math.ceil(size / 3)


def photo_fits(size: int) -> bool:
    """Whether a photo of `size` bytes fits the exchange's body limit once in the envelope:
    base64 in the payload, which the JWS encodes again, whose compact form the JWE encodes
    once more. A photo that does not fit stays here (the other centre is told to ask)."""
    body = _base64_length(_base64_length(_base64_length(size))) + ENVELOPE_ALLOWANCE
    return body <= settings.SEEC_EXCHANGE_MAX_BODY_BYTES


def _photo_payload(report) -> dict | None:
    """The report's photo as it is kept here (checked, re-encoded without EXIF), or None when
    there is none or it is too large for the exchange."""
    if not report.photo_storage_name:
        return None
    content = portal_services.load_photo(report)
    if not photo_fits(len(content)):
        return None
    return {
        "content": base64.b64encode(content).decode("ascii"),
        "content_type": "image/jpeg",
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def _report_payload(
    report, across: CrossBorderAlert, *, with_contact: bool, photo: dict | None
) -> dict:
    payload = {
        "reference": report.reference,
        "alert_reference": across.original_reference,
        "what_was_seen": report.what_was_seen,
        "place": report.place,
        "seen_at": report.seen_at.isoformat() if report.seen_at else None,
        "received_at": report.received_at.isoformat(),
        "language": report.language,
        "photo_on_sending_node": bool(report.photo_storage_name) and photo is None,
    }
    if photo is not None:
        payload["photo"] = photo
    if with_contact:
        payload["contact"] = {
            "name": report.contact_name,
            "phone": report.contact_phone,
            "email": report.contact_email,
        }
    return payload


@receiver(portal_services.report_received)
def forward_sighting(sender, report, **kwargs):
    """A sighting about an alert that began on another node goes there too. It runs in the
    transaction that stores the report: the outbox row is written with it. A forwarding that
    cannot leave (the node no longer trusted…) never loses the report here: the problem is
    recorded and shown in the triage queue."""
    across = _carried_from_elsewhere(report)
    if across is None:
        return
    with_contact = report.contact_may_be_passed_on and not report.anonymous
    photo = _photo_payload(report)
    forwarded = ForwardedReport(
        side=ReferralSide.SENT,
        organisation=across.organisation,
        partner=across.partner,
        report=report,
        alert_reference=across.original_reference,
        photo_on_sending_node=bool(report.photo_storage_name) and photo is None,
        contact_passed_on=with_contact,
    )
    try:
        with transaction.atomic():
            sent = services.send(
                across.partner,
                "sighting.report",
                _report_payload(report, across, with_contact=with_contact, photo=photo),
                sender=across.organisation,
                origin=Origin(),
                handling="H2",
            )
    except ValidationError as error:
        forwarded.conversation = services.new_conversation()
        forwarded.problem = "; ".join(error.messages)[:2000]
        forwarded.save()
        audit.record(
            SightingAcrossAction.NOT_FORWARDED,
            obj=report,
            actor_username="public",
            reason=forwarded.problem,
            details={"to": across.partner_id, "alert": across.original_reference},
        )
        return
    forwarded.conversation = sent.conversation
    forwarded.save()
    audit.record(
        SightingAcrossAction.FORWARDED,
        obj=report,
        actor_username="public",
        details={
            "to": across.partner_id,
            "alert": across.original_reference,
            "conversation": sent.conversation,
            "contact": with_contact,
            "photo_kept_here": forwarded.photo_on_sending_node,
            "photo_sha256": photo["sha256"] if photo else None,
        },
    )


@receiver(portal_services.report_added_to)
def forward_addition(sender, report, addition, **kwargs):
    """What the reporter adds later follows the sighting, in its conversation (in order)."""
    forwarded = ForwardedReport.objects.filter(
        report=report, side=ReferralSide.SENT, problem=""
    ).first()
    if forwarded is None:
        return
    try:
        with transaction.atomic():
            services.send(
                forwarded.partner,
                "sighting.addition",
                {
                    "reference": report.reference,
                    "text": addition.text,
                    "received_at": addition.received_at.isoformat(),
                },
                sender=forwarded.organisation,
                origin=Origin(),
                conversation=forwarded.conversation,
                handling="H2",
            )
    except ValidationError as error:
        # The reporter's addition is kept here whatever happens to its forwarding.
        audit.record(
            SightingAcrossAction.NOT_FORWARDED,
            obj=report,
            actor_username="public",
            reason="; ".join(error.messages)[:2000],
            details={"to": forwarded.partner_id, "addition": addition.pk},
        )
        return
    audit.record(
        SightingAcrossAction.ADDITION_FORWARDED,
        obj=report,
        actor_username="public",
        details={"to": forwarded.partner_id, "addition": addition.pk},
    )


def on_received(delivered: payloads.Delivered) -> None:
    """The other node filed our forwarded sighting: its reference there is kept."""
    forwarded = payloads.our_side(ForwardedReport, delivered, ReferralSide.SENT)
    p = delivered.payload
    if p["reference"] != forwarded.report.reference:
        raise ValidationError(
            {"reference": _("This conversation carries report %(ref)s, not this one.")
             % {"ref": forwarded.report.reference}}
        )  # fmt: skip
    forwarded.their_reference = p["received_as"]
    forwarded.acknowledged_at = timezone.now()
    forwarded.save(update_fields=["their_reference", "acknowledged_at"])
    audit.record(
        SightingAcrossAction.ACKNOWLEDGED,
        obj=forwarded.report,
        actor_username=str(delivered.sender)[:150],
        details={"theirs": p["received_as"]},
    )


# --- The node where the alert began -----------------------------------------------------------


def _when(value: str, field: str):
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: _("Not a date and time.")}) from None
    if timezone.is_naive(moment):
        raise ValidationError({field: _("The time zone is missing.")})
    if moment > timezone.now() + timedelta(minutes=10):
        raise ValidationError({field: _("This time is in the future.")})
    return moment


def _checked_report(p: dict) -> dict:
    """Every field the schema cannot judge, each problem naming its field; all listed."""
    errors = {}
    contact = p.get("contact", {})
    texts = {"what_was_seen": p["what_was_seen"], "place": p["place"],
             **{f"contact/{k}": v for k, v in contact.items()}}  # fmt: skip
    for field, value in texts.items():
        if MARKUP.search(value):
            errors[field] = _("Plain text only: no markup or scripts.")
        elif field in ("what_was_seen", "place") and not value.strip():
            errors[field] = _("This field is empty.")
    if contact.get("email") and "contact/email" not in errors:
        try:
            validate_email(contact["email"])
        except ValidationError:
            errors["contact/email"] = _("Not an e-mail address.")
    moments = {}
    for field in ("seen_at", "received_at"):
        if p.get(field) is None:
            continue
        try:
            moments[field] = _when(p[field], field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return moments


def _checked_photo(photo: dict) -> bytes:
    """The photo that came with the report, checked as one sent in here is (portal's
    check_photo: the portal's size limit, the real format, the pixel limit read from the header
    before a pixel is decoded, the virus scan) and re-encoded without EXIF again: no other
    node's cleaning is trusted. Before that, its declared type, base64 and digest. Each
    problem names its field; nothing is stored."""
    content_type = photo.get("content_type")
    if content_type not in PHOTO_TYPES:
        raise ValidationError(
            {"photo/content_type": _("A photo must be a JPEG, PNG or WebP image.")}
        )
    limit = portal_services.max_photo_bytes()
    too_large = ValidationError(
        {"photo/content": _("The photo is larger than %(mb)d MB.") % {"mb": limit // 1024**2}}
    )
    # Measured before decoding anything: base64 is 4 characters for 3 bytes.
    if len(photo["content"]) > _base64_length(limit):
        raise too_large
    try:
        raw = base64.b64decode(photo["content"], validate=True)
    except ValueError:
        raise ValidationError({"photo/content": _("The photo is not base64.")}) from None
    if len(raw) > limit:
        raise too_large
    if hashlib.sha256(raw).hexdigest() != photo.get("sha256"):
        raise ValidationError({"photo/sha256": _("The photo does not match its SHA-256.")})
    signature = PHOTO_TYPES[content_type]
    if not raw.startswith(signature) or (content_type == "image/webp" and raw[8:12] != b"WEBP"):
        raise ValidationError(
            {"photo/content_type": _("The photo is not of the type it is declared as.")}
        )
    try:
        return portal_services.check_photo(ContentFile(raw, name="photo")).content
    except ValidationError as error:
        raise ValidationError(
            {"photo/content": error.message_dict.get("photo", error.messages)}
        ) from None


def on_report(delivered: payloads.Delivered) -> None:
    """A sighting reported on the other node about an alert that began here: filed in the
    triage queue of the case's centre, told to its managers and the alert authority, and
    acknowledged with its reference here."""
    if delivered.peer is None:
        raise ValidationError(_("On one node, a sighting reaches the case's centre directly."))
    p = delivered.payload
    across = (
        CrossBorderAlert.objects.select_related("alert")
        .filter(
            side=ReferralSide.SENT,
            organisation=delivered.recipient,
            partner=delivered.sender,
            alert__reference=p["alert_reference"],
        )
        .first()
    )
    if across is None:
        raise ValidationError(
            {"alert_reference": _("No alert %(ref)s was carried from here to %(org)s.")
             % {"ref": p["alert_reference"], "org": delivered.sender}}
        )  # fmt: skip
    moments = _checked_report(p)
    photo = _checked_photo(p["photo"]) if "photo" in p else None
    if ForwardedReport.objects.filter(
        side=ReferralSide.RECEIVED, partner=delivered.sender, their_reference=p["reference"]
    ).exists():
        raise ValidationError({"reference": _("This report was received already.")})
    contact = p.get("contact", {})
    through = delivered.peer.node_id
    report = portal_services.file_report_from_elsewhere(
        alert=across.alert,
        through=through,
        their_reference=p["reference"],
        what_was_seen=p["what_was_seen"].strip(),
        place=p["place"].strip(),
        received_at=moments["received_at"],
        seen_at=moments.get("seen_at"),
        contact_name=contact.get("name", "").strip(),
        contact_phone=contact.get("phone", "").strip(),
        contact_email=contact.get("email", "").strip(),
        language=p.get("language", ""),
        photo=photo,
    )
    try:
        _file_across(delivered, p, across, report)
    except Exception:
        # Nothing half-written: the transaction drops the row, so drop the sealed photo too.
        portal_services.forget_photo(report)
        raise


def _file_across(delivered: payloads.Delivered, p: dict, across, report) -> None:
    through = delivered.peer.node_id
    ForwardedReport.objects.create(
        conversation=delivered.conversation,
        side=ReferralSide.RECEIVED,
        organisation=delivered.recipient,
        partner=delivered.sender,
        report=report,
        alert_reference=across.alert.reference,
        their_reference=p["reference"],
        photo_on_sending_node=p["photo_on_sending_node"] and "photo" not in p,
        contact_passed_on="contact" in p,
    )
    audit.record(
        SightingAcrossAction.RECEIVED,
        obj=report,
        actor_username=str(delivered.sender)[:150],
        details={"from": through, "theirs": p["reference"], "alert": across.alert.reference,
                 "distribution": delivered.distribution_id,
                 "photo_sha256": report.photo_sha256 or None},
    )  # fmt: skip
    services.send(
        delivered.sender,
        "sighting.received",
        {"reference": p["reference"], "received_as": report.reference},
        sender=delivered.recipient,
        origin=Origin(),
        conversation=delivered.conversation,
        handling="H2",
        kind="Ack",
    )


def on_addition(delivered: payloads.Delivered) -> None:
    """What the reporter added on the other node, added to the report filed here."""
    forwarded = payloads.our_side(ForwardedReport, delivered, ReferralSide.RECEIVED)
    p = delivered.payload
    if p["reference"] != forwarded.their_reference:
        raise ValidationError(
            {"reference": _("This conversation carries report %(ref)s, not this one.")
             % {"ref": forwarded.their_reference}}
        )  # fmt: skip
    if MARKUP.search(p["text"]):
        raise ValidationError({"text": _("Plain text only: no markup or scripts.")})
    received_at = _when(p["received_at"], "received_at")
    addition = portal_services.add_to_report(
        forwarded.report, p["text"].strip(), received_at=received_at,
        through=delivered.peer.node_id if delivered.peer else "",
    )  # fmt: skip
    audit.record(
        SightingAcrossAction.ADDITION_RECEIVED,
        obj=forwarded.report,
        actor_username=str(delivered.sender)[:150],
        details={"theirs": p["reference"], "addition": addition.pk},
    )


def national(organisation: Organisation) -> bool:
    return organisation.country_id is not None


def register() -> None:
    payloads.register(payloads.PayloadType(
        name="sighting.report",
        description=gettext_lazy(
            "A sighting reported by the public about an alert that began on the receiving node"
        ),
        schema=REPORT_SCHEMA,
        handler=on_report, may_send=national, may_receive=national,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="sighting.addition",
        description=gettext_lazy("What the reporter added later to a forwarded sighting"),
        schema=ADDITION_SCHEMA,
        handler=on_addition, kind="Update", may_send=national, may_receive=national,
    ))  # fmt: skip
    payloads.register(payloads.PayloadType(
        name="sighting.received",
        description=gettext_lazy("A forwarded sighting filed: its reference there"),
        schema=RECEIVED_SCHEMA,
        handler=on_received, kind="Ack", may_send=national, may_receive=national,
    ))  # fmt: skip
