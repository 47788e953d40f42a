"""The GA4 Data API's ``runReport`` over the simulated property, field for field as documented.

Request fields (RunReportRequest): ``property``, ``dimensions``, ``metrics``, ``dateRanges``,
``dimensionFilter``, ``metricFilter``, ``offset``, ``limit``, ``metricAggregations``,
``orderBys``, ``currencyCode``, ``cohortSpec``, ``keepEmptyRows``, ``returnPropertyQuota``,
``comparisons``. Unknown fields and names are refused the way Google refuses them (400
``INVALID_ARGUMENT``); ``metricFilter``, ``cohortSpec`` and ``comparisons`` are refused as not
simulated rather than ignored. The answer (RunReportResponse) has ``dimensionHeaders``,
``metricHeaders``, ``rows`` (every value a string), ``totals`` / ``maximums`` / ``minimums`` when
asked, ``rowCount`` (all rows, for paging), ``metadata``, ``propertyQuota`` when asked, ``kind``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from lrreport.sim.ga4_data import CURRENCY, DIMENSIONS, PROPERTY_TIME_ZONE

MAX_LIMIT = 250_000
DEFAULT_LIMIT = 10_000
METRIC_TYPES = {
    "sessions": "TYPE_INTEGER",
    "totalUsers": "TYPE_INTEGER",
    "engagedSessions": "TYPE_INTEGER",
    "transactions": "TYPE_INTEGER",
    "purchaseRevenue": "TYPE_CURRENCY",
}
REQUEST_FIELDS = frozenset(
    {
        "property",
        "dimensions",
        "metrics",
        "dateRanges",
        "dimensionFilter",
        "metricFilter",
        "offset",
        "limit",
        "metricAggregations",
        "orderBys",
        "currencyCode",
        "cohortSpec",
        "keepEmptyRows",
        "returnPropertyQuota",
        "comparisons",
    }
)
NOT_SIMULATED = ("metricFilter", "cohortSpec", "comparisons")
SCHEMA_URL = "https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema"
_N_DAYS_AGO = re.compile(r"^(\d+)daysAgo$")


class ReportError(Exception):
    """A request Google would refuse: HTTP status, gRPC status name and message."""

    def __init__(self, code: int, status: str, message: str) -> None:
        super().__init__(message)
        self.code, self.status, self.message = code, status, message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def _invalid(message: str) -> ReportError:
    return ReportError(400, "INVALID_ARGUMENT", message)


@dataclass(frozen=True)
class Report:
    """A run report: the response body and what it cost in quota tokens."""

    body: dict[str, Any]
    tokens: int


def parse_date(text: Any, today: date) -> date:
    """A dateRanges bound: ``YYYY-MM-DD``, ``today``, ``yesterday`` or ``NdaysAgo``."""
    value = str(text or "")
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    match = _N_DAYS_AGO.match(value)
    if match:
        return today - timedelta(days=int(match.group(1)))
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise _invalid(
            f"Invalid date '{value}'. A date must be YYYY-MM-DD, 'today', 'yesterday' or 'NdaysAgo'."
        ) from None


def _names(items: Any, key: str, allowed: tuple[str, ...] | dict[str, str], what: str) -> list[str]:
    if not isinstance(items, list):
        raise _invalid(f"Invalid value at '{key}': expected a list of {what} objects.")
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else None
        if name not in allowed:
            raise _invalid(
                f"Field {name} is not a valid {what}. For a list of valid {what}s, see {SCHEMA_URL}"
            )
        names.append(name)
    if len(set(names)) != len(names):
        raise _invalid(f"Duplicate {what} names are not allowed in a request.")
    return names


def _string_match(values: pd.Series, spec: dict[str, Any]) -> pd.Series:
    match_type = spec.get("matchType", "EXACT")
    target = str(spec.get("value", ""))
    sensitive = bool(spec.get("caseSensitive", False))
    text = values if sensitive else values.str.lower()
    if not sensitive and match_type not in ("FULL_REGEXP", "PARTIAL_REGEXP"):
        target = target.lower()
    if match_type in ("EXACT", "MATCH_TYPE_UNSPECIFIED"):
        return text == target
    if match_type == "BEGINS_WITH":
        return text.str.startswith(target)
    if match_type == "ENDS_WITH":
        return text.str.endswith(target)
    if match_type == "CONTAINS":
        return text.str.contains(target, regex=False)
    flags = 0 if sensitive else re.IGNORECASE
    if match_type == "FULL_REGEXP":
        return values.str.fullmatch(target, flags=flags)
    if match_type == "PARTIAL_REGEXP":
        return values.str.contains(target, flags=flags, regex=True)
    raise _invalid(f"Invalid matchType '{match_type}' in stringFilter.")


def _filter_mask(frame: pd.DataFrame, expr: Any) -> pd.Series:
    """A FilterExpression (andGroup, orGroup, notExpression, filter) over dimension columns."""
    if not isinstance(expr, dict) or len(expr) != 1:
        raise _invalid("A FilterExpression must set exactly one of andGroup, orGroup, notExpression, filter.")
    ((kind, value),) = expr.items()
    if kind in ("andGroup", "orGroup"):
        parts = [_filter_mask(frame, e) for e in (value or {}).get("expressions", [])]
        if not parts:
            return pd.Series(True, index=frame.index)
        out = parts[0]
        for part in parts[1:]:
            out = (out & part) if kind == "andGroup" else (out | part)
        return out
    if kind == "notExpression":
        return ~_filter_mask(frame, value)
    if kind != "filter":
        raise _invalid(f"Invalid JSON payload received. Unknown name \"{kind}\" at 'dimension_filter'.")
    field = value.get("fieldName")
    if field not in DIMENSIONS:
        raise _invalid(
            f"Field {field} is not a valid dimension. For a list of valid dimensions, see {SCHEMA_URL}"
        )
    column = frame[field].astype(str)
    if "stringFilter" in value:
        return _string_match(column, value["stringFilter"])
    if "inListFilter" in value:
        spec = value["inListFilter"]
        sensitive = bool(spec.get("caseSensitive", False))
        wanted = [str(v) if sensitive else str(v).lower() for v in spec.get("values", [])]
        return (column if sensitive else column.str.lower()).isin(wanted)
    if "emptyFilter" in value:
        return column.isin(["", "(not set)"])
    raise _invalid(
        "A Filter must set one of stringFilter, inListFilter, numericFilter, betweenFilter, emptyFilter."
    )


def _format(metric: str, value: float) -> str:
    if METRIC_TYPES[metric] == "TYPE_INTEGER":
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def run_report(frame: pd.DataFrame, body: Any, today: date) -> Report:
    """Answer one runReport request over ``frame`` (the property's served rows, with their day as a
    ``datetime.date`` in column ``_day``)."""
    if not isinstance(body, dict):
        raise _invalid("Invalid JSON payload received. Expected an object.")
    for name in body:
        if name not in REQUEST_FIELDS:
            raise _invalid(f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.')
    for name in NOT_SIMULATED:
        if body.get(name):
            raise ReportError(501, "UNIMPLEMENTED", f"{name} is not simulated by lrreport's GA4 simulator.")
    dims = _names(body.get("dimensions", []), "dimensions", DIMENSIONS, "dimension")
    metrics = _names(body.get("metrics", []), "metrics", METRIC_TYPES, "metric")
    if not metrics and not dims:
        raise _invalid("A report must request at least one dimension or metric.")
    ranges = body.get("dateRanges") or []
    if not isinstance(ranges, list) or not ranges:
        raise _invalid("dateRanges must be set: a report needs at least one date range.")
    if len(ranges) > 4:
        raise _invalid("Requests are allowed up to 4 date ranges.")
    try:
        offset = int(body.get("offset", 0) or 0)
        limit = int(body.get("limit", 0) or 0) or DEFAULT_LIMIT
    except (TypeError, ValueError):
        raise _invalid("offset and limit must be integers (int64 as a string or number).") from None
    if offset < 0 or limit < 0:
        raise _invalid("offset and limit must not be negative.")
    limit = min(limit, MAX_LIMIT)

    parts = []
    days = frame["_day"]
    days_asked = 0
    for index, rng in enumerate(ranges):
        if not isinstance(rng, dict):
            raise _invalid("Each dateRanges entry must be an object with startDate and endDate.")
        start, end = parse_date(rng.get("startDate"), today), parse_date(rng.get("endDate"), today)
        if end < start:
            raise _invalid(f"The date range {start} to {end} ends before it starts.")
        days_asked += (end - start).days + 1
        part = frame[(days >= start) & (days <= end)].copy()
        part["dateRange"] = rng.get("name") or f"date_range_{index}"
        parts.append(part)
    selected = pd.concat(parts, ignore_index=True)
    if body.get("dimensionFilter"):
        selected = selected[_filter_mask(selected, body["dimensionFilter"]).to_numpy()]
    group = list(dims) + (["dateRange"] if len(ranges) > 1 else [])
    if group:
        table = (
            selected.groupby(group, as_index=False, sort=True)[metrics].sum()
            if metrics
            else (selected[group].drop_duplicates().sort_values(group, ignore_index=True))
        )
    else:
        table = pd.DataFrame([selected[metrics].sum()])
    table = _order(table, body.get("orderBys") or [], group, metrics)
    row_count = len(table)
    page = table.iloc[offset : offset + limit]

    response: dict[str, Any] = {
        "dimensionHeaders": [{"name": d} for d in group],
        "metricHeaders": [{"name": m, "type": METRIC_TYPES[m]} for m in metrics],
    }
    rows = [
        {
            "dimensionValues": [{"value": str(v)} for v in values[: len(group)]],
            "metricValues": [
                {"value": _format(m, v)} for m, v in zip(metrics, values[len(group) :], strict=True)
            ],
        }
        for values in page[group + metrics].itertuples(index=False, name=None)
    ]
    if rows:  # GA4 leaves out an empty rows list
        response["rows"] = rows
    for aggregation, key, fn in (
        ("TOTAL", "totals", np.sum),
        ("MAXIMUM", "maximums", np.max),
        ("MINIMUM", "minimums", np.min),
    ):
        if aggregation in (body.get("metricAggregations") or []) and metrics:
            values = [fn(table[m].to_numpy()) if row_count else 0 for m in metrics]
            response[key] = [
                {
                    "dimensionValues": [{"value": "RESERVED_" + aggregation} for _ in group],
                    "metricValues": [{"value": _format(m, v)} for m, v in zip(metrics, values, strict=True)],
                }
            ]
    response["rowCount"] = row_count
    response["metadata"] = {
        "currencyCode": body.get("currencyCode") or CURRENCY,
        "timeZone": PROPERTY_TIME_ZONE,
    }
    response["kind"] = "analyticsData#runReport"
    # what a request costs grows with the rows it reads and the days it spans (Google's own formula
    # is not published); the server adds propertyQuota when returnPropertyQuota is set
    tokens = 1 + len(selected) // 5_000 + days_asked // 365
    return Report(response, tokens)


def _order(table: pd.DataFrame, order_bys: list[Any], group: list[str], metrics: list[str]) -> pd.DataFrame:
    if not order_bys:
        return table.reset_index(drop=True)
    columns, ascending = [], []
    for ob in order_bys:
        if not isinstance(ob, dict):
            raise _invalid("Each orderBys entry must be an object.")
        if "dimension" in ob:
            name = ob["dimension"].get("dimensionName")
            if name not in group:
                raise _invalid(f"orderBys: dimension {name} is not in the request's dimensions.")
        elif "metric" in ob:
            name = ob["metric"].get("metricName")
            if name not in metrics:
                raise _invalid(f"orderBys: metric {name} is not in the request's metrics.")
        else:
            raise _invalid("An OrderBy must set one of metric, dimension, pivot.")
        columns.append(name)
        ascending.append(not ob.get("desc", False))
    return table.sort_values(columns, ascending=ascending, kind="stable", ignore_index=True)
