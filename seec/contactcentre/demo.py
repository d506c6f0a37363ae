"""The demo contact centre: each hotline's PBX and SMS lines (their demo secrets below), its
operators' presence and extensions, four weeks of past calls imported from a generated
Asterisk CDR file (so the metrics have something to show), and a Greek caller who has called
before (so a call from +30 690 116 0001 pops up with its history)."""

import csv
import io
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from seec.cases import services as case_services
from seec.cases.models import Case
from seec.core.audit import Origin
from seec.core.models import Organisation, OrganisationKind, User

from .cdr import cdr_line, import_cdr
from .models import CallRecordImport, ContactLine, ContactLineKind, OperatorPresence

RETURNING_CALLER = "+30 690 116 0001"
HISTORY_DAYS = 28


def demo_secret(kind: str, country: str) -> str:
    """The demo lines' signing secrets, published in docs/contact-centre.md: demo only."""
    return f"seec-demo-{kind}-{country.lower()}"


def seed(stdout) -> None:
    """Only what is missing: a load stopped half-way goes on where it stopped."""
    hotlines = Organisation.objects.filter(kind=OrganisationKind.NATIONAL_CENTRE).exclude(
        country=None
    )
    staff = {user.username: user for user in User.objects.filter(username__contains=".")}
    rng = random.Random(116000)
    calls = 0
    for hotline in hotlines:
        cc = hotline.country_id
        for kind, name in ((ContactLineKind.PBX_WEBHOOK, "pbx"), (ContactLineKind.SMS, "sms")):
            ContactLine.objects.get_or_create(
                organisation=hotline, name=f"{name.upper()} {cc} (demo)",
                defaults={"kind": kind, "secret": demo_secret(name, cc)},
            )  # fmt: skip
        for prefix, extension in (("operator", "PJSIP/201"), ("manager", "PJSIP/202")):
            user = staff.get(f"{prefix}.{cc.lower()}")
            if user is not None:
                OperatorPresence.objects.get_or_create(
                    user=user, defaults={"organisation": hotline, "extension": extension}
                )
        supervisor = staff.get(f"manager.{cc.lower()}")
        if (
            supervisor is not None
            and not CallRecordImport.objects.filter(organisation=hotline).exists()
        ):
            calls += import_cdr(
                past_calls(rng, cc), origin=Origin(supervisor), filename=f"demo-{cc}.csv",
                timezone_name=settings.TIME_ZONE,
            ).imported  # fmt: skip
    returning_caller(staff.get("operator.gr"))
    stdout.write(f"Demo contact centre ready ({calls} past calls).")


def past_calls(rng: random.Random, country: str) -> bytes:
    """Four weeks of calls to 116000 as Asterisk's Master.csv: more by day than by night,
    most answered within a minute, some abandoned after a long wait."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    rows = []
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        for n in range(rng.randint(6, 18)):
            hour = rng.choices(range(24), [1] * 7 + [4] * 12 + [2] * 5)[0]
            start = datetime(day.year, day.month, day.day, hour, rng.randint(0, 59),
                             rng.randint(0, 59), tzinfo=zone)  # fmt: skip
            wait = int(rng.lognormvariate(3, 0.8))
            abandoned = (wait > 90 and rng.random() < 0.6) or rng.random() < 0.04
            talk = None if abandoned else rng.randint(40, 900)
            number = (
                f"+{rng.choice(['30', '40', '359', '381', '380'])}69{rng.randint(0, 9999999):07d}"
            )
            uniqueid = f"{int(start.timestamp())}.{country}{n}"
            rows.append(cdr_line(uniqueid, number, start, wait, talk))
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def returning_caller(operator) -> None:
    """A mother who called about her son's case a few days ago."""
    from seec.cases.models import Contact, digits_of

    if (
        operator is None
        or Contact.objects.filter(caller_phone_digits=digits_of(RETURNING_CALLER)).exists()
    ):
        return
    case = (
        Case.objects.filter(organisation_id=operator.organisation_id)
        .open()
        .order_by("-opened_at")
        .first()
    )
    if case is None:
        return
    case_services.record_contact(
        origin=Origin(operator),
        data={
            "channel": "call",
            "subject": "case_information",
            "caller_relation": "parent",
            "caller_name": "Μαρία Παππά",
            "caller_phone": RETURNING_CALLER,
            "caller_language": "el",
            "started_at": timezone.now() - timedelta(days=3),
            "duration_seconds": 240,
            "summary": "Asked whether there is news.",
        },
        case=case,
    )
