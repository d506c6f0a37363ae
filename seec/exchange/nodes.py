"""This node and its peers: the signed key document at the well-known URL, adding a peer by
its URL, confirming its fingerprint, learning its new keys, and the regional directory.

The key document lists the node's organisations and its public keys, and is signed by each
signing key it still stands by (the current one and, after a rotation, the retired one): a
peer that knows the old key learns the new one from it, without asking anyone again.
"""

import json
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.models import Country, Organisation

from . import keys
from .audit_actions import ExchangeAction
from .envelope import SIGNING_ALGORITHM
from .models import KeyUse, NodeKey, Peer, PeerKey, PeerStatus, RemoteOrganisation

WELL_KNOWN_PATH = "/.well-known/seec-node"
DIRECTORY_PATH = "/.well-known/seec-node/directory"
PROTOCOL = "seec-exchange/1"
# The inbox that takes a batch of distributions in one signed request, each still signed,
# encrypted and acknowledged on its own (docs/exchange.md, "Batches").
BATCH_PROTOCOL = "seec-exchange/2"
BATCH_INBOX_PATH = "/exchange/inbox/batch/"
FETCH_TIMEOUT = 10.0


class PeerProblem(Exception):
    """A peer's document that cannot be trusted or read, in words for the administrator."""


def node_id() -> str:
    return settings.SEEC_NODE_ID


def hosted_organisations():
    """The organisations this node hosts: every active one not hosted by a peer (of the
    countries in SEEC_NODE_COUNTRIES, where the node names them)."""
    hosted = Organisation.objects.filter(is_active=True, remote__isnull=True)
    countries = [code.upper() for code in settings.SEEC_NODE_COUNTRIES]
    if countries:
        scope = Q(country_id__in=[c for c in countries if c != "INT"])
        if "INT" in countries:
            scope |= Q(country__isnull=True)
        hosted = hosted.filter(scope)
    return hosted.select_related("country")


def is_hosted_here(organisation: Organisation) -> bool:
    return not RemoteOrganisation.objects.filter(organisation=organisation).exists()


def address_of(organisation: Organisation) -> str:
    return address_of_id(organisation.pk)


def address_of_id(organisation_id: int) -> str:
    """The exchange address of the organisation with this id: its remote address when a peer
    hosts it, else this node's."""
    remote = RemoteOrganisation.objects.filter(organisation_id=organisation_id).first()
    return remote.address if remote else f"{node_id()}:{organisation_id}"


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def key_document() -> dict:
    """What /.well-known/seec-node serves: the document and its signatures."""
    keys.ensure_keys()
    current = {key.kid for key in (keys.current(KeyUse.SIGNING), keys.current(KeyUse.ENCRYPTION))}
    published = [
        dict(key.public_jwk, status="current" if key.kid in current else "retired")
        for use in KeyUse.values
        for key in keys.usable(use)
    ]
    document = {
        "protocol": PROTOCOL,
        "node": node_id(),
        "name": settings.SEEC_NODE_NAME,
        "url": settings.SEEC_NODE_URL,
        "inbox": settings.SEEC_NODE_URL.rstrip("/") + "/exchange/inbox/",
        # Optional: a node of protocol 1 that does not know it ignores it.
        "batchInbox": settings.SEEC_NODE_URL.rstrip("/") + BATCH_INBOX_PATH,
        "fingerprint": keys.node_fingerprint(),
        "organisations": [
            {
                "id": str(org.pk),
                "name": org.name,
                "kind": org.kind,
                "country": org.country_id or "",
            }
            for org in hosted_organisations()
        ],
        "keys": published,
        "revoked": sorted(
            NodeKey.objects.filter(revoked_at__isnull=False).values_list("kid", flat=True)
        ),
        "issued_at": timezone.now().isoformat(),
    }
    body = _canonical(document)
    signatures = [
        jws.serialize_compact(
            {"alg": SIGNING_ALGORITHM, "kid": key.kid},
            body,
            keys.private_key(key),
            algorithms=[SIGNING_ALGORITHM],
        )
        for key in keys.usable(KeyUse.SIGNING)
    ]
    return {"document": document, "signatures": signatures}


def _fetch(url: str) -> dict:
    try:
        response = httpx.get(url, timeout=FETCH_TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as error:
        raise PeerProblem(_("The node at %(url)s did not answer: %(error)s") % {
            "url": url, "error": error}) from None  # fmt: skip
    if response.status_code != 200:
        raise PeerProblem(
            _("The node at %(url)s answered %(status)s.")
            % {"url": url, "status": response.status_code}
        )
    try:
        return response.json()
    except ValueError:
        raise PeerProblem(_("The node at %(url)s did not send JSON.") % {"url": url}) from None


def _verified_document(signed: dict, trusted: dict[str, OKPKey] | None) -> dict:
    """The document, if one of its signatures verifies: by a key of `trusted` (kid → key),
    or, the first time (trusted None), by the current signing key the document itself lists
    (proof that the node holds the key whose fingerprint the administrator confirms)."""
    document = signed.get("document") if isinstance(signed, dict) else None
    signatures = signed.get("signatures") if isinstance(signed, dict) else None
    if not isinstance(document, dict) or not isinstance(signatures, list) or not signatures:
        raise PeerProblem(_("The node's key document is malformed."))
    if document.get("protocol") != PROTOCOL:
        raise PeerProblem(_("The node speaks another protocol: %(p)s") % {
            "p": document.get("protocol")})  # fmt: skip
    if trusted is None:
        current = [
            k for k in document.get("keys", [])
            if k.get("use") == KeyUse.SIGNING and k.get("status") == "current"
        ]  # fmt: skip
        if len(current) != 1:
            raise PeerProblem(_("The node's key document names no current signing key."))
        trusted = {current[0].get("kid"): OKPKey.import_key(current[0])}
    body = _canonical(document)
    for signature in signatures:
        if not isinstance(signature, str):
            continue
        key = trusted.get(_kid(signature))
        if key is None:
            continue
        try:
            verified = jws.deserialize_compact(signature, key, algorithms=[SIGNING_ALGORITHM])
        except (JoseError, ValueError):
            continue
        if verified.payload == body:
            return document
    raise PeerProblem(_("The node's key document is not signed by a key we trust."))


def _kid(compact: str) -> str | None:
    from .envelope import EnvelopeError, protected_header

    try:
        return protected_header(compact, "bad_signature").get("kid")
    except EnvelopeError:
        return None


def preview_peer(url: str) -> dict:
    """Fetch a node's key document to show the administrator before it is added."""
    url = url.strip().rstrip("/")
    document = _verified_document(_fetch(url + WELL_KNOWN_PATH), None)
    if document.get("node") == node_id():
        raise PeerProblem(_("That address is this node itself."))
    return document


def _require_admin(origin: Origin) -> None:
    if not policy.has(origin.actor, policy.Capability.ADMINISTER):
        raise PermissionDenied(_("Only an administrator manages the exchange's nodes."))


@transaction.atomic
def add_peer(url: str, *, origin: Origin, vouched_by: Peer | None = None, fingerprint=None):
    """Add the node at `url`, pending until its fingerprint is confirmed (or trusted at once
    when a trusted node's directory vouched for this very fingerprint)."""
    _require_admin(origin)
    try:
        document = preview_peer(url)
    except PeerProblem as problem:
        raise ValidationError({"url": str(problem)}) from None
    if Peer.objects.filter(node_id=document["node"]).exists():
        raise ValidationError({"url": _("This node is already known.")})
    vouched = vouched_by is not None and fingerprint == document["fingerprint"]
    peer = Peer.objects.create(
        node_id=document["node"],
        name=str(document.get("name") or document["node"])[:200],
        base_url=url.strip().rstrip("/"),
        fingerprint=document["fingerprint"],
        added_by=origin.actor,
        status=PeerStatus.TRUSTED if vouched else PeerStatus.PENDING,
        confirmed_at=timezone.now() if vouched else None,
        vouched_by=vouched_by if vouched else None,
        batch_inbox_url=_batch_inbox(url.strip().rstrip("/"), document),
    )
    _store_keys(peer, document)
    _sync_organisations(peer, document)
    audit.record(
        ExchangeAction.PEER_ADDED,
        origin=origin,
        obj=peer,
        details={
            "url": peer.base_url,
            "fingerprint": peer.fingerprint,
            "vouched_by": vouched_by.node_id if vouched else None,
        },
    )
    return peer


@transaction.atomic
def confirm_peer(peer: Peer, typed_fingerprint: str, *, origin: Origin) -> Peer:
    """Trust a pending peer once the fingerprint read out of band matches."""
    _require_admin(origin)
    wanted = keys.readable(peer.fingerprint).replace(" ", "")
    typed = "".join(typed_fingerprint.split()).upper()
    if typed not in (wanted, peer.fingerprint.upper()):
        raise ValidationError(
            {"fingerprint": _("The fingerprint does not match the node's key: do not trust it.")}
        )
    peer.status = PeerStatus.TRUSTED
    peer.confirmed_by = origin.actor
    peer.confirmed_at = timezone.now()
    peer.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(
        ExchangeAction.PEER_CONFIRMED,
        origin=origin,
        obj=peer,
        details={"fingerprint": peer.fingerprint},
    )
    return peer


@transaction.atomic
def suspend_peer(peer: Peer, *, origin: Origin, reason: str) -> Peer:
    _require_admin(origin)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the node is no longer heard.")})
    peer.status = PeerStatus.SUSPENDED
    peer.save(update_fields=["status"])
    audit.record(ExchangeAction.PEER_SUSPENDED, origin=origin, obj=peer, reason=reason)
    return peer


@transaction.atomic
def revoke_peer_key(peer_key: PeerKey, *, origin: Origin, reason: str) -> None:
    """Refuse a peer's key from now on (it was reported lost or stolen)."""
    _require_admin(origin)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the key is revoked.")})
    peer_key.revoked_at = timezone.now()
    peer_key.save(update_fields=["revoked_at"])
    audit.record(
        ExchangeAction.KEY_REVOKED,
        origin=origin,
        obj=peer_key.peer,
        reason=reason,
        details={"kid": peer_key.kid},
    )


def _batch_inbox(base_url: str, document: dict) -> str:
    """The batch inbox the peer's document announces, if it is on the peer's own address
    (a document never sends our messages elsewhere); "" for a node of protocol 1 only."""
    url = document.get("batchInbox")
    if isinstance(url, str) and url.startswith(base_url.rstrip("/") + "/") and len(url) <= 300:
        return url
    return ""


def _store_keys(peer: Peer, document: dict) -> None:
    revoked = set(document.get("revoked") or [])
    now = timezone.now()
    listed = set()
    for jwk in document.get("keys", []):
        kid, use = jwk.get("kid"), jwk.get("use")
        if not isinstance(kid, str) or use not in KeyUse.values:
            continue
        public = {k: v for k, v in jwk.items() if k != "status"}
        listed.add(kid)
        key, created = PeerKey.objects.get_or_create(
            peer=peer,
            kid=kid,
            defaults={"use": use, "public_jwk": public, "thumbprint": keys.thumbprint(public)},
        )
        if not created and key.public_jwk != public:
            # A kid never changes its key: a document that says otherwise is not believed.
            raise PeerProblem(_("The node changed the key behind %(kid)s.") % {"kid": kid})
        retired = jwk.get("status") == "retired"
        if retired and key.retired_at is None:
            PeerKey.objects.filter(pk=key.pk).update(retired_at=now)
    PeerKey.objects.filter(peer=peer, kid__in=revoked, revoked_at=None).update(revoked_at=now)
    # A key no longer published is no longer stood by.
    PeerKey.objects.filter(peer=peer, revoked_at=None).exclude(kid__in=listed).update(
        revoked_at=now
    )
    current_signing = [
        k for k in document.get("keys", [])
        if k.get("use") == KeyUse.SIGNING and k.get("status") == "current"
    ]  # fmt: skip
    if current_signing:
        peer.fingerprint = keys.thumbprint(
            {k: v for k, v in current_signing[0].items() if k != "status"}
        )
    peer.keys_refreshed_at = now
    peer.save(update_fields=["fingerprint", "keys_refreshed_at"])


def _sync_organisations(peer: Peer, document: dict) -> None:
    for entry in document.get("organisations", []):
        remote_id = str(entry.get("id", ""))[:64]
        name = str(entry.get("name", ""))[:200]
        country = Country.objects.filter(code=entry.get("country") or "").first()
        if not remote_id or not name:
            continue
        link = RemoteOrganisation.objects.filter(peer=peer, remote_id=remote_id).first()
        if link is not None:
            continue
        organisation = Organisation.objects.filter(name=name, country=country).first()
        if organisation is not None and (
            hasattr(organisation, "remote")
            or hosted_organisations().filter(pk=organisation.pk).exists()
        ):
            # Never let a peer's document claim an organisation this node hosts.
            continue
        if organisation is None:
            kind = entry.get("kind") or "national_centre"
            if country is None and kind != "international":
                continue
            organisation = Organisation.objects.create(name=name, kind=kind, country=country)
        try:
            with transaction.atomic():
                RemoteOrganisation.objects.create(
                    organisation=organisation, peer=peer, remote_id=remote_id
                )
        except IntegrityError:
            continue


REFRESH_AT_MOST_EVERY = timedelta(seconds=30)


def refresh_peer(peer: Peer, *, force: bool = False) -> bool:
    """Learn the peer's current keys and organisations from its key document, trusting it only
    if a key we already hold for the peer signed it. Returns whether it was fetched."""
    recent = peer.keys_refreshed_at and timezone.now() - peer.keys_refreshed_at < (
        REFRESH_AT_MOST_EVERY
    )
    if recent and not force:
        return False
    trusted = {
        key.kid: OKPKey.import_key(key.public_jwk)
        for key in peer.keys.filter(use=KeyUse.SIGNING, revoked_at=None)
    }
    document = _verified_document(_fetch(peer.base_url + WELL_KNOWN_PATH), trusted)
    if document.get("node") != peer.node_id:
        raise PeerProblem(_("The node at that address is now another node."))
    with transaction.atomic():
        batch_inbox = _batch_inbox(peer.base_url, document)
        if batch_inbox != peer.batch_inbox_url:
            peer.batch_inbox_url = batch_inbox
            peer.save(update_fields=["batch_inbox_url"])
        _store_keys(peer, document)
        _sync_organisations(peer, document)
        audit.record(
            ExchangeAction.PEER_REFRESHED,
            obj=peer,
            details={"fingerprint": peer.fingerprint, "kids": sorted(trusted)},
        )
    return True


# --- The regional directory ----------------------------------------------------------------


def directory_document() -> dict:
    """The nodes this node trusts, as the regional centre publishes them, signed."""
    entries = [
        {"node": p.node_id, "name": p.name, "url": p.base_url, "fingerprint": p.fingerprint}
        for p in Peer.objects.filter(status=PeerStatus.TRUSTED).order_by("node_id")
    ]
    document = {"protocol": PROTOCOL, "publisher": node_id(), "nodes": entries,
                "issued_at": timezone.now().isoformat()}  # fmt: skip
    body = _canonical(document)
    signing = keys.current(KeyUse.SIGNING)
    signature = jws.serialize_compact(
        {"alg": SIGNING_ALGORITHM, "kid": signing.kid},
        body,
        keys.private_key(signing),
        algorithms=[SIGNING_ALGORITHM],
    )
    return {"document": document, "signatures": [signature]}


def import_directory(publisher: Peer, *, origin: Origin) -> list[Peer]:
    """Add the nodes listed in a trusted node's directory; each is trusted at once when the
    key it serves has the fingerprint the directory vouches for, else left pending."""
    _require_admin(origin)
    if not publisher.is_trusted:
        raise ValidationError({"peer": _("Only a trusted node's directory is read.")})
    trusted = {
        key.kid: OKPKey.import_key(key.public_jwk)
        for key in publisher.keys.filter(use=KeyUse.SIGNING, revoked_at=None)
    }
    try:
        document = _verified_document(_fetch(publisher.base_url + DIRECTORY_PATH), trusted)
    except PeerProblem as problem:
        raise ValidationError({"peer": str(problem)}) from None
    added = []
    for entry in document.get("nodes", []):
        if entry.get("node") in (node_id(), publisher.node_id):
            continue
        if Peer.objects.filter(node_id=entry.get("node")).exists():
            continue
        try:
            added.append(
                add_peer(
                    entry.get("url", ""),
                    origin=origin,
                    vouched_by=publisher,
                    fingerprint=entry.get("fingerprint"),
                )
            )
        except ValidationError:
            continue
    return added
