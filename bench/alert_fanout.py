"""One alert to a million subscribers: recipients per second and time to the last delivery.

An issued alert's fan-out runs through the delivery worker (`manage.py deliver_alerts`, a real
process) to the local fake gateways (another process, speaking the gateways' HTTP protocol).
Subscribers: e-mail and SMS in equal parts, and a hundred partner webhooks. Lost and duplicate
counts come from the gateways' own record. A second fan-out (an Update of the same alert) is
run with its worker killed (SIGKILL) half-way and a new worker started: it must lose and
repeat nobody either.

Baseline in the same run: one task per recipient (one request, one row update, one commit per
subscriber), timed on a sample and given as a rate.

Goal (issue 4): all 1,000,000 delivered in ≤ 60 s. BENCH_SUBSCRIBERS sets the size.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from harness import ROOT, goal, say, seed_region, size, stopwatch

SUBSCRIBERS = size("BENCH_SUBSCRIBERS", 1_000_000, smoke=300)
WEBHOOKS = 100
BASELINE_SAMPLE = 2000
PORT = int(os.environ.get("BENCH_GATEWAY_PORT", "8725"))


def received() -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/v1/received", timeout=10) as answer:
        return json.loads(answer.read())


def make_subscribers(count: int) -> None:
    from django.utils import timezone

    from seec.alerts.models import Channel, Subscriber
    from seec.core.bulk import InstanceMaker, insert_rows

    make = InstanceMaker(Subscriber)
    now = timezone.now()

    def rows():
        for i in range(count):
            if i < WEBHOOKS:
                channel, address = Channel.WEBHOOK, f"http://127.0.0.1:{PORT}/webhook/{i}"
            elif i % 2:
                channel, address = Channel.SMS, f"+3069{i:08d}"
            else:
                channel, address = Channel.EMAIL, f"s{i}@example.org"
            yield make(
                {
                    "channel": channel,
                    "address": address,
                    "country_id": "GR",
                    "language": "el" if i % 3 else "en",
                    "secret": "k" * 64,
                    "confirmed_at": now,
                    "unsubscribe_token": f"u{i}",
                }
            ).__dict__

    from django.db import transaction

    with transaction.atomic():
        Subscriber.objects.all().delete()  # the demo's few, whose webhooks point elsewhere
        insert_rows(Subscriber, rows())


def issue_alert():
    from django.utils import timezone

    from seec.alerts import services
    from seec.alerts.criteria import PRESETS
    from seec.cases import services as case_services
    from seec.core.audit import Origin
    from seec.core.models import User

    operator, manager, police = (
        User.objects.get(username=name) for name in ("operator.gr", "manager.gr", "police.gr")
    )
    case = case_services.open_case(
        origin=Origin(operator),
        fields={
            "given_names": "Μαρία",
            "family_name": "Παπαδοπούλου",
            "category": "criminal_abduction",
            "last_seen_at": timezone.now(),
            "last_seen_place": "Athens",
        },
    )
    answers = {c.code: {"met": True, "evidence": "bench"} for c in PRESETS["eu"]}
    alert = services.request_alert(
        case,
        origin=Origin(manager),
        answers=answers,
        area_description="Attica",
        polygon=[(38.2, 23.4), (38.2, 24.1), (37.7, 24.1)],
        exercise=True,
    )
    return services.approve_alert(alert, origin=Origin(police), hours=6), police


def worker_env() -> dict:
    return {
        **os.environ,
        "SEEC_EMAIL_GATEWAY_URL": f"http://127.0.0.1:{PORT}",
        "SEEC_SMS_GATEWAY_URL": f"http://127.0.0.1:{PORT}",
    }


def run(engine: str) -> dict:
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from seec.alerts import services
    from seec.alerts.models import Delivery, DeliveryBatch, DeliveryStatus, FanOut
    from seec.core.audit import Origin

    seed_region("alerts")
    # The demo's own alerts are not part of the measure: their fan-outs count as done.
    FanOut.objects.update(finished_at=timezone.now())
    connection.close()
    manage = [sys.executable, str(ROOT / "manage.py")]
    gateways = subprocess.Popen(
        [*manage, "fake_gateways", "--port", str(PORT)], env=worker_env(), stdout=subprocess.PIPE
    )
    gateways.stdout.readline()  # serving
    try:
        with stopwatch() as elapsed:
            make_subscribers(SUBSCRIBERS)
        say(f"   {SUBSCRIBERS:,} subscribers in {elapsed():.0f} s")
        alert, police = issue_alert()
        connection.close()

        # The fan-out, by a real worker process, timed from the approval's commit.
        with stopwatch() as elapsed:
            subprocess.run(
                [*manage, "deliver_alerts", "--until-idle", "--verbosity", "0", "--poll", "0.05"],
                env=worker_env(),
                check=True,
            )
        seconds = elapsed()
        first = received()
        sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
        say(f"   fan-out: {first['delivered']:,} delivered in {seconds:.1f} s; {first}")

        # The same again (an Update), with the worker killed half-way.
        services.extend_alert(alert, origin=Origin(police), hours=1)
        connection.close()
        before = first["delivered"]
        worker = subprocess.Popen(
            [*manage, "deliver_alerts", "--until-idle", "--verbosity", "0", "--poll", "0.05"],
            env=worker_env(),
        )
        while received()["delivered"] - before < SUBSCRIBERS // 2 and worker.poll() is None:
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        at_kill = received()["delivered"] - before
        # The dead worker's leases run out (made due now rather than waited for).
        DeliveryBatch.objects.filter(leased_until__isnull=False).update(leased_until=None)
        connection.close()
        subprocess.run(
            [*manage, "deliver_alerts", "--until-idle", "--verbosity", "0", "--poll", "0.05"],
            env=worker_env(),
            check=True,
        )
        second = received()
        killed_delivered = second["delivered"] - before
        say(f"   killed at {at_kill:,}; then {killed_delivered:,} delivered; {second}")

        # Baseline: one task per recipient, on a sample.
        gateways_here = {"email": f"http://127.0.0.1:{PORT}", "sms": f"http://127.0.0.1:{PORT}"}
        with override_settings(SEEC_GATEWAYS=gateways_here):
            baseline_rate = naive_baseline(
                FanOut.objects.filter(message__alert=alert).order_by("pk").first()
            )
        say(f"   baseline one task per recipient: {baseline_rate:,.0f} recipients/s")
    finally:
        gateways.terminate()
        gateways.wait()
    lost = SUBSCRIBERS - first["delivered"]
    lost_killed = SUBSCRIBERS - killed_delivered
    return {
        "data": {"subscribers": SUBSCRIBERS, "webhooks": WEBHOOKS},
        "platform": {
            "seconds_to_last_delivery": round(seconds, 2),
            "recipients_per_s": round(SUBSCRIBERS / seconds),
            "sent_rows": sent,
            "lost": lost,
            "duplicates": first["addresses_reached_twice"],
            "killed_run": {
                "killed_after": at_kill,
                "lost": lost_killed,
                "duplicates": second["addresses_reached_twice"],
                "refs_sent_again_and_recognised": second["repeated_refs"],
            },
        },
        "baseline": {"name": "one task per recipient", "recipients_per_s": round(baseline_rate)},
        "goals": [
            goal("seconds_to_last_delivery", seconds, "<=", 60),
            goal("lost", lost + lost_killed, "<=", 0),
            goal(
                "duplicates",
                first["addresses_reached_twice"] + second["addresses_reached_twice"],
                "<=",
                0,
            ),
        ],
    }


def naive_baseline(fan_out) -> float:
    """Per recipient: read it, send it alone, write its row, commit."""
    import httpx
    from django.db import transaction

    from seec.alerts.channels import CHANNELS, Recipient
    from seec.alerts.models import Channel, Delivery

    rows = list(
        Delivery.objects.filter(fan_out=fan_out, channel=Channel.EMAIL).values_list(
            "pk", "subscriber__address", "subscriber__language"
        )[:BASELINE_SAMPLE]
    )
    with httpx.Client() as client, stopwatch() as elapsed:
        backend = CHANNELS[Channel.EMAIL](client)
        for pk, address, language in rows:
            outcome = backend.send(fan_out.message, [Recipient(pk + 10**9, address, language)])
            with transaction.atomic():
                Delivery.objects.filter(pk=pk).update(answer=outcome[pk + 10**9].answer[:300])
    return len(rows) / elapsed()
