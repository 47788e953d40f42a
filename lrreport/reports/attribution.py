"""Attribution under other click / view windows, side by side, for the attribution notebook."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from lrreport.reports import data

if TYPE_CHECKING:  # pragma: no cover
    from lrreport.config import Settings
    from lrreport.reports.context import ReportContext


def window_label(click_days: int, view_hours: int) -> str:
    """``30 d click / 24 h view``."""
    return f"{click_days} d click / {view_hours} h view"


def attribution_with_windows(
    con: duckdb.DuckDBPyConnection, settings: Settings, click_window_days: int, view_window_hours: int
) -> pd.DataFrame:
    """The rows ``marts.fct_order_attribution`` would hold (credited, outside the click window,
    unmapped) under other windows: the models' attribution rules (macros/attribution.sql), compiled
    by the last build."""
    from lrreport.warehouse.build import what_if_sql

    if click_window_days < 0 or view_window_hours < 0:
        raise ValueError("attribution windows must not be negative")
    params = {"click_window_hours": int(click_window_days) * 24, "view_window_hours": int(view_window_hours)}
    return con.execute(f"SELECT * FROM (\n{what_if_sql(settings)}\n) ORDER BY order_id", params).df()


def compare_windows(ctx: ReportContext, windows: Sequence[Sequence[int]]) -> pd.DataFrame:
    """Link and post-send orders and revenue of the period under each ``[click_days, view_hours]`` pair,
    and the tagged orders left outside its click window.

    Each window runs the models' own attribution rules, so the numbers match what ``lrreport build``
    would give with those settings; the configured window is marked.
    """
    configured = (ctx.settings.attribution.click_window_days, ctx.settings.attribution.view_window_hours)
    rows = []
    for pair in windows:
        if len(pair) != 2:
            raise ValueError(f"window {pair!r}: expected [click window in days, view window in hours]")
        click, view = int(pair[0]), int(pair[1])
        frame = attribution_with_windows(ctx.con, ctx.settings, click, view)
        ctx.con.register("windowed", frame)
        try:
            sums = data.query(ctx.con, "reports/windowed_revenue", **ctx.params()).set_index("rule")
        finally:
            ctx.con.unregister("windowed")
        label = window_label(click, view) + (" (configured)" if (click, view) == configured else "")
        rows.append({
            "window": label,
            "link_orders": int(sums["orders"].get("link", 0)),
            "link_revenue": float(sums["net_revenue"].get("link", 0.0)),
            "post_send_orders": int(sums["orders"].get("post_send", 0)),
            "post_send_revenue": float(sums["net_revenue"].get("post_send", 0.0)),
            "outside_click_window_orders": int(sums["orders"].get("outside_click_window", 0)),
        })
    out = pd.DataFrame(rows, columns=["window", "link_orders", "link_revenue", "post_send_orders",
                                      "post_send_revenue", "outside_click_window_orders"])
    out["attributed_revenue"] = out["link_revenue"] + out["post_send_revenue"]
    return out
