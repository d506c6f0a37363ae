"""Background work of the alerts: the confirmation code of a new subscription."""

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Channel, Subscriber


@task()
def send_subscription_code(subscriber_id: int, code: str) -> str:
    """By e-mail or by the SMS gateway, in the subscriber's language. A failure raises, and
    the worker records it; the person can ask for a new code."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, confirmed_at__isnull=True).first()
    if subscriber is None:
        return "confirmed or gone"
    with translation.override(subscriber.language):
        text = _("Your code to confirm child alerts from %(country)s: %(code)s") % {
            "country": str(subscriber.country),
            "code": code,
        }
        if subscriber.channel == Channel.EMAIL:
            send_mail(_("Confirm your child alerts subscription"), text, None, [subscriber.address])
            return "e-mail sent"
    if subscriber.channel == Channel.SMS:
        ref = f"code-{subscriber.pk}-{subscriber.code_sent_at:%s}"
        response = httpx.post(
            settings.SEEC_GATEWAYS["sms"] + "/v1/sms/batches",
            json={
                "message": f"subscription-{subscriber.pk}",
                "sender": settings.SEEC_SMS_SENDER,
                "texts": {subscriber.language: text},
                "messages": [
                    {
                        "ref": ref,
                        "to": subscriber.address,
                        "language": subscriber.language,
                    }
                ],
            },
            # A retried task is the same request: the gateway sends the code once.
            headers={"Idempotency-Key": ref},
            timeout=10,
        )
        response.raise_for_status()
        if not response.json().get("accepted"):
            raise RuntimeError(f"SMS gateway refused the code: {response.text[:200]}")
        return "SMS sent"
    return "no code for this channel"
