"""The ``lrreport`` command: one group; each stage's commands are imported only when used."""

from __future__ import annotations

import importlib
import logging
import sys

import click

from lrreport import __version__

# name -> (module:attribute, one-line help). Importing a stage pulls in pandas, DuckDB, papermill...;
# listing them here keeps ``lrreport --help`` and every other command quick to start.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("lrreport.demo:demo", "Everything on built-in demo data, offline, in one command."),
    "sim": ("lrreport.sim.commands:sim", "The local Listrak simulator and its merchant's files."),
    "extract": ("lrreport.extract.commands:extract", "Pull data from Listrak's SMS API."),
    "load": ("lrreport.extract.commands:load", "Load send logs and orders files."),
    "status": ("lrreport.warehouse.commands:status", "What the warehouse holds and the last loads."),
    "build": ("lrreport.warehouse.commands:build", "Build the SQL models and run their data tests."),
    "test": ("lrreport.warehouse.commands:test", "Run the data tests of the built models."),
    "metrics": ("lrreport.warehouse.commands:metrics", "The KPI table for a date range."),
    "lake": ("lrreport.lake.commands:lake", "The Parquet lake the models can run on with Spark."),
    "report": ("lrreport.reports.commands:report", "Run notebooks and publish them as HTML."),
    "schedule": ("lrreport.reports.commands:schedule", "Reports that run on a schedule."),
    "lab": ("lrreport.reports.commands:lab", "Open JupyterLab on the notebooks."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        command.short_help = command.short_help or COMMANDS[cmd_name][1]
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="lrreport")


if __name__ == "__main__":
    sys.exit(main())
