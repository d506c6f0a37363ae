"""Fixtures of protection's tests: the region of seec/conftest.py, plus an info-desk, an
Albanian police unit and social services, and a Serbian police unit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from seec.core.audit import Origin
from seec.core.models import OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user
from seec.protection import services
from seec.protection.models import Exploitation, ReportedBy, ServiceKind, ServiceProvider

TODAY = timezone.localdate


@pytest.fixture
def people(region):
    """Who acts in protection's workflows."""
    al_social = make_organisation("AL", OrganisationKind.MINISTRY, name="Albanian social services")
    al_police = make_organisation("AL", OrganisationKind.POLICE, name="Albanian State Police")
    rs_police = make_organisation("RS", OrganisationKind.POLICE, name="Serbian Police")
    shelter_org = make_organisation("GR", OrganisationKind.NATIONAL_CENTRE, name="Arsis shelter")
    return {
        "region": region,
        "gr_operator": region.users[RoleCode.HOTLINE_OPERATOR],
        "gr_manager": region.users[RoleCode.CASE_MANAGER],
        "gr_police": region.users[RoleCode.ALERT_AUTHORITY],
        "gr_liaison": region.users[RoleCode.LIAISON_OFFICER],
        "al_social": make_user(al_social, RoleCode.CASE_MANAGER, username="al-social"),
        "al_social_org": al_social,
        "al_police": make_user(al_police, RoleCode.ALERT_AUTHORITY, username="al-police"),
        "al_police_org": al_police,
        "rs_police": make_user(rs_police, RoleCode.ALERT_AUTHORITY, username="rs-police"),
        "rs_police_org": rs_police,
        "shelter": make_user(shelter_org, RoleCode.CASE_MANAGER, username="shelter-worker"),
        "shelter_org": shelter_org,
    }


def victim_fields(**overrides):
    fields = {
        "reported_by": ReportedBy.INFO_DESK,
        "reporter_detail": "VICTOR info-desk, Thessaloniki",
        "met_on": TODAY() - timedelta(days=2),
        "met_place": "Thessaloniki, bus station",
        "given_names": "Arta",
        "family_name": "Hoxha",
        "sex": "female",
        "age_estimate": 15,
        "exploitation": Exploitation.FORCED_BEGGING,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def victim(people):
    from seec.core.models import Country

    return services.open_victim(
        origin=Origin(people["gr_manager"]),
        fields=victim_fields(citizenship=Country.objects.get(code="AL")),
    )


@pytest.fixture
def shelter(people):
    from seec.core.models import Country

    return ServiceProvider.objects.create(
        name="Arsis shelter for children",
        country=Country.objects.get(code="GR"),
        city="Thessaloniki",
        services=[ServiceKind.SHELTER, ServiceKind.PSYCHOLOGICAL],
        organisation=people["shelter_org"],
    )
