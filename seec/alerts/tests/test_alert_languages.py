"""Alerts in each country's languages and scripts: BCP 47 tags in CAP, each text checked to be
in the language it is labelled with, the wording from each language's catalogue, the times in
the country's offset."""

import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from lxml import etree

from seec.alerts import alert_languages, cap, services
from seec.alerts.models import AlertSettings, AlertStatus
from seec.alerts.tests.conftest import AREA, all_met
from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user

NS = {"cap": cap.CAP_NS}

SERBIAN_CYRILLIC = {
    "headline": "УЗБУНА ЗА НЕСТАЛО ДЕТЕ: Марија, 14 година",
    "description": "Девојчица је последњи пут виђена на аутобуској станици. Носила је црвену "
    "јакну и плави ранац.",
    "instruction": "Ако видите дете, одмах позовите 192 или 116 000. Не прилазите.",
}
SERBIAN_LATIN = {
    "headline": "UZBUNA ZA NESTALO DETE: Marija, 14 godina",
    "description": "Devojčica je poslednji put viđena na autobuskoj stanici. Nosila je crvenu "
    "jaknu i plavi ranac.",
    "instruction": "Ako vidite dete, odmah pozovite 192 ili 116 000. Ne prilazite.",
}
ALBANIAN = {
    "headline": "ALARM PËR FËMIJË TË ZHDUKUR: Marija, 14 vjeç",
    "description": "Vajza u pa për herë të fundit në stacionin e autobusëve. Kishte veshur një "
    "xhaketë të kuqe dhe një çantë blu.",
    "instruction": "Nëse e shihni fëmijën, telefononi menjëherë 192 ose 116 000. Mos iu afroni.",
}
MACEDONIAN = {
    "headline": "ТРЕВОГА ЗА ИСЧЕЗНАТО ДЕТЕ: Марија, 14 години",
    "description": "Девојчето последен пат е видено на автобуската станица. Носеше црвена "
    "јакна и син ранец.",
    "instruction": "Ако го видите детето, веднаш јавете се на 192 или 116 000. Не приоѓајте.",
}
ENGLISH = {
    "headline": "CHILD ALERT: Marija, 14, abducted",
    "description": "The girl was last seen at the bus station, wearing a red jacket and a "
    "blue backpack.",
    "instruction": "If you see the child, call 192 or 116 000 at once. Do not approach.",
}


def _police(code):
    return make_user(
        make_organisation(code, OrganisationKind.POLICE, name=f"Police {code}"),
        RoleCode.ALERT_AUTHORITY,
        username=f"{code.lower()}-police",
    )


@pytest.fixture
def serbian_case(region):
    return case_services.open_case(
        origin=Origin(region.foreign_manager),
        fields=case_fields(category="criminal_abduction"),
    )


def _info_languages(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    return [element.text for element in root.findall("cap:info/cap:language", NS)]


def test_every_country_has_its_default_alert_languages_with_english_last():
    defaults = alert_languages.DEFAULT_ALERT_LANGUAGES
    assert defaults["RS"] == ["sr-Cyrl", "sr-Latn", "en"]
    assert defaults["BA"] == ["bs", "hr", "sr-Cyrl", "en"]
    assert defaults["MK"] == ["mk", "sq", "en"]
    assert defaults["CY"] == ["el", "tr", "en"]
    assert defaults["ME"] == ["cnr", "en"]
    assert all(tags[-1] == "en" for tags in defaults.values())
    assert len(defaults) == 14


def test_a_countrys_alert_languages_are_checked_in_the_admin(db):
    settings_ = AlertSettings(country_id="RS", languages="sr-cyrl, sr-latn,en")
    settings_.clean()
    assert settings_.languages == "sr-Cyrl,sr-Latn,en"  # canonical case
    with pytest.raises(ValidationError) as refused:
        AlertSettings(country_id="RS", languages="sr-Cyrl,klingon").clean()
    assert "klingon" in str(refused.value.message_dict["languages"])


def test_serbian_cyrillic_latin_and_albanian_alerts_for_serbia_and_north_macedonia_are_valid_cap(
    region, serbian_case
):
    """An alert for a case in Serbia (Cyrillic, Latin, English), asked across the border of
    North Macedonia (Macedonian, Albanian, English): each CAP message validates against the
    CAP 1.2 schema and labels each info with its BCP 47 tag; times carry the local offset."""
    AlertSettings.objects.create(country_id="RS", languages="sr-Cyrl,sr-Latn,en")
    AlertSettings.objects.create(country_id="MK", languages="mk,sq,en")
    police = {code: _police(code) for code in ("RS", "MK")}
    manager = Origin(region.foreign_manager)
    requested = services.request_alert(serbian_case, origin=manager, answers=all_met(), **AREA)
    assert [t.language for t in requested.texts.order_by("pk")] == ["sr-Cyrl", "sr-Latn", "en"]
    serbian = services.approve_alert(
        requested,
        origin=Origin(police["RS"]),
        texts={"sr-Cyrl": SERBIAN_CYRILLIC, "sr-Latn": SERBIAN_LATIN, "en": ENGLISH},
    )
    asked = services.request_cross_border(
        serbian, origin=manager, country_id="MK", reason="Seen on the bus to Kumanovo"
    )
    macedonian = services.approve_alert(
        asked, origin=Origin(police["MK"]), texts={"mk": MACEDONIAN, "sq": ALBANIAN}
    )
    for alert, languages in (
        (serbian, ["sr-Cyrl", "sr-Latn", "en"]),
        (macedonian, ["mk", "sq", "en"]),
    ):
        assert alert.status == AlertStatus.ISSUED
        xml = bytes(alert.messages.get().xml)
        cap.validate(xml)  # the OASIS CAP 1.2 schema
        cap.verify(xml, cap.SigningKey.load().cert_pem)
        assert _info_languages(xml) == languages
        root = etree.fromstring(xml)
        offset = timezone.localtime(alert.issued_at, zoneinfo.ZoneInfo("Europe/Belgrade"))
        expected = offset.isoformat()[-6:]  # +01:00 in winter, +02:00 in summer
        assert root.find("cap:sent", NS).text.endswith(expected)
        assert root.find("cap:info/cap:onset", NS).text.endswith(expected)
        assert root.find("cap:info/cap:expires", NS).text.endswith(expected)
    albanian = macedonian.texts.get(language="sq")
    assert albanian.headline == ALBANIAN["headline"]


def test_an_english_text_labelled_serbian_latin_is_refused_by_field(region, serbian_case):
    AlertSettings.objects.create(country_id="RS", languages="sr-Cyrl,sr-Latn,en")
    police = _police("RS")
    requested = services.request_alert(
        serbian_case, origin=Origin(region.foreign_manager), answers=all_met(), **AREA
    )
    with pytest.raises(ValidationError) as refused:
        services.approve_alert(
            requested,
            origin=Origin(police),
            texts={"sr-Cyrl": SERBIAN_CYRILLIC, "sr-Latn": ENGLISH, "en": ENGLISH},
        )
    problems = refused.value.message_dict
    assert set(problems) == {
        "texts.sr-Latn.headline",
        "texts.sr-Latn.description",
        "texts.sr-Latn.instruction",
    }
    assert "not in Serbian (Latin)" in problems["texts.sr-Latn.description"][0]
    assert "English" in problems["texts.sr-Latn.description"][0]
    requested.refresh_from_db()
    assert requested.status == AlertStatus.REQUESTED and not requested.messages.exists()


@pytest.mark.parametrize(
    ("text", "tag", "accepted"),
    [
        (SERBIAN_LATIN["description"], "sr-Latn", True),
        (SERBIAN_LATIN["description"], "cnr", True),  # Montenegrin: the same family
        (SERBIAN_LATIN["description"], "hr", True),
        (SERBIAN_LATIN["description"], "bs", True),
        (SERBIAN_CYRILLIC["description"], "sr-Latn", False),  # the wrong script
        (SERBIAN_LATIN["description"], "sr-Cyrl", False),
        (SERBIAN_CYRILLIC["description"], "sr-Cyrl", True),
        (MACEDONIAN["description"], "sr-Cyrl", False),  # a neighbour's language
        (SERBIAN_CYRILLIC["description"], "mk", False),
        (MACEDONIAN["description"], "mk", True),
        (ALBANIAN["description"], "sq", True),
        (ENGLISH["description"], "sq", False),
        (ENGLISH["description"], "el", False),
        (ENGLISH["description"], "en", True),
        ("Μικρό κείμενο στα ελληνικά για το παιδί που χάθηκε.", "el", True),
        ("Çocuk en son otogarda görüldü, kırmızı bir ceket giyiyordu.", "tr", True),
        ("Copilul a fost văzut ultima dată la autogară, purta o geacă roșie.", "ro", True),
        ("Otrok je bil nazadnje viden na avtobusni postaji v rdeči jakni.", "sl", True),
        ("Детето е видяно за последно на автогарата, с червено яке.", "bg", True),
        ("Дитину востаннє бачили на автовокзалі в червоній куртці.", "uk", True),
        ("Дитину востаннє бачили на автовокзалі в червоній куртці.", "bg", False),
    ],
)
def test_the_detector_reads_each_language_of_the_region(text, tag, accepted):
    problem = alert_languages.text_problem(text, tag)
    assert (problem is None) == accepted, problem


def test_names_and_short_texts_are_not_judged():
    # A headline that is only the child's name and age says nothing of its language.
    assert alert_languages.text_problem("Marija Đorđević, 14", "sq", ["Marija", "Đorđević"]) is None
    assert alert_languages.text_problem("Ana, 8 god.", "sq") is None  # too short to judge
    assert (
        alert_languages.text_problem(
            "Jovana Petrović Novi Sad", "mk", ignore=["Jovana", "Petrović", "Novi", "Sad"]
        )
        is None
    )


def test_the_platform_wording_comes_from_each_languages_catalogue(region):
    """Ukrainian (complete): the default text is the Ukrainian catalogue's wording, the child's
    name as the case writes it, the time in Kyiv's zone and the Ukrainian format."""
    hotline = make_organisation("UA", name="Magnolia")
    operator = make_user(hotline, RoleCode.HOTLINE_OPERATOR)
    manager = make_user(hotline, RoleCode.CASE_MANAGER)
    case = case_services.open_case(
        origin=Origin(operator),
        fields=case_fields(
            given_names="Олена", family_name="Коваленко", category="criminal_abduction"
        ),
    )
    alert = services.request_alert(case, origin=Origin(manager), answers=all_met(), **AREA)
    ukrainian = alert.texts.get(language="uk")
    with translation.override("uk"):
        headline = translation.gettext("CHILD ALERT: %(name)s, %(age)s, abducted")
    assert headline != "CHILD ALERT: %(name)s, %(age)s, abducted"
    assert ukrainian.headline == headline % {"name": "Олена Коваленко", "age": case.age_now}
    kyiv = timezone.localtime(case.last_seen_at, zoneinfo.ZoneInfo("Europe/Kyiv"))
    assert kyiv.strftime("%d.%m.%Y %H:%M") in ukrainian.description
    english = alert.texts.get(language="en")
    assert english.headline.startswith("CHILD ALERT: ")
    place = case.last_seen_place.replace(",", " ").split()  # a place's name is no language
    assert alert_languages.text_problem(ukrainian.description, "uk", ignore=place) is None


def test_the_childs_name_is_written_in_each_languages_script(region, serbian_case):
    """Марија Ђорђевић, recorded in Serbia, in each language's own writing."""
    AlertSettings.objects.create(country_id="RS", languages="sr-Cyrl,sr-Latn,mk,sq,el,bg,en")
    alert = services.request_alert(
        serbian_case, origin=Origin(region.foreign_manager), answers=all_met(), **AREA
    )
    headlines = {text.language: text.headline for text in alert.texts.all()}
    assert "Марија Ђорђевић" in headlines["sr-Cyrl"]
    assert "Marija Đorđević" in headlines["sr-Latn"]
    assert "Марија Ѓорѓевиќ" in headlines["mk"]
    assert "Gjorgjeviq" in headlines["sq"]
    assert "Μαρ" in headlines["el"]
    assert "Джорджевич" in headlines["bg"]
    assert "Marija Đorđević" in headlines["en"]


def test_the_authority_sees_each_texts_sms_and_its_segments(issued_alert, police):
    from django.test import Client

    from seec.alerts import sms

    browser = Client()
    browser.force_login(police)
    page = browser.get(f"/alerts/manage/{issued_alert.pk}/").content.decode()
    english = issued_alert.texts.get(language="en")
    from seec.alerts.channels import alert_sms

    content = alert_sms(issued_alert, english)
    length = sms.measure(content)
    assert content.endswith(f"/alerts/public/{issued_alert.reference}/?lang=en")
    assert f"SMS: {length.segments} segment" in page and length.encoding in page
    assert "Ελληνικά (el)" in page and "English (en)" in page


def test_the_approval_page_names_the_field_whose_text_is_in_another_language(region, serbian_case):
    from django.test import Client

    AlertSettings.objects.create(country_id="RS", languages="sr-Cyrl,sr-Latn,en")
    police = _police("RS")
    requested = services.request_alert(
        serbian_case, origin=Origin(region.foreign_manager), answers=all_met(), **AREA
    )
    form = {"hours": "6", "override_reason": ""}
    for tag, text in (("sr-Cyrl", SERBIAN_CYRILLIC), ("sr-Latn", SERBIAN_LATIN), ("en", ENGLISH)):
        form.update({f"{tag}_{field}": value for field, value in text.items()})
    form["sr-Latn_instruction"] = ENGLISH["instruction"]
    browser = Client()
    browser.force_login(police)
    answer = browser.post(f"/alerts/manage/{requested.pk}/approve/", form)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'id="id_sr-Latn_instruction_error"' in page
    assert "not in Serbian (Latin)" in page
    requested.refresh_from_db()
    assert requested.status == AlertStatus.REQUESTED
    form["sr-Latn_instruction"] = SERBIAN_LATIN["instruction"]
    assert browser.post(f"/alerts/manage/{requested.pk}/approve/", form).status_code == 302
    requested.refresh_from_db()
    assert requested.status == AlertStatus.ISSUED
