"""The demo region's protection records, through the same services as real work: a service
directory in each country, a few child victims in Greece with referrals and a repatriation plan
to Albania, and persons of interest in Greece and Serbia whose IBAN is the same (a match
notice waits for police.gr and police.rs)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from seec.core.audit import Origin
from seec.core.models import Country, Organisation, OrganisationKind, User

from . import indicators, intelligence, repatriation, services, tracing
from .models import (
    ChildVictim,
    Indicator,
    IndicatorCatalogue,
    ServiceKind,
    ServiceProvider,
    StepKind,
)

PROVIDERS = [
    ("Shelter for children (demo)", [ServiceKind.SHELTER, ServiceKind.PSYCHOLOGICAL]),
    ("Children's hospital (demo)", [ServiceKind.MEDICAL]),
    ("Legal aid for children (demo)", [ServiceKind.LEGAL, ServiceKind.INTERPRETATION]),
    ("Second-chance school (demo)", [ServiceKind.EDUCATION]),
]
SHARED_IBAN = "AL47 2121 1009 0000 0002 3569 8741"


def seed(stdout) -> None:
    indicators.load_default(IndicatorCatalogue, Indicator, timezone.now())
    if ServiceProvider.objects.filter(name__endswith="(demo)").exists():
        return
    staff = {u.username: u for u in User.objects.filter(username__contains=".")}
    if "manager.gr" not in staff or "police.gr" not in staff:
        return
    with transaction.atomic():
        for country in Country.objects.filter(in_region=True):
            hotline = Organisation.objects.filter(
                country=country, kind=OrganisationKind.NATIONAL_CENTRE
            ).first()
            for index, (name, kinds) in enumerate(PROVIDERS):
                ServiceProvider.objects.create(
                    name=name,
                    country=country,
                    services=kinds,
                    # The shelter answers its referrals on the platform (the hotline's staff
                    # stand in for it in the demo).
                    organisation=hotline if index == 0 else None,
                    phone="+000 000 000",
                )
        _greece(staff)
        _persons(staff)
    stdout.write("Demo protection records ready.")


def _greece(staff) -> None:
    today = timezone.localdate()
    manager = Origin(staff["manager.gr"])
    albania = Country.objects.get(code="AL")
    codes = {"B01": "forced_begging", "L01": "labour", "S01": "sexual"}
    victims = []
    for (code, form), (given, family) in zip(
        codes.items(), [("Arta", "Hoxha"), ("Besnik", "Gashi"), ("Elira", "Dervishi")], strict=True
    ):
        victims.append(
            services.open_victim(
                origin=manager,
                fields={
                    "reported_by": "info_desk",
                    "reporter_detail": "VICTOR info-desk, Thessaloniki",
                    "met_on": today - timedelta(days=3),
                    "met_place": "Thessaloniki",
                    "given_names": given,
                    "family_name": family,
                    "sex": "female" if given != "Besnik" else "male",
                    "age_estimate": 14,
                    "citizenship": albania,
                    "exploitation": form,
                },
                indicators=Indicator.objects.filter(
                    catalogue=services.current_catalogue(), code__in=[code, "G01"]
                ),
            )
        )
    shelter = ServiceProvider.objects.get(country_id="GR", name=PROVIDERS[0][0])
    services.refer(
        victims[0],
        origin=manager,
        provider=shelter,
        service=ServiceKind.SHELTER,
        reason="A safe place to stay while the return is prepared",
        consent_by="both",
        answer_due=today + timedelta(days=1),
    )
    plan = repatriation.open_plan(
        victims[0],
        origin=manager,
        destination=albania,
        agreement=repatriation.repatriation_agreements("GR", "AL")[0].title
        if repatriation.repatriation_agreements("GR", "AL")
        else "",
    )
    al_hotline = Organisation.objects.filter(
        country=albania, kind=OrganisationKind.NATIONAL_CENTRE
    ).first()
    gr_police = Organisation.objects.filter(country_id="GR", kind=OrganisationKind.POLICE).first()
    for kind, owner, name, days in [
        (StepKind.FAMILY_ASSESSMENT, al_hotline, "", 7),
        (StepKind.TRAVEL_DOCUMENTS, None, "Albanian consulate in Thessaloniki", 14),
        (StepKind.ESCORT, gr_police, "", 21),
        (StepKind.HANDOVER, al_hotline, "", 21),
        (StepKind.RECEPTION, al_hotline, "", 22),
    ]:
        repatriation.add_step(
            plan,
            origin=manager,
            kind=kind,
            due_on=today + timedelta(days=days),
            owner=owner,
            owner_name=name,
        )
    repatriation.add_follow_ups(plan, origin=manager)
    repatriation.request_step(plan.steps.get(kind=StepKind.FAMILY_ASSESSMENT), origin=manager)


def _persons(staff) -> None:
    today = timezone.localdate()
    for username, name in (("police.gr", "'Tirana Taxi' recruiter"), ("police.rs", "Driver B.")):
        if username not in staff:
            continue
        officer = Origin(staff[username])
        person = intelligence.open_person(
            origin=officer,
            fields={
                "role": "recruiter",
                "name": name,
                "review_on": today + timedelta(days=90),
                "retain_until": today + timedelta(days=3 * 365),
            },
            victims=list(ChildVictim.objects.filter(organisation=staff[username].organisation)),
        )
        intelligence.add_item(
            person,
            origin=officer,
            data={
                "text": "Collects the children's earnings; pays by bank transfer.",
                "handling": "H2",
                "reliability": "B",
                "accuracy": "2",
                "review_on": today + timedelta(days=90),
                "retain_until": today + timedelta(days=365),
            },
        )
        tracing.record_identifier(origin=officer, kind="iban", value=SHARED_IBAN, person=person)
