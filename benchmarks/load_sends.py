"""Benchmark ``lrreport load sends`` against DuckDB's bare read and a pandas row-by-row baseline.

Generates send logs (CSV, JSONL, Parquet), then, each in a fresh
subprocess and a fresh DuckDB file:

* lrreport's full load (validation, phone normalisation, dedupe, rejects, one transaction);
* the floor: ``CREATE TABLE t AS SELECT * FROM read_csv(...)`` (read_json / read_parquet for the
  other formats) of the same file, into a DuckDB file;
* a baseline: ``pandas.read_csv`` and one ``INSERT`` per row into raw.sends, timed on a sample and
  extrapolated per row (labelled as such).

Prints wall time, rows/s, CPU seconds and peak RSS of each loading process, and the ratios.
Send logs: by default (``--phones distinct``) every send goes to its own valid US number, written
``+1XXXXXXXXXX``, ``1XXXXXXXXXX`` or ``(XXX) XXX-XXXX`` (``generate_distinct``, written by DuckDB);
``--phones sim`` uses the simulator's merchant instead, whose phones repeat (~42k numbers per 1M).

Usage: ``python benchmarks/load_sends.py [--rows 1000000] [--big] [--formats csv,jsonl,parquet]
[--phones distinct|sim]``.
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

from peak_memory import peak_rss_mb  # beside this script

ROOT = Path(__file__).resolve().parent.parent
READERS = {"csv": "read_csv", "jsonl": "read_json", "parquet": "read_parquet"}


def _usage() -> dict[str, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mb": peak_rss_mb()}


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
    from lrreport.sms import count_segments
    from lrreport.warehouse.db import connect

    con = connect(load_settings().with_database(db), create=True)
    t0 = time.perf_counter()
    frame = pd.read_csv(path, nrows=sample, dtype=str, keep_default_na=False)
    insert = (
        "INSERT INTO raw.sends (send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id, "
        "phone_number, phone_raw, message_content, http_status, resource_id, error_code, order_id, "
        "characters, encoding, segment_units, segments, has_link, _load_id, _loaded_at, _source_file) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench', now(), ?)"
    )
    for row in frame.itertuples(index=False):
        sms = count_segments(row.message_content)
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
                sms.characters,
                sms.encoding,
                sms.units,
                sms.segments,
                sms.has_link,
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


def generate(rows: int, fmt: str, workdir: Path, phones: str = "distinct") -> tuple[Path, int]:
    """A send log of about ``rows`` rows in ``fmt`` (cached in ``workdir``).

    ``phones="distinct"``: every send to its own valid US number (``generate_distinct``);
    ``phones="sim"``: the simulator's merchant (``write_merchant_files``), whose phones repeat.
    """
    if phones == "distinct":
        return generate_distinct(rows, fmt, workdir)
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


def valid_prefixes(needed: int, seed: int = 20261201) -> list[int]:
    """At least ``needed`` seven-digit US prefixes (NPA, NXX, first line digit) phonenumbers accepts.

    Random area codes and exchanges; a prefix counts only when phonenumbers accepts both the lowest
    and the highest number under it, and an exchange only when all ten of its prefixes do (so every
    number written is valid whatever its last three digits).
    """
    import random

    import phonenumbers

    rng = random.Random(seed)
    seen: set[int] = set()
    out: list[int] = []
    while len(out) < needed:
        npa, nxx = rng.randint(201, 989), rng.randint(200, 999)
        if (npa, nxx) in seen:
            continue
        seen.add((npa, nxx))
        block = [npa * 10_000 + nxx * 10 + d for d in range(10)]
        numbers = (
            phonenumbers.PhoneNumber(country_code=1, national_number=p * 1000 + t)
            for p in block
            for t in (0, 999)
        )
        if all(phonenumbers.is_valid_number(n) for n in numbers):
            out += block
    return sorted(out)


# The send log of generate_distinct, one row per i in range(rows): every send to another valid US
# number (k = i * 1000003 mod M, a permutation of 0..M-1, picks prefix k // 1000 and line k % 1000),
# written +1XXXXXXXXXX, 1XXXXXXXXXX or (XXX) XXX-XXXX; eight message templates (links, an emoji,
# GSM-7 extension characters, multi-segment); 2% failed; a quarter without order_id.
DISTINCT_SENDS_SQL = """
WITH base AS (
    SELECT i, (i * 1000003) % getvariable('m') AS k, md5(CAST(i AS VARCHAR)) AS h, 1000000 + i AS o
    FROM range(getvariable('rows')) AS r(i)
),
numbered AS (
    SELECT b.*, CAST(p.p * 1000 + b.k % 1000 AS VARCHAR) AS nsn,
           ['Ava', 'Ben', 'Chloé', 'Dmitri', 'Emma', 'Luis', 'Noah', 'Zoë'][1 + i % 8] AS name
    FROM base AS b JOIN prefixes AS p ON p.idx = b.k // 1000
)
SELECT 'snd_' || substr(h, 1, 16) AS send_id,
       strftime(TIMESTAMP '2026-10-01' + to_milliseconds(i * 250), '%Y-%m-%dT%H:%M:%S.%gZ') AS sent_at,
       1001 + i % 2 AS sender_code_id,
       2101 + i % 2 AS phone_list_id,
       5001 + i % 8 AS transactional_message_id,
       CASE i % 3 WHEN 0 THEN '+1' || nsn WHEN 1 THEN '1' || nsn
            ELSE '(' || nsn[1:3] || ') ' || nsn[4:6] || '-' || nsn[7:10] END AS phone_number,
       CASE i % 8
           WHEN 0 THEN 'Acme Outfitters: Thanks, ' || name || '! Your order #LR' || o
               || ' is confirmed. We will text you when it ships. Reply STOP to opt out.'
           WHEN 1 THEN 'Acme Outfitters: Good news, order #LR' || o || ' has shipped! Track it: '
               || 'https://www.ups.com/track?tracknum=1Z' || upper(substr(h, 17, 16))
           WHEN 2 THEN 'Acme Outfitters: Your order #LR' || o || ' was delivered today. If you do not '
               || 'see it, check around your door or with neighbors, then tell us at '
               || 'https://www.acme-outfitters.example/help/missing-package within 48 hours and we will '
               || 'make it right. Reply STOP to opt out.'
           WHEN 3 THEN name || ', your Acme package for order #LR' || o
               || ' is out for delivery 🚚 and should arrive by end of day.'
           WHEN 4 THEN 'Acme: You earned ' || (i % 500) || ' points [Gold] on order #LR' || o
               || '! Redeem {10% off} at checkout ~ details: https://acme.example/points'
           WHEN 5 THEN 'Acme: A payment of $' || (i % 300) || '.00 for order #LR' || o
               || ' is due on Nov ' || (1 + i % 28) || '. Pay now: https://pay.acme.example/i/'
               || substr(h, 1, 12)
           WHEN 6 THEN 'Acme: Your pick-up order #LR' || o || ' is ready at our Main St store. '
               || 'Bring your ID and this text.'
           ELSE 'Acme: Welcome back, ' || name || '! Your membership renews on Dec ' || (1 + i % 28)
               || ' and your €25 reward is waiting.'
       END AS message_content,
       CAST(CASE WHEN i % 50 = 7 THEN 400 ELSE 201 END AS SMALLINT) AS http_status,
       CASE WHEN i % 50 <> 7 THEN substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4)
            || '-' || substr(h, 17, 4) || '-' || substr(h, 21, 12) END AS resource_id,
       CASE WHEN i % 50 = 7 THEN 'ERROR_PHONE_NUMBER_SUSPENDED' END AS error_code,
       CASE WHEN i % 4 <> 0 THEN 'LR' || o END AS order_id
FROM numbered
ORDER BY i
"""


def generate_distinct(rows: int, fmt: str, workdir: Path) -> tuple[Path, int]:
    """``rows`` sends, each to a distinct valid US number in one of three spellings, in ``fmt``.

    Written by DuckDB (10M rows in well under a minute); cached in ``workdir``.
    """
    import duckdb

    out = workdir / f"distinct-{rows}-{fmt}"
    path = out / f"sends.{fmt}"
    done = out / "done.json"
    if done.exists():
        return path, json.loads(done.read_text())["rows"]
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    prefixes = valid_prefixes(-(-rows // 1000))
    assert len(prefixes) * 1000 % 1000003, "the multiplier must be coprime with the number count"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    con.execute(
        "CREATE TABLE prefixes AS SELECT unnest(range(len($p))) AS idx, unnest($p::BIGINT[]) AS p",
        {"p": prefixes},
    )
    con.execute("SET VARIABLE m = ?", [len(prefixes) * 1000])
    con.execute("SET VARIABLE rows = ?", [rows])
    options = {"csv": "FORMAT CSV, HEADER", "jsonl": "FORMAT JSON", "parquet": "FORMAT PARQUET"}[fmt]
    con.execute(f"COPY ({DISTINCT_SENDS_SQL}) TO '{path}' ({options})")  # noqa: S608 (fixed text)
    con.close()
    took = time.perf_counter() - t0
    print(f"  generated {rows:,} sends (distinct phones) as {fmt} in {took:.1f}s", flush=True)
    done.write_text(json.dumps({"sends": str(path), "rows": rows}))
    return path, rows


def run(
    rows: int, formats: list[str], workdir: Path, repeat: int, sample: int, phones: str = "distinct"
) -> list[dict[str, Any]]:
    """Measure every format at one size; returns one dict of figures per format."""
    results = []
    pandas_row_s: float | None = None
    for fmt in formats:
        path, n = generate(rows, fmt, workdir, phones)
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
            "phones": phones,
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
    parser.add_argument(
        "--phones",
        choices=("distinct", "sim"),
        default="distinct",
        help="distinct: every send to its own valid US number (default); sim: the simulator's merchant",
    )
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
    print(f"lrreport load sends benchmark ({os.cpu_count()} CPUs), phones: {args.phones}, files in {workdir}")
    print("x floor: lrreport's full load / DuckDB's bare CREATE TABLE AS SELECT * FROM read_<fmt>(file);")
    print(f"pandas s*: pandas.read_csv + one INSERT per row, timed on {args.pandas_sample:,} rows and")
    print("extrapolated per row (an estimate, not a full run); speedup = pandas s* / load s")
    print(HEADER)
    all_results = []
    try:
        for rows in sizes:
            all_results += run(rows, formats, workdir, args.repeat, args.pandas_sample, args.phones)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(all_results, indent=2))


if __name__ == "__main__":
    main()
