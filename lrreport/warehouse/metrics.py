"""KPIs for a date range, read from the marts: the numbers behind ``lrreport metrics``.

One row per group (message type, day or sender code) and a ``total`` row computed from the
detail, so distinct recipients, percentiles and rates are right for the whole range. Every column
is a metric of the registry (queries/models/marts/_metrics.yml, read by metric_registry), which
also compiles the query: nothing here defines a metric.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from lrreport._exceptions import LrreportError
from lrreport.config import Settings
from lrreport.warehouse import metric_registry
from lrreport.warehouse.builds import IncompleteBuildError, require_complete_build

REGISTRY = metric_registry.load()
GROUPINGS = metric_registry.GROUPINGS
# The columns of the KPI table: ``group`` and the registry's KPIs in its order
# (queries/models/marts/_metrics.yml); their formats come from each metric's kind.
COLUMNS = ("group", *(m.name for m in REGISTRY.kpis))
COUNT_COLUMNS = tuple(m.name for m in REGISTRY.kpis if m.kind == "count")
MONEY_COLUMNS = tuple(m.name for m in REGISTRY.kpis if m.kind == "money")


class MetricsError(LrreportError):
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
    registry = metric_registry.load()
    if by is not None and by not in GROUPINGS:
        raise MetricsError(f"--by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    if end < start:
        raise MetricsError(f"the end date {end} is before the start date {start}")
    built = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts'"
    ).fetchone()[0]
    if not built:
        raise MetricsError("the marts are not built yet: run `lrreport build` first")
    try:
        require_complete_build(con, settings.database_path)
    except IncompleteBuildError as exc:
        raise MetricsError(str(exc)) from None
    params: dict[str, Any] = {"start": start, "end": end, "sender_code_id": sender_code_id}
    frame = con.execute(registry.kpi_sql(by), params).df()
    for metric in registry.kpis:
        if metric.kind == "count":
            # a count without fill_nulls_with is NULL where its source has no data (GA4 sessions)
            nullable = metric.type == "simple" and metric.fill_nulls_with is None
            frame[metric.name] = frame[metric.name].astype("Int64" if nullable else "int64")
        elif metric.kind == "money":
            frame[metric.name] = frame[metric.name].astype("float64").round(2)
        else:
            frame[metric.name] = frame[metric.name].astype("float64")
    return frame[["group", *(m.name for m in registry.kpis)]].reset_index(drop=True)


def kpi_sql(by: str | None = None) -> str:
    """The compiled KPI query for a grouping (what ``kpis`` runs; see metric_registry)."""
    return metric_registry.load().kpi_sql(by)


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
