"""Cases linked against a partner's list: the run finds a child written in another script,
a person decides, the case's centre hears of it; the list is its organisation's alone and is
deleted, with what was found in it, when its retention ends."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from seec.cases.models import CaseNote, Status
from seec.core.audit import Origin
from seec.core.models import AuditEvent, Notification, OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user
from seec.linkage import held_uploads, services
from seec.linkage.models import (
    CandidatePair,
    LinkageRun,
    PairStatus,
    PartnerList,
    PartnerRecord,
    RunKind,
    RunStatus,
)
from seec.linkage.services import LinkageAction


def run_against(user, partner_list, countries=("GR", "RS")):
    run = services.start_run(
        origin=Origin(user),
        kind="against",
        countries=list(countries),
        partner_list=partner_list,
        enqueue=False,
    )
    return services.execute_run(run)


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_a_run_against_a_greek_register_finds_the_serbian_girl_in_greek_script(
    gr_manager, greek_register, serbian_girl
):
    run = run_against(gr_manager, greek_register)
    assert run.status == RunStatus.DONE and run.kind == RunKind.AGAINST
    assert run.partner_list == greek_register and run.records == 4  # one case, three rows
    pair = CandidatePair.objects.get()
    assert pair.left == serbian_girl and pair.right is None
    assert pair.partner_record.row_number == 3 and pair.partner_record.family_name == "ΠΕΤΡΟΒΙΤΣ"
    assert pair.probability > 0.9 and pair.cross_border  # a Serbian case, a Greek list
    assert AuditEvent.objects.filter(
        action=LinkageAction.RUN, object_id=str(run.pk), details__partner_list=greek_register.pk
    ).exists()

    # Run again: the pair is refreshed, not doubled; once decided, it is left alone.
    run_against(gr_manager, greek_register)
    assert CandidatePair.objects.count() == 1
    services.decide(pair, origin=Origin(gr_manager), status=PairStatus.REJECTED, note="Sisters")
    again = run_against(gr_manager, greek_register)
    assert again.pairs_found == 0 and CandidatePair.objects.get().status == PairStatus.REJECTED


def test_a_pair_is_one_case_and_either_a_case_or_a_partner_row(
    gr_manager, greek_register, serbian_girl
):
    from django.db import IntegrityError, transaction

    run = LinkageRun.objects.create(kind="against", countries="GR", started_by=gr_manager)
    record = greek_register.records.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidatePair.objects.create(left=serbian_girl, run=run, probability=0.9, weight=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidatePair.objects.create(
            left=serbian_girl,
            right=serbian_girl,
            partner_record=record,
            run=run,
            probability=0.9,
            weight=3,
        )
    CandidatePair.objects.create(
        left=serbian_girl, partner_record=record, run=run, probability=0.9, weight=3
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidatePair.objects.create(
            left=serbian_girl, partner_record=record, run=run, probability=0.8, weight=2
        )


def test_confirming_a_case_and_a_partner_row_merges_nothing_notes_the_case_and_tells_its_centre(
    region, gr_manager, greek_register, serbian_girl
):
    run_against(gr_manager, greek_register)
    pair = CandidatePair.objects.get()
    services.decide(pair, origin=Origin(gr_manager), status=PairStatus.CONFIRMED)
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (PairStatus.CONFIRMED, gr_manager)
    serbian_girl.refresh_from_db()
    assert serbian_girl.status == Status.OPEN  # nothing merged, nothing closed

    note = CaseNote.objects.get(case=serbian_girl)
    # What the Serbian centre needs: which list, which row, the partner's reference, the row
    # as written, who confirmed it, until when the list is kept.
    assert greek_register.name in note.text and "102" in note.text
    assert "ΓΙΟΒΑΝΑ ΠΕΤΡΟΒΙΤΣ" in note.text and "2012-03-07" in note.text
    assert "116 000 Greece" in note.text and greek_register.delete_after.isoformat() in note.text
    assert note.author == gr_manager

    told = Notification.objects.get(user=region.foreign_manager)
    assert serbian_girl.number in told.subject and told.link == f"/cases/{serbian_girl.pk}/"
    for action in (LinkageAction.DECIDE, LinkageAction.PARTNER_MATCH):
        assert AuditEvent.objects.filter(action=action, object_id=str(serbian_girl.pk)).exists()
    assert AuditEvent.objects.filter(
        action=LinkageAction.DECIDE,
        object_type="linkage.partnerlist",
        object_id=str(greek_register.pk),
        details__row=3,
    ).exists()


def test_the_pair_page_shows_the_case_beside_the_partners_row(
    gr_manager, greek_register, serbian_girl
):
    run_against(gr_manager, greek_register)
    pair = CandidatePair.objects.get()
    page = signed_in(gr_manager).get(f"/linkage/pairs/{pair.pk}/").content.decode()
    assert "Јована" in page and "ΓΙΟΒΑΝΑ" in page and "Θεσσαλονίκη" in page
    assert f'href="/linkage/lists/{greek_register.pk}/"' in page
    assert f'href="/cases/{serbian_girl.pk}/"' not in page  # the Serbian case is not shared
    assert "Given names" in page and "Same child: nothing is merged" in page
    queue = signed_in(gr_manager).get("/linkage/review/").content.decode()
    assert f"{greek_register.name}, row 3" in queue


@pytest.mark.parametrize("who", ["serbian centre", "greek police", "croatian centre"])
def test_another_organisation_gets_404_for_the_list_and_its_pairs(
    region, gr_manager, greek_register, serbian_girl, who
):
    run = run_against(gr_manager, greek_register)
    pair = CandidatePair.objects.get()
    other = {
        "serbian centre": lambda: region.foreign_manager,  # the case's own centre
        "greek police": lambda: region.users[RoleCode.LIAISON_OFFICER],
        "croatian centre": lambda: make_user(
            make_organisation("HR", OrganisationKind.NATIONAL_CENTRE), RoleCode.CASE_MANAGER
        ),
    }[who]()
    browser = signed_in(other)
    for path in (
        f"/linkage/lists/{greek_register.pk}/",
        f"/linkage/pairs/{pair.pk}/",
        f"/linkage/runs/{run.pk}/",
    ):
        assert browser.get(path).status_code == 404, path
    assert (
        browser.post(f"/linkage/pairs/{pair.pk}/decide/", {"status": "confirmed"}).status_code
        == 404
    )
    assert greek_register.name not in browser.get("/linkage/lists/").content.decode()
    assert "ΓΙΟΒΑΝΑ" not in browser.get("/linkage/review/").content.decode()
    with pytest.raises(PermissionDenied):
        services.decide(pair, origin=Origin(other), status=PairStatus.CONFIRMED)
    with pytest.raises(ValidationError) as error:
        services.start_run(
            origin=Origin(other),
            kind="against",
            countries=[other.organisation.country_id],
            partner_list=greek_register.pk,
        )
    assert "partner_list" in error.value.message_dict
    assert CandidatePair.objects.get().status == PairStatus.PENDING


def test_a_run_against_a_list_needs_one_of_ones_own_lists_and_countries(gr_manager):
    with pytest.raises(ValidationError) as error:
        services.start_run(origin=Origin(gr_manager), kind="against", countries=[])
    assert {"countries", "partner_list"} <= set(error.value.message_dict)
    assert not LinkageRun.objects.exists()


def test_the_runs_page_starts_a_run_against_a_list(
    gr_manager, greek_register, serbian_girl, django_capture_on_commit_callbacks
):
    browser = signed_in(gr_manager)
    page = browser.get("/linkage/").content.decode()
    assert "Against a partner list" in page and greek_register.name in page
    with django_capture_on_commit_callbacks(execute=True):  # the task, run at once in tests
        response = browser.post(
            "/linkage/",
            {
                "kind": "against",
                "countries": ["GR", "RS"],
                "partner_list": str(greek_register.pk),
                "threshold": "0.5",
            },
        )
    run = LinkageRun.objects.get()
    assert response.status_code == 302 and response.url == f"/linkage/runs/{run.pk}/"
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.pairs_found == 1
    page = browser.get(f"/linkage/runs/{run.pk}/").content.decode()
    assert f"{greek_register.name}, row 3" in page


def test_the_link_command_runs_against_an_upload(gr_manager, greek_register, serbian_girl):
    call_command(
        "link",
        "--against",
        f"upload:{greek_register.pk}",
        "--countries",
        "GR,RS",
        "--as",
        gr_manager.username,
    )
    run = LinkageRun.objects.get()
    assert run.kind == RunKind.AGAINST and run.country_list == ["GR", "RS"]
    assert CandidatePair.objects.get().partner_record.row_number == 3
    with pytest.raises(CommandError, match="upload:<id>"):
        call_command("link", "--against", "12", "--as", gr_manager.username)
    with pytest.raises(CommandError, match="partner_list"):
        call_command("link", "--against", "upload:999999", "--as", gr_manager.username)


def test_the_retention_purge_deletes_the_list_its_rows_and_pairs_keeping_a_trace_of_decisions(
    gr_manager, greek_register, serbian_girl
):
    run = run_against(gr_manager, greek_register)
    pair = CandidatePair.objects.get()
    services.decide(pair, origin=Origin(gr_manager), status=PairStatus.CONFIRMED)
    # A second list, still in its time, and one of its pairs still to review.
    from .conftest import upload

    kept = upload(gr_manager, name="Shelter admissions", retention_days=365)
    run_against(gr_manager, kept)
    assert CandidatePair.objects.filter(partner_record__partner_list=kept).exists()

    assert services.purge_partner_lists() == 0  # nothing is due today
    after = greek_register.delete_after + timedelta(days=1)
    assert services.purge_partner_lists(today=after) == 1

    assert not PartnerList.objects.filter(pk=greek_register.pk).exists()
    assert not PartnerRecord.objects.filter(partner_list_id=greek_register.pk).exists()
    assert not CandidatePair.objects.filter(pk=pair.pk).exists()
    assert PartnerList.objects.get() == kept
    assert CandidatePair.objects.filter(partner_record__partner_list=kept).exists()
    run.refresh_from_db()
    assert run.partner_list is None and run.status == RunStatus.DONE  # the run's record stays
    # The decided match: a trace on the case, without the row's personal data.
    trace = AuditEvent.objects.get(action=LinkageAction.PARTNER_MATCH_PURGED)
    assert trace.object_id == str(serbian_girl.pk)
    assert trace.details["partner_list"] == greek_register.pk and trace.details["row"] == 3
    assert trace.details["status"] == "confirmed"
    assert trace.details["decided_by"] == gr_manager.username
    assert "ΓΙΟΒΑΝΑ" not in str(trace.details) and "ΠΕΤΡΟΒΙΤΣ" not in str(trace.details)
    purged = AuditEvent.objects.get(action=LinkageAction.LIST_PURGED)
    assert purged.object_id == str(greek_register.pk) and purged.details["decided_pairs"] == 1
    # The note on the case stays: a confirmed match is the case's own information now.
    assert CaseNote.objects.filter(case=serbian_girl).exists()


def test_the_purge_command_deletes_lists_past_retention_and_abandoned_uploads(
    gr_manager, greek_register, media, settings, capsys
):
    PartnerList.objects.filter(pk=greek_register.pk).update(
        delete_after=timezone.localdate() - timedelta(days=1)
    )
    token = held_uploads.hold(gr_manager.pk, b"Name\nAna\n")
    fresh = held_uploads.hold(gr_manager.pk, b"Name\nMaria\n")
    old = (
        timezone.now() - timedelta(hours=settings.SEEC_LINKAGE_UPLOAD_HOLD_HOURS + 1)
    ).timestamp()
    import os

    os.utime(media / held_uploads.FOLDER / f"{token}.bin", (old, old))
    call_command("purge_partner_lists")
    assert "1 partner list(s) deleted" in capsys.readouterr().out
    assert not PartnerList.objects.exists() and not PartnerRecord.objects.exists()
    with pytest.raises(held_uploads.HeldFileGone):
        held_uploads.load(gr_manager.pk, token)
    assert held_uploads.load(gr_manager.pk, fresh) == b"Name\nMaria\n"
