"""The notebooks' queries: run ``queries/reports/*.sql`` against the marts with named parameters."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import duckdb
import pandas as pd

from lrreport._exceptions import LrreportError
from lrreport.sqlfiles import read_sql

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


class ReportDataError(LrreportError):
    """The warehouse cannot answer a report query (marts not built, a column missing ...)."""


def parameters_of(sql: str) -> set[str]:
    """Names of the ``$name`` parameters a query uses (comments ignored)."""
    return set(_PARAM.findall(_COMMENT.sub("", sql)))


def query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run ``queries/<name>.sql`` (e.g. ``"reports/daily_volume"``) with the parameters it uses.

    Parameters the query does not mention are ignored, so notebooks can pass one common set; a
    parameter it needs and was not given is an error that names it.
    """
    sql = read_sql(name)
    wanted = parameters_of(sql)
    missing = sorted(wanted - set(params))
    if missing:
        raise ReportDataError(f"query {name}.sql needs parameter(s) {', '.join(missing)}")
    try:
        return con.execute(sql, {k: params[k] for k in wanted}).df()
    except duckdb.CatalogException as exc:
        raise ReportDataError(
            f"query {name}.sql: {exc}. Are the marts built? Run `lrreport build` on this warehouse."
        ) from None
    except duckdb.Error as exc:
        raise ReportDataError(f"query {name}.sql failed: {exc}") from None


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of equal length that ends the day before ``start``."""
    days = (end - start).days + 1
    prev_end = start - dt.timedelta(days=1)
    return prev_end - dt.timedelta(days=days - 1), prev_end


def kpi_totals(
    con: duckdb.DuckDBPyConnection,
    settings: Any,
    start: dt.date,
    end: dt.date,
    sender_code_id: int | None = None,
) -> dict[str, Any]:
    """The ``total`` row of ``lrreport.warehouse.metrics.kpis`` for the period, as a dict."""
    from lrreport.warehouse.metrics import kpis

    frame = kpis(con, settings, start, end, by=None, sender_code_id=sender_code_id)
    total = frame[frame["group"] == "total"] if "group" in frame else frame
    if total.empty:
        return {}
    row = total.iloc[0].to_dict()
    return {k: (None if v is None or (not isinstance(v, str) and pd.isna(v)) else v) for k, v in row.items()}
