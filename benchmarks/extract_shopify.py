"""Benchmark: ``extract_shopify`` of ~1M orders (a bulk JSONL of about 1 GB) from the Shopify
simulator, against a bare download-and-parse of the same result file, in the same run.

The merchant's orders are generated once into ``benchmarks/.data/shopify-1m/`` (Parquet). The
simulator exports the bulk result once (Shopify's side of the work, not timed: an identical query
reuses the file). Then, each ``--reps`` times:

* bare: stream the result URL to disk with httpx and parse every line with ``json.loads`` (the
  floor of any client that reads the file), and the same download parsed by DuckDB's ``read_json``
  into the columns the extractor reads (a faster floor, shown for reference);
* lrreport: ``extract_shopify(full=True)`` into a fresh warehouse: start, poll, download, turn into
  orders, load through the orders loader (validation, phones, rejects, one transaction).

Target: lrreport at most 1.3x the bare download-and-parse. The 1 GB file is streamed, never held in
memory; peak RSS of the whole process is printed.

    .venv/bin/python benchmarks/extract_shopify.py [--orders-per-day 10000] [--days 100] [--reps 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import httpx

from lrreport.config import Secret, ShopifySettings, load_settings
from lrreport.extract.shopify import extract_shopify, orders_query
from lrreport.extract.shopify_bulk import start_bulk_query, wait_for
from lrreport.extract.shopify_client import ShopifyClient
from lrreport.sim.files import write_merchant_files
from lrreport.sim.generator import MerchantSpec
from lrreport.sim.shopify_server import run_shopify

DATA = Path(__file__).resolve().parent / ".data"
PARSE_COLUMNS = (
    "{id: 'VARCHAR', name: 'VARCHAR', createdAt: 'VARCHAR', processedAt: 'VARCHAR', "
    "updatedAt: 'VARCHAR', cancelledAt: 'VARCHAR', cancelReason: 'VARCHAR', "
    "displayFinancialStatus: 'VARCHAR', currencyCode: 'VARCHAR', "
    "totalPriceSet: 'STRUCT(shopMoney STRUCT(amount VARCHAR, currencyCode VARCHAR))', "
    "totalRefundedSet: 'STRUCT(shopMoney STRUCT(amount VARCHAR, currencyCode VARCHAR))', "
    "phone: 'VARCHAR', email: 'VARCHAR', customer: 'STRUCT(phone VARCHAR, email VARCHAR)', "
    "shippingAddress: 'STRUCT(phone VARCHAR)', customerJourneySummary: 'STRUCT(lastVisit "
    "STRUCT(occurredAt VARCHAR, landingPage VARCHAR, utmParameters STRUCT(source VARCHAR, "
    "medium VARCHAR, campaign VARCHAR, content VARCHAR)))', "
    "fulfillments: 'STRUCT(createdAt VARCHAR, deliveredAt VARCHAR, status VARCHAR)[]'}"
)


def orders_file(days: int, per_day: int) -> Path:
    folder = DATA / f"shopify-{days}d-{per_day}"
    path = folder / "orders.parquet"
    if not path.exists():
        t0 = time.perf_counter()
        spec = MerchantSpec(
            seed=7, end_date=date(2026, 11, 15), days=days, contacts=100_000, orders_per_day=per_day
        )
        write_merchant_files(spec, folder, fmt="parquet", progress=False)
        print(f"generated the merchant's orders in {time.perf_counter() - t0:.1f} s")
    return path


def download(url: str, dest: Path) -> int:
    with dest.open("wb") as out, httpx.Client(timeout=60) as http, http.stream("GET", url) as response:
        for chunk in response.iter_bytes():
            out.write(chunk)
    return dest.stat().st_size


def bare_json(url: str, tmp: Path) -> tuple[float, int]:
    """Download, then ``json.loads`` every line; returns (seconds, orders)."""
    t0 = time.perf_counter()
    path = tmp / "bare.jsonl"
    download(url, path)
    n = 0
    with path.open("rb") as f:
        for line in f:
            json.loads(line)
            n += 1
    path.unlink()
    return time.perf_counter() - t0, n


def bare_duckdb(url: str, tmp: Path) -> tuple[float, int]:
    """Download, then parse the extractor's columns with DuckDB into a table; returns (seconds, orders)."""
    t0 = time.perf_counter()
    path = tmp / "bare.jsonl"
    download(url, path)
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE t AS SELECT * FROM read_json('{path}', format = 'newline_delimited', "
        f"columns = {PARSE_COLUMNS})"
    )
    n = con.execute("SELECT count(*) FROM t").fetchone()[0]  # type: ignore[index]
    con.close()
    path.unlink()
    return time.perf_counter() - t0, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--orders-per-day", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()
    source = orders_file(args.days, args.orders_per_day)
    with tempfile.TemporaryDirectory(prefix="bench-shopify-", dir=DATA) as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        with run_shopify(source, workdir=tmp / "sim") as sim:
            print(f"store: {sim.store.count():,} orders ({time.perf_counter() - t0:.1f} s)")
            base = load_settings(env={})
            shop = ShopifySettings(shop="bench", base_url=sim.base_url, poll_interval_s=0.05)

            # Shopify's side, once: the simulator writes the bulk result for the extractor's query
            t1 = time.perf_counter()
            with ShopifyClient(shop, Secret(sim.token)) as client:
                warm = wait_for(
                    client, start_bulk_query(client, orders_query(None)), poll_s=0.2, max_wait_s=3600
                )
            print(
                f"bulk result: {(warm.file_size or 0) / 1e9:.2f} GB, {warm.root_object_count:,} orders "
                f"(Shopify's export, not timed below: {time.perf_counter() - t1:.1f} s)"
            )
            url = warm.url
            assert url
            rows = []
            for rep in range(args.reps):
                b_json, n1 = bare_json(url, tmp)
                b_duck, n2 = bare_duckdb(url, tmp)
                db = tmp / f"rep{rep}.duckdb"
                t2 = time.perf_counter()
                marks: list[tuple[float, str]] = []
                result = extract_shopify(
                    replace(base, shopify=shop).with_database(db),
                    Secret(sim.token),
                    full=True,
                    progress=lambda what, marks=marks: marks.append(
                        (time.perf_counter(), what.split(" ")[0])
                    ),
                )
                ours = time.perf_counter() - t2
                ends = [t for t, _ in marks[1:]] + [t2 + ours]
                print(
                    "  phases: "
                    + ", ".join(f"{w} {e - t:.1f} s" for (t, w), e in zip(marks, ends, strict=True))
                )
                assert result.load is not None and result.load.rows_loaded == n1 == n2
                rows.append((b_json, b_duck, ours))
                print(
                    f"rep {rep + 1}: bare download+json.loads {b_json:.1f} s, bare download+DuckDB "
                    f"parse {b_duck:.1f} s, extract_shopify {ours:.1f} s -> {ours / b_json:.2f}x / "
                    f"{ours / b_duck:.2f}x"
                )
                db.unlink()
    vs_json = sorted(o / b for b, _, o in rows)
    vs_duck = sorted(o / d for _, d, o in rows)
    best = min(o for _, _, o in rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.reps} rep(s), {n1:,} orders: extract_shopify best {best:.1f} s ({n1 / best:,.0f} orders/s); "
        f"per rep vs bare download+json.loads {', '.join(f'{r:.2f}x' for r in vs_json)} (target <= 1.3x), "
        f"vs bare download+DuckDB parse {', '.join(f'{r:.2f}x' for r in vs_duck)}; "
        f"peak RSS of the process (simulator included) {peak:,.0f} MB"
    )


if __name__ == "__main__":
    main()
