"""The statements that sending runs for every message, written out once and, on PostgreSQL,
planned once a connection.

At two hundred messages a second the sending node's database parsed and planned the same
statements for every message (the peers hosting the two organisations, the outbox row, its
staged audit event): prepared on the connection the first time, each is only executed from
then on (the join's cost to the server fell from 0.10 to 0.03 ms, measured). And composing
each INSERT through the ORM's save cost the writer more than the database's insert: here a
model's statement is composed once a process.

Only for statements whose best plan does not hang on a parameter's value: a prepared
statement may be run by a generic plan, which cannot use a partial index that a literal in
the query would match (the worker's claim, which reads the outbox's index of the waiting
messages, is not prepared).
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection


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


_inserts: dict = {}


def insert(instance) -> None:
    """Write an unsaved model instance as one INSERT, by a statement composed once a model, and
    set its primary key (it is then as `save()` leaves it). Only for models whose saving has
    no logic of its own to run: no signals, no `auto_now` fields, no `save()` that matters."""
    model = type(instance)
    found = _inserts.get((model, connection.vendor))
    if found is None:
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        if any(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
               for field in fields):  # fmt: skip
            raise ValueError(f"{model.__name__} has fields set on save: save it instead.")
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 — our own names, quoted
            f"({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) "
            f"RETURNING {quote(model._meta.pk.column)}"
        )
        found = _inserts[(model, connection.vendor)] = (sql, fields)
    sql, fields = found
    values = [field.get_db_prep_save(getattr(instance, field.attname), connection)
              for field in fields]  # fmt: skip
    with cursor() as writing:
        writing.execute(sql, values)
        instance.pk = writing.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
