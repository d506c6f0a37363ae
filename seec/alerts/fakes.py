"""Local stand-ins for what lies outside this machine: an e-mail sending API, an SMS gateway and
partners' webhook receivers, speaking the same HTTP protocol as the channels (channels.py).

They answer like the real services (which refs were accepted, a rejection per bad address) and
record what they received, so that tests, benchmarks and the demo can count deliveries. Like a
real gateway, each honours the idempotency key: a ref it has already taken is accepted again
without being delivered twice. `manage.py fake_gateways` serves them for `make run`.
"""

import json
import re
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Ledger:
    """What the fake gateways received: every request, every delivery (by ref), duplicates."""

    def __init__(self):
        self.lock = threading.Lock()
        self.delivered: dict[str, dict] = {}  # ref → {"channel", "to", "language"}
        self.requests = Counter()  # channel → requests
        self.repeated_refs = 0  # refs sent again (after a crash): recognised, not re-delivered
        self.per_address = Counter()  # (message, channel, to) → deliveries actually made
        self.fail_next = 0  # answer 500 to the next n requests (a gateway outage)

    def take(self, channel: str, messages: list[dict], check, message: str = "") -> dict:
        accepted, rejected = [], []
        with self.lock:
            self.requests[channel] += 1
            for item in messages:
                ref, to = str(item.get("ref", "")), str(item.get("to", ""))
                problem = check(to)
                if problem:
                    rejected.append({"ref": ref, "error": problem})
                    continue
                if ref in self.delivered:
                    self.repeated_refs += 1
                else:
                    self.delivered[ref] = {
                        "channel": channel,
                        "to": to,
                        "language": item.get("language", ""),
                    }
                    self.per_address[(message, channel, to)] += 1
                accepted.append(ref)
        return {"accepted": accepted, "rejected": rejected}

    def summary(self) -> dict:
        with self.lock:
            by_channel = Counter(d["channel"] for d in self.delivered.values())
            return {
                "delivered": len(self.delivered),
                "by_channel": dict(by_channel),
                "requests": dict(self.requests),
                "repeated_refs": self.repeated_refs,
                # The same message delivered twice to one address: what must never happen.
                "addresses_reached_twice": sum(1 for n in self.per_address.values() if n > 1),
            }


def _check_email(to: str) -> str:
    return "" if EMAIL.match(to) else "invalid address"


def _check_phone(to: str) -> str:
    return "" if E164.match(to) else "invalid number"


def handler_for(ledger: Ledger):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One write per answer, sent at once: headers and body written apart wait out the
        # client's delayed acknowledgement (40 ms a request) as a real gateway's never do.
        wbufsize = 64 * 1024
        disable_nagle_algorithm = True

        def log_message(self, *args):  # quiet: a fan-out makes thousands of requests
            pass

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/v1/received":
                self._answer(200, ledger.summary())
            else:
                self._answer(404, {"error": "not found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            with ledger.lock:
                outage = ledger.fail_next > 0
                ledger.fail_next -= 1 if outage else 0
            if outage:
                self._answer(500, {"error": "temporarily unavailable"})
                return
            if self.path.startswith("/webhook/"):
                ref = self.headers.get("X-SEEC-Delivery", "")
                to = self.path
                message = self.headers.get("X-SEEC-Message", "")
                ledger.take("webhook", [{"ref": ref, "to": to}], lambda _to: "", message)
                self._answer(200, {"received": ref})
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self._answer(400, {"error": "body is not JSON"})
                return
            items, message = body.get("messages", []), str(body.get("message", ""))
            if self.path == "/v1/messages":
                self._answer(200, ledger.take("email", items, _check_email, message))
            elif self.path == "/v1/sms/batches":
                self._answer(200, ledger.take("sms", items, _check_phone, message))
            else:
                self._answer(404, {"error": "not found"})

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that died mid-request (a killed worker) is part of the tests, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeGateways:
    """The three fakes on one local port, in a background thread."""

    def __init__(self, port: int = 0):
        self.ledger = Ledger()
        self.server = QuietServer(("127.0.0.1", port), handler_for(self.ledger))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
