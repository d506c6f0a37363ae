"""Web chat latency: a visitor's message to the operator's screen, with 500 chats open at once.

The platform runs under uvicorn (one process) on PostgreSQL with the Redis channel layer.
500 visitors open a chat on the public page (HTTP, CSRF and all) and keep a WebSocket each;
50 operators (ten chats each) keep theirs. Each visitor writes a message every 2–8 seconds
(about 100 messages a second in all); a message's latency is from the visitor's send to its
arrival on the operator's socket, both clocks in this process. Each message is stored before
it is pushed.

Baseline in the same run: the operators' screens poll for new messages every second
(`GET /api/contact-centre/messages/?after=…`, what a page without WebSockets does), the
visitors unchanged. Goal (issue 20): push p95 ≤ 100 ms.
"""

import asyncio
import contextlib
import json
import random
import time

import httpx
from _contact_centre import make_operators, summary_ms, uvicorn_server
from harness import SMOKE, goal, say, size

ENGINES = ["postgresql"]  # the production database; the channel layer is Redis either way
SESSIONS = size("BENCH_CHAT_SESSIONS", 500, 20)
OPERATORS = size("BENCH_CHAT_OPERATORS", 50, 4)
MESSAGES = size("BENCH_CHAT_MESSAGES", 6, 2)  # per visitor and phase
# Seconds between one visitor's messages; at smoke size a quarter (each phase took 16 s of
# waiting of a smoke run's 40: the polling operators still poll between messages).
GAP = (0.5, 2.0) if SMOKE else (2.0, 8.0)


async def open_chats(url: str, count: int) -> list[str]:
    """Open `count` chats from the public page; their keys."""
    keys = []
    limit = asyncio.Semaphore(20)

    async def one(client):
        async with limit:
            page = await client.get(f"{url}/help/chat/")
            token = page.cookies.get("csrftoken") or client.cookies.get("csrftoken")
            response = await client.post(
                f"{url}/help/chat/start/",
                data={"country": "GR", "language": "el", "csrfmiddlewaretoken": token},
                headers={"Referer": f"{url}/help/chat/"},
            )
            response.raise_for_status()
            keys.append(response.json()["key"])

    async def consoles_open():
        # The operators' consoles ping while the chats open (as their open pages do): opening
        # 500 chats on a busy machine outlasts the 90 s after which a silent console is skipped.
        from asgiref.sync import sync_to_async
        from django.utils import timezone

        from seec.contactcentre.models import OperatorPresence

        while True:
            await sync_to_async(OperatorPresence.objects.update)(changed_at=timezone.now())
            await asyncio.sleep(15)

    pinging = asyncio.create_task(consoles_open())
    clients = [httpx.AsyncClient(timeout=30) for _ in range(count)]
    await asyncio.gather(*(one(c) for c in clients))
    pinging.cancel()
    for client in clients:
        await client.aclose()
    return keys


async def phase(url, keys, operators, *, push: bool, tag: str) -> list[float]:
    from websockets.asyncio.client import connect

    ws_url = url.replace("http", "ws")
    sent: dict[str, float] = {}
    latencies: list[float] = []
    done = asyncio.Event()
    expected = len(keys) * MESSAGES

    def arrived(body: str, at: float):
        started = sent.pop(body, None)
        if started is not None:
            latencies.append(at - started)
            if len(latencies) >= expected:
                done.set()

    async def operator_push(cookie):
        async with connect(f"{ws_url}/ws/contact-centre/", additional_headers={
                "Cookie": cookie, "Origin": url}, max_queue=None) as ws:  # fmt: skip
            pinger = asyncio.create_task(ping(ws))
            try:
                async for frame in ws:
                    data = json.loads(frame)
                    if data.get("kind") == "message":
                        arrived(data["body"], time.perf_counter())
            finally:
                pinger.cancel()

    async def ping(ws):
        while True:
            await asyncio.sleep(20)
            await ws.send('{"type":"ping"}')

    async def operator_poll(cookie):
        last = 0
        async with httpx.AsyncClient(headers={"Cookie": cookie}, timeout=30) as client:
            await asyncio.sleep(random.random())  # screens opened at different moments
            while not done.is_set():
                tick = time.perf_counter()
                response = await client.get(f"{url}/api/contact-centre/messages/?after={last}")
                now = time.perf_counter()
                for message in response.json():
                    last = max(last, message["id"])
                    if message["sender"] == "caller":
                        arrived(message["body"], now)
                await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - tick)))

    async def visitor(index, key):
        async with connect(f"{ws_url}/ws/help-chat/", additional_headers={"Origin": url}) as ws:
            await ws.send(json.dumps({"type": "hello", "key": key}))
            await ws.recv()
            await asyncio.sleep(random.uniform(0, GAP[1]))
            for n in range(MESSAGES):
                body = f"{tag}-{index}-{n}"
                sent[body] = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "body": body}))
                await asyncio.sleep(random.uniform(*GAP))

    watchers = [
        asyncio.create_task(operator_push(cookie) if push else operator_poll(cookie))
        for _user, cookie in operators
    ]
    await asyncio.sleep(1.0)  # every operator's socket open before the first message
    await asyncio.wait_for(
        asyncio.gather(*(visitor(i, k) for i, k in enumerate(keys))),
        timeout=MESSAGES * GAP[1] + 120,
    )
    with contextlib.suppress(TimeoutError):  # a lost message is counted, not waited for
        await asyncio.wait_for(done.wait(), timeout=15)
    for task in watchers:
        task.cancel()
    lost = expected - len(latencies)
    if lost:
        say(f"   {tag}: {lost} messages never reached an operator")
    return latencies


def run(engine: str) -> dict:
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    operators = make_operators(OPERATORS, capacity=-(-SESSIONS // OPERATORS))
    random.seed(20)
    environment = {
        # Every simulated visitor comes from 127.0.0.1: the per-address limits would see one
        # client sending 100 messages a second.
        "SEEC_CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS": "1000000",
        "SEEC_CHAT_STARTS_PER_HOUR": "1000000",
    }
    with uvicorn_server(**environment) as url:
        keys = asyncio.run(open_chats(url, SESSIONS))
        from seec.contactcentre.models import Conversation

        unrouted = Conversation.objects.filter(channel="chat", operator__isnull=True).count()
        say(f"   {len(keys)} chats open, {unrouted} not routed to any of {OPERATORS} operators")
        pushed = asyncio.run(phase(url, keys, operators, push=True, tag="push"))
        say(f"   push: {summary_ms(pushed)}")
        polled = asyncio.run(phase(url, keys, operators, push=False, tag="poll"))
        say(f"   polling every second: {summary_ms(polled)}")
    push, poll = summary_ms(pushed), summary_ms(polled)
    return {
        "data": {"sessions": SESSIONS, "operators": OPERATORS, "messages_per_session": MESSAGES},
        "sessions": SESSIONS,
        "operators": OPERATORS,
        "messages_per_session": MESSAGES,
        "server": "uvicorn, 1 process; Redis pub/sub channel layer",
        "push_websocket": push,
        "baseline_polling_every_second": poll,
        "goals": [
            goal(
                f"chat message p95 sender→operator (ms), {SESSIONS} chats",
                push["p95_ms"],
                "<=",
                100,
            ),
            goal(
                "every message reached its operator", len(pushed) / (SESSIONS * MESSAGES), ">=", 1.0
            ),
        ],
    }
