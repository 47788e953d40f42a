"""``lrreport status``, ``build``, ``test`` and ``metrics``: the warehouse and its models."""

from __future__ import annotations

import sys
from datetime import date

import click

from lrreport.clikit import database_option
from lrreport.config import Settings
from lrreport.warehouse.status import status_command as status  # noqa: F401 (registered by the CLI)


def _fail_tests(run) -> None:  # noqa: ANN001 - a datatests.TestRun
    click.echo(run.report(), err=True)
    names = ", ".join(r.name for r in run.failed)
    raise click.ClickException(f"{len(run.failed)} data test(s) failed: {names}")


@click.command()
@click.option("--select", "select", default=None, metavar="NAME[+]",
              help="Build one model (NAME) or it and everything downstream (NAME+).")
@click.option("--no-test", is_flag=True, help="Skip the data tests after building.")
@database_option
def build(settings: Settings, select: str | None, no_test: bool) -> None:
    """Build the SQL models into the staging, intermediate and marts schemas, then run the data tests.

    The models are built in one transaction: a failing model leaves the previous build in place.
    Exits non-zero when a model or a data test fails.
    """
    from lrreport.warehouse.db import WarehouseError
    from lrreport.warehouse.models import ModelError
    from lrreport.warehouse.models import build as build_models

    try:
        result = build_models(settings, select, run_tests=not no_test)
    except (ModelError, WarehouseError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"built {len(result.models)} models in {result.seconds:.1f} s into {settings.database_path}")
    for name, rows in result.rows.items():
        click.echo(f"  marts.{name}: {rows} rows ({result.timings[name]:.2f} s)")
    if result.tests is not None:
        if not result.tests.ok:
            _fail_tests(result.tests)
        click.echo(f"all {len(result.tests.results)} data tests passed")


@click.command()
@click.argument("names", nargs=-1)
@database_option
def test(settings: Settings, names: tuple[str, ...]) -> None:
    """Run the data tests (all, or the NAMES given) against the built marts; non-zero exit on failure."""
    from lrreport.warehouse.datatests import run_data_tests
    from lrreport.warehouse.db import WarehouseError, connect

    try:
        con = connect(settings, read_only=True)
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        run = run_data_tests(con, settings, list(names) or None)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        con.close()
    if not run.ok:
        _fail_tests(run)
    click.echo(f"all {len(run.results)} data tests passed")


def _cell(column: str, value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if column.endswith("_rate") or column == "coverage":
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) or hasattr(value, "item"):
        return f"{value:,}"
    return str(value)


def _print_table(frame) -> None:  # noqa: ANN001 - a pandas DataFrame
    """A rich table: one column per group when there are few groups (easier to read), else one row."""
    from rich.console import Console
    from rich.table import Table

    rows = [dict(zip(frame.columns, row, strict=True)) for row in frame.itertuples(False)]
    if len(rows) <= 8:
        table = Table("metric", *[str(r["group"]) for r in rows])
        for column in frame.columns[1:]:
            table.add_row(column, *[_cell(column, r[column]) for r in rows])
    else:
        table = Table()
        for column in frame.columns:
            table.add_column(column, justify="left" if column == "group" else "right", no_wrap=True)
        for r in rows:
            table.add_row(*[_cell(c, r[c]) for c in frame.columns])
    console = Console() if sys.stdout.isatty() else Console(width=400, no_color=True)
    console.print(table)


@click.command()
@click.option("--start", "start", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First day (YYYY-MM-DD, business time zone).")
@click.option("--end", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last day, inclusive.")
@click.option("--by", "by", type=click.Choice(["message_type", "day", "sender_code"]), default=None,
              help="One row per message type, day or sender code (plus the total).")
@click.option("--sender-code", "sender_code_id", type=int, default=None, help="Only this sender code id.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@database_option
def metrics(
    settings: Settings, start, end, by: str | None, sender_code_id: int | None, fmt: str  # noqa: ANN001
) -> None:
    """The KPI table for a date range: sends, acceptance, segments, revenue, opt-outs, latency, coverage."""
    from lrreport.warehouse.db import WarehouseError, connect
    from lrreport.warehouse.metrics import MetricsError, kpis, to_json

    start_day: date = start.date()
    end_day: date = end.date()
    try:
        con = connect(settings, read_only=True)
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        frame = kpis(con, settings, start_day, end_day, by=by, sender_code_id=sender_code_id)
    except MetricsError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        con.close()
    if fmt == "json":
        click.echo(to_json(frame))
    elif fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    else:
        _print_table(frame)
