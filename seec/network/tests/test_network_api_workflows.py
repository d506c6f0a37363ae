"""Three workflows of the network seen through the REST API, as the role that may and as every
role that may not: an agreement nearing its end and its reminder; a training's participants,
scores and certificates (PDF); an NGO's evaluation from its self-assessment to its status.

The API takes none of these steps itself (it reads; the steps are the pages' and the
services'), so each step here is taken on its page, and the API is asked after each one."""

import datetime
import io

import pypdfium2
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from seec.core.models import AuditEvent, Notification, RoleCode, StagedRead
from seec.network import models as m
from seec.network import services
from seec.network.tests import matrix

D = datetime.date
TODAY = datetime.date.today()
ALL = sorted(matrix.ALL)
COORDINATOR = RoleCode.REGIONAL_COORDINATOR


def client_of(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def pdf_pages(content: bytes) -> list[str]:
    pdf = pypdfium2.PdfDocument(io.BytesIO(content))
    return [page.get_textpage().get_text_range() for page in pdf]


# --- An agreement nearing its end -----------------------------------------------------------


@pytest.fixture
def lapsing(region, origin, countries):
    """A memorandum of the Greek hotline and MCE that lapses in 25 days."""
    gr = services.save_record(
        m.Partner(), origin=origin,
        data={"name": "Greek hotline", "kind": "ngo", "country_id": "GR",
              "organisation": region.gr_hotline},
    )  # fmt: skip
    mce = services.save_record(
        m.Partner(), origin=origin, data={"name": "MCE", "kind": "international"}
    )
    return services.save_agreement(
        None,
        origin=origin,
        data={"title": "GR–MCE memorandum on missing migrant children", "kind": "mou",
              "scope": "Cross-border searches.", "valid_from": D(2024, 1, 1),
              "valid_until": TODAY + datetime.timedelta(days=25)},
        parties=[gr, mce],
        countries=[countries["GR"]],
    )  # fmt: skip


def test_an_agreement_nearing_its_end_is_reminded_of_through_the_api(region, lapsing):
    coordinator = client_of(region.users[COORDINATOR])
    url = f"/api/network/agreement-reminders/?agreement={lapsing.pk}"
    assert coordinator.get(url).json() == []
    # The daily job (cron runs the command) finds it within the 30 days' lead time.
    call_command("remind_agreements", verbosity=0)
    reminders = coordinator.get(url).json()
    assert [(r["agreement"], r["days_before"], r["valid_until"]) for r in reminders] == [
        (lapsing.pk, 30, lapsing.valid_until.isoformat())
    ]
    assert reminders[0]["title"] == lapsing.title and reminders[0]["recipients"] == 1
    detail = coordinator.get(f"/api/network/agreements/{lapsing.pk}/").json()
    assert detail["state"] == "lapsing"
    # The coordinator's notice links to the agreement's page; nobody else is told.
    notice = Notification.objects.get()
    assert notice.user == region.users[COORDINATOR]
    assert lapsing.title in notice.subject and notice.link == f"/network/agreements/{lapsing.pk}/"
    # Run again (daily): no second reminder for the same lead time.
    call_command("remind_agreements", verbosity=0)
    assert len(coordinator.get(url).json()) == 1
    assert Notification.objects.count() == 1


def test_a_bad_agreement_filter_is_a_400_naming_the_field(region, lapsing):
    answer = client_of(region.users[COORDINATOR]).get(
        "/api/network/agreement-reminders/?agreement=x"
    )
    assert answer.status_code == 400 and "agreement" in answer.json()["errors"]


@pytest.mark.parametrize("role", [r for r in ALL if r != COORDINATOR])
def test_the_reminders_are_refused_to_every_other_role(region, lapsing, role):
    services.remind_lapsing_agreements()
    client = client_of(region.users[role])
    assert client.get("/api/network/agreement-reminders/").status_code == 403
    # The agreement itself: its party's staff (the Greek hotline) read its state; others 404.
    detail = client.get(f"/api/network/agreements/{lapsing.pk}/")
    if role in matrix.HOTLINE:
        assert detail.status_code == 200 and detail.json()["state"] == "lapsing"
    else:
        assert detail.status_code == 404
    assert not Notification.objects.filter(user=region.users[role]).exists()


def test_anonymous_reads_no_reminder(region, lapsing):
    services.remind_lapsing_agreements()
    assert client_of().get("/api/network/agreement-reminders/").status_code in (401, 403)


# --- A training: participants, scores, certificates -----------------------------------------


@pytest.fixture
def training(region, origin, countries):
    return services.save_record(
        m.Activity(created_by=origin.actor),
        origin=origin,
        data={"kind": "training", "title": "Identifying child victims of trafficking",
              "starts_on": D(2025, 3, 3), "ends_on": D(2025, 3, 4), "place": "Athens"},
        m2m={"countries": [countries["GR"], countries["AL"]]},
    )  # fmt: skip


PARTICIPANTS = [
    # name, sector, country, pre, post, completed
    ("Eleni Papadaki", "law_enforcement", "GR", "40", "80", True),
    ("Arben Hoxha", "labour_inspection", "AL", "50", "90", True),
    ("Dimitra Kosta", "health", "GR", "60", "", False),
]


def add_participants_on_the_page(client, training, countries):
    for name, sector, code, pre, post, completed in PARTICIPANTS:
        form = {"action": "participant", "p-name": name, "p-organisation_name": "Demo body",
                "p-sector": sector, "p-country": countries[code].pk, "p-pre_test": pre,
                "p-post_test": post}  # fmt: skip
        if completed:
            form["p-completed"] = "on"
        answer = client.post(f"/network/activities/{training.pk}/", form)
        assert answer.status_code == 302, answer.content.decode()[:2000]


def test_a_trainings_participants_scores_and_certificates_through_the_api(
    region, training, countries
):
    coordinator = client_of(region.users[COORDINATOR])
    add_participants_on_the_page(coordinator, training, countries)
    base = f"/api/network/activities/{training.pk}"
    # No certificate yet: nothing to download.
    assert coordinator.get(f"{base}/certificates.pdf").status_code == 404

    assert (
        coordinator.post(f"/network/activities/{training.pk}/certificates/issue/").status_code
        == 302
    )
    summary = coordinator.get(f"{base}/").json()["summary"]
    assert (summary["participants"], summary["completed"], summary["certificates"]) == (3, 2, 2)
    assert summary["by_country"] == {"AL": 1, "GR": 2}
    assert summary["by_sector"] == {"Law enforcement": 1, "Labour inspection": 1, "Health care": 1}
    assert float(summary["pre_test"]) == 50.0 and float(summary["post_test"]) == 85.0

    rows = {r["name"]: r for r in coordinator.get(f"{base}/participants/").json()}
    assert set(rows) == {p[0] for p in PARTICIPANTS}
    assert (rows["Eleni Papadaki"]["pre_test"], rows["Eleni Papadaki"]["post_test"]) == (
        "40.0",
        "80.0",
    )
    assert rows["Arben Hoxha"]["country"] == "AL"
    numbers = sorted(r["certificate_number"] for r in rows.values() if r["certificate_number"])
    assert numbers == [
        f"SEEC-2025-{training.pk:04d}-001",
        f"SEEC-2025-{training.pk:04d}-002",
    ]
    assert rows["Dimitra Kosta"]["certificate_number"] == ""  # did not complete

    answer = coordinator.get(f"{base}/certificates.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    pages = pdf_pages(answer.content)
    assert len(pages) == 2
    assert any("Arben Hoxha" in p for p in pages) and any("Eleni Papadaki" in p for p in pages)
    assert not any("Dimitra Kosta" in p for p in pages)
    # Each read of the names is audited.
    reads = StagedRead.objects.filter(action="network.participants_read").count()
    reads += AuditEvent.objects.filter(action="network.participants_read").count()
    assert reads >= 2


@pytest.mark.parametrize("role", [r for r in ALL if r != COORDINATOR])
def test_a_trainings_names_and_certificates_are_refused_to_every_other_role(
    region, training, countries, role
):
    add_participants_on_the_page(client_of(region.users[COORDINATOR]), training, countries)
    services.issue_certificates(training, origin=services_origin(region))
    client = client_of(region.users[role])
    base = f"/api/network/activities/{training.pk}"
    assert client.get(f"{base}/participants/").status_code == 403
    assert client.get(f"{base}/certificates.pdf").status_code == 403
    detail = client.get(f"{base}/")
    # The training concerned Greece: its staff and the analysts read the counts, not the names.
    if role in matrix.ANALYSTS | matrix.PERSONAL:
        assert detail.status_code == 200
        assert detail.json()["summary"]["certificates"] == 2
        assert "Eleni" not in detail.content.decode()
    else:
        assert detail.status_code == 404
    # Nor can they add a participant or issue certificates on the page.
    before = list(m.Participant.objects.order_by("pk").values())
    form = {"action": "participant", "p-name": "Intruder", "p-organisation_name": "x",
            "p-sector": "ngo", "p-country": countries["GR"].pk}  # fmt: skip
    assert client.post(f"/network/activities/{training.pk}/", form).status_code in (403, 404)
    issue = client.post(f"/network/activities/{training.pk}/certificates/issue/")
    assert issue.status_code == 403
    assert list(m.Participant.objects.order_by("pk").values()) == before


def services_origin(region):
    from seec.core.audit import Origin

    return Origin(region.users[COORDINATOR])


# --- An NGO's evaluation: self-assessment, review, score, status ----------------------------


def test_an_ngo_evaluation_from_self_assessment_to_status_through_the_api(region):
    catalogue = m.CriteriaCatalogue.objects.get(kind="decision_116000", version=1)
    criteria = list(catalogue.criteria.all())
    coordinator = client_of(region.users[COORDINATOR])
    supervisor = client_of(region.users[RoleCode.SUPERVISOR])

    started = coordinator.post(
        "/network/evaluations/",
        {"organisation": region.gr_hotline.pk, "catalogue": catalogue.pk, "year": 2025},
    )
    assert started.status_code == 302
    evaluation = m.ServiceEvaluation.objects.get(organisation=region.gr_hotline, year=2025)
    url = f"/api/network/evaluations/{evaluation.pk}/"

    def read(client=supervisor):
        answer = client.get(url)
        assert answer.status_code == 200
        return answer.json()

    state = read()
    assert state["stage"] == "self_assessment" and state["result"] == ""
    assert len(state["assessments"]) == len(criteria)
    assert all(a["self_score"] is None for a in state["assessments"])
    # The platform's indicators were computed at the start.
    assert {v["code"] for v in state["indicator_values"]}

    # The service's supervisor self-assesses and submits.
    form = {"self": "submit"}
    for c in criteria:
        form |= {f"c{c.pk}-score": 3, f"c{c.pk}-evidence": f"Evidence {c.code}"}
    assert supervisor.post(f"/network/evaluations/{evaluation.pk}/", form).status_code == 302
    state = read()
    assert state["stage"] == "under_review"
    assert {a["self_score"] for a in state["assessments"]} == {3}
    assert state["assessments"][0]["evidence"].startswith("Evidence ")

    # The supervisor cannot review their own service; the stage stays.
    review = {"review": "1"} | {f"r{c.pk}-score": 3 for c in criteria}
    assert supervisor.post(f"/network/evaluations/{evaluation.pk}/", review).status_code == 403
    assert all(a["review_score"] is None for a in read()["assessments"])

    # The centre reviews: one criterion only partly met, so an improvement plan is needed.
    weak = criteria[0]
    review[f"r{weak.pk}-score"] = 1
    review[f"r{weak.pk}-comment"] = "No night shift"
    assert coordinator.post(f"/network/evaluations/{evaluation.pk}/", review).status_code == 302
    state = read(coordinator)
    scores = {a["criterion"]: a["review_score"] for a in state["assessments"]}
    assert scores[weak.code] == 1 and state["stage"] == "under_review"

    step = f"/network/evaluations/{evaluation.pk}"
    coordinator.post(f"{step}/complete/", {"summary": "Good, but nights uncovered."})
    assert read()["stage"] == "under_review"  # refused: no improvement plan yet
    coordinator.post(
        f"{step}/improvement/",
        {"criterion": weak.pk, "finding": "No night shift", "action": "Staff the nights",
         "deadline": "2026-06-30"},
    )  # fmt: skip
    coordinator.post(f"{step}/complete/", {"summary": "Good, but nights uncovered."})

    state = read()
    score, result = services.evaluation_result(evaluation)
    assert state["stage"] == "completed"
    assert state["score"] == str(score) and state["result"] == result
    assert result in (m.ServiceStatus.MEETS_WITH_CONDITIONS, m.ServiceStatus.DOES_NOT_MEET)
    assert [i["action"] for i in state["improvements"]] == ["Staff the nights"]
    assert state["summary"] == "Good, but nights uncovered."
    # The supervisors are told the result.
    assert Notification.objects.filter(user=region.users[RoleCode.SUPERVISOR]).exists()

    # Everyone else: not found, in the list or by its number.
    for role in ALL:
        if role in (COORDINATOR, RoleCode.SUPERVISOR):
            continue
        client = client_of(region.users[role])
        assert client.get(url).status_code == 404, role
        listed = client.get("/api/network/evaluations/")
        assert f'"id":{evaluation.pk},' not in listed.content.decode().replace(": ", ":"), role
    assert client_of(region.foreign_manager).get(url).status_code == 404
