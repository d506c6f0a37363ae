"""Payment and online identifiers: each validated by its own rules, written in one normal form,
and hashed with the installation's identifier key.

The keyed hash (HMAC-SHA256 over "kind:normal form") is what is compared, here and between
installations that share the key; the normal form makes "GR16 0110…" and "gr160110…" one
identifier. A card number is never stored: only its hash, issuer prefix (BIN) and last four.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import base58
import phonenumbers
from bech32m import codecs as bech32
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _
from eth_utils import is_checksum_address, is_hex_address, to_checksum_address
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from .models import IdentifierKind


@dataclass(frozen=True)
class Normalised:
    kind: str
    value: str  # the normal form; empty for a card
    display: str
    key_hash: str
    card_bin: str = ""
    card_last4: str = ""


def identifier_key() -> bytes:
    key = settings.SEEC_PROTECTION_IDENTIFIER_KEY
    if not key:
        raise ImproperlyConfigured("SEEC_PROTECTION_IDENTIFIER_KEY is not set")
    return key.encode()


def keyed_hash(kind: str, normal_form: str) -> str:
    return hmac.new(identifier_key(), f"{kind}:{normal_form}".encode(), hashlib.sha256).hexdigest()


def normalise(kind: str, raw: str, *, region: str = "", platform: str = "") -> Normalised:
    """The identifier in its normal form, or ValidationError({"value": ...}) saying why not.

    `region` is the ISO country whose numbering plan a phone number written without its
    country code is read in (the recording organisation's); `platform` the site a username
    belongs to (one name on two sites is two identifiers)."""
    raw = (raw or "").strip()
    if not raw:
        raise ValidationError({"value": _("Enter the identifier.")})
    if kind not in IdentifierKind.values:
        raise ValidationError({"kind": _("Unknown kind of identifier.")})
    reader = _READERS[kind]
    value, display, extra = reader(raw, region)
    if kind == IdentifierKind.USERNAME:
        extra["hashed"] = f"{platform.strip().casefold()}/{value}"
    key_source = extra.pop("hashed", value)
    return Normalised(kind, value, display, keyed_hash(kind, key_source), **extra)


def _iban(raw, _region):
    try:
        iban = IBAN(raw)
    except SchwiftyException as error:
        raise ValidationError(
            {"value": _("Not a valid IBAN: %(reason)s") % {"reason": error}}
        ) from error
    return iban.compact, iban.formatted, {}


CARD_DIGITS = re.compile(r"^\d{12,19}$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _card(raw, _region):
    digits = re.sub(r"[\s-]", "", raw)
    if not CARD_DIGITS.match(digits):
        raise ValidationError(
            {"value": _("A card number has 12 to 19 digits (spaces and dashes allowed).")}
        )
    if not luhn_valid(digits):
        raise ValidationError(
            {"value": _("This card number fails its check digit: a digit is wrong.")}
        )
    # The issuer prefix is the first eight digits on 16-digit cards and longer (ISO/IEC 7812
    # since 2017), six on shorter ones.
    bin_length = 8 if len(digits) >= 16 else 6
    last4 = digits[-4:]
    display = f"{digits[:bin_length]} … {last4}"
    return "", display, {"hashed": digits, "card_bin": digits[:bin_length], "card_last4": last4}


def _phone(raw, region):
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            {
                "value": _(
                    "Not a phone number: write it with its country code (+30 …) or as a "
                    "number of your country."
                )
            }
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            {"value": _("This phone number does not exist in its country's numbering plan.")}
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return e164, shown, {}


BASE58_VERSIONS = {0x00: "P2PKH", 0x05: "P2SH"}


def _bitcoin(raw, _region):
    if raw.lower().startswith("bc1"):
        address = raw.lower() if raw.lower() == raw or raw.upper() == raw else raw
        try:
            bech32.decode("bc", address)
        except (bech32.DecodeError, bech32.HrpDoesNotMatch, TypeError, ValueError) as error:
            raise ValidationError(
                {
                    "value": _(
                        "Not a valid Bitcoin address: its bech32/bech32m checksum or "
                        "witness program is wrong."
                    )
                }
            ) from error
        return address, address, {}
    try:
        payload = base58.b58decode_check(raw)
    except ValueError as error:
        raise ValidationError(
            {"value": _("Not a valid Bitcoin address: its base58 checksum is wrong.")}
        ) from error
    if len(payload) != 21 or payload[0] not in BASE58_VERSIONS:
        raise ValidationError(
            {"value": _("Not a Bitcoin main-network address (P2PKH, P2SH or bech32).")}
        )
    return raw, raw, {}


def _ethereum(raw, _region):
    if not is_hex_address(raw):
        raise ValidationError(
            {"value": _("An Ethereum address is 0x followed by 40 hexadecimal digits.")}
        )
    body = raw[2:]
    mixed_case = body != body.lower() and body != body.upper()
    if mixed_case and not is_checksum_address(raw):
        raise ValidationError(
            {
                "value": _(
                    "This Ethereum address fails its EIP-55 checksum (the capitals): a "
                    "character is wrong."
                )
            }
        )
    address = to_checksum_address(raw)
    return address.lower(), address, {}


USERNAME = re.compile(r"^@?[\w.\-]{1,100}$")


def _username(raw, _region):
    if not USERNAME.match(raw):
        raise ValidationError(
            {
                "value": _(
                    "A username is letters, digits, dots, dashes and underscores (an @ may lead)."
                )
            }
        )
    name = raw.lstrip("@").casefold()
    return name, f"@{name}", {}


def _url(raw, _region):
    text = raw if "://" in raw else f"https://{raw}"
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or "." not in host:
        raise ValidationError({"value": _("Not a web address (http or https, with a domain).")})
    try:
        host = host.encode("idna").decode("ascii").lower()
        port = parts.port
    except (UnicodeError, ValueError) as error:
        raise ValidationError(
            {"value": _("The domain or port of this address is not valid.")}
        ) from error
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    # One form whatever the scheme, case of the host, default port, "www.", trailing slash or
    # fragment; the query stays (it often carries the profile or the listing).
    path = parts.path.rstrip("/")
    normal = urlunsplit(("https", host, path, parts.query, ""))
    return normal, normal, {}


_READERS = {
    IdentifierKind.IBAN: _iban,
    IdentifierKind.CARD: _card,
    IdentifierKind.PHONE: _phone,
    IdentifierKind.MOBILE_MONEY: _phone,
    IdentifierKind.BITCOIN: _bitcoin,
    IdentifierKind.ETHEREUM: _ethereum,
    IdentifierKind.USERNAME: _username,
    IdentifierKind.URL: _url,
}
