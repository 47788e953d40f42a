"""Benchmark: extract ~200k contacts and ~50k opt-outs from the simulator with ``extract_listrak``
and compare with a bare httpx loop that only fetches (and JSON-decodes) the same pages, in the same
run. Prints rows/s and the ratio (target: at most 1.3x the bare loop).

    .venv/bin/python benchmarks/extract_listrak.py [--contacts 200000] [--optouts 50000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

from lrreport.config import Credentials, Secret, load_settings
from lrreport.extract.listrak import extract_listrak
from lrreport.sim.generator import MerchantSpec, generate_merchant
from lrreport.sim.server import run_simulator

END = date(2024, 6, 30)


def build_merchant(contacts: int, optouts: int):
    """A generated merchant scaled so that all its lists together hold about ``contacts`` contacts,
    with opt-outs topped up (or trimmed) to ``optouts``."""
    probe = generate_merchant(MerchantSpec(seed=1, end_date=END, days=2, contacts=10_000, orders_per_day=5))
    per_tx = max(100, int(10_000 * contacts / len(probe.contacts)))
    m = generate_merchant(MerchantSpec(seed=1, end_date=END, days=2, contacts=per_tx, orders_per_day=5))
    o = m.optouts
    if len(o) < optouts:
        rng = np.random.default_rng(1)
        n = optouts - len(o)
        sc = int(m.sender_codes[0]["shortCodeId"])
        start = pd.Timestamp(END) - pd.Timedelta(days=3 * 365)
        extra = pd.DataFrame({
            "short_code_id": sc,
            "phone_number": [str(x) for x in rng.integers(12_000_000_000, 19_999_999_999, n)],
            "opt_out_date": start + pd.to_timedelta(rng.integers(0, 3 * 365 * 86_400, n), unit="s"),
            "opt_out_reason": rng.choice(["Campaign", "API", "Admin", "DeliveryFailure"], n),
        })
        o = pd.concat([o, extra], ignore_index=True)
    return replace(m, optouts=o.iloc[:optouts].reset_index(drop=True))


def bare_loop(sim, gets: list[tuple[str, dict[str, str]]]) -> tuple[float, int]:
    """Fetch the same pages with a plain httpx client, one after the other; returns (s, rows)."""
    t0 = time.perf_counter()
    token = httpx.post(sim.token_url, data={"grant_type": "client_credentials", "client_id": sim.client_id,
                                            "client_secret": sim.client_secret}).json()["access_token"]
    rows = 0
    origin = sim.api_base_url.split("/sms/v1")[0]
    with httpx.Client(base_url=origin, headers={"Authorization": f"Bearer {token}"}) as client:
        for path, query in gets:
            body = client.get(path, params=query).json()
            data = body.get("data")
            rows += len(data) if isinstance(data, list) else 1
    return time.perf_counter() - t0, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--optouts", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=2, help="alternate runs of each; the best counts")
    args = parser.parse_args()
    t = time.perf_counter()
    merchant = build_merchant(args.contacts, args.optouts)
    print(f"merchant: {len(merchant.contacts):,} contacts, {len(merchant.optouts):,} opt-outs "
          f"(built in {time.perf_counter() - t:.1f} s)")
    ours_runs, bare_runs = [], []
    with run_simulator(merchant) as sim, tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(env={"LISTRAK_TOKEN_URL": sim.token_url,
                                      "LISTRAK_API_BASE_URL": sim.api_base_url})
        creds = Credentials(sim.client_id, Secret(sim.client_secret))
        for i in range(args.rounds):  # alternate, so that a busy machine hurts both alike
            sim.clear_log()
            t0 = time.perf_counter()
            result = extract_listrak(settings.with_database(Path(tmp) / f"bench{i}.duckdb"), creds,
                                     until=END + timedelta(days=1))
            ours_runs.append(time.perf_counter() - t0)
            gets = [(r.path, r.query) for r in sim.requests if r.method == "GET" and "/sms/v1" in r.path]
            bare, bare_rows = bare_loop(sim, gets)
            bare_runs.append(bare)
            print(f"round {i + 1}: lrreport {ours_runs[-1]:.2f} s, bare {bare:.2f} s")
        rows = result.rows_in["raw.listrak_contacts"] + result.rows_in["raw.listrak_optouts"]
        ours, bare = min(ours_runs), min(bare_runs)
    print(f"HTTP calls: {len(gets):,} ({result.windows:,} windows, {result.batches} batches)")
    print(f"lrreport extract listrak: {ours:7.2f} s  {rows / ours:10,.0f} rows/s  "
          f"({rows:,} contact + opt-out rows written to DuckDB)")
    print(f"bare httpx loop         : {bare:7.2f} s  {bare_rows / bare:10,.0f} rows/s  "
          "(same pages, fetch + JSON decode only)")
    print(f"ratio lrreport / bare   : {ours / bare:5.2f}x  (target <= 1.3x)")


if __name__ == "__main__":
    main()
