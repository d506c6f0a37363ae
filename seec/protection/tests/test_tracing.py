"""Identifiers: validated by their own rules; the same one seen in two countries tells both
police units and no one else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from seec.core.audit import Origin
from seec.core.models import Notification, User
from seec.protection import identifiers, intelligence, tracing
from seec.protection.models import IdentifierMatch, TraceIdentifier

from .conftest import TODAY

GOOD = {
    "iban": "GR16 0110 1250 0000 0001 2300 695",
    "card": "4111 1111 1111 1111",
    "phone": "+355 69 212 3456",
    "bitcoin": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "ethereum": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "username": "@Marko_99",
    "url": "HTTP://www.Example.com/profile/77/",
}


@pytest.mark.parametrize(
    "kind,raw,expected",
    [
        ("iban", "gr1601101250000000012300695", "GR1601101250000000012300695"),
        ("phone", "069 212 3456", "+355692123456"),
        ("bitcoin", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
        (
            "bitcoin",
            "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
            "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
        ),
        (
            "ethereum",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        ("url", "https://example.com/profile/77#top", "https://example.com/profile/77"),
        ("username", "Marko_99", "marko_99"),
    ],
)
def test_identifiers_are_written_in_one_normal_form(kind, raw, expected):
    assert identifiers.normalise(kind, raw, region="AL").value == expected


@pytest.mark.parametrize(
    "kind,raw",
    [
        ("iban", "GR16 0110 1250 0000 0001 2300 696"),
        ("card", "4111 1111 1111 1112"),
        ("card", "4111"),
        ("phone", "+30 12"),
        ("bitcoin", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"),
        ("bitcoin", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"),
        ("ethereum", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
        ("ethereum", "0x123"),
        ("url", "javascript:alert(1)"),
        ("username", "two words"),
    ],
)
def test_a_bad_identifier_is_refused_with_its_reason(kind, raw):
    with pytest.raises(ValidationError) as error:
        identifiers.normalise(kind, raw)
    assert error.value.message_dict["value"][0]


def test_a_card_number_is_kept_only_as_a_keyed_hash_its_prefix_and_last_four(people, victim):
    person = intelligence.open_person(
        origin=Origin(people["gr_police"]),
        fields={
            "role": "exploiter",
            "name": "'Lefteris'",
            "review_on": TODAY(),
            "retain_until": TODAY().replace(year=TODAY().year + 2),
        },
    )
    card = tracing.record_identifier(
        origin=Origin(people["gr_police"]), kind="card", value=GOOD["card"], person=person
    )
    stored = TraceIdentifier.objects.filter(pk=card.pk).values().get()
    assert "4111111111111111" not in str(stored)
    assert (card.card_bin, card.card_last4, card.value) == ("41111111", "1111", "")


def test_only_police_record_identifiers(people, victim):
    with pytest.raises(PermissionDenied):
        tracing.record_identifier(
            origin=Origin(people["gr_manager"]), kind="iban", value=GOOD["iban"], victim=victim
        )


def poi(user, name):
    return intelligence.open_person(
        origin=Origin(user),
        fields={
            "role": "trafficker",
            "name": name,
            "review_on": TODAY(),
            "retain_until": TODAY().replace(year=TODAY().year + 1),
        },
    )


def test_an_identifier_seen_in_two_countries_tells_both_police_units_and_no_one_else(people):
    greek, serbian = people["gr_police"], people["rs_police"]
    mine = tracing.record_identifier(
        origin=Origin(greek), kind="iban", value=GOOD["iban"], person=poi(greek, "Recruiter A")
    )
    assert not IdentifierMatch.objects.exists()
    theirs = tracing.record_identifier(
        origin=Origin(serbian),
        kind="iban",
        value="gr16 0110 1250 0000 0001 2300 695",
        person=poi(serbian, "Trafficker B"),
    )
    assert IdentifierMatch.objects.filter(first=mine, second=theirs).exists()
    told = set(Notification.objects.values_list("user__username", flat=True))
    greek_unit = {"gr-alert_authority", "gr-liaison_officer"}
    assert told == greek_unit | {"rs-police"}
    greek_notice = Notification.objects.filter(user=greek).get()
    assert (
        "Serbian Police" in greek_notice.subject and mine.person.reference in greek_notice.subject
    )
    assert theirs.person.reference not in greek_notice.subject
    serbian_notice = Notification.objects.filter(user=serbian).get()
    assert mine.person.reference not in serbian_notice.subject
    assert not Notification.objects.filter(
        user__in=User.objects.exclude(username__in=greek_unit | {"rs-police"})
    ).exists()
