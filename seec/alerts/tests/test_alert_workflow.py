"""A child alert from its request to its cancellation: criteria, four eyes, CAP, public pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from lxml import etree

from seec.alerts import cap, services
from seec.alerts.models import Alert, AlertStatus, CapMessage
from seec.alerts.services import AlertAction
from seec.cases import selectors
from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import AuditEvent, OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user

from .conftest import AREA, all_met


def test_a_request_records_each_criterion_and_tells_the_case_timeline(requested, case):
    assert requested.status == AlertStatus.REQUESTED
    assert requested.criteria["abduction"] == {"met": True, "evidence": "Police report 12/2026"}
    assert set(requested.texts.values_list("language", flat=True)) >= {"en"}
    assert AlertAction.REQUEST in [e.action for e in selectors.timeline(case)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answers": {"abduction": {"met": True, "evidence": ""}}}, "criteria.abduction"),
        ({"answers": {"kidnapped_by_aliens": {"met": True, "evidence": "x"}}}, "criteria."),
        ({"polygon": [(38.0, 23.0), (38.5, 24.0), (38.0, 24.0), (38.5, 23.0)]}, "area"),
        ({"polygon": [(98.0, 23.0), (38.5, 24.0), (38.0, 24.0)]}, "area"),
        ({"area_description": ""}, "area"),
    ],
)
def test_a_bad_request_names_the_field_and_saves_nothing(case, manager, change, field):
    arguments = {"answers": all_met(), **AREA}
    answers = change.pop("answers", None)
    if answers is not None:
        arguments["answers"] = {**all_met(), **answers}
    arguments.update(change)
    with pytest.raises(ValidationError) as error:
        services.request_alert(case, origin=Origin(manager), **arguments)
    assert any(key.startswith(field) for key in error.value.message_dict)
    assert not Alert.objects.exists()


def test_the_requester_cannot_approve_their_own_request(case, region):
    # Someone who holds both roles may request, or decide, but never both on one alert.
    both = make_user(region.gr_hotline, RoleCode.CASE_MANAGER, username="gr-both")
    both.roles.add(*region.users[RoleCode.ALERT_AUTHORITY].roles.all())
    alert = services.request_alert(case, origin=Origin(both), answers=all_met(), **AREA)
    with pytest.raises(PermissionDenied):
        services.approve_alert(alert, origin=Origin(both))
    assert not CapMessage.objects.exists()


def test_police_of_another_country_cannot_approve(requested, region):
    serbian_police = make_user(
        make_organisation("RS", OrganisationKind.POLICE, name="Serbian police"),
        RoleCode.ALERT_AUTHORITY,
        username="rs-police",
    )
    with pytest.raises(PermissionDenied):
        services.approve_alert(requested, origin=Origin(serbian_police))
    assert Alert.objects.get(pk=requested.pk).status == AlertStatus.REQUESTED


def test_a_failed_criterion_needs_a_reasoned_override_which_the_trail_marks(case, manager, police):
    answers = all_met()
    answers["no_added_danger"] = {"met": False, "evidence": ""}
    alert = services.request_alert(case, origin=Origin(manager), answers=answers, **AREA)
    with pytest.raises(ValidationError) as error:
        services.approve_alert(alert, origin=Origin(police))
    assert "criteria" in error.value.message_dict
    assert not CapMessage.objects.exists()
    services.approve_alert(alert, origin=Origin(police), override_reason="Abductor unaware")
    event = AuditEvent.objects.get(action=AlertAction.APPROVE)
    assert event.details["override"] == ["no_added_danger"]
    assert event.reason == "Abductor unaware"


def test_approval_issues_a_signed_valid_cap_alert_and_the_public_sees_it(requested, police):
    alert = services.approve_alert(requested, origin=Origin(police), hours=6)
    assert alert.status == AlertStatus.ISSUED
    assert alert.expires_at - alert.issued_at == timedelta(hours=6)
    message = alert.messages.get()
    xml = bytes(message.xml)
    cap.validate(xml)
    root = cap.verify(xml, cap.SigningKey.load().cert_pem)
    ns = {"cap": cap.CAP_NS}
    assert root.findtext("cap:msgType", namespaces=ns) == "Alert"
    assert root.findtext("cap:status", namespaces=ns) == "Actual"
    infos = root.findall("cap:info", ns)
    assert len(infos) == len(alert.language_list) >= 2
    assert {i.findtext("cap:category", namespaces=ns) for i in infos} == {"Rescue"}
    assert infos[0].findtext("cap:eventCode/cap:value", namespaces=ns) == "CAE"

    client = Client()
    page = client.get(f"/alerts/public/{alert.reference}/")
    assert page.status_code == 200
    assert client.get(f"/alerts/{message.identifier}.xml").content == xml
    feed = etree.fromstring(client.get("/alerts/feed.atom").content)
    assert message.identifier in etree.tostring(feed).decode()
    listed = client.get("/api/public/alerts/").json()
    assert [a["reference"] for a in listed["results"]] == [alert.reference]
    assert listed["results"][0]["cap"].endswith(f"/alerts/{message.identifier}.xml")


def test_the_child_found_cancels_the_alert_and_takes_it_off_the_public_pages(
    requested, police, manager, case
):
    alert = services.approve_alert(requested, origin=Origin(police))
    case_services.mark_found(
        case,
        origin=Origin(manager),
        found_at=timezone.now(),
        found_how="by_police",
        outcome="found_safe",
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CANCELLED
    first, cancel = alert.messages.order_by("sent", "pk")
    assert cancel.msg_type == "Cancel"
    root = cap.verify(bytes(cancel.xml), cap.SigningKey.load().cert_pem)
    references = root.findtext(f"{{{cap.CAP_NS}}}references")
    assert first.identifier in references
    assert case.given_names not in bytes(cancel.xml).decode()  # a cancellation names no child
    client = Client()
    ended = client.get(f"/alerts/public/{alert.reference}/")
    assert ended.status_code == 410 and "This alert has ended" in ended.content.decode()
    assert client.get(f"/alerts/{first.identifier}.xml").status_code == 404
    assert client.get(f"/alerts/{cancel.identifier}.xml").status_code == 200
    feed = client.get("/alerts/feed.atom").content.decode()
    assert first.identifier not in feed and cancel.identifier in feed
    assert client.get("/api/public/alerts/").json()["results"] == []


def test_an_expired_alert_leaves_the_public_pages_at_once(requested, police):
    alert = services.approve_alert(requested, origin=Origin(police), hours=1)
    Alert.objects.filter(pk=alert.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(f"/alerts/public/{alert.reference}/").status_code == 410
    assert services.expire_due() == 1
    assert Client().get(f"/alerts/public/{alert.reference}/").status_code == 410
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.EXPIRED


def test_extension_stays_within_the_country_maximum(requested, police):
    alert = services.approve_alert(requested, origin=Origin(police), hours=6)
    with pytest.raises(ValidationError):
        services.extend_alert(alert, origin=Origin(police), hours=1000)
    services.extend_alert(alert, origin=Origin(police), hours=6)
    alert.refresh_from_db()
    assert alert.hours == 12
    assert alert.messages.latest("pk").msg_type == "Update"


def test_no_approval_on_a_closed_case(requested, police, manager, case):
    case_services.close_case(
        case, origin=Origin(manager), outcome="closed_other", reason="Duplicate report"
    )
    requested.refresh_from_db()
    assert requested.status == AlertStatus.WITHDRAWN  # the case's end withdrew the request
    with pytest.raises(ValidationError):
        services.approve_alert(requested, origin=Origin(police))


SERBIAN_TEXT = {
    "headline": "УЗБУНА ЗА НЕСТАЛО ДЕТЕ: Јована, 10 година",
    "description": "Девојчица је последњи пут виђена у Новом Саду. Носила је црвену јакну.",
    "instruction": "Ако видите дете, одмах позовите 192 или 116 000. Не прилазите.",
}
CROATIAN_TEXT = {
    "headline": "UZBUNA ZA NESTALO DIJETE: Jovana, 10 godina",
    "description": "Djevojčica je posljednji put viđena u Novom Sadu. Nosila je crvenu jaknu.",
    "instruction": "Ako vidite dijete, odmah nazovite 192 ili 116 000. Ne prilazite.",
}


def test_a_cross_border_request_from_serbia_is_accepted_by_croatian_police(region):
    from seec.alerts.models import AlertSettings

    for code, languages in (("RS", "sr-Cyrl,en"), ("HR", "hr,en"), ("BA", "bs,en")):
        AlertSettings.objects.create(country_id=code, languages=languages)
    police = {
        code: make_user(
            make_organisation(code, OrganisationKind.POLICE, name=f"Police {code}"),
            RoleCode.ALERT_AUTHORITY,
            username=f"{code.lower()}-police",
        )
        for code in ("RS", "HR", "BA")
    }
    serbian = Origin(region.foreign_manager)
    case = case_services.open_case(
        origin=serbian, fields=case_fields(given_names="Јована", category="criminal_abduction")
    )
    original = services.request_alert(case, origin=serbian, answers=all_met(), **AREA)
    # Each authority writes its texts in its own language where the catalogue has none yet.
    original = services.approve_alert(
        original, origin=Origin(police["RS"]), texts={"sr-Cyrl": SERBIAN_TEXT}
    )

    asked = services.request_cross_border(
        original, origin=serbian, country_id="HR", reason="Car seen at the Batrovci crossing"
    )
    assert asked.status == AlertStatus.REQUESTED and asked.originates_from == original
    # Only Croatia's authority decides on it; Serbia's cannot.
    with pytest.raises(PermissionDenied):
        services.approve_alert(asked, origin=Origin(police["RS"]))
    croatian = services.approve_alert(
        asked, origin=Origin(police["HR"]), texts={"hr": CROATIAN_TEXT}
    )
    assert croatian.status == AlertStatus.ISSUED
    assert croatian.language_list == ["hr", "en"]
    root = cap.verify(bytes(croatian.messages.get().xml), cap.SigningKey.load().cert_pem)
    assert root.find(f"{{{cap.CAP_NS}}}info/{{{cap.CAP_NS}}}language").text == "hr"
    assert list(original.answers.all()) == [croatian]

    declined = services.request_cross_border(
        original, origin=serbian, country_id="BA", reason="Relatives in Bijeljina"
    )
    services.reject_alert(declined, origin=Origin(police["BA"]), reason="No sign of the child")
    with pytest.raises(ValidationError):  # one request per country
        services.request_cross_border(original, origin=serbian, country_id="HR", reason="again")
    actions = [e.action for e in selectors.timeline(case)]
    assert actions.count(AlertAction.CROSS_BORDER) == 2
    assert AlertAction.REJECT in actions


def test_each_step_is_told_in_the_platform_and_by_email_in_each_readers_language(
    case, manager, police, mailoutbox, django_capture_on_commit_callbacks
):
    police.preferred_language = "el"
    police.save()
    with django_capture_on_commit_callbacks(execute=True):
        alert = services.request_alert(case, origin=Origin(manager), answers=all_met(), **AREA)
    told = police.notifications.get()
    assert told.subject == f"Ζητήθηκε ειδοποίηση για παιδί: {alert.reference}"
    assert told.link.endswith(f"/alerts/manage/{alert.pk}/")
    assert [m.to for m in mailoutbox] == [[police.email]]
    assert not manager.notifications.exists()  # nobody is told of their own step

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_alert(alert, origin=Origin(police))
    # The Greek manager never chose a language: Greek, their country's.
    assert (
        manager.notifications.get().subject
        == f"Η ειδοποίηση για παιδί εγκρίθηκε και εκδόθηκε: {alert.reference}"
    )
    services.cancel_alert(alert, origin=Origin(police), reason="Found in Patras")
    assert "Found in Patras" in manager.notifications.first().subject

    # The reader sees them, opens one (it is then read), and nobody else's.
    browser = Client()
    browser.force_login(manager)
    assert "2" in browser.get("/").content.decode().split("Notices", 1)[1][:80]
    page = browser.get("/notices/").content.decode()
    assert alert.reference in page
    notice = manager.notifications.first()
    assert browser.post(f"/notices/{notice.pk}/open/").url == notice.link
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert browser.post(f"/notices/{told.pk}/open/").status_code == 404


def test_a_countrys_own_template_writes_the_alert_text_in_its_language(case, manager):
    import re

    from seec.alerts.child_names import name_in
    from seec.alerts.models import AlertTemplate

    country_settings = services.alert_settings("GR")
    country_settings.save()
    AlertTemplate.objects.create(
        country_settings=country_settings,
        language="el",
        tier="child_alert",
        headline="ΑΡΠΑΓΗ ΠΑΙΔΙΟΥ: {name} ({age})",
        description="Εθεάθη τελευταία: {place}, {when}. {description}",
        instruction="Καλέστε το {police}.",
    )
    alert = services.request_alert(case, origin=Origin(manager), answers=all_met(), **AREA)
    greek = alert.texts.get(language="el")
    # The name in Greek letters, as a Greek reader reads it (seec.transliteration).
    in_greek = name_in(case.child_name, "el", source="el")
    assert in_greek != case.child_name and not re.search("[А-я]", in_greek)
    assert greek.headline.startswith(f"ΑΡΠΑΓΗ ΠΑΙΔΙΟΥ: {in_greek}")
    assert greek.instruction == f"Καλέστε το {country_settings.police_number}."
    # Languages without a template of the country keep the platform's wording.
    english = alert.texts.get(language="en")
    assert english.headline.startswith("CHILD ALERT:")


@pytest.mark.parametrize("broken", ["{name.__class__}", "{password}", "{name", "{0}", "{age!r}"])
def test_a_template_with_an_unknown_or_unsafe_placeholder_is_refused(broken):
    from seec.alerts.models import AlertTemplate

    template = AlertTemplate(headline=broken, description="x", instruction="y")
    with pytest.raises(ValidationError) as error:
        template.clean()
    assert "headline" in error.value.message_dict
