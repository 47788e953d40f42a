"""Benchmark the simulator's contact route on a large list: index paging vs a per-request filter.

Builds a merchant with ``--contacts`` (default 200k) contacts, then measures, in the same run:
the index build; answering one filtered 5000-contact page from the sorted index (what the server
does) against the baseline of filtering and sorting the contacts DataFrame on every request; and
full pages over HTTP (token, JSON, loopback). Prints seconds, rows/s and the ratio to the baseline.

    .venv/bin/python benchmarks/sim_server.py [--contacts 200000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lrreport.sim.generator import MerchantSpec, generate_merchant  # noqa: E402
from lrreport.sim.index import MerchantIndex  # noqa: E402
from lrreport.sim.routes import ApiRequest, ListrakApi  # noqa: E402
from lrreport.sim.server import run_simulator  # noqa: E402


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=200_000)
    args = parser.parse_args()
    merchant = generate_merchant(MerchantSpec(contacts=args.contacts, days=7, orders_per_day=40))
    rows = len(merchant.contacts)
    print(f"merchant: {rows:,} list memberships, {len(merchant.optouts):,} opt-outs")

    build = best_of(1, lambda: MerchantIndex(merchant))
    index = MerchantIndex(merchant)
    api = ListrakApi(index)
    sc = merchant.sender_codes[0]["shortCodeId"]
    pl = merchant.phone_lists[sc][0]["phoneListId"]
    start, end = "2024-01-01", "2030-01-01"
    query = {"count": "5000", "startsubscribedate": start, "endsubscribedate": end}

    def indexed() -> None:
        api.list_contacts(ApiRequest("GET", "/", query), str(sc), str(pl))

    contacts = merchant.contacts

    def baseline() -> None:  # what a naive server would do on every request
        c = contacts[
            (contacts.short_code_id == sc)
            & (contacts.phone_list_id == pl)
            & ~contacts.opted_out
            & (contacts.subscribe_date >= pd.Timestamp(start))
            & (contacts.subscribe_date < pd.Timestamp(end) + pd.Timedelta(days=1))
        ]
        c.sort_values(["subscribe_date", "phone_number"]).head(5000).to_dict("records")

    t_index, t_base = best_of(5, indexed), best_of(5, baseline)
    print(f"index build: {build:.2f} s ({rows / build:,.0f} rows/s)")
    print(
        f"one filtered 5000-row page: index {t_index * 1000:.1f} ms, per-request pandas filter "
        f"{t_base * 1000:.1f} ms, ratio {t_base / t_index:.1f}x"
    )

    with run_simulator(merchant) as sim:
        token = httpx.post(
            sim.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": sim.client_id,
                "client_secret": sim.client_secret,
            },
        ).json()["access_token"]
        with httpx.Client(
            base_url=sim.api_base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            started = time.perf_counter()
            cursor, total, pages = "Start", 0, 0
            while cursor:
                body = client.get(
                    f"/ShortCode/{sc}/PhoneList/{pl}/Contact", params={"count": 5000, "cursor": cursor}
                ).json()
                total += len(body["data"])
                pages += 1
                cursor = body["nextPageCursor"]
            elapsed = time.perf_counter() - started
    print(
        f"HTTP, whole list: {total:,} contacts in {pages} pages, {elapsed:.2f} s "
        f"({total / elapsed:,.0f} rows/s)"
    )


if __name__ == "__main__":
    main()
