"""``lrreport status``, ``build``, ``test`` and ``metrics``: the warehouse and its models."""

import click

from lrreport.warehouse.status import status_command as status  # noqa: F401 (registered by the CLI)


@click.command()
def build() -> None:
    """Build the SQL models and run their data tests."""
    raise click.ClickException("not built yet")


@click.command()
def test() -> None:
    """Run the data tests of the built models."""
    raise click.ClickException("not built yet")


@click.command()
def metrics() -> None:
    """The KPI table for a date range."""
    raise click.ClickException("not built yet")
