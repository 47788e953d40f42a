"""No simulated event lies after the simulator's clock, even when the history ends today."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from lrreport.sim.files import write_merchant_files
from lrreport.sim.generator import MerchantSpec, build_story

# The history's last day has only begun: at 09:30 UTC most of 2025-03-31 is still to come.
NOW = datetime(2025, 3, 31, 9, 30, tzinfo=UTC)
SPEC = MerchantSpec(seed=11, end_date=date(2025, 3, 31), days=10, contacts=3_000, orders_per_day=160, now=NOW)


def _latest(values: pd.Series) -> pd.Timestamp:
    return pd.to_datetime(values.dropna()).max()


def test_the_merchant_served_has_nothing_after_now() -> None:
    merchant = build_story(SPEC).merchant
    naive_now = pd.Timestamp(NOW.replace(tzinfo=None))  # Listrak's dates carry no offset (UTC here)
    assert _latest(merchant.optouts["opt_out_date"]) < naive_now
    for column in ("subscribe_date", "unsubscribe_date", "pending_date"):
        assert _latest(merchant.contacts[column]) < naive_now, column


def test_the_files_have_nothing_after_now(tmp_path: Path) -> None:
    files = write_merchant_files(SPEC, tmp_path, fmt="csv")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    latest_send = con.execute(f"SELECT max(sent_at) FROM read_csv('{files.sends}')").fetchone()[0]
    latest_order = con.execute(
        "SELECT greatest(max(ordered_at), max(shipped_at), max(delivered_at)) "
        f"FROM read_csv('{files.orders}')"
    ).fetchone()[0]
    con.close()
    assert latest_send < NOW and latest_order < NOW
    assert latest_send >= datetime(2025, 3, 31, tzinfo=UTC)  # this morning's sends are in


def test_a_history_that_ended_before_now_is_the_same_whatever_the_clock() -> None:
    past = replace(SPEC, now=datetime(2025, 4, 2, tzinfo=UTC))
    later = replace(SPEC, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert build_story(past).merchant.optouts.equals(build_story(later).merchant.optouts)
