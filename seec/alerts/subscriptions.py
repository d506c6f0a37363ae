"""Subscribing to a country's child alerts: by e-mail, SMS or webhook, in one language,
confirmed by a code sent to the address, ended in one step by the link in every message."""

import hashlib
import ipaddress
import secrets
import socket
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


@transaction.atomic
def subscribe(*, channel: str, address: str, country_code: str, language: str):
    """A new (or renewed) subscription and its confirmation code, sent to the address by the
    caller's channel. Returns (subscriber, code)."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose e-mail, SMS or webhook.")})
    country = Country.objects.filter(pk=(country_code or "").upper(), in_region=True).first()
    if country is None:
        raise ValidationError({"country": _("Choose a country of the region.")})
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose a language of the platform.")})
    address = normalise_address(channel, address, country.pk)
    code = f"{secrets.randbelow(10**6):06d}"
    subscriber, _created = Subscriber.objects.update_or_create(
        channel=channel,
        address=address,
        country=country,
        defaults={
            "language": language,
            "confirm_code_hash": _digest(code),
            "secret": secrets.token_hex(32) if channel == Channel.WEBHOOK else "",
        },
        create_defaults={
            "language": language,
            "confirm_code_hash": _digest(code),
            "secret": secrets.token_hex(32) if channel == Channel.WEBHOOK else "",
            "unsubscribe_token": secrets.token_urlsafe(32),
        },
    )
    return subscriber, code


def confirm(subscriber: Subscriber, code: str) -> Subscriber:
    if not subscriber.confirm_code_hash or not secrets.compare_digest(
        subscriber.confirm_code_hash, _digest((code or "").strip())
    ):
        raise ValidationError({"code": _("This code is not right; check the last message.")})
    subscriber.confirmed_at, subscriber.confirm_code_hash = timezone.now(), ""
    subscriber.save(update_fields=["confirmed_at", "confirm_code_hash"])
    return subscriber


def unsubscribe(token: str) -> bool:
    deleted, _rows = Subscriber.objects.filter(unsubscribe_token=token).delete()
    return bool(deleted)
