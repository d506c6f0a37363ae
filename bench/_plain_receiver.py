"""The baseline receiver of bench/exchange_throughput: plain unsigned JSON stored as it comes
(one row per id, a repeat ignored), answered with a small JSON — no envelope, no signature,
no encryption, no audit."""

import json
import os
import threading

import psycopg

URL = os.environ["PLAIN_DATABASE_URL"]
_local = threading.local()


def _connection() -> psycopg.Connection:
    # One connection per serving thread, kept: as a pooled production receiver would.
    conn = getattr(_local, "conn", None)
    if conn is None:
        # The table is made by the benchmark before this server starts.
        conn = _local.conn = psycopg.connect(URL, autocommit=True)
    return conn


def app(environ, start_response):
    if environ["REQUEST_METHOD"] == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length))
        _connection().execute(
            "INSERT INTO bench_plain_inbox (id, body) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (body["id"], psycopg.types.json.Jsonb(body)),
        )
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"ok": true}']
