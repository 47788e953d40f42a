"""The attribution report's windows side by side differ when orders came days after their send
and nothing dates the click but the send (issue 11, item 2): through `lrreport report run` and the
exported HTML. (With Shopify's visit times, the demo's clicks lie minutes before their orders, so
every window credits them alike: the golden tests hold the visit-time side of the rule.)"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb

from .conftest import run_cli
from .html_tables import money, table_with


def test_click_windows_show_real_differences(demo_warehouse_copy, tmp_path: Path) -> None:  # noqa: ANN001
    demo = demo_warehouse_copy
    end = demo.spec.end_date
    start = end - timedelta(days=demo.spec.days - 1)
    # orders as an export without visit times gives them (the file loader's case): the matched send
    # dates each click
    con = duckdb.connect(str(demo.database))
    con.execute("UPDATE raw.orders SET visited_at = NULL")
    con.close()
    # (a full refresh: an edit in place is no new load, so an increment would not look at it)
    code, out, err = run_cli("build", "--full-refresh", "--database", str(demo.database))
    assert code == 0, out + err
    con = duckdb.connect(str(demo.database), read_only=True)
    # Link orders of the period placed a day or more after the send they are credited to (30-day
    # window): under a 1-day click window these are no longer link-credited.
    late = con.execute(
        "SELECT count(*) FROM marts.fct_order_attribution "
        "WHERE rule = 'link' AND seconds_after_send >= 86400 AND order_date BETWEEN ? AND ?",
        [start, end],
    ).fetchone()[0]
    con.close()
    assert late > 0, "the demo data has no link order more than a day after its send"

    output = tmp_path / "reports"
    code, out, err = run_cli(
        "report", "run", "attribution", "--database", str(demo.database), "--output", str(output),
        "-p", f"start_date={start.isoformat()}", "-p", f"end_date={end.isoformat()}",
        "-p", f"windows={json.dumps([[1, 24], [30, 24]])}",
    )  # fmt: skip
    assert code == 0, out + err
    (page,) = output.glob("attribution/2*/attribution.html")
    windows = table_with(page.read_text(encoding="utf-8"), "outside click window orders")
    rows = {r["window"]: r for r in windows}
    one, thirty = rows["1 d click / 24 h view"], rows["30 d click / 24 h view (configured)"]
    # Every late link order leaves the link credit under 1 day: it is post-send (a send in the 24 h
    # before it) or outside the click window; fewer link orders and less link revenue.
    assert int(one["link orders"]) < int(thirty["link orders"])
    assert money(one["link revenue"]) < money(thirty["link revenue"])
    moved = int(thirty["link orders"]) - int(one["link orders"])
    assert moved == late
    to_post_send = int(one["post send orders"]) - int(thirty["post send orders"])
    assert int(one["outside click window orders"]) + to_post_send == late
    assert int(thirty["outside click window orders"]) == 0
