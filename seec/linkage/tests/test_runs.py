"""A linkage run over the platform's cases: its progress, its pairs, and a rerun that leaves
decided pairs alone."""

from datetime import date

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.linkage import services
from seec.linkage.models import CandidatePair, LinkageRun, PairStatus, RunStatus


def test_a_run_across_two_countries_finds_the_child_written_in_two_scripts(region):
    gr_manager = region.users[RoleCode.CASE_MANAGER]
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
    stages = []
    run = services.start_run(
        origin=Origin(gr_manager), kind="across", countries=["GR", "RS"], enqueue=False
    )
    run = services.execute_run(run, progress=lambda per_cent, stage: stages.append(per_cent))
    assert run.status == RunStatus.DONE and stages == sorted(stages) and run.progress == 100
    assert run.records == 2 and run.model["link_type"] == "link_only"
    pair = CandidatePair.objects.get()
    assert {pair.left, pair.right} == {serbian, greek} and pair.cross_border
    assert pair.probability > 0.9

    # Decided, the pair is not put back in the queue by the next run.
    services.decide(pair, origin=Origin(gr_manager), status=PairStatus.REJECTED, note="Twins")
    again = services.execute_run(
        services.start_run(
            origin=Origin(gr_manager), kind="across", countries=["GR", "RS"], enqueue=False
        )
    )
    assert again.pairs_found == 0
    assert CandidatePair.objects.get().status == PairStatus.REJECTED
    assert LinkageRun.objects.count() == 2


def test_the_api_starts_a_run_lists_its_pairs_and_takes_the_decision(
    region, django_capture_on_commit_callbacks
):
    """The same steps through the REST API: a request that cannot be run is refused with the
    field named and nothing queued; a run is done by the worker; its pair is decided."""
    from rest_framework.test import APIClient

    gr_manager = region.users[RoleCode.CASE_MANAGER]
    for given, family, born, origin in (
        ("Јована", "Петровић", date(2012, 3, 7), region.foreign_manager),
        ("Γιοβάνα", "Πέτροβιτς", date(2012, 7, 3), region.users[RoleCode.HOTLINE_OPERATOR]),
    ):
        case_services.open_case(
            origin=Origin(origin),
            fields=case_fields(given_names=given, family_name=family, date_of_birth=born),
        )
    api = APIClient()
    api.force_login(gr_manager)

    refused = api.post("/api/linkage/runs/", {"kind": "across", "countries": ["GR"]}, format="json")
    assert refused.status_code == 400 and "countries" in refused.json()["errors"]
    not_ours = api.post(
        "/api/linkage/runs/", {"kind": "across", "countries": ["RS", "HR"]}, format="json"
    )
    assert not_ours.status_code == 400 and "countries" in not_ours.json()["errors"]
    assert not LinkageRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):  # the run is queued on commit
        started = api.post(
            "/api/linkage/runs/", {"kind": "across", "countries": ["gr", "RS"]}, format="json"
        )
    assert started.status_code == 201, started.json()
    run = api.get(f"/api/linkage/runs/{started.json()['id']}/").json()
    assert run["status"] == RunStatus.DONE and run["progress"] == 100  # the immediate worker
    assert run["countries"] == ["GR", "RS"] and run["pairs_found"] == 1

    pairs = api.get("/api/linkage/pairs/", {"run": run["id"], "status": "pending"}).json()
    [pair] = pairs["results"]
    assert pair["cross_border"] and pair["probability"] > 0.9
    assert pair["contributions"]["dob"] > 0  # day and month swapped, still for the same child
    unsure = api.post(f"/api/linkage/pairs/{pair['id']}/decide/", {"status": "unsure"})
    assert unsure.status_code == 400 and "note" in unsure.json()["errors"]
    decided = api.post(f"/api/linkage/pairs/{pair['id']}/decide/", {"status": "confirmed"})
    assert decided.status_code == 200 and decided.json()["status"] == PairStatus.CONFIRMED

    # A user who may not link starts nothing.
    operator = APIClient()
    operator.force_login(region.users[RoleCode.HOTLINE_OPERATOR])
    forbidden = operator.post(
        "/api/linkage/runs/", {"kind": "within", "countries": ["GR"]}, format="json"
    )
    assert forbidden.status_code == 403 and LinkageRun.objects.count() == 1
