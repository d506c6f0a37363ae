"""The demo region's child alerts: every country's settings, a few confirmed subscribers on the
local fake gateways, one alert live as an Exercise (so that no real system takes it for real)
and one cancelled, so that the public page, the feed and the dashboard show something from the
first `make run`."""

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from seec.cases.models import Case
from seec.core.audit import Origin
from seec.core.models import Country, User
from seec.core.region import REGION

from . import alert_languages, services
from .alert_languages import default_languages
from .criteria import PRESETS
from .models import Alert, AlertSettings, AlertTemplate, Channel, CriteriaPreset, Subscriber

DEMO_AREA = {
    "GR": ("Attica", [(38.25, 23.35), (38.25, 24.10), (37.70, 24.10), (37.70, 23.35)]),
    "RS": ("Belgrade and Vojvodina", [(45.9, 19.0), (45.9, 21.3), (44.5, 21.3), (44.5, 19.0)]),
}

# Demo wording of a country's own (the admin's alert templates), as a national centre would
# write it; the platform's own wording comes from the message catalogues.
SERBIAN_TEMPLATES = {
    "sr-Cyrl": {
        "headline": "УЗБУНА ЗА НЕСТАЛО ДЕТЕ: {name}, {age} год.",
        "description": "Дете је последњи пут виђено у месту {place}, {when}. {description} "
        "{clothing}",
        "instruction": "Ако видите дете или возило {vehicle}, одмах позовите {police} или "
        "116 000. Не прилазите.",
    },
    "sr-Latn": {
        "headline": "UZBUNA ZA NESTALO DETE: {name}, {age} god.",
        "description": "Dete je poslednji put viđeno u mestu {place}, {when}. {description} "
        "{clothing}",
        "instruction": "Ako vidite dete ili vozilo {vehicle}, odmah pozovite {police} ili "
        "116 000. Ne prilazite.",
    },
}


def seed(stdout) -> None:
    for code in REGION:
        AlertSettings.objects.get_or_create(
            country_id=code,
            defaults={
                "languages": ",".join(default_languages(code)),
                "criteria": CriteriaPreset.EU,
                "endangered_tier": code in {"RO", "MD"},
            },
        )
    # Greece writes its alerts in Greek its own way (the other languages keep the platform's).
    AlertTemplate.objects.get_or_create(
        country_settings_id="GR",
        language="el",
        tier="child_alert",
        defaults={
            "headline": "ΣΥΝΑΓΕΡΜΟΣ ΓΙΑ ΠΑΙΔΙ: {name}, {age} ετών",
            "description": "Εξαφανίστηκε από {place} στις {when}. {description} {clothing}",
            "instruction": "Αν δείτε το παιδί ή το όχημα {vehicle}, καλέστε αμέσως το {police} "
            "ή το 116 000. Μην πλησιάσετε.",
        },
    )
    # Serbia too, in both of its scripts.
    for language, template in SERBIAN_TEMPLATES.items():
        AlertTemplate.objects.get_or_create(
            country_settings_id="RS", language=language, tier="child_alert", defaults=template
        )
    if not Subscriber.objects.exists():
        now = timezone.now()
        for code in REGION:
            for channel, address in (
                (Channel.EMAIL, f"subscriber.{code.lower()}@example.org"),
                (Channel.SMS, "+306912345678" if code == "GR" else "+381601234567"),
                (Channel.WEBHOOK, demo_webhook(code)),
            ):
                Subscriber.objects.create(
                    channel=channel,
                    address=address,
                    country_id=code,
                    language=REGION[code][0][0],
                    secret=secrets.token_hex(32) if channel == Channel.WEBHOOK else "",
                    confirmed_at=now,
                    unsubscribe_token=secrets.token_urlsafe(32),
                )
    # The partners' webhooks of the demo are the local fake gateways, wherever `make run` put
    # them this time (GATEWAY_PORT).
    for subscriber in Subscriber.objects.filter(
        channel=Channel.WEBHOOK, address__contains="/webhook/"
    ):
        if subscriber.address != demo_webhook(subscriber.country_id):
            Subscriber.objects.filter(pk=subscriber.pk).update(
                address=demo_webhook(subscriber.country_id)
            )
    if Alert.objects.exists():
        return
    made = [_exercise("GR"), _exercise("RS", cancel=True)]
    if any(made):
        stdout.write("Demo alerts ready (one live exercise, one cancelled).")


def demo_webhook(code: str) -> str:
    return f"{settings.SEEC_GATEWAYS['email'].rstrip('/')}/webhook/{code.lower()}"


def _abduction_case(code: str, operator: User) -> Case:
    """A fresh abduction case for the demo alert, when the demo cases left none open."""
    from seec.cases import generator
    from seec.cases import services as case_services

    fields = dict(next(iter(generator.generate(1, seed=4242, countries=[code]))).fields)
    fields.update(category="criminal_abduction", subcategory="", last_seen_at=timezone.now())
    return case_services.open_case(origin=Origin(operator), fields=fields)


def _exercise(code: str, cancel: bool = False) -> Alert | None:
    cc = code.lower()
    manager = User.objects.filter(username=f"manager.{cc}").first()
    police = User.objects.filter(username=f"police.{cc}").first()
    operator = User.objects.filter(username=f"operator.{cc}").first()
    if not (manager and police and operator and Country.objects.filter(pk=code).exists()):
        return None
    case = (
        Case.objects.open()
        .filter(country_id=code, category="criminal_abduction")
        .order_by("-opened_at")
        .first()
    ) or _abduction_case(code, operator)
    preset = services.alert_settings(code).criteria
    answers = {
        c.code: {"met": True, "evidence": "Demo: police report of the abduction"}
        for c in PRESETS[preset]
    }
    description, polygon = DEMO_AREA[code]
    # Before the transaction: loading them takes seconds, which the write lock need not wait.
    alert_languages.ready(services.alert_settings(code).languages.split(","))
    with transaction.atomic():
        alert = services.request_alert(
            case,
            origin=Origin(manager),
            answers=answers,
            area_description=description,
            polygon=polygon,
            exercise=True,
        )
        alert = services.approve_alert(alert, origin=Origin(police), hours=72)
        if cancel:
            services.cancel_alert(alert, origin=Origin(police), reason="Demo: the child is safe")
    return alert
