"""import_cases: every row validated, nothing from a bad file, idempotent, XLSX and CSV."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from seec.cases import selectors
from seec.cases.models import Case, Status
from seec.cases.services import CaseAction
from seec.core.models import AuditEvent, RoleCode

HEADER = (
    "external_reference,given_names,family_name,sex,date_of_birth,category,last_seen_at,"
    "last_seen_place,found_at,found_how,outcome\n"
)
GOOD = [
    "OLD-1,Ελένη,Παπαδοπούλου,female,2011-03-04,runaway,2023-05-01T18:00,Athens,"
    "2023-05-02T09:00,returned_alone,found_safe",
    "OLD-2,Νίκος,Γεωργίου,male,2013-10-10,lost_injured,2024-01-02T10:00,Patras,,,",
]


def write(tmp_path, lines, name="cases.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding=encoding)
    return path


def run(path, *extra):
    out, err = StringIO(), StringIO()
    call_command(
        "import_cases",
        str(path),
        "--as",
        "gr-case_manager",
        *extra,
        stdout=out,
        stderr=err,
        verbosity=0,
    )
    return out.getvalue(), err.getvalue()


def test_imports_valid_rows_with_history_and_audit(region, tmp_path):
    out, _err = run(write(tmp_path, GOOD))
    assert "Cases imported: 2;" in out
    first = Case.objects.get(external_reference="OLD-1")
    assert first.number == "GR-2023-000001"
    assert first.status == Status.FOUND and first.outcome == "found_safe"
    assert first.search_name.tokens.exists() and "eleni" in first.search_name.forms
    # One event for the batch, naming both cases; each case's timeline shows it.
    (event,) = AuditEvent.objects.filter(action=CaseAction.IMPORT)
    assert sorted(event.details["numbers"]) == sorted(Case.objects.values_list("number", flat=True))
    assert event.details["file"] == "cases.csv" and len(event.details["sha256"]) == 64
    for case in Case.objects.all():
        assert [e.action for e in selectors.timeline(case)] == [CaseAction.IMPORT]
    call_command("verify_audit", verbosity=0)


def test_importing_again_changes_nothing(region, tmp_path):
    path = write(tmp_path, GOOD)
    run(path)
    out, _err = run(path)
    assert "Cases imported: 0; already present: 2;" in out
    assert Case.objects.count() == 2


def test_file_with_errors_imports_nothing_and_names_line_and_field(region, tmp_path):
    bad = [
        *GOOD,
        "OLD-3,Μαρία,,female,2999-01-01,runaway,2023-05-01T18:00,Athens,,,",
        "OLD-4,Γιάννης,,male,2012-01-01,kidnapped,2023-05-01T18:00,Athens,,,",
        "OLD-5,Άννα,,female,2012-01-01,runaway,2023-05-01T18:00,Athens,2023-04-01T00:00,"
        "by_police,found_safe",
    ]
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(write(tmp_path, bad))
    assert not Case.objects.exists()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_cases",
            str(write(tmp_path, bad)),
            "--as",
            "gr-case_manager",
            stderr=err,
            verbosity=0,
        )
    report = err.getvalue()
    assert "line 4, date_of_birth" in report
    assert "line 5, category" in report
    assert "line 6, found_at" in report


def test_skip_errors_imports_the_valid_rows(region, tmp_path):
    bad = [*GOOD, "OLD-3,Μαρία,,female,2999-01-01,runaway,2023-05-01T18:00,Athens,,,"]
    out, err = run(write(tmp_path, bad), "--skip-errors")
    assert "Cases imported: 2;" in out and "rows with errors skipped: 1;" in out
    assert "line 4, date_of_birth" in err


def test_wrong_encoding_is_refused_clearly(region, tmp_path):
    path = write(tmp_path, GOOD, encoding="cp1253")
    with pytest.raises(CommandError, match="not in UTF-8"):
        run(path)
    assert not Case.objects.exists()


def test_missing_columns_and_non_spreadsheets_are_refused(region, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("given_names,category\nAna,runaway\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns: external_reference"):
        run(path)
    exe = tmp_path / "cases.xlsx"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(CommandError, match="not a readable XLSX"):
        run(exe)


def test_xlsx_is_read_like_csv(region, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    for line in GOOD:
        sheet.append(line.split(","))
    path = tmp_path / "cases.xlsx"
    workbook.save(path)
    out, _err = run(path)
    assert "Cases imported: 2;" in out


def test_only_a_case_manager_imports(region, tmp_path):
    out = StringIO()
    with pytest.raises(CommandError, match="Only a case manager"):
        call_command(
            "import_cases",
            str(write(tmp_path, GOOD)),
            "--as",
            region.users[RoleCode.HOTLINE_OPERATOR].username,
            stdout=out,
            verbosity=0,
        )


def test_numbers_follow_the_order_children_went_missing(region, tmp_path):
    later_first = [GOOD[1], GOOD[0].replace("2023-05", "2024-06")]
    run(write(tmp_path, later_first))
    # Both 2024: the one missing in January gets the first number, whatever the file's order.
    assert Case.objects.get(external_reference="OLD-2").number == "GR-2024-000001"
    assert Case.objects.get(external_reference="OLD-1").number == "GR-2024-000002"


def test_a_bulk_written_case_reads_back_as_one_the_orm_saved(region, tmp_path):
    """The import's own insert (seec.core.bulk) against Django's save, field by field."""
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from seec.cases.importer import insert_cases
    from seec.core.bulk import InstanceMaker

    manager = region.users[RoleCode.CASE_MANAGER]
    values = {
        "organisation_id": manager.organisation_id,
        "country_id": "GR",
        "opened_by_id": manager.pk,
        "given_names": "Ελένη",
        "family_name": "Παπαδοπούλου",
        "sex": "female",
        "date_of_birth": date(2011, 3, 4),
        "category": "runaway",
        "last_seen_at": datetime(2023, 5, 1, 15, 0, 30, 123456, tzinfo=UTC),
        "last_seen_lat": Decimal("37.983810"),
        "last_seen_lon": Decimal("23.727539"),
        "may_cross_border": True,
        "opened_at": datetime(2023, 5, 1, 16, 0, tzinfo=UTC),
        "names_latin": "Eleni Papadopoulou",
    }
    saved = Case(number="GR-2023-000001", **values)
    saved.save()
    bulk = InstanceMaker(Case)({"number": "GR-2023-000002", **values})
    insert_cases([bulk])
    fields = [f.attname for f in Case._meta.concrete_fields if f.attname not in {"id", "number"}]
    first, second = (Case.objects.values(*fields).get(pk=pk) for pk in (saved.pk, bulk.pk))
    first.pop("updated_at"), second.pop("updated_at")
    first.pop("search_name_id"), second.pop("search_name_id")  # the ORM path names no one
    assert second == first


def test_a_file_is_written_in_batches_sized_by_the_last_ones_pace(region, tmp_path, monkeypatch):
    """Each batch its own transaction and audit event; the next batch's size comes from the
    pace of the last (here fixed at three rows after a first batch of two)."""
    from seec.cases import importer

    monkeypatch.setattr(importer, "BATCH_FIRST", 2)
    paces = []

    def next_size(rows, seconds, budget=importer.BATCH_SECONDS, fixed=0.0):
        assert 0 <= fixed <= seconds  # the commit is a part of the batch's time
        paces.append((rows, budget))
        return 3

    monkeypatch.setattr(importer, "next_batch_size", next_size)
    lines = [
        f"OLD-{i},Ана,Тест,female,2011-03-04,runaway,2023-05-{i + 1:02d}T18:00,Athens,,,"
        for i in range(8)
    ]
    out, _err = run(write(tmp_path, lines))
    assert "Cases imported: 8;" in out
    events = AuditEvent.objects.filter(action=CaseAction.IMPORT).order_by("sequence")
    assert [event.details["cases"] for event in events] == [2, 3, 3]
    assert [rows for rows, _budget in paces] == [2, 3, 3]
    numbers = [number for event in events for number in event.details["numbers"]]
    assert numbers == sorted(numbers) and len(set(numbers)) == 8


def test_the_next_batch_follows_the_last_ones_pace_within_bounds():
    from seec.cases.importer import BATCH_MAX, BATCH_MIN, next_batch_size

    assert next_batch_size(100, 0.5, budget=0.25) == 50  # twice too slow: half as many
    assert next_batch_size(100, 0.01, budget=0.25) == 400  # much faster: at most fourfold
    assert next_batch_size(100, 10.0, budget=0.25) == BATCH_MIN
    assert next_batch_size(BATCH_MAX, 0.01, budget=0.25) == BATCH_MAX


def test_on_sqlite_the_import_stands_aside_once_a_budget_of_lock_time_is_spent():
    """Not after every batch: a short first batch (progress shown early) and the rest of the
    budget go one after the other, and a waiting writer waits about one budget either way."""
    from seec.cases.importer import stands_aside_after

    assert not stands_aside_after(0.05, 0.25)  # the first 200 rows: the next batch fills up
    assert stands_aside_after(0.2, 0.25)  # a remainder not worth a batch
    assert stands_aside_after(0.3, 0.25)
    assert not stands_aside_after(0.3, 0.75)  # nobody else writing: a longer budget


def test_a_slow_commit_is_shared_by_more_rows_not_paid_by_fewer():
    """The commit's time does not grow with the rows: the next batch's rows get what the
    budget leaves after it, and at least as long as it takes (a loaded PostgreSQL syncing its
    log), where sizing by the whole batch's pace made every batch smaller than the last."""
    from seec.cases.importer import next_batch_size

    # 100 rows in 0.2 s, 0.1 s of it the commit: 1 ms a row, 0.15 s left in the budget.
    assert next_batch_size(100, 0.2, budget=0.25, fixed=0.1) == 150
    assert next_batch_size(100, 0.2, budget=0.25) == 125  # (without the commit timed apart)
    # A commit of 0.3 s, longer than the budget: the rows get as long as the commit.
    assert next_batch_size(100, 0.4, budget=0.25, fixed=0.3) == 300
    # A 1 s budget on a pace of 0.1 ms a row: fourfold at most.
    assert next_batch_size(1000, 0.2, budget=1.0, fixed=0.1) == 4000


def test_what_every_batch_pays_is_read_off_two_batches_of_different_sizes():
    """A batch's fixed part is where the line through the last two batches meets zero rows,
    at least their commit; batches of like size (or a slower larger one) give no slope."""
    from seec.cases.importer import fixed_seconds

    # 200 rows in 0.5 s, 800 in 0.8 s: 0.5 ms a row, 0.4 s whatever the size.
    assert fixed_seconds((200, 0.5), (800, 0.8), commit=0.1) == pytest.approx(0.4)
    assert fixed_seconds((200, 0.5), (800, 0.8), commit=0.6) == pytest.approx(0.6)
    assert fixed_seconds(None, (200, 0.5), commit=0.1) == pytest.approx(0.1)
    assert fixed_seconds((200, 0.5), (220, 0.9), commit=0.1) == pytest.approx(0.1)
    assert fixed_seconds((800, 0.9), (200, 0.5), commit=0.1) == pytest.approx(0.5 - 0.4 / 3)
    assert fixed_seconds((200, 0.5), (800, 0.4), commit=0.1) == pytest.approx(0.1)


def _index_of(cases):
    """What search reads of each case, by external reference or name: its Latin name, its
    name's spellings, and each word of them with its keys."""
    return {
        (case.given_names, case.family_name): (
            case.names_latin,
            case.search_name.forms,
            {
                word.token.text: sorted(word.token.keys.values_list("key", flat=True))
                for word in case.search_name.tokens.select_related("token")
            },
        )
        for case in cases
    }


def test_imported_cases_are_indexed_as_cases_opened_through_the_services(region, tmp_path):
    """The import writes the name index its own way (in bulk, many names at once): the same
    children opened one by one through the services get the very same spellings, words and
    keys, and search finds the imported ones as it finds those."""
    from seec.cases import name_index, services
    from seec.cases.models import SearchName, SearchToken, SearchTokenKey
    from seec.cases.tests.conftest import case_fields
    from seec.core.audit import Origin

    children = [
        ("Ελένη", "Παπαδοπούλου"),
        ("Марија", "Ђорђевић"),
        ("Дмитро", "Шевченко"),
        ("Ana-Maria", "Đurić O'Neil"),
        ("Γιώργος Ιωάννης", "Χατζηδάκης"),
    ]
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    for given, family in children:
        services.open_case(
            origin=Origin(operator), fields=case_fields(given_names=given, family_name=family)
        )
    opened = _index_of(Case.objects.select_related("search_name"))
    assert all(keys for _latin, _forms, words in opened.values() for keys in words.values())
    # Nothing of the first ones left for the import to reuse.
    Case.objects.all().delete()
    SearchName.objects.all().delete()
    name_index.drop_words(SearchToken.objects.values_list("pk", flat=True))
    assert not SearchToken.objects.exists() and not SearchTokenKey.objects.exists()

    lines = [
        f"NEW-{n},{given},{family},female,2011-03-04,runaway,2024-01-02T10:00,Athens,,,"
        for n, (given, family) in enumerate(children)
    ]
    run(write(tmp_path, lines))
    imported = Case.objects.select_related("search_name")
    assert _index_of(imported) == opened
    for case in imported:
        hits = selectors.search_cases(operator, case.names_latin)
        assert hits and hits[0].case == case, case.names_latin


def test_the_bulk_insert_tells_which_rows_it_added(region):
    """insert_new (the name index's words and names) leaves out rows already there and returns
    only those it added: only those get their keys; write_rows and column_where_in read back
    what went in, on either engine."""
    from seec.cases.models import SearchName, SearchToken
    from seec.core.bulk import column_where_in, insert_new, write_rows

    SearchToken.objects.create(text="maria")
    added = dict(insert_new(SearchToken, ("text",), [("maria",), ("marija",)], ("text", "id")))
    assert list(added) == ["marija"]
    assert dict(column_where_in(SearchToken, "text", ["maria", "marija", "mary"], "id")) == {
        "maria": SearchToken.objects.get(text="maria").pk,
        "marija": added["marija"],
    }
    organisation = region.users[RoleCode.CASE_MANAGER].organisation
    write_rows(
        SearchName._meta.db_table,
        ("organisation_id", "digest", "forms"),
        [(organisation.pk, f"d{n}", f"name {n}") for n in range(1234)],
    )
    found = column_where_in(
        SearchName,
        "digest",
        ["d0", "d1233", "d9999"],
        "forms",
        where={"organisation_id": organisation.pk},
    )
    assert sorted(found) == [("d0", "name 0"), ("d1233", "name 1233")]


def test_the_import_leaves_the_garbage_collector_as_it_found_it(region, tmp_path, monkeypatch):
    import gc

    from seec.cases import importer

    seen = []
    write_batch = importer._write_batch

    def spy(*args, **kwargs):
        seen.append((gc.get_freeze_count() > 0, gc.get_threshold()[0]))
        return write_batch(*args, **kwargs)

    monkeypatch.setattr(importer, "_write_batch", spy)
    before = gc.get_threshold()
    run(write(tmp_path, GOOD))
    # While it ran: the heap it found frozen, young objects collected in larger rounds.
    assert seen
    assert all(frozen and young >= importer.YOUNG_OBJECTS for frozen, young in seen)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    # A heap that someone else froze stays frozen, with their settings.
    gc.freeze()
    try:
        seen.clear()
        run(write(tmp_path, [GOOD[0].replace("OLD-1", "OLD-3")]))
        assert seen == [(True, before[0])]
        assert gc.get_freeze_count() > 0 and gc.get_threshold() == before
    finally:
        gc.unfreeze()


def test_names_worked_ahead_leave_the_same_search_names_as_the_import_alone(region, tmp_path):
    from seec.cases import importer, name_index, names

    def forget_names():  # what the first import left in the caches is not there for the next
        for cached in (name_index.forms_and_tokens, name_index._latin, names.latin_forms,
                       names._written_word, names.token_keys):  # fmt: skip
            cached.cache_clear()

    forget_names()
    lines = [
        f"OLD-{n},{given},{family},female,2011-03-04,runaway,2023-05-{1 + n % 28:02d}T18:00,"
        "Athens,,,"
        for n, (given, family) in enumerate(
            [("Ελένη", "Παπαδοπούλου"), ("Γιώργος", "Ευαγγέλου"), ("Ђорђе", "Јовановић"),
             ("Marija", "Petrović")] * 30
        )
    ]  # fmt: skip
    run(write(tmp_path, lines))
    ahead = {c.external_reference: (c.names_latin, c.search_name.forms) for c in Case.objects.all()}
    Case.objects.all().delete()
    forget_names()
    importer.NAMES_LEAD_ROWS, lead = 0, importer.NAMES_LEAD_ROWS  # the names thread never runs
    try:
        run(write(tmp_path, lines, name="again.csv"))
    finally:
        importer.NAMES_LEAD_ROWS = lead
    alone = {c.external_reference: (c.names_latin, c.search_name.forms) for c in Case.objects.all()}
    assert ahead == alone and len(ahead) == 120


def test_a_failure_in_the_names_thread_stops_the_import_before_its_next_batch():
    import threading

    from seec.cases.importer import NamesAhead

    done, waiting = [], threading.Event()

    def work(item):
        if item == 3:
            waiting.set()
            raise ValueError("no spelling for this name")
        done.append(item)

    ahead = NamesAhead(list(range(10)), work=work, lead=10)
    ahead.gate.set()  # as while the import waits on the database
    ahead.start()
    waiting.wait(5)
    ahead.stop()  # the thread is joined, failure or not
    assert done == [0, 1, 2]
    with pytest.raises(ValueError, match="no spelling"):
        ahead.reached(5)


def test_the_names_thread_stays_within_its_lead_and_stops_when_asked():
    from seec.cases.importer import NamesAhead

    done = []
    ahead = NamesAhead(list(range(100)), work=done.append, lead=10)
    ahead.gate.set()
    ahead.start()
    for _ in range(200):
        if len(done) == 10:
            break
        threading_sleep()
    assert done == list(range(10))
    ahead.reached(20)
    for _ in range(200):
        if len(done) == 30:
            break
        threading_sleep()
    ahead.stop()
    assert done == list(range(30))


def threading_sleep():
    import time

    time.sleep(0.005)
