"""Languages: every official language of the region offered, Montenegrin included; compiled
catalogues; a remembered choice. (Completeness: test_catalogues.py.)"""

from pathlib import Path

import polib
import pytest
from django.conf import settings

from seec.core.audit import Action
from seec.core.models import AuditEvent, RoleCode
from seec.core.tests.factories import PASSWORD

LOCALE = Path(settings.LOCALE_PATHS[0])


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_compiled_catalogue_matches_its_source(language):
    folder = LOCALE / language.replace("-latn", "_Latn") / "LC_MESSAGES"
    source = polib.pofile(str(folder / "django.po"))
    compiled = polib.mofile(str(folder / "django.mo"))
    # By context and message: "To" (a recipient) and "To" (a period's last day) are two.
    translated = {
        (e.msgctxt, e.msgid): e.msgstr for e in source.translated_entries() if not e.msgid_plural
    }
    compiled_map = {
        (e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural and e.msgid
    }
    assert compiled_map == translated, "run `make messages` to recompile"


def sign_in(client, username):
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_switching_language_is_remembered_on_the_account(client, region):
    analyst = region.users[RoleCode.ANALYST]
    sign_in(client, analyst.username)
    response = client.post("/i18n/setlang/", {"language": "el", "next": "/"})
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.preferred_language == "el"
    assert AuditEvent.objects.filter(action=Action.LANGUAGE_CHANGED, actor=analyst).exists()
    page = client.get("/")
    assert page["Content-Language"] == "el"
    assert "Πίνακας" in page.content.decode() or "Καλώς" in page.content.decode()

    # A fresh browser, no cookie: the account's language still wins after sign-in.
    client.cookies.clear()
    sign_in(client, analyst.username)
    assert client.get("/")["Content-Language"] == "el"


def test_unknown_language_gets_an_error_and_changes_nothing(client, region):
    analyst = region.users[RoleCode.ANALYST]
    sign_in(client, analyst.username)
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code == 400
    assert "Unknown language" in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.preferred_language == ""
    response = client.post(
        "/i18n/setlang/", {"language": "xx", "next": "/"}, HTTP_REFERER="http://testserver/"
    )
    assert response.status_code == 302
    assert "Unknown language" in client.get("/").content.decode()


def test_every_interface_language_can_be_chosen_before_sign_in(client, db):
    for code, _name in settings.LANGUAGES:
        response = client.post("/i18n/setlang/", {"language": code, "next": "/accounts/login/"})
        assert response.status_code == 302, code
        assert client.get("/accounts/login/")["Content-Language"] == code


def test_every_official_language_of_the_region_is_offered():
    from seec.core.region import REGION

    offered = {code for code, _name in settings.LANGUAGES}
    for code, (languages, *_rest) in REGION.items():
        assert set(languages) <= offered, code
    assert {
        "sq",
        "bs",
        "bg",
        "hr",
        "el",
        "mk",
        "cnr",
        "ro",
        "sr",
        "sr-latn",
        "sl",
        "tr",
        "uk",
        "en",
    } == offered


def test_montenegrin_is_a_language_of_its_own_with_serbian_latin_behind_it():
    from datetime import datetime

    from django.utils import formats, translation
    from django.utils.translation import trans_real

    assert translation.check_for_language("cnr")
    assert translation.get_language_info("cnr")["name_local"] == "Crnogorski"
    with translation.override("cnr"):
        # Django ships nothing for cnr: its own messages (those the platform does not say in
        # its own words) come from Serbian in Latin script.
        assert translation.gettext("Enter a valid URL.") == "Unesite ispravan URL."
        assert formats.date_format(datetime(2026, 12, 1, 19, 30), "SHORT_DATETIME_FORMAT") == (
            "01.12.2026. 19:30"
        )
    plural = trans_real.translation("cnr").plural
    assert [plural(n) for n in (1, 2, 4, 5, 11, 21, 22, 25)] == [0, 1, 1, 2, 2, 0, 1, 2]
