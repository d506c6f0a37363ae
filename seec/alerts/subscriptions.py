"""Subscribing to a country's child alerts: by e-mail, SMS or webhook, in one language,
confirmed by a code sent to the address, ended in one step by the link in every message."""

import hashlib
import ipaddress
import secrets
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seec.core.models import Country

from .models import Channel, Subscriber
from .regions import unknown


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise_address(channel: str, address: str, country_code: str) -> str:
    """The address in the one form the gateways take, or a ValidationError naming the field."""
    address = (address or "").strip()
    if channel == Channel.EMAIL:
        try:
            EmailValidator()(address)
        except ValidationError:
            raise ValidationError({"address": _("Enter a valid e-mail address.")}) from None
        return address.lower()
    if channel == Channel.SMS:
        try:
            number = phonenumbers.parse(address, country_code)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError({"address": _("Enter a valid mobile number, e.g. +30 69…")})
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if channel == Channel.WEBHOOK:
        return _webhook_url(address)
    raise ValidationError({"channel": _("Choose e-mail, SMS or webhook.")})


def _webhook_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    allowed = host in settings.SEEC_WEBHOOK_ALLOWED_HOSTS
    if parts.scheme != "https" and not (allowed and parts.scheme == "http"):
        raise ValidationError({"address": _("A webhook address starts with https://.")})
    if not host:
        raise ValidationError({"address": _("The webhook address has no host.")})
    if allowed:
        return url
    # Never let a subscriber turn the platform against its own network: every address the
    # host resolves to must be public.
    try:
        resolved = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 443)}
    except OSError:
        raise ValidationError({"address": _("The webhook host cannot be found.")}) from None
    for found in resolved:
        ip = ipaddress.ip_address(found.split("%")[0])
        if not ip.is_global:
            raise ValidationError(
                {"address": _("The webhook address points at a private network address.")}
            )
    return url


CODE_VALID = timedelta(minutes=30)
CODE_TRIES = 5


@transaction.atomic
def subscribe(*, channel: str, address: str, country_code: str, language: str, region: str = ""):
    """A new (or renewed) subscription and its confirmation code, which the caller sends to
    the address (`send_code`). Returns (subscriber, code)."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose e-mail, SMS or webhook.")})
    country = Country.objects.filter(pk=(country_code or "").upper(), in_region=True).first()
    if country is None:
        raise ValidationError({"country": _("Choose a country of the region.")})
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose a language of the platform.")})
    if region and unknown(country.pk, [region]):
        raise ValidationError({"region": _("Choose a region of that country, or none.")})
    address = normalise_address(channel, address, country.pk)
    code = f"{secrets.randbelow(10**6):06d}"
    subscriber, _created = Subscriber.objects.update_or_create(
        channel=channel,
        address=address,
        country=country,
        defaults={
            "language": language,
            "region": region,
            "confirm_code_hash": _digest(code),
            "code_sent_at": timezone.now(),
            "code_tries": 0,
            "secret": secrets.token_hex(32) if channel == Channel.WEBHOOK else "",
        },
        create_defaults={
            "language": language,
            "region": region,
            "confirm_code_hash": _digest(code),
            "code_sent_at": timezone.now(),
            "secret": secrets.token_hex(32) if channel == Channel.WEBHOOK else "",
            "unsubscribe_token": secrets.token_urlsafe(32),
        },
    )
    return subscriber, code


def send_code(subscriber: Subscriber, code: str) -> None:
    """The code goes out from the task worker once the subscription is committed."""
    from .tasks import send_subscription_code

    transaction.on_commit(
        lambda: send_subscription_code.enqueue(subscriber_id=subscriber.pk, code=code)
    )


def confirm(subscriber: Subscriber, code: str) -> Subscriber:
    """Confirm with the code sent; a wrong code counts as a try (kept although the step is
    refused), and a code is spent after CODE_TRIES tries or CODE_VALID."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.confirmed_at is not None:
            return subscriber
        spent = subscriber.code_tries >= CODE_TRIES or (
            subscriber.code_sent_at is not None
            and timezone.now() - subscriber.code_sent_at > CODE_VALID
        )
        right = not spent and secrets.compare_digest(
            subscriber.confirm_code_hash, _digest((code or "").strip())
        )
        if right:
            subscriber.confirmed_at, subscriber.confirm_code_hash = timezone.now(), ""
            subscriber.save(update_fields=["confirmed_at", "confirm_code_hash"])
            return subscriber
        if not spent:
            subscriber.code_tries += 1
            subscriber.save(update_fields=["code_tries"])
    if spent or not subscriber.confirm_code_hash:
        raise ValidationError(
            {"code": _("This code has expired or was tried too often: subscribe again.")}
        )
    raise ValidationError({"code": _("This code is not right; check the last message.")})


def unsubscribe(token: str) -> bool:
    deleted, _rows = Subscriber.objects.filter(unsubscribe_token=token).delete()
    return bool(deleted)
