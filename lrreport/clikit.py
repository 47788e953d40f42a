"""Options and helpers shared by every command group of the CLI."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from lrreport.config import ConfigError, Settings, load_settings


def settings_from(ctx: click.Context) -> Settings:
    """The settings loaded once per invocation from ``--config`` / ``LRREPORT_CONFIG``."""
    root = ctx.find_root()
    obj = root.ensure_object(dict)
    if "settings" not in obj:
        try:
            obj["settings"] = load_settings(obj.get("config_path"))
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    return obj["settings"]


def database_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--database PATH`` (env ``LRREPORT_DATABASE``): passes ``settings`` pointed at that file."""

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
        return func(*args, settings=settings, **kwargs)

    return wrapper
