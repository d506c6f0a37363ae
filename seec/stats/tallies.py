"""Running tallies of the rows that the missing-children figures count.

Counting a million cases and three million contacts for every request of figures costs tens
of seconds on SQLite; summing a few thousand tally rows costs milliseconds. So each change to
a case, a risk assessment or a contact moves its row from the tally cells it was counted in
to the ones it belongs in now, in the change's own transaction:

- before a save or delete, the row's cells are read from the database (under a row lock
  where the engine has one), after it they are read again, and the difference is applied
  with one upsert per cell (`n = n + delta`, so concurrent writers add up);
- rows written in bulk (the case import) are counted by `count_new_cases`;
- `rebuild` counts everything from scratch (after a restore, or when `verify` finds a
  difference), and figures are never summed before a first build.

What a case contributes is worked out by the database, by the expressions below: they are
the definitions of the catalogue (age on the day last seen, time missing, cross-border,
repeat), in one place. Months are numbered year × 12 + month − 1 on the calendar of the
row's country (its civil time zone, `seec.core.region.TIME_ZONES`): a period is cut at each
country's midnight. 0 stands for "not found / not closed".
"""

import logging
import time
import zoneinfo
from collections import defaultdict
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Lookup,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from seec.cases.models import FOUND_OUTCOMES, Case, Contact, RiskAssessment
from seec.cases.signals import cases_inserted
from seec.core.bulk import array_param, unnest_select
from seec.core.region import TIME_ZONES

from .catalogue import AGE_GROUPS, TIME_BANDS
from .models import (
    CaseCourseTally,
    ContactTally,
    FoundCaseTally,
    NewCaseTally,
    TallyBuild,
)

TALLIES = (NewCaseTally, FoundCaseTally, CaseCourseTally, ContactTally)
logger = logging.getLogger(__name__)


def month_number(moment: datetime) -> int:
    """The month number of a calendar month's first instant (a period's bounds)."""
    moment = moment.astimezone(UTC)
    return moment.year * 12 + moment.month - 1


def local_month_number(moment: datetime, zone_name: str) -> int:
    """The month an instant falls in on a country's calendar, as the tallies number months:
    a case opened at 00:30 on 1 April in Belgrade (22:30 UTC on 31 March) is April's."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    return local.year * 12 + local.month - 1


def country_zone(country_field: str) -> CaseWhen:
    """The civil time zone of a row's country, as an SQL expression (the region's table)."""
    whens = [When(**{country_field: code}, then=Value(zone)) for code, zone in TIME_ZONES.items()]
    return CaseWhen(*whens, default=Value(settings.TIME_ZONE), output_field=CharField())


def _sqlite_local_month(sender, connection, **kwargs):
    """SQLite has no time zones: the month on a country's calendar is worked out in Python."""
    if connection.vendor != "sqlite":
        return

    def local_month(stored: str | None, zone_name: str) -> int | None:
        if stored is None:
            return None
        moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
        return local_month_number(moment, zone_name)

    connection.connection.create_function("seec_local_month", 2, local_month, deterministic=True)


class MonthNumber(Func):
    """`local_month_number` of an instant column in the zone of a second expression (the row's
    country's, `country_zone`), in SQL; 0 where it is NULL."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # Instants are stored as UTC text, 'YYYY-MM-DD HH:MM:SS'. The region is east of UTC
        # by at most three hours: only the evening of a month's last days can fall in the
        # next month locally, so every other row is cut, not converted.
        (sql, params), (zone, zone_params) = (compiler.compile(e) for e in self.source_expressions)
        utc_month = (
            f"CAST(substr({sql}, 1, 4) AS INTEGER) * 12 + CAST(substr({sql}, 6, 2) AS INTEGER) - 1"
        )
        return (
            f"COALESCE(CASE WHEN substr({sql}, 9, 2) < '28' THEN {utc_month}"
            f" ELSE seec_local_month({sql}, {zone}) END, 0)",
            (*params, *params, *params, *params, *params, *zone_params),
        )

    def as_sql(self, compiler, connection, **extra):
        (sql, params), (zone, zone_params) = (compiler.compile(e) for e in self.source_expressions)
        # date_part, not EXTRACT: the latter computes in numeric since PostgreSQL 14, a
        # third dearer over an import's batch, for whole numbers a double holds exactly.
        return (
            f"COALESCE(CAST(date_part('year', {sql} AT TIME ZONE {zone}) * 12"
            f" + date_part('month', {sql} AT TIME ZONE {zone}) - 1 AS integer), 0)",
            (*params, *zone_params, *params, *zone_params),
        )


class DaysBetween(Func):
    """`later − earlier` in days, fractional."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        (later, lp), (earlier, ep) = (compiler.compile(e) for e in self.source_expressions)
        return f"(julianday({later}) - julianday({earlier}))", (*lp, *ep)

    def as_sql(self, compiler, connection, **extra):
        (later, lp), (earlier, ep) = (compiler.compile(e) for e in self.source_expressions)
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)", (*lp, *ep)


class AgeInYears(Func):
    """Whole years between a date of birth and the UTC day of an instant (NULL without a date
    of birth): the birthday counts from its day."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps instants as 'YYYY-MM-DD HH:MM:SS' (UTC) and dates as 'YYYY-MM-DD'.
        (at, ap), (born, bp) = (compiler.compile(e) for e in self.source_expressions)
        sql = (
            f"(CAST(substr({at}, 1, 4) AS INTEGER) - CAST(substr({born}, 1, 4) AS INTEGER)"
            f" - (substr({at}, 6, 5) < substr({born}, 6, 5)))"
        )
        return sql, (*ap, *bp, *ap, *bp)

    def as_sql(self, compiler, connection, **extra):
        (at, ap), (born, bp) = (compiler.compile(e) for e in self.source_expressions)
        return (
            f"CAST(date_part('year', age(({at} AT TIME ZONE 'UTC')::date, {born})) AS integer)",
            (*ap, *bp),
        )


def age_group() -> tuple[CaseWhen, Coalesce]:
    """Age on the (UTC) day last seen, from the date of birth, else the estimate; outside
    0–17 or unrecorded it is unknown."""
    age = Coalesce(
        AgeInYears(F("last_seen_at"), F("date_of_birth")),
        F("age_estimate"),
        output_field=IntegerField(),
    )
    return CaseWhen(
        When(Q(_age__isnull=True) | Q(_age__lt=0) | Q(_age__gt=17), then=Value("unknown")),
        *(When(_age__lte=high, then=Value(code)) for code, _low, high in AGE_GROUPS),
        default=Value("unknown"),
        output_field=CharField(),
    ), age


def time_band() -> CaseWhen:
    """Time missing: found − last seen."""
    whens = [
        When(_days__lt=high, then=Value(code))
        for code, _low, high in TIME_BANDS
        if high is not None
    ]
    return CaseWhen(*whens, default=Value(TIME_BANDS[-1][0]), output_field=CharField())


CROSS_BORDER = (
    Q(may_cross_border=True) | Q(heading_to__isnull=False) | Q(subcategory="international")
)


def _flag(condition) -> CaseWhen:
    return CaseWhen(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _case_cells_query(cases):
    """The tally cells of these cases, grouped: one row per distinct combination."""
    return (
        _case_cell_of_each(cases)
        .values(*_CELL_COLUMNS)
        .annotate(n=Count("pk"), ids=Sum("pk"))
        .order_by()
    )


_CELL_COLUMNS = (
    "country_id", "category", "sex", "outcome", "found_how", "t_opened", "t_found", "t_closed",
    "t_age", "t_band", "t_cross", "t_repeat",
)  # fmt: skip


def _case_cell_of_each(cases):
    """These cases with the columns of their tally cells."""
    group, age = age_group()
    return cases.alias(_age=age, _days=DaysBetween(F("found_at"), F("last_seen_at"))).annotate(
        t_opened=MonthNumber("opened_at", country_zone("country_id")),
        t_found=MonthNumber("found_at", country_zone("country_id")),
        t_closed=MonthNumber("closed_at", country_zone("country_id")),
        t_age=group,
        t_band=time_band(),
        t_cross=_flag(CROSS_BORDER),
        # Correlated, so that counting one case reads its own assessments only.
        t_repeat=Exists(
            RiskAssessment.objects.filter(case_id=OuterRef("pk"), previous_episodes=True)
        ),
    )


def _case_cells(cases) -> list[dict]:
    return list(_case_cells_query(cases))


_ANY_CASE = 918_273_645_546_372  # stands for the case ids in the SQL compiled once below
_CASES_AT_ONCE = 4096
_compiled_for_cases: dict[tuple[str, int], tuple[str, list, int, int]] = {}


def _cells_of_cases(case_ids) -> list[dict]:
    """The tally cells of these cases, a row each (`_case_cells` before grouping: n is 1, ids
    the case's id), from SQL compiled once per database and number of ids
    (1, or rounded up to a power of 16, the list padded with a repeated id): compiling the
    expressions costs several times more than running them, on every save of a case and
    every batch of an import on SQLite (PostgreSQL counts an import's batch in the database:
    _count_new_cases_in_the_database). Powers of 16, not of 2: an import's batches, sized by
    time, spread over many powers of two, and compiled anew for each (~10 ms apiece) the
    statement cost more than the few thousand repeated ids that pad it now."""
    ids = list(dict.fromkeys(case_ids))
    cells = []
    for start in range(0, len(ids), _CASES_AT_ONCE):
        part = ids[start : start + _CASES_AT_ONCE]
        slots = 1 if len(part) == 1 else 16
        while slots < len(part):
            slots *= 16
        part += [part[0]] * (slots - len(part))  # IN is membership: a repeat changes nothing
        cells += _run_cells(_compiled_cells(slots), part)
    return cells


class _AnyOfArray(Lookup):
    """`id = ANY(%s)` on PostgreSQL: the ids as one bigint[] parameter."""

    lookup_name = "any_of_array"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs)


def _compiled_cells(slots: int) -> tuple[str, list, int, int]:
    """The cells query for `slots` ids, as (SQL, parameters, where the ids go in them, how many
    parameters they take)."""
    key = (connection.vendor, slots)
    if key not in _compiled_for_cases:
        stand_ins = [_ANY_CASE + i for i in range(slots)]
        cases = Case.objects.filter(pk__in=stand_ins)
        # One row per case, not grouped: the Deltas add them up by cell anyway, and SQLite's
        # sorting of a batch's cases by a dozen columns to group them cost more than the rest
        # of the statement (0.13 against 0.075 CPU-s for 10,000 imported cases).
        query = (
            _case_cell_of_each(cases)
            .annotate(n=Value(1, output_field=IntegerField()), ids=F("pk"))
            .values(*_CELL_COLUMNS, "n", "ids")
            .order_by()
            .query
        )
        sql, params = query.get_compiler(connection=connection).as_sql()
        params = list(params)
        at = params.index(_ANY_CASE)
        assert params[at : at + len(stand_ins)] == stand_ins, "the ids are not one parameter run"
        _compiled_for_cases[key] = (sql, params, at, len(stand_ins))
    return _compiled_for_cases[key]


def _run_cells(compiled: tuple[str, list, int, int], ids: list) -> list[dict]:
    """Run a compiled cells query with `ids` as the parameters its stand-ins took."""
    sql, params, at, taken = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params[:at], *ids, *params[at + taken :]])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _cells_of_case(case_id: int) -> list[dict]:
    return _cells_of_cases([case_id])


def _contact_cells(contacts) -> list[dict]:
    return list(
        contacts.annotate(
            t_month=MonthNumber("started_at", country_zone("organisation__country_id"))
        )
        .values("organisation_id", "t_month", "channel", "subject")
        .annotate(n=Count("pk"), ids=Sum("pk"))
        .order_by()
    )


class Deltas:
    """Changes to the tallies, added up per cell, then written with one upsert each."""

    def __init__(self):
        self.cells = {model: defaultdict(lambda: [0, 0]) for model in TALLIES}

    def _add(self, model, key, n, ids):
        cell = self.cells[model][key]
        cell[0] += n
        cell[1] += ids

    def cases(self, rows: list[dict], sign: int) -> "Deltas":
        for row in rows:
            n, ids = sign * row["n"], sign * int(row["ids"])
            country, category = row["country_id"], row["category"]
            self._add(
                NewCaseTally,
                (country, row["t_opened"], category, row["sex"], row["t_age"],
                 bool(row["t_cross"]), bool(row["t_repeat"])),
                n, ids,
            )  # fmt: skip
            if row["t_found"]:
                how = row["found_how"] or "unknown"
                self._add(FoundCaseTally, (country, row["t_found"], how, row["t_band"]), n, ids)
            outcome = row["outcome"] if row["outcome"] in FOUND_OUTCOMES else "closed_other"
            self._add(
                CaseCourseTally,
                (country, category, outcome, row["t_opened"], row["t_found"], row["t_closed"]),
                n, ids,
            )  # fmt: skip
        return self

    def contacts(self, rows: list[dict], sign: int) -> "Deltas":
        for row in rows:
            key = (row["organisation_id"], row["t_month"], row["channel"], row["subject"])
            self._add(ContactTally, key, sign * row["n"], sign * int(row["ids"]))
        return self

    def apply(self) -> None:
        # All the cells or none, with the change counted: no savepoint inside the change's
        # own transaction (two round trips on every save and every batch of an import).
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            for model, cells in self.cells.items():
                changes = [(*key, n, ids) for key, (n, ids) in cells.items() if n or ids]
                if not changes:
                    continue
                if connection.vendor != "postgresql":
                    # SQLite runs in-process: one prepared statement, stepped per cell.
                    cursor.executemany(_upsert_sql(model), changes)
                    continue
                # PostgreSQL: a statement per cell is a message per cell (an import's batch
                # changes thousands), and one of thousands of placeholders costs the driver
                # more to take apart than the server's upsert: the cells go as one array per
                # column. A key appears once in `cells`, as one statement's upsert requires.
                cursor.execute(
                    _upsert_sql(model, arrays=True), [list(c) for c in zip(*changes, strict=True)]
                )


def _upsert_sql(model, arrays: bool = False) -> str:
    """The upsert of one cell (`n = n + delta`), or on PostgreSQL with `arrays` of as many
    cells as the arrays (one per column) hold."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    count_name = "contacts" if model is ContactTally else "cases"
    names = [*model.KEY, count_name, "id_sum"]
    keys = [quote(model._meta.get_field(name).column) for name in model.KEY]
    count, ids = quote(count_name), quote("id_sum")
    columns = ", ".join([*keys, count, ids])
    if arrays:
        values = unnest_select(model, [model._meta.get_field(name).column for name in names])
    else:
        values = f"VALUES ({', '.join(['%s'] * len(names))})"
    return (
        f"INSERT INTO {table} ({columns}) {values} "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        f"{count} = {table}.{count} + excluded.{count}, {ids} = {table}.{ids} + excluded.{ids}"
    )


# Fields of a case that move it between tally cells: a save that touches none (assigning a
# manager, say) leaves the tallies alone.
COUNTED_CASE_FIELDS = {
    "country", "category", "sex", "outcome", "found_how", "opened_at", "found_at", "closed_at",
    "last_seen_at", "date_of_birth", "age_estimate", "may_cross_border", "heading_to",
    "subcategory",
}  # fmt: skip


def _counted_cells_of_case(case_id, *, lock: bool) -> list[dict]:
    cases = Case.objects.filter(pk=case_id)
    if lock and connection.in_atomic_block and connection.features.has_select_for_update:
        # Another transaction changing the same case waits until this one has moved it.
        list(cases.select_for_update().values_list("pk"))
    return _cells_of_case(case_id)


def _case_before_change(sender, instance, raw=False, update_fields=None, **kwargs):
    counted = update_fields is None or set(update_fields) & COUNTED_CASE_FIELDS
    instance._tally_before = (
        _counted_cells_of_case(instance.pk, lock=True)
        if counted and not raw and instance.pk and not instance._state.adding
        else None
    )
    instance._tally_counted = bool(counted) and not raw


def _case_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not getattr(instance, "_tally_counted", True):
        return
    deltas = Deltas().cases(_cells_of_case(instance.pk), +1)
    deltas.cases(getattr(instance, "_tally_before", None) or [], -1).apply()


def _case_before_delete(sender, instance, **kwargs):
    instance._tally_before = _counted_cells_of_case(instance.pk, lock=True)


def _case_deleted(sender, instance, **kwargs):
    Deltas().cases(getattr(instance, "_tally_before", None) or [], -1).apply()


def _assessment_before(sender, instance, raw=False, **kwargs):
    instance._tally_before = (
        None if raw or not instance.case_id else _counted_cells_of_case(instance.case_id, lock=True)
    )


def _assessment_after(sender, instance, raw=False, **kwargs):
    before = getattr(instance, "_tally_before", None)
    if before is None:
        return
    after = _cells_of_case(instance.case_id)
    Deltas().cases(after, +1).cases(before, -1).apply()


def _contact_before_change(sender, instance, raw=False, **kwargs):
    instance._tally_before = (
        _contact_cells(Contact.objects.filter(pk=instance.pk))
        if not raw and instance.pk and not instance._state.adding
        else []
    )


def _contact_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    after = _contact_cells(Contact.objects.filter(pk=instance.pk))
    Deltas().contacts(after, +1).contacts(instance._tally_before, -1).apply()


def _contact_before_delete(sender, instance, **kwargs):
    instance._tally_before = _contact_cells(Contact.objects.filter(pk=instance.pk))


def _contact_deleted(sender, instance, **kwargs):
    Deltas().contacts(getattr(instance, "_tally_before", []), -1).apply()


def count_new_cases(sender=None, case_ids=(), **kwargs) -> None:
    """Count cases written in bulk, without save() (the case import)."""
    if connection.vendor == "postgresql" and case_ids:
        _count_new_cases_in_the_database(case_ids)
        return
    Deltas().cases(_cells_of_cases(case_ids), +1).apply()


def _count_new_cases_in_the_database(case_ids) -> None:
    """`count_new_cases` on PostgreSQL in one statement: the cases' cells grouped into each
    tally's cells and added to them where they are, as Deltas.cases does in Python. An
    import's batch has thousands of cells: read back, added up in Python and sent again,
    they cost both sides more than the counting (~0.3 CPU-s of a 10,000-row first import)."""
    sql, params, at = _count_new_cases_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params[:at], array_param(case_ids), *params[at + 1 :]])


_compiled_count: dict[str, tuple[str, list, int]] = {}


def _count_new_cases_sql() -> tuple[str, list, int]:
    """The statement of _count_new_cases_in_the_database, its parameters and where the ids
    go in them; compiled once."""
    if connection.vendor not in _compiled_count:
        # One row per case, grouped by each tally below: grouped first by all the cells'
        # columns as well, the cases were sorted once more for groups of one or two cases.
        query = (
            _case_cell_of_each(Case.objects.filter(_AnyOfArray(F("pk"), _ANY_CASE)))
            .values(*_CELL_COLUMNS, "pk")
            .order_by()
            .query
        )
        cells, params = query.get_compiler(connection=connection).as_sql()
        params = list(params)
        at = params.index(_ANY_CASE)
        quote = connection.ops.quote_name

        def add_to(model, select: str) -> str:
            table = quote(model._meta.db_table)
            keys = ", ".join(quote(model._meta.get_field(name).column) for name in model.KEY)
            cases, ids = quote("cases"), quote("id_sum")
            return (
                f"INSERT INTO {table} ({keys}, {cases}, {ids}) {select} ON CONFLICT ({keys}) "
                f"DO UPDATE SET {cases} = {table}.{cases} + excluded.{cases}, "
                f"{ids} = {table}.{ids} + excluded.{ids}"
            )

        # The columns of each tally's KEY, in its order, from the cells' (see Deltas.cases).
        new = add_to(
            NewCaseTally,
            "SELECT country_id, t_opened, category, sex, t_age, t_cross, t_repeat, COUNT(*), "
            "SUM(pk) FROM cells GROUP BY 1, 2, 3, 4, 5, 6, 7",
        )
        found = add_to(
            FoundCaseTally,
            "SELECT country_id, t_found, COALESCE(NULLIF(found_how, ''), 'unknown'), t_band, "
            "COUNT(*), SUM(pk) FROM cells WHERE t_found <> 0 GROUP BY 1, 2, 3, 4",
        )
        outcomes = sorted(FOUND_OUTCOMES)
        course = add_to(
            CaseCourseTally,
            f"SELECT country_id, category, CASE WHEN outcome IN "  # noqa: S608 (placeholders)
            f"({', '.join(['%s'] * len(outcomes))}) THEN outcome ELSE 'closed_other' END, "
            f"t_opened, t_found, t_closed, COUNT(*), SUM(pk) FROM cells GROUP BY 1, 2, 3, 4, 5, 6",
        )
        # Each tally's cells are written by a statement of their own in the WITH, each
        # reading the cells once counted (PostgreSQL computes a WITH read thrice once).
        _compiled_count[connection.vendor] = (
            f"WITH cells AS ({cells}), new AS ({new}), found AS ({found}) {course}",
            [*params, *(str(outcome) for outcome in outcomes)],
            at,
        )
    return _compiled_count[connection.vendor]


def connect() -> None:
    """Keep the tallies with every change (called once, from the app's ready())."""
    uid = "stats-tallies"
    pre_save.connect(_case_before_change, sender=Case, dispatch_uid=f"{uid}-case-pre")
    post_save.connect(_case_saved, sender=Case, dispatch_uid=f"{uid}-case-post")
    pre_delete.connect(_case_before_delete, sender=Case, dispatch_uid=f"{uid}-case-pre-del")
    post_delete.connect(_case_deleted, sender=Case, dispatch_uid=f"{uid}-case-post-del")
    for signal, receiver in (
        (pre_save, _assessment_before),
        (post_save, _assessment_after),
        (pre_delete, _assessment_before),
        (post_delete, _assessment_after),
    ):
        receiver_uid = f"{uid}-assessment-{signal is pre_save}-{receiver.__name__}"
        signal.connect(receiver, sender=RiskAssessment, dispatch_uid=receiver_uid)
    pre_save.connect(_contact_before_change, sender=Contact, dispatch_uid=f"{uid}-contact-pre")
    post_save.connect(_contact_saved, sender=Contact, dispatch_uid=f"{uid}-contact-post")
    pre_delete.connect(_contact_before_delete, sender=Contact, dispatch_uid=f"{uid}-contact-pd")
    post_delete.connect(_contact_deleted, sender=Contact, dispatch_uid=f"{uid}-contact-del")
    cases_inserted.connect(count_new_cases, dispatch_uid=f"{uid}-import")
    connection_created.connect(_sqlite_local_month, dispatch_uid=f"{uid}-sqlite-local-month")


def _fresh_counts() -> Deltas:
    return (
        Deltas()
        .cases(_case_cells(Case.objects.all()), +1)
        .contacts(_contact_cells(Contact.objects.all()), +1)
    )


@transaction.atomic
def rebuild() -> TallyBuild:
    """Count every tally from the rows, from scratch."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        # Writers wait until the new counts are in; their own changes then add to them.
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in TALLIES)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
    for model in TALLIES:
        model.objects.all().delete()
    fresh = _fresh_counts()
    fresh.apply()
    return TallyBuild.objects.create(
        cases=sum(n for n, _ids in fresh.cells[CaseCourseTally].values()),
        contacts=sum(n for n, _ids in fresh.cells[ContactTally].values()),
        seconds=round(time.perf_counter() - started, 3),
    )


def ensure_built() -> None:
    """Count from scratch before summing when the tallies were never built, or when the rows
    no longer add up to them: a bulk load, a partial restore or SQL that went round the
    application (issue 17: a report once counted 8 of 3,008 cases)."""
    if not TallyBuild.objects.exists() or not rows_add_up():
        if TallyBuild.objects.exists():
            logger.warning("The statistics tallies no longer add up to the rows: rebuilding")
        rebuild()


def rows_add_up() -> bool:
    """Do the tallies hold as many cases and contacts, with the same sums of ids, as the
    tables? Four aggregates: a missed insert or delete changes a count, a missed change of
    which row is where leaves both alone (`verify` finds those, cell by cell)."""
    zero = Value(0)
    cases = Case.objects.aggregate(n=Count("pk"), ids=Coalesce(Sum("pk"), zero))
    tallied = CaseCourseTally.objects.aggregate(
        n=Coalesce(Sum("cases"), zero), ids=Coalesce(Sum("id_sum"), zero)
    )
    if (cases["n"], cases["ids"]) != (tallied["n"], tallied["ids"]):
        return False
    contacts = Contact.objects.aggregate(n=Count("pk"), ids=Coalesce(Sum("pk"), zero))
    tallied = ContactTally.objects.aggregate(
        n=Coalesce(Sum("contacts"), zero), ids=Coalesce(Sum("id_sum"), zero)
    )
    return (contacts["n"], contacts["ids"]) == (tallied["n"], tallied["ids"])


def differences() -> list[tuple[str, tuple, tuple[int, int], tuple[int, int]]]:
    """Cells where a tally differs from a fresh count of the rows: (tally, key, kept, fresh).
    Empty when the tallies are right."""
    fresh = _fresh_counts()
    found = []
    for model in TALLIES:
        count = "contacts" if model is ContactTally else "cases"
        kept = {
            tuple(row[: len(model.KEY)]): (row[-2], row[-1])
            for row in model.objects.values_list(*model.KEY, count, "id_sum")
        }
        expected = {key: tuple(value) for key, value in fresh.cells[model].items()}
        for key in sorted(set(kept) | set(expected), key=str):
            have, want = kept.get(key, (0, 0)), expected.get(key, (0, 0))
            if have != want:
                found.append((model.__name__, key, have, want))
    return found
