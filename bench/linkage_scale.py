"""Linkage at scale on this 2-core machine: deduplicate 1,000,000 records, and link
200,000 × 200,000 across two countries. Reports wall time (preparing the records and the
Splink run: training u, blocking, scoring), peak memory of the process, and the number of
pairs compared beside the n² pairs that an unblocked comparison would make (the baseline).

Goals (issue 6): the million in ≤ 5 minutes and ≤ 8 GB. BENCH_LINKAGE_SCALE and
BENCH_LINKAGE_LINK set the sizes.
"""

import os
import resource
import time
from pathlib import Path

from harness import SMOKE, goal, say, size

# `make bench NAME=linkage_scale ENGINE=spark` runs the same job on Apache Spark (local mode:
# SEEC_SPARK_MASTER, SEEC_SPARK_DRIVER_MEMORY as in docs/operations.md); its figures are kept
# beside DuckDB's in the same results file. DuckDB alone by default: Spark takes minutes.
ENGINES = ["duckdb", "spark"]
DEFAULT_ENGINES = ["duckdb"]
# What a run learns from its records (as a linkage run does: u); in smoke mode nothing, the
# reference model as it is: Splink's sampling for u takes minutes whatever the size.
LEARN = "" if SMOKE else "u"
DEDUPE = size("BENCH_LINKAGE_SCALE", 1_000_000, smoke=500)
LINK = size("BENCH_LINKAGE_LINK", 200_000, smoke=300)


def peak_gb() -> float:
    """The peak memory of this process and of its children still running (Spark's JVM)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KB → GB
    return own + sum(child_peaks_kb()) / 1024 / 1024


def child_peaks_kb() -> list[int]:
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(os.getpid()) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]))
    return peaks


def cpu_seconds() -> float:
    """CPU time of this process (DuckDB's threads) and of its children still running (Spark's
    JVM): on a machine shared with other work a fairer measure than wall time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    ticks = os.sysconf("SC_CLK_TCK")
    children = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command may hold spaces: the fields after its closing parenthesis.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(os.getpid()):  # ppid; then utime, stime are fields 11 and 12
            children += int(fields[11]) + int(fields[12])
    return own.ru_utime + own.ru_stime + children / ticks


def comparisons(datasets: list[list[dict]]) -> int:
    """Pairs the blocking rules make, counted on a 5% sample of records (Splink's estimate)."""
    import pyarrow as pa
    from splink.backends.duckdb import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from seec.linkage import model

    db = DuckDBAPI()
    tables = [
        db.register(pa.Table.from_pylist(rows, schema=model.SCHEMA), dataset_display_name=f"c{i}")
        for i, rows in enumerate(datasets)
    ]
    counts = count_comparisons_from_blocking_rules(
        tables,
        blocking_rules=model.blocking_for(sum(len(rows) for rows in datasets)),
        link_type="dedupe_only" if len(tables) == 1 else "link_only",
    )
    return int(counts[-1]["cumulative_comparison_count"])


def blocking_recall(rows: list[dict], rules: list) -> float:
    """The share of true pairs (records of one child: the generator's labels) that the
    blocking rules put before the model at all: what no threshold can bring back."""
    import duckdb
    import pyarrow as pa

    from seec.linkage import model

    con = duckdb.connect()
    con.register("t", pa.Table.from_pylist(rows, schema=model.SCHEMA))
    # Our own rules' SQL, no outside text.
    pairs = (
        "SELECT count(*) FROM t l JOIN t r ON l.cluster = r.cluster AND l.unique_id < r.unique_id"
    )
    truth = con.execute(pairs).fetchone()[0]
    blocked = " OR ".join(f"({rule['blocking_rule']})" for rule in rules)
    found = con.execute(f"{pairs} AND ({blocked})").fetchone()[0]
    return round(found / truth, 4) if truth else 1.0


def one(name: str, parts: list[list], backend: str = "duckdb") -> dict:
    from seec.linkage import model
    from seec.linkage.records import linkage_rows

    started = time.perf_counter()
    cpu_started = cpu_seconds()
    datasets = [linkage_rows(records) for records in parts]
    prepared = time.perf_counter()
    result = model.link(datasets, threshold=0.9, backend=backend, learn=LEARN)
    finished = time.perf_counter()
    cpu = cpu_seconds() - cpu_started
    n = sum(len(d) for d in datasets)
    unblocked = n * (n - 1) // 2 if len(parts) == 1 else len(parts[0]) * len(parts[1])
    compared = comparisons(datasets)
    out = {
        "records": n,
        "seconds": round(finished - started, 1),
        "prepare_s": round(prepared - started, 1),
        "splink_s": round(finished - prepared, 1),
        "cpu_s": round(cpu, 1),
        "pairs_above_0_9": len(result.pairs),
        "comparisons_estimated": compared,
        "baseline_unblocked_comparisons": unblocked,
        "share_of_unblocked": round(compared / unblocked, 6),
        "peak_memory_gb": round(peak_gb(), 2),
        "blocking": "at scale" if n > model.LARGE_RUN else "full",
    }
    # Against the generator's labels: what the pairs found at 0.9 are worth.
    child = {row["unique_id"]: row["cluster"] for rows in datasets for row in rows}
    right = sum(1 for p in result.pairs if child[p["left"]] == child[p["right"]])
    sizes: dict[str, list[int]] = {}
    for rows in datasets:
        for row in rows:
            sizes.setdefault(row["cluster"], [0] * len(datasets))
    for i, rows in enumerate(datasets):
        for row in rows:
            sizes[row["cluster"]][i] += 1
    if len(datasets) == 1:
        true_pairs = sum(n * (n - 1) // 2 for (n,) in sizes.values())
    else:
        true_pairs = sum(a * b for a, b in sizes.values())
    precision = right / len(result.pairs) if result.pairs else 0.0
    recall = right / true_pairs if true_pairs else 0.0
    out["precision_at_0_9"] = round(precision, 4)
    out["recall_at_0_9"] = round(recall, 4)
    out["f1_at_0_9"] = round(2 * precision * recall / (precision + recall), 4) if right else 0.0
    if len(parts) == 1:
        # Both rule sets on the same records: what the cheaper one gives up.
        for label, rules in (("full", model.BLOCKING), ("at_scale", model.BLOCKING_AT_SCALE)):
            out[f"blocking_recall_{label}"] = blocking_recall(
                datasets[0], model._blocking_dicts(rules, "duckdb")
            )
    say(
        f"   {name} ({out['blocking']} blocking): {out['seconds']} s "
        f"(prepare {out['prepare_s']} s, "
        f"Splink {out['splink_s']} s; CPU {out['cpu_s']} s), {compared:,} comparisons "
        f"({out['share_of_unblocked']:.4%} of all pairs), peak {out['peak_memory_gb']} GB; "
        # Printed as each part ends: a long Spark run killed in its second part keeps its first.
        f"at 0.9 precision {out['precision_at_0_9']}, recall {out['recall_at_0_9']}"
    )
    return out


def result_key(engine: str) -> str:
    """DuckDB's entry is the issue's million; Spark's are kept per size (issue 17 asks for its
    figures at 100k and at 1M, beside DuckDB's)."""
    return engine if engine == "duckdb" else f"{engine}_{DEDUPE}"


def run(engine: str) -> dict:
    from seec.linkage import generator
    from seec.linkage.records import from_generated

    with_links = [from_generated(row) for row in generator.generate(2 * LINK, seed=21)]
    link = one("link", [with_links[:LINK], with_links[LINK:]], backend=engine)
    del with_links
    records = [from_generated(row) for row in generator.generate(DEDUPE, seed=20)]
    dedupe = one("dedupe", [records], backend=engine)
    result = {
        "data": {"dedupe_records": DEDUPE, "link_records_each": LINK, "engine": engine},
        "dedupe": dedupe,
        "link": link,
        # Named with the size: the goal is for the million; a smaller run says so.
        "goals": [
            goal(f"dedupe_{DEDUPE}_records_seconds", dedupe["seconds"], "<=", 300),
            goal("peak_memory_gb", max(dedupe["peak_memory_gb"], link["peak_memory_gb"]), "<=", 8),
        ],
    }
    if engine == "spark":
        # The goals are DuckDB's on this one machine; Spark's figures are on record to show where
        # a cluster starts to pay off (issue 17), with the settings they were measured under.
        result["goals"] = []
        from django.conf import settings

        result["spark"] = {
            "master": settings.SEEC_SPARK_MASTER,
            "driver_memory": settings.SEEC_SPARK_DRIVER_MEMORY,
            "shuffle_partitions": settings.SEEC_SPARK_SHUFFLE_PARTITIONS,
        }
    return result
