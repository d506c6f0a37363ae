"""Delivery channels: each a small class behind one interface, speaking its gateway's HTTP
protocol. A channel sends a batch of deliveries of one CAP message and answers, per delivery,
whether the gateway took it (and what it said).

Every request carries each delivery's id as its idempotency key (`ref`, `X-SEEC-Delivery`):
a batch sent again after a worker died mid-way is recognised by the gateway or the receiver,
so that a subscriber gets the alert once.
"""

import hashlib
import hmac
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from seec.core.languages import interface_language, tag_of

from .models import Alert, CapMessage, Channel
from .sms import fit


@dataclass(frozen=True)
class Recipient:
    delivery_id: int
    address: str
    language: str
    secret: str = ""
    unsubscribe_token: str = ""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    answer: str
    retry: bool = False  # a temporary failure (5xx, timeout): try again later


class GatewayChannel:
    """Batches to an HTTP gateway that answers which refs it accepted."""

    channel: str
    batch_size: int = 1000
    path: str

    def __init__(self, client: httpx.Client):
        self.client = client

    def base_url(self) -> str:
        return settings.SEEC_GATEWAYS[self.channel]

    def send(self, message: CapMessage, recipients: list[Recipient]) -> dict[int, Outcome]:
        texts = texts_of(message)
        payload = self.payload(message, texts, recipients)
        headers = {"Idempotency-Key": idempotency_key(self.channel, message, recipients)}
        try:
            response = self.client.post(self.base_url() + self.path, json=payload, headers=headers)
        except httpx.HTTPError as error:
            return {
                r.delivery_id: Outcome(False, f"{type(error).__name__}", True) for r in recipients
            }
        if response.status_code >= 500 or response.status_code == 429:
            answer = f"HTTP {response.status_code}"
            return {r.delivery_id: Outcome(False, answer, True) for r in recipients}
        if response.status_code >= 400:
            answer = f"HTTP {response.status_code}: {response.text[:200]}"
            return {r.delivery_id: Outcome(False, answer) for r in recipients}
        body = response.json()
        accepted = {int(ref) for ref in body.get("accepted", [])}
        rejected = {int(item["ref"]): str(item.get("error", ""))[:200]
                    for item in body.get("rejected", [])}  # fmt: skip
        out = {}
        for recipient in recipients:
            if recipient.delivery_id in accepted:
                out[recipient.delivery_id] = Outcome(True, "accepted")
            else:
                out[recipient.delivery_id] = Outcome(
                    False, rejected.get(recipient.delivery_id, "not in the gateway's answer")
                )
        return out


def idempotency_key(channel: str, message: CapMessage, recipients: list[Recipient]) -> str:
    """One request's key, as e-mail and SMS providers take it (`Idempotency-Key`): the same
    message to the same deliveries is the same request, so the one a killed worker sent is
    answered again by the gateway, not sent again."""
    refs = ",".join(str(r.delivery_id) for r in sorted(recipients, key=lambda r: r.delivery_id))
    return hashlib.sha256(f"{channel}|{message.identifier}|{refs}".encode()).hexdigest()[:40]


class EmailChannel(GatewayChannel):
    """An e-mail sending API: one request per batch, a subject and body per language."""

    channel = Channel.EMAIL
    path = "/v1/messages"

    def payload(self, message, texts, recipients):
        return {
            "message": message.identifier,
            "from": settings.DEFAULT_FROM_EMAIL,
            "content": {
                language: {
                    "subject": text["headline"],
                    "text": text["body"],
                    "unsubscribe_label": text["unsubscribe_label"],
                }
                for language, text in texts.items()
            },
            "messages": [
                {
                    "ref": str(r.delivery_id),
                    "to": r.address,
                    "language": text_language(r.language, texts),
                    # Shown under the text and sent as List-Unsubscribe (RFC 8058).
                    "unsubscribe": unsubscribe_url(r),
                }
                for r in recipients
            ],
        }


def unsubscribe_url(recipient: Recipient) -> str:
    from .services import public_url

    return public_url(f"/alerts/unsubscribe/{recipient.unsubscribe_token}/")


class SmsChannel(GatewayChannel):
    """An SMS gateway's batch API: one short text per language, one ref per number."""

    channel = Channel.SMS
    path = "/v1/sms/batches"

    def payload(self, message, texts, recipients):
        return {
            "message": message.identifier,
            "sender": settings.SEEC_SMS_SENDER,
            "texts": {language: text["sms"] for language, text in texts.items()},
            "messages": [
                {
                    "ref": str(r.delivery_id),
                    "to": r.address,
                    "language": text_language(r.language, texts),
                }
                for r in recipients
            ],
        }


class WebhookChannel:
    """The CAP message itself, POSTed to each partner's URL, signed with the partner's key."""

    channel = Channel.WEBHOOK
    batch_size = 50

    def __init__(self, client: httpx.Client):
        self.client = client

    def send(self, message: CapMessage, recipients: list[Recipient]) -> dict[int, Outcome]:
        body = bytes(message.xml)
        out = {}
        for recipient in recipients:
            signature = hmac.new(recipient.secret.encode(), body, hashlib.sha256).hexdigest()
            headers = {
                "Content-Type": "application/cap+xml",
                "X-SEEC-Delivery": str(recipient.delivery_id),
                "Idempotency-Key": idempotency_key(self.channel, message, [recipient]),
                "X-SEEC-Message": message.identifier,
                "X-SEEC-Signature": f"sha256={signature}",
            }
            try:
                response = self.client.post(recipient.address, content=body, headers=headers)
            except httpx.HTTPError as error:
                out[recipient.delivery_id] = Outcome(False, type(error).__name__, True)
                continue
            status = response.status_code
            out[recipient.delivery_id] = Outcome(
                200 <= status < 300, f"HTTP {status}", status >= 500 or status == 429
            )
        return out


CHANNELS = {Channel.EMAIL: EmailChannel, Channel.SMS: SmsChannel, Channel.WEBHOOK: WebhookChannel}


def text_language(subscriber_language: str, texts: dict) -> str:
    """Which of the alert's texts a subscriber gets: the one in the language they chose
    (an interface code, "sr-latn"), else English, else the country's first."""
    for tag in (tag_of(subscriber_language), "en"):
        if tag in texts:
            return tag
    return next(iter(texts))


def alert_sms(alert: Alert, text) -> str:
    """The SMS of an alert's text as subscribers will get it (shown to the authority)."""
    from .services import public_url

    return fit(text.headline, public_url(f"/alerts/public/{alert.reference}/?lang={text.language}"))


def texts_of(message: CapMessage) -> dict[str, dict]:
    """What e-mail and SMS say, per language of the alert: its headline, instruction and link
    (worked out once per message: a fan-out sends a thousand batches of it)."""
    if not hasattr(message, "_channel_texts"):
        message._channel_texts = _texts(message)
    return message._channel_texts


def _texts(message: CapMessage) -> dict[str, dict]:
    from .services import public_url

    alert: Alert = message.alert
    page = public_url(f"/alerts/public/{alert.reference}/")
    out = {}
    for text in alert.texts.order_by("pk"):
        with translation.override(interface_language(text.language)):
            if message.msg_type == CapMessage.Type.CANCEL:
                headline = _("Child alert cancelled")
                body = _("The child alert %(ref)s is cancelled. Thank you.") % {
                    "ref": alert.reference
                }
            else:
                headline = text.headline
                body = f"{text.description}\n\n{text.instruction}\n\n{page}?lang={text.language}"
            # Shown under the text with the subscriber's own link, in the text's language.
            unsubscribe_label = _("Stop receiving these alerts")
        # One segment where the headline keeps its sense in it, else two (`sms.fit`).
        sms = fit(headline, f"{page}?lang={text.language}")
        out[text.language] = {
            "headline": headline,
            "body": body,
            "sms": sms,
            "unsubscribe_label": unsubscribe_label,
        }
    return out
