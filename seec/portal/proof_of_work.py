"""A proof of work served by the platform itself (no third party, no CDN): hashcash in the
manner of ALTCHA. The server hands out a challenge signed with the SECRET_KEY; the browser
(static/portal/proof-of-work.js) finds a number such that SHA-256("<salt>:<number>") starts
with `bits` zero bits; the server checks the signature, the age, the work, and that the
challenge was not used before (the cache remembers it until it would have expired).

A sender of a thousand reports pays a thousand solutions; a person pays a second or two.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

SALT = "portal.proof-of-work"


def difficulty() -> int:
    """Leading zero bits asked for: about 2**bits hashes on average."""
    return settings.SEEC_PORTAL_POW_BITS


def lifetime() -> int:
    """Seconds a challenge stays good: time to write a report."""
    return settings.SEEC_PORTAL_POW_SECONDS


@dataclass(frozen=True)
class Challenge:
    salt: str
    bits: int
    token: str  # the signed (salt, bits), handed back with the solution


class Refused(Exception):
    """The proof is missing, forged, stale, used already or wrong; the message says which."""


def issue() -> Challenge:
    salt = secrets.token_hex(12)
    bits = difficulty()
    return Challenge(salt, bits, signing.dumps({"s": salt, "b": bits}, salt=SALT))


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solve(challenge: Challenge) -> int:
    """The number the browser finds (tests, and the documentation of the contract)."""
    number = 0
    while not _works(challenge.salt, number, challenge.bits):
        number += 1
    return number


def _works(salt: str, number: int, bits: int) -> bool:
    return leading_zero_bits(hashlib.sha256(f"{salt}:{number}".encode()).digest()) >= bits


def verify(token: str, solution: str) -> None:
    """Accept the solution once, or raise `Refused` with a message for the reporter."""
    if not token or not solution:
        raise Refused(
            _("The anti-spam check was not done: this form needs JavaScript for a few seconds.")
        )
    try:
        data = signing.loads(token, salt=SALT, max_age=lifetime())
    except signing.SignatureExpired:
        raise Refused(_("The anti-spam check expired: reload the page and send again.")) from None
    except signing.BadSignature:
        raise Refused(_("The anti-spam check is not valid: reload the page.")) from None
    if not solution.isdigit() or len(solution) > 12:
        raise Refused(_("The anti-spam check is not valid: reload the page."))
    if data["b"] < difficulty() or not _works(data["s"], int(solution), data["b"]):
        raise Refused(_("The anti-spam check is not valid: reload the page."))
    # Once only: the same solved challenge cannot carry a second report.
    if not cache.add(f"portal:pow:{data['s']}", 1, timeout=lifetime()):
        raise Refused(_("This form was sent already: reload the page to send another report."))
