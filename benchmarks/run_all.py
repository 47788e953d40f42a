"""Run every benchmark script in turn and print its figures: what ``make bench`` runs.

Quick sizes by default (about 10-15 minutes on 2 cores, the first run longer while the 1M warehouse
is prepared under ``benchmarks/.data/``): loads of 1M sends (CSV, JSONL, Parquet), ``lrreport
build`` on 1M sends, the Listrak extraction (200k contacts, 50k opt-outs), the Shopify extraction
(1M orders), the GA4 extraction (a year of daily rows) and the overview render on the 1M warehouse.
``--full`` adds the 10M sizes: 10M-row loads, the 10M build (its warehouse is generated once,
several minutes) and the overview render on the 10M warehouse.

    .venv/bin/python benchmarks/run_all.py            # quick
    .venv/bin/python benchmarks/run_all.py --full     # 10M sizes too (slow; run on a quiet machine)
    .venv/bin/python benchmarks/run_all.py --only build_models render_overview
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
DATA = BENCH / ".data"


def plan(full: bool) -> list[tuple[str, list[str]]]:
    """(name, arguments of benchmarks/<name>.py) in the order they run."""
    sizes = ["1000000", "10000000"] if full else ["1000000"]
    warehouse = DATA / f"build_{sizes[-1]}" / "warehouse.duckdb"
    return [
        ("load_sends", ["--rows", "1000000", *(["--big"] if full else [])]),
        ("build_models", ["--sizes", *sizes]),
        ("extract_listrak", []),
        ("extract_shopify", ["--reps", "1"]),
        ("extract_ga4", []),
        # build_models has just built the marts in this warehouse.
        ("render_overview", ["--database", str(warehouse)]),
    ]


def _load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # not available on every platform
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also the 10M-send sizes (slow)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    args = parser.parse_args()
    steps = plan(args.full)
    if args.only:
        unknown = set(args.only) - {name for name, _ in steps}
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        steps = [step for step in steps if step[0] in args.only]
    print(f"{len(steps)} benchmark(s), {'full' if args.full else 'quick'} sizes, {os.cpu_count()} CPUs, "
          f"load average {_load_average()}", flush=True)
    summary = []
    for name, extra in steps:
        command = [sys.executable, str(BENCH / f"{name}.py"), *extra]
        print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        code = subprocess.call(command, cwd=ROOT)  # its output goes straight to ours
        seconds = time.perf_counter() - started
        summary.append((name, code, seconds))
        print(f"=== {name}: {'ok' if code == 0 else f'FAILED (exit {code})'} in {seconds:.0f} s, "
              f"load average {_load_average()}", flush=True)
    print("\nsummary")
    for name, code, seconds in summary:
        print(f"  {name:18}{'ok' if code == 0 else f'failed ({code})':>12}{seconds:>9.0f} s")
    if any(code != 0 for _, code, _ in summary):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
