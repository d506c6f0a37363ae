"""Indicators of a hotline's service computed from the platform's own records.

A registry: each provider has a code, a label, a unit and a function of (organisation, first
day, last day) that returns a `Measure` (or None where the records say nothing). The network
registers what the case records give (contacts, police in time, follow-up, cross-border
cases, staff trained). Another app adds its own at start-up in its `AppConfig.ready`:

    from seec.network import indicators

    @indicators.register("calls.answered_share", label=_("Calls answered"), unit="share",
                         source=_("Contact centre call records"))
    def answered_share(organisation, first_day, last_day): ...

(the contact centre's call records give availability by hour, the answered share and the time
to answer). A criterion of a catalogue names an indicator by its code; where no provider of
that code is installed the evaluation says so instead of guessing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Measure:
    value: Decimal | float | int | None
    numerator: int | None = None
    denominator: int | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorProvider:
    code: str
    label: str
    unit: str  # "count", "share" (0–1), "seconds", "hours"
    source: str
    description: str
    compute: Callable[..., Measure | None]


_registry: dict[str, IndicatorProvider] = {}


def register(code: str, *, label, unit: str, source, description="", replace: bool = False):
    """Decorator: add `compute(organisation, first_day, last_day) -> Measure | None`."""

    def decorate(compute):
        if code in _registry and not replace:
            raise ValueError(f"indicator {code} is already registered")
        _registry[code] = IndicatorProvider(code, label, unit, source, description, compute)
        return compute

    return decorate


def provider(code: str) -> IndicatorProvider | None:
    return _registry.get(code)


def providers() -> list[IndicatorProvider]:
    return sorted(_registry.values(), key=lambda p: p.code)


def compute_all(organisation, first_day, last_day, codes=None) -> dict[str, Measure | None]:
    """Every registered indicator (or those of `codes` that are) for the period."""
    wanted = providers() if codes is None else [p for c in codes if (p := provider(c))]
    return {p.code: p.compute(organisation, first_day, last_day) for p in wanted}


def period_bounds(first_day: datetime.date, last_day: datetime.date):
    """The period as aware datetimes in the platform's time zone: [start, end)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def share(numerator: int, denominator: int, **details) -> Measure | None:
    if not denominator:
        return None
    return Measure(
        Decimal(numerator) / Decimal(denominator), numerator, denominator, details=details
    )


# How soon after a case is opened its police must have been told to count as "in time".
POLICE_IN_TIME = datetime.timedelta(hours=1)
HOURS_OF_THE_WEEK = 7 * 24


def register_platform_indicators() -> None:
    """The indicators the case records give (idempotent: apps.ready may run twice in tests)."""
    from seec.cases.models import Case, CaseTask, Contact, TaskKind

    if "contacts.recorded" in _registry:
        return

    @register(
        "contacts.recorded",
        label=_("Contacts recorded"),
        unit="count",
        source=_("Hotline contacts"),
        description=_("Calls, chats, e-mails, SMS, walk-ins and letters recorded."),
    )
    def contacts_recorded(organisation, first_day, last_day):
        start, end = period_bounds(first_day, last_day)
        contacts = Contact.objects.filter(
            organisation=organisation, started_at__gte=start, started_at__lt=end
        )
        by_channel = dict(
            contacts.values_list("channel").annotate(n=Count("pk")).order_by("channel")
        )
        total = sum(by_channel.values())
        return Measure(total, details={"by_channel": by_channel})

    @register(
        "contacts.hours_covered",
        label=_("Hours of the week with contacts"),
        unit="share",
        source=_("Hotline contacts"),
        description=_(
            "The share of the week's 168 hours (by weekday and hour) in which the service "
            "recorded at least one contact in the period: where the records show it answering. "
            "The contact centre's call records, where installed, measure availability itself."
        ),
    )
    def hours_covered(organisation, first_day, last_day):
        start, end = period_bounds(first_day, last_day)
        zone = timezone.get_current_timezone()
        rows = (
            Contact.objects.filter(
                organisation=organisation, started_at__gte=start, started_at__lt=end
            )
            .annotate(
                weekday=ExtractIsoWeekDay("started_at", tzinfo=zone),
                hour=ExtractHour("started_at", tzinfo=zone),
            )
            .values("weekday", "hour")
            .annotate(n=Count("pk"))
            .order_by()
        )
        by_hour = [0] * 24
        covered = 0
        for row in rows:
            covered += 1
            by_hour[row["hour"]] += row["n"]
        if not covered:
            return None
        return share(covered, HOURS_OF_THE_WEEK, contacts_by_hour=by_hour)

    @register(
        "cases.police_in_time",
        label=_("Cases passed to the police in time"),
        unit="share",
        source=_("Hotline cases"),
        description=_(
            "Of the cases opened in the period, the share whose police were told within an "
            "hour of opening (or before)."
        ),
    )
    def police_in_time(organisation, first_day, last_day):
        start, end = period_bounds(first_day, last_day)
        cases = Case.objects.filter(
            organisation=organisation, opened_at__gte=start, opened_at__lt=end
        )
        counts = cases.aggregate(
            total=Count("pk"),
            in_time=Count(
                "pk",
                filter=Q(
                    police_notified_at__isnull=False,
                    police_notified_at__lte=F("opened_at") + POLICE_IN_TIME,
                ),
            ),
            never=Count("pk", filter=Q(police_notified_at__isnull=True)),
        )
        return share(counts["in_time"], counts["total"], not_notified=counts["never"])

    @register(
        "cases.follow_up_in_time",
        label=_("Follow-up calls made in time"),
        unit="share",
        source=_("Hotline cases"),
        description=_(
            "Of the follow-up calls to families after a return that fell due in the period, "
            "the share done by their due time."
        ),
    )
    def follow_up_in_time(organisation, first_day, last_day):
        start, end = period_bounds(first_day, last_day)
        tasks = CaseTask.objects.filter(
            case__organisation=organisation,
            kind=TaskKind.FOLLOW_UP_CALL,
            due_at__gte=start,
            due_at__lt=end,
        )
        counts = tasks.aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(done_at__isnull=False, done_at__lte=F("due_at"))),
        )
        total, done = counts["total"], counts["done"]
        return share(done, total, late_or_open=total - done)

    @register(
        "cases.cross_border",
        label=_("Cross-border cases"),
        unit="count",
        source=_("Hotline cases"),
        description=_(
            "Cases opened in the period that may cross a border, head abroad or are "
            "international abductions (the statistics' definition)."
        ),
    )
    def cross_border(organisation, first_day, last_day):
        from seec.stats.tallies import CROSS_BORDER

        start, end = period_bounds(first_day, last_day)
        cases = Case.objects.filter(
            organisation=organisation, opened_at__gte=start, opened_at__lt=end
        )
        counts = cases.aggregate(total=Count("pk"), cross=Count("pk", filter=CROSS_BORDER))
        return Measure(
            counts["cross"], counts["cross"], counts["total"], details={"cases": counts["total"]}
        )

    @register(
        "staff.trained",
        label=_("Staff trained"),
        unit="count",
        source=_("The network's trainings"),
        description=_(
            "The organisation's people who completed a training or study visit of the network "
            "that ended in the period."
        ),
    )
    def staff_trained(organisation, first_day, last_day):
        from .models import ActivityKind, Participant

        trained = Participant.objects.filter(
            Q(organisation=organisation),
            completed=True,
            activity__kind__in=[ActivityKind.TRAINING, ActivityKind.STUDY_VISIT],
            activity__ends_on__gte=first_day,
            activity__ends_on__lte=last_day,
        )
        return Measure(
            trained.count(), details={"trainings": trained.values("activity").distinct().count()}
        )
