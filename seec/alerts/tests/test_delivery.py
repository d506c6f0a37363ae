"""Every subscriber gets an issued alert once: through gateway outages, and a killed worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.test import Client as PageClient
from django.test import override_settings
from django.utils import timezone

from seec.alerts import delivery, subscriptions
from seec.alerts.fakes import FakeGateways
from seec.alerts.models import Channel, Delivery, DeliveryStatus, FanOut, Subscriber
from seec.core.audit import Origin

ROOT = Path(__file__).resolve().parents[3]


def subscribers(count: int, country="GR") -> None:
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(
            channel=Channel.SMS if i % 2 else Channel.EMAIL,
            address=f"+3069{i:08d}" if i % 2 else f"parent{i}@example.org",
            country_id=country,
            language="el" if i % 3 else "en",
            confirmed_at=now,
            unsubscribe_token=f"t{i}",
        )
        for i in range(count)
    )


def test_an_issued_alert_reaches_every_confirmed_subscriber_once_through_an_outage(
    issued_alert, manager
):
    subscribers(2500)
    Subscriber.objects.create(
        channel=Channel.EMAIL,
        address="unconfirmed@example.org",
        country_id="GR",
        language="en",
        unsubscribe_token="u",
    )
    with FakeGateways() as fakes:
        fakes.ledger.fail_next = 2  # the first two requests meet a 500
        gateways = {"email": fakes.url, "sms": fakes.url}
        with override_settings(SEEC_GATEWAYS=gateways):
            fan_out = FanOut.objects.get(message=issued_alert.messages.get())
            with httpx.Client() as client:
                while not delivery.run(fan_out, client):
                    # The failed batches wait out their pause; let them be due now.
                    Delivery.objects.filter(status=DeliveryStatus.QUEUED).update(
                        next_try_at=timezone.now()
                    )
                    fan_out.refresh_from_db()
        summary = fakes.ledger.summary()
    assert summary["delivered"] == 2500
    assert summary["addresses_reached_twice"] == 0
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2500
    assert Delivery.objects.filter(attempts__gt=0).exists()  # the outage was retried
    # The alert page shows how many each channel reached, and how fast.
    browser = PageClient()
    browser.force_login(manager)
    page = browser.get(f"/alerts/manage/{issued_alert.pk}/").content.decode()
    assert "<td>email</td><td>1250</td><td>1250</td><td>0</td><td>0</td>" in page


def test_a_delivery_table_never_holds_a_subscriber_twice(issued_alert):
    subscribers(10)
    fan_out = FanOut.objects.get(message=issued_alert.messages.get())
    assert delivery.materialise(fan_out) == 10
    assert delivery.materialise(fan_out) == 10  # a second try adds nothing


@pytest.mark.parametrize(
    ("channel", "address", "field"),
    [
        (Channel.SMS, "12", "address"),
        (Channel.EMAIL, "not-an-address", "address"),
        (Channel.WEBHOOK, "https://10.0.0.5/hook", "address"),
        (Channel.WEBHOOK, "http://example.org/hook", "address"),
        ("pigeon", "x", "channel"),
    ],
)
def test_a_bad_subscription_names_the_field_and_saves_nothing(region, channel, address, field):
    with pytest.raises(ValidationError) as error:
        subscriptions.subscribe(channel=channel, address=address, country_code="GR", language="el")
    assert field in error.value.message_dict
    assert not Subscriber.objects.exists()


def test_a_subscription_is_confirmed_by_its_code_and_ended_in_one_step(region):
    subscriber, code = subscriptions.subscribe(
        channel=Channel.SMS, address="691 234 5678", country_code="GR", language="el"
    )
    assert subscriber.address == "+306912345678"
    with pytest.raises(ValidationError):
        subscriptions.confirm(subscriber, "000000" if code != "000000" else "111111")
    subscriber = subscriptions.confirm(subscriber, code)
    assert subscriber.confirmed_at is not None
    assert subscriptions.unsubscribe(subscriber.unsubscribe_token)
    assert not Subscriber.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_fan_out_loses_and_repeats_nobody(tmp_path):
    """A real worker process, killed with SIGKILL in the middle of a fan-out; a second one,
    started at once, takes over the dead one's batches within 10 s (their leases are no
    longer renewed) and finishes. The gateway counts each recipient once, and only the
    batches that were in flight (one per sending thread) are requested again."""
    database = tmp_path / "killed.sqlite3"
    with FakeGateways() as fakes:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "seec.settings",
            "SEEC_ENV": "development",
            "DATABASE_URL": f"sqlite:///{database}",
            "SEEC_VAR_DIR": str(tmp_path),
            "SEEC_EMAIL_GATEWAY_URL": fakes.url,
            "SEEC_SMS_GATEWAY_URL": fakes.url,
            "SEEC_DEMO_CASES": "0",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)
        subprocess.run(
            [*manage, "shell", "-c", SETUP.format(count=20000)], env=env, check=True, cwd=ROOT
        )
        worker = subprocess.Popen(
            [*manage, "deliver_alerts", "--until-idle", "--verbosity", "0"], env=env
        )
        # A second worker, as production runs (or systemd restarts) one beside it.
        successor = subprocess.Popen(
            [*manage, "deliver_alerts", "--verbosity", "0", "--poll", "0.5"], env=env
        )
        deadline = time.monotonic() + 120
        while fakes.ledger.summary()["delivered"] < 6000 and time.monotonic() < deadline:
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = time.monotonic()
        halfway = fakes.ledger.summary()["delivered"]
        assert 0 < halfway < 20000, "the worker must die mid-way for this test to mean anything"
        held = held_batches(database)
        assert held, "the dead worker held batches"
        while not batches_done(database, held) and time.monotonic() - killed_at < 60:
            time.sleep(0.1)
        taken_over_after = time.monotonic() - killed_at
        # The rest, however slow the machine: waiting ends when all are delivered, or when
        # nothing more has been delivered for 30 s (a lost batch shows as a stall).
        last, progressed = -1, time.monotonic()
        while fakes.ledger.summary()["delivered"] < 20000 and time.monotonic() - progressed < 30:
            if (delivered := fakes.ledger.summary()["delivered"]) != last:
                last, progressed = delivered, time.monotonic()
            time.sleep(0.2)
        successor.terminate()
        successor.wait(timeout=30)
        summary = fakes.ledger.summary()
    print(f"taken over after {taken_over_after:.1f} s; {len(held)} batches were in flight")
    assert taken_over_after < 10, f"the dead worker's batches waited {taken_over_after:.1f} s"
    assert summary["delivered"] == 20000  # nobody lost
    assert summary["addresses_reached_twice"] == 0  # nobody twice
    # Requested again: only what was in flight, and the gateway answered it from its key.
    assert summary["repeated_refs"] <= len(held) * 1000
    assert summary["replayed_requests"] <= len(held)


def leased(database) -> dict[int, tuple[str, str]]:
    """The unfinished leased batches: id -> (lease holder, leased until)."""
    import sqlite3

    with sqlite3.connect(database, timeout=20) as db:
        rows = db.execute(
            "SELECT id, lease_holder, leased_until FROM alerts_deliverybatch "
            "WHERE done_at IS NULL AND lease_holder != '' AND leased_until IS NOT NULL"
        ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def held_batches(database) -> list[int]:
    """The unfinished batches the killed worker held: read at once after the kill (before
    their leases run out and the reaper frees them), then told from the live worker's by
    their leases not being renewed over two heartbeats."""
    at_kill = leased(database)
    time.sleep(delivery.HEARTBEAT.total_seconds() * 2)
    later = leased(database)
    # The dead worker's leases can only have stayed as they were (or been freed); any lease
    # renewed or newly taken is the live one's.
    live = {
        holder for batch, (holder, until) in later.items() if at_kill.get(batch) != (holder, until)
    }
    return [batch for batch, (holder, _) in at_kill.items() if holder not in live]


def batches_done(database, ids: list[int]) -> bool:
    import sqlite3

    marks = ",".join("?" * len(ids))
    with sqlite3.connect(database, timeout=20) as db:
        (left,) = db.execute(
            f"SELECT COUNT(*) FROM alerts_deliverybatch WHERE done_at IS NULL AND id IN ({marks})",  # noqa: S608
            ids,
        ).fetchone()
    return left == 0


SETUP = """
from seec.alerts.tests.test_delivery import make_issued_fan_out
make_issued_fan_out({count})
"""


def make_issued_fan_out(count: int) -> None:
    """An issued message's outbox entry and `count` confirmed subscribers (for the kill test,
    run inside the worker's own database)."""
    from seec.alerts.models import Alert, CapMessage
    from seec.cases.models import Case
    from seec.core.models import Organisation, User

    organisation = Organisation.objects.create(name="116 000 Greece", country_id="GR")
    user = User.objects.create(username="gr-manager", organisation=organisation)
    case = Case.objects.create(
        organisation=organisation,
        country_id="GR",
        number="GR-2026-000001",
        given_names="Μαρία",
        category="criminal_abduction",
        last_seen_at=timezone.now(),
        opened_by=user,
    )
    alert = Alert.objects.create(
        case=case,
        country_id="GR",
        reference="GR-KILL",
        requested_by=user,
        criteria_preset="eu",
        area_description="Attica",
        languages="el,en",
        status="issued",
        expires_at=timezone.now() + timezone.timedelta(hours=6),
    )
    alert.texts.create(language="el", headline="Παιδί", description="…", instruction="112")
    alert.texts.create(language="en", headline="Child", description="…", instruction="112")
    message = CapMessage.objects.create(
        alert=alert, identifier="SEEC-GR-KILL-1", msg_type="Alert", sent=timezone.now(), xml=b"<a/>"
    )
    delivery.start(message)
    subscribers(count)


def test_an_alert_for_some_regions_reaches_their_subscribers_and_the_whole_countrys(
    case, manager, police
):
    from seec.alerts import services
    from seec.alerts.tests.conftest import AREA, all_met

    now = timezone.now()
    for i, region in enumerate(["GR-I", "GR-B", ""]):  # Attica, Central Macedonia, all Greece
        Subscriber.objects.create(
            channel=Channel.EMAIL,
            address=f"s{i}@example.org",
            country_id="GR",
            region=region,
            language="el",
            confirmed_at=now,
            unsubscribe_token=f"r{i}",
        )
    alert = services.request_alert(
        case, origin=Origin(manager), answers=all_met(), regions=["GR-I"], **AREA
    )
    alert = services.approve_alert(alert, origin=Origin(police))
    assert b"<valueName>ISO3166-2</valueName><value>GR-I</value>" in bytes(
        alert.messages.get().xml
    ).replace(b"\n", b"").replace(b" ", b"")
    fan_out = FanOut.objects.get(message=alert.messages.get())
    assert delivery.materialise(fan_out) == 2
    reached = set(Delivery.objects.values_list("subscriber__address", flat=True))
    assert reached == {"s0@example.org", "s2@example.org"}


def test_a_region_of_another_country_is_refused_naming_the_field(case, manager, region):
    from seec.alerts import services
    from seec.alerts.tests.conftest import AREA, all_met

    with pytest.raises(ValidationError) as error:
        services.request_alert(
            case, origin=Origin(manager), answers=all_met(), regions=["RS-00"], **AREA
        )
    assert "regions" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        subscriptions.subscribe(
            channel=Channel.EMAIL,
            address="a@example.org",
            country_code="GR",
            language="el",
            region="RS-00",
        )
    assert "region" in error.value.message_dict
