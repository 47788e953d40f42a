"""Benchmark the same models on Spark local[2] against DuckDB, on the same lake of N sends.

Data: build_models.prepare(N) (a generated merchant loaded into DuckDB), exported to a lake with
``lrreport.lake.export``. Each build (full refresh, models only) runs in a fresh subprocess: DuckDB on
the warehouse file, Spark local[2] on the lake (JVM start-up included, as a user's `lrreport build
--engine spark` pays it). Local Spark is expected to be slower than DuckDB on one machine; the
point is how Spark's time grows with the data (it should grow no faster than the data).

    .venv/bin/python benchmarks/spark_vs_duckdb.py --sizes 1000000
    .venv/bin/python benchmarks/spark_vs_duckdb.py --sizes 1000000 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.build_models import prepare  # noqa: E402
from lrreport.config import Settings, WarehouseSettings  # noqa: E402

CHILD = """
import json, sys, time
from lrreport.config import Settings, WarehouseSettings
from lrreport.warehouse.build import build
settings = Settings(warehouse=WarehouseSettings(database=sys.argv[1], lake=sys.argv[2], engine=sys.argv[3],
                                                memory_limit="3GB"))
started = time.perf_counter()
result = build(settings, full_refresh=True, run_tests=False, show_progress=False)
assert result.ok, result.report()
slowest = sorted(result.models, key=lambda n: -n.seconds)[:3]
print(json.dumps({"total_s": time.perf_counter() - started, "startup_s": result.startup_s,
                  "models_s": sum(n.seconds for n in result.models), "publish_s": result.publish_s,
                  "fct_sends": result.rows.get("fct_sends"),
                  "slowest": [(n.name, n.seconds) for n in slowest]}))
"""


def measure(database: Path, lake: Path, engine: str) -> dict:
    """One full build in a child process: its figures, wall time and CPU seconds (children included)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(database), str(lake), engine],
                             stdout=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    out = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{engine} build failed on {database}")
    figures = json.loads(out.decode().strip().splitlines()[-1])
    figures["wall_s"] = time.perf_counter() - started
    figures["cpu_s"] = usage.ru_utime + usage.ru_stime
    return figures


def compare(settings: Settings) -> str:
    """Every row of every mart of the DuckDB build against the Spark build's (tests/spark/compare.py)."""
    import duckdb

    from lrreport.lake.reader import lake_reader
    from tests.spark.compare import differences, mart_names

    duck = duckdb.connect(str(settings.database_path), read_only=True)
    reader = lake_reader(settings.with_lake(None, "spark")).database_path  # DuckDB over the Spark marts
    lake = duckdb.connect(str(reader), read_only=True)
    try:
        found = differences(duck, lake)
        rows = sum(duck.execute(f"SELECT count(*) FROM marts.{m}").fetchone()[0] for m in mart_names(duck))
        marts = len(mart_names(duck))
    finally:
        duck.close()
        lake.close()
    if found:
        return f"marts DIFFER between the engines: {found}"
    return f"every row of the {marts} marts ({rows:,} rows) equal on both engines (floats to 1e-9)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--compare-only", action="store_true",
                        help="compare the marts the last run built on both engines, build nothing")
    args = parser.parse_args()
    from lrreport.lake import export
    from lrreport.warehouse.db import connect

    for sends in args.sizes:
        database = prepare(sends)
        lake = database.parent / "lake"
        settings = Settings(warehouse=WarehouseSettings(database=str(database), lake=str(lake)))
        if args.compare_only:
            print(f"{sends:,} sends: {compare(settings)}", flush=True)
            continue
        connect(settings).close()  # the raw tables in the current layout, as any writing command does
        started = time.perf_counter()
        export(settings)
        print(f"{sends:,} sends: lake export {time.perf_counter() - started:.1f} s", flush=True)
        for engine in ("duckdb", "spark"):
            f = measure(database, lake, engine)
            print(f"  {engine}: full build {f['total_s']:.1f} s (models {f['models_s']:.1f} s, start-up "
                  f"{f['startup_s']:.1f} s, snapshot {f['publish_s']:.1f} s), wall {f['wall_s']:.1f} s, "
                  f"CPU {f['cpu_s']:.1f} s, fct_sends {f['fct_sends']:,}; slowest "
                  + ", ".join(f"{n} {s:.1f} s" for n, s in f["slowest"]), flush=True)
        print(f"  {compare(settings)}", flush=True)


if __name__ == "__main__":
    main()
