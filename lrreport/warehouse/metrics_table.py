"""``lrreport metrics`` in a terminal: the chosen KPI columns, laid out to fit the terminal's width.

Few groups read best transposed (one row per metric, one column per group). When that does not fit,
one row per group, and the metric columns split over as many tables as the width needs, each table
repeating the group column: no number is ever squeezed or cut. ``--format csv/json`` bypass this and
keep every column.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from lrreport.warehouse.metrics import REGISTRY, MetricsError

# What the table shows without --columns: volume, acceptance, cost, revenue, opt-outs, speed, coverage.
DEFAULT_COLUMNS = (
    "attempts",
    "acceptance_rate",
    "segments",
    "attributed_revenue",
    "optout_rate",
    "latency_p90_s",
    "coverage",
)
GROUP_WIDTH = 26  # the widest a group name gets before it wraps (message types are long)


def choose_columns(frame: pd.DataFrame, spec: str | None, default: Sequence[str] | None) -> pd.DataFrame:
    """``frame`` with ``group`` and the metric columns ``spec`` names (``a,b,c`` or ``all``).

    Without ``spec``: ``default``, or every column when ``default`` is None (csv and json stay
    complete). An unknown name is refused with the valid names listed.
    """
    available = [c for c in frame.columns if c != "group"]
    if spec is None:
        wanted = list(default) if default is not None else available
    elif spec.strip().lower() == "all":
        wanted = available
    else:
        wanted = [name.strip() for name in spec.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in available]
        if unknown or not wanted:
            raise MetricsError(
                f"unknown column(s) for --columns: {', '.join(unknown) or '(none given)'}; "
                f"valid: all, {', '.join(available)}"
            )
    return frame[["group", *dict.fromkeys(wanted)]]


def _cells(frame: pd.DataFrame, currency: str) -> dict[str, list[str]]:
    """Every metric column's values as shown: formatted by the metric's kind in the registry."""
    from lrreport.reports.tables import format_value

    out = {}
    for column in frame.columns[1:]:
        kind = REGISTRY[column].kind
        out[column] = ["" if pd.isna(v) else format_value(v, kind, currency) for v in frame[column]]
    return out


def _header(column: str) -> str:
    return REGISTRY[column].label


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


_RULER = Console(width=10_000)


def _width(table: Table) -> int:
    """The characters ``table`` takes at its natural width (what rich measures, borders included)."""
    return _RULER.measure(table).maximum


def _transposed(frame: pd.DataFrame, cells: dict[str, list[str]]) -> Table:
    """One row per metric, one column per group (names wrap at spaces, numbers never)."""
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("metric", no_wrap=True)
    for i, group in enumerate(str(g) for g in frame["group"]):
        needed = max(_longest_word(group), *(len(cells[c][i]) for c in cells))
        table.add_column(group, justify="right", min_width=needed)
    for column, values in cells.items():
        table.add_row(_header(column), *values)
    return table


def _by_group(frame: pd.DataFrame, cells: dict[str, list[str]], columns: Sequence[str]) -> Table:
    """One row per group with the metric ``columns`` (group names wrap past GROUP_WIDTH)."""
    groups = [str(g) for g in frame["group"]]
    group_width = min(max(len(g) for g in groups), max(GROUP_WIDTH, *(_longest_word(g) for g in groups)))
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("group", min_width=group_width, max_width=group_width)
    for column in columns:
        needed = max(_longest_word(_header(column)), *(len(v) for v in cells[column]))
        table.add_column(_header(column), justify="right", min_width=needed)
    for i, group in enumerate(groups):
        table.add_row(group, *(cells[c][i] for c in columns))
    return table


def metric_tables(frame: pd.DataFrame, width: int, currency: str = "USD") -> list[Table]:
    """The KPI ``frame`` (``group`` and metric columns) as rich tables that fit ``width`` characters."""
    cells = _cells(frame, currency)
    if not cells:
        return []
    transposed = _transposed(frame, cells)
    if _width(transposed) <= width:
        return [transposed]
    # one row per group; start another table when the next column would not fit (never fewer than one)
    chunks: list[list[str]] = [[]]
    for column in cells:
        if chunks[-1] and _width(_by_group(frame, cells, [*chunks[-1], column])) > width:
            chunks.append([])
        chunks[-1].append(column)
    return [_by_group(frame, cells, chunk) for chunk in chunks]


def print_metrics(frame: pd.DataFrame, console: Console, currency: str = "USD") -> None:
    """Print the KPI tables on ``console`` at its width."""
    for table in metric_tables(frame, console.width, currency):
        console.print(table)
