"""Run the benchmarks: `python bench/run.py [NAME] [--engine sqlite|postgresql|all]`.

Each benchmark runs once per engine in a fresh process, prints its figures, and the merged
results land in bench/results/NAME.json.
"""

import argparse
import importlib
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness

BENCHMARKS = sorted(
    path.stem
    for path in Path(__file__).resolve().parent.glob("*.py")
    if path.stem not in {"run", "harness"} and not path.stem.startswith(("_", "test_"))
)


def run_one(name: str, engine: str) -> dict:
    """In this process: set up Django on `engine` and run the benchmark."""
    module = importlib.import_module(name)
    harness.setup_django(name, engine)
    return module.run(engine)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", nargs="?", help=f"one of {', '.join(BENCHMARKS)}")
    parser.add_argument(
        "--engine", default="all", choices=["sqlite", "postgresql", "duckdb", "spark", "all"]
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(run_one(args.name, args.engine)))
        return 0
    names = [args.name] if args.name else BENCHMARKS
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    engines = ["sqlite", "postgresql"] if args.engine == "all" else [args.engine]
    if "postgresql" in engines and not harness.postgres_available():
        print("PostgreSQL is not listening on 127.0.0.1:5432: measuring SQLite only")
        engines.remove("postgresql")
    failed = False
    for name in names:
        runs = {}
        # A benchmark that does not measure the database names its own engines (linkage: DuckDB).
        # It measures the engines it names, and of those by default DEFAULT_ENGINES:
        # `--engine spark` asks linkage_scale for Spark, where DuckDB is its default.
        module = importlib.import_module(name)
        own = getattr(module, "ENGINES", None)
        if own:
            own = [args.engine] if args.engine in own else getattr(module, "DEFAULT_ENGINES", own)
        for engine in own or engines:
            print(f"== {name} on {engine}", flush=True)
            at_start = harness.machine()  # the load average before this run adds its own
            # The commit is read before the run: a run of an hour may end after new commits.
            measured = harness.commit()
            child = subprocess.run(
                [sys.executable, __file__, name, "--engine", engine, "--child"],
                stdout=subprocess.PIPE,
                text=True,
                check=False,
            )
            if child.returncode != 0:
                print(f"   {name} failed on {engine}")
                failed = True
                continue
            # A benchmark may keep several runs of one engine side by side (linkage_scale keeps
            # Spark at each size it was asked for): it names the entry.
            key = getattr(module, "result_key", lambda engine: engine)(engine)
            runs[key] = result = json.loads(child.stdout.strip().splitlines()[-1])
            result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            result["commit"] = measured
            result["machine_at_start"] = at_start
            result["machine_at_end"] = harness.machine()
            for item in result["goals"]:
                mark = "met" if item["met"] else "MISSED"
                print(f"   {item['name']}: {item['value']} {item['op']} {item['target']} ({mark})")
        if runs:
            print(f"   -> {harness.write_results(name, runs)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
