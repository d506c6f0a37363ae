"""What a new user found about ended alerts (issue 16, item 12): the public link of an ended
alert answers 410 "This alert has ended"; the feed keeps the Cancel a day; the subscription's
confirmation page lists the live alerts."""

from datetime import timedelta

from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from lxml import etree

from seec.alerts import services, subscriptions
from seec.alerts.models import Alert, CapMessage, Channel
from seec.core import public_cache
from seec.core.audit import Origin

ATOM = "{http://www.w3.org/2005/Atom}"


@override_settings(DEBUG=True)
def test_an_ended_alerts_link_says_it_has_ended(issued_alert, police):
    services.cancel_alert(issued_alert, origin=Origin(police), reason="Found safe")
    for path in (f"/alerts/public/{issued_alert.reference}/",
                 f"/alerts/public/{issued_alert.reference}/?lang=el"):  # fmt: skip
        page = Client().get(path)
        assert page.status_code == 410
        text = page.content.decode()
        assert "This alert has ended" in text and "Traceback" not in text
    assert Client().get(f"/alerts/public/{issued_alert.reference}/photo.jpg").status_code == 410
    assert Client().get("/alerts/public/NO-SUCH-ALERT/").status_code == 404


def test_the_feed_keeps_a_cancel_entry_for_a_day(issued_alert, police):
    services.cancel_alert(issued_alert, origin=Origin(police), reason="Found safe")
    cancel = CapMessage.objects.get(alert=issued_alert, msg_type=CapMessage.Type.CANCEL)
    feed = etree.fromstring(Client().get("/alerts/feed.atom").content)
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")]
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert any(cancel.identifier in (i or "") for i in ids + links)
    CapMessage.objects.filter(pk=cancel.pk).update(sent=timezone.now() - timedelta(days=1, hours=1))
    # A day later: the cached feed was kept only until its oldest Cancel was due to leave (its
    # copies, shared and in this process's memory, have run out: dropped here).
    cache.clear()
    public_cache.invalidate()
    later = Client().get("/alerts/feed.atom").content.decode()
    assert cancel.identifier not in later


def test_the_confirmation_page_lists_the_live_alerts(issued_alert):
    subscriber, code = subscriptions.subscribe(
        channel=Channel.EMAIL, address="m@example.org", country_code="GR", language="en"
    )
    from django.core import signing

    from seec.alerts.views import SUBSCRIBE_SALT

    token = signing.dumps(subscriber.pk, salt=SUBSCRIBE_SALT)
    page = Client().post(f"/alerts/subscribe/{token}/", {"code": code})
    text = page.content.decode()
    assert page.status_code == 200
    assert f"/alerts/public/{issued_alert.reference}/" in text
    assert Alert.objects.filter(pk=issued_alert.pk).exists()
