"""Many rows of one model into the database at once, without a model instance per row.

`QuerySet.bulk_create` compiles every value of every row through the field machinery, which
costs more than the database's own work for an import of a hundred thousand cases. Here each
field's conversion is chosen once per call: plain strings, numbers and booleans go to the
driver as they are, everything else (dates on SQLite, JSON, decimals, addresses) through the
field's own `get_db_prep_save`. On PostgreSQL the rows go by COPY.

Only for rows that need no model logic on save (no signals, no `save()` override): imports.
"""

from collections.abc import Iterable
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


def insert_rows(model, rows: Iterable[dict], *, batch_size: int = 2000) -> int:
    """Insert `rows` into `model`'s table; returns the number inserted. A row holds every
    column's value by attribute name (an unsaved instance's __dict__ does); `auto_now` fields
    take the time of writing."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    pick = itemgetter(*(f.attname for f in fields))
    converters = [(i, c) for i, c in enumerate(map(_converter, fields)) if c is not None]
    now = timezone.now()
    stamped = [(i, _converter(f)(now)) for i, f in enumerate(fields) if getattr(f, "auto_now", 0)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({placeholders})"  # noqa: S608

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

    count = 0
    chunk: list[list] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the rows stream in one statement. An executemany sends each row as its own
            # statement, and binding each costs the driver more than the server's insert.
            with cursor.cursor.copy(
                f"COPY {model._meta.db_table} ({columns}) FROM STDIN"  # our own names
            ) as copy:
                for row in rows:
                    copy.write_row(values(row))
                    count += 1
            return count
        for row in rows:
            chunk.append(values(row))
            if len(chunk) >= batch_size:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk.clear()
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def column_where_in(model, column: str, values: list, *other: str, chunk: int = 5000):
    """(value, *other columns) of `model`'s rows whose `column` is one of `values`: the lookup
    an import makes for tens of thousands of keys, in chunks the database takes, without the
    ORM's per-value expression work."""
    table, quote = model._meta.db_table, connection.ops.quote_name
    selected = ", ".join(quote(name) for name in (column, *other))
    with connection.cursor() as cursor:
        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT {selected} FROM {table} WHERE {quote(column)} IN ({marks})",  # noqa: S608
                part,
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
