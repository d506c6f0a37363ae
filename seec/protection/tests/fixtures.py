"""Records that the authorisation matrix and the refused-steps test look at."""

from datetime import timedelta

from django.utils import timezone

from seec.core.audit import Origin
from seec.core.models import Country, OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user
from seec.linkage import services as linkage
from seec.protection import intelligence, repatriation, services, tracing
from seec.protection.models import ServiceProvider, StepAssignment, StepKind


def approved_plan(victim, origin, destination, escort_owner):
    today = timezone.localdate()
    plan = repatriation.open_plan(victim, origin=origin, destination=destination)
    repatriation.add_step(
        plan,
        origin=origin,
        kind=StepKind.ESCORT,
        due_on=today + timedelta(days=5),
        owner=escort_owner,
    )
    repatriation.update_plan(plan, origin=origin, fields={
        "best_interests": "Return home", "best_interests_by": "Panel", "best_interests_on": today,
        "return_risk": "low", "risk_assessment": "Low", "family_assessment": "Safe family",
        "child_views": "Wants to return", "child_heard_on": today,
    })  # fmt: skip
    repatriation.decide_plan(plan, origin=origin, approve=True)
    return plan


def protection_world(region) -> dict:
    today = timezone.localdate()
    gr = Origin(region.users[RoleCode.CASE_MANAGER])
    rs = Origin(region.foreign_manager)
    albania, greece = Country.objects.get(code="AL"), Country.objects.get(code="GR")
    fields = {"reported_by": "info_desk", "met_on": today, "given_names": "Arta",
              "family_name": "Hoxha", "exploitation": "labour", "citizenship": albania}  # fmt: skip
    victim = services.open_victim(origin=gr, fields=fields)
    foreign_victim = services.open_victim(origin=rs, fields={**fields, "given_names": "Drita"})
    provider = ServiceProvider.objects.create(
        name="Children's shelter", country=greece, services=["shelter"]
    )
    rs_provider = ServiceProvider.objects.create(
        name="Serbian shelter", country=Country.objects.get(code="RS"), services=["shelter"]
    )

    def referral(on, origin, to):
        return services.refer(
            on, origin=origin, provider=to, service="shelter", reason="A bed",
            consent_by="child", answer_due=today + timedelta(days=2),
        )  # fmt: skip

    plan = approved_plan(victim, gr, albania, region.gr_police)
    escort = repatriation.request_step(plan.steps.get(), origin=gr)
    rs_police_org = make_organisation("RS", OrganisationKind.POLICE, name="Serbian police unit")
    rs_officer = make_user(rs_police_org, RoleCode.ALERT_AUTHORITY, username="rs-officer")

    def person(user, name):
        return intelligence.open_person(
            origin=Origin(user),
            fields={"role": "trafficker", "name": name, "review_on": today,
                    "retain_until": today + timedelta(days=365)},
        )  # fmt: skip

    gr_person = person(region.users[RoleCode.ALERT_AUTHORITY], "Recruiter Alpha")
    rs_person = person(rs_officer, "Recruiter Beta")
    identifier = tracing.record_identifier(
        origin=Origin(region.users[RoleCode.ALERT_AUTHORITY]), kind="phone",
        value="+30 691 234 5678", person=gr_person,
    )  # fmt: skip
    foreign_identifier = tracing.record_identifier(
        origin=Origin(rs_officer), kind="phone", value="+381 64 123 4567", person=rs_person
    )
    # The Greek police unit's matching agreement with the Serbian one (identifiers compared by
    # keyed hashes): only the Greek police send under it.
    agreement, _key = linkage.create_agreement(
        origin=Origin(region.users[RoleCode.LIAISON_OFFICER]), partner_organisation=rs_police_org,
        partner_name="", partner_country="", purpose="Payment traces",
        valid_from=today, valid_until=today + timedelta(days=365),
    )  # fmt: skip
    return {
        "victim": victim,
        "foreign_victim": foreign_victim,
        "provider": provider,
        "referral": referral(victim, gr, provider),
        "foreign_referral": referral(foreign_victim, rs, rs_provider),
        "plan": plan,
        "step": escort,
        "foreign_plan": approved_plan(foreign_victim, rs, albania, rs_police_org),
        "assignment": StepAssignment.objects.get(conversation=escort.conversation),
        "person": gr_person,
        "foreign_person": rs_person,
        "identifier": identifier,
        "foreign_identifier": foreign_identifier,
        "identifier_agreement": agreement,
    }
