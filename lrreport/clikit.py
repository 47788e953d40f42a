"""Options and helpers shared by every command group of the CLI."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import click

from lrreport.config import Settings, load_settings


def settings_from(ctx: click.Context) -> Settings:
    """The settings loaded once per invocation from ``--config`` / ``LRREPORT_CONFIG``."""
    root = ctx.find_root()
    obj = root.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings(obj.get("config_path"))  # a ConfigError is reported by the CLI
    return obj["settings"]


def database_option(func: Callable[..., Any], creates: bool = False) -> Callable[..., Any]:
    """``--database PATH`` (env ``LRREPORT_DATABASE``): passes ``settings`` pointed at that file.

    ``creates``: the command may create the warehouse (it loads); when it did, it says so.
    """

    @click.option(
        "--database",
        "database",
        envvar="LRREPORT_DATABASE",
        type=click.Path(dir_okay=False),
        default=None,
        help="DuckDB file of the warehouse [env LRREPORT_DATABASE; default: the config's].",
    )
    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, *args: Any, database: str | None, **kwargs: Any) -> Any:
        settings = settings_from(ctx).with_database(database)
        existed = settings.database_path.exists()
        try:
            return func(*args, settings=settings, **kwargs)
        finally:
            if creates and not existed and settings.database_path.exists():
                click.echo(f"created a new warehouse at {settings.database_path}", err=True)

    return wrapper


def creating_database_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--database`` for commands that load: a missing warehouse is created, and they say so."""
    return database_option(func, creates=True)


def day_of(value: datetime | None) -> date | None:
    """The date of a ``click.DateTime`` option's value (None stays None)."""
    return value.date() if value is not None else None


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar on stderr (a terminal only) while the block runs; yields ``update(done, total)``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console, disable=not console.is_terminal, transient=True)
    task = bar.add_task(label, total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)
