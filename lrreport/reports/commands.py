"""``lrreport report ...``, ``schedule ...``, ``lab`` and ``demo``."""

import click


@click.group()
def report() -> None:
    """Run the notebooks with papermill and publish them as HTML."""


@click.group()
def schedule() -> None:
    """Reports that run on a schedule."""


@click.command()
def lab() -> None:
    """Open JupyterLab on the notebooks."""
    raise click.ClickException("not built yet")


@click.command()
def demo() -> None:
    """Everything on built-in demo data."""
    raise click.ClickException("not built yet")
