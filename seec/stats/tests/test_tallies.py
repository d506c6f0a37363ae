"""The running tallies that figures are summed from stay equal to a fresh count of the rows
through every kind of change: the hotline's services, edits, deletions and the bulk import."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from seec.cases import demo, generator
from seec.cases import services as case_services
from seec.cases.models import Case, Contact
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.stats import tallies
from seec.stats.models import CaseCourseTally, NewCaseTally, TallyBuild

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_tallies_follow_every_change_to_cases_and_contacts(played, tmp_path):
    tallies.rebuild()
    assert tallies.differences() == []
    operator = Origin(played.users[RoleCode.HOTLINE_OPERATOR])
    manager = Origin(played.users[RoleCode.CASE_MANAGER])

    # New cases through the services, found, closed and reopened as real work does.
    for item in generator.generate(12, seed=77, countries=["GR"], now=NOW, years=2):
        demo.play(item, operator, manager)
    case = Case.objects.filter(country_id="GR", found_at__isnull=True).first()
    case_services.update_case(
        case,
        origin=manager,
        changes={"date_of_birth": case.last_seen_at.date() - timedelta(days=365 * 4 + 30)},
        reason="Birth certificate seen",
    )
    case_services.assess_risk(
        case, origin=manager, factors={"previous_episodes": True}, rationale="Went missing before"
    )
    case_services.mark_found(
        case,
        origin=manager,
        found_at=case.last_seen_at + timedelta(days=3),
        found_how="by_police",
        outcome="found_safe",
    )
    case_services.close_case(case, origin=manager, reason="Returned home")
    case_services.reopen_case(case, origin=manager, reason="Ran away again")

    # A contact recorded, then corrected (channel and month), and one deleted.
    contact = case_services.record_contact(
        origin=operator, data={"channel": "call", "subject": "advice", "started_at": NOW}
    )
    contact.channel, contact.started_at = "chat", NOW - timedelta(days=60)
    contact.save()
    Contact.objects.filter(case__isnull=True).exclude(pk=contact.pk).first().delete()

    # A case written in bulk by the import, and one deleted outright.
    path = tmp_path / "cases.csv"
    path.write_text(
        "external_reference,given_names,family_name,sex,date_of_birth,category,last_seen_at,"
        "last_seen_place,found_at,found_how,outcome\n"
        "OLD-1,Ελένη,Παπαδοπούλου,female,2011-03-04,runaway,2023-05-01T18:00,Athens,"
        "2023-05-02T09:00,returned_alone,found_safe\n",
        encoding="utf-8",
    )
    call_command("import_cases", str(path), "--as", "gr-case_manager", stdout=StringIO())
    Case.objects.get(external_reference="OLD-1").delete()

    assert tallies.differences() == []


def test_an_imports_tallies_equal_a_fresh_count(played, tmp_path):
    """Many cases in one batch, found, closed or open, into cells the hotline already
    counts and new ones (on PostgreSQL counted by one statement in the database)."""
    import csv

    tallies.rebuild()
    path = tmp_path / "cases.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([
            "external_reference", "given_names", "family_name", "sex", "date_of_birth",
            "age_estimate", "category", "subcategory", "last_seen_at", "last_seen_place",
            "found_at", "found_how", "outcome",
        ])  # fmt: skip
        for index, item in enumerate(
            generator.generate(300, seed=5, countries=["GR"], now=NOW, years=3, long_tail=True)
        ):
            f, found = item.fields, item.found or {}
            writer.writerow([
                f"BULK-{index}", f["given_names"], f["family_name"], f["sex"],
                f["date_of_birth"].isoformat() if f["date_of_birth"] else "",
                f["age_estimate"] or "", f["category"], f["subcategory"],
                f["last_seen_at"].isoformat(timespec="minutes"), f["last_seen_place"],
                found["found_at"].isoformat(timespec="minutes") if found else "",
                found.get("found_how", ""), found.get("outcome", ""),
            ])  # fmt: skip
    call_command("import_cases", str(path), "--as", "gr-case_manager", stdout=StringIO())
    assert Case.objects.filter(external_reference__startswith="BULK-").count() == 300
    assert Case.objects.filter(external_reference__startswith="BULK-", found_at__isnull=False)
    assert tallies.differences() == []


def test_figures_are_never_summed_from_tallies_that_were_never_built(played):
    from seec.stats import compute
    from seec.stats.periods import parse

    assert not TallyBuild.objects.exists()
    NewCaseTally.objects.all().delete()  # as an upgraded database would have them: empty
    result = compute.compute_missing(["GR"], [parse("2025")])
    assert TallyBuild.objects.count() == 1
    assert result[("GR", "2025")]["values"][("MC02", "", "")] == (
        Case.objects.filter(
            country_id="GR",
            opened_at__gte=parse("2025").start,
            opened_at__lt=parse("2025").end,
        ).count()
    )


def test_the_command_finds_and_repairs_a_tally_that_went_wrong(played):
    tallies.rebuild()
    CaseCourseTally.objects.filter(pk=CaseCourseTally.objects.first().pk).update(cases=999)
    with pytest.raises(CommandError, match="1 tally cell differs"):
        call_command("stats_tallies", "--verify", stdout=StringIO())
    call_command("stats_tallies", "--rebuild", stdout=StringIO())
    assert tallies.differences() == []


@pytest.mark.parametrize("how_many", [1, 2, 16, 17, 160])
def test_cases_counted_in_bulk_fall_in_the_cells_of_a_grouped_count(played, how_many):
    """The cells of cases counted in bulk (an import's batch on SQLite: a row per case, from
    SQL compiled for 1, 16, 256... ids and padded) add up to the grouped count of the same
    cases, whatever their number."""
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True)[:how_many])
    assert len(ids) == how_many
    by_case = tallies.Deltas().cases(tallies._cells_of_cases(ids), +1).cells
    grouped = tallies.Deltas().cases(tallies._case_cells(Case.objects.filter(pk__in=ids)), +1)
    assert {model: dict(cells) for model, cells in by_case.items()} == {
        model: dict(cells) for model, cells in grouped.cells.items()
    }
