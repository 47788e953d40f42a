"""``lrreport dev``: chores for lrreport's own developers, run from a source checkout."""

from __future__ import annotations

import click

from lrreport.warehouse.generated import generated_files


@click.group()
def dev() -> None:
    """Chores for lrreport's developers (run in a source checkout)."""


@dev.command("generate")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a generated file is out of date.")
def generate(check: bool) -> None:
    """Write the files made from the raw-table declarations (queries/raw/*.yml).

    The dbt sources (queries/models/staging/_sources.yml) and the README's column tables.
    """
    stale = [f for f in generated_files() if not f.is_current()]
    for f in stale:
        if check:
            click.echo(f"out of date: {f.path}", err=True)
        else:
            f.path.write_text(f.text, encoding="utf-8")
            click.echo(f"wrote {f.path}")
    if check and stale:
        raise SystemExit(1)
    if not stale:
        click.echo("every generated file is current")
