"""The versioned catalogue of criteria: a coordinator opens a draft (a new catalogue, or a new
version copying the current one), changes its criteria, publishes it; a published version is
frozen, the latest published one is current, and an evaluation keeps the version it used."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode
from seec.network import models as m
from seec.network import services

TODAY = timezone.localdate()


@pytest.fixture
def decision(db):
    return m.CriteriaCatalogue.objects.get(kind="decision_116000", version=1)


def actions(obj):
    return list(
        AuditEvent.objects.filter(object_id=str(obj.pk), object_type__icontains="catalogue")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_a_new_version_copies_the_criteria_and_is_changed_then_published(region, origin, decision):
    draft = services.new_catalogue_version(decision, origin=origin, title="116 000 (2026)")
    assert (draft.version, draft.published_on, draft.title) == (2, None, "116 000 (2026)")
    old_codes = list(decision.criteria.values_list("code", flat=True))
    assert list(draft.criteria.values_list("code", flat=True)) == old_codes
    # A second draft of the same kind is refused while this one is open.
    with pytest.raises(ValidationError) as refused:
        services.new_catalogue_version(decision, origin=origin)
    assert "catalogue" in refused.value.message_dict

    first = draft.criteria.get(code=old_codes[0])
    original_weight = first.weight
    services.save_criterion(first, origin=origin, data={"weight": 2, "group": "Availability"})
    added = services.save_criterion(
        m.Criterion(catalogue=draft),
        origin=origin,
        data={"code": "X1", "group": "Quality", "text": "Calls are answered within 30 s.",
              "weight": 2, "indicator": "calls.seconds_to_answer", "threshold": 30,
              "higher_is_better": False},
    )  # fmt: skip
    services.remove_criterion(draft.criteria.get(code=old_codes[-1]), origin=origin)
    # The published version 1 is untouched by any of it.
    assert list(decision.criteria.values_list("code", flat=True)) == old_codes
    kept = decision.criteria.get(code=old_codes[0])
    assert (kept.weight, kept.group) == (original_weight, "")
    assert draft.criteria.get(code=old_codes[0]).group == "Availability"

    # Evaluations go on under version 1 until version 2 is published.
    before = services.start_evaluation(
        origin=origin, organisation=region.gr_hotline, catalogue=decision, year=2024
    )
    with pytest.raises(ValidationError) as refused:
        services.start_evaluation(
            origin=origin, organisation=region.rs_hotline, catalogue=draft, year=2024
        )
    assert "catalogue" in refused.value.message_dict

    services.publish_catalogue(draft, origin=origin)
    draft.refresh_from_db()
    assert draft.published_on == TODAY
    assert services.current_catalogue("decision_116000") == draft
    # Frozen now: no criterion added, changed or removed.
    for attempt in (
        lambda: services.save_criterion(added, origin=origin, data={"weight": 3}),
        lambda: services.save_criterion(
            m.Criterion(catalogue=draft), origin=origin, data={"code": "X2", "text": "x"}
        ),
        lambda: services.remove_criterion(added, origin=origin),
        lambda: services.publish_catalogue(draft, origin=origin),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "catalogue" in refused.value.message_dict
    added.refresh_from_db()
    assert added.weight == 2
    # The superseded version cannot start an evaluation; the current one can; the one made
    # before keeps its version and its criteria.
    with pytest.raises(ValidationError) as refused:
        services.start_evaluation(
            origin=origin, organisation=region.rs_hotline, catalogue=decision, year=2025
        )
    assert "catalogue" in refused.value.message_dict
    after = services.start_evaluation(
        origin=origin, organisation=region.rs_hotline, catalogue=draft, year=2025
    )
    assert after.assessments.filter(criterion__code="X1").exists()
    before.refresh_from_db()
    assert before.catalogue == decision
    assert not before.assessments.filter(criterion__code="X1").exists()
    assert actions(draft) == [
        "network.catalogue_versioned",
        "network.criterion_saved",
        "network.criterion_saved",
        "network.criterion_removed",
        "network.catalogue_published",
    ]


def test_the_centre_enters_a_catalogue_of_its_own(region, origin):
    draft = services.create_catalogue(
        origin=origin, kind="minimum_standards", title="Hotline minimum standards"
    )
    assert (draft.version, draft.published_on) == (1, None)
    with pytest.raises(ValidationError) as refused:
        services.publish_catalogue(draft, origin=origin)
    assert "criteria" in refused.value.message_dict  # nothing to publish yet
    services.save_criterion(
        m.Criterion(catalogue=draft),
        origin=origin,
        data={"code": "M1", "text": "The line answers 24/7.", "weight": 3},
    )
    # The same kind again: a new version is the way, not a second catalogue.
    with pytest.raises(ValidationError) as refused:
        services.create_catalogue(origin=origin, kind="minimum_standards", title="Again")
    assert "kind" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.publish_catalogue(draft, origin=origin, on=TODAY + datetime.timedelta(days=1))
    assert "published_on" in refused.value.message_dict
    services.publish_catalogue(draft, origin=origin, on=datetime.date(2015, 1, 15))
    assert services.current_catalogue("minimum_standards").pk == draft.pk


def test_criteria_are_checked_field_by_field(region, origin, decision):
    draft = services.new_catalogue_version(decision, origin=origin)
    code = draft.criteria.first().code

    def refused_field(data):
        with pytest.raises(ValidationError) as refused:
            services.save_criterion(m.Criterion(catalogue=draft), origin=origin, data=data)
        return set(refused.value.message_dict)

    assert "code" in refused_field({"code": code, "text": "A twin"})
    assert "text" in refused_field({"code": "N1", "text": ""})
    assert "weight" in refused_field({"code": "N1", "text": "x", "weight": 0})
    assert "indicator" in refused_field({"code": "N1", "text": "x", "indicator": "Calls answered!"})
    assert "threshold" in refused_field({"code": "N1", "text": "x", "threshold": 1})
    assert draft.criteria.count() == decision.criteria.count()


def test_a_draft_is_discarded_with_a_reason_and_seen_by_coordinators_only(region, origin, decision):
    from seec.core import policy

    draft = services.new_catalogue_version(decision, origin=origin)
    supervisor = region.users[RoleCode.SUPERVISOR]
    assert not policy.visible_to(supervisor, m.CriteriaCatalogue).filter(pk=draft.pk).exists()
    assert not policy.visible_to(supervisor, m.Criterion).filter(catalogue=draft).exists()
    assert policy.visible_to(supervisor, m.CriteriaCatalogue).filter(pk=decision.pk).exists()
    with pytest.raises(ValidationError) as refused:
        services.discard_catalogue_draft(draft, origin=origin, reason=" ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.discard_catalogue_draft(decision, origin=origin, reason="x")
    services.discard_catalogue_draft(draft, origin=origin, reason="Started by mistake")
    assert not m.CriteriaCatalogue.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="network.catalogue_discarded").count() == 1
    # A new draft can be opened again, numbered after the highest version ever kept.
    assert services.new_catalogue_version(decision, origin=origin).version == 2


@pytest.mark.parametrize("role", [RoleCode.SUPERVISOR, RoleCode.ANALYST, RoleCode.ADMINISTRATOR])
def test_only_the_coordinators_write_catalogues(region, origin, decision, role):
    other = Origin(region.users[role])
    draft = services.new_catalogue_version(decision, origin=origin)
    criterion = draft.criteria.first()
    for attempt in (
        lambda: services.create_catalogue(origin=other, kind="chi", title="CHI"),
        lambda: services.new_catalogue_version(decision, origin=other),
        lambda: services.save_criterion(criterion, origin=other, data={"weight": 3}),
        lambda: services.remove_criterion(criterion, origin=other),
        lambda: services.publish_catalogue(draft, origin=other),
        lambda: services.discard_catalogue_draft(draft, origin=other, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    draft.refresh_from_db()
    assert draft.published_on is None and draft.criteria.count() == decision.criteria.count()


# --- The API -----------------------------------------------------------------------------------


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_coordinator_versions_a_catalogue_through_the_api(region, coordinator, decision):
    api = api_as(coordinator)
    made = api.post(f"/api/network/catalogues/{decision.pk}/new-version/", {"title": ""})
    assert made.status_code == 201, made.content
    draft = made.json()
    assert (draft["version"], draft["state"]) == (2, "draft")
    assert len(draft["criteria"]) == decision.criteria.count()

    added = api.post(
        f"/api/network/catalogues/{draft['id']}/criteria/",
        {"code": "X1", "group": "Quality", "text": "Answered within 30 s", "weight": 2,
         "indicator": "calls.seconds_to_answer", "threshold": "30", "higher_is_better": False},
        format="json",
    )  # fmt: skip
    assert added.status_code == 201, added.content
    criterion = added.json()
    assert (criterion["group"], criterion["higher_is_better"]) == ("Quality", False)
    # A twin code, a weight out of range: 400, naming the field.
    twin = api.post(
        f"/api/network/catalogues/{draft['id']}/criteria/",
        {"code": "X1", "text": "Twin"},
        format="json",
    )
    assert twin.status_code == 400 and "code" in twin.json()["errors"]
    heavy = api.patch(f"/api/network/criteria/{criterion['id']}/", {"weight": 11}, format="json")
    assert heavy.status_code == 400 and "weight" in heavy.json()["errors"]
    changed = api.patch(f"/api/network/criteria/{criterion['id']}/", {"weight": 3}, format="json")
    assert changed.status_code == 200 and changed.json()["weight"] == 3
    assert changed.json()["text"] == "Answered within 30 s"
    first = draft["criteria"][0]["id"]
    assert api.delete(f"/api/network/criteria/{first}/").status_code == 204

    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    early = api.post(
        f"/api/network/catalogues/{draft['id']}/publish/", {"published_on": future}, format="json"
    )
    assert early.status_code == 400 and "published_on" in early.json()["errors"]
    published = api.post(f"/api/network/catalogues/{draft['id']}/publish/", {}, format="json")
    assert published.status_code == 200, published.content
    assert published.json()["state"] == "current"
    assert api.get(f"/api/network/catalogues/{decision.pk}/").json()["state"] == "superseded"
    # Frozen: changing it now is a 400 naming the catalogue.
    frozen = api.patch(f"/api/network/criteria/{criterion['id']}/", {"weight": 1}, format="json")
    assert frozen.status_code == 400 and "catalogue" in frozen.json()["errors"]
    assert api.delete(f"/api/network/criteria/{criterion['id']}/").status_code == 400


def test_the_api_starts_and_discards_a_catalogue(region, coordinator):
    api = api_as(coordinator)
    bad = api.post("/api/network/catalogues/", {"kind": "nonsense", "title": "x"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    made = api.post(
        "/api/network/catalogues/", {"kind": "chi", "title": "CHI quality standards"},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["state"] == "draft"
    pk = made.json()["id"]
    empty = api.post(f"/api/network/catalogues/{pk}/publish/", {}, format="json")
    assert empty.status_code == 400 and "criteria" in empty.json()["errors"]
    no_reason = api.post(f"/api/network/catalogues/{pk}/discard/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    gone = api.post(f"/api/network/catalogues/{pk}/discard/", {"reason": "Not yet"}, format="json")
    assert gone.status_code == 204
    assert not m.CriteriaCatalogue.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    "role", [r for r in [*RoleCode.values, "no_role"] if r != RoleCode.REGIONAL_COORDINATOR]
)
def test_the_catalogue_api_writes_nothing_for_anyone_else(region, origin, decision, role):
    draft = services.new_catalogue_version(decision, origin=origin)
    criterion = draft.criteria.first()
    api = api_as(region.users[role])
    before = (
        list(m.CriteriaCatalogue.objects.values()),
        list(m.Criterion.objects.values()),
        AuditEvent.objects.count(),
    )
    answers = [
        api.post("/api/network/catalogues/", {"kind": "chi", "title": "x"}, format="json"),
        api.post(f"/api/network/catalogues/{decision.pk}/new-version/", {}, format="json"),
        api.post(f"/api/network/catalogues/{draft.pk}/criteria/", {"code": "Z", "text": "z"}),
        api.patch(f"/api/network/criteria/{criterion.pk}/", {"weight": 3}, format="json"),
        api.delete(f"/api/network/criteria/{criterion.pk}/"),
        api.post(f"/api/network/catalogues/{draft.pk}/publish/", {}, format="json"),
        api.post(f"/api/network/catalogues/{draft.pk}/discard/", {"reason": "x"}),
    ]
    assert all(a.status_code in (403, 404) for a in answers), [a.status_code for a in answers]
    # The draft is not even seen by them; the published version is.
    assert api.get(f"/api/network/catalogues/{draft.pk}/").status_code == 404
    assert api.get(f"/api/network/catalogues/{decision.pk}/").status_code == 200
    after = (
        list(m.CriteriaCatalogue.objects.values()),
        list(m.Criterion.objects.values()),
        AuditEvent.objects.count(),
    )
    assert after == before


@pytest.mark.parametrize(
    "role", [r for r in [*RoleCode.values, "no_role"] if r != RoleCode.REGIONAL_COORDINATOR]
)
def test_the_catalogue_pages_are_refused_to_anyone_else(region, origin, decision, role):
    from django.test import Client

    draft = services.new_catalogue_version(decision, origin=origin)
    criterion = draft.criteria.first()
    client = Client()
    client.force_login(region.users[role])
    before = (list(m.CriteriaCatalogue.objects.values()), list(m.Criterion.objects.values()))
    assert client.get("/network/criteria/").status_code == 200
    assert client.get(f"/network/criteria/{draft.pk}/").status_code == 404
    assert client.get(f"/network/criteria/{draft.pk}/criteria/new/").status_code == 403
    assert client.get(f"/network/criteria/criterion/{criterion.pk}/edit/").status_code == 403
    posts = [
        ("/network/criteria/", {"kind": "chi", "title": "x"}),
        (f"/network/criteria/{decision.pk}/", {"title": ""}),
        (f"/network/criteria/{draft.pk}/publish/", {}),
        (f"/network/criteria/{draft.pk}/discard/", {"reason": "x"}),
        (f"/network/criteria/{draft.pk}/criteria/new/", {"code": "Z", "text": "z", "weight": 1}),
        (f"/network/criteria/criterion/{criterion.pk}/edit/", {"code": "Z", "text": "z"}),
        (f"/network/criteria/criterion/{criterion.pk}/remove/", {}),
        (f"/network/criteria/{draft.pk}/unknown-step/", {}),
    ]
    for url, body in posts:
        assert client.post(url, body).status_code in (403, 404), url
    after = (list(m.CriteriaCatalogue.objects.values()), list(m.Criterion.objects.values()))
    assert after == before
