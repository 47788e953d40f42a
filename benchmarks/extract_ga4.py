"""Benchmark: ``extract_ga4`` of a year of daily rows from the GA4 simulator against a bare httpx
loop that only fetches (and JSON-decodes) the same runReport pages with the same service-account
token exchange, in the same run. The simulator serves from a process of its own, so its work does
not share the client's interpreter. Prints rows/s and the ratio (target: at most 1.3x the bare loop)
for each ``[ga4] concurrency`` asked for: 1 asks one page at a time, as the bare loop does; the
default 4 overlaps pages, which pays against Google's latency but not against a simulator that
answers on the same two cores.

    .venv/bin/python benchmarks/extract_ga4.py [--days 365] [--page-size 250] [--concurrency 1 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import httpx
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from lrreport.config import load_settings
from lrreport.extract.ga4 import extract_ga4, report_body
from lrreport.extract.ga4_client import SCOPE
from lrreport.sim.ga4_server import run_ga4_simulator
from lrreport.sim.generator import MerchantSpec

END = date(2025, 12, 31)


def bare_loop(sim: dict, body: dict, page_size: int) -> tuple[float, int]:
    """The same pages with a plain httpx client, one after the other; returns (seconds, rows)."""
    t0 = time.perf_counter()
    credentials = service_account.Credentials.from_service_account_info(sim["key"], scopes=[SCOPE])
    credentials.refresh(Request())
    url = f"{sim['base_url']}/v1beta/properties/{sim['property_id']}:runReport"
    rows, offset = 0, 0
    with httpx.Client(headers={"Authorization": f"Bearer {credentials.token}"}) as client:
        while True:
            page = client.post(url, json={**body, "offset": offset, "limit": page_size}).json()
            got = len(page.get("rows", []))
            rows += got
            offset += got
            if offset >= page["rowCount"] or not got:
                return time.perf_counter() - t0, rows


def serve(spec: MerchantSpec, conn) -> None:  # noqa: ANN001 - a multiprocessing connection
    """The child process: serve the GA4 property, tell the parent where, wait for "stop"."""
    with run_ga4_simulator(spec) as sim:
        conn.send({"base_url": sim.base_url, "property_id": sim.property_id, "key": sim.key_file()})
        conn.recv()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--orders-per-day", type=int, default=250)
    parser.add_argument("--page-size", type=int, default=250)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4],
                        help="[ga4] concurrency of extract_ga4 (each is measured)")
    parser.add_argument("--rounds", type=int, default=3, help="alternate runs of each; the best counts")
    args = parser.parse_args()
    spec = MerchantSpec(
        seed=7, end_date=END, days=args.days, contacts=30_000, orders_per_day=args.orders_per_day
    )
    start = END - timedelta(days=args.days - 1)
    t = time.perf_counter()
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(spec, child), daemon=True)
    server.start()
    sim = parent.recv()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"GA4 property of {args.days} days built and served in {time.perf_counter() - t:.1f} s")
        key_file = Path(tmp) / "key.json"
        key_file.write_text(json.dumps(sim["key"]))
        base = load_settings(env={})
        settings = replace(
            base,
            ga4=replace(
                base.ga4,
                property_id=sim["property_id"],
                key_file=str(key_file),
                base_url=sim["base_url"],
                page_size=args.page_size,
            ),
        )
        body = report_body(settings, start, END)
        ours_runs: dict[int, list[float]] = {c: [] for c in args.concurrency}
        bare_runs = []
        for i in range(args.rounds):  # alternately, so that a busy moment hits every contender
            for c in args.concurrency:
                db = Path(tmp) / f"w{i}-{c}.duckdb"
                run = replace(settings, ga4=replace(settings.ga4, concurrency=c)).with_database(db)
                t0 = time.perf_counter()
                result = extract_ga4(run, since=start, until=END)
                ours_runs[c].append(time.perf_counter() - t0)
            seconds, rows = bare_loop(sim, body, args.page_size)
            bare_runs.append(seconds)
            assert rows == result.rows_in, (rows, result.rows_in)
        bare = min(bare_runs)
        print(f"rows {result.rows_in:,} in {result.pages} pages of {args.page_size}")
        lines = [(f"extract ga4, concurrency {c}", min(ours_runs[c]), ours_runs[c]) for c in args.concurrency]
        for name, best, runs in [*lines, ("bare httpx loop", bare, bare_runs)]:
            listed = ", ".join(f"{r:.3f}" for r in runs)
            print(f"{name:<27}: {best:.3f} s ({rows / best:,.0f} rows/s)  runs {listed}")
        for c in args.concurrency:
            print(f"ratio, concurrency {c:<8}: {min(ours_runs[c]) / bare:.2f}x (target <= 1.3x)")
    parent.send("stop")
    server.join(timeout=10)


if __name__ == "__main__":
    main()
