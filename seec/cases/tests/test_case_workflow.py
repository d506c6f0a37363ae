"""From the first call to closure: each step a service, transactional and audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from seec.cases import selectors, services
from seec.cases.models import (
    Case,
    CaseTask,
    Contact,
    RiskLevel,
    SearchName,
    SearchToken,
    SearchTokenKey,
    Status,
)
from seec.cases.services import CaseAction
from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode

from .conftest import case_fields


def test_case_numbers_run_per_country_and_year(open_case):
    first, second = open_case(), open_case(given_names="Јована")
    year = timezone.now().year
    assert first.number == f"GR-{year}-000001"
    assert second.number == f"GR-{year}-000002"


def test_opening_records_latin_name_search_name_and_audit(open_case):
    case = open_case()
    assert case.names_latin  # transliterated from the Cyrillic as given
    assert case.search_name.tokens.filter(token__text="djordjevic").exists()
    assert "djordjevic" in case.search_name.forms
    event = AuditEvent.objects.get(action=CaseAction.OPEN, object_id=str(case.pk))
    assert event.object_type == "cases.case"


def test_cases_of_one_name_share_its_search_name_and_words(open_case):
    first, second = open_case(), open_case()
    assert first.search_name_id == second.search_name_id
    assert SearchName.objects.count() == 1
    words = list(first.search_name.tokens.values_list("token__text", flat=True))
    assert len(words) == len(set(words))
    # A word is held once, with its keys once, however many names have it.
    assert SearchToken.objects.filter(text="djordjevic").count() == 1
    keys = list(
        SearchTokenKey.objects.filter(token__text="djordjevic").values_list("key", flat=True)
    )
    assert len(keys) == len(set(keys)) and "djordjevic" in keys


def test_renaming_a_case_moves_it_to_its_new_name_and_forgets_the_old(open_case, manager):
    case = open_case()
    old_name, old_latin = case.search_name_id, case.names_latin
    services.update_case(case, origin=Origin(manager), changes={"given_names": "Јована"})
    case.refresh_from_db()
    # The Latin name the platform derived follows the new name; the old name is gone.
    assert case.names_latin != old_latin and "jovana" in case.search_name.forms
    assert case.search_name_id != old_name
    assert not SearchName.objects.filter(pk=old_name).exists()
    # The words only the old name had go with it; those the new name shares stay.
    assert not SearchToken.objects.filter(text="marija").exists()
    assert SearchToken.objects.filter(text="djordjevic").exists()
    assert [hit.case for hit in selectors.search_cases(manager, "Jovana")] == [case]
    assert selectors.search_cases(manager, "Marija") == []


def test_a_words_keys_go_with_it_without_an_index_by_word(open_case, manager):
    from django.db import connection

    from seec.cases import names

    case = open_case()
    marija = SearchToken.objects.get(text="marija")
    djordjevic_keys = set(
        SearchTokenKey.objects.filter(token__text="djordjevic").values_list("key", flat=True)
    )
    assert set(SearchTokenKey.objects.filter(token=marija).values_list("key", flat=True)) == (
        names.token_keys("marija")
    )
    services.update_case(case, origin=Origin(manager), changes={"given_names": "Јована"})
    # The word only the old name had went with all its keys, found by its text; the word the
    # new name shares kept all of its own.
    assert not SearchTokenKey.objects.filter(token_id=marija.pk).exists()
    assert (
        set(SearchTokenKey.objects.filter(token__text="djordjevic").values_list("key", flat=True))
        == djordjevic_keys
    )
    # Every key still names a word.
    assert not SearchTokenKey.objects.exclude(token_id__in=SearchToken.objects.values("pk"))
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, SearchTokenKey._meta.db_table)
    assert [name for name, index in indexes.items() if index["columns"] == ["token_id"]] == []


def test_a_latin_name_the_user_wrote_survives_a_rename(open_case, manager):
    case = open_case(names_latin="Mariya Georgievich")
    services.update_case(case, origin=Origin(manager), changes={"given_names": "Јована"})
    case.refresh_from_db()
    assert case.names_latin == "Mariya Georgievich"


def test_contact_opens_a_case(operator):
    contact = services.record_contact(
        origin=Origin(operator),
        data={"channel": "call", "subject": "new_disappearance", "caller_relation": "parent"},
    )
    case = services.open_case(origin=Origin(operator), fields=case_fields(), contact=contact)
    contact.refresh_from_db()
    assert contact.case == case


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date_of_birth", timezone.localdate() + timedelta(days=3)),
        ("category", "kidnapped_by_aliens"),
        ("last_seen_at", timezone.now() + timedelta(days=1)),
        ("subcategory", "international"),  # a runaway is not an international abduction
        ("age_estimate", 30),
    ],
)
def test_bad_case_input_names_the_field_and_saves_nothing(operator, field, value):
    with pytest.raises(ValidationError) as error:
        services.open_case(origin=Origin(operator), fields=case_fields(**{field: value}))
    assert field in error.value.message_dict
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action=CaseAction.OPEN).exists()


def test_high_risk_starts_active_search_and_prompts_an_alert_decision(open_case, manager):
    case = open_case()
    services.assign_case(case, manager, origin=Origin(manager))
    assessment = services.assess_risk(
        case,
        origin=Origin(manager),
        factors={"danger_signs": True, "medical_need": True},
        rationale="Seen getting into a car with an unknown adult; needs insulin.",
    )
    case.refresh_from_db()
    assert assessment.level == RiskLevel.CRITICAL or assessment.level == RiskLevel.HIGH
    assert case.status == Status.ACTIVE_SEARCH
    task = CaseTask.objects.get(case=case)
    assert "child alert" in task.label
    assert task.assigned_to == manager


def test_risk_needs_a_rationale(open_case, manager):
    with pytest.raises(ValidationError) as error:
        services.assess_risk(open_case(), origin=Origin(manager), factors={}, rationale=" ")
    assert "rationale" in error.value.message_dict


def test_found_then_closed_then_reopened(open_case, manager):
    case = open_case()
    found_at = timezone.now() - timedelta(hours=1)
    services.mark_found(
        case,
        origin=Origin(manager),
        found_at=found_at,
        found_how="by_police",
        outcome="found_safe",
    )
    case.refresh_from_db()
    assert case.status == Status.FOUND
    follow_up = case.tasks.get(kind="follow_up_call")
    assert follow_up.due_at == found_at + timedelta(hours=24)

    services.close_case(case, origin=Origin(manager))
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.outcome == "found_safe"

    with pytest.raises(ValidationError) as error:
        services.reopen_case(case, origin=Origin(manager), reason="")
    assert "reason" in error.value.message_dict
    services.reopen_case(case, origin=Origin(manager), reason="Ran away again tonight")
    case.refresh_from_db()
    assert case.is_open and case.outcome == ""
    actions = [event.action for event in selectors.timeline(case)]
    assert actions == [CaseAction.OPEN, CaseAction.FOUND, CaseAction.CLOSE, CaseAction.REOPEN]


def test_found_before_missing_is_refused(open_case, manager):
    case = open_case()
    with pytest.raises(ValidationError) as error:
        services.mark_found(
            case,
            origin=Origin(manager),
            found_at=case.last_seen_at - timedelta(hours=1),
            found_how="by_family",
            outcome="found_safe",
        )
    assert "found_at" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == Status.OPEN


def test_closing_without_outcome_is_refused(open_case, manager):
    case = open_case()
    with pytest.raises(ValidationError) as error:
        services.close_case(case, origin=Origin(manager))
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.close_case(case, origin=Origin(manager), outcome="closed_other")
    assert "closure_reason" in error.value.message_dict
    services.close_case(
        case, origin=Origin(manager), outcome="closed_other", reason="Reported in error"
    )


def test_a_closed_case_takes_no_new_tasks_and_its_open_ones_leave_the_boards(open_case, manager):
    case = open_case()
    services.assign_case(case, manager, origin=Origin(manager))
    services.add_task(
        case,
        origin=Origin(manager),
        title="Call the school",
        due_at=timezone.now() - timedelta(hours=1),
        assigned_to=manager,
    )
    assert selectors.my_tasks(manager).filter(case=case).exists()
    services.close_case(case, origin=Origin(manager), outcome="closed_other", reason="Duplicate")
    assert not selectors.my_tasks(manager).filter(case=case).exists()
    assert not [t for t in selectors.supervisor_board(manager)["overdue_tasks"] if t.case == case]
    with pytest.raises(ValidationError) as error:
        services.add_task(
            case, origin=Origin(manager), title="More", due_at=timezone.now(), assigned_to=manager
        )
    assert "case" in error.value.message_dict


def test_operator_may_not_close_or_assign(open_case, operator, manager):
    case = open_case()
    with pytest.raises(PermissionDenied):
        services.close_case(case, origin=Origin(operator), outcome="closed_other", reason="x")
    with pytest.raises(PermissionDenied):
        services.assign_case(case, manager, origin=Origin(operator))


def test_another_organisation_cannot_touch_the_case(open_case, region):
    case = open_case()
    foreign = Origin(region.foreign_manager)
    with pytest.raises(PermissionDenied):
        services.add_note(case, origin=foreign, text="hello")
    assert not selectors.cases_for(region.foreign_manager).filter(pk=case.pk).exists()


def test_police_see_a_shared_case_read_only(open_case, manager, region):
    from seec.core.services import grant_share, revoke_share

    police = region.users[RoleCode.ALERT_AUTHORITY]
    case = open_case()
    assert not selectors.cases_for(police).exists()
    share = grant_share(case, region.gr_police, origin=Origin(manager), reason="Police search")
    assert list(selectors.cases_for(police)) == [case]
    with pytest.raises(PermissionDenied):
        services.add_note(case, origin=Origin(police), text="Patrols informed")
    revoke_share(share, origin=Origin(manager), reason="Child found")
    assert not selectors.cases_for(police).exists()


def test_anonymous_contact_keeps_no_caller_details(operator):
    with pytest.raises(ValidationError) as error:
        services.record_contact(
            origin=Origin(operator),
            data={
                "channel": "call",
                "subject": "sighting",
                "anonymous": True,
                "caller_name": "Someone",
            },
        )
    assert "anonymous" in error.value.message_dict
    assert not Contact.objects.exists()


def test_supervisor_board_puts_high_risk_and_overdue_first(open_case, region, manager):
    supervisor = region.users[RoleCode.SUPERVISOR]
    risky = open_case(given_names="Ана")
    services.assess_risk(
        risky,
        origin=Origin(manager),
        factors={"suspected_trafficking": True},
        rationale="Recruiter contact",
    )
    calm = open_case(given_names="Јована")
    services.add_task(
        calm,
        origin=Origin(manager),
        title="Call school",
        due_at=timezone.now() - timedelta(hours=2),
    )
    board = selectors.supervisor_board(supervisor)
    assert list(board["high_risk"]) == [risky]
    assert [task.label for task in board["overdue_tasks"]] == ["Call school"]
    assert board["open_count"] == 2


def test_dashboard_shows_the_hotline_work(open_case, manager, client):
    case = open_case()
    services.assign_case(case, manager, origin=Origin(manager))
    services.assess_risk(
        case,
        origin=Origin(manager),
        factors={"suspected_trafficking": True},
        rationale="Recruiter contact",
    )
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert "1 open case" in page
    assert "1 at high or critical risk" in page
    assert "1 task for you" in page
