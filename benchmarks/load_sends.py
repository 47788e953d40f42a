"""Benchmark ``lrreport load sends`` against DuckDB's bare read and a pandas row-by-row baseline.

Generates send logs with the simulator's generator (CSV, JSONL, Parquet), then, each in a fresh
subprocess and a fresh DuckDB file:

* lrreport's full load (validation, phone normalisation, dedupe, rejects, one transaction);
* the floor: ``CREATE TABLE t AS SELECT * FROM read_csv(...)`` (read_json / read_parquet for the
  other formats) of the same file, into a DuckDB file;
* a baseline: ``pandas.read_csv`` and one ``INSERT`` per row into raw.sends, timed on a sample and
  extrapolated per row (labelled as such).

Prints wall time, rows/s, CPU seconds and peak RSS of each loading process, and the ratios.
Usage: ``python benchmarks/load_sends.py [--rows 1000000] [--big] [--formats csv,jsonl,parquet]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
READERS = {"csv": "read_csv", "jsonl": "read_json", "parquet": "read_parquet"}


def _usage() -> dict[str, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mb": ru.ru_maxrss / 1024}


def child_load(path: str, db: str) -> dict[str, Any]:
    """lrreport's full load of ``path`` into a fresh warehouse (runs in its own process)."""
    from lrreport.config import load_settings
    from lrreport.extract.loading import RejectLimit, load_files

    settings = load_settings().with_database(db)
    start_cpu = _usage()["cpu_s"]
    t0 = time.perf_counter()
    result = load_files(settings, "sends", [path], max_rejects=RejectLimit(count=None, percent=100.0))
    wall = time.perf_counter() - t0
    usage = _usage()
    return {
        "wall_s": wall,
        "cpu_s": usage["cpu_s"] - start_cpu,
        "peak_rss_mb": usage["peak_rss_mb"],
        "rows": result.rows_loaded,
        "rejected": result.rejected_rows,
    }


def child_floor(path: str, db: str, fmt: str) -> dict[str, Any]:
    """DuckDB's bare CREATE TABLE AS SELECT * FROM read_xxx(file) into a DuckDB file."""
    import duckdb

    start_cpu = _usage()["cpu_s"]
    t0 = time.perf_counter()
    con = duckdb.connect(db)
    con.execute(f"CREATE TABLE t AS SELECT * FROM {READERS[fmt]}(?)", [path])  # noqa: S608 (fixed names)
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    wall = time.perf_counter() - t0
    usage = _usage()
    return {
        "wall_s": wall,
        "cpu_s": usage["cpu_s"] - start_cpu,
        "peak_rss_mb": usage["peak_rss_mb"],
        "rows": rows,
    }


def child_pandas(path: str, db: str, sample: int) -> dict[str, Any]:
    """pandas.read_csv of a sample, then one INSERT per row into raw.sends (the naive way)."""
    import pandas as pd

    from lrreport.config import load_settings
    from lrreport.warehouse.db import connect

    con = connect(load_settings().with_database(db))
    t0 = time.perf_counter()
    frame = pd.read_csv(path, nrows=sample, dtype=str, keep_default_na=False)
    insert = (
        "INSERT INTO raw.sends (send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id, "
        "phone_number, phone_raw, message_content, http_status, resource_id, error_code, order_id, "
        "_load_id, _loaded_at, _source_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench', now(), ?)"
    )
    for row in frame.itertuples(index=False):
        con.execute(
            insert,
            [
                row.send_id,
                row.sent_at,
                int(row.sender_code_id),
                int(row.phone_list_id),
                int(row.transactional_message_id),
                row.phone_number,
                row.phone_number,
                row.message_content,
                int(row.http_status),
                row.resource_id or None,
                row.error_code or None,
                row.order_id or None,
                path,
            ],
        )
    con.close()
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "rows": len(frame), "per_row_s": wall / max(1, len(frame))}


def _spawn(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fresh_db(workdir: Path, name: str) -> str:
    db = workdir / f"{name}.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    return str(db)


def generate(rows: int, fmt: str, workdir: Path) -> tuple[Path, int]:
    """The simulator's send log of about ``rows`` rows in ``fmt`` (cached in ``workdir``)."""
    from lrreport.sim.files import write_merchant_files
    from lrreport.sim.generator import MerchantSpec

    out = workdir / f"{rows}-{fmt}"
    done = out / "done.json"
    if done.exists():
        info = json.loads(done.read_text())
        return Path(info["sends"]), info["rows"]
    spec = MerchantSpec(seed=7, days=60, contacts=max(30_000, rows // 20), sends=rows)
    t0 = time.perf_counter()
    mf = write_merchant_files(spec, out, fmt, progress=False)
    print(f"  generated {mf.send_rows:,} sends as {fmt} in {time.perf_counter() - t0:.1f}s", flush=True)
    done.write_text(json.dumps({"sends": str(mf.sends), "rows": mf.send_rows}))
    return mf.sends, mf.send_rows


def run(rows: int, formats: list[str], workdir: Path, repeat: int, sample: int) -> list[dict[str, Any]]:
    """Measure every format at one size; returns one dict of figures per format."""
    results = []
    pandas_row_s: float | None = None
    for fmt in formats:
        path, n = generate(rows, fmt, workdir)
        loads, floors = [], []
        for _ in range(repeat):  # interleaved, so that load on the machine hits both alike
            floors.append(_spawn("floor", str(path), _fresh_db(workdir, "floor"), fmt))
            loads.append(_spawn("load", str(path), _fresh_db(workdir, "load")))
        if fmt == "csv" and pandas_row_s is None:
            pandas_row_s = _spawn("pandas", str(path), _fresh_db(workdir, "pandas"), str(sample))["per_row_s"]
        load_wall = median(r["wall_s"] for r in loads)
        floor_wall = median(r["wall_s"] for r in floors)
        load_cpu = median(r["cpu_s"] for r in loads)
        floor_cpu = median(r["cpu_s"] for r in floors)
        res = {
            "format": fmt,
            "rows": n,
            "file_mb": path.stat().st_size / 1e6,
            "load_s": load_wall,
            "rows_per_s": n / load_wall,
            "load_cpu_s": load_cpu,
            "load_peak_mb": max(r["peak_rss_mb"] for r in loads),
            "floor_s": floor_wall,
            "floor_cpu_s": floor_cpu,
            "floor_peak_mb": max(r["peak_rss_mb"] for r in floors),
            "ratio_wall": load_wall / floor_wall,
            "ratio_cpu": load_cpu / floor_cpu,
            "loaded": loads[-1]["rows"],
            "rejected": loads[-1]["rejected"],
        }
        if pandas_row_s is not None:
            res["pandas_est_s"] = pandas_row_s * n
            res["speedup_vs_pandas"] = pandas_row_s * n / load_wall
        results.append(res)
        _print_row(res)
    return results


HEADER = (
    f"{'format':8} {'rows':>11} {'file MB':>8} {'load s':>8} {'rows/s':>10} {'cpu s':>7} {'peak MB':>8} "
    f"{'floor s':>8} {'floor cpu':>9} {'x floor':>8} {'x fl cpu':>8} {'pandas s*':>10} {'speedup':>8}"
)


def _print_row(r: dict[str, Any]) -> None:
    pandas = f"{r['pandas_est_s']:10.0f} {r['speedup_vs_pandas']:7.0f}x" if "pandas_est_s" in r else " " * 19
    print(
        f"{r['format']:8} {r['rows']:11,} {r['file_mb']:8.0f} {r['load_s']:8.2f} {r['rows_per_s']:10,.0f} "
        f"{r['load_cpu_s']:7.1f} {r['load_peak_mb']:8.0f} {r['floor_s']:8.2f} {r['floor_cpu_s']:9.1f} "
        f"{r['ratio_wall']:7.2f}x {r['ratio_cpu']:7.2f}x {pandas}",
        flush=True,
    )


def main() -> None:
    """Parse options, generate the files, print the figures."""
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        if kind == "load":
            print(json.dumps(child_load(*rest)))
        elif kind == "floor":
            print(json.dumps(child_floor(*rest)))
        else:
            print(json.dumps(child_pandas(rest[0], rest[1], int(rest[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="send-log size (default 1M)")
    parser.add_argument("--big", action="store_true", help="also run 10M rows (slow; run once)")
    parser.add_argument("--formats", default="csv,jsonl,parquet")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median)")
    parser.add_argument("--pandas-sample", type=int, default=20_000, help="rows the pandas baseline times")
    parser.add_argument("--workdir", default=None, help="folder for files and DuckDB files (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files for the next run")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    args = parser.parse_args()
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lrreport-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    sizes = [args.rows] + ([10_000_000] if args.big else [])
    print(f"lrreport load sends benchmark ({os.cpu_count()} CPUs), files in {workdir}")
    print("x floor: lrreport's full load / DuckDB's bare CREATE TABLE AS SELECT * FROM read_<fmt>(file);")
    print(f"pandas s*: pandas.read_csv + one INSERT per row, timed on {args.pandas_sample:,} rows and")
    print("extrapolated per row (an estimate, not a full run); speedup = pandas s* / load s")
    print(HEADER)
    all_results = []
    try:
        for rows in sizes:
            all_results += run(rows, formats, workdir, args.repeat, args.pandas_sample)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(all_results, indent=2))


if __name__ == "__main__":
    main()
