"""Write the independent set to files: `python bench/linkage_sets/independent/make.py
--seed S --children N --out DIR [--format parquet csv]`.

DIR receives left and right (the two agencies' records), truth_pairs, clusters,
hard_negatives and a README.md describing every column.
"""

import argparse
import csv
import dataclasses
import sys
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make bench/ importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from linkage_sets.independent.generate import MIN_KM_APART, Row, generate
else:
    from .generate import MIN_KM_APART, Row, generate

COLUMNS = {
    "record_id": "the record's id: a000123 in the left file, b000123 in the right",
    "list": "a: written by the child's own country's agency; b: by another country's",
    "given_name": "given name(s) as the agency wrote them (script and convention of that agency)",
    "family_name": "family name(s) as written",
    "other_names": "a hypocorism the agency noted as 'also known as' (left file only)",
    "sex": "female, male, or empty",
    "date_of_birth": "ISO date, empty if the agency had none",
    "dob_estimated": "true: the date is a guess from an age (1 January of the year)",
    "age_estimate": "age in years where the agency estimated it (missing or guessed date)",
    "nationality": "ISO country code of the child's nationality, empty if not written",
    "agency": "ISO code of the country whose agency wrote the record",
    "town": "town last seen (its name in its country's script)",
    "latitude": "where last seen (the town, within about 3 km)",
    "longitude": "where last seen",
    "event_date": "date last seen",
    # What only the truth knows: never use these columns for matching.
    "child_id": "TRUTH: the child (the cluster)",
    "family_id": "TRUTH: the child's family (siblings and twins share it)",
    "child_country": "TRUTH: the child's own country",
    "community": "TRUTH: whose names (data/names/<community>.json)",
    "language": "TRUTH: how the names are read (translit.read)",
    "script": "TRUTH: the script the names are native in",
    "convention": "TRUTH: the convention the agency wrote the names by (translit.CONVENTIONS)",
    "native_given": "TRUTH: the given name(s) in the child's own script, before transliteration",
    "native_family": "TRUTH: the family name(s) in the child's own script",
    "noise": "TRUTH: the noise kinds applied to this record, ';'-separated",
    "eligible": "TRUTH: the noise kinds this record could receive (denominators of the rates)",
}


def _value(value):
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def table(rows: list[Row]) -> list[dict]:
    fields = {f.name for f in dataclasses.fields(Row)}
    assert fields == set(COLUMNS), fields ^ set(COLUMNS)
    return [{name: _value(getattr(row, name)) for name in COLUMNS} for row in rows]


def _write(path: Path, rows: list[dict], formats: list[str]) -> None:
    if "csv" in formats:
        with path.with_suffix(".csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    if "parquet" in formats:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path.with_suffix(".parquet"))


README = """# Independent record-linkage set (seed {seed}, {children} children)

Made by `python bench/linkage_sets/independent/make.py --seed {seed} --children {children}`;
how and why: bench/linkage_sets/independent/README.md.

- `left`: {left} records, one per child, written by the child's own country's agency.
- `right`: {right} records, a second record for about 60% of the children, written by another
  country's agency 1 day to 2 years later and at least {km} km away.
- `truth_pairs`: (left_id, right_id, child_id) — link mode: every true pair across the files.
- `clusters`: (record_id, child_id) — dedupe mode (left and right as one file): the clusters.
- `hard_negatives`: (child_a, child_b, kind) — siblings, twins, cousins and namesakes: pairs of
  different children that look alike.

Columns of `left` and `right` (those marked TRUTH are for scoring and analysis only):

{columns}
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--format", nargs="+", choices=["parquet", "csv"], default=["parquet", "csv"]
    )
    args = parser.parse_args(argv)
    if args.children < 1:
        parser.error("--children must be at least 1")
    made = generate(args.children, args.seed)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "left", table(made.left), args.format)
    _write(out / "right", table(made.right), args.format)
    by_child = {row.child_id: row.record_id for row in made.left}
    pairs = [
        {"left_id": by_child[r.child_id], "right_id": r.record_id, "child_id": r.child_id}
        for r in made.right
    ]
    if pairs:
        _write(out / "truth_pairs", pairs, args.format)
    clusters = [{"record_id": r.record_id, "child_id": r.child_id} for r in made.left + made.right]
    _write(out / "clusters", clusters, args.format)
    negatives = [{"child_a": a, "child_b": b, "kind": k} for a, b, k in made.hard_negatives]
    if negatives:
        _write(out / "hard_negatives", negatives, args.format)
    (out / "README.md").write_text(
        README.format(
            seed=args.seed,
            children=args.children,
            left=len(made.left),
            right=len(made.right),
            km=MIN_KM_APART,
            columns="\n".join(f"- `{k}`: {v}" for k, v in COLUMNS.items()),
        ),
        encoding="utf-8",
    )
    print(f"{len(made.left)} + {len(made.right)} records, {len(pairs)} true pairs -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
