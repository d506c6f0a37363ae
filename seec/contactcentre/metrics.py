"""Call metrics of a hotline, from its contact records: what a supervisor watches and what the
evaluation of hotline services (the 116 000 conditions, NGO evaluation) is measured on.

Every function takes an organisation and a `Period` (half-open: `start <= t < end`) and
returns aggregates only, never a caller or a child; the caller of these functions decides who
may see them (the metrics page: the organisation's supervisors). Definitions:

- **contacts**: every conversation that reached the queue (call, chat, SMS; answered or not)
  and every contact recorded without one (e-mail, walk-in, letter, a call typed in by hand),
  counted at its arrival, in the platform's time zone.
- **answered share**: answered conversations / (answered + abandoned), of those that arrived
  in the period and are over (still waiting ones are in neither).
- **time to answer**: seconds from arrival to answer, of the answered ones: median and 90th
  percentile (linear between the closest ranks), and the count they are from.
- **abandoned**: conversations whose caller left before an answer.
- **police within target**: of the cases opened in the period (new disappearances), the share
  whose police notification is recorded no later than the target after the case was opened
  (`SEEC_POLICE_NOTIFIED_WITHIN_MINUTES`; notified before the call counts as within).
- **follow-up within target**: of the follow-up calls due in the period (a day after a child is
  found), the share done by their due time.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

from seec.cases.models import Case, CaseTask, Channel, Contact, TaskKind
from seec.core.models import Organisation

from .models import Conversation, ConversationState

GRANULARITIES = ("day", "week", "month")


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @classmethod
    def of(cls, granularity: str, day: date) -> "Period":
        """The day, week (Monday first) or month that holds `day`, in the platform's zone."""
        if granularity == "day":
            first, following = day, day + timedelta(days=1)
        elif granularity == "week":
            first = day - timedelta(days=day.weekday())
            following = first + timedelta(days=7)
        elif granularity == "month":
            first = day.replace(day=1)
            following = (first + timedelta(days=32)).replace(day=1)
        else:
            raise ValueError(f"granularity: one of {', '.join(GRANULARITIES)}")
        zone = timezone.get_current_timezone()
        return cls(
            datetime.combine(first, datetime.min.time(), zone),
            datetime.combine(following, datetime.min.time(), zone),
        )

    def label(self) -> str:
        return f"{timezone.localtime(self.start):%Y-%m-%d}"


def periods(granularity: str, first: date, last: date) -> list[Period]:
    """The consecutive periods of `granularity` from the one holding `first` to the one
    holding `last`."""
    out, day = [], first
    while True:
        period = Period.of(granularity, day)
        out.append(period)
        day = timezone.localtime(period.end).date()
        if day > last:
            return out


def conversations(organisation: Organisation, period: Period, channel: str | None = Channel.CALL):
    queryset = Conversation.objects.filter(
        organisation=organisation, arrived_at__gte=period.start, arrived_at__lt=period.end
    )
    return queryset.filter(channel=channel) if channel else queryset


def contacts_by_channel_and_hour(organisation: Organisation, period: Period) -> dict:
    """{(channel, hour 0–23): count} of every contact that reached the hotline."""
    zone = timezone.get_current_timezone()
    counts: dict = {}
    queued = (
        conversations(organisation, period, None)
        .annotate(hour=ExtractHour("arrived_at", tzinfo=zone))
        .values("channel", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    recorded = (
        Contact.objects.filter(
            organisation=organisation,
            started_at__gte=period.start,
            started_at__lt=period.end,
            conversation__isnull=True,
        )
        .annotate(hour=ExtractHour("started_at", tzinfo=zone))
        .values("channel", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in [*queued, *recorded]:
        key = (row["channel"], row["hour"])
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def answered_share(
    organisation: Organisation, period: Period, channel: str | None = Channel.CALL
) -> float | None:
    """Answered / (answered + abandoned); None when nothing was over in the period."""
    row = conversations(organisation, period, channel).aggregate(
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        abandoned=Count("pk", filter=Q(state=ConversationState.ABANDONED)),
    )
    total = row["answered"] + row["abandoned"]
    return row["answered"] / total if total else None


def abandoned(
    organisation: Organisation, period: Period, channel: str | None = Channel.CALL
) -> int:
    return (
        conversations(organisation, period, channel)
        .filter(state=ConversationState.ABANDONED)
        .count()
    )


def percentile(values: list[float], share: float) -> float | None:
    """The `share` quantile, linear between the closest ranks (as numpy's default)."""
    if not values:
        return None
    values = sorted(values)
    rank = share * (len(values) - 1)
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def time_to_answer(
    organisation: Organisation, period: Period, channel: str | None = Channel.CALL
) -> dict:
    """{"median": seconds, "p90": seconds, "count": answered} (None without answers)."""
    waits = list(
        conversations(organisation, period, channel)
        .filter(answered_at__isnull=False, wait_seconds__isnull=False)
        .values_list("wait_seconds", flat=True)
    )
    return {
        "median": percentile(waits, 0.5),
        "p90": percentile(waits, 0.9),
        "count": len(waits),
    }


def _share(within: int, total: int) -> dict:
    return {"within": within, "total": total, "share": within / total if total else None}


def police_notified_within_target(
    organisation: Organisation, period: Period, target: timedelta | None = None
) -> dict:
    """{"within", "total", "share"} of the new cases passed to police within the target."""
    target = target or timedelta(minutes=settings.SEEC_POLICE_NOTIFIED_WITHIN_MINUTES)
    cases = Case.objects.filter(
        organisation=organisation, opened_at__gte=period.start, opened_at__lt=period.end
    )
    row = cases.aggregate(
        total=Count("pk"),
        within=Count("pk", filter=Q(police_notified_at__lte=F("opened_at") + target)),
    )
    return _share(row["within"], row["total"])


def follow_up_within_target(organisation: Organisation, period: Period) -> dict:
    """{"within", "total", "share"} of the follow-up calls due in the period done in time."""
    tasks = CaseTask.objects.filter(
        case__organisation=organisation,
        kind=TaskKind.FOLLOW_UP_CALL,
        due_at__gte=period.start,
        due_at__lt=period.end,
    )
    row = tasks.aggregate(total=Count("pk"), within=Count("pk", filter=Q(done_at__lte=F("due_at"))))
    return _share(row["within"], row["total"])


def summary(organisation: Organisation, period: Period) -> dict:
    """Every figure of one period, as one row of the metrics page and its downloads."""
    by_hour = contacts_by_channel_and_hour(organisation, period)
    by_channel: dict = {}
    for (channel, _hour), n in by_hour.items():
        by_channel[channel] = by_channel.get(channel, 0) + n
    waits = time_to_answer(organisation, period)
    return {
        "period": period,
        "contacts": sum(by_channel.values()),
        "by_channel": by_channel,
        "by_hour": by_hour,
        "calls": conversations(organisation, period).count(),
        "answered_share": answered_share(organisation, period),
        "answer_median": waits["median"],
        "answer_p90": waits["p90"],
        "answered": waits["count"],
        "abandoned": abandoned(organisation, period),
        "chats_answered_share": answered_share(organisation, period, Channel.CHAT),
        "police": police_notified_within_target(organisation, period),
        "follow_up": follow_up_within_target(organisation, period),
    }
