"""``lrreport lake export``: write an existing warehouse's raw tables to the lake."""

from __future__ import annotations

import click

from lrreport.clikit import database_option
from lrreport.config import Settings
from lrreport.lake.options import lake_option


def write_after_load(settings: Settings, load_id: str) -> None:
    """After a load committed: write the partitions it touched to the configured lake, if any."""
    from lrreport.lake import LakeError, write_load

    try:
        result = write_load(settings, load_id)
    except LakeError as exc:
        raise click.ClickException(f"{exc}\nThe load is committed to the warehouse; "
                                   "`lrreport lake export` writes it to the lake.") from None
    if result is not None:
        click.echo(f"lake {settings.warehouse.lake}: {result.files} file(s) written for load {load_id}")


@click.group()
def lake() -> None:
    """The Parquet lake the models can run on with Spark."""


@lake.command("export")
@database_option
@lake_option
def lake_export(settings: Settings) -> None:
    """Write every raw table of the warehouse to the lake as Parquet, partitioned by date.

    Each partition is written aside and renamed into place; partitions the warehouse no longer has
    are removed, so the lake holds exactly the warehouse's raw rows.
    """
    from lrreport.lake import LakeError, export
    from lrreport.warehouse.db import WarehouseError

    try:
        result = export(settings)
    except (LakeError, WarehouseError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {settings.database_path} to the lake {settings.warehouse.lake}:")
    for table, files in result.written.items():
        removed = result.removed.get(table, 0)
        stale = f", {removed} stale partition(s) removed" if removed else ""
        click.echo(f"  {table}: {files} file(s){stale}")
