"""Asterisk's call events, read from its manager interface (AMI) with panoramisk.

The hotline's calls wait in an Asterisk queue (app_queue); its events say all the metrics need:

| AMI event            | meaning                                  | here                        |
|----------------------|------------------------------------------|-----------------------------|
| `QueueCallerJoin`    | a caller joins the queue                 | ringing: queued, routed     |
| `AgentCalled`        | an operator's phone rings                | offered to that operator    |
| `AgentConnect`       | the operator answers (`HoldTime` waited) | answered                    |
| `QueueCallerAbandon` | the caller hangs up waiting (`HoldTime`) | abandoned                   |
| `AgentComplete`      | the call ends after an answer            | ended                       |
| `Hangup`             | a channel hangs up                       | ended (if it is a call here) |

The call is known by the caller channel's `Uniqueid`; an operator by the queue member's
`Interface` (`PJSIP/201`), written as the operator's extension in their presence.
`manage.py pbx_ami` runs the connector (docs/operations.md says how to set Asterisk up).
"""

import logging
import re

from asgiref.sync import sync_to_async
from panoramisk import Manager

from seec.core.audit import Origin

from . import services
from .models import ContactLine
from .pbx import CALLER, MalformedEvent, PbxEvent, handle_event

log = logging.getLogger("seec.contactcentre.ami")

UNIQUEID = re.compile(r"^[0-9]{1,20}\.[0-9]{1,10}$")
EVENT_KINDS = {
    "QueueCallerJoin": "ringing",
    "AgentCalled": "ringing",
    "AgentConnect": "answered",
    "QueueCallerAbandon": "abandoned",
    "AgentComplete": "ended",
    "Hangup": "ended",
}


def event_from_ami(message) -> PbxEvent | None:
    """A PbxEvent from one AMI event (None for events that say nothing of a hotline call), or
    MalformedEvent naming the header that cannot be read."""
    kind = EVENT_KINDS.get(message.get("Event", ""))
    if kind is None:
        return None
    uniqueid = message.get("Uniqueid", "")
    if not UNIQUEID.match(uniqueid):
        raise MalformedEvent("Uniqueid: Asterisk's <seconds>.<sequence>")
    caller = message.get("CallerIDNum", "") or ""
    if caller.lower() in ("<unknown>", "anonymous", "unknown"):
        caller = ""  # a withheld number
    if not CALLER.match(caller):
        raise MalformedEvent("CallerIDNum: a phone number")
    wait = message.get("HoldTime")
    if wait is not None and not str(wait).isdigit():
        raise MalformedEvent("HoldTime: whole seconds")
    agent = message.get("Interface") or ""
    if message.get("Event") == "AgentCalled":
        agent = message.get("AgentCalled") or agent
    return PbxEvent(
        kind=kind,
        call_id=uniqueid,
        caller=caller,
        agent=agent[:60],
        wait_seconds=int(wait) if wait is not None else None,
    )


class AmiConnector:
    """Reads one Asterisk's events into the contact centre of `line`'s organisation."""

    def __init__(self, line: ContactLine, *, host: str, port: int, username: str, secret: str):
        self.line = line
        self.manager = Manager(
            host=host,
            port=port,
            username=username,
            secret=secret,
            ping_delay=10,
            ping_interval=10,
            reconnect_timeout=2,
            log=log,
        )
        for name in EVENT_KINDS:
            self.manager.register_event(name, self.on_event)
        self.handled = 0
        self.refused = 0

    async def on_event(self, manager, message):
        try:
            event = event_from_ami(message)
        except MalformedEvent as error:
            self.refused += 1
            await sync_to_async(services.refused)(
                "ami event",
                reason=str(error),
                origin=Origin(),
                details={"line": self.line.pk, "event": str(message.get("Event", ""))[:40]},
            )
            return
        if event is None:
            return
        await sync_to_async(handle_event)(self.line, event)
        self.handled += 1

    async def connect(self):
        """Connect and log in; the manager reconnects by itself if Asterisk restarts."""
        import asyncio

        self.manager.loop = asyncio.get_running_loop()
        await self.manager.connect()
        # The login's answer comes after the connection: wait for it, and fail loudly if the
        # AMI user or secret is wrong.
        for _attempt in range(100):
            if self.manager.authenticated:
                return
            future = self.manager.authenticated_future
            if future is not None and future.done():
                break
            await asyncio.sleep(0.05)
        if not self.manager.authenticated:
            raise ConnectionRefusedError("Asterisk refused the AMI login")

    def close(self):
        self.manager.close()
