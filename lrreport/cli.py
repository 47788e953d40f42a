"""The ``lrreport`` command: one group; each stage's commands are imported only when used."""

from __future__ import annotations

import importlib
import logging
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from lrreport import __version__
from lrreport._exceptions import LrreportError

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
    "dev": ("lrreport.warehouse.dev_commands:dev", "Regenerate files made from the raw-table declarations."),
}


EXIT_ERROR = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


class _Interrupt:
    """Whether Ctrl-C arrived during this command: DuckDB turns it into ``RuntimeError('Query
    interrupted')`` and dbt into a failed result, so the signal itself is what tells an interrupt."""

    received = False


def _on_sigint(signum: int, frame: Any) -> None:
    _Interrupt.received = True
    raise KeyboardInterrupt


@contextmanager
def _watching_sigint() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _Interrupt.received = False
    previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:300]}" if text else type(exc).__name__


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, and the one place errors become messages.

    lrreport's own errors (``LrreportError``) end the command with their message and exit 1; Ctrl-C ends
    it with exit 130 whatever it interrupted; any other exception is a defect, reported in one line
    (the traceback with ``-vv``).
    """

    def invoke(self, ctx: click.Context) -> Any:
        debug = ctx.params.get("verbose", 0) >= 2
        with _watching_sigint():
            try:
                return super().invoke(ctx)
            except (click.exceptions.Exit, click.ClickException) as exc:
                if _Interrupt.received and not isinstance(exc, click.exceptions.Exit):
                    self._interrupted(debug)
                raise
            except click.Abort:
                self._interrupted(debug)
            except KeyboardInterrupt:
                self._interrupted(debug)
            except LrreportError as exc:
                if _Interrupt.received:
                    self._interrupted(debug)
                if debug:
                    traceback.print_exc()
                raise click.ClickException(str(exc)) from None
            except Exception as exc:
                if _Interrupt.received:
                    self._interrupted(debug)
                if debug:
                    raise
                click.echo(f"Error: unexpected {_one_line(exc)} (a defect; -vv shows where)", err=True)
                raise click.exceptions.Exit(EXIT_ERROR) from None

    @staticmethod
    def _interrupted(debug: bool) -> None:
        if debug:
            traceback.print_exc()
        click.echo("interrupted (Ctrl-C): what was committed stays, the rest was rolled back", err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED)

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
