"""PFIF 1.4: our validator lists every problem and imports nothing from an invalid document;
the export of cases marked for publication passes the same validator."""

import pytest
from django.core.exceptions import ValidationError

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.exchange import pfif
from seec.exchange.models import PfifImport, PfifPerson

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">\n'
VALID = (
    HEAD
    + """  <pfif:person>
    <pfif:person_record_id>personfinder.example.org/p1</pfif:person_record_id>
    <pfif:entry_date>2026-11-30T08:00:00Z</pfif:entry_date>
    <pfif:expiry_date>2099-01-01T00:00:00Z</pfif:expiry_date>
    <pfif:source_date>2026-11-30T07:55:00Z</pfif:source_date>
    <pfif:full_name>Ana Popescu</pfif:full_name>
    <pfif:given_name>Ana</pfif:given_name>
    <pfif:family_name>Popescu</pfif:family_name>
    <pfif:sex>female</pfif:sex>
    <pfif:date_of_birth>2014-05</pfif:date_of_birth>
    <pfif:age>11-13</pfif:age>
    <pfif:home_country>RO</pfif:home_country>
    <pfif:profile_urls>https://example.org/a
https://example.org/b</pfif:profile_urls>
    <pfif:note>
      <pfif:note_record_id>personfinder.example.org/n1</pfif:note_record_id>
      <pfif:author_name>Red Cross desk</pfif:author_name>
      <pfif:source_date>2026-11-30T09:00:00Z</pfif:source_date>
      <pfif:author_made_contact>true</pfif:author_made_contact>
      <pfif:status>believed_alive</pfif:status>
      <pfif:text>Seen at the shelter in Constanța.</pfif:text>
    </pfif:note>
  </pfif:person>
  <pfif:note>
    <pfif:note_record_id>personfinder.example.org/n2</pfif:note_record_id>
    <pfif:person_record_id>personfinder.example.org/p1</pfif:person_record_id>
    <pfif:author_name>Ana's aunt</pfif:author_name>
    <pfif:source_date>2026-11-30T10:00:00Z</pfif:source_date>
    <pfif:status>information_sought</pfif:status>
    <pfif:text>Looking for her.</pfif:text>
  </pfif:note>
</pfif:pfif>
"""
)
INVALID = (
    HEAD
    + """  <pfif:person>
    <pfif:person_record_id>personfinder.example.org/p1</pfif:person_record_id>
    <pfif:entry_date>30/11/2026</pfif:entry_date>
    <pfif:sex>girl</pfif:sex>
    <pfif:date_of_birth>2014-02-30</pfif:date_of_birth>
    <pfif:age>13-11</pfif:age>
    <pfif:home_country>ro</pfif:home_country>
    <pfif:first_name>Ana</pfif:first_name>
    <pfif:photo_url>javascript:alert(1)</pfif:photo_url>
    <pfif:note>
      <pfif:note_record_id>personfinder.example.org/n1</pfif:note_record_id>
      <pfif:person_record_id>personfinder.example.org/p9</pfif:person_record_id>
      <pfif:source_date>2026-11-30T09:00:00Z</pfif:source_date>
      <pfif:author_made_contact>yes</pfif:author_made_contact>
      <pfif:status>safe</pfif:status>
      <pfif:text>x</pfif:text>
    </pfif:note>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>personfinder.example.org/p1</pfif:person_record_id>
    <pfif:full_name>Someone</pfif:full_name>
    <pfif:expiry_date>2020-01-01T00:00:00Z</pfif:expiry_date>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>elsewhere.example.net/p3</pfif:person_record_id>
    <pfif:full_name>Other</pfif:full_name>
  </pfif:person>
  <pfif:note>
    <pfif:note_record_id>personfinder.example.org/n1</pfif:note_record_id>
    <pfif:person_record_id>personfinder.example.org/nobody</pfif:person_record_id>
    <pfif:author_name>x</pfif:author_name>
    <pfif:source_date>2026-11-30T09:00:00Z</pfif:source_date>
    <pfif:author_email>not-an-address</pfif:author_email>
    <pfif:text>x</pfif:text>
  </pfif:note>
</pfif:pfif>
"""
)
EXPECTED = [
    "entry_date must be a UTC time",
    "sex must be female, male or other",
    "date_of_birth must be a real date",
    "age must be a number of years",
    "home_country must be an ISO 3166-1 code",
    "first_name is not a PFIF 1.4 person field",
    "full_name is mandatory and missing",
    "javascript:alert(1) is not an http(s) address",
    "is inside person personfinder.example.org/p1 but names person",
    "author_name is mandatory and missing",
    "author_made_contact must be true or false",
    "status must be one of",
    "has passed, yet the record still carries full_name",
    "the same person_record_id as line",
    "the same note_record_id as line",
    "comes from elsewhere.example.net, not from personfinder.example.org",
    "belongs to no person of this document",
    "author_email is not an e-mail address",
]


def importer(region):
    return Origin(region.users[RoleCode.CASE_MANAGER])


def test_a_valid_document_is_imported_with_its_notes(region):
    batch = pfif.import_document(
        VALID.encode(), origin=importer(region), repository_domain="personfinder.example.org"
    )
    assert (batch.persons, batch.notes) == (1, 2)
    person = PfifPerson.objects.get()
    assert person.full_name == "Ana Popescu" and person.notes.count() == 2


def test_every_problem_is_listed_and_nothing_is_imported(region):
    with pytest.raises(pfif.PfifRefused) as refused:
        pfif.import_document(
            INVALID.encode(), origin=importer(region),
            repository_domain="personfinder.example.org",
        )  # fmt: skip
    text = "\n".join(refused.value.problems)
    missing = [rule for rule in EXPECTED if rule not in text]
    assert missing == [], text
    assert not PfifImport.objects.exists() and not PfifPerson.objects.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person>", "Not well-formed"),
        (b"<pfif xmlns='http://zesty.ca/pfif/1.3'/>", "PFIF 1.4 namespace"),
        (HEAD.encode() + b"<pfif:thing/></pfif:pfif>", "thing is not a PFIF 1.4 record"),
    ],
)
def test_a_document_that_is_no_pfif_1_4_is_refused(region, content, problem):
    with pytest.raises(pfif.PfifRefused) as refused:
        pfif.import_document(content, origin=importer(region), repository_domain="a.example")
    assert problem in " ".join(refused.value.problems)


def test_only_cases_marked_with_consent_are_exported_and_the_export_is_valid_pfif(region):
    manager = Origin(region.users[RoleCode.CASE_MANAGER])
    published = case_services.open_case(origin=manager, fields=case_fields())
    case_services.open_case(origin=manager, fields=case_fields(given_names="Νίκος"))
    with pytest.raises(ValidationError):
        pfif.publish_case(published, origin=manager, consent_note="")
    pfif.publish_case(published, origin=manager, consent_note="Parents agreed in writing.")
    content = pfif.export(region.gr_hotline, origin=manager)
    assert "Марија".encode() in content and "Νίκος".encode() not in content
    from django.conf import settings

    document = pfif.read(content, authorised_domain=settings.SEEC_PFIF_DOMAIN, ours_allowed=True)
    assert document.problems == [] and len(document.persons) == 1
    # And another node may import it, from our domain.
    with pytest.raises(pfif.PfifRefused) as refused:
        pfif.import_document(content, origin=manager, repository_domain="other.example")
    assert "not from other.example" in " ".join(refused.value.problems)


def test_the_page_lists_every_problem_and_publishing_follows_the_case(region):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    manager = Client()
    manager.force_login(region.users[RoleCode.CASE_MANAGER])
    response = manager.post(
        "/exchange/pfif/",
        {"file": SimpleUploadedFile("bad.xml", INVALID.encode()),
         "repository_domain": "personfinder.example.org"},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.content.decode().count("<li>") >= len(EXPECTED)
    case = case_services.open_case(
        origin=Origin(region.users[RoleCode.CASE_MANAGER]), fields=case_fields()
    )
    serbian = Client()
    serbian.force_login(region.foreign_manager)
    assert serbian.post(f"/exchange/pfif/publish/{case.pk}/",
                        {"consent_note": "x"}).status_code == 404  # fmt: skip
    manager.post(f"/exchange/pfif/publish/{case.pk}/", {"consent_note": "Mother agreed."})
    assert "Марија" in manager.get("/exchange/pfif/export.xml").content.decode()
