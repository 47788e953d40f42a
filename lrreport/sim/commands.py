"""``lrreport sim ...``: run the local Listrak simulator and write its merchant's files."""

import click


@click.group()
def sim() -> None:
    """A Listrak-compatible simulator on loopback, and the files its merchant would have."""
