"""The linkage job on Apache Spark (local mode) finds what it finds on DuckDB, and runs go to
the configured engine. One Spark session serves the module: starting one takes ~15 s."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.linkage import generator, model, services
from seec.linkage.models import CandidatePair, LinkageRun, RunStatus
from seec.linkage.records import PersonRecord, from_generated, linkage_rows

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    session = model.spark_session()
    yield session
    session.stop()  # the JVM's memory back to the rest of the suite


@pytest.fixture(scope="module")
def children():
    """Four hundred records of the region's labelled children: duplicates, the same child
    across scripts, siblings."""
    return linkage_rows(from_generated(row) for row in generator.generate(400, seed=7))


def _pairs(result) -> dict:
    return {(pair["left"], pair["right"]): pair["probability"] for pair in result.pairs}


@pytest.mark.parametrize(
    "split, term_frequencies",
    [
        (False, False),  # duplicates within one country's list, the reference model as run
        (True, True),  # two lists linked, names weighted by how often they occur in them
    ],
)
def test_spark_finds_the_same_pairs_as_duckdb(spark, children, split, term_frequencies):
    datasets = [children[::2], children[1::2]] if split else [children]
    link_type = "link_only" if split else "dedupe_only"
    # The reference model as saved (DuckDB's SQL): link() writes it in Spark's for Spark.
    parameters = model.reference_parameters(link_type) if term_frequencies else None

    on_duckdb = _pairs(model.link(datasets, backend="duckdb", parameters=parameters, learn=""))
    on_spark = _pairs(model.link(datasets, backend="spark", parameters=parameters, learn=""))

    assert len(on_duckdb) > 50
    assert on_spark.keys() == on_duckdb.keys(), (
        on_spark.keys() - on_duckdb.keys(),
        on_duckdb.keys() - on_spark.keys(),
    )
    for pair, probability in on_duckdb.items():
        assert on_spark[pair] == pytest.approx(probability, abs=1e-6), pair


def test_a_run_on_spark_learns_chance_agreement_from_its_records_as_on_duckdb(spark):
    """The step every large run takes (u from random pairs, then among pairs that share a
    family name, sampled): on Spark it learns what DuckDB learns, within sampling noise."""
    records = linkage_rows(from_generated(row) for row in generator.generate(3000, seed=5))
    learnt = {
        backend: model.link([records], backend=backend, learn="u")
        for backend in ("duckdb", "spark")
    }
    found = {backend: set(_pairs(result)) for backend, result in learnt.items()}
    shared = found["duckdb"] & found["spark"]
    assert len(found["duckdb"]) > 500
    assert len(shared) >= 0.98 * max(len(found["duckdb"]), len(found["spark"]))
    nationality = {
        backend: next(
            c for c in result.parameters["comparisons"] if c["output_column_name"] == "nationality"
        )["comparison_levels"][1]["u_probability"]
        for backend, result in learnt.items()
    }
    # Among pairs of one family name, nationality agrees far more often than the one time in
    # ten of random pairs (fourteen countries).
    assert nationality["spark"] == pytest.approx(nationality["duckdb"], rel=0.1)
    assert nationality["duckdb"] > 0.3


def test_spark_scores_names_with_an_odd_count_of_letters_out_of_order_lower_as_documented(spark):
    # Splink's Jaro–Winkler on Spark counts the out-of-order letters by halves, DuckDB rounds
    # the half down: zenieli/zeneli is 0.928 on DuckDB, 0.908 on Spark (docs/operations.md).
    # If this changes, the engines agree on Jaro–Winkler: say so in the docs.
    def record(uid: str, family_name: str) -> PersonRecord:
        return PersonRecord(uid, "AL", "Klenti", family_name, date_of_birth=date(2011, 10, 26))

    records = [linkage_rows([record("a", "Zenieli"), record("b", "Zeneli")])]
    levels = {
        backend: model.link(records, threshold=0.0, backend=backend, learn="").pairs[0]["levels"]
        for backend in model.BACKENDS
    }
    family = next(
        c["comparison_levels"]
        for c in model.reference_parameters("dedupe_only")["comparisons"]
        if c["output_column_name"] == "family_name"
    )
    labels = [level.get("label_for_charts") for level in family if not level.get("is_null_level")]

    def label(level: int) -> str:  # Splink numbers the levels from the last (0) up
        return labels[len(labels) - 1 - level]

    assert label(levels["duckdb"]["family_name"]) == "Jaro-Winkler >= 0.92"
    # One letter left out: the next level down that holds on Spark.
    assert label(levels["spark"]["family_name"]) == "one typo"
    assert {**levels["duckdb"], "family_name": 0} == {**levels["spark"], "family_name": 0}


def test_a_run_goes_to_the_configured_engine_and_the_command_can_choose_another(
    spark, region, settings
):
    settings.SEEC_LINKAGE_BACKEND = "spark"
    manager = region.users[RoleCode.CASE_MANAGER]
    serbian = case_services.open_case(
        origin=Origin(region.foreign_manager),
        fields=case_fields(
            given_names="Јована", family_name="Петровић", date_of_birth=date(2012, 3, 7)
        ),
    )
    greek = case_services.open_case(
        origin=Origin(region.users[RoleCode.HOTLINE_OPERATOR]),
        fields=case_fields(
            given_names="Γιοβάνα", family_name="Πέτροβιτς", date_of_birth=date(2012, 7, 3)
        ),
    )

    run = services.execute_run(
        services.start_run(
            origin=Origin(manager), kind="across", countries=["GR", "RS"], enqueue=False
        )
    )
    assert run.status == RunStatus.DONE and run.model["sql_dialect"] == "spark"
    pair = CandidatePair.objects.get()
    assert {pair.left, pair.right} == {serbian, greek} and pair.probability > 0.9

    out = StringIO()
    call_command(
        "link", "--across", "GR,RS", "--as", manager.username, "--backend", "duckdb",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    again = LinkageRun.objects.latest("pk")
    assert again.status == RunStatus.DONE and again.model["sql_dialect"] == "duckdb"
    assert CandidatePair.objects.get().probability == pytest.approx(pair.probability, abs=1e-6)


def test_a_run_writes_its_tables_to_a_scratch_directory_of_its_own_and_removes_it(
    spark, children, settings, tmp_path, monkeypatch
):
    settings.SEEC_SPARK_SCRATCH_DIR = str(tmp_path)
    seen = []
    real = model._spark_api

    def watching(session, scratch):
        seen.append(scratch)
        return real(session, scratch)

    monkeypatch.setattr(model, "_spark_api", watching)
    assert model.link([children], backend="spark", learn="").pairs
    # Written under the setting's directory while the run lasted, gone with it.
    assert len(seen) == 1 and seen[0].startswith(str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_spark_counts_one_edit_apart_as_splinks_damerau_levenshtein_does(spark, children):
    """The typo levels ask whether two strings are at most one edit apart (a swap of two
    neighbours one edit): Spark's own Levenshtein, written in `_spark_edits`, answers as the
    jar's `damerau_levenshtein` (capped at two), run through Splink's translation of Spark SQL."""
    from splink.backends.spark import SparkAPI

    pairs = [
        ("", ""),
        ("a", ""),
        ("a", "b"),
        ("ab", "ba"),
        ("abc", "acb"),
        ("abcd", "badc"),  # two swaps
        ("abc", "cba"),
        ("Ana", "Anna"),
        ("Мария", "Маиря"),
        ("Мария", "Maria"),
        ("2011-10-26", "2011-01-26"),
        ("2011-10-26", "2011-10-62"),
        ("2011-10-26", "2011-10-27"),
        ("2011-10-26", "2012-10-26"),
        ("2011-10-26", "2011-26-10"),
    ]
    # Every pair of the labelled children's given and family name forms, duplicates within.
    forms = sorted({form for row in children[:60] for form in row["given_forms"] or []})
    pairs += [(a, b) for a in forms for b in forms]
    api = SparkAPI(spark_session=spark)
    frame = spark.createDataFrame([*pairs, (None, "a"), ("a", None)], "l string, r string")
    frame.createOrReplaceTempView("edit_pairs")
    ours = model._list_sql("spark")["edits"].format(left="l", right="r")
    sql = api._setup_for_execute_sql(
        f"SELECT l, r, {ours} AS ours, least(damerau_levenshtein(l, r), 2) AS jar "  # noqa: S608
        "FROM edit_pairs",
        "edit_pairs_out",
    )
    rows = spark.sql(sql).collect()

    assert len(rows) > 1000
    for row in rows:
        if row.l is None or row.r is None:
            assert row.ours is None
        else:
            assert row.ours == row.jar, (row.l, row.r, row.ours, row.jar)
