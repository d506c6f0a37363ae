"""The public subscribes on a page, confirms with the code sent to the address, and stops the
alerts in one step; codes expire and cannot be guessed."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from seec.alerts import subscriptions
from seec.alerts.fakes import FakeGateways
from seec.alerts.models import Channel, Subscriber


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_a_visitor_subscribes_by_email_confirms_and_stops_in_one_step(
    region, mailoutbox, django_capture_on_commit_callbacks
):
    browser = Client(HTTP_ACCEPT_LANGUAGE="el")
    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post(
            "/alerts/subscribe/",
            {"country": "GR", "channel": "email", "address": "Maria@Example.org", "language": "el"},
        )
    assert answer.status_code == 302
    confirm_page = answer.url
    [mail] = mailoutbox
    assert mail.to == ["maria@example.org"]
    assert "Ελλάδα" in mail.body or "Greece" not in mail.body  # written in Greek
    code = _code(mail.body)

    wrong = "000000" if code != "000000" else "111111"
    page = browser.post(confirm_page, {"code": wrong}).content.decode()
    assert 'role="alert"' in page
    assert Subscriber.objects.get().confirmed_at is None

    page = browser.post(confirm_page, {"code": code}).content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is not None
    assert "maria@example.org" in page

    stop = f"/alerts/unsubscribe/{subscriber.unsubscribe_token}/"
    assert browser.get(stop).status_code == 200
    assert Subscriber.objects.exists()  # opening the link alone stops nothing
    browser.post(stop)
    assert not Subscriber.objects.exists()


def test_an_sms_subscription_gets_its_code_through_the_sms_gateway(
    region, django_capture_on_commit_callbacks
):
    with FakeGateways() as fakes, override_settings(SEEC_GATEWAYS={"sms": fakes.url}):
        with django_capture_on_commit_callbacks(execute=True):
            subscriber, code = subscriptions.subscribe(
                channel=Channel.SMS, address="6912345678", country_code="GR", language="en"
            )
            subscriptions.send_code(subscriber, code)
        summary = fakes.ledger.summary()
    assert summary["by_channel"] == {"sms": 1}
    assert summary["requests"] == {"sms": 1}


def test_a_bad_subscription_form_names_the_field_and_saves_nothing(region):
    page = Client().post(
        "/alerts/subscribe/",
        {"country": "GR", "channel": "sms", "address": "12", "language": "en"},
    )
    assert page.status_code == 200
    assert "valid mobile number" in page.content.decode()
    assert not Subscriber.objects.exists()


def test_a_code_is_spent_after_five_wrong_tries_or_half_an_hour(region):
    subscriber, code = subscriptions.subscribe(
        channel=Channel.EMAIL, address="a@example.org", country_code="GR", language="en"
    )
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(subscriptions.CODE_TRIES):
        with pytest.raises(ValidationError):
            subscriptions.confirm(subscriber, wrong)
    with pytest.raises(ValidationError) as error:
        subscriptions.confirm(subscriber, code)  # right, but too late
    assert "subscribe again" in str(error.value)

    subscriber, code = subscriptions.subscribe(
        channel=Channel.EMAIL, address="a@example.org", country_code="GR", language="en"
    )
    Subscriber.objects.filter(pk=subscriber.pk).update(
        code_sent_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(ValidationError):
        subscriptions.confirm(subscriber, code)
    assert Subscriber.objects.get().confirmed_at is None


def test_a_confirmation_link_cannot_be_forged(region):
    assert Client().get("/alerts/subscribe/1/").status_code == 404


def test_an_administrator_registers_a_partner_webhook_with_its_signing_key(
    client, region, settings
):
    from seec.core.models import AuditEvent, RoleCode

    settings.SEEC_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    client.force_login(region.users[RoleCode.ADMINISTRATOR])
    refused = client.post(
        "/admin/alerts/subscriber/add/",
        {"address": "https://10.1.2.3/hook", "country": "GR", "region": "", "language": "el"},
    )
    assert refused.status_code == 200 and "private network" in refused.content.decode()
    assert not Subscriber.objects.exists()
    added = client.post(
        "/admin/alerts/subscriber/add/",
        {"address": "http://127.0.0.1:9/tv", "country": "GR", "region": "GR-I", "language": "el"},
    )
    assert added.status_code == 302
    partner = Subscriber.objects.get()
    assert partner.channel == Channel.WEBHOOK and len(partner.secret) == 64
    assert partner.confirmed_at is not None and partner.region == "GR-I"
    assert AuditEvent.objects.filter(action="alert.partner_registered").exists()
    # Other roles never reach it.
    client.force_login(region.users[RoleCode.CASE_MANAGER])
    assert client.get("/admin/alerts/subscriber/").status_code in (302, 403)


def test_the_subscribers_chosen_language_wins_over_the_browsers(
    region, mailoutbox, django_capture_on_commit_callbacks
):
    """Subscribed from an English browser in Ukrainian: the code e-mail, the confirmation
    page with its errors, and later the unsubscribe page opened anywhere are all Ukrainian."""
    from django.utils import translation

    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post(
            "/alerts/subscribe/",
            {"country": "UA", "channel": "email", "address": "olena@example.org", "language": "uk"},
        )
    [mail] = mailoutbox
    with translation.override("uk"):
        assert mail.subject == translation.gettext("Confirm your child alerts subscription")
        wrong_code = translation.gettext("This code is not right; check the last message.")
    assert mail.subject != "Confirm your child alerts subscription"
    code = _code(mail.body)
    wrong = "000000" if code != "000000" else "111111"
    page = browser.post(answer.url, {"code": wrong}).content.decode()
    assert '<html lang="uk"' in page and wrong_code in page
    browser.post(answer.url, {"code": code})
    token = Subscriber.objects.get().unsubscribe_token
    stop = Client(HTTP_ACCEPT_LANGUAGE="el").get(f"/alerts/unsubscribe/{token}/").content.decode()
    assert '<html lang="uk"' in stop


def test_each_subscriber_gets_the_alerts_text_in_their_language_else_english():
    from seec.alerts.channels import text_language

    texts = {"sr-Cyrl": {}, "sr-Latn": {}, "en": {}}
    assert text_language("sr", texts) == "sr-Cyrl"
    assert text_language("sr-latn", texts) == "sr-Latn"
    assert text_language("uk", texts) == "en"
    assert text_language("uk", {"mk": {}, "sq": {}}) == "mk"
