"""Benchmark: what per-day subscribe windows cost against per-week ones ([extract] subscribe_window).

Listrak's contacts route filters on the subscribe date but does not return it, so contacts are read
per window, and a finer window costs calls. This runs a first and a repeat (incremental) extraction
of the demo merchant from the simulator with each window and prints the calls and the time.

    .venv/bin/python benchmarks/subscribe_windows.py [--days 60]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from lrreport.config import Credentials, Secret, load_settings
from lrreport.extract.listrak import extract_listrak
from lrreport.sim.generator import demo_spec, generate_merchant
from lrreport.sim.server import run_simulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=60, help="days of demo history")
    args = parser.parse_args()
    merchant = generate_merchant(replace(demo_spec(end_date=date(2026, 11, 30)), days=args.days))
    print(f"{'window':<8}{'run':<8}{'calls':>8}{'contact calls':>15}{'seconds':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for unit in ("week", "day"):
            settings = load_settings(env={}).with_database(Path(tmp) / f"{unit}.duckdb")
            settings = replace(settings, extract=replace(settings.extract, subscribe_window=unit))
            with run_simulator(merchant) as sim:
                listrak = replace(settings.listrak, token_url=sim.token_url, api_base_url=sim.api_base_url)
                credentials = Credentials(sim.client_id, Secret(sim.client_secret))
                for run in ("first", "repeat"):
                    sim.clear_log()
                    started = time.perf_counter()
                    extract_listrak(replace(settings, listrak=listrak), credentials)
                    seconds = time.perf_counter() - started
                    calls = sim.requests
                    contact_calls = sum(1 for r in calls if "/Contact" in r.path)
                    print(f"{unit:<8}{run:<8}{len(calls):>8,}{contact_calls:>15,}{seconds:>9.1f}")


if __name__ == "__main__":
    main()
