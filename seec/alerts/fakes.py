"""Local stand-ins for what lies outside this machine: an e-mail sending API, an SMS gateway and
partners' webhook receivers, speaking the same HTTP protocol as the channels (channels.py).

They answer like the real services (which refs were accepted, a rejection per bad address) and
record what they received, so that tests, benchmarks and the demo can count deliveries. Like a
real provider they honour idempotency twice over: a request whose `Idempotency-Key` they have
answered is answered again from memory without sending anything (the same key with another
body is refused, 422), and a ref already taken is accepted again without a second delivery.
They keep the texts they "sent": GET /v1/received shows them to a person (HTML in a browser:
the confirmation code of an SMS subscription, say) and as JSON to a program.
`manage.py fake_gateways` serves them for `make run`.
"""

import hashlib
import html
import json
import re
import sys
import threading
from collections import Counter, deque
from datetime import UTC, datetime
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
        self.answers: dict[str, tuple[str, int, dict]] = {}  # key → (body digest, answer)
        self.replayed_requests = 0  # requests answered from their idempotency key
        self.recent: deque[dict] = deque(maxlen=500)  # what a person would have received

    def answered(self, key: str, body: bytes) -> tuple[int, dict] | None:
        """The answer already given to this idempotency key (422 for another body)."""
        if not key:
            return None
        with self.lock:
            known = self.answers.get(key)
            if known is None:
                return None
            if known[0] != hashlib.sha256(body).hexdigest():
                return 422, {"error": "Idempotency-Key reused with another request"}
            self.replayed_requests += 1
            return known[1], known[2]

    def remember(self, key: str, body: bytes, status: int, answer: dict) -> None:
        if key and status < 500:
            with self.lock:
                self.answers[key] = (hashlib.sha256(body).hexdigest(), status, answer)

    def take(
        self, channel: str, messages: list[dict], check, message: str = "", text_for=None
    ) -> dict:
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
                    self.recent.append(
                        {
                            "at": datetime.now(UTC).isoformat(timespec="seconds"),
                            "channel": channel,
                            "to": to,
                            "text": text_for(item) if text_for else message,
                        }
                    )
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
                "replayed_requests": self.replayed_requests,
                "messages": list(self.recent)[-100:][::-1],
            }

    def page(self) -> str:
        """The messages received, newest first, for a person in a browser."""
        with self.lock:
            rows = list(self.recent)[::-1]
        cells = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(m[k]))}</td>" for k in
                             ("at", "channel", "to", "text")) + "</tr>"
            for m in rows
        )  # fmt: skip
        return (
            "<!doctype html><meta charset=utf-8><title>Fake gateways: received</title>"
            "<style>body{font:15px sans-serif;margin:2em}td,th{padding:.3em .6em;"
            "border-bottom:1px solid #ccc;text-align:left;vertical-align:top}</style>"
            "<h1>What the fake e-mail, SMS and webhook gateways received</h1>"
            f"<p>{len(self.delivered)} deliveries; newest first (reload to update).</p>"
            "<table><tr><th>when (UTC)</th><th>channel</th><th>to</th><th>text</th></tr>"
            f"{cells}</table>"
        )


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
            if self.path != "/v1/received":
                self._answer(404, {"error": "not found"})
            elif "text/html" in self.headers.get("Accept", ""):
                data = ledger.page().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            else:
                self._answer(200, ledger.summary())

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            if len(raw) < length:
                # The client died mid-body (a killed worker): no request arrived, so nothing is
                # taken and no answer is remembered for its key, as a real gateway does. (Once
                # answered 400 and remembered, the key's complete retry was refused as "reused
                # with another request" and its thousand recipients never reached.)
                self.close_connection = True
                return
            with ledger.lock:
                outage = ledger.fail_next > 0
                ledger.fail_next -= 1 if outage else 0
            if outage:
                self._answer(500, {"error": "temporarily unavailable"})
                return
            key = self.headers.get("Idempotency-Key", "")
            replay = ledger.answered(key, raw)
            if replay is not None:
                self._answer(*replay)
                return
            status, answer = self._take(raw)
            ledger.remember(key, raw, status, answer)
            self._answer(status, answer)

        def _take(self, raw: bytes) -> tuple[int, dict]:
            if self.path.startswith("/webhook/"):
                ref = self.headers.get("X-SEEC-Delivery", "")
                message = self.headers.get("X-SEEC-Message", "")
                ledger.take("webhook", [{"ref": ref, "to": self.path}], lambda _to: "", message)
                return 200, {"received": ref}
            try:
                body = json.loads(raw)
            except ValueError:
                return 400, {"error": "body is not JSON"}
            items, message = body.get("messages", []), str(body.get("message", ""))
            if self.path == "/v1/messages":
                content = body.get("content", {})

                def email_text(item):
                    text = content.get(item.get("language", ""), {})
                    return f"{text.get('subject', '')} — {text.get('text', '')}"

                return 200, ledger.take("email", items, _check_email, message, email_text)
            if self.path == "/v1/sms/batches":
                texts = body.get("texts", {})

                def sms_text(item):
                    return str(texts.get(item.get("language", ""), ""))

                return 200, ledger.take("sms", items, _check_phone, message, sms_text)
            return 404, {"error": "not found"}

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
