"""What the warehouse holds: raw row counts and date ranges, last loads, rejects, extraction state."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click
import duckdb
from rich.console import Console
from rich.table import Table

from lrreport.clikit import database_option
from lrreport.config import Settings
from lrreport.sqlfiles import read_sql, render_sql
from lrreport.warehouse.db import WarehouseError, connect
from lrreport.warehouse.freshness import (
    Freshness,
    FreshnessError,
    format_lag,
    parse_duration,
    read_freshness,
    stale_sources,
)
from lrreport.warehouse.raw_tables import raw_tables

# The column that dates each raw table's rows (the range `status` shows), as declared (queries/raw/*.yml).
DATE_COLUMNS = {t.table_name: t.date_column for t in raw_tables().values() if t.date_column}


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def warehouse_status(settings: Settings) -> dict[str, Any]:
    """Collect the status of the configured warehouse (read-only; the file must exist)."""
    path = settings.database_path
    con = connect(settings, read_only=True)  # refuses a missing file or one that is not a warehouse
    try:
        tables = []
        for (name,) in con.execute(read_sql("load/status_raw_tables")).fetchall():
            date_col = DATE_COLUMNS.get(name)
            sql = render_sql("load/templates/status_table", name=name, date_column=date_col)
            n, first, last, loaded = con.execute(sql).fetchall()[0]
            tables.append(
                {
                    "table": f"raw.{name}",
                    "rows": n,
                    "date_column": date_col,
                    "first": first,
                    "last": last,
                    "last_loaded_at": loaded,
                }
            )
        try:
            last_loads = _rows(con, read_sql("load/status_last_loads"))
            load_counts = _rows(con, read_sql("load/status_load_counts"))
            rejects = _rows(con, read_sql("load/status_rejects"))
            state = _rows(con, read_sql("load/status_extract_state"))
        except duckdb.CatalogException:
            raise WarehouseError(
                f"{path} is a DuckDB file but not an lrreport warehouse (it has no meta tables)"
            ) from None
        try:
            freshness: list[Freshness] | None = read_freshness(con)
        except FreshnessError:
            freshness = None  # not built yet: said so in the output
    finally:
        con.close()
    return {
        "database": str(path),
        "tables": tables,
        "last_loads": last_loads,
        "load_counts": load_counts,
        "rejects": rejects,
        "extract_state": state,
        "freshness": None if freshness is None else [vars(f) for f in freshness],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def status_json(status: dict[str, Any]) -> str:
    """The status as JSON (timestamps ISO 8601 with their offset)."""
    return json.dumps(status, default=_plain, indent=2)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _freshness(status: dict[str, Any]) -> list[Freshness]:
    return [Freshness(**row) for row in status["freshness"] or []]


def print_status(status: dict[str, Any], console: Console, now: datetime | None = None) -> None:
    """The status as terminal tables."""
    console.print(f"warehouse {status['database']} (times in UTC)")
    if status["freshness"] is None:
        console.print("freshness: the models are not built yet (`lrreport build`)")
    else:
        moment = now or datetime.now(UTC)
        t = Table(title="freshness: how far each source's data reaches")
        for col in ("source", "data until", "dated by", "behind now"):
            t.add_column(col)
        for f in _freshness(status):
            lag = f.lag(moment)
            t.add_row(f.label, _fmt(f.data_until) if f.data_until else "not loaded", f.basis,
                      "-" if lag is None else format_lag(max(lag, timedelta(0))))
        console.print(t)
    t = Table(title="raw tables")
    for col in ("table", "rows", "first", "last", "last loaded"):
        t.add_column(col, justify="right" if col == "rows" else "left")
    for row in status["tables"]:
        t.add_row(
            row["table"],
            _fmt(row["rows"]),
            _fmt(row["first"]),
            _fmt(row["last"]),
            _fmt(row["last_loaded_at"]),
        )
    console.print(t)
    t = Table(title="last load per source")
    for col in ("source", "status", "started", "seconds", "rows in", "loaded", "rejected"):
        t.add_column(col)
    for row in status["last_loads"]:
        t.add_row(
            row["source"],
            row["status"],
            _fmt(row["started_at"]),
            _fmt(row["duration_s"]),
            _fmt(row["rows_in"]),
            _fmt(row["rows_loaded"]),
            _fmt(row["rows_rejected"]),
        )
    if not status["last_loads"]:
        t.add_row("(no loads yet)", "", "", "", "", "", "")
    console.print(t)
    counts: dict[str, list[str]] = {}
    for row in status["load_counts"]:
        counts.setdefault(row["source"], []).append(f"{row['loads']:,} {row['status']}")
    for source, parts in counts.items():
        console.print(f"{source} loads so far: {', '.join(parts)}")
    for row in status["last_loads"]:
        if row["status"] != "ok" and row["detail"]:
            console.print(f"{row['source']} {row['status']}: {row['detail']}")
    if status["rejects"]:
        t = Table(title="rejects by source and reason")
        for col in ("source", "column", "reason", "rejects", "last rejected"):
            t.add_column(col)
        for row in status["rejects"]:
            t.add_row(
                row["source"],
                row["column_name"],
                row["reason"],
                _fmt(row["rejects"]),
                _fmt(row["last_rejected_at"]),
            )
        console.print(t)
    else:
        console.print("no rejects")
    if status["extract_state"]:
        t = Table(title="extraction state")
        for col in ("source", "key", "value", "updated"):
            t.add_column(col)
        for row in status["extract_state"]:
            t.add_row(row["source"], row["key"], _fmt(row["value"]), _fmt(row["updated_at"]))
        console.print(t)
    else:
        console.print("no extraction state yet")


@click.command("status")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Terminal tables, or JSON for scripts.",
)
@click.option(
    "--max-staleness",
    "max_staleness",
    metavar="DURATION",
    default=None,
    help="Exit 1 when a loaded source's data ends longer ago than this (90m, 6h, 2d): for schedules.",
)
@database_option
def status_command(settings: Settings, fmt: str, max_staleness: str | None) -> None:
    """What is loaded: freshness per source, row counts, date ranges, last loads, rejects, extraction."""
    try:
        allowed = None if max_staleness is None else parse_duration(max_staleness)
        status = warehouse_status(settings)
    except FreshnessError as exc:
        raise click.ClickException(str(exc)) from None
    except duckdb.Error as exc:
        cause = str(exc).strip().splitlines()[0]
        raise click.ClickException(f"cannot read the status of {settings.database_path}: {cause}") from None
    now = datetime.now(UTC)
    if fmt == "json":
        click.echo(status_json(status))
    else:
        print_status(status, Console(soft_wrap=True), now)
    if allowed is None:
        return
    if status["freshness"] is None:
        raise click.ClickException("cannot check staleness: the models are not built yet (`lrreport build`)")
    stale = stale_sources(_freshness(status), now, allowed)
    if stale:
        named = "; ".join(f"{f.label} ({f.basis} {_fmt(f.data_until)} UTC, {format_lag(f.lag(now))} ago)"
                          for f in stale)
        click.echo(f"Stale: {named}; more than {max_staleness} behind.", err=True)
        sys.exit(1)
