"""The ``lrreport`` command: one group, with the commands of each stage attached."""

from __future__ import annotations

import logging
import sys

import click

from lrreport import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--config",
    "config_path",
    envvar="LRREPORT_CONFIG",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file [env LRREPORT_CONFIG; default ./lrreport.toml when present].",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(__version__, prog_name="lrreport")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int) -> None:
    """Report on a Listrak transactional SMS program: extract, load, model, publish."""
    ctx.ensure_object(dict)["config_path"] = config_path
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _register() -> None:
    from lrreport.demo import demo
    from lrreport.extract.commands import extract, load
    from lrreport.reports.commands import lab, report, schedule
    from lrreport.sim.commands import sim
    from lrreport.warehouse.commands import build, metrics, status, test

    for command in (sim, extract, load, status, build, test, metrics, report, schedule, lab, demo):
        cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="lrreport")


if __name__ == "__main__":
    sys.exit(main())
