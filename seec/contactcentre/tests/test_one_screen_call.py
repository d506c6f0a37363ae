"""One call on one screen: the contact, the case it opens or follows up, and its conversation
saved in one step; refusals leave nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from seec.cases.models import Case, Contact
from seec.cases.tests.conftest import case_fields
from seec.contactcentre import services
from seec.core.audit import Origin

pytestmark = pytest.mark.django_db


def post_call(client, **fields):
    data = {
        "channel": "call",
        "subject": "new_disappearance",
        "caller_relation": "parent",
        "caller_name": "Ελένη Παπαδοπούλου",
        "caller_phone": "+30 690 000 1111",
        "caller_language": "el",
        "started_at": (timezone.now() - timedelta(minutes=3)).isoformat(),
        "duration_seconds": "",
        "given_names": "Γιώργος",
        "family_name": "Παπαδόπουλος",
        "sex": "male",
        "category": "runaway",
        "last_seen_at": (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "last_seen_place": "Αθήνα, Σύνταγμα",
    }
    data.update(fields)
    return client.post(reverse("contactcentre:call"), data)


def test_a_new_disappearance_opens_its_case_from_the_same_screen(client, operator):
    client.force_login(operator)
    response = post_call(client)
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    contact = Contact.objects.get()
    assert contact.case == case and case.given_names == "Γιώργος"
    # The timer's start and the time taken, not typed: about three minutes.
    assert 170 <= contact.duration_seconds <= 200
    assert contact.caller_language == "el"


def test_likely_duplicate_is_shown_and_nothing_is_saved_until_confirmed(
    client, operator, open_case
):
    open_case(given_names="Γιώργος", family_name="Παπαδόπουλος", sex="male")
    client.force_login(operator)
    response = post_call(client, given_names="Giorgos", family_name="Papadopoulos")
    assert response.status_code == 200
    assert "This may be a child we already know" in response.content.decode()
    assert Contact.objects.count() == 0 and Case.objects.count() == 1
    post_call(client, given_names="Giorgos", family_name="Papadopoulos", confirm_new="yes")
    assert Case.objects.count() == 2 and Contact.objects.count() == 1


def test_follow_up_is_attached_to_the_existing_case_in_one_step(client, operator, open_case):
    case = open_case()
    client.force_login(operator)
    response = post_call(client, subject="", attach=case.number, given_names="")
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    contact = Contact.objects.get()
    assert contact.case == case and contact.subject == "case_information"


def test_a_refused_case_leaves_no_contact(client, operator):
    client.force_login(operator)
    response = post_call(client, last_seen_place="")
    assert response.status_code == 200
    assert Contact.objects.count() == 0 and Case.objects.count() == 0
    assert "This field is required." in response.content.decode()


def test_an_unknown_case_number_is_named_on_its_field(client, operator, region):
    client.force_login(operator)
    response = post_call(client, subject="case_information", case_number="GR-2020-000999")
    assert "No case with this number that you may see." in response.content.decode()
    assert Contact.objects.count() == 0


def test_the_conversation_records_its_contact_once(client, operator, available):
    conversation, _ = services.contact_arrived(
        organisation=operator.organisation, channel="call", caller_number="+306900001111"
    )
    services.answer(conversation, origin=Origin(operator))
    client.force_login(operator)
    url = reverse("contactcentre:conversation", args=[conversation.pk])
    page = client.get(url).content.decode()
    assert "+306900001111" in page and 'id="call-timer"' in page
    fields = {"channel": "call", "subject": "advice", "caller_relation": "unknown"}
    response = client.post(url, fields)
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.contact.subject == "advice"
    again = client.post(url, fields)
    assert again.status_code == 200 and Contact.objects.count() == 1


def test_the_callers_language_list_starts_with_the_callers_country(operator):
    from seec.contactcentre.forms import CallForm

    form = CallForm(caller_number="+380 44 123 4567", hotline_country="GR")
    first_group = form.fields["caller_language"].choices[1]
    assert [code for code, _label in first_group[1]][:2] == ["uk", "el"]


def test_case_fields_helper_is_shared():
    assert case_fields()["category"] == "runaway"


def test_the_blank_call_screens_nationality_list_is_in_the_operators_language(client, operator):
    """The list of countries is kept a minute per language (cases/forms.py cached_choices):
    an operator working in Greek after one in English still reads the names in Greek, and
    every country is offered with its own value."""
    from seec.contactcentre.forms import ChildForm
    from seec.core.models import Country

    greece = Country.objects.get(code="GR")
    client.force_login(operator)
    pages = {}
    for language in ("en", "el", "en"):
        operator.preferred_language = language
        operator.save(update_fields=["preferred_language"])
        pages[language] = client.get(reverse("contactcentre:call")).content.decode()
    assert f'<option value="{greece.pk}">Greece</option>' in pages["en"]
    assert f'<option value="{greece.pk}">Ελλάδα</option>' in pages["el"]
    assert "Ελλάδα" not in pages["en"]
    # A submitted form is checked against the table, not the kept list.
    posted = ChildForm({"given_names": "A", "category": "runaway", "nationality": "XX"})
    assert not posted.is_valid() and "nationality" in posted.errors
