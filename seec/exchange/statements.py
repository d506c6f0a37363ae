"""The statements that sending runs for every message, written out once and, on PostgreSQL,
planned once a connection.

At two hundred messages a second the sending node's database parsed and planned the same
statements for every message (the peers hosting the two organisations, the outbox row, its
staged audit event): prepared on the connection the first time, each is only executed from
then on (the join's cost to the server fell from 0.10 to 0.03 ms, measured). And composing
each INSERT through the ORM's save cost the writer more than the database's insert: here a
model's statement is written out (`core.bulk.insert_returning_pks`).

Only for statements whose best plan does not hang on a parameter's value: a prepared
statement may be run by a generic plan, which cannot use a partial index that a literal in
the query would match (the worker's claim, which reads the outbox's index of the waiting
messages, is not prepared).
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from seec.core import bulk


@contextmanager
def cursor():
    """A cursor whose statements are prepared on their connection the first time they run
    (PostgreSQL: server-side parameters, each statement parsed and planned once); elsewhere
    the usual cursor, and also while queries are logged (a prepared statement's text is not
    at hand for the log) or with SEEC_EXCHANGE_PREPARED_STATEMENTS off. Execute wrappers see
    its statements as any other's. It reads no date or time back (the connection's time-zone
    loader is not set on it)."""
    if (
        connection.vendor != "postgresql"
        or not settings.SEEC_EXCHANGE_PREPARED_STATEMENTS
        or connection.queries_logged
    ):
        with connection.cursor() as plain:
            yield plain
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns preparing off (for poolers that cannot keep a prepared statement);
        # psycopg then prepares nothing, even when asked. A threshold never reached instead:
        # only the statements run here are prepared (Django's own cursors bind on the
        # client, and never prepare).
        raw.prepare_threshold = NEVER_BY_COUNT
    with connection.wrap_database_errors:
        wrapped = connection._prepare_cursor(_preparing_cursor_class()(raw))
    with wrapped:
        yield wrapped


NEVER_BY_COUNT = 2**31
_preparing = None


def _preparing_cursor_class():
    global _preparing
    if _preparing is None:
        import psycopg

        class Preparing(psycopg.Cursor):
            """Server-side parameters; every statement prepared on its first run."""

            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(query, params, prepare=True, binary=binary)

        _preparing = Preparing
    return _preparing


def insert(instance) -> None:
    """Write an unsaved model instance as one INSERT (`core.bulk.insert_returning_pks`) on a
    cursor that prepares it, and set its primary key (it is then as `save()` leaves it). Only
    for models whose saving has no logic of its own to run: no signals, no `auto_now` fields,
    no `save()` that matters."""
    bulk.insert_returning_pks([instance], cursor=cursor)
