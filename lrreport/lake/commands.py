"""``lrreport lake export``: write an existing warehouse's raw tables to the lake."""

from __future__ import annotations

import click

from lrreport.clikit import database_option
from lrreport.config import Settings
from lrreport.lake.options import lake_option


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
