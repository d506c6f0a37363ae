"""Screen pop: a call's PBX event to the operator's screen.

The platform runs under uvicorn (one process) on PostgreSQL with the Redis channel layer. 20
operators are available, each with the contact centre's WebSocket open (what their console
page keeps). A PBX posts signed `ringing` events (`/contact-centre/lines/<id>/pbx-events/`)
for calls from numbers with earlier contacts, about four a second, in the pattern of a busy
hour; each call is routed to a free operator, whose socket receives the offer with the
caller's history. Latency: from the PBX's request leaving to the offer's arrival, both clocks
in this process. Each call is then ended (another signed event), freeing its operator.

Baseline in the same run: the operators' screens poll every second for what is offered to them
(`GET /api/contact-centre/conversations/?state=offered&mine=true`). Goal (issue 20): push
p95 ≤ 300 ms.
"""

import asyncio
import json
import os
import random
import time

import httpx
from _contact_centre import make_operators, summary_ms, uvicorn_server
from harness import goal, say, size

ENGINES = ["postgresql"]
OPERATORS = size("BENCH_POP_OPERATORS", 20, 4)
CALLS = size("BENCH_POP_CALLS", 200, 20)
RATE = float(os.environ.get("BENCH_POP_RATE", "4"))  # calls a second
HISTORY = size(
    "BENCH_POP_HISTORY", 2000, 200
)  # earlier contacts of the callers, for the history each pop carries


def earlier_contacts(count: int) -> list[str]:
    """Callers who called before: their numbers and `count` recorded contacts."""
    from seec.cases.models import Contact, digits_of
    from seec.core.models import User

    operator = User.objects.get(username="operator.gr")
    numbers = [f"+30 69{n:08d}" for n in range(count // 2)]
    Contact.objects.bulk_create(
        Contact(
            organisation_id=operator.organisation_id, operator=operator, channel="call",
            subject="case_information", caller_phone=number, caller_phone_digits=digits_of(number),
        )
        for number in numbers * 2
    )  # fmt: skip
    return numbers


def pbx_poster(url: str, line):
    from seec.contactcentre.pbx import signature

    async def post(client, **event):
        body = json.dumps(event).encode()
        stamp = str(int(time.time()))
        response = await client.post(
            f"{url}/contact-centre/lines/{line.pk}/pbx-events/",
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-SEEC-Timestamp": stamp,
                "X-SEEC-Signature": signature(line.secret, stamp, body),
            },
        )
        response.raise_for_status()
        return response.json()

    return post


async def phase(url, line, operators, numbers, *, push: bool, tag: str) -> list[float]:
    from websockets.asyncio.client import connect

    post = pbx_poster(url, line)
    # The offer may arrive before the PBX's request has its answer (which names the
    # conversation): whichever comes second computes the latency.
    sent: dict[int, float] = {}
    arrived: dict[int, float] = {}
    latencies: list[float] = []
    ended: list[asyncio.Task] = []
    client = httpx.AsyncClient(timeout=30)

    def popped(conversation_id: int, at: float):
        if conversation_id in arrived:
            return  # polled again before the call ended
        arrived[conversation_id] = at
        if conversation_id in sent:
            latencies.append(at - sent[conversation_id])

    async def operator_push(cookie):
        async with connect(f"{url.replace('http', 'ws')}/ws/contact-centre/",
                           additional_headers={"Cookie": cookie, "Origin": url}) as ws:  # fmt: skip
            async for frame in ws:
                data = json.loads(frame)
                if data.get("kind") == "offer":
                    popped(data["conversation"], time.perf_counter())

    async def operator_poll(cookie):
        async with httpx.AsyncClient(headers={"Cookie": cookie}, timeout=30) as poller:
            await asyncio.sleep(random.random())
            while True:
                tick = time.perf_counter()
                response = await poller.get(
                    f"{url}/api/contact-centre/conversations/?state=offered&mine=true"
                )
                now = time.perf_counter()
                for item in response.json()["results"]:
                    popped(item["id"], now)
                await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - tick)))

    watchers = [
        asyncio.create_task(operator_push(cookie) if push else operator_poll(cookie))
        for _user, cookie in operators
    ]
    await asyncio.sleep(1.5)
    for n in range(CALLS):
        call_id = f"{tag}-call-{n}"
        started = time.perf_counter()
        answer = await post(client, event="ringing", call_id=call_id, caller=random.choice(numbers))
        conversation = answer["conversation"]
        sent[conversation] = started
        if conversation in arrived:
            latencies.append(arrived[conversation] - started)
        ended.append(asyncio.create_task(hang_up(post, client, call_id)))
        await asyncio.sleep(random.expovariate(RATE))
    await asyncio.gather(*ended)
    await asyncio.sleep(2.5)
    for task in watchers:
        task.cancel()
    await client.aclose()
    missed = CALLS - len(latencies)
    if missed:
        say(f"   {tag}: {missed} calls not offered to anyone (every operator busy)")
    return latencies


async def hang_up(post, client, call_id):
    """The call is short: its operator is free again a moment later."""
    await asyncio.sleep(random.uniform(0.5, 2.0))
    await post(client, event="ended", call_id=call_id)


def run(engine: str) -> dict:
    from django.core.management import call_command

    from seec.contactcentre.models import ContactLine

    call_command("seed_demo", verbosity=0)
    operators = make_operators(OPERATORS)
    numbers = earlier_contacts(HISTORY)
    line = ContactLine.objects.get(name="PBX GR (demo)")
    random.seed(116)
    with uvicorn_server() as url:
        pushed = asyncio.run(phase(url, line, operators, numbers, push=True, tag="push"))
        say(f"   push: {summary_ms(pushed)}")
        polled = asyncio.run(phase(url, line, operators, numbers, push=False, tag="poll"))
        say(f"   polling every second: {summary_ms(polled)}")
    push, poll = summary_ms(pushed), summary_ms(polled)
    return {
        "data": {"operators": OPERATORS, "calls": CALLS, "earlier_contacts": HISTORY},
        "operators": OPERATORS,
        "calls": CALLS,
        "calls_per_second": RATE,
        "earlier_contacts": HISTORY,
        "server": "uvicorn, 1 process; Redis pub/sub channel layer",
        "push_websocket": push,
        "baseline_polling_every_second": poll,
        "goals": [
            goal("screen pop p95 PBX event→operator (ms)", push["p95_ms"], "<=", 300),
            goal("calls popped up", len(pushed) / CALLS, ">=", 1.0),
        ],
    }
