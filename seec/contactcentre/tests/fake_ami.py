"""A local server that speaks the Asterisk Manager Interface as Asterisk does, for tests and
benchmarks (there is no Asterisk on this machine).

What it does, as Asterisk 20 does it: on connection the banner line
`Asterisk Call Manager/<version>\\r\\n`; then messages of `Key: Value` lines, each message
ended by an empty line (`\\r\\n\\r\\n`). Actions carry `Action:` and an `ActionID:` that the
`Response:` repeats. `Login` with the right `Username`/`Secret` answers `Response: Success`
(`Message: Authentication accepted`) and sends `Event: FullyBooted`; a wrong secret answers
`Response: Error` (`Message: Authentication failed`) and closes the connection. `Ping` answers
`Ping: Pong` with a `Timestamp`. Events (`emit`) go to every logged-in client with events on.
"""

import asyncio
import threading
import time

BANNER = "Asterisk Call Manager/9.0.0\r\n"


def frame(fields: dict) -> bytes:
    return ("".join(f"{key}: {value}\r\n" for key, value in fields.items()) + "\r\n").encode()


def parse(block: str) -> dict:
    fields = {}
    for line in block.split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    return fields


class FakeAsterisk:
    """The AMI on 127.0.0.1:<port>, in a thread of its own; `emit` sends an event."""

    def __init__(self, username="seec", secret="amisecret", port=0):  # noqa: S107
        self.username, self.secret = username, secret
        self.port = port
        self.clients: list[asyncio.StreamWriter] = []
        self.actions: list[dict] = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", self.port)
        )
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        writer.write(BANNER.encode())
        await writer.drain()
        buffer = ""
        try:
            while True:
                chunk = await reader.read(4096)
                if not chunk:
                    break
                buffer += chunk.decode()
                while "\r\n\r\n" in buffer:
                    block, buffer = buffer.split("\r\n\r\n", 1)
                    if not await self._answer(parse(block), writer):
                        return
        except ConnectionError:
            pass
        finally:
            if writer in self.clients:
                self.clients.remove(writer)
            writer.close()

    async def _answer(self, action: dict, writer) -> bool:
        self.actions.append(action)
        name = action.get("action", "").lower()
        reply = {"Response": "Success", "ActionID": action.get("actionid", "")}
        if name == "login":
            if action.get("username") != self.username or action.get("secret") != self.secret:
                writer.write(
                    frame({**reply, "Response": "Error", "Message": "Authentication failed"})
                )
                await writer.drain()
                return False
            writer.write(frame({**reply, "Message": "Authentication accepted"}))
            writer.write(frame({"Event": "FullyBooted", "Privilege": "system,all", "Uptime": "1",
                                "LastReload": "1", "Status": "Fully Booted"}))  # fmt: skip
            if action.get("events", "on").lower() != "off":
                self.clients.append(writer)
        elif name == "ping":
            writer.write(frame({**reply, "Ping": "Pong", "Timestamp": f"{time.time():.6f}"}))
        elif name == "logoff":
            writer.write(frame({"Response": "Goodbye", "ActionID": reply["ActionID"],
                                "Message": "Thanks for all the fish."}))  # fmt: skip
            await writer.drain()
            return False
        else:
            writer.write(
                frame({**reply, "Response": "Error", "Message": "Invalid/unknown command"})
            )
        await writer.drain()
        return True

    def emit(self, event: dict) -> None:
        """Send one event (an ordered dict of headers, `Event` first) to every client."""

        async def send():
            for writer in list(self.clients):
                writer.write(frame(event))
                await writer.drain()

        asyncio.run_coroutine_threadsafe(send(), self.loop).result(5)

    def emit_raw(self, data: bytes) -> None:
        async def send():
            for writer in list(self.clients):
                writer.write(data)
                await writer.drain()

        asyncio.run_coroutine_threadsafe(send(), self.loop).result(5)

    def wait_for_clients(self, n=1, timeout=5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.clients) < n:
            if time.monotonic() > deadline:
                raise TimeoutError("no AMI client logged in")
            time.sleep(0.01)

    def __enter__(self):
        self.thread.start()
        self.ready.wait(5)
        return self

    def __exit__(self, *exc):
        async def stop():
            self.server.close()
            for writer in list(self.clients):
                writer.close()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def queue_call(uniqueid: str, number: str, *, queue: str = "116000") -> list[dict]:
    """The events Asterisk's app_queue sends for a call that joins the queue (Asterisk 20)."""
    return [
        {
            "Event": "QueueCallerJoin",
            "Privilege": "agent,all",
            "Channel": f"PJSIP/trunk-{uniqueid.replace('.', '')}",
            "CallerIDNum": number,
            "CallerIDName": "<unknown>",
            "Uniqueid": uniqueid,
            "Linkedid": uniqueid,
            "Queue": queue,
            "Position": "1",
            "Count": "1",
        }
    ]


def agent_connect(uniqueid: str, number: str, interface: str, hold: int) -> dict:
    return {
        "Event": "AgentConnect",
        "Privilege": "agent,all",
        "CallerIDNum": number,
        "Uniqueid": uniqueid,
        "Queue": "116000",
        "MemberName": interface,
        "Interface": interface,
        "HoldTime": str(hold),
        "RingTime": "3",
    }


def caller_abandon(uniqueid: str, number: str, hold: int) -> dict:
    return {
        "Event": "QueueCallerAbandon",
        "Privilege": "agent,all",
        "CallerIDNum": number,
        "Uniqueid": uniqueid,
        "Queue": "116000",
        "Position": "1",
        "OriginalPosition": "1",
        "HoldTime": str(hold),
    }


def agent_complete(uniqueid: str, number: str, interface: str, hold: int, talk: int) -> dict:
    return {
        "Event": "AgentComplete",
        "Privilege": "agent,all",
        "CallerIDNum": number,
        "Uniqueid": uniqueid,
        "Queue": "116000",
        "Interface": interface,
        "HoldTime": str(hold),
        "TalkTime": str(talk),
        "Reason": "caller",
    }
