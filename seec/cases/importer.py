"""Moving a centre's cases from its spreadsheets into the platform.

Every row is validated first; a file with errors imports nothing unless the caller asks to
skip the bad rows. Rows whose external reference the organisation already holds are left as
they are, so the same file can be imported again safely. The valid rows are written in
batches, each in its own transaction with one audit event that names the cases it created.
"""

import csv
import gc
import hashlib
import io
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zipfile import BadZipFile

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.bulk import column_where_in, insert_rows, next_ids
from seec.core.policy import Capability

from . import signals
from .models import (
    FOUND_OUTCOMES,
    Case,
    CaseImport,
    CaseNumberSequence,
    Outcome,
    SearchName,
    SearchNameToken,
    SearchToken,
    SearchTokenKey,
    Status,
)
from .name_index import attach_search_names, work_out_names
from .rows import CaseRowReader
from .services import CaseAction

# Batches are cut by time, not by a fixed number of rows. Each batch holds the write lock
# (SQLite's, for the whole database) while it is written, and how long a thousand rows take
# depends on the machine and how busy it is: 1,000 rows held an operator saving a call for
# 3-5 s on a busy two-core server (bench/import_writes.py). So each batch's size follows the
# last one's speed, aiming at BATCH_SECONDS, between BATCH_MIN and BATCH_MAX rows.
#
# A batch's time is a part that grows with its rows and a part that does not: its commit
# (~0.1 s on a busy PostgreSQL, which syncs the log) and the lookups every batch makes. Sizing
# by the last batch's rows per second alone shrank the batches whenever that fixed part neared
# the budget, and each smaller batch paid it again: 28-row batches, 0.07x a plain bulk_create
# on PostgreSQL. So the commit is timed apart and only the rest is taken as the rows' pace.
BATCH_SECONDS = 0.25
BATCH_FIRST = 200
BATCH_MIN = 20
BATCH_MAX = 20000
# On PostgreSQL a batch holds back no writer for its whole length: rows are locked, not the
# database, and the locks other writers meet (the audit chain's head, the tally cells) are
# taken at the batch's end. Only a case opened meanwhile in a year the batch numbers waits
# all of it, so its budget is the 1 s a web write may wait at worst.
BATCH_SECONDS_POSTGRES = 1.0
# Between batches on SQLite the import stands aside this long. A writer waiting for the lock
# is not queued: SQLite's busy handler retries it after sleeps that grow to 100 ms, and an
# import that began its next batch at once would win almost every race, starving the operator
# for many batches (until the 20-second timeout failed the write). A pause as long as the
# longest retry sleep lets every waiting writer in after at most one batch.
SQLITE_PAUSE_SECONDS = 0.1
# While nobody else writes (no other connection committed during the last pause), batches
# grow up to this long: the pauses cost less, and a writer arriving then waits one batch.
BATCH_SECONDS_ALONE = 0.75
# The tables a batch looks rows up in or checks foreign keys against on PostgreSQL: numbers,
# names, words. Not the case table: a batch reads its own cases only by id (their tallies),
# a lookup planned right without statistics (the key is unique).
LOOKED_UP = (CaseNumberSequence, SearchName, SearchToken)
# During an import, the garbage collector's youngest generation holds this many objects before
# it is collected (Python's default is 700): a few MB (collections_spare_the_heap).
YOUNG_OBJECTS = 20_000
# The names work (spellings, digests, words' keys) is done this many rows at most ahead of the
# batch being written: what it leaves in the caches is still there when the batch needs it
# (forms_and_tokens and the Latin names keep 50,000 each).
NAMES_LEAD_ROWS = 20_000
# While the names are worked ahead, Python's threads take turns at least this often (its
# default is 5 ms): the import's own thread, back from the database, waits at most this long
# for the names thread to let it go on.
NAMES_SWITCH_SECONDS = 0.0002
REQUIRED = ["external_reference", "given_names", "category", "last_seen_at", "last_seen_place"]
CASE_COLUMNS = [
    "given_names", "family_name", "names_latin", "other_names", "sex", "date_of_birth",
    "age_estimate", "nationality", "languages", "address", "school", "height_cm", "build", "hair",
    "eyes", "distinguishing_marks", "clothing", "medical_needs", "medication", "category",
    "subcategory", "last_seen_at", "last_seen_place", "last_seen_lat", "last_seen_lon",
    "circumstances", "may_cross_border", "heading_to",
]  # fmt: skip
HISTORY_COLUMNS = ["external_reference", "opened_at", "found_at", "found_how", "outcome",
                   "closed_at"]  # fmt: skip
COLUMNS = CASE_COLUMNS + HISTORY_COLUMNS


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self):
        return _("line %(line)d, %(field)s: %(message)s") % {
            "line": self.line, "field": self.field, "message": self.message
        }  # fmt: skip


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    errors: list[RowError] = field(default_factory=list)
    sha256: str = ""


def read_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, row) for each data row of a CSV (UTF-8, comma or semicolon) or XLSX."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        yield from _read_xlsx(path)
    elif path.suffix.lower() in {".csv", ".txt"}:
        yield from _read_csv(path)
    else:
        raise ImportFileError(_("Give a .csv or an .xlsx file."))


def _read_csv(path: Path) -> Iterator[tuple[int, dict]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not in UTF-8 (first wrong byte on line %(line)d). Save it from your "
                "spreadsheet as “CSV UTF-8” and try again."
            )
            % {"line": line}
        ) from error
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in next(reader, [])]
    _check_header(header)
    named = [(index, name) for index, name in enumerate(header) if name]
    for cells in reader:
        if not any(cells):
            continue  # a blank line, as DictReader skips it
        yield (
            reader.line_num,
            {name: cells[index].strip() if index < len(cells) else "" for index, name in named},
        )


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, [])]
    _check_header(header)
    for number, values in enumerate(rows, start=2):
        if not any(value not in (None, "") for value in values):
            continue
        yield (
            number,
            {name: _cell_text(value) for name, value in zip(header, values, strict=False) if name},
        )
    workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _check_header(header: list[str]) -> None:
    header = [name.strip() for name in header if name]
    if not header:
        raise ImportFileError(_("The file has no header row."))
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    problems = []
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
    if problems:
        raise ImportFileError("; ".join(problems))


def validate_row(line: int, row: dict, reader: CaseRowReader) -> tuple[Case | None, list[RowError]]:
    """The unsaved case the row describes, or the row's errors by column."""
    case, problems = reader.read(row)
    if not problems:
        problems = history_problems(case, reader.now)
    if problems:
        return None, [RowError(line, field, message) for field, message in problems.items()]
    return case, []


def history_problems(case: Case, now) -> dict[str, str]:
    """What the case's past says must hang together: found with a state, closed with a date."""
    problems = {}
    found, outcome = case.found_at, case.outcome
    if found and outcome not in FOUND_OUTCOMES:
        problems["outcome"] = _("Say whether the child was found safe, harmed or deceased.")
    if outcome in FOUND_OUTCOMES and not found:
        problems["found_at"] = _("Say when the child was found.")
    if outcome == Outcome.CLOSED_OTHER and not case.closed_at:
        problems["closed_at"] = _("A case closed for another reason needs its date.")
    for name in ("opened_at", "found_at", "closed_at"):
        if getattr(case, name) and getattr(case, name) > now:
            problems[name] = _("This time is in the future.")
    return problems


def import_cases(
    path: Path,
    *,
    origin: Origin,
    skip_errors: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate the whole file, then import it (or nothing, if it has errors and
    `skip_errors` is off). Returns what happened."""
    user = origin.actor
    if not policy.has(user, Capability.MANAGE_CASES) or user.organisation is None:
        raise PermissionDenied(_("Only a case manager imports cases."))
    organisation = user.organisation
    if organisation.country_id is None:
        raise PermissionDenied(_("Only a national organisation imports cases."))
    with collections_spare_the_heap():
        return _import(path, origin, organisation, skip_errors, progress)


def _import(path, origin, organisation, skip_errors, progress) -> ImportReport:
    report = ImportReport(sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    valid: list[Case] = []
    seen_refs: set[str] = set()
    reader = None
    for line, row in read_rows(path):
        if reader is None:
            reader = CaseRowReader([name for name in COLUMNS if name in row])
        report.rows += 1
        parsed, errors = validate_row(line, row, reader)
        ref = row.get("external_reference", "")
        if ref and ref in seen_refs:
            errors.append(RowError(line, "external_reference", _("Repeated in this file.")))
        seen_refs.add(ref)
        if errors:
            report.errors += errors
            continue
        valid.append(parsed)
        if progress and report.rows % 1000 == 0:
            progress(1000)
    if report.errors and not skip_errors:
        return report
    existing = {
        ref
        for ref, owner in column_where_in(
            Case, "external_reference", list(seen_refs - {""}), "organisation_id"
        )
        if owner == organisation.pk
    }
    fresh = [case for case in valid if case.external_reference not in existing]
    report.already_present = len(valid) - len(fresh)
    # Oldest first: each year's numbers follow the order the children went missing, and the
    # case table's date indexes grow at one end instead of everywhere.
    fresh.sort(key=lambda case: case.opened_at or case.last_seen_at)
    if not fresh:
        return report
    for case in fresh:
        case.country_id = organisation.country_id  # (its Latin name's convention)
    with names_ahead(fresh) as ahead:
        _write_all(fresh, path, origin, organisation, report, ahead)
    return report


def _write_all(fresh, path, origin, organisation, report, ahead) -> None:
    run = CaseImport.objects.create(
        organisation=organisation,
        imported_by=origin.actor,
        filename=path.name[:255],
        sha256=report.sha256,
        rows=report.rows,
        already_present=report.already_present,
    )
    # Inside a caller's transaction nobody gets in anyway, and nothing is committed.
    stands_aside = connection.vendor == "sqlite" and not connection.in_atomic_block
    commits_on_postgres = connection.vendor == "postgresql" and not connection.in_atomic_block
    first_budget = BATCH_SECONDS_POSTGRES if connection.vendor == "postgresql" else BATCH_SECONDS
    # What PostgreSQL's planner takes the case table to hold (it plans every batch by it).
    planned_for = planned_rows(Case) if commits_on_postgres else 0
    with fewer_checkpoints():
        start, size, budget = 0, BATCH_FIRST, first_budget
        previous = None
        analysed = planned_for
        held = 0.0  # SQLite: seconds the write lock was held since the import last stood aside
        while start < len(fresh):
            ahead.reached(start)
            batch = fresh[start : start + size]
            began = time.perf_counter()
            with transaction.atomic():
                if commits_on_postgres:
                    last = start + len(batch) >= len(fresh)
                    _postgres_batch_settings(durable=last)
                _write_batch(batch, run, origin)
                written = time.perf_counter()
            took = time.perf_counter() - began
            start += len(batch)
            report.imported += len(batch)
            fixed = fixed_seconds(previous, (len(batch), took), commit=took - (written - began))
            previous = (len(batch), took)
            if stands_aside:
                # On SQLite a waiting writer waits the whole batch, fixed part and all: the
                # budget stays a bound on the batch's time (and SQLite's commit is cheap).
                fixed = 0.0
                # A writer waits for every batch since the last pause, not for one: what bounds
                # its wait is the lock's time since then. The first batch is short, to show
                # progress early, and the next one takes the rest of the budget before the
                # import stands aside: a pause after each short batch (100 ms) was a tenth or
                # more of a 10,000-row import's time.
                held += took
                if start < len(fresh) and stands_aside_after(held, budget):
                    # The next batch sized by the budget the pause leaves (short if someone
                    # wrote meanwhile).
                    budget, held = stand_aside(budget), 0.0
            size = next_batch_size(len(batch), took, budget - held, fixed=fixed)
            if (
                commits_on_postgres
                and start < len(fresh)
                and planned_for + start >= 2 * max(analysed, 100)
            ):
                # PostgreSQL plans a batch's lookups and foreign-key checks by the statistics of
                # the tables it reads them from; into nearly empty ones (a first import) those
                # say "a few rows" long after they hold thousands, and every check scans. Each
                # doubling of those tables refreshes them: a few quick ANALYZEs. (Not the
                # tables only written, the words' keys and postings: nothing reads them here.)
                refresh_statistics(tables=LOOKED_UP)
                analysed = planned_for + start
    # For the searches that follow. On PostgreSQL only once the import added a tenth of what
    # the planner knew of (where its autovacuum would analyse): a small import into a large
    # table leaves the statistics right, and ANALYZE samples the whole of each large table.
    if not connection.in_atomic_block and (
        not commits_on_postgres or report.imported >= 0.1 * planned_for
    ):
        refresh_statistics()


@contextmanager
def collections_spare_the_heap():
    """For the length of an import, the garbage collector leaves out the objects the process
    already held (gc.freeze) and runs once per YOUNG_OBJECTS new objects, not per 700.

    An import makes a few objects per cell and keeps its cases till the end: the collector
    ran some 300 times during a 10,000-row import, each round of its oldest generation
    walking the whole of Django's heap as well, and the rounds of the younger ones walking
    the import's cases again and again (~0.4 CPU s of ~2.5, issue 17; ~0.05 s like this).
    Every object is still collected as before, only looked at fewer times meanwhile; the
    settings are restored afterwards. A heap already frozen (by another import running, or
    by whoever started the process) is left as it is, settings and all: undoing that is not
    this import's to do."""
    if gc.get_freeze_count():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], YOUNG_OBJECTS), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class NamesAhead:
    """The cases' names worked out (`work`, for each case in turn) by a second thread while
    the import's own thread waits for the database: the writing of a batch then finds them in
    the caches, and the client's work and the server's overlap.

    Only one thread runs Python at a time, so the names thread runs only while the gate is
    open, which the import's thread opens for the length of each wait on the database: it
    takes no time from the import's own Python work. It uses no database connection, and
    stays at most NAMES_LEAD_ROWS cases ahead of the batch written. A failure in it stops it
    and is raised in the import's thread before its next batch (`reached`)."""

    def __init__(self, cases, work=work_out_names, lead=None):
        self.cases, self.work = cases, work
        self.lead = NAMES_LEAD_ROWS if lead is None else lead
        self.gate = threading.Event()
        self.error: BaseException | None = None
        self._limit = self.lead
        self._moved = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="import-names", daemon=True)

    def _run(self) -> None:
        try:
            for index, case in enumerate(self.cases):
                if index >= self._limit:
                    with self._moved:
                        while not self._stopping and index >= self._limit:
                            self._moved.wait()
                if self._stopping:
                    return
                self.gate.wait()
                self.work(case)
        except BaseException as error:  # raised again in the import's thread
            self.error = error

    def reached(self, start: int) -> None:
        """The import's thread is about to write from case `start` on: let the names thread
        run up to `lead` cases past it; raise what stopped it, if anything did."""
        if self.error is not None:
            raise self.error
        with self._moved:
            self._limit = start + self.lead
            self._moved.notify()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._moved:
            self._stopping = True
            self._moved.notify()
        self.gate.set()
        self._thread.join()


@contextmanager
def names_ahead(cases: list[Case]):
    """A NamesAhead over the cases for the length of the block, on PostgreSQL, its gate opened
    while the import's thread waits on the server; the thread always stopped and joined at the
    end.

    Not on SQLite: there the database works inside this process, and the statements that the
    gate would open for hold Python's lock for much of their time (binding thousands of
    parameters): the names thread took turns from the import's own work instead of filling
    waits (10,000 rows: 3.8-4.0 s with it, 3.5-3.6 s without)."""
    ahead = NamesAhead(cases)
    if connection.vendor != "postgresql":
        yield ahead  # never started: the batches work their names out themselves
        return
    with _gate_open_while_waiting(ahead.gate), _short_thread_turns():
        ahead.start()
        try:
            yield ahead
        finally:
            ahead.stop()


@contextmanager
def _gate_open_while_waiting(gate: threading.Event):
    """Open `gate` for the length of each wait of this thread on the PostgreSQL server: every
    exchange with it (statements, COPY data and its end, commits) goes through the psycopg
    connection's `wait`, wrapped here for the block's length."""
    connection.ensure_connection()
    raw = connection.connection
    original = raw.wait

    def wait(*args, **kwargs):
        gate.set()
        try:
            return original(*args, **kwargs)
        finally:
            gate.clear()

    raw.wait = wait
    try:
        yield
    finally:
        del raw.wait  # the class's own again


_turns_lock = threading.Lock()
_turns_users = 0
_turns_saved = 0.0


@contextmanager
def _short_thread_turns():
    """Python's switch interval at NAMES_SWITCH_SECONDS for the block, the process's own
    again once no import needs it (imports may overlap in a threaded server)."""
    global _turns_users, _turns_saved
    with _turns_lock:
        if _turns_users == 0:
            _turns_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_turns_saved, NAMES_SWITCH_SECONDS))
        _turns_users += 1
    try:
        yield
    finally:
        with _turns_lock:
            _turns_users -= 1
            if _turns_users == 0:
                sys.setswitchinterval(_turns_saved)


def planned_rows(model) -> int:
    """The rows PostgreSQL's planner takes the model's table to hold (0 before any ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row else 0


def _postgres_batch_settings(durable: bool) -> None:
    """For one batch's transaction on PostgreSQL:

    - the foreign keys checked as each row goes in, not all at the commit (Django makes them
      deferred): checked at the commit, they made it grow with the rows, and the batch sizing
      takes the commit's time as what every batch pays whatever its size;
    - unless `durable`, a commit that does not wait for the log to reach the disk (~0.1 s
      on a busy server, most of a small batch's time). The last batch's commit waits, and the
      log is written in order: when the import returns, every batch is on disk. A crash before
      that loses the last batches whole (cases, tallies, audit event and count together), and
      importing the file again writes them, as it skips the rows already there."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if not durable:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def fixed_seconds(
    previous: tuple[int, float] | None, last: tuple[int, float], commit: float
) -> float:
    """What a batch pays whatever its rows, from the last two batches' (rows, seconds): the
    line through them where their sizes differ enough for a slope, never less than the last
    commit (the lookups each batch makes cost as much as the commit on a busy server: ~40
    round trips). Between 0 and the last batch's time."""
    rows, seconds = last
    fixed = commit
    if previous is not None and max(rows, previous[0]) >= 1.5 * min(rows, previous[0]):
        per_row = (seconds - previous[1]) / (rows - previous[0])
        if per_row > 0:
            fixed = max(fixed, seconds - per_row * rows)
    return min(max(fixed, 0.0), seconds)


def next_batch_size(
    rows: int, seconds: float, budget: float = BATCH_SECONDS, fixed: float = 0.0
) -> int:
    """The rows that the next batch can write in about `budget` seconds, at the last one's
    pace, where `fixed` of the last one's `seconds` did not depend on its rows (its commit).
    The rows get what the budget leaves after the fixed part, and never less time than the
    fixed part itself: a commit slower than half the budget (a loaded server) is shared by
    more rows, not paid again by fewer. Growing at most fourfold at a time, so one fast batch
    does not make a long one."""
    fixed = min(max(fixed, 0.0), seconds)
    per_row = (seconds - fixed) / rows if rows else 0.0
    if per_row <= 0:
        return min(BATCH_MAX, rows * 4)
    wanted = round(max(budget - fixed, fixed) / per_row)
    return max(BATCH_MIN, min(BATCH_MAX, rows * 4, wanted))


def stands_aside_after(held: float, budget: float) -> bool:
    """Whether the import stands aside on SQLite, having held the write lock `held` seconds of
    its `budget` since it last did: once less than a third of it is left. A batch of a short
    remainder would pay a batch's fixed part, and the pause after it a whole pause."""
    return budget - held < budget / 3


def stand_aside(budget: float) -> float:
    """Between two batches on SQLite: leave the write lock free for SQLITE_PAUSE_SECONDS,
    and the next batch's time budget (the short one while others write, longer while nobody
    does).

    The pause begins with a checkpoint of the write-ahead log, outside the lock: a web write
    committing next would otherwise copy the import's pages back into the database in its own
    automatic checkpoint (web connections keep SQLite's default threshold of 1,000 pages), and
    wait seconds for it."""
    began = time.perf_counter()
    with connection.cursor() as cursor:
        (before,) = cursor.execute("PRAGMA data_version").fetchone()
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        time.sleep(max(0.0, SQLITE_PAUSE_SECONDS - (time.perf_counter() - began)))
        # Changes when another connection committed since `before`: someone writes.
        (after,) = cursor.execute("PRAGMA data_version").fetchone()
    if after != before:
        return BATCH_SECONDS
    return min(budget * 2, BATCH_SECONDS_ALONE)


# The columns PostgreSQL's plans after an import depend on, per table an import writes: what
# name search, the case list, the board and the import itself filter, join or sort by. An
# ANALYZE of these alone is a third of a whole one on the case table (its long texts are the
# dearest to sample), and leaves the table counted as changed, so autovacuum's analyse comes
# for the rest soon after, off the import's clock.
PLANNED_BY = {
    Case: (
        "id", "organisation_id", "country_id", "search_name_id", "status", "opened_at",
        "risk_level", "assigned_manager_id", "category", "number", "external_reference",
        "imported_in_id", "date_of_birth",
    ),
    SearchName: ("id", "organisation_id", "digest"),
    SearchToken: ("id", "text"),
    SearchTokenKey: ("key", "token_id"),
    SearchNameToken: ("token_id", "organisation_id", "name_id"),
    CaseNumberSequence: ("country_id", "year"),
}  # fmt: skip


def refresh_statistics(*also, tables=None) -> None:
    """After a bulk load, tell the query planner what the case table now holds (SQLite keeps no
    statistics of its own; PostgreSQL's autovacuum would get there, later): the tables an
    import writes and the models in `also`, or only the models in `tables`. On PostgreSQL
    only the columns of PLANNED_BY where it names them."""
    # The tables an import writes, not the whole database: on SQLite ANALYZE holds the write
    # lock while it runs, and every other table's statistics are as they were.
    if tables is None:
        tables = (Case, SearchName, SearchNameToken, SearchToken, SearchTokenKey, *also)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 2000")
        for model in tables:
            table = quote(model._meta.db_table)  # our own tables
            columns = PLANNED_BY.get(model) if connection.vendor == "postgresql" else None
            if columns:
                cursor.execute(f"ANALYZE {table} ({', '.join(quote(c) for c in columns)})")
            else:
                cursor.execute(f"ANALYZE {table}")


@contextmanager
def fewer_checkpoints():
    """On SQLite, let the write-ahead log grow to 64 MiB before it is copied back into the
    database, for the length of an import: the batches rewrite the same index pages, and each
    checkpoint copies (and syncs) them again."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # (inside an outer transaction nothing is committed, or checkpointed, till its end)
        return
    with connection.cursor() as cursor:
        (pages,) = cursor.execute("PRAGMA wal_autocheckpoint").fetchone()
        cursor.execute("PRAGMA wal_autocheckpoint = 16384")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
            # The import pays for its own checkpoint, not the next request that commits.
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _write_batch(cases: list[Case], run: CaseImport, origin: Origin):
    """Number, index, insert, count and audit one batch, in the caller's transaction."""
    organisation = run.organisation
    owner = {
        "organisation_id": organisation.pk,
        "country_id": organisation.country_id,
        "opened_by_id": origin.actor.pk,
        "imported_in_id": run.pk,
    }
    for case in cases:
        case.__dict__.update(owner)  # plain values: no related-object descriptors per case
        # A record from before the platform may lack the date it was reported: it is placed
        # where the child went missing.
        if case.opened_at is None:
            case.opened_at = case.last_seen_at
        if case.found_at:
            case.status = Status.FOUND
        if case.closed_at:
            case.status = Status.CLOSED
            case.outcome = case.outcome or Outcome.CLOSED_OTHER
    _number(cases)
    insert_cases(cases)
    CaseImport.objects.filter(pk=run.pk).update(imported=F("imported") + len(cases))
    # One event per batch, in the batch's transaction, naming every case it created.
    audit.record(
        CaseAction.IMPORT,
        origin=origin,
        obj=run,
        details={
            "file": run.filename,
            "sha256": run.sha256,
            "cases": len(cases),
            "numbers": [case.number for case in cases],
        },
    )


def insert_cases(cases: list[Case]) -> None:
    """Write numbered, unsaved cases at import speed: their search names attached, the rows
    inserted without Django's per-value compilation, and their new ids set on them."""
    attach_search_names(cases)
    if connection.vendor == "postgresql":
        # The ids drawn first and written with the rows: nothing to look up afterwards, and so
        # no statistics of the growing case table to refresh while the import runs.
        for case, pk in zip(cases, next_ids(Case, len(cases)), strict=True):
            case.pk = pk
        # An unsaved instance's __dict__ holds its column values by attribute name.
        insert_rows(Case, (case.__dict__ for case in cases), with_pk=True)
    else:
        insert_rows(Case, (case.__dict__ for case in cases))
        ids = dict(column_where_in(Case, "number", [case.number for case in cases], "id"))
        for case in cases:
            case.pk = ids[case.number]
    for case in cases:
        case._state.adding = False
    signals.cases_inserted.send(sender=Case, case_ids=[case.pk for case in cases])


def _number(cases: list[Case]) -> None:
    """Allocate the batch's case numbers, a block per country and year."""
    by_year: dict[tuple[str, int], list[Case]] = {}
    for case in cases:
        by_year.setdefault((case.country_id, case.opened_at.year), []).append(case)
    for (country, year), group in by_year.items():
        sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(
            country_id=country, year=year
        )
        first = sequence.last + 1
        sequence.last += len(group)
        sequence.save(update_fields=["last"])
        for offset, case in enumerate(group):
            case.number = f"{country}-{year}-{first + offset:06d}"
