"""Partners' lists are uploaded, mapped to the common fields and checked row by row: a bad
file is refused with every problem listed by row and column, and nothing is stored."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from seec.core.audit import chain_staged_reads
from seec.core.models import AuditEvent, RoleCode
from seec.linkage import held_uploads, services
from seec.linkage.models import PartnerList, PartnerRecord
from seec.linkage.partner_mapping import Mapping, guess_date_format, guess_mapping
from seec.linkage.services import LinkageAction, PartnerListRefused

from .conftest import GREEK_MAPPING, GREEK_REGISTER, csv_bytes, upload, xlsx_bytes


def nothing_stored():
    return PartnerList.objects.count() == 0 and PartnerRecord.objects.count() == 0


def refused(user, **fields) -> list:
    with pytest.raises(PartnerListRefused) as error:
        upload(user, **fields)
    assert nothing_stored()
    return error.value.problems


def test_a_greek_register_in_csv_is_stored_whole_in_one_audited_step(gr_manager):
    partner_list = upload(gr_manager)
    assert partner_list.rows == 3 and partner_list.organisation == gr_manager.organisation
    assert partner_list.delete_after == timezone.localdate() + timedelta(days=90)
    girl = partner_list.records.get(row_number=3)
    assert (girl.given_name, girl.family_name, girl.sex) == ("ΓΙΟΒΑΝΑ", "ΠΕΤΡΟΒΙΤΣ", "female")
    assert girl.date_of_birth == date(2012, 3, 7) and girl.nationality_id == "RS"
    assert girl.event_date == date(2025, 10, 5) and girl.partner_reference == "102"
    boy = partner_list.records.get(row_number=2)
    assert boy.age_estimate == 15 and boy.date_of_birth is None and boy.sex == "male"
    assert boy.nationality_id == "AF"
    event = AuditEvent.objects.get(action=LinkageAction.LIST_UPLOADED)
    assert event.object_id == str(partner_list.pk) and event.details["rows"] == 3
    assert "ΓΙΟΒΑΝΑ" not in str(event.details)  # the trail names the file, not the children


def test_an_xlsx_list_with_date_cells_and_one_full_name_column_is_stored(gr_manager):
    content = xlsx_bytes(
        [
            ["Ref", "Full name", "Sex", "Date of birth", "Date found", "Latitude", "Longitude"],
            ["P-1", "PETROVIĆ Jovana", "Ž", datetime(2012, 3, 7), date(2025, 10, 5), 40.64, 22.94],
            ["P-2", "NIKOLOVSKI Stefan", "M", "21/11/2010", "", "", ""],
        ]
    )
    mapping = Mapping(
        columns={
            "partner_reference": "Ref",
            "full_name": "Full name",
            "sex": "Sex",
            "date_of_birth": "Date of birth",
            "event_date": "Date found",
            "latitude": "Latitude",
            "longitude": "Longitude",
        },
        date_format="%d/%m/%Y",
        name_order="family_first",
    )
    partner_list = upload(gr_manager, content=content, mapping=mapping, filename="found.xlsx")
    jovana, stefan = partner_list.records.order_by("row_number")
    assert (jovana.given_name, jovana.family_name, jovana.sex) == ("Jovana", "PETROVIĆ", "female")
    assert jovana.date_of_birth == date(2012, 3, 7) and float(jovana.latitude) == 40.64
    assert (stefan.given_name, stefan.family_name) == ("Stefan", "NIKOLOVSKI")
    assert stefan.date_of_birth == date(2010, 11, 21) and stefan.latitude is None
    assert partner_list.name_order == "family_first"


def test_unmapped_required_fields_are_refused_with_every_problem(gr_manager):
    mapping = Mapping(columns={"sex": "Φύλο", "place": "Δομή"}, date_format="%d.%m.%Y")
    messages = [p.message for p in refused(gr_manager, mapping=mapping)]
    assert any("given names and of the family name" in m for m in messages)
    assert any("date of birth or of the age" in m for m in messages)


def test_a_column_chosen_twice_or_missing_from_the_file_is_refused(gr_manager):
    columns = {**GREEK_MAPPING.columns, "place": "Επώνυμο", "document_number": "Passport"}
    problems = refused(gr_manager, mapping=Mapping(columns=columns, date_format="%d.%m.%Y"))
    assert {p.column for p in problems} >= {"Επώνυμο", "Passport"}


def test_dates_in_an_unknown_format_are_refused_row_by_row(gr_manager):
    mapping = Mapping(columns=GREEK_MAPPING.columns, date_format="%Y-%m-%d")
    problems = refused(gr_manager, mapping=mapping)
    # Every written date of every row, birth and entry: none is written as YYYY-MM-DD.
    where = {(p.row, p.column) for p in problems}
    assert (3, "Ημερομηνία γέννησης") in where and (4, "Ημερομηνία γέννησης") in where
    assert {(2, "Ημερομηνία εισόδου"), (3, "Ημερομηνία εισόδου")} <= where
    assert all("YYYY-MM-DD" in p.message for p in problems)
    unknown = Mapping(columns=GREEK_MAPPING.columns, date_format="%d %B %Y")
    assert any("Unknown date format" in p.message for p in refused(gr_manager, mapping=unknown))


@pytest.mark.parametrize("encoding", ["cp1253", "cp1251"])
def test_a_file_in_an_old_code_page_is_refused_naming_the_encoding(gr_manager, encoding):
    text = (
        GREEK_REGISTER
        if encoding == "cp1253"
        else "Име;Презиме;Датум рођења\nЈован;Јовић;1.1.2012\n"
    )
    content = text.replace("Ј", "J").replace("ј", "j").encode(encoding)
    [problem] = refused(gr_manager, content=content)
    assert "UTF-8" in problem.message and "Windows-125" in problem.message
    assert problem.row == 1  # the header already is not UTF-8


def test_a_header_only_file_is_refused(gr_manager):
    [problem] = refused(gr_manager, content=csv_bytes(GREEK_REGISTER.splitlines()[0] + "\n"))
    assert "header row only" in problem.message
    [problem] = refused(gr_manager, content=xlsx_bytes([["Surname", "Name", "DOB"]]))
    assert "header row only" in problem.message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "neither"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
        (b"", "empty"),
        ("Surname,Name\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(gr_manager, content, words):
    [problem] = refused(gr_manager, content=content)
    assert words in problem.message


def test_every_bad_cell_is_listed_at_once_by_row_and_column(gr_manager):
    content = csv_bytes(
        "Surname,Name,Sex,DOB,Age,Lat,Lon,Country\n"
        "Petrović,Jovana,Ж,31.02.2012,,40.6,22.9,RS\n"  # no 31 February
        "Nikolovski,Stefan,q,,19,,,MK\n"  # unknown sex, too old
        "Hasan,Amina,F,,about ten,95,22.9,SY\n"  # age not a number, latitude off the globe
        "Ahmadi,Farid,M,01.01.2011,,41.1,,Narnia\n"  # no longitude, no such country
        ",,F,01.01.2012,,,,\n"  # no name
        "Kaya,Elif,K,01.01.2090,,,,TR\n"  # born in the future
    )
    mapping = Mapping(
        columns={
            "family_name": "Surname",
            "given_name": "Name",
            "sex": "Sex",
            "date_of_birth": "DOB",
            "age_estimate": "Age",
            "latitude": "Lat",
            "longitude": "Lon",
            "nationality": "Country",
        },
        date_format="%d.%m.%Y",
    )
    problems = refused(gr_manager, content=content, mapping=mapping)
    where = {(p.row, p.column) for p in problems}
    assert where == {
        (2, "DOB"),
        (3, "Sex"),
        (3, "Age"),
        (4, "Age"),
        (4, "Lat"),
        (5, "Lon"),
        (5, "Country"),
        (6, "Name / Surname"),
        (7, "DOB"),
    }
    by_place = {(p.row, p.column): p.message for p in problems}
    assert "not a date of the calendar" in by_place[(2, "DOB")]
    assert "0 to 17" in by_place[(3, "Age")] and "not a number" in by_place[(4, "Age")]
    assert "future" in by_place[(7, "DOB")]


@pytest.mark.parametrize(
    ("written", "sex"),
    [
        ("Ж", "female"),
        ("м", "male"),
        ("Θ", "female"),
        ("Άρρεν", "male"),
        ("f", "female"),
        ("Male", "male"),
        ("ž", "female"),
        ("E", "male"),
        ("femër", "female"),
        ("", "unknown"),
        ("?", "unknown"),
    ],
)
def test_sex_is_read_in_the_forms_of_the_regions_languages(gr_manager, written, sex):
    content = csv_bytes(f"Name;Surname;Sex;Age\nAna;Ivanova;{written};12\n")
    mapping = Mapping(
        columns={
            "given_name": "Name",
            "family_name": "Surname",
            "sex": "Sex",
            "age_estimate": "Age",
        }
    )
    assert upload(gr_manager, content=content, mapping=mapping).records.get().sex == sex


def test_the_mapping_proposes_columns_from_the_headers_of_the_regions_languages():
    greek = guess_mapping(GREEK_REGISTER.splitlines()[0].split(";"))
    assert greek == GREEK_MAPPING.columns
    serbian = guess_mapping(["Презиме", "Име", "Пол", "Датум рођења", "Држављанство"])
    assert serbian == {
        "family_name": "Презиме",
        "given_name": "Име",
        "sex": "Пол",
        "date_of_birth": "Датум рођења",
        "nationality": "Држављанство",
    }
    assert guess_mapping(["Name", "Surname", "DOB"])["given_name"] == "Name"
    assert guess_mapping(["Name", "DOB"])["full_name"] == "Name"


def test_the_date_format_is_proposed_from_the_dates_written(gr_manager):
    table = services.read_partner_file(csv_bytes(GREEK_REGISTER), "register.csv")
    assert guess_date_format(table, GREEK_MAPPING.columns) == "%d.%m.%Y"


def test_a_list_is_kept_no_longer_than_the_platform_allows(gr_manager, settings):
    settings.SEEC_LINKAGE_UPLOAD_MAX_RETENTION_DAYS = 60
    assert services.retention_choices() == [30, 60]
    with pytest.raises(ValidationError) as error:
        upload(gr_manager, retention_days=90)
    assert "retention_days" in error.value.message_dict
    assert nothing_stored()


def test_only_those_who_link_upload_lists(region):
    with pytest.raises(PermissionDenied):
        upload(region.users[RoleCode.HOTLINE_OPERATOR])
    assert nothing_stored()


# --- The pages ---------------------------------------------------------------------------------


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def mapping_post(mapping: Mapping, **fields) -> dict:
    data = {
        "name": "Reception centre register",
        "kind": "migrant_minors",
        "country": "GR",
        "retention_days": "90",
        "date_format": mapping.date_format,
        "name_order": mapping.name_order,
    }
    data.update({f"column_{name}": column for name, column in mapping.columns.items()})
    data.update(fields)
    return data


def held_files(media):
    folder = media / held_uploads.FOLDER
    return list(folder.iterdir()) if folder.exists() else []


def test_the_upload_pages_read_map_check_and_store_a_list(gr_manager, media):
    browser = signed_in(gr_manager)
    response = browser.post(
        "/linkage/lists/upload/",
        {"file": SimpleUploadedFile("register.csv", csv_bytes(GREEK_REGISTER))},
    )
    assert response.status_code == 302 and response.url == "/linkage/lists/upload/columns/"
    [held] = held_files(media)
    assert b"\xce\x93\xce\x99\xce\x9f" not in held.read_bytes()  # ΓΙΟ: encrypted at rest
    page = browser.get("/linkage/lists/upload/columns/").content.decode()
    # The Greek headers are proposed, and the dates' format read from them.
    assert '<option value="Επώνυμο" selected>' in page
    assert '<option value="%d.%m.%Y" selected>' in page
    assert "ΓΙΟΒΑΝΑ" in page  # the preview of the first rows

    # A wrong date format: every row listed, nothing stored, the file still held to retry.
    wrong = mapping_post(GREEK_MAPPING, date_format="%m/%d/%Y")
    response = browser.post("/linkage/lists/upload/columns/", wrong)
    assert response.status_code == 400 and nothing_stored()
    assert response.content.decode().count('class="problem"') == 5
    assert len(held_files(media)) == 1

    response = browser.post("/linkage/lists/upload/columns/", mapping_post(GREEK_MAPPING))
    partner_list = PartnerList.objects.get()
    assert response.status_code == 302 and response.url == f"/linkage/lists/{partner_list.pk}/"
    assert held_files(media) == []  # the file is not kept once the list is stored
    page = browser.get(response.url).content.decode()
    assert "ΠΕΤΡΟΒΙΤΣ" in page and "Reception centre register" in page
    chain_staged_reads()  # what the worker does within seconds of the read
    assert AuditEvent.objects.filter(
        action=LinkageAction.LIST_VIEWED, object_id=str(partner_list.pk)
    ).exists()


def test_the_upload_page_lists_every_problem_of_a_bad_file_and_keeps_nothing(gr_manager, media):
    browser = signed_in(gr_manager)
    content = GREEK_REGISTER.encode("cp1253")
    response = browser.post(
        "/linkage/lists/upload/", {"file": SimpleUploadedFile("register.csv", content)}
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert held_files(media) == [] and nothing_stored()


def test_a_form_error_and_the_rows_problems_are_shown_together(gr_manager):
    browser = signed_in(gr_manager)
    browser.post(
        "/linkage/lists/upload/",
        {"file": SimpleUploadedFile("register.csv", csv_bytes(GREEK_REGISTER))},
    )
    data = mapping_post(GREEK_MAPPING, name="", date_format="%Y-%m-%d")
    page = browser.post("/linkage/lists/upload/columns/", data).content.decode()
    assert page.count('class="problem"') == 5 and "This field is required." in page
    assert nothing_stored()


def test_the_preview_follows_the_mapping_through_htmx(gr_manager):
    browser = signed_in(gr_manager)
    browser.post(
        "/linkage/lists/upload/",
        {"file": SimpleUploadedFile("register.csv", csv_bytes(GREEK_REGISTER))},
    )
    data = mapping_post(GREEK_MAPPING, preview="1", date_format="%Y-%m-%d")
    response = browser.post("/linkage/lists/upload/columns/", data, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="partner-preview"')
    assert "YYYY-MM-DD" in fragment and nothing_stored()


def test_a_cancelled_upload_deletes_the_held_file(gr_manager, media):
    browser = signed_in(gr_manager)
    browser.post(
        "/linkage/lists/upload/",
        {"file": SimpleUploadedFile("register.csv", csv_bytes(GREEK_REGISTER))},
    )
    assert len(held_files(media)) == 1
    browser.post("/linkage/lists/upload/cancel/")
    assert held_files(media) == []
    response = browser.get("/linkage/lists/upload/columns/")
    assert response.status_code == 302 and response.url == "/linkage/lists/upload/"


def test_a_held_file_is_readable_by_its_uploader_only(gr_manager, region):
    token = held_uploads.hold(gr_manager.pk, b"Name\nAna\n")
    assert held_uploads.load(gr_manager.pk, token) == b"Name\nAna\n"
    with pytest.raises(held_uploads.HeldFileGone):
        held_uploads.load(region.foreign_manager.pk, token)
    with pytest.raises(held_uploads.HeldFileGone):
        held_uploads.load(gr_manager.pk, "../../secret_key")


@pytest.mark.parametrize("role", [RoleCode.HOTLINE_OPERATOR, RoleCode.ANALYST])
def test_roles_that_do_not_link_are_refused_every_upload_step(region, role, media):
    browser = signed_in(region.users[role])
    file = SimpleUploadedFile("register.csv", csv_bytes(GREEK_REGISTER))
    assert browser.post("/linkage/lists/upload/", {"file": file}).status_code == 403
    assert browser.get("/linkage/lists/upload/columns/").status_code == 403
    assert (
        browser.post("/linkage/lists/upload/columns/", mapping_post(GREEK_MAPPING)).status_code
        == 403
    )
    assert browser.post("/linkage/lists/upload/cancel/").status_code == 403
    assert held_files(media) == [] and nothing_stored()
