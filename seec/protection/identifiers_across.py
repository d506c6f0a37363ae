"""Identifiers compared with a police unit of another installation, by keyed hashes only.

Two police units that have entered one matching agreement (seec/linkage: the same secret key
on both sides, its fingerprint compared out of band) compare their payment and online
identifiers without either sending one:

    send_identifier_hashes ── protection.identifier_hashes ──▶ each token compared with the
        tokens of the receiver's own identifiers; a match is kept and the receiver's police
        unit told; the matched references go back
    on_identifier_hashes   ◀── protection.identifier_matched ── the sender keeps the match and
        tells its own police unit

A token is HMAC-SHA256 under the agreement's key of the identifier's kind and keyed hash (the
installation's, identifiers.py; the units' installations share the identifier key, as the
settings say). It means nothing outside the agreement: a third unit, or this one under another
agreement, cannot link it, and ending the agreement destroys the key. With each token travels
an opaque reference to the sighting, made with our own secret (as linkage's record ids), which
the partner quotes back. The police units of the two organisations are told, no one else; each
notice names the other side's unit and country only.
"""

import hashlib
import hmac

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.core import audit, notices
from seec.core.audit import Origin
from seec.core.models import Organisation, OrganisationKind
from seec.linkage import agreement_keys
from seec.linkage.models import MatchingAgreement

from .audit_actions import ProtectionAction as A
from .models import RemoteIdentifierMatch, TraceIdentifier
from .rules import is_law_enforcement
from .tracing import _record_label, police_unit
from .transport import exchange_installed

HASHES = "protection.identifier_hashes"
MATCHED = "protection.identifier_matched"
# One message holds at most this many tokens; more are sent in several.
PER_MESSAGE = 20_000


def _key(agreement: MatchingAgreement) -> bytes:
    if agreement.ended_at is not None or not agreement.sealed_key or not agreement.in_force():
        raise ValidationError({"agreement": _("The agreement is not in force.")})
    key, resealed = agreement_keys.open_sealed(agreement.sealed_key, agreement.reference)
    if resealed is not None:  # SECRET_KEY was rotated: seal under the current one
        MatchingAgreement.objects.filter(pk=agreement.pk).update(sealed_key=resealed)
    return key


def token(key: bytes, kind: str, key_hash: str) -> str:
    return hmac.new(key, f"identifier:{kind}:{key_hash}".encode(), hashlib.sha256).hexdigest()


def reference(agreement: MatchingAgreement, identifier_pk: int) -> str:
    digest = hmac.digest(
        bytes.fromhex(agreement.record_id_secret), f"identifier:{identifier_pk}".encode(), "sha256"
    )
    return digest[:10].hex()


def _police_agreement(agreement: MatchingAgreement) -> Organisation:
    """The partner police unit of an agreement in force, or why not."""
    partner = agreement.partner_organisation
    if partner is None or partner.kind != OrganisationKind.POLICE:
        raise ValidationError(
            {"agreement": _("Identifiers are compared only with a police unit on the platform.")}
        )
    if agreement.organisation.kind != OrganisationKind.POLICE:
        raise ValidationError(
            {"agreement": _("Only a police unit's agreement compares identifiers.")}
        )
    return partner


def send_identifier_hashes(
    agreement: MatchingAgreement, *, origin: Origin, identifiers=None
) -> int:
    """Send the tokens of our unit's identifiers (all, or those given) to the partner unit
    under the agreement; returns how many were sent. A police decision of our unit."""
    user = origin.actor
    if not is_law_enforcement(user) or agreement.organisation_id != user.organisation_id:
        raise PermissionDenied(_("Only the police unit of the agreement sends its identifiers."))
    partner = _police_agreement(agreement)
    key = _key(agreement)
    chosen = identifiers if identifiers is not None else TraceIdentifier.objects.all()
    rows = chosen.filter(organisation_id=agreement.organisation_id).values_list(
        "pk", "kind", "key_hash"
    )
    hashes = [
        {"kind": kind, "token": token(key, kind, key_hash), "ref": reference(agreement, pk)}
        for pk, kind, key_hash in rows.iterator(chunk_size=5000)
    ]
    if not hashes:
        raise ValidationError({"agreement": _("Your unit has recorded no identifier to compare.")})
    with transaction.atomic():
        audit.record(
            A.IDENTIFIERS_SENT,
            origin=origin,
            obj=agreement,
            details={"identifiers": len(hashes), "to": partner.pk},
        )
        for start in range(0, len(hashes), PER_MESSAGE):
            _send(
                partner,
                HASHES,
                {
                    "fingerprint": agreement.key_fingerprint,
                    "hashes": hashes[start : start + PER_MESSAGE],
                },
                sender=agreement.organisation,
                origin=origin,
            )
    return len(hashes)


def _send(partner, payload_type, payload, *, sender, origin):
    from seec.exchange.services import send

    return send(partner, payload_type, payload, sender=sender, origin=origin, handling="H3")


def _their_agreement(delivered) -> MatchingAgreement:
    agreement = (
        MatchingAgreement.objects.filter(
            organisation=delivered.recipient,
            partner_organisation=delivered.sender,
            key_fingerprint=delivered.payload["fingerprint"],
            ended_at__isnull=True,
        )
        .order_by("-created_at")
        .first()
    )
    if agreement is None or not agreement.in_force():
        raise ValidationError(
            _("No matching agreement in force with this police unit under this key.")
        )
    _police_agreement(agreement)
    return agreement


def _keep(identifier: TraceIdentifier, agreement: MatchingAgreement, partner_ref: str) -> bool:
    _match, created = RemoteIdentifierMatch.objects.get_or_create(
        identifier=identifier, agreement=agreement, partner_reference=partner_ref
    )
    if created:
        _tell(identifier, agreement.partner_organisation)
        audit.record(
            A.IDENTIFIER_MATCH,
            obj=identifier,
            details={"partner": agreement.partner_organisation_id, "their_ref": partner_ref},
            actor_username="matching",
        )
    return created


def _tell(identifier: TraceIdentifier, partner: Organisation) -> None:
    def subject():
        return _(
            "%(kind)s %(display)s on %(record)s was also recorded by %(unit)s (%(country)s), on "
            "another installation. Contact them through a cooperation request."
        ) % {
            "kind": identifier.get_kind_display(),
            "display": identifier.display,
            "record": _record_label(identifier),
            "unit": partner.name,
            "country": partner.country.name if partner.country_id else "",
        }

    notices.notify(
        police_unit(identifier.organisation_id),
        subject,
        link=f"/protection/identifiers/{identifier.pk}/",
    )


@transaction.atomic
def on_identifier_hashes(delivered) -> None:
    agreement = _their_agreement(delivered)
    key = _key(agreement)
    received = delivered.payload["hashes"]
    kinds = {item["kind"] for item in received}
    ours = {}
    for pk, kind, key_hash in (
        TraceIdentifier.objects.filter(organisation=agreement.organisation, kind__in=kinds)
        .values_list("pk", "kind", "key_hash")
        .iterator(chunk_size=5000)
    ):
        ours.setdefault(token(key, kind, key_hash), []).append(pk)
    matched = []
    for item in received:
        for pk in ours.get(item["token"], []):
            identifier = TraceIdentifier.objects.select_related("organisation").get(pk=pk)
            if _keep(identifier, agreement, item["ref"]):
                matched.append({"ref": item["ref"], "their_ref": reference(agreement, pk)})
    if matched:
        _send(
            agreement.partner_organisation,
            MATCHED,
            {"fingerprint": agreement.key_fingerprint, "matches": matched},
            sender=agreement.organisation,
            origin=Origin(None),
        )


@transaction.atomic
def on_identifier_matched(delivered) -> None:
    agreement = _their_agreement(delivered)
    wanted = {item["ref"]: item["their_ref"] for item in delivered.payload["matches"]}
    for pk in (
        TraceIdentifier.objects.filter(organisation=agreement.organisation)
        .values_list("pk", flat=True)
        .iterator(chunk_size=5000)
    ):
        theirs = wanted.get(reference(agreement, pk))
        if theirs is not None:
            _keep(TraceIdentifier.objects.get(pk=pk), agreement, theirs)


def remote_matches_of(identifier: TraceIdentifier) -> list[dict]:
    """What the officer may know of sightings on other installations: unit, country, date."""
    return [
        {
            "organisation": m.agreement.partner_organisation.name,
            "country": m.agreement.partner_country.name,
            "found_at": m.found_at,
        }
        for m in identifier.remote_matches.select_related(
            "agreement__partner_organisation", "agreement__partner_country"
        )
    ]


def _police_unit(organisation: Organisation) -> bool:
    return organisation.kind == OrganisationKind.POLICE


def register_payload_types() -> None:
    if not exchange_installed():
        return
    from seec.exchange import payloads
    from seec.exchange.payloads import SHORT_TEXT, obj

    if payloads.get(HASHES) is not None:
        return
    hex64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
    ref = {"type": "string", "pattern": "^[0-9a-f]{20}$"}
    kind = {"enum": [k for k, _label in TraceIdentifier._meta.get_field("kind").choices]}
    payloads.register(
        payloads.PayloadType(
            name=HASHES,
            description=gettext_lazy("Identifiers' keyed hashes, compared under an agreement"),
            schema=obj(
                {
                    "fingerprint": SHORT_TEXT,
                    "hashes": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": PER_MESSAGE,
                        "items": obj(
                            {"kind": kind, "token": hex64, "ref": ref}, ["kind", "token", "ref"]
                        ),
                    },
                },
                ["fingerprint", "hashes"],
            ),
            handler=on_identifier_hashes,
            may_send=_police_unit,
            may_receive=_police_unit,
        )
    )
    payloads.register(
        payloads.PayloadType(
            name=MATCHED,
            description=gettext_lazy("Identifiers found on both sides of an agreement"),
            schema=obj(
                {
                    "fingerprint": SHORT_TEXT,
                    "matches": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": PER_MESSAGE,
                        "items": obj({"ref": ref, "their_ref": ref}, ["ref", "their_ref"]),
                    },
                },
                ["fingerprint", "matches"],
            ),
            handler=on_identifier_matched,
            may_send=_police_unit,
            may_receive=_police_unit,
            kind="Update",
        )
    )
