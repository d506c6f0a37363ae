"""What a test asks of a node, run inside it by node_driver: the same service calls a
person's request would make, and reads of what the node holds."""

import json

from django.utils import timezone

from seec.core.audit import Origin
from seec.core.models import Country, Organisation, OrganisationKind, Role, RoleCode, User
from seec.exchange import keys, nodes, services
from seec.exchange.models import (
    InboundMessage,
    OutboundMessage,
    RefusedMessage,
    RemoteOrganisation,
)

PASSWORD = "seec-node-test"
HOTLINE = {"GR": "116 000 Greece", "RS": "116 000 Serbia", "MK": "116 000 North Macedonia",
           "AL": "116 000 Albania"}  # fmt: skip
POLICE = {"GR": "Hellenic Police", "RS": "Police of Serbia", "MK": "Police of North Macedonia",
          "AL": "Albanian State Police"}  # fmt: skip
# Albania's node also hosts its social services: the agency a child's return is handed to.
SOCIAL_SERVICES = {"AL": "State Social Service of Albania"}


def _user(username, organisation, *roles):
    user, _created = User.objects.get_or_create(
        username=username, defaults={"organisation": organisation, "email": f"{username}@x.org"}
    )
    user.set_password(PASSWORD)
    user.save()
    user.roles.set(Role.objects.filter(code__in=roles))
    return user


def setup_node(country):
    if country == "INT":
        return _setup_regional_node()
    cc = country.lower()
    hotline, _ = Organisation.objects.get_or_create(
        name=HOTLINE[country], country=Country.objects.get(code=country),
        defaults={"kind": OrganisationKind.NATIONAL_CENTRE},
    )  # fmt: skip
    police, _ = Organisation.objects.get_or_create(
        name=POLICE[country], country=Country.objects.get(code=country),
        defaults={"kind": OrganisationKind.POLICE},
    )  # fmt: skip
    _user(f"admin.{cc}", hotline, RoleCode.ADMINISTRATOR)
    _user(f"manager.{cc}", hotline, RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR)
    _user(f"operator.{cc}", hotline, RoleCode.HOTLINE_OPERATOR)
    _user(f"police.{cc}", police, RoleCode.LIAISON_OFFICER, RoleCode.ALERT_AUTHORITY)
    if country in SOCIAL_SERVICES:
        social, _ = Organisation.objects.get_or_create(
            name=SOCIAL_SERVICES[country], country=Country.objects.get(code=country),
            defaults={"kind": OrganisationKind.MINISTRY},
        )  # fmt: skip
        _user(f"social.{cc}", social, RoleCode.CASE_MANAGER)
    keys.ensure_keys()
    return {"hotline": hotline.pk, "police": police.pk}


def _setup_regional_node():
    seec, _ = Organisation.objects.get_or_create(
        name="SEEC", country=None, defaults={"kind": OrganisationKind.INTERNATIONAL}
    )
    _user("admin.seec", seec, RoleCode.ADMINISTRATOR)
    keys.ensure_keys()
    return {"seec": seec.pk}


def import_directory(node_id):
    from seec.exchange.models import Peer

    added = nodes.import_directory(Peer.objects.get(node_id=node_id), origin=_admin())
    return sorted(peer.node_id for peer in added if peer.is_trusted)


def revoke_peer_signing_key(node_id):
    from seec.exchange.models import PeerKey

    for key in PeerKey.objects.filter(peer__node_id=node_id, use="sig", revoked_at=None):
        nodes.revoke_peer_key(key, origin=_admin(), reason="Reported stolen.")


def _as(username):
    return Origin(actor=User.objects.get(username=username))


def _admin():
    return _as(User.objects.filter(roles__code=RoleCode.ADMINISTRATOR).first().username)


def fingerprint():
    return keys.node_fingerprint()


def readable_fingerprint():
    return keys.readable(keys.node_fingerprint())


def add_peer(url, fingerprint):
    peer = nodes.add_peer(url, origin=_admin())
    nodes.confirm_peer(peer, fingerprint, origin=_admin())
    return peer.node_id


def organisation_id(name):
    return Organisation.objects.get(name=name).pk


def ping(to, note="", username=None, sender=None):
    origin = _as(username) if username else _admin()
    sent = services.send(
        Organisation.objects.get(name=to),
        "exchange.ping",
        {"written_at": timezone.now().isoformat(), "note": note},
        sender=Organisation.objects.get(name=sender) if sender else origin.actor.organisation,
        origin=origin,
        status="Test",
    )
    return sent.message.distribution_id if sent.message else None


def ping_many(to, count, note=""):
    origin = _admin()
    recipient = Organisation.objects.get(name=to)
    ids = []
    for i in range(count):
        sent = services.send(
            recipient, "exchange.ping",
            {"written_at": timezone.now().isoformat(), "note": f"{note}{i}"},
            sender=origin.actor.organisation, origin=origin, status="Test",
        )  # fmt: skip
        ids.append(sent.message.distribution_id)
    return ids


def outbox(distribution_id):
    m = OutboundMessage.objects.get(distribution_id=distribution_id)
    return {"state": m.state, "attempts": m.attempts, "receipt": bool(m.receipt),
            "error": m.last_error}  # fmt: skip


def outbox_states():
    from django.db.models import Count

    rows = OutboundMessage.objects.values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def inbox_notes(payload_type="exchange.ping"):
    return sorted(
        m.payload.get("note", "") for m in InboundMessage.objects.filter(payload_type=payload_type)
    )


def inbox_count(payload_type=None):
    rows = InboundMessage.objects.all()
    if payload_type:
        rows = rows.filter(payload_type=payload_type)
    return rows.count()


def refusals():
    return [
        {"code": r.code, "error": r.error, "distribution_id": r.distribution_id}
        for r in RefusedMessage.objects.order_by("pk")
    ]


def chained_actions(prefix="exchange."):
    """The actions in the audit chain itself (staged ones not yet chained left out)."""
    from seec.core.models import AuditEvent

    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def audit_actions(prefix="exchange."):
    """The actions audited, in the order they happened: those chained, and those staged and
    not chained yet (a message received is staged, chained by the worker within a second)."""
    from seec.core.models import AuditEvent, StagedRead

    events = [
        (at, 0, number, action)
        for number, (at, action) in enumerate(
            AuditEvent.objects.filter(action__startswith=prefix)
            .order_by("sequence")
            .values_list("occurred_at", "action")
        )
    ]
    events += [
        (at, 1, pk, action)
        for pk, at, action in StagedRead.objects.filter(action__startswith=prefix).values_list(
            "pk", "occurred_at", "action"
        )
    ]
    return [event[-1] for event in sorted(events)]


def remote_organisations():
    return sorted(
        f"{r.peer.node_id}:{r.organisation.name}" for r in RemoteOrganisation.objects.all()
    )


def rotate_keys():
    keys.rotate()
    return keys.node_fingerprint()


# --- Bad input, crafted inside a node (it holds the keys a real sender would) ----------------


def _crafted(
    to, *, payload=None, expires=None, recipient_address=None, signing=None,
    payload_type="exchange.ping", sender=None, conversation=None, sequence=1,
):  # fmt: skip
    """A distribution as delivery.seal_request would write it, with one thing changed."""
    import uuid
    from datetime import timedelta

    from joserfc.jwk import OKPKey

    from seec.exchange import envelope, httpsig
    from seec.exchange.models import KeyUse, PeerKey

    recipient = RemoteOrganisation.objects.get(organisation__name=to)
    now = timezone.now()
    routing = envelope.Routing(
        distribution_id=f"{nodes.node_id()}_{uuid.uuid4()}",
        sender_node=nodes.node_id(),
        sent_at=now,
        expires_at=expires or now + timedelta(hours=1),
        status="Test",
        kind="Report",
        handling="H2",
        payload_type=payload_type,
        conversation=conversation or f"{nodes.node_id()}_{uuid.uuid4().hex}",
        sequence=sequence,
        sender_address=nodes.address_of(
            Organisation.objects.get(name=sender)
            if sender
            else Organisation.objects.filter(remote=None, country__isnull=False).first()
        ),
        recipient_address=recipient_address or recipient.address,
    )
    encryption = PeerKey.objects.filter(
        peer=recipient.peer, use=KeyUse.ENCRYPTION, retired_at=None, revoked_at=None
    ).latest("first_seen_at")
    if signing is None:
        node_key = keys.current(KeyUse.SIGNING)
        signing = (keys.private_key(node_key), node_key.kid)
    document = envelope.seal(
        routing,
        payload if payload is not None else {"written_at": now.isoformat(), "note": "crafted"},
        signing_key=signing[0], signing_kid=signing[1],
        recipient_key=OKPKey.import_key(encryption.public_jwk), recipient_kid=encryption.kid,
    )  # fmt: skip
    return recipient.peer, routing, document, signing, httpsig


def _post(peer, body: bytes, signing, httpsig, *, tamper_after_signing=None, url=None):
    import httpx

    url = url or peer.inbox_url
    request = httpsig.OutgoingRequest("POST", url, {"Content-Type": "application/json"})
    httpsig.sign(request, body, private_key=signing[0].private_key, kid=signing[1])
    if tamper_after_signing:
        body = tamper_after_signing(body)
    response = httpx.post(url, content=body, headers=request.headers, timeout=30)
    return request, {"status": response.status_code, **response.json()}


def _bad_cap_payload():
    """A cross-border alert request whose CAP message is invalid: its schema holds, its
    handler refuses it."""
    return {
        "reference": "GR-BAD", "reason": "x", "tier": "child_alert", "exercise": True,
        "criteria_preset": "eu", "criteria": {},
        "cap": "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'>" + " " * 60 + "</alert>",
        "child": {"given_names": "X", "sex": "female", "category": "criminal_abduction",
                  "last_seen_at": timezone.now().isoformat(), "last_seen_place": "Kavala"},
    }  # fmt: skip


def attack(kind, to):
    """Send one bad distribution of `kind` to the organisation `to`; returns the answers."""
    import json
    from datetime import timedelta

    import httpx
    from joserfc.jwk import OKPKey

    def dumps(document):
        return json.dumps(document).encode()

    if kind == "unknown_node":
        stranger = OKPKey.generate_key("Ed25519", private=True)
        peer, _r, document, signing, httpsig = _crafted(to, signing=(stranger, "stranger-sig-1"))
        return [_post(peer, dumps(document), signing, httpsig)[1]]
    if kind == "expired":
        peer, _r, document, signing, httpsig = _crafted(
            to, expires=timezone.now() - timedelta(minutes=1)
        )
        return [_post(peer, dumps(document), signing, httpsig)[1]]
    if kind == "not_hosted":
        peer, _r, document, signing, httpsig = _crafted(
            to, recipient_address=RemoteOrganisation.objects.get(
                organisation__name=to).peer.node_id + ":999999"
        )  # fmt: skip
        return [_post(peer, dumps(document), signing, httpsig)[1]]
    if kind == "schema":
        peer, _r, document, signing, httpsig = _crafted(to, payload={"note": 42})
        return [_post(peer, dumps(document), signing, httpsig)[1]]
    if kind == "malformed":
        peer, _r, _document, signing, httpsig = _crafted(to)
        return [_post(peer, b'{"distributionID": ', signing, httpsig)[1]]
    if kind == "tampered_body":
        peer, _r, document, signing, httpsig = _crafted(to)
        swapped = _post(
            peer, dumps(document), signing, httpsig,
            tamper_after_signing=lambda body: body.replace(b"Test", b"Actual", 1),
        )  # fmt: skip
        return [swapped[1]]
    if kind == "tampered_content":
        # The HTTP signature is made over the tampered body: only the content's own
        # encryption and signature can tell.
        peer, _r, document, signing, httpsig = _crafted(to)
        content = document["content"][0]["contentObject"]
        text = content["encryptedContent"]
        middle = len(text) // 2
        content["encryptedContent"] = (
            text[:middle] + ("A" if text[middle] != "A" else "B") + (text[middle + 1 :])
        )
        return [_post(peer, dumps(document), signing, httpsig)[1]]
    if kind == "readdressed":
        # A genuine signed content put under another distribution's routing.
        peer, _r, document, signing, httpsig = _crafted(to)
        document["distributionID"] = document["distributionID"][:-4] + "beef"
        return [_post(peer, dumps(document), signing, httpsig)[1]]
    if kind == "replay":
        peer, _r, document, signing, httpsig = _crafted(to)
        body = dumps(document)
        request, first = _post(peer, body, signing, httpsig)
        again = httpx.post(peer.inbox_url, content=body, headers=request.headers, timeout=30)
        return [first, {"status": again.status_code, **again.json()}]
    if kind == "oversized":
        from django.conf import settings

        peer, _r, document, signing, httpsig = _crafted(
            to, payload={"written_at": timezone.now().isoformat(), "note": "x" * 3000}
        )
        document["padding"] = "x" * (settings.SEEC_EXCHANGE_MAX_BODY_BYTES + 10)
        return [_post(peer, dumps(document), signing, httpsig)[1]]
    if kind == "bad_cap":
        peer, _routing, document, signing, httpsig = _crafted(
            to, payload=_bad_cap_payload(), payload_type="alert.request"
        )
        return [_post(peer, dumps(document), signing, httpsig)[1]]
    if kind.startswith("sighting_"):
        # A sighting from the police, whom the alert was carried to: one thing wrong in each.
        return [
            _post(*_sighting_crafted(to, kind, fields, dumps))[1]
            for fields in SIGHTING_ATTACKS[kind]
        ]
    raise ValueError(kind)


SIGHTING_ATTACKS = {
    "sighting_unknown_alert": [{"alert_reference": "GR-FFFFFF"}],
    "sighting_schema": [{"place": 7, "reference": "nope", "photo": "iVBORw0KGgo="}],
    "sighting_markup": [{"what_was_seen": "<script>alert(1)</script>"},
                        {"contact": {"email": "ana@"}}],
}  # fmt: skip


def _sighting_crafted(to, kind, fields, dumps):
    from seec.exchange.models import CrossBorderAlert

    carried = CrossBorderAlert.objects.filter(side="received").latest("pk")
    payload = {
        "reference": "R-ABCD-2345", "alert_reference": carried.original_reference,
        "what_was_seen": "A girl in a red coat.", "place": "Niš bus station",
        "received_at": timezone.now().isoformat(), "photo_on_sending_node": False, **fields,
    }  # fmt: skip
    peer, _routing, document, signing, httpsig = _crafted(
        to, payload=payload, payload_type="sighting.report", sender=carried.organisation.name
    )
    return peer, dumps(document), signing, httpsig


def delivered_count(ids):
    return OutboundMessage.objects.filter(distribution_id__in=ids, state="delivered").count()


def outbox_of(ids):
    rows = OutboundMessage.objects.filter(distribution_id__in=ids)
    return {
        "pending": rows.filter(state="pending").count(),
        "min_attempts": min((m.attempts for m in rows), default=0),
        "states": sorted({m.state for m in rows}),
    }


def notes_received(prefix):
    """How many times each note starting with `prefix` was received."""
    counts = {}
    for m in InboundMessage.objects.filter(payload_type="exchange.ping"):
        note = m.payload.get("note", "")
        if note.startswith(prefix):
            counts[note] = counts.get(note, 0) + 1
    return counts


def peer_fingerprint(node_id):
    from seec.exchange.models import Peer

    return Peer.objects.get(node_id=node_id).fingerprint


# --- Referrals ------------------------------------------------------------------------------


def open_case(username, given_names="Марија", family_name="Ђорђевић"):
    from datetime import timedelta

    from seec.cases import services as case_services

    case = case_services.open_case(
        origin=_as(username),
        fields={
            "given_names": given_names, "family_name": family_name, "sex": "female",
            "age_estimate": 14, "category": "runaway",
            "last_seen_at": timezone.now() - timedelta(hours=6),
            "last_seen_place": "Thessaloniki, bus station",
        },
    )  # fmt: skip
    return case.number


def refer(username, case_number, to, mode="copy", pseudonymise=False):
    from seec.cases.models import Case
    from seec.exchange import referrals

    referral = referrals.refer_case(
        Case.objects.get(number=case_number), Organisation.objects.get(name=to),
        origin=_as(username), mode=mode, pseudonymise=pseudonymise,
        reason="The child may have crossed into your country.", consent_basis="parent",
        consent_note="The mother agreed in writing.",
    )  # fmt: skip
    return referral.conversation


def referral(conversation):
    from seec.exchange.models import Referral

    r = Referral.objects.filter(conversation=conversation).first()
    if r is None:
        return None
    return {
        "pk": r.pk, "side": r.side, "status": r.status, "preview": r.preview, "copy": r.copy,
        "sealed": r.is_sealed, "case": r.case.number if r.case else None,
        "updates": [(u.outgoing, u.note) for u in r.updates.all()],
        "case_status": r.case.status if r.case else None,
    }  # fmt: skip


def answer_referral(username, conversation, accept=True, reason=""):
    from seec.exchange import referrals
    from seec.exchange.models import Referral

    r = Referral.objects.get(conversation=conversation)
    if accept:
        referrals.accept_referral(r, origin=_as(username))
    else:
        referrals.decline_referral(r, origin=_as(username), reason=reason)


def update_referral(username, conversation, note, include_case=False):
    from seec.exchange import referrals
    from seec.exchange.models import Referral

    referrals.send_referral_update(
        Referral.objects.get(conversation=conversation), origin=_as(username), note=note,
        include_case=include_case,
    )  # fmt: skip


def withdraw_referral(username, conversation, reason):
    from seec.exchange import referrals
    from seec.exchange.models import Referral

    referrals.withdraw_referral(
        Referral.objects.get(conversation=conversation), origin=_as(username), reason=reason
    )


# --- Requests for cooperation ------------------------------------------------------------------


def request_cooperation(username, to, deadline_hours=48, kind="yellow_notice"):
    from datetime import timedelta

    from seec.exchange import cooperation

    facts = {
        "child": {"name": "Марија Ђорђевић", "sex": "female", "age": 14},
        "disappearance": {"date": "2026-11-28", "place": "Thessaloniki"},
    }
    request = cooperation.request_cooperation(
        Organisation.objects.get(name=to), origin=_as(username), kind=kind,
        question="Did the child cross into Serbia?", facts=facts, handling="H1",
        reliability="B", accuracy="2",
        deadline=timezone.now() + timedelta(hours=deadline_hours),
    )  # fmt: skip
    return request.conversation


def cooperation_request(conversation):
    from seec.exchange.models import CooperationRequest

    r = CooperationRequest.objects.filter(conversation=conversation).first()
    if r is None:
        return None
    return {"side": r.side, "status": r.status, "answer": r.answer, "handling": r.handling,
            "reliability": r.reliability, "accuracy": r.accuracy, "facts": r.facts}  # fmt: skip


def answer_cooperation(username, conversation, answer):
    from seec.exchange import cooperation
    from seec.exchange.models import CooperationRequest

    cooperation.answer_cooperation(
        CooperationRequest.objects.get(conversation=conversation), origin=_as(username),
        answer=answer, reliability="A", accuracy="1",
    )  # fmt: skip


def escalate_overdue(hours_ahead=0):
    from datetime import timedelta

    from seec.exchange import cooperation

    return cooperation.escalate_overdue(now=timezone.now() + timedelta(hours=hours_ahead))


# --- Child alerts across nodes ----------------------------------------------------------------


def issue_alert(manager, authority):
    """A Greek abduction case, its alert requested by the manager and approved (issued)."""
    from datetime import timedelta

    from seec.alerts import criteria
    from seec.alerts import services as alert_services
    from seec.cases import services as case_services

    case = case_services.open_case(
        origin=_as(manager),
        fields={"given_names": "Ελένη", "family_name": "Παπαδοπούλου", "sex": "female",
                "age_estimate": 9, "category": "criminal_abduction",
                "last_seen_at": timezone.now() - timedelta(hours=2),
                "last_seen_place": "Thessaloniki, Aristotelous square"},
    )  # fmt: skip
    answers = {c.code: {"met": True, "evidence": "Police report 12/2026"}
               for c in criteria.PRESETS["eu"]}  # fmt: skip
    alert = alert_services.request_alert(
        case, origin=_as(manager), answers=answers, area_description="Central Macedonia",
        circle=(40.64, 22.94, 50),
    )  # fmt: skip
    alert = alert_services.approve_alert(alert, origin=_as(authority))
    return alert.reference


def alert_across(username, reference, country):
    """The alerts app's own cross-border request, as its page makes it."""
    from seec.alerts import services as alert_services
    from seec.alerts.models import Alert

    across = alert_services.request_cross_border(
        Alert.objects.get(reference=reference), origin=_as(username), country_id=country,
        reason="The car was seen heading to the Serbian border.",
    )  # fmt: skip
    return across.conversation


def crossborder(conversation):
    from seec.exchange.models import CrossBorderAlert

    across = CrossBorderAlert.objects.filter(conversation=conversation).first()
    if across is None:
        return None
    return {"side": across.side, "status": across.status, "alert": across.alert.reference,
            "alert_status": across.alert.status, "their_cap": bool(across.their_cap),
            "child": across.alert.case.given_names}  # fmt: skip


def decide_alert(username, reference, approve=True):
    from seec.alerts import services as alert_services
    from seec.alerts.models import Alert

    alert = Alert.objects.get(reference=reference)
    if approve:
        alert_services.approve_alert(alert, origin=_as(username))
    else:
        alert_services.reject_alert(alert, origin=_as(username), reason="Not in our country.")


def cancel_alert(username, reference):
    from seec.alerts import services as alert_services
    from seec.alerts.models import Alert

    alert_services.cancel_alert(
        Alert.objects.get(reference=reference), origin=_as(username), reason="Child found."
    )


def case_pk(number):
    from seec.cases.models import Case

    return Case.objects.get(number=number).pk


# --- For bench/exchange_throughput -------------------------------------------------------------


def produce(to, rate, seconds, note="", batch=10, size=600, threads=1):
    """Write messages to the outbox at `rate` a second for `seconds`, `batch` per transaction
    (as many steps commit at once on a busy node), from `threads` threads side by side (as
    several web workers each write their requests' messages); returns their distribution
    ids, in the order written."""
    import threading
    import time as clock

    from django.db import connection, transaction

    origin = _admin()
    recipient = Organisation.objects.get(name=to)
    sender = origin.actor.organisation
    filler = "x" * size
    start = clock.monotonic()
    written: list[list[tuple[float, str]]] = [[] for _ in range(threads)]
    failures = []

    def write(lane: int) -> None:
        made = 0
        try:
            while clock.monotonic() - start < seconds:
                with transaction.atomic():
                    for _ in range(batch):
                        number = made * threads + lane
                        sent = services.send(
                            recipient, "exchange.ping",
                            {"written_at": timezone.now().isoformat(),
                             "note": f"{note}{number} {filler}"},
                            sender=sender, origin=origin, status="Test",
                        )  # fmt: skip
                        written[lane].append((clock.monotonic(), sent.message.distribution_id))
                        made += 1
                # This thread's share of the rate: its next message is due at this moment.
                ahead = made * threads / rate - (clock.monotonic() - start)
                if ahead > 0:
                    clock.sleep(ahead)
        except Exception as error:  # reported to the caller, not lost in the thread
            failures.append(error)
        finally:
            connection.close()

    if threads == 1:
        write(0)
    else:
        workers = [threading.Thread(target=write, args=(lane,)) for lane in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    if failures:
        raise failures[0]
    return [distribution for _at, distribution in sorted(row for lane in written for row in lane)]


def delivery_figures(ids):
    """Per delivered message, outbox→receipt seconds; and the span of deliveries."""
    rows = list(
        OutboundMessage.objects.filter(distribution_id__in=ids, state="delivered").values_list(
            "created_at", "delivered_at"
        )
    )
    latencies = [(done - made).total_seconds() for made, done in rows]
    first = min((made for made, _done in rows), default=None)
    last = max((done for _made, done in rows), default=None)
    return {
        "delivered": len(rows),
        "latencies": latencies,
        "span": (last - first).total_seconds() if rows else 0,
    }


def received_notes_count(prefix):
    """How many distinct notes with `prefix` arrived, and how many inbox rows hold them."""
    rows = InboundMessage.objects.filter(
        payload_type="exchange.ping", payload__note__startswith=prefix
    )
    notes = [m.payload["note"].split(" ", 1)[0] for m in rows.only("payload")]
    return {"rows": len(notes), "distinct": len(set(notes))}


# --- Protection: identifiers compared by keyed hashes under a police units' agreement ----------


def police_agreement(username, partner, key=None):
    """An agreement of the user's police unit with `partner` (a police unit on another node);
    the key made (to hand to the partner) when none is given."""
    from datetime import timedelta

    from seec.linkage import services as linkage

    today = timezone.localdate()
    agreement, made = linkage.create_agreement(
        origin=_as(username), partner_organisation=Organisation.objects.get(name=partner),
        partner_name="", partner_country="", purpose="Trafficking investigations: payment traces",
        valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=365), key=key,
    )  # fmt: skip
    return {"pk": agreement.pk, "key": made}


def record_trace(username, kind, value, person_name):
    """A person of interest of the user's unit and one identifier on them."""
    from datetime import timedelta

    from seec.protection import intelligence, tracing

    today = timezone.localdate()
    person = intelligence.open_person(
        origin=_as(username),
        fields={"role": "trafficker", "name": person_name, "review_on": today,
                "retain_until": today + timedelta(days=365)},
    )  # fmt: skip
    identifier = tracing.record_identifier(
        origin=_as(username), kind=kind, value=value, person=person
    )
    return {"pk": identifier.pk, "person": person.reference, "key_hash": identifier.key_hash}


def send_traces(username, agreement):
    from seec.linkage.models import MatchingAgreement
    from seec.protection import identifiers_across

    return identifiers_across.send_identifier_hashes(
        MatchingAgreement.objects.get(pk=agreement), origin=_as(username)
    )


def remote_identifier_matches():
    from seec.protection.models import RemoteIdentifierMatch

    return sorted(RemoteIdentifierMatch.objects.values_list("identifier_id", flat=True))


def notices_given():
    from seec.core.models import Notification

    return [
        {"user": n.user.username, "subject": n.subject, "link": n.link}
        for n in Notification.objects.select_related("user").order_by("pk")
    ]


def payloads_received(payload_type):
    """The payloads of a type this node received, as they came, and whether they applied."""
    return [
        {"payload": json.dumps(m.payload), "state": m.state, "error": m.error}
        for m in InboundMessage.objects.filter(payload_type=payload_type).order_by("pk")
    ]


# --- Protection: a child's safe return, its steps asked of agencies on another node -----------


def repatriation_plan(username, social_services, consulate):
    """A Greek child victim from Albania and an approved plan of return whose family
    assessment, hand-over, reception and follow-up visits are owned by `social_services` (on
    another node), the travel documents by a consulate off the platform, the escort by the
    Greek police."""
    from datetime import timedelta

    from seec.protection import repatriation, services
    from seec.protection.agreements import repatriation_agreements
    from seec.protection.models import StepKind

    origin = _as(username)
    today = timezone.localdate()
    albania = Country.objects.get(code="AL")
    victim = services.open_victim(origin=origin, fields={
        "reported_by": "info_desk", "met_on": today - timedelta(days=20),
        "given_names": "Arta", "family_name": "Hoxha", "sex": "female", "age_estimate": 14,
        "exploitation": "forced_begging", "citizenship": albania,
    })  # fmt: skip
    plan = repatriation.open_plan(
        victim, origin=origin, destination=albania,
        agreement=repatriation_agreements("GR", "AL")[0].title,
    )  # fmt: skip
    social = Organisation.objects.get(name=social_services)
    police = Organisation.objects.get(name=POLICE["GR"])
    soon = today + timedelta(days=10)
    for kind, owner, owner_name in [
        (StepKind.FAMILY_ASSESSMENT, social, ""),
        (StepKind.TRAVEL_DOCUMENTS, None, consulate),
        (StepKind.ESCORT, police, ""),
        (StepKind.HANDOVER, social, ""),
        (StepKind.RECEPTION, social, ""),
    ]:
        repatriation.add_step(
            plan, origin=origin, kind=kind, due_on=soon, owner=owner, owner_name=owner_name
        )
    repatriation.add_follow_ups(plan, origin=origin)
    return plan.pk


def plan_state(plan):
    from seec.protection.models import RepatriationPlan

    plan = RepatriationPlan.objects.get(pk=plan)
    return {
        "status": plan.status,
        "family_assessment": plan.family_assessment,
        "steps": [
            {"kind": s.kind, "status": s.status, "owner": s.owner.name if s.owner else "",
             "conversation": s.conversation}
            for s in plan.steps.select_related("owner").order_by("position")
        ],
    }  # fmt: skip


def request_step(username, plan, kind):
    from seec.protection import repatriation
    from seec.protection.models import RepatriationStep

    step = RepatriationStep.objects.get(plan_id=plan, kind=kind)
    return repatriation.request_step(step, origin=_as(username)).conversation


def approve_plan(username, plan):
    from seec.protection import repatriation
    from seec.protection.models import RepatriationPlan

    origin, today = _as(username), timezone.localdate()
    plan = RepatriationPlan.objects.get(pk=plan)
    repatriation.update_plan(plan, origin=origin, fields={
        "best_interests": "Return to the mother, with services in Elbasan.",
        "best_interests_by": "Best-interests panel", "best_interests_on": today,
        "return_risk": "low", "risk_assessment": "The exploiters are prosecuted in Greece.",
        "child_views": "Wants to go home to her mother.", "child_heard_on": today,
    })  # fmt: skip
    return repatriation.decide_plan(plan, origin=origin, approve=True).status


def record_step_answer(username, plan, kind, by):
    from seec.protection import repatriation
    from seec.protection.models import RepatriationStep

    step = RepatriationStep.objects.get(plan_id=plan, kind=kind)
    return repatriation.record_step_answer(step, origin=_as(username), confirmed=True, by=by).status


def step_assignments():
    from seec.protection.models import StepAssignment

    return [
        {"conversation": a.conversation, "kind": a.kind, "child": a.child_name,
         "status": a.status, "organisation": a.organisation.name}
        for a in StepAssignment.objects.select_related("organisation").order_by("pk")
    ]  # fmt: skip


def answer_step(username, conversation, note=""):
    from seec.protection import repatriation
    from seec.protection.models import StepAssignment

    assignment = StepAssignment.objects.get(conversation=conversation)
    return repatriation.answer_assignment(
        assignment, origin=_as(username), confirm=True, note=note
    ).status


# --- Sightings from the public about an alert carried across nodes ----------------------------


def live_alert_of(reference):
    """This node's own alert made from another node's request for `reference`."""
    from seec.exchange.models import CrossBorderAlert

    across = CrossBorderAlert.objects.get(original_reference=reference, side="received")
    return across.alert.reference


def triage_queue(username):
    """The reports in the user's triage queue, as the queue's page lists them."""
    from seec.core import policy
    from seec.portal.models import PublicReport

    user = User.objects.get(username=username)
    rows = policy.visible_to(user, PublicReport).select_related("alert").order_by("received_at")
    queue = []
    for report in rows:
        across = getattr(report, "across_nodes", None)
        queue.append({
            "reference": report.reference,
            "alert": report.alert.reference if report.alert else None,
            "place": report.place, "what": report.what_was_seen, "anonymous": report.anonymous,
            "contact": report.contact_email,
            "additions": [a.text for a in report.additions.all()],
            "side": across.side if across else None,
            "their_reference": across.their_reference if across else "",
            "delivery": across.delivery if across else "",
            "photo_there": across.photo_on_sending_node if across else False,
            "photo_here": bool(report.photo_storage_name),
        })  # fmt: skip
    return queue


# --- Batches (protocol seec-exchange/2) -------------------------------------------------------


def _post_batch(peer, distributions, signing, httpsig, *, protocol="seec-exchange/2", url=None):
    import json

    import httpx

    url = url or peer.batch_inbox_url
    body = json.dumps({"protocol": protocol, "distributions": distributions}).encode()
    request = httpsig.OutgoingRequest("POST", url, {"Content-Type": "application/json"})
    httpsig.sign(request, body, private_key=signing[0].private_key, kid=signing[1])
    response = httpx.post(url, content=body, headers=request.headers, timeout=30)
    return {"status": response.status_code, **response.json()}


def batch_with_one_bad(to, good=3, bad_at=1, times=1, bad="schema", bad_to=None):
    """A batch of `good` pings with one bad distribution at `bad_at` (`schema`: a ping that
    fails its schema; `cap`: an alert request to `bad_to` that its handler refuses), sent
    `times` times (each a freshly signed request, as a sender's retry is); returns each
    answer and the distribution ids in order."""
    documents, ids = [], []
    for i in range(good + 1):
        payload = {"written_at": timezone.now().isoformat(), "note": f"batch-{i}"}
        if i == bad_at and bad == "cap":
            peer, routing, document, signing, httpsig = _crafted(
                bad_to, payload=_bad_cap_payload(), payload_type="alert.request"
            )
            documents.append(document)
            ids.append(routing.distribution_id)
            continue
        if i == bad_at:
            payload = {"written_at": "yesterday", "note": f"batch-{i}"}
        peer, routing, document, signing, httpsig = _crafted(to, payload=payload)
        documents.append(document)
        ids.append(routing.distribution_id)
    answers = [_post_batch(peer, documents, signing, httpsig) for _ in range(times)]
    return {"answers": answers, "ids": ids}


def batch_in_one_conversation(to, sequences, refused_at=None, refused_to=None):
    """Pings of one new conversation in one batch, numbered `sequences` in the order given;
    the one at `refused_at` an alert request to `refused_to` that its handler refuses.
    Returns the conversation's key, the answer and the distribution ids."""
    import uuid

    conversation = f"{nodes.node_id()}_{uuid.uuid4().hex}"
    documents, ids = [], []
    for i, sequence in enumerate(sequences):
        refused = i == refused_at
        peer, routing, document, signing, httpsig = _crafted(
            refused_to if refused else to,
            payload=_bad_cap_payload() if refused else {
                "written_at": timezone.now().isoformat(), "note": f"in-turn-{sequence}"},
            payload_type="alert.request" if refused else "exchange.ping",
            conversation=conversation, sequence=sequence,
        )  # fmt: skip
        documents.append(document)
        ids.append(routing.distribution_id)
    answer = _post_batch(peer, documents, signing, httpsig)
    return {"conversation": conversation, "answer": answer, "ids": ids}


def conversation_state(conversation):
    """How far the conversation is applied here, and its messages' states by sequence."""
    from seec.exchange.models import Conversation

    return {
        "last_applied": Conversation.objects.get(key=conversation).last_applied,
        "states": {
            str(sequence): state
            for sequence, state in InboundMessage.objects.filter(
                conversation=conversation
            ).values_list("sequence", "state")
        },
    }


def replayed_batch(to, good=2, bad=0, at_once=False):
    """One signed batch request (`good` pings, then `bad` that fail their schema) posted
    twice as it is, the second a replay: one after the other, or both at the same moment
    (`at_once`). Returns both answers, in the order posted (at once: either order), and the
    distribution ids."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    documents, ids = [], []
    for i in range(good + bad):
        when = timezone.now().isoformat() if i < good else "yesterday"
        peer, routing, document, signing, httpsig = _crafted(
            to, payload={"written_at": when, "note": f"replayed-{i}"}
        )
        documents.append(document)
        ids.append(routing.distribution_id)
    url = peer.batch_inbox_url
    body = json.dumps({"protocol": "seec-exchange/2", "distributions": documents}).encode()
    request = httpsig.OutgoingRequest("POST", url, {"Content-Type": "application/json"})
    httpsig.sign(request, body, private_key=signing[0].private_key, kid=signing[1])

    def post(_):
        response = httpx.post(url, content=body, headers=request.headers, timeout=30)
        return {"status": response.status_code, **response.json()}

    if at_once:
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(post, range(2)))
    else:
        answers = [post(0), post(1)]
    return {"answers": answers, "ids": ids}


def batch_in_the_wrong_protocol(to):
    """A single distribution posted to the batch inbox; a batch posted to the single inbox;
    a batch that names another protocol."""
    import json

    peer, _routing, document, signing, httpsig = _crafted(to)
    alone = _post(peer, json.dumps(document).encode(), signing, httpsig, url=peer.batch_inbox_url)
    batch = json.dumps({"protocol": "seec-exchange/2", "distributions": [document]}).encode()
    in_single = _post(peer, batch, signing, httpsig)[1]
    other = _post_batch(peer, [document], signing, httpsig, protocol="seec-exchange/9")
    return [alone[1], in_single, other]


def set_batch_inbox(node_id, url):
    """What this node believes of the peer's batch inbox ("" for a node of protocol 1)."""
    from seec.exchange.models import Peer

    Peer.objects.filter(node_id=node_id).update(batch_inbox_url=url)


def peer_batch_inbox(node_id):
    from seec.exchange.models import Peer

    return Peer.objects.get(node_id=node_id).batch_inbox_url


def received_in_batch(distribution_id):
    """Whether the message arrived in a batch (its audit event names it among a batch's)."""
    from seec.core.models import AuditEvent, StagedRead

    message = InboundMessage.objects.get(distribution_id=distribution_id)
    # Staged (not chained yet) or chained, the newest first.
    staged = StagedRead.objects.filter(action="exchange.received").order_by("-pk")[:200]
    chained = AuditEvent.objects.filter(action="exchange.received").order_by("-sequence")[:200]
    for event in [*staged, *chained]:
        details = event.details or {}
        if any(d[0] == distribution_id for d in details.get("distributions", [])):
            return True
        if event.object_id == str(message.pk) and "distributions" not in details:
            return False
    raise AssertionError(f"no received event names {distribution_id}")
