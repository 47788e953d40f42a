"""``lrreport status``, ``build``, ``test`` and ``metrics``: the warehouse and its models."""

from __future__ import annotations

import sys
from datetime import date

import click

from lrreport.clikit import database_option
from lrreport.config import Settings
from lrreport.lake.options import engine_option
from lrreport.lake.reader import readable
from lrreport.warehouse.status import status_command as status  # noqa: F401 (registered by the CLI)


def _finish(result) -> None:  # noqa: ANN001 - a build.BuildResult
    if not result.ok:
        click.echo(result.report(), err=True)
        failed = result.failed
        names = ", ".join(n.name for n in failed)
        raise click.ClickException(f"{len(failed)} node(s) failed: {names}")


@click.command()
@click.option("--select", "select", default=None, metavar="SPEC",
              help="dbt node selection: a model (fct_sends), it and everything downstream (fct_sends+), "
                   "a folder (marts) ...")
@click.option("--full-refresh", is_flag=True, help="Rebuild the incremental models from all history.")
@click.option("--no-test", is_flag=True, help="Skip the data tests.")
@database_option
@engine_option
def build(settings: Settings, select: str | None, full_refresh: bool, no_test: bool) -> None:
    """Build the dbt models in queries/ (incrementally) and run their data tests.

    A model that fails stops the models downstream of it; the build is recorded as failed and no
    report publishes until a build succeeds. Exits non-zero when a model or a data test fails.
    """
    from lrreport.warehouse.build import build as run_build

    result = run_build(settings, select, full_refresh=full_refresh, run_tests=not no_test)
    _finish(result)
    kind = "full refresh" if result.full_refresh else "incremental"
    if result.refreshed:
        kind += f": the columns of {', '.join(result.refreshed)} changed since the last build"
    where = f"Spark into the lake {settings.warehouse.lake}" if settings.warehouse.engine == "spark" else (
        str(settings.database_path))
    click.echo(f"built {len(result.models)} models ({kind}) in {result.seconds:.1f} s "
               f"(dbt start-up {result.startup_s:.1f} s) into {where}")
    for name, rows in result.rows.items():
        click.echo(f"  marts.{name}: {rows:,} rows")
    if result.tests:
        click.echo(f"all {len(result.tests)} data tests passed")


@click.command()
@click.option("--select", "select", default=None, metavar="SPEC", help="dbt selection of the tests to run.")
@database_option
@engine_option
def test(settings: Settings, select: str | None) -> None:
    """Run the data tests against the built models; non-zero exit on failure."""
    from lrreport.warehouse.build import test as run_tests

    result = run_tests(settings, select)
    _finish(result)
    click.echo(f"all {len(result.tests)} data tests passed")


ALERT_EXIT = 3  # `metrics --alerts` when a flag fires: not 1, so a schedule tells flags from errors


def _print_alerts(flags, fmt: str) -> None:  # noqa: ANN001 - a list of alerts.Alert
    """The flags as lines (table), a JSON list, or CSV rows with the same fields."""
    import csv
    import dataclasses
    import io
    import json

    from lrreport.reports.alerts import Alert

    records = [flag.to_dict() for flag in flags]
    if fmt == "json":
        click.echo(json.dumps(records, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=[f.name for f in dataclasses.fields(Alert)])
        writer.writeheader()
        writer.writerows(records)
        click.echo(out.getvalue(), nl=False)
    elif not flags:
        click.echo("No flags.")
    else:
        click.echo(f"{len(flags)} flag{'s' if len(flags) != 1 else ''}:")
        for flag in flags:
            click.echo(f"  - {flag.text}")


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
@click.option("--columns", "columns", default=None, metavar="NAMES",
              help="Metrics to show, comma-separated (attempts,coverage), or 'all'. Default: a few key "
                   "ones in the table, every one in csv and json.")
@click.option("--alerts", "show_alerts", is_flag=True,
              help="Print the flags ([alerts] thresholds) instead of the table; exit 3 when any fires.")
@click.option("--compare", type=click.Choice(["previous", "year"]), default=None,
              help="What --alerts compares with: the previous period or the same dates a year before "
                   "[default: alerts.compare].")
@database_option
@engine_option
def metrics(
    settings: Settings, start, end, by: str | None, sender_code_id: int | None, fmt: str,  # noqa: ANN001
    columns: str | None, show_alerts: bool, compare: str | None,
) -> None:
    """The KPI table for a date range: sends, acceptance, segments, revenue, opt-outs, latency, coverage.

    The table fits the terminal (it splits into several tables rather than squeeze a number).
    """
    from lrreport.warehouse.metrics import MetricsError, kpis, to_json
    from lrreport.warehouse.metrics_table import DEFAULT_COLUMNS, choose_columns, print_metrics
    from lrreport.warehouse.snapshot import open_for_reading

    start_day: date = start.date()
    end_day: date = end.date()
    settings = readable(settings)  # on Spark: the marts in the lake, read with DuckDB
    con = open_for_reading(settings)
    try:
        if show_alerts:
            from lrreport.reports.alerts import alerts

            flags = alerts(con, settings, start_day, end_day, sender_code_id=sender_code_id, compare=compare)
        else:
            frame = kpis(con, settings, start_day, end_day, by=by, sender_code_id=sender_code_id)
    finally:
        con.close()
    if show_alerts:
        _print_alerts(flags, fmt)
        if flags:
            sys.exit(ALERT_EXIT)
        return
    try:
        frame = choose_columns(frame, columns, DEFAULT_COLUMNS if fmt == "table" else None)
    except MetricsError as exc:
        raise click.BadParameter(str(exc), param_hint="--columns") from None
    if fmt == "json":
        click.echo(to_json(frame))
    elif fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    else:
        from rich.console import Console

        # a pipe gets plain text at the width COLUMNS names (else 80); a terminal its own width
        print_metrics(frame, Console() if sys.stdout.isatty() else Console(no_color=True),
                      settings.business.currency)
