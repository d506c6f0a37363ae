"""People decide on what the model finds: a cross-border match tells both centres, a duplicate
is merged into the older case, and only the centres of the two cases decide."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from seec.cases import services as case_services
from seec.cases.models import Case, CaseNote, Status
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import AuditEvent, Notification, OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user
from seec.linkage import services
from seec.linkage.models import CandidatePair, LinkageRun, PairStatus
from seec.linkage.services import LinkageAction


def pair_of(one: Case, other: Case, *, by, cross_border=False) -> CandidatePair:
    left, right = sorted((one, other), key=lambda c: c.pk)
    run = LinkageRun.objects.create(kind="across", countries="GR,RS", started_by=by)
    return CandidatePair.objects.create(
        left=left,
        right=right,
        run=run,
        probability=0.97,
        weight=9.1,
        contributions={"given_name": 4.2, "family_name": 3.9, "dob": 2.1},
        cross_border=cross_border,
    )


@pytest.fixture
def gr_manager(region):
    return region.users[RoleCode.CASE_MANAGER]


@pytest.fixture
def serbian_and_greek(region, gr_manager):
    serbian = case_services.open_case(
        origin=Origin(region.foreign_manager),
        fields=case_fields(
            given_names="Јована", family_name="Петровић", date_of_birth=date(2012, 3, 7)
        ),
    )
    greek = case_services.open_case(
        origin=Origin(region.users[RoleCode.HOTLINE_OPERATOR]),
        fields=case_fields(
            given_names="Γιοβάνα", family_name="Πέτροβιτς", date_of_birth=date(2012, 7, 3)
        ),
    )
    return serbian, greek


def test_a_confirmed_cross_border_pair_tells_both_centres_and_both_timelines(
    region, gr_manager, serbian_and_greek
):
    serbian, greek = serbian_and_greek
    pair = pair_of(serbian, greek, by=gr_manager, cross_border=True)
    services.decide(pair, origin=Origin(gr_manager), status=PairStatus.CONFIRMED, note="")
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert region.foreign_manager.username in told  # the Serbian centre
    assert gr_manager.username in told  # and the Greek one
    for case in (serbian, greek):
        assert AuditEvent.objects.filter(
            action=LinkageAction.DECIDE, object_id=str(case.pk)
        ).exists()
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (PairStatus.CONFIRMED, gr_manager)
    serbian.refresh_from_db()
    assert serbian.status != Status.CLOSED  # a cross-border link merges nothing


def test_a_confirmed_duplicate_is_merged_into_the_older_case(region, gr_manager):
    operator = Origin(region.users[RoleCode.HOTLINE_OPERATOR])
    older = case_services.open_case(origin=operator, fields=case_fields())
    newer = case_services.open_case(origin=operator, fields=case_fields(given_names="Marija"))
    case_services.add_note(newer, origin=Origin(gr_manager), text="Aunt called again")
    pair = pair_of(older, newer, by=gr_manager)
    services.decide(pair, origin=Origin(gr_manager), status=PairStatus.CONFIRMED)
    newer.refresh_from_db()
    assert newer.status == Status.CLOSED
    assert older.number in newer.closure_reason
    assert CaseNote.objects.get(text="Aunt called again").case == older
    assert AuditEvent.objects.filter(action=LinkageAction.MERGE, object_id=str(older.pk)).exists()


def test_only_the_centres_of_the_two_cases_decide(region, gr_manager, serbian_and_greek):
    pair = pair_of(*serbian_and_greek, by=gr_manager, cross_border=True)
    croatian = make_user(
        make_organisation("HR", OrganisationKind.NATIONAL_CENTRE, name="116 000 Croatia"),
        RoleCode.CASE_MANAGER,
    )
    with pytest.raises(PermissionDenied):
        services.decide(pair, origin=Origin(croatian), status=PairStatus.REJECTED)
    operator = region.users[RoleCode.HOTLINE_OPERATOR]  # sees cases, does not link them
    with pytest.raises(PermissionDenied):
        services.decide(pair, origin=Origin(operator), status=PairStatus.REJECTED)
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING
    browser = Client()
    browser.force_login(croatian)
    assert (
        browser.post(f"/linkage/pairs/{pair.pk}/decide/", {"status": "rejected"}).status_code == 404
    )


def test_unsure_needs_a_note_and_a_decided_pair_stays_decided(gr_manager, serbian_and_greek):
    pair = pair_of(*serbian_and_greek, by=gr_manager, cross_border=True)
    with pytest.raises(ValidationError) as error:
        services.decide(pair, origin=Origin(gr_manager), status=PairStatus.UNSURE)
    assert "note" in error.value.message_dict
    services.decide(pair, origin=Origin(gr_manager), status=PairStatus.REJECTED, note="Twins")
    with pytest.raises(ValidationError):
        services.decide(pair, origin=Origin(gr_manager), status=PairStatus.CONFIRMED)


def test_the_pair_page_shows_both_records_and_why(region, gr_manager, serbian_and_greek):
    serbian, greek = serbian_and_greek
    pair = pair_of(serbian, greek, by=gr_manager, cross_border=True)
    browser = Client()
    browser.force_login(gr_manager)
    page = browser.get(f"/linkage/pairs/{pair.pk}/").content.decode()
    assert "Јована" in page and "Γιοβάνα" in page
    assert "Given names" in page and "4.20" in page
    # The Greek manager may open the Greek case, not the Serbian one (not shared).
    assert f'href="/cases/{greek.pk}/"' in page
    assert f'href="/cases/{serbian.pk}/"' not in page


@pytest.mark.parametrize(
    ("kind", "countries", "field"),
    [
        ("within", ["GR", "RS"], "countries"),
        ("across", ["GR"], "countries"),
        ("across", ["RS", "HR"], "countries"),  # not the user's own country
        ("across", ["GR", "XX"], "countries"),
        ("sideways", ["GR"], "kind"),
    ],
)
def test_a_bad_run_request_names_the_field_and_starts_nothing(gr_manager, kind, countries, field):
    with pytest.raises(ValidationError) as error:
        services.start_run(origin=Origin(gr_manager), kind=kind, countries=countries)
    assert field in error.value.message_dict
    assert not LinkageRun.objects.exists()


def test_the_review_queue_shows_its_probabilities_against_the_decisions(
    region, gr_manager, serbian_and_greek
):
    """A reviewer sees how the probabilities shown compare with what was decided: a pair
    at 0.97 confirmed and one at 0.97 rejected are half confirmed, 0.47 off."""
    serbian, greek = serbian_and_greek
    other = case_services.open_case(
        origin=Origin(region.users[RoleCode.HOTLINE_OPERATOR]),
        fields=case_fields(given_names="Μαρίνα", family_name="Πέτροβιτς"),
    )
    same, different = pair_of(serbian, greek, by=gr_manager), pair_of(serbian, other, by=gr_manager)
    services.decide(same, origin=Origin(gr_manager), status=PairStatus.CONFIRMED)
    services.decide(different, origin=Origin(gr_manager), status=PairStatus.REJECTED, note="No")
    browser = Client()
    browser.force_login(gr_manager)
    page = browser.get("/linkage/review/").content.decode()
    assert "Probabilities against your decisions" in page
    assert "Over 2 decided pairs" in page and "0.470" in page
    assert "0.9–1.0" in page and "0.500" in page
