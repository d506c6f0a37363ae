"""The access policy: own organisation, explicit revocable shares, no names for aggregates."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404

from seec.core import policy
from seec.core.audit import Action, Origin
from seec.core.models import AuditEvent, Organisation, RoleCode
from seec.core.services import grant_share, revoke_share
from seec.core.tests.dossiers.models import Dossier
from seec.core.tests.factories import make_user

PERSONAL_DATA_ROLES = {
    RoleCode.HOTLINE_OPERATOR,
    RoleCode.CASE_MANAGER,
    RoleCode.SUPERVISOR,
    RoleCode.ALERT_AUTHORITY,
    RoleCode.LIAISON_OFFICER,
}


@pytest.fixture
def dossiers(region):
    return {
        "gr": Dossier.objects.create(organisation=region.gr_hotline, child_name="Μαρία"),
        "rs": Dossier.objects.create(organisation=region.rs_hotline, child_name="Марија"),
    }


def test_user_sees_only_own_organisations_records(region, dossiers):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    assert list(policy.visible_to(operator, Dossier)) == [dossiers["gr"]]
    assert policy.can(operator, policy.Act.VIEW, dossiers["gr"])
    assert not policy.can(operator, policy.Act.VIEW, dossiers["rs"])


def test_hidden_record_is_not_found_rather_than_forbidden(region, dossiers):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    with pytest.raises(Http404):
        policy.get_visible_or_404(operator, Dossier, pk=dossiers["rs"].pk)


@pytest.mark.parametrize(
    "role", [RoleCode.ANALYST, RoleCode.REGIONAL_COORDINATOR, RoleCode.ADMINISTRATOR, "no_role"]
)
def test_roles_without_personal_data_see_no_child_record(region, dossiers, role):
    user = region.users[role]
    assert not policy.visible_to(user, Dossier).exists()


@pytest.mark.parametrize("role", sorted(PERSONAL_DATA_ROLES))
def test_personal_data_roles_are_exactly_those_of_the_policy(role):
    assert role in policy.PERSONAL_DATA_ROLES
    assert set(policy.PERSONAL_DATA_ROLES) == PERSONAL_DATA_ROLES


def test_anonymous_and_disabled_users_see_nothing(region, dossiers):
    from django.contrib.auth.models import AnonymousUser

    assert not policy.visible_to(AnonymousUser(), Dossier).exists()
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    operator.is_active = False
    assert not policy.visible_to(operator, Dossier).exists()


def test_share_lets_the_other_organisation_see_until_revoked(region, dossiers):
    manager = region.users[RoleCode.CASE_MANAGER]
    foreign = region.foreign_manager
    record = dossiers["gr"]
    assert not policy.can(foreign, policy.Act.VIEW, record)

    share = grant_share(
        record, region.rs_hotline, origin=Origin(manager), reason="Child may be in Serbia"
    )
    assert policy.can(foreign, policy.Act.VIEW, record)
    assert record in policy.visible_to(foreign, Dossier)
    # Seeing is not owning: the receiving organisation does not change or re-share it.
    assert not policy.can(foreign, policy.Act.CHANGE, record)
    assert not policy.can(foreign, policy.Act.SHARE, record)

    revoke_share(share, origin=Origin(manager), reason="Child found at home")
    assert not policy.can(foreign, policy.Act.VIEW, record)
    actions = list(
        AuditEvent.objects.filter(object_id=str(record.pk)).values_list("action", flat=True)
    )
    assert Action.SHARE_GRANTED in actions and Action.SHARE_REVOKED in actions


def test_operator_cannot_share_and_foreign_user_cannot_revoke(region, dossiers):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    with pytest.raises(PermissionDenied):
        grant_share(dossiers["gr"], region.rs_hotline, origin=Origin(operator), reason="x")
    share = grant_share(
        dossiers["gr"],
        region.rs_hotline,
        origin=Origin(region.users[RoleCode.CASE_MANAGER]),
        reason="Referral",
    )
    with pytest.raises(PermissionDenied):
        revoke_share(share, origin=Origin(region.foreign_manager), reason="Not ours")


def test_share_needs_a_reason_and_is_not_doubled(region, dossiers):
    manager = region.users[RoleCode.CASE_MANAGER]
    with pytest.raises(ValidationError) as error:
        grant_share(dossiers["gr"], region.rs_hotline, origin=Origin(manager), reason="  ")
    assert "reason" in error.value.message_dict
    grant_share(dossiers["gr"], region.rs_hotline, origin=Origin(manager), reason="Referral")
    with pytest.raises(ValidationError) as error:
        grant_share(dossiers["gr"], region.rs_hotline, origin=Origin(manager), reason="Again")
    assert "organisation" in error.value.message_dict


def test_model_without_rule_is_refused_not_allowed(region):
    from django.contrib.sessions.models import Session

    with pytest.raises(ImproperlyConfigured):
        policy.visible_to(region.users[RoleCode.ADMINISTRATOR], Session)


def test_colleagues_see_each_other_but_not_other_organisations_staff(region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    from seec.core.models import User

    visible = set(policy.visible_to(operator, User).values_list("username", flat=True))
    assert "gr-case_manager" in visible
    assert "rs-case-manager" not in visible
    coordinator = region.users[RoleCode.REGIONAL_COORDINATOR]
    assert policy.visible_to(coordinator, User).filter(username="rs-case-manager").exists()


def test_only_administrators_change_organisations(region):
    for role, user in region.users.items():
        allowed = policy.can(user, policy.Act.CHANGE, region.gr_hotline)
        assert allowed == (role == RoleCode.ADMINISTRATOR), role


def test_user_without_organisation_sees_only_themself(db):
    from seec.core.models import User

    loner = make_user(None, RoleCode.HOTLINE_OPERATOR)
    assert list(policy.visible_to(loner, User)) == [loner]
    assert not policy.visible_to(loner, Organisation).filter(is_active=False).exists()
