"""Many rows of one model into the database at once, without a model instance per row.

`QuerySet.bulk_create` compiles every value of every row through the field machinery, which
costs more than the database's own work for an import of a hundred thousand cases. Here each
field's conversion is chosen once per call: plain strings, numbers and booleans go to the
driver as they are, everything else (dates on SQLite, JSON, decimals, addresses) through the
field's own `get_db_prep_save`. On PostgreSQL the rows go by COPY, on SQLite by INSERTs of
many rows each (`write_rows`).

Only for rows that need no model logic on save (no signals, no `save()` override): imports.
"""

import sqlite3
from collections.abc import Iterable, Sequence
from functools import partial
from operator import itemgetter

from django.conf import settings
from django.db import connection
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils import timezone

# Values the database drivers take as they are, on SQLite and PostgreSQL alike.
AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _converter(field):
    """The function from a field's Python value (never None) to what the driver takes, or None
    if the value goes as it is."""
    kind = field.get_internal_type()
    if kind in AS_IS:
        return None
    # The backend's own adapters, without the per-value checks of get_db_prep_save: the values
    # here come from parsed, validated rows (aware datetimes, real dates).
    ops = connection.ops
    if kind == "DateTimeField" and connection.vendor == "sqlite" and settings.USE_TZ:
        # What the SQLite backend's adapter does to an aware datetime (naive, in the
        # connection's zone, as text), without its per-call setting lookups.
        zone = connection.timezone

        def to_text(value):
            if value.utcoffset() is not None:
                value = value.astimezone(zone).replace(tzinfo=None)
            return str(value)

        return to_text
    if kind in ("DateTimeField", "DateField") and connection.vendor == "postgresql":
        return None  # the driver takes dates and datetimes: Django's adapters return them as is
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "JSONField":
        return lambda value: ops.adapt_json_value(value, field.encoder)
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return lambda value: field.get_db_prep_save(value, connection)


def _driver_value(field, value):
    """A field's Python value as the driver takes it."""
    convert = _converter(field)
    return value if value is None or convert is None else convert(value)


def insert_rows(model, rows: Iterable[dict], *, with_pk: bool = False) -> int:
    """Insert `rows` into `model`'s table; returns the number inserted. A row holds every
    column's value by attribute name (an unsaved instance's __dict__ does); `auto_now` fields
    take the time of writing. The primary key is the database's to give, unless `with_pk`
    (ids drawn by `next_ids`)."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    pick = itemgetter(*(f.attname for f in fields))
    converters = [(i, c) for i, c in enumerate(map(_converter, fields)) if c is not None]
    now = timezone.now()
    stamped = [
        (i, _driver_value(f, now)) for i, f in enumerate(fields) if getattr(f, "auto_now", 0)
    ]

    last = {}  # column → (value, converted): rows of one batch often share a value

    def values(row: dict) -> list:
        out = list(pick(row))
        for i, convert in converters:
            value = out[i]
            if value is not None:
                seen = last.get(i)
                if seen is not None and seen[0] is value:
                    out[i] = seen[1]
                else:
                    out[i] = convert(value)
                    last[i] = (value, out[i])
        for i, value in stamped:
            out[i] = value
        return out

    return write_rows(model._meta.db_table, [f.column for f in fields], map(values, rows))


def next_ids(model, count: int) -> list[int]:
    """`count` new ids from the sequence of `model`'s primary key, on PostgreSQL: rows written
    with them need not be looked up again for their ids (a lookup that, in a table growing
    under an import, the planner gets right only with fresh statistics)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def write_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Rows of driver-ready values, in the order of `columns`, straight into `table` (our own
    table and column names, never user input); returns the number written.

    On PostgreSQL by COPY: the rows stream in one statement. An executemany sends each row as
    its own statement, and binding each costs the driver more than the server's insert. On
    SQLite by INSERTs of many rows each: an executemany runs the statement once per row, and
    that (with its bookkeeping, the AUTOINCREMENT counter among it) costs three times what
    the row itself does (6 µs against 2 µs a search key on a loaded server)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own COPY: its errors made Django's, as its cursor's are.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        per_statement = max(1, min(_ROWS_PER_INSERT, _sqlite_variables() // len(columns)))
        one_row = f"({', '.join(['?'] * len(columns))})"
        head = f"INSERT INTO {quote(table)} ({names}) VALUES "  # noqa: S608
        full_sql = head + ", ".join([one_row] * per_statement)
        chunk: list = []
        for row in rows:
            chunk += row
            count += 1
            if count % per_statement == 0:
                _execute_qmark(cursor, full_sql, chunk)
                chunk = []
        if chunk:
            left = len(chunk) // len(columns)
            _execute_qmark(cursor, head + ", ".join([one_row] * left), chunk)
    return count


def _execute_qmark(cursor, sql: str, params: list) -> None:
    """Run a statement written with SQLite's own "?" placeholders on a Django cursor.

    Django's SQLite cursor rewrites every "%s" of a statement into "?" by a regular expression
    on each call: for the many-row INSERTs here (tens of thousands of placeholders, 100 KB of
    text) that cost as much as a fifth of SQLite's own work on the rows (~0.05 CPU-s of a
    10,000-case import's insert, issue 17). Database errors are still Django's; the statement
    is not in Django's query log (connection.queries) nor seen by execute_wrappers."""
    with connection.wrap_database_errors:
        sqlite3.Cursor.execute(cursor.cursor, sql, params)


# Beyond a few hundred rows a statement, SQLite's cost per row does not fall further.
_ROWS_PER_INSERT = 500


def _sqlite_variables() -> int:
    """How many parameters one SQLite statement takes (999 before SQLite 3.32, 32,766 since)."""
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def insert_new(model, columns: Sequence[str], rows: Sequence[Sequence], returning: Sequence[str]):
    """Insert the rows (values in the order of `columns`) that break none of `model`'s unique
    constraints, and yield the `returning` columns of those inserted, not of those left out.

    What `bulk_create(ignore_conflicts=True)` writes, without a model instance per row, and
    telling which rows this call added: a row another transaction added meanwhile (on
    PostgreSQL the insert waits for it to commit) is not among them."""
    if not rows:
        return
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(column) for column in columns)}) "
    )
    tail = f" ON CONFLICT DO NOTHING RETURNING {', '.join(quote(c) for c in returning)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A column a parameter: the driver composes the statement on our side, and parsing
            # thousands of placeholders out of it costs more than the insert.
            cursor.execute(
                f"{head}{unnest_select(model, columns)}{tail}",
                [array_param([row[i] for row in rows]) for i in range(len(columns))],
            )
            yield from cursor.fetchall()
            return
        one_row = f"({', '.join(['?'] * len(columns))})"
        per_statement = max(1, min(_ROWS_PER_INSERT, _sqlite_variables() // len(columns)))
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            _execute_qmark(
                cursor,
                head + "VALUES " + ", ".join([one_row] * len(part)) + tail,
                [value for row in part for value in row],
            )
            yield from cursor.fetchall()


def unnest_select(model, columns: Sequence[str]) -> str:
    """`SELECT * FROM unnest(%s::type[], …)` of `model`'s `columns` (PostgreSQL): many rows
    from one array parameter a column, for an INSERT to take."""
    arrays = ", ".join(f"%s::{_db_type(model, column)}[]" for column in columns)
    return f"SELECT * FROM unnest({arrays})"  # noqa: S608 (our own names and types)


def array_param(values: list):
    """A list for a `%s::type[]` parameter on PostgreSQL: a list of whole numbers or of
    strings as the array's text ("{1,2}", '{"a","b"}'), any other list as it is.

    The driver dumps a list element by element in Python (a tenth of a second for the tens
    of thousands of keys, words and digests an import looks up); one string is dumped at
    once, and the cast reads it as the array."""
    if all(type(value) is int for value in values):
        return "{" + ",".join(map(str, values)) + "}"
    if not all(type(value) is str for value in values):
        return values
    if not values:
        return "{}"
    joined = '","'.join(values)
    if "\\" in joined or '"' in joined:  # an array's text escapes these two in its elements
        joined = '","'.join(value.replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return '{"' + joined + '"}'


def _db_type(model, column: str) -> str:
    """The type of a column of the model's table, as PostgreSQL names it (bigint, text...)."""
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    return field.db_type(connection)


def column_where_in(
    model, column: str, values: list, *other: str, chunk: int = 5000, where: dict | None = None
):
    """(value, *other columns) of `model`'s rows whose `column` is one of `values` (and whose
    columns named in `where` equal the values given there): the lookup an import makes for
    tens of thousands of keys, in chunks the database takes, without the ORM's per-value
    expression work."""
    table, quote = model._meta.db_table, connection.ops.quote_name
    selected = ", ".join(quote(name) for name in (column, *other))
    where = where or {}
    postgres = connection.vendor == "postgresql"
    mark = "%s" if postgres else "?"  # SQLite's own placeholders: see _execute_qmark
    also = "".join(f"{quote(name)} = {mark} AND " for name in where)
    with connection.cursor() as cursor:
        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            if postgres:  # one array parameter, not thousands to parse out of the statement
                test, params = f"= ANY(%s::{_db_type(model, column)}[])", [array_param(part)]
                run = cursor.execute
            else:
                test, params = f"IN ({', '.join(['?'] * len(part))})", part
                run = partial(_execute_qmark, cursor)
            run(
                f"SELECT {selected} FROM {table} "  # noqa: S608 (our own names)
                f"WHERE {also}{quote(column)} {test}",
                [*where.values(), *params],
            )
            yield from cursor.fetchall()


class InstanceMaker:
    """Unsaved instances of a model from values by attribute name, made as `from_db` makes
    loaded ones: the model's `__init__` costs more than parsing and checking an imported row.
    Every field not given takes its default, as in `__init__`. Only for models that nothing
    watches being instantiated (no pre_init/post_init receivers: no file fields)."""

    def __init__(self, model):
        if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
            raise ValueError(f"{model.__name__} has init signal receivers: use the model")
        self.model = model
        self.fixed: dict = {}
        self.per_instance = []
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                self.per_instance.append((field.attname, field.default))
            else:
                self.fixed[field.attname] = field.get_default()

    def __call__(self, values: dict):
        instance = self.model.__new__(self.model)
        instance._state = ModelState()
        instance.__dict__.update(self.fixed)
        for attname, default in self.per_instance:
            if attname not in values:
                instance.__dict__[attname] = default()
        instance.__dict__.update(values)
        return instance


def update_by_pk(model, by_pk: dict, *, same: dict | None = None, raw: Sequence[str] = ()):
    """One UPDATE of `model`'s rows whose primary keys are those of `by_pk`: each row's own
    values (pk → {column: value}, every row naming the same columns) by a simple CASE on the
    primary key, what every row gets alike in `same` ({column: value}), and `raw` SQL
    assignments as they are ("attempts = attempts + 1"). Standard SQL on either engine; one
    statement, so one new version of each row. `QuerySet.bulk_update` builds an ORM
    expression for every row and column, which costs more CPU than the database's work for
    the few dozen rows of a batch. Values go to the driver as they are (adapt datetimes
    first, as connection.ops.adapt_datetimefield_value does)."""
    if not by_pk:
        return 0
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    pks = list(by_pk)
    columns = list(next(iter(by_pk.values())))
    when = " ".join(["WHEN %s THEN %s"] * len(pks))
    assignments, params = [], []
    for column in columns:
        assignments.append(f"{quote(column)} = CASE {pk} {when} END")
        params += [value for key in pks for value in (key, by_pk[key][column])]
    for column, value in (same or {}).items():
        assignments.append(f"{quote(column)} = %s")
        params.append(value)
    assignments += raw
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(assignments)} "  # noqa: S608 — our own names
            f"WHERE {pk} IN ({', '.join(['%s'] * len(pks))})",
            [*params, *pks],
        )
        return cursor.rowcount


def insert_returning_pks(instances: Sequence, *, cursor=None) -> None:
    """Unsaved instances of one model written by INSERT … RETURNING their primary keys, which
    they take (as `QuerySet.bulk_create` sets them, on either engine): the same rows, without
    compiling every value of every row through the field machinery and the query compiler,
    which cost more than the database's own work for the few rows of a hot path (a batch of
    messages received). The primary key is the database's to give. Only for models that need
    no model logic on save (no signals, no `save()` override, no `auto_now`, `auto_now_add`).
    `cursor`: what opens the cursor to write with (the exchange's preparing one), if not the
    connection's own."""
    if not instances:
        return
    model = type(instances[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    converters = list(map(_converter, fields))
    quote = connection.ops.quote_name
    one_row = f"({', '.join(['%s'] * len(fields))})"
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (our own names)
        f"({', '.join(quote(f.column) for f in fields)}) VALUES "
    )
    tail = f" RETURNING {quote(model._meta.pk.column)}"
    per_statement = len(instances)
    if connection.vendor == "sqlite":
        per_statement = max(1, min(_ROWS_PER_INSERT, _sqlite_variables() // len(fields)))
    with (cursor or connection.cursor)() as writing:
        for start in range(0, len(instances), per_statement):
            part = instances[start : start + per_statement]
            params = []
            for instance in part:
                for field, convert in zip(fields, converters, strict=True):
                    value = getattr(instance, field.attname)
                    params.append(value if value is None or convert is None else convert(value))
            writing.execute(head + ", ".join([one_row] * len(part)) + tail, params)
            for instance, (pk,) in zip(part, writing.fetchall(), strict=True):
                instance.pk = pk
                instance._state.adding = False
                instance._state.db = connection.alias
