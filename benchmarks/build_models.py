"""Benchmark ``lrreport build`` on 1M and 10M sends with proportional orders: seconds and peak memory.

Data: GEN's ``write_merchant_files`` (send log and orders as parquet) loaded with LOAD's
``load_files``; the merchant's Listrak dimensions (shells, lists, contacts, opt-outs) are inserted
straight into the raw tables (no HTTP extraction: it is not what is measured). Prepared warehouses
are kept under ``benchmarks/.data/`` and reused.

Each build runs in a fresh subprocess (models, then the data tests), so peak RSS is that of the
build alone. Baseline measured in the same run: copying ``raw.sends`` once into a new table
(``CREATE TABLE AS SELECT *``), the least any model over the sends must do. Target: under 30 s
and 4 GB at 10M sends, build time growing no faster than the data.

    .venv/bin/python benchmarks/build_models.py                # 1M
    .venv/bin/python benchmarks/build_models.py --sizes 1000000 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / ".data"
sys.path.insert(0, str(ROOT))

from lrreport.config import Settings, WarehouseSettings  # noqa: E402

END_DATE = date(2024, 6, 30)
MAX_CONTACTS = 2_000_000

CHILD = """
import json, sys, time
from benchmarks.peak_memory import peak_rss_mb
from lrreport.config import Settings, WarehouseSettings
from lrreport.warehouse.build import build
settings = Settings(warehouse=WarehouseSettings(database=sys.argv[1], memory_limit=sys.argv[2]))
mode = sys.argv[3]
new = json.loads(sys.argv[4])
started = time.perf_counter()
result = build(settings, full_refresh=(mode == "full"), run_tests=(mode != "increment-models"),
               show_progress=False)
total = time.perf_counter() - started
slowest = sorted(((n.name, n.seconds) for n in result.models), key=lambda kv: -kv[1])[:5]
print(json.dumps({"models_s": sum(n.seconds for n in result.models), "total_s": total,
                  "startup_s": result.startup_s, "tests_ok": result.ok, "new_sends": new,
                  "tests_s": sum(n.seconds for n in result.tests), "publish_s": result.publish_s,
                  "failed": [n.name for n in result.failed], "slowest": slowest,
                  "fct_sends": result.rows.get("fct_sends"), "peak_rss_gb": peak_rss_mb() / 1024}))
"""


def _spec(sends: int):  # noqa: ANN202
    from lrreport.sim.generator import MerchantSpec

    # The demo merchant has ~52k sends for 30k contacts: keep that ratio, at least 30k contacts,
    # at most 2M: the simulator draws distinct numbers from ~5.5M valid US ones (and a quarter
    # more for marketing-only contacts), so 10M sends at the demo ratio (5.8M contacts) cannot
    # be generated. 1M sends keep the demo ratio (577k contacts); 10M sends get 2M contacts.
    contacts = min(max(30_000, sends * 30 // 52), MAX_CONTACTS)
    return MerchantSpec(seed=7, end_date=END_DATE, days=60, sends=sends, contacts=contacts)


def _insert(con, table: str, frame: pd.DataFrame) -> None:  # noqa: ANN001
    con.register("bench_rows", frame)
    con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM bench_rows")
    con.unregister("bench_rows")


def _dimensions(con, spec) -> None:  # noqa: ANN001, ANN202
    """The merchant's Listrak side, written as the extractor would (no '+' on phones is fine)."""
    from lrreport.sim.generator import generate_merchant

    merchant = generate_merchant(spec)
    meta = {"_load_id": "bench", "_loaded_at": pd.Timestamp("2024-07-01", tz="UTC"), "_source_file": "bench"}
    shells = [
        {"short_code_id": sc, "phone_list_id": pl, "transactional_message_id": s["transactionalMessageId"],
         "transactional_message_name": s["transactionalMessageName"],
         "transactional_message_status": s["transactionalMessageStatus"], **meta}
        for (sc, pl), items in merchant.shells.items() for s in items
    ]
    lists = [
        {"short_code_id": sc, "phone_list_id": p["phoneListId"], "phone_list_name": p["phoneListName"],
         "status": p["status"], "sms_list_type": p["smsListType"], **meta}
        for sc, items in merchant.phone_lists.items() for p in items
    ]
    contacts = merchant.contacts[["short_code_id", "phone_list_id", "phone_number", "opted_out"]].copy()
    contacts["subscribe_date"] = merchant.contacts["subscribe_date"].dt.date
    optouts = merchant.optouts.copy()
    for frame in (contacts, optouts):
        for key, value in meta.items():
            frame[key] = value
    _insert(con, "listrak_transactional_messages", pd.DataFrame(shells))
    _insert(con, "listrak_phone_lists", pd.DataFrame(lists))
    _insert(con, "listrak_contacts", contacts)
    _insert(con, "listrak_optouts", optouts)


def prepare(sends: int) -> Path:
    """A warehouse with ~``sends`` send rows loaded (reused when present)."""
    from lrreport.extract.loading import load_files
    from lrreport.sim.files import write_merchant_files
    from lrreport.warehouse.db import connect

    folder = DATA / f"build_{sends}"
    database = folder / "warehouse.duckdb"
    if database.exists():
        return database
    folder.mkdir(parents=True, exist_ok=True)
    spec = _spec(sends)
    started = time.perf_counter()
    files = write_merchant_files(spec, folder / "files", fmt="parquet", progress=False)
    print(f"  generated {files.send_rows:,} sends, {files.order_rows:,} orders in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    partial = folder / "partial.duckdb"
    partial.unlink(missing_ok=True)
    settings = Settings(warehouse=WarehouseSettings(database=str(partial)))
    started = time.perf_counter()
    for source, path in (("sends", files.sends), ("orders", files.orders)):
        result = load_files(settings, source, [str(path)])
        if not result.ok:
            raise SystemExit(f"loading {path} failed: {result.status}")
    con = connect(settings, create=True)
    _dimensions(con, spec)
    con.close()
    print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
    partial.rename(database)
    return database


def baseline(database: Path) -> float:
    """Seconds to copy raw.sends once into a new table (then dropped)."""
    import duckdb

    con = duckdb.connect(str(database))
    started = time.perf_counter()
    con.execute("CREATE OR REPLACE TABLE main.bench_copy AS SELECT * FROM raw.sends")
    seconds = time.perf_counter() - started
    con.execute("DROP TABLE main.bench_copy")
    con.execute("CHECKPOINT")
    con.close()
    return seconds


def add_day(database: Path, mode: str) -> int | None:
    """The sends a build in ``mode`` starts from (in this process, so the child's peak RSS is the
    build's): for a full refresh the history alone (the days an earlier run added go); for an
    increment a day's new sends, 3% of the history (300k on 10M, as the target says): copies of its
    latest sends a day later (the second increment: two days later), under new ids and a load of
    their own, phones unchanged. Nothing else is deleted, as in a real day. Returns the new sends."""
    import duckdb

    con = duckdb.connect(str(database))
    try:
        if mode == "full":
            con.execute("DELETE FROM raw.sends WHERE _load_id LIKE 'bench-day%'")
            return None
        after = 1 if mode == "increment" else 2
        history = "FROM raw.sends WHERE _load_id NOT LIKE 'bench-day%'"
        day = con.execute(f"SELECT count(*) * 3 // 100 {history}").fetchone()[0]
        con.execute(f"""INSERT INTO raw.sends SELECT * REPLACE ('day{after}-' || send_id AS send_id,
            sent_at + INTERVAL {after} DAY AS sent_at, 'bench-day-{mode}' AS _load_id)
            FROM (SELECT * {history} ORDER BY sent_at DESC, send_id LIMIT ?)""", [day])
        count = f"SELECT count(*) FROM raw.sends WHERE _load_id = 'bench-day-{mode}'"
        return con.execute(count).fetchone()[0]
    finally:
        con.close()


def measure(database: Path, memory_limit: str, mode: str = "full") -> dict:
    """Build in a child process (mode full, or increment: a day's new sends first, add_day); wall
    time, peak RSS."""
    new = add_day(database, mode)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(database), memory_limit, mode, json.dumps(new)],
        stdout=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out = child.stdout.read() if child.stdout else b""
    _, status, _ = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"build failed on {database}")
    figures = json.loads(out.decode().strip().splitlines()[-1])
    figures["wall_s"] = wall  # (the child's peak memory is its own VmHWM: benchmarks/peak_memory.py)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--memory-limit", default="3GB", help="warehouse.memory_limit for the build")
    args = parser.parse_args()
    rows = []
    for sends in args.sizes:
        print(f"{sends:,} sends: preparing", flush=True)
        database = prepare(sends)
        base = baseline(database)
        figures = measure(database, args.memory_limit)
        rows.append({"sends": figures["fct_sends"], **figures, "baseline_s": base})
        print(f"  full refresh {figures['total_s']:.1f} s (dbt start-up {figures['startup_s']:.1f} s, "
              f"models {figures['models_s']:.1f} s, tests {figures['tests_s']:.1f} s, "
              f"snapshot {figures['publish_s']:.1f} s), peak RSS "
              f"{figures['peak_rss_gb']:.2f} GB, baseline copy {base:.1f} s, ratio "
              f"{figures['models_s'] / base:.1f}x, tests ok: {figures['tests_ok']}", flush=True)
        print(f"  slowest models: {', '.join(f'{n} {s:.1f} s' for n, s in figures['slowest'])}", flush=True)
        # the day's increment after a build that passed whole, as lrreport build runs it each day
        day = measure(database, args.memory_limit, "increment")
        print(f"  increment of {day['new_sends']:,} sends: build {day['total_s']:.1f} s (dbt start-up "
              f"{day['startup_s']:.1f} s, models {day['models_s']:.1f} s, tests {day['tests_s']:.1f} s, "
              f"snapshot {day['publish_s']:.1f} s), "
              f"peak RSS {day['peak_rss_gb']:.2f} GB, "
              f"tests ok: {day['tests_ok']}", flush=True)
        print(f"  slowest models: {', '.join(f'{n} {s:.1f} s' for n, s in day['slowest'])}", flush=True)
        # the same increment without the data tests (--no-test)
        models_only = measure(database, args.memory_limit, "increment-models")
        print(f"  increment of {models_only['new_sends']:,} sends, models only (--no-test): build "
              f"{models_only['total_s']:.1f} s (dbt start-up {models_only['startup_s']:.1f} s, models "
              f"{models_only['models_s']:.1f} s, snapshot {models_only['publish_s']:.1f} s)", flush=True)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth_data = last["sends"] / first["sends"]
        growth_time = last["total_s"] / first["total_s"]
        verdict = "no faster than the data" if growth_time <= growth_data * 1.1 else "FASTER than the data"
        print(f"data x{growth_data:.1f}, build time x{growth_time:.1f} ({verdict})")
    targets = [r for r in rows if r["sends"] >= 9_000_000]
    for r in targets:
        ok = r["total_s"] < 30 and r["peak_rss_gb"] < 4
        figures = f"{r['total_s']:.1f} s, {r['peak_rss_gb']:.2f} GB"
        print(f"target at {r['sends']:,}: {'met' if ok else 'missed'} ({figures})")


if __name__ == "__main__":
    main()
