"""KPIs for a date range, read from the marts: the numbers behind ``lrreport metrics``.

One row per group (message type, day or sender code) and a ``total`` row computed from the
detail, so distinct recipients, percentiles and rates are right for the whole range.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from lrreport.config import Settings
from lrreport.sqlfiles import read_sql

GROUPINGS = ("message_type", "day", "sender_code")
COLUMNS = (
    "group",
    "attempts",
    "accepted",
    "acceptance_rate",
    "unique_recipients",
    "segments",
    "multi_segment_sends",
    "ucs2_sends",
    "link_orders",
    "link_revenue",
    "post_send_orders",
    "post_send_revenue",
    "attributed_revenue",
    "revenue_per_accepted_send",
    "optouts_24h",
    "optout_rate",
    "latency_p50_s",
    "latency_p90_s",
    "coverage",
)
COUNT_COLUMNS = (
    "attempts",
    "accepted",
    "unique_recipients",
    "segments",
    "multi_segment_sends",
    "ucs2_sends",
    "link_orders",
    "post_send_orders",
    "optouts_24h",
)
MONEY_COLUMNS = ("link_revenue", "post_send_revenue", "attributed_revenue")


class MetricsError(Exception):
    """Bad arguments (dates, grouping) or marts that have not been built."""


def kpis(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    start: date,
    end: date,
    by: str | None = None,
    sender_code_id: int | None = None,
) -> pd.DataFrame:
    """The KPI table for ``start``..``end`` inclusive (business dates), grouped ``by`` if given.

    Columns are exactly ``COLUMNS``; the last row's group is ``total``.
    """
    if by is not None and by not in GROUPINGS:
        raise MetricsError(f"--by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    if end < start:
        raise MetricsError(f"the end date {end} is before the start date {start}")
    built = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts'"
    ).fetchone()[0]
    if not built:
        raise MetricsError("the marts are not built yet: run `lrreport build` first")
    params: dict[str, Any] = {"start": start, "end": end, "by": by, "sender_code_id": sender_code_id}
    frame = con.execute(read_sql("metrics/kpis"), params).df()
    for column in COUNT_COLUMNS:
        frame[column] = frame[column].astype("int64")
    for column in MONEY_COLUMNS:
        frame[column] = frame[column].astype("float64").round(2)
    return frame[list(COLUMNS)].reset_index(drop=True)


def _clean(value: Any) -> Any:
    """A JSON-ready scalar: NaN / missing become None, numpy numbers plain Python numbers."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The KPI table as a list of plain dicts (rates as fractions, money as numbers, null for n/a)."""
    columns = list(frame.columns)
    return [{c: _clean(v) for c, v in zip(columns, row, strict=True)} for row in frame.itertuples(False)]


def to_json(frame: pd.DataFrame) -> str:
    """The KPI table as a JSON list of objects."""
    return json.dumps(to_records(frame), indent=2)
