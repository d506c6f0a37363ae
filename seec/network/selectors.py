"""Reads of the regional network, always through the access policy."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from seec.cases.names import normalise_latin
from seec.core import policy

from . import models as m

LAPSING_DAYS = 90


def partners_for(user, query: str = ""):
    rows = policy.visible_to(user, m.Partner).select_related("country", "organisation")
    if query.strip():
        rows = rows.filter(name__icontains=query.strip())
    return rows.order_by("name")


def agreement_state(agreement: m.Agreement, today: datetime.date | None = None) -> str:
    """`pending`, `in_force`, `lapsing` (within LAPSING_DAYS), `lapsed` or `terminated`."""
    today = today or timezone.localdate()
    if agreement.terminated_on and agreement.terminated_on <= today:
        return "terminated"
    if today < agreement.valid_from:
        return "pending"
    if agreement.valid_until is None:
        return "in_force"
    if agreement.valid_until < today:
        return "lapsed"
    if (agreement.valid_until - today).days <= LAPSING_DAYS:
        return "lapsing"
    return "in_force"


def agreements_for(user, *, state: str = "", today: datetime.date | None = None):
    today = today or timezone.localdate()
    rows = (
        policy.visible_to(user, m.Agreement)
        .prefetch_related("parties__partner", "countries")
        .order_by("valid_until", "title")
    )
    live = Q(terminated_on__isnull=True) | Q(terminated_on__gt=today)
    if state == "in_force":
        rows = rows.filter(live, valid_from__lte=today).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )
    elif state == "lapsing":
        rows = rows.filter(
            live,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=LAPSING_DAYS),
        )
    elif state == "ended":
        rows = rows.filter(Q(valid_until__lt=today) | ~live)
    return [(a, agreement_state(a, today)) for a in rows]


def liaison_officers(user, filters: dict):
    """The directory: officers in post today, found by any spelling of a name (Cyrillic,
    Greek or Latin, with or without diacritics), institution or topic."""
    today = timezone.localdate()
    rows = (
        policy.visible_to(user, m.LiaisonOfficer)
        .filter(Q(until__isnull=True) | Q(until__gte=today), appointed_on__lte=today)
        .select_related("country", "partner")
        .prefetch_related("counterparts")
    )
    query = (filters.get("q") or "").strip()
    if query:
        for word in normalise_latin(query).split() or [query.lower()]:
            rows = rows.filter(Q(search_text__icontains=word) | Q(name__icontains=word))
    if filters.get("country"):
        rows = rows.filter(country=filters["country"])
    if filters.get("liaises_with"):
        rows = rows.filter(counterparts=filters["liaises_with"])
    if filters.get("language"):
        rows = rows.filter(languages__icontains=filters["language"].strip())
    return rows.order_by("country__name", "name").distinct()


def training_summary(activity: m.Activity) -> dict:
    """What anyone who sees a training may read: counts by sector and country, the mean
    scores before and after, certificates issued; never a name."""
    from django.db.models import Avg, Count

    participants = m.Participant.objects.filter(activity=activity)
    by_sector = {
        m.Sector(row["sector"]).label: row["n"]
        for row in participants.values("sector").annotate(n=Count("pk")).order_by("sector")
    }
    by_country = dict(
        participants.values_list("country").annotate(n=Count("pk")).order_by("country")
    )
    scores = participants.aggregate(pre=Avg("pre_test"), post=Avg("post_test"))
    return {
        "participants": participants.count(),
        "completed": participants.filter(completed=True).count(),
        "certificates": participants.exclude(certificate_number="").count(),
        "by_sector": by_sector,
        "by_country": by_country,
        "pre_test": scores["pre"],
        "post_test": scores["post"],
    }


def _latest_adoptions(user, protocols, day: datetime.date) -> dict:
    """{(protocol pk, country code): the adoption fact that holds on `day`}."""
    facts = (
        policy.visible_to(user, m.ProtocolAdoptionFact)
        .filter(protocol__in=protocols, effective_from__lte=day)
        .order_by("effective_from", "pk")
    )
    return {(f.protocol_id, f.country_id): f for f in facts}


def protocol_adoption(user, protocol: m.ModelProtocol, day: datetime.date | None = None):
    """Each region country with the stage of its adoption of `protocol` on `day` (None where
    the centre recorded nothing)."""
    from seec.core.models import Country

    day = day or timezone.localdate()
    latest = _latest_adoptions(user, [protocol.pk], day)
    return [
        (country, latest.get((protocol.pk, country.code)))
        for country in Country.objects.filter(in_region=True).order_by("name")
    ]


def protocols_with_adoption(user, day: datetime.date | None = None):
    """Every protocol the user sees, with the number of region countries at each stage."""
    from collections import Counter

    day = day or timezone.localdate()
    rows = list(policy.visible_to(user, m.ModelProtocol).order_by("title"))
    latest = _latest_adoptions(user, [p.pk for p in rows], day)
    counts = {p.pk: Counter() for p in rows}
    for (protocol_id, _country), fact in latest.items():
        counts[protocol_id][fact.stage] += 1
    return [
        (protocol, [counts[protocol.pk][stage] for stage in m.AdoptionStage.values])
        for protocol in rows
    ]
