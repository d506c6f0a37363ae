"""The contact centre's call records as indicators of the evaluation of hotline services
(seec/network/indicators.py): the answered share, the time to answer and availability by
hour, measured where the network's own indicators can only guess from recorded contacts."""

from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.cases.models import Channel
from seec.network import indicators

from . import metrics
from .models import ConversationState

SOURCE = _("Contact centre call records")


def _period(first_day, last_day) -> metrics.Period:
    start, end = indicators.period_bounds(first_day, last_day)
    return metrics.Period(start, end)


def register() -> None:
    """Idempotent: AppConfig.ready may run more than once in tests."""
    if indicators.provider("calls.answered_share"):
        return

    @indicators.register(
        "calls.answered_share",
        label=_("Calls answered"),
        unit="share",
        source=SOURCE,
        description=_("Calls answered among the calls answered or abandoned in the period."),
    )
    def answered_share(organisation, first_day, last_day):
        calls = metrics.conversations(organisation, _period(first_day, last_day), Channel.CALL)
        row = calls.aggregate(
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            abandoned=Count("pk", filter=Q(state=ConversationState.ABANDONED)),
        )
        return indicators.share(row["answered"], row["answered"] + row["abandoned"])

    @indicators.register(
        "calls.seconds_to_answer",
        label=_("Time to answer a call (median)"),
        unit="seconds",
        source=SOURCE,
        description=_("The median wait of answered calls, with its 90th percentile beside it."),
    )
    def seconds_to_answer(organisation, first_day, last_day):
        waits = metrics.time_to_answer(organisation, _period(first_day, last_day))
        if waits["median"] is None:
            return None
        return indicators.Measure(
            Decimal(str(round(waits["median"], 1))),
            details={"p90": waits["p90"], "answered": waits["count"]},
        )

    @indicators.register(
        "calls.hours_answered",
        label=_("Hours of the week with calls answered"),
        unit="share",
        source=SOURCE,
        description=_(
            "The share of the week's 168 hours (by weekday and hour) in which at least one call "
            "was answered in the period: availability as the call records show it."
        ),
    )
    def hours_answered(organisation, first_day, last_day):
        zone = timezone.get_current_timezone()
        calls = metrics.conversations(organisation, _period(first_day, last_day), Channel.CALL)
        hours = set(
            calls.filter(~Q(answered_at=None))
            .annotate(
                weekday=ExtractIsoWeekDay("answered_at", tzinfo=zone),
                hour=ExtractHour("answered_at", tzinfo=zone),
            )
            .values_list("weekday", "hour")
            .distinct()
        )
        if not calls.exists():
            return None
        return indicators.share(len(hours), indicators.HOURS_OF_THE_WEEK)
