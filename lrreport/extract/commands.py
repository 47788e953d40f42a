"""``lrreport extract ...`` and ``lrreport load ...``: fill the raw tables."""

import click


@click.group()
def extract() -> None:
    """Pull data from Listrak's SMS API into the warehouse."""


@click.group()
def load() -> None:
    """Load send logs and orders files into the warehouse."""
