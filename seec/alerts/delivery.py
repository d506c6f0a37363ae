"""Fan-out: one CAP message to every subscriber of the alert's country, once each.

How exactly-once holds when things break:
- The step that issues a message writes its FanOut row in the same transaction (an outbox): an
  approval and its delivery happen together or not at all.
- A fan-out first writes, in one transaction, one Delivery row per subscriber with one
  INSERT … SELECT (the unique (fan_out, subscriber) key makes a second try add nothing) and
  cuts them into batches: runs of one channel's deliveries, the size its gateway takes.
- A worker claims a batch under a short lease (LEASE, seconds) that a heartbeat thread of the
  worker renews while it works on it, sends what is still queued in it with each delivery's
  id as its ref and the request's idempotency key (`Idempotency-Key`, from the message and the
  refs), and records the answers and the batch's end in one transaction. A worker killed
  mid-batch stops beating: its lease runs out within LEASE, another worker takes the batch
  again (only what was in flight: one batch per sending thread), and the gateway (or the
  partner) answers the repeated request from its idempotency key without sending twice.
- Temporary failures (5xx, timeouts) stay queued with a growing pause, and their batch comes
  due again then; after MAX_ATTEMPTS a delivery is failed, with the gateway's last answer kept.

Leasing batches rather than rows writes each delivery once (queued → sent) instead of three
times, which is what a million recipients cost on PostgreSQL.

Workers are `manage.py deliver_alerts` processes (one is started by `make run`), each with a
few sending threads; several may run at once: a claim takes a batch nobody holds (on
PostgreSQL skipping rows another worker has locked), and SQLite writes one at a time.
"""

import threading
import time
import uuid
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from .channels import CHANNELS, Outcome, Recipient
from .models import Delivery, DeliveryBatch, DeliveryStatus, FanOut, Subscriber

# Short, and renewed every HEARTBEAT while held: a dead worker's batches are taken over within
# seconds, a slow gateway request never loses its lease to a second sender.
LEASE = timedelta(seconds=settings.SEEC_DELIVERY_LEASE_SECONDS)
HEARTBEAT = LEASE / 5
MAX_ATTEMPTS = 6
GONE = Outcome(False, "unsubscribed before it was sent")


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2**attempts))


def start(message) -> FanOut:
    """The outbox entry of a message just issued; call inside the issuing transaction."""
    return FanOut.objects.create(message=message)


def _at(moment):
    return connection.ops.adapt_datetimefield_value(moment)  # as the ORM would write it


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@transaction.atomic
def materialise(fan_out: FanOut) -> int:
    """One queued delivery per confirmed subscriber of the alert's country and regions (none
    twice), cut into batches per channel; marks the fan-out started. Idempotent."""
    fan_out = FanOut.objects.select_for_update().select_related("message__alert").get(pk=fan_out.pk)
    if fan_out.started_at is not None:
        return fan_out.recipients
    now = _at(timezone.now())
    alert = fan_out.message.alert
    # A subscriber of one region hears of alerts for that region, or for the whole country.
    in_regions = (
        " AND (region = '' OR region IN ({}))".format(", ".join(["%s"] * len(alert.regions)))
        if alert.regions
        else ""
    )
    sizes = " ".join(
        f"WHEN '{channel}' THEN {backend.batch_size}" for channel, backend in CHANNELS.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(Delivery)} "  # noqa: S608 — our own tables and numbers
            "(fan_out_id, subscriber_id, channel, status, attempts, answer, next_try_at) "
            f"SELECT %s, id, channel, %s, 0, '', %s FROM {_table(Subscriber)} "
            # No ON CONFLICT: the fan-out's row lock and `started_at` make this run once, and
            # the (fan_out, subscriber) key would refuse a second run whole, not half.
            "WHERE country_id = %s AND confirmed_at IS NOT NULL" + in_regions,
            [fan_out.pk, DeliveryStatus.QUEUED, now, alert.country_id, *alert.regions],
        )
        cursor.execute(
            f"INSERT INTO {_table(DeliveryBatch)} "  # noqa: S608
            "(fan_out_id, channel, first_id, last_id, size, next_try_at) "
            "SELECT %s, channel, MIN(id), MAX(id), COUNT(*), %s FROM ("
            "  SELECT id, channel, (ROW_NUMBER() OVER (PARTITION BY channel ORDER BY id) - 1)"
            f"    / CASE channel {sizes} ELSE 100 END AS n"
            f"  FROM {_table(Delivery)} WHERE fan_out_id = %s"
            ") numbered GROUP BY channel, n",
            [fan_out.pk, now, fan_out.pk],
        )
        if connection.vendor == "postgresql":
            # A million new rows: fresh statistics for the planner of every query that follows
            # (the batch reads keep to the primary key whatever it thinks: see _queued_in).
            cursor.execute(f"ANALYZE {_table(Delivery)}")
    recipients = Delivery.objects.filter(fan_out=fan_out).count()
    FanOut.objects.filter(pk=fan_out.pk).update(started_at=timezone.now(), recipients=recipients)
    return recipients


def reap(now=None) -> int:
    """Leases that ran out (a worker died holding them): their batches go back to the queue."""
    now = now or timezone.now()
    return DeliveryBatch.objects.filter(done_at__isnull=True, leased_until__lt=now).update(
        leased_until=None
    )


class Leases:
    """The batches this worker holds, their leases renewed by a heartbeat thread."""

    def __init__(self):
        self.holder = uuid.uuid4().hex
        self.held: set[int] = set()
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name="lease-heartbeat")

    def hold(self, batch_id: int) -> None:
        with self.lock:
            self.held.add(batch_id)

    def release(self, batch_id: int) -> None:
        with self.lock:
            self.held.discard(batch_id)

    def renew(self) -> int:
        with self.lock:
            held = sorted(self.held)
        if not held:
            return 0
        return DeliveryBatch.objects.filter(
            pk__in=held, lease_holder=self.holder, done_at__isnull=True
        ).update(leased_until=timezone.now() + LEASE)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT.total_seconds()):
                self.renew()
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()


def claim(fan_out: FanOut, leases: Leases | None = None) -> DeliveryBatch | None:
    """Take one due batch of the fan-out that nobody holds, under a lease.

    The guarded UPDATE makes two workers' claims of one batch exclusive on either engine; on
    PostgreSQL SKIP LOCKED lets them pass each other instead of queueing."""
    now = timezone.now()
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    free = "done_at IS NULL AND next_try_at <= %s AND (leased_until IS NULL OR leased_until < %s)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {_table(DeliveryBatch)} "  # noqa: S608
            f"WHERE fan_out_id = %s AND {free} ORDER BY next_try_at, id LIMIT 1{lock}",
            [fan_out.pk, _at(now), _at(now)],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(
            f"UPDATE {_table(DeliveryBatch)} SET leased_until = %s, lease_holder = %s "  # noqa: S608
            f"WHERE id = %s AND {free}",
            [_at(now + LEASE), leases.holder if leases else "", row[0], _at(now), _at(now)],
        )
        if cursor.rowcount != 1:
            return None
    if leases is not None:
        leases.hold(row[0])
    return DeliveryBatch.objects.get(pk=row[0])


def _queued_in(batch: DeliveryBatch, read_at) -> tuple[str, list]:
    """SQL condition: the batch's deliveries still queued and due at `read_at`.

    Read through the primary key's range: the unary plus keeps either engine from reading
    `fan_out_id` through the (fan_out, subscriber) key, which holds the whole fan-out (a
    million entries) and which a planner without fresh statistics would otherwise pick."""
    return (
        "d.id BETWEEN %s AND %s AND +d.fan_out_id = %s AND d.channel = %s "
        "AND d.status = %s AND d.next_try_at <= %s",
        [
            batch.first_id,
            batch.last_id,
            batch.fan_out_id,
            batch.channel,
            DeliveryStatus.QUEUED,
            _at(read_at),
        ],
    )


def recipients_of(batch: DeliveryBatch, read_at) -> tuple[list[Recipient], list[int]]:
    """The batch's deliveries due at `read_at`, and those whose subscriber has left since."""
    where, params = _queued_in(batch, read_at)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, s.address, s.language, s.secret, s.unsubscribe_token "  # noqa: S608
            f"FROM {_table(Delivery)} d LEFT JOIN {_table(Subscriber)} s "
            f"ON s.id = d.subscriber_id WHERE {where}",
            params,
        )
        rows = cursor.fetchall()
    present = [Recipient(*row) for row in rows if row[1] is not None]
    gone = [row[0] for row in rows if row[1] is None]
    return present, gone


@transaction.atomic
def record(batch: DeliveryBatch, read_at, outcomes: dict[int, Outcome]) -> None:
    """Write the gateway's answers (sent, failed for good, or queued for later) and free the
    batch: done, or due again when its first retry is.

    The failures are written one by one (they are few); then what is still queued and was
    due when the batch was read (the rest of what was sent) is marked sent by one ranged
    UPDATE, which costs a thousand-id list nothing to parse."""
    now = timezone.now()
    failures = {pk: outcome for pk, outcome in outcomes.items() if not outcome.ok}
    for pk, outcome in failures.items():
        attempts = Delivery.objects.only("attempts").get(pk=pk).attempts + 1
        again = outcome.retry and attempts < MAX_ATTEMPTS
        Delivery.objects.filter(pk=pk).update(
            status=DeliveryStatus.QUEUED if again else DeliveryStatus.FAILED,
            attempts=attempts,
            next_try_at=now + backoff(attempts) if again else now,
            answer=outcome.answer[:300],
        )
    where, params = _queued_in(batch, read_at)
    table = _table(Delivery)
    with connection.cursor() as cursor:
        if len(failures) < len(outcomes):
            cursor.execute(
                f"UPDATE {table} SET status = %s, sent_at = %s, answer = %s "  # noqa: S608
                f"WHERE id IN (SELECT d.id FROM {table} d WHERE {where})",
                [DeliveryStatus.SENT, _at(now), "accepted", *params],
            )
    retry_at = None
    if failures or len(outcomes) < batch.size:
        # Some of the batch waits for a later try (rare: the ORM's plain query will do).
        retry_at = Delivery.objects.filter(
            fan_out_id=batch.fan_out_id,
            id__range=(batch.first_id, batch.last_id),
            channel=batch.channel,
            status=DeliveryStatus.QUEUED,
        ).aggregate(at=Min("next_try_at"))["at"]
    DeliveryBatch.objects.filter(pk=batch.pk).update(
        leased_until=None,
        next_try_at=retry_at or now,
        done_at=None if retry_at else now,
    )


def send_batch(batch: DeliveryBatch, client: httpx.Client) -> None:
    read_at = timezone.now()
    recipients, gone = recipients_of(batch, read_at)
    outcomes = dict.fromkeys(gone, GONE)
    if recipients:
        outcomes.update(CHANNELS[batch.channel](client).send(batch.fan_out.message, recipients))
    record(batch, read_at, outcomes)


def _drain(fan_out: FanOut, client: httpx.Client, leases: Leases | None) -> None:
    """Send batches of the fan-out until none is due (each sending thread runs this)."""
    try:
        while batch := claim(fan_out, leases):
            batch.fan_out = fan_out
            try:
                send_batch(batch, client)
            finally:
                if leases is not None:
                    leases.release(batch.pk)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()  # each thread had its own connection


def run(
    fan_out: FanOut, client: httpx.Client, threads: int = 1, leases: Leases | None = None
) -> bool:
    """Send what is due of one fan-out; True once nothing is left to try.

    With several threads the database's writes of one batch overlap the gateway's handling
    of another."""
    if fan_out.started_at is None:
        materialise(fan_out)
        fan_out.refresh_from_db()
    if threads > 1:
        helpers = [
            threading.Thread(target=_drain, args=(fan_out, client, leases), daemon=True)
            for _ in range(threads - 1)
        ]
        for helper in helpers:
            helper.start()
        _drain(fan_out, client, leases)
        for helper in helpers:
            helper.join()
    else:
        _drain(fan_out, client, leases)
    left = DeliveryBatch.objects.filter(fan_out=fan_out, done_at__isnull=True).exists()
    if not left:
        FanOut.objects.filter(pk=fan_out.pk).update(finished_at=timezone.now())
    return not left


def work(*, until_idle: bool = False, poll: float = 0.5, progress=None) -> None:
    """The delivery worker's loop: reap lost leases, send every unfinished fan-out, wait."""
    from .services import expire_due

    with httpx.Client(timeout=httpx.Timeout(10.0), http2=False) as client, Leases() as leases:
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
                done = run(fan_out, client, settings.SEEC_DELIVERY_THREADS, leases) and done
                if progress:
                    progress(fan_out)
            if until_idle and done and not pending_leases():
                return
            time.sleep(poll)


def pending_leases() -> bool:
    return DeliveryBatch.objects.filter(done_at__isnull=True, leased_until__isnull=False).exists()


def reach(fan_out: FanOut) -> dict:
    """Per channel: how many recipients, sent, failed, waiting, and how fast."""
    rows = (
        Delivery.objects.filter(fan_out=fan_out).values("channel", "status").annotate(n=Count("pk"))
    )
    out: dict[str, dict] = {}
    for row in rows:
        out.setdefault(row["channel"], {})[row["status"]] = row["n"]
    return out


def people_reached(alert) -> int:
    """Subscribers who received at least one message of the alert."""
    return (
        Delivery.objects.filter(fan_out__message__alert=alert, status=DeliveryStatus.SENT)
        .values("subscriber_id")
        .distinct()
        .count()
    )


def last_sent(fan_out: FanOut, channel: str):
    """When the channel's last delivery of this fan-out was taken by its gateway."""
    return (
        Delivery.objects.filter(fan_out=fan_out, channel=channel, status=DeliveryStatus.SENT)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
