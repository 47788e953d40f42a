"""``--lake`` and ``--engine``: the options of every command that writes or reads the lake."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click


def lake_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--lake PATH|URL`` (env ``LRREPORT_LAKE``): ``settings`` with that lake. Under database_option."""

    @click.option("--lake", "lake", envvar="LRREPORT_LAKE", default=None, metavar="PATH|URL",
                  help="The Parquet lake (a folder or an fsspec URL) [env LRREPORT_LAKE; "
                       "default: warehouse.lake].")
    @functools.wraps(func)
    def wrapper(*args: Any, settings: Any, lake: str | None, **kwargs: Any) -> Any:
        return func(*args, settings=settings.with_lake(lake), **kwargs)

    return wrapper


def engine_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--engine duckdb|spark`` and ``--lake``: where the models run (or were built) for this command."""

    @click.option("--engine", "engine", type=click.Choice(["duckdb", "spark"]), default=None,
                  help="Run the models on DuckDB (the warehouse file) or on Spark over the lake "
                       "[default: warehouse.engine, duckdb].")
    @lake_option
    @functools.wraps(func)
    def wrapper(*args: Any, settings: Any, engine: str | None, **kwargs: Any) -> Any:
        return func(*args, settings=settings.with_lake(None, engine), **kwargs)

    return wrapper

