"""Fan-out: one CAP message to every subscriber of the alert's country, once each.

How exactly-once holds when things break:
- The step that issues a message writes its FanOut row in the same transaction (an outbox): an
  approval and its delivery happen together or not at all.
- A fan-out first writes one Delivery row per subscriber with one INSERT … SELECT; the unique
  (fan_out, subscriber) key makes a second try add nothing.
- A worker claims a batch by marking it `sending` with a short lease, sends it with each
  delivery's id as the idempotency key, and records the gateway's answer. A worker killed
  mid-batch leaves a lease that runs out; the next worker takes the batch again, and the
  gateway (or the partner) recognises the keys it has already taken.
- Temporary failures (5xx, timeouts) go back to the queue with a growing pause; after
  MAX_ATTEMPTS a delivery is failed, with the gateway's last answer kept.

Workers are `manage.py deliver_alerts` processes (one is started by `make run`); several may
run at once: on PostgreSQL claims skip rows another worker holds, SQLite writes one at a time.
"""

import time
from datetime import timedelta

import httpx
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from .channels import CHANNELS, Recipient
from .models import Channel, Delivery, DeliveryStatus, FanOut, Subscriber

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 6


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2**attempts))


def start(message) -> FanOut:
    """The outbox entry of a message just issued; call inside the issuing transaction."""
    return FanOut.objects.create(message=message)


def materialise(fan_out: FanOut) -> int:
    """One queued delivery per confirmed subscriber of the alert's country (none twice)."""
    alert = fan_out.message.alert
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608
            "(fan_out_id, subscriber_id, channel, status, attempts, answer, next_try_at) "
            "SELECT %s, id, channel, %s, 0, '', %s FROM alerts_subscriber "
            "WHERE country_id = %s AND confirmed_at IS NOT NULL "
            "ON CONFLICT DO NOTHING",
            [
                fan_out.pk,
                DeliveryStatus.QUEUED,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                alert.country_id,
            ],
        )
    return Delivery.objects.filter(fan_out=fan_out).count()


def reap(now=None) -> int:
    """Leases that ran out (a worker died holding them) go back to the queue."""
    now = now or timezone.now()
    return Delivery.objects.filter(status=DeliveryStatus.SENDING, leased_until__lt=now).update(
        status=DeliveryStatus.QUEUED, leased_until=None
    )


def claim(fan_out: FanOut, channel: str, size: int) -> list[Recipient]:
    """Take up to `size` queued deliveries of one channel for this worker, under a lease.

    Plain SQL: a fan-out makes a thousand claims, and the ORM's work on a thousand-id list
    costs more than the database's. The read follows the (fan_out, channel, status,
    next_try_at) index, so the last batch costs what the first did."""
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value  # as the ORM would write them
    quote = connection.ops.quote_name
    lock = " FOR UPDATE OF d SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, s.address, s.language, s.secret "  # noqa: S608 — our own tables
            f"FROM {quote(Delivery._meta.db_table)} d "
            f"JOIN {quote(Subscriber._meta.db_table)} s ON s.id = d.subscriber_id "
            "WHERE d.fan_out_id = %s AND d.channel = %s AND d.status = %s "
            f"AND d.next_try_at <= %s ORDER BY d.next_try_at LIMIT %s{lock}",
            [fan_out.pk, channel, DeliveryStatus.QUEUED, at(now), size],
        )
        rows = cursor.fetchall()
        if rows:
            _update_ids(
                cursor,
                [row[0] for row in rows],
                "status = %s, leased_until = %s",
                [DeliveryStatus.SENDING, at(now + LEASE)],
            )
    return [Recipient(*row) for row in rows]


def _update_ids(cursor, ids: list[int], assignments: str, values: list) -> None:
    table = connection.ops.quote_name(Delivery._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(
        f"UPDATE {table} SET {assignments} WHERE id IN ({marks})",  # noqa: S608
        [*values, *ids],
    )


def record(outcomes: dict) -> None:
    """Write the gateway's answers: sent, failed for good, or back to the queue for later."""
    now = timezone.now()
    sent = [pk for pk, outcome in outcomes.items() if outcome.ok]
    with transaction.atomic():
        if sent:
            with connection.cursor() as cursor:
                _update_ids(
                    cursor,
                    sent,
                    "status = %s, sent_at = %s, leased_until = NULL, answer = %s",
                    [
                        DeliveryStatus.SENT,
                        connection.ops.adapt_datetimefield_value(now),
                        "accepted",
                    ],
                )
        for pk, outcome in outcomes.items():
            if outcome.ok:
                continue
            delivery = Delivery.objects.only("attempts").get(pk=pk)
            attempts = delivery.attempts + 1
            again = outcome.retry and attempts < MAX_ATTEMPTS
            Delivery.objects.filter(pk=pk).update(
                status=DeliveryStatus.QUEUED if again else DeliveryStatus.FAILED,
                attempts=attempts,
                leased_until=None,
                next_try_at=now + backoff(attempts) if again else now,
                answer=outcome.answer[:300],
            )


def run(fan_out: FanOut, client: httpx.Client) -> bool:
    """Send what is due of one fan-out; True once nothing is left to try."""
    if fan_out.started_at is None:
        recipients = materialise(fan_out)
        FanOut.objects.filter(pk=fan_out.pk).update(
            started_at=timezone.now(), recipients=recipients
        )
        fan_out.refresh_from_db()
    message = fan_out.message
    for channel in Channel.values:
        backend = CHANNELS[channel](client)
        while batch := claim(fan_out, channel, backend.batch_size):
            record(backend.send(message, batch))
    left = Delivery.objects.filter(
        fan_out=fan_out, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    ).exists()
    if not left:
        FanOut.objects.filter(pk=fan_out.pk).update(finished_at=timezone.now())
    return not left


def work(*, until_idle: bool = False, poll: float = 0.5, progress=None) -> None:
    """The delivery worker's loop: reap lost leases, send every unfinished fan-out, wait."""
    from .services import expire_due

    with httpx.Client(timeout=httpx.Timeout(10.0), http2=False) as client:
        while True:
            reap()
            expire_due()  # the records follow the clock (the public pages already do)
            pending = list(
                FanOut.objects.filter(finished_at__isnull=True)
                .select_related("message__alert")
                .order_by("pk")
            )
            done = True
            for fan_out in pending:
                done = run(fan_out, client) and done
                if progress:
                    progress(fan_out)
            if until_idle and done and not pending_leases():
                return
            time.sleep(poll)


def pending_leases() -> bool:
    return Delivery.objects.filter(status=DeliveryStatus.SENDING).exists()


def reach(fan_out: FanOut) -> dict:
    """Per channel: how many recipients, sent, failed, waiting, and how fast."""
    rows = (
        Delivery.objects.filter(fan_out=fan_out).values("channel", "status").annotate(n=Count("pk"))
    )
    out: dict[str, dict] = {}
    for row in rows:
        out.setdefault(row["channel"], {})[row["status"]] = row["n"]
    return out


def last_sent(fan_out: FanOut, channel: str):
    """When the channel's last delivery of this fan-out was taken by its gateway."""
    return (
        Delivery.objects.filter(fan_out=fan_out, channel=channel, status=DeliveryStatus.SENT)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
