"""In headless Chromium: the Serbian centre has sent its encodings file under an agreement; a
Greek case manager uploads it, finds the girl registered in Greek script among the candidates
and confirms that she is the same child. Her colleagues are told the partner's record id.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.cases.tests.test_browser_case_path import sign_in
from seec.core.audit import Origin
from seec.core.models import Notification, User
from seec.linkage import services
from seec.linkage.models import PairStatus, PrivateMatch
from seec.linkage.selectors import CaseSelection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_manager_uploads_a_partner_file_and_confirms_a_match(
    demo_region, browser_page, tmp_path
):
    page = browser_page
    rs_manager = User.objects.get(username="manager.rs")
    gr_manager = User.objects.get(username="manager.gr")
    case_services.open_case(
        origin=Origin(User.objects.get(username="operator.rs")),
        fields=case_fields(
            given_names="Милица", family_name="Јовановић", date_of_birth=date(2012, 3, 7)
        ),
    )
    greek = case_services.open_case(
        origin=Origin(User.objects.get(username="operator.gr")),
        fields=case_fields(
            given_names="Μίλιτσα",
            family_name="Γιοβάνοβιτς",
            date_of_birth=date(2012, 7, 3),
            category="migrant",
        ),
    )
    today = timezone.localdate()
    terms = {
        "partner_name": "",
        "partner_country": "",
        "purpose": "Missing migrant children",
        "valid_from": today,
        "valid_until": today + timedelta(days=365),
    }
    serbian, key = services.create_agreement(
        origin=Origin(rs_manager), partner_organisation=gr_manager.organisation, **terms
    )
    greek_agreement, _ = services.create_agreement(
        origin=Origin(gr_manager), partner_organisation=rs_manager.organisation, key=key, **terms
    )
    sent = services.encode_our_records(
        serbian, origin=Origin(rs_manager), selection=CaseSelection()
    )
    partner_file = tmp_path / sent.filename
    partner_file.write_bytes(sent.content)

    sign_in(page, "manager.gr")
    page.get_by_role("link", name="Linkage").click()
    page.get_by_role("link", name="Private matching").click()
    page.get_by_role("link", name=rs_manager.organisation.name).click()
    expect(page.locator("#key-fingerprint")).to_have_text(greek_agreement.grouped_fingerprint)
    page.get_by_label("The partner's encodings file").set_input_files(str(partner_file))
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Candidates to review")).to_be_visible()

    page.get_by_role("row", name=re.compile(greek.number)).get_by_role("link").click()
    expect(page.get_by_text("Μίλιτσα")).to_be_visible()
    expect(page.get_by_text("Милица")).to_have_count(0)  # the partner's names never come
    page.get_by_label("Same child").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()

    match = PrivateMatch.objects.get(case=greek)
    assert (match.status, match.decided_by) == (PairStatus.CONFIRMED, gr_manager)
    told = Notification.objects.filter(user=gr_manager).values_list("subject", flat=True)
    assert any(match.partner_record_id in subject for subject in told)
