"""Privacy-preserving matching between two centres under an agreement, as people use it: the
Serbian centre encodes its open cases and sends the file; the Greek centre compares it with its
own and finds the girl it registered in Greek script. No name crosses; the key is kept sealed.
"""

import dataclasses
import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from seec.cases import names
from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import AuditEvent, Notification, OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user
from seec.linkage import agreement_keys, pprl, services
from seec.linkage.models import EncodedExchange, MatchingAgreement, PairStatus, PrivateMatch
from seec.linkage.selectors import CaseSelection
from seec.linkage.services import LinkageAction

SERBIAN_NAMES = ("Александра", "Петровић")
GREEK_NAMES = ("Αλεξάνδρα", "Πέτροβιτς")


@pytest.fixture
def gr_manager(region):
    return region.users[RoleCode.CASE_MANAGER]


@pytest.fixture
def rs_manager(region):
    return region.foreign_manager


@pytest.fixture
def children(region, gr_manager, rs_manager):
    """A girl reported missing in Serbia (Cyrillic) and her sister; the same girl registered
    in Greece in Greek script, day and month of birth swapped; another Greek case."""
    rs, gr = Origin(rs_manager), Origin(region.users[RoleCode.HOTLINE_OPERATOR])
    return {
        "serbian": case_services.open_case(
            origin=rs,
            fields=case_fields(
                given_names=SERBIAN_NAMES[0],
                family_name=SERBIAN_NAMES[1],
                date_of_birth=date(2011, 4, 9),
                may_cross_border=True,
            ),
        ),
        "sister": case_services.open_case(
            origin=rs,
            fields=case_fields(
                given_names="Марија", family_name="Петровић", date_of_birth=date(2013, 2, 17)
            ),
        ),
        "greek": case_services.open_case(
            origin=gr,
            fields=case_fields(
                given_names=GREEK_NAMES[0],
                family_name=GREEK_NAMES[1],
                date_of_birth=date(2011, 9, 4),
                category="migrant",
            ),
        ),
        "other_greek": case_services.open_case(
            origin=gr,
            fields=case_fields(
                given_names="Νίκος", family_name="Παπαδόπουλος", sex="male", category="runaway"
            ),
        ),
    }


def make_agreement(user, partner, *, key=None, **overrides):
    today = timezone.localdate()
    values = {
        "origin": Origin(user),
        "partner_organisation": partner,
        "partner_name": "",
        "partner_country": "",
        "purpose": "Missing migrant children: cross-border search",
        "valid_from": today - timedelta(days=1),
        "valid_until": today + timedelta(days=365),
        "key": key,
    } | overrides
    return services.create_agreement(**values)


@pytest.fixture
def agreements(region, gr_manager, rs_manager):
    """The Serbian centre makes the key; the Greek centre enters it."""
    serbian, key = make_agreement(rs_manager, region.gr_hotline)
    greek, shown = make_agreement(gr_manager, region.rs_hotline, key=key)
    assert shown is None
    return {"serbian": serbian, "greek": greek, "key": key}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(content: bytes, name="partner.pprl"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def compare_page(client, agreement, content, **extra):
    return client.post(
        f"/linkage/private/{agreement.pk}/compare/",
        {"compare-partner_file": upload(content), "compare-threshold": "0.75", **extra},
    )


def latin_forms(*values):
    return {form for value in values for form in names.latin_forms(value)}


def test_two_centres_find_the_same_child_across_scripts_and_the_file_holds_no_name(
    children, agreements, gr_manager, rs_manager
):
    serbian_agreement, greek_agreement = agreements["serbian"], agreements["greek"]
    assert serbian_agreement.key_fingerprint == greek_agreement.key_fingerprint

    # The Serbian centre encodes its open cases and downloads the file.
    download = signed_in(rs_manager).post(f"/linkage/private/{serbian_agreement.pk}/encode/", {})
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert f"-{serbian_agreement.short_fingerprint}-" in download["Content-Disposition"]
    data = download.content
    for text in {*SERBIAN_NAMES, "Марија"} | latin_forms(*SERBIAN_NAMES, "Марија"):
        for spelling in {text, text.lower(), text.upper()}:
            assert spelling.encode() not in data, spelling
    assert agreements["key"].encode() not in data
    assert children["serbian"].number.encode() not in data
    events = AuditEvent.objects.filter(action=LinkageAction.PRIVATE_ENCODE)
    assert [e.details["records"] for e in events] == [2]
    assert not any(
        name in json.dumps(e.details, ensure_ascii=False) for e in events for name in SERBIAN_NAMES
    )

    # The Greek centre uploads it and finds its Greek-script record of the same girl.
    greek = signed_in(gr_manager)
    response = compare_page(greek, greek_agreement, data)
    assert response.status_code == 302
    exchange = EncodedExchange.objects.get()
    assert (exchange.our_records, exchange.partner_records) == (2, 2)
    match = PrivateMatch.objects.get()
    serbian_id = agreement_keys.record_id(
        serbian_agreement.record_id_secret, children["serbian"].pk
    )
    assert (match.case, match.partner_record_id) == (children["greek"], serbian_id)
    assert match.score >= 0.75  # a match probability
    assert set(match.field_scores) == set(services.REVIEWED_FIELDS)
    assert match.field_scores["birth_year"] == 1.0  # the year agrees; day and month swapped
    page = greek.get(response["Location"]).content.decode()
    assert children["greek"].number in page and serbian_id in page
    assert "Петровић" not in page  # the partner's names are nowhere here

    # The Serbian centre, told the id through a referral, finds its own case behind it.
    found = signed_in(rs_manager).get(
        f"/linkage/private/{serbian_agreement.pk}/lookup/", {"record_id": serbian_id}
    )
    assert found.status_code == 302 and found["Location"] == f"/cases/{children['serbian'].pk}/"


def test_a_confirmed_private_match_tells_our_case_managers_the_partners_record(
    region, children, agreements, gr_manager, rs_manager
):
    data = services.encode_our_records(
        agreements["serbian"], origin=Origin(rs_manager), selection=CaseSelection()
    ).content
    exchange = services.compare_with_partner(
        agreements["greek"], origin=Origin(gr_manager), content=data, selection=CaseSelection()
    )
    match = exchange.matches.get()
    response = signed_in(gr_manager).post(
        f"/linkage/private/matches/{match.pk}/decide/", {"status": "confirmed", "note": ""}
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.decided_by) == (PairStatus.CONFIRMED, gr_manager)
    told = Notification.objects.filter(user=gr_manager).get()
    assert match.partner_record_id in told.subject and children["greek"].number in told.subject
    assert not Notification.objects.filter(user=rs_manager).exists()  # their own side decides
    decided = AuditEvent.objects.get(action=LinkageAction.PRIVATE_DECIDE)
    assert decided.object_id == str(children["greek"].pk)
    assert decided.details["partner_record"] == match.partner_record_id
    with pytest.raises(ValidationError):
        services.decide_private_match(match, origin=Origin(gr_manager), status=PairStatus.REJECTED)


def test_unsure_needs_a_note_and_comparing_again_leaves_a_decision_alone(
    children, agreements, gr_manager, rs_manager
):
    data = services.encode_our_records(
        agreements["serbian"], origin=Origin(rs_manager), selection=CaseSelection()
    ).content
    compare = {"origin": Origin(gr_manager), "content": data, "selection": CaseSelection()}
    match = services.compare_with_partner(agreements["greek"], **compare).matches.get()
    with pytest.raises(ValidationError) as error:
        services.decide_private_match(match, origin=Origin(gr_manager), status=PairStatus.UNSURE)
    assert "note" in error.value.message_dict
    services.decide_private_match(
        match, origin=Origin(gr_manager), status=PairStatus.REJECTED, note="Different mother"
    )
    again = services.compare_with_partner(agreements["greek"], **compare)
    assert again.candidates == 0
    assert PrivateMatch.objects.get().status == PairStatus.REJECTED


def other_schema():
    schema = pprl.Schema()
    return dataclasses.replace(
        schema,
        fields=(dataclasses.replace(schema.fields[0], hashes=20), *schema.fields[1:]),
        lsh_bands=10,
    )


def refusals(agreements):
    """Files the Greek centre must refuse, and what the refusal must say."""
    records = [{"record_id": "x1", "given_name": "Ана", "family_name": "Јовић", "sex": "female"}]
    key = agreement_keys.as_bytes(agreements["key"])
    return {
        "another key": (
            pprl.encode(records, services.SCHEMA, b"another agreement's key, 32 bytes").to_bytes(),
            ["another key"],
        ),
        "another schema": (
            pprl.encode(records, other_schema(), key).to_bytes(),
            ["lsh_bands", "hashes"],
        ),
        "another key and another schema": (
            pprl.encode(records, other_schema(), b"another agreement's key, 32 bytes").to_bytes(),
            ["another key", "lsh_bands", "hashes"],
        ),
        "a spreadsheet": (b"given_name,family_name\nAna,Jovic\n", ["not a SEEC"]),
        "an empty file": (b"", ["empty"]),
        "a file cut short": (
            pprl.encode(records, services.SCHEMA, key).to_bytes()[:-7],
            ["truncated"],
        ),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "another key",
        "another schema",
        "another key and another schema",
        "a spreadsheet",
        "an empty file",
        "a file cut short",
    ],
)
def test_a_partner_file_that_cannot_be_compared_is_refused_with_every_problem_and_nothing_stored(
    children, agreements, gr_manager, kind
):
    content, expected = refusals(agreements)[kind]
    events = AuditEvent.objects.exclude(action__startswith="auth.")  # signing in is recorded
    events_before = events.count()
    with pytest.raises(pprl.EncodingRefused) as refused:
        services.compare_with_partner(
            agreements["greek"],
            origin=Origin(gr_manager),
            content=content,
            selection=CaseSelection(),
        )
    problems = refused.value.problems
    for words in expected:
        assert any(words in problem for problem in problems), (words, problems)
    if kind == "another key and another schema":
        assert len(problems) == 3
    # The page says the same, every problem listed, and stores nothing either.
    page = compare_page(signed_in(gr_manager), agreements["greek"], content)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Nothing was stored" in html
    assert html.count('class="problem"') == len(problems)
    assert not EncodedExchange.objects.exists() and not PrivateMatch.objects.exists()
    assert events.count() == events_before


def test_a_partner_file_over_the_size_limit_is_refused_unread(
    settings, children, agreements, gr_manager, rs_manager
):
    data = services.encode_our_records(
        agreements["serbian"], origin=Origin(rs_manager), selection=CaseSelection()
    ).content
    settings.SEEC_MAX_PPRL_FILE_BYTES = len(data) - 1
    page = compare_page(signed_in(gr_manager), agreements["greek"], data)
    assert page.status_code == 400 and "larger than" in page.content.decode()
    assert not EncodedExchange.objects.exists()


def test_only_the_agreements_organisation_sees_and_uses_it(
    region, children, agreements, gr_manager, rs_manager
):
    data = services.encode_our_records(
        agreements["serbian"], origin=Origin(rs_manager), selection=CaseSelection()
    ).content
    exchange = services.compare_with_partner(
        agreements["greek"], origin=Origin(gr_manager), content=data, selection=CaseSelection()
    )
    match = exchange.matches.get()
    greek_agreement = agreements["greek"]
    croatian = make_user(
        make_organisation("HR", OrganisationKind.NATIONAL_CENTRE, name="116 000 Croatia"),
        RoleCode.CASE_MANAGER,
    )
    serbian_id = agreement_keys.record_id(greek_agreement.record_id_secret, children["greek"].pk)
    for outsider in (croatian, rs_manager):  # the partner too: it keeps its own agreement
        client = signed_in(outsider)
        for path in (
            f"/linkage/private/{greek_agreement.pk}/",
            f"/linkage/private/{greek_agreement.pk}/lookup/?record_id={serbian_id}",
            f"/linkage/private/exchanges/{exchange.pk}/",
            f"/linkage/private/matches/{match.pk}/",
        ):
            assert client.get(path).status_code == 404, (outsider, path)
        for path, data_ in (
            (f"/linkage/private/{greek_agreement.pk}/encode/", {}),
            (f"/linkage/private/{greek_agreement.pk}/compare/", {}),
            (f"/linkage/private/{greek_agreement.pk}/end/", {"reason": "x"}),
            (f"/linkage/private/matches/{match.pk}/decide/", {"status": "rejected"}),
        ):
            assert client.post(path, data_).status_code == 404, (outsider, path)
        listed = client.get("/linkage/private/").content.decode()
        assert f'href="/linkage/private/{greek_agreement.pk}/"' not in listed
    operator = region.users[RoleCode.HOTLINE_OPERATOR]  # sees the cases, does not link them
    assert signed_in(operator).get(f"/linkage/private/{greek_agreement.pk}/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.decide_private_match(match, origin=Origin(croatian), status=PairStatus.REJECTED)
    with pytest.raises(PermissionDenied):
        services.encode_our_records(
            greek_agreement, origin=Origin(croatian), selection=CaseSelection()
        )
    match.refresh_from_db()
    greek_agreement.refresh_from_db()
    assert match.status == PairStatus.PENDING and greek_agreement.ended_at is None


def test_the_key_is_shown_once_and_is_neither_in_the_database_nor_in_the_audit_trail(
    region, gr_manager
):
    client = signed_in(gr_manager)
    today = timezone.localdate()
    response = client.post(
        "/linkage/private/new/",
        {
            "partner_name": "Ministry of Migration",
            "partner_country": "IT",
            "purpose": "Unaccompanied children registered on arrival",
            "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=90)).isoformat(),
            "key_source": "generate",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = response.context["key"]
    assert len(key) >= 40 and key in response.content.decode()
    agreement = MatchingAgreement.objects.get()
    assert agreement.key_fingerprint == pprl.key_fingerprint(key.encode())

    row = json.dumps(list(MatchingAgreement.objects.values()), default=str)
    assert key not in row and key.encode().hex() not in row
    assert key not in agreement.sealed_key
    trail = json.dumps(
        list(AuditEvent.objects.values("details", "reason", "object_repr")), ensure_ascii=False
    )
    assert key not in trail and agreement.key_fingerprint in trail
    assert key not in client.get(f"/linkage/private/{agreement.pk}/").content.decode()
    opened, resealed = agreement_keys.open_sealed(agreement.sealed_key, agreement.reference)
    assert (opened, resealed) == (key.encode(), None)
    # Sealed for this agreement only: copied onto another agreement's row, it does not open.
    with pytest.raises(ImproperlyConfigured):
        agreement_keys.open_sealed(agreement.sealed_key, MatchingAgreement().reference)


def test_the_key_survives_a_rotation_of_secret_key_resealed_on_use_or_by_the_command(
    settings, children, agreements, rs_manager
):
    agreement, unused = agreements["serbian"], agreements["greek"]
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a new secret key " * 4, [old]
    services.encode_our_records(agreement, origin=Origin(rs_manager), selection=CaseSelection())
    agreement.refresh_from_db()
    assert agreement_keys.open_sealed(agreement.sealed_key, agreement.reference)[1] is None
    call_command("reseal_agreement_keys", stdout=io.StringIO())  # the ones not used meanwhile
    settings.SECRET_KEY_FALLBACKS = []
    for each in (agreement, unused):
        each.refresh_from_db()
        opened, resealed = agreement_keys.open_sealed(each.sealed_key, each.reference)
        assert (opened, resealed) == (agreements["key"].encode(), None)
    settings.SECRET_KEY = "yet another secret key " * 3  # lost without a fallback: said so
    with pytest.raises(ImproperlyConfigured):
        agreement_keys.open_sealed(agreement.sealed_key, agreement.reference)


def test_a_pasted_key_must_be_long_enough_and_is_never_sent_back(region, gr_manager):
    with pytest.raises(ValidationError) as error:
        make_agreement(gr_manager, region.rs_hotline, key="password123")
    assert "key" in error.value.message_dict
    today = timezone.localdate()
    weak = "abababababababababababababababababab"
    page = signed_in(gr_manager).post(
        "/linkage/private/new/",
        {
            "partner_organisation": region.rs_hotline.pk,
            "purpose": "x",
            "valid_from": today.isoformat(),
            "valid_until": today.isoformat(),
            "key_source": "enter",
            "key": weak,
        },
    )
    assert page.status_code == 400 and weak not in page.content.decode()
    assert (
        not MatchingAgreement.objects.exists()
        and not AuditEvent.objects.filter(action=LinkageAction.AGREEMENT_CREATE).exists()
    )


def test_an_ended_or_expired_agreement_encodes_nothing_and_its_key_is_destroyed(
    children, agreements, rs_manager
):
    agreement = agreements["serbian"]
    MatchingAgreement.objects.filter(pk=agreement.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    agreement.refresh_from_db()
    with pytest.raises(ValidationError):
        services.encode_our_records(agreement, origin=Origin(rs_manager), selection=CaseSelection())
    services.end_agreement(agreement, origin=Origin(rs_manager), reason="Agreement terminated")
    agreement.refresh_from_db()
    assert agreement.sealed_key == "" and agreement.ended_at is not None
    assert AuditEvent.objects.filter(
        action=LinkageAction.AGREEMENT_END, object_id=str(agreement.pk)
    ).exists()
    assert not AuditEvent.objects.filter(action=LinkageAction.PRIVATE_ENCODE).exists()


def test_the_selection_chooses_which_open_cases_are_encoded(children, agreements, gr_manager):
    agreement = agreements["greek"]
    origin = Origin(gr_manager)
    migrants = services.encode_our_records(
        agreement, origin=origin, selection=CaseSelection(categories=("migrant",))
    )
    everything = services.encode_our_records(agreement, origin=origin, selection=CaseSelection())
    assert (migrants.records, everything.records) == (1, 2)
    case_services.close_case(
        children["other_greek"], origin=origin, outcome="closed_other", reason="Found at home"
    )
    assert (
        services.encode_our_records(agreement, origin=origin, selection=CaseSelection()).records
        == 1
    )
    with pytest.raises(ValidationError):
        services.encode_our_records(
            agreement,
            origin=origin,
            selection=CaseSelection(opened_since=timezone.localdate() + timedelta(days=1)),
        )


def test_the_api_compares_a_partner_file_lists_the_matches_and_decides(
    children, agreements, gr_manager, rs_manager
):
    from rest_framework.test import APIClient

    serbian = APIClient()
    serbian.force_login(rs_manager)
    sent = serbian.post(
        f"/api/linkage/agreements/{agreements['serbian'].pk}/encode/", {}, format="json"
    )
    assert sent.status_code == 200 and sent["Content-Type"] == "application/octet-stream"
    listed = serbian.get("/api/linkage/agreements/").json()["results"]
    assert [a["key_fingerprint"] for a in listed] == [agreements["serbian"].key_fingerprint]
    assert "sealed_key" not in listed[0] and agreements["key"] not in json.dumps(listed)

    greek = APIClient()
    greek.force_login(gr_manager)
    compare = f"/api/linkage/agreements/{agreements['greek'].pk}/compare/"
    refused = greek.post(compare, {"file": upload(b"not an encodings file")}, format="multipart")
    assert refused.status_code == 400 and refused.json()["code"] == "refused"
    assert refused.json()["errors"]["file"] and not EncodedExchange.objects.exists()
    exchange = greek.post(compare, {"file": upload(sent.content)}, format="multipart")
    assert exchange.status_code == 201, exchange.json()
    matches = greek.get(
        "/api/linkage/private-matches/", {"exchange": exchange.json()["id"]}
    ).json()["results"]
    assert [m["case_number"] for m in matches] == [children["greek"].number]
    decided = greek.post(
        f"/api/linkage/private-matches/{matches[0]['id']}/decide/",
        {"status": "confirmed"},
        format="json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "confirmed"
    # The partner sees neither the Greek agreement nor its matches.
    assert serbian.get(f"/api/linkage/private-matches/{matches[0]['id']}/").status_code == 404
    assert serbian.post(compare, {"file": upload(sent.content)}).status_code == 404


def test_an_ended_agreements_page_says_so_and_offers_no_encoding(agreements, rs_manager):
    agreement = agreements["serbian"]
    services.end_agreement(agreement, origin=Origin(rs_manager), reason="Terminated")
    page = signed_in(rs_manager).get(f"/linkage/private/{agreement.pk}/").content.decode()
    assert "not in force" in page and "/encode/" not in page
    refused = signed_in(rs_manager).post(f"/linkage/private/{agreement.pk}/encode/", {})
    assert refused.status_code == 400 and "has ended" in refused.content.decode()
