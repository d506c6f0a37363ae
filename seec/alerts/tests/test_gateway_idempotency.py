"""Every gateway request carries an idempotency key and the local fakes honour it as an SMS or
e-mail provider's API does; the fakes keep the texts, so a person can read an SMS code in
`make run` (issue 16, item 11)."""

import os
import subprocess
from pathlib import Path

import httpx
from django.test import override_settings

from seec.alerts import subscriptions
from seec.alerts.fakes import FakeGateways
from seec.alerts.models import Channel

ROOT = Path(__file__).resolve().parents[3]

BATCH = {
    "message": "SEEC-1",
    "sender": "116000",
    "texts": {"en": "CHILD ALERT: Maria, 9"},
    "messages": [{"ref": "1", "to": "+306912345678", "language": "en"}],
}


def test_a_repeated_request_is_answered_from_its_key_and_sends_nothing():
    with FakeGateways() as fakes:
        url = f"{fakes.url}/v1/sms/batches"
        first = httpx.post(url, json=BATCH, headers={"Idempotency-Key": "k1"})
        again = httpx.post(url, json=BATCH, headers={"Idempotency-Key": "k1"})
        other = dict(BATCH, messages=[{"ref": "2", "to": "+306912345679", "language": "en"}])
        misuse = httpx.post(url, json=other, headers={"Idempotency-Key": "k1"})
        summary = fakes.ledger.summary()
    assert first.json() == again.json() == {"accepted": ["1"], "rejected": []}
    assert misuse.status_code == 422
    assert summary["delivered"] == 1 and summary["replayed_requests"] == 1
    assert summary["requests"] == {"sms": 1}


def test_the_channels_send_a_key_per_request(monkeypatch):
    from seec.alerts.channels import idempotency_key

    class Message:
        identifier = "SEEC-2026-1"

    class R:
        def __init__(self, pk):
            self.delivery_id = pk

    one = idempotency_key("sms", Message, [R(2), R(1)])
    assert one == idempotency_key("sms", Message, [R(1), R(2)])  # the same request
    assert one != idempotency_key("sms", Message, [R(1)])  # what is left of it after a crash
    assert one != idempotency_key("email", Message, [R(1), R(2)])


def test_the_sms_code_can_be_read_on_the_fake_gateways_page(
    region, django_capture_on_commit_callbacks
):
    with FakeGateways() as fakes, override_settings(SEEC_GATEWAYS={"sms": fakes.url}):
        with django_capture_on_commit_callbacks(execute=True):
            subscriber, code = subscriptions.subscribe(
                channel=Channel.SMS, address="6912345678", country_code="GR", language="en"
            )
            subscriptions.send_code(subscriber, code)
        page = httpx.get(f"{fakes.url}/v1/received", headers={"Accept": "text/html"})
        data = httpx.get(f"{fakes.url}/v1/received").json()
    assert page.headers["content-type"].startswith("text/html")
    assert code in page.text and "+306912345678" in page.text
    assert data["messages"][0]["text"].endswith(code)


def test_make_run_gives_the_task_worker_the_gateways_address():
    """Every command of `make run` (the task worker that sends codes among them) runs with
    GATEWAY_PORT's address in its environment: the Makefile exports it."""
    show = "show-gateways: ; @echo $$SEEC_SMS_GATEWAY_URL $$SEEC_EMAIL_GATEWAY_URL"
    result = subprocess.run(
        ["make", "-s", "--eval", show, "show-gateways", "GATEWAY_PORT=8127"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.endswith("_GATEWAY_URL")},
    )
    assert result.stdout.split() == ["http://127.0.0.1:8127"] * 2, result.stderr


def test_the_demo_webhooks_point_at_the_configured_gateways():
    from seec.alerts.demo import demo_webhook

    with override_settings(SEEC_GATEWAYS={"email": "http://127.0.0.1:8127", "sms": ""}):
        assert demo_webhook("GR") == "http://127.0.0.1:8127/webhook/gr"
