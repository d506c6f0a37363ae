"""Partners' lists for the linkage tests: files as partners send them, and a stored list."""

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.linkage import services
from seec.linkage.partner_mapping import Mapping

# A Greek reception centre's register, as its staff keep it: Greek headers, Greek script,
# surnames in capitals, dates day first. Row 3 is the Serbian girl Јована Петровић.
GREEK_REGISTER = (
    "Α/Α;Επώνυμο;Όνομα;Φύλο;Ημερομηνία γέννησης;Ηλικία;Υπηκοότητα;Ημερομηνία εισόδου;Δομή\n"
    "101;ΑΧΜΑΝΤΙ;ΦΑΡΙΝΤ;Α;;15;Αφγανιστάν;02.10.2025;Φυλάκιο Έβρου\n"
    "102;ΠΕΤΡΟΒΙΤΣ;ΓΙΟΒΑΝΑ;Θ;07.03.2012;;Σερβία;05.10.2025;Θεσσαλονίκη\n"
    "103;ΧΑΣΑΝ;ΑΜΙΝΑ;Θ;14.08.2013;;SY;06.10.2025;Θεσσαλονίκη\n"
)

GREEK_MAPPING = Mapping(
    columns={
        "partner_reference": "Α/Α",
        "family_name": "Επώνυμο",
        "given_name": "Όνομα",
        "sex": "Φύλο",
        "date_of_birth": "Ημερομηνία γέννησης",
        "age_estimate": "Ηλικία",
        "nationality": "Υπηκοότητα",
        "event_date": "Ημερομηνία εισόδου",
        "place": "Δομή",
    },
    date_format="%d.%m.%Y",
)


def csv_bytes(text: str, *, bom: bool = True) -> bytes:
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Held uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def gr_manager(region):
    return region.users[RoleCode.CASE_MANAGER]


def upload(user, content=None, mapping=GREEK_MAPPING, **overrides):
    fields = {
        "content": csv_bytes(GREEK_REGISTER) if content is None else content,
        "filename": "register.csv",
        "mapping": mapping,
        "name": "Reception centre register, October",
        "kind": "migrant_minors",
        "country": "GR",
        "retention_days": 90,
    }
    fields.update(overrides)
    return services.upload_partner_list(origin=Origin(user), **fields)


@pytest.fixture
def greek_register(gr_manager):
    return upload(gr_manager)


@pytest.fixture
def serbian_girl(region):
    return case_services.open_case(
        origin=Origin(region.foreign_manager),
        fields=case_fields(
            given_names="Јована",
            family_name="Петровић",
            date_of_birth=date(2012, 3, 7),
            last_seen_place="Ниш",
            # A fortnight before the Greek centre registered her.
            last_seen_at=datetime(2025, 9, 20, 18, 0, tzinfo=UTC),
            nationality_id="RS",
        ),
    )
