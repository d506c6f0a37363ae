"""What a test asks of a node, run inside it by node_driver: the same service calls a
person's request would make, and reads of what the node holds."""

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
HOTLINE = {"GR": "116 000 Greece", "RS": "116 000 Serbia", "MK": "116 000 North Macedonia"}
POLICE = {"GR": "Hellenic Police", "RS": "Police of Serbia", "MK": "Police of North Macedonia"}


def _user(username, organisation, *roles):
    user, _created = User.objects.get_or_create(
        username=username, defaults={"organisation": organisation, "email": f"{username}@x.org"}
    )
    user.set_password(PASSWORD)
    user.save()
    user.roles.set(Role.objects.filter(code__in=roles))
    return user


def setup_node(country):
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
    keys.ensure_keys()
    return {"hotline": hotline.pk, "police": police.pk}


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


def audit_actions(prefix="exchange."):
    from seec.core.models import AuditEvent

    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def remote_organisations():
    return sorted(
        f"{r.peer.node_id}:{r.organisation.name}" for r in RemoteOrganisation.objects.all()
    )


def rotate_keys():
    keys.rotate()
    return keys.node_fingerprint()
