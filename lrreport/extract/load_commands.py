"""``lrreport load sends|orders PATH...``: the CLI over ``lrreport.extract.loading``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
import duckdb
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from lrreport.clikit import creating_database_option
from lrreport.config import Settings
from lrreport.extract.files import LoadInputError, supported_suffixes
from lrreport.extract.loading import LoadResult, RejectLimit, load_files, parse_column_map
from lrreport.extract.presets import presets
from lrreport.extract.sources import ORDERS, SENDS
from lrreport.lake.commands import write_after_load
from lrreport.lake.options import lake_option
from lrreport.warehouse.db import WarehouseError

_COMMON_HELP = f"""
PATH may be files, folders (read recursively) or glob patterns (quote them, e.g. 'logs/**/*.csv').
Formats by file ending, checked against the content: {supported_suffixes()}.

Every row is validated; bad rows go to meta.rejects with file, line, column and reason, good rows
land. The whole load is one transaction: it lands completely or not at all.
"""


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on a terminal; nothing when stdout is redirected."""
    if not enabled:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} steps"),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("loading", total=1)

        def update(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total)

        yield update


def _summary(result: LoadResult, console: Console) -> None:
    table = Table(title=f"load {result.load_id}", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("files", str(len(result.files)))
    table.add_row("rows in", f"{result.rows_in:,}")
    table.add_row("rows loaded", f"{result.rows_loaded:,}")
    if result.source == "sends":
        table.add_row("duplicates skipped", f"{result.duplicates:,}")
    else:
        table.add_row("older versions in batch", f"{result.duplicates:,}")
        table.add_row("unchanged (already stored)", f"{result.unchanged:,}")
        table.add_row("replaced by newer version", f"{result.replaced:,}")
        if result.continued:
            table.add_row("line-item rows folded into their order", f"{result.continued:,}")
    table.add_row("rows rejected", f"{result.rejected_rows:,} (limit {result.limit})")
    table.add_row("seconds", f"{result.duration_s:.2f}")
    console.print(table)
    for name in result.empty_files:
        console.print(f"note: {name} is empty")
    if result.rejects:
        reasons = Table(title="rejects by reason")
        reasons.add_column("column")
        reasons.add_column("reason")
        reasons.add_column("count", justify="right")
        for column, reason, n in result.rejects:
            reasons.add_row(escape(column), escape(reason), f"{n:,}")
        console.print(reasons)
        console.print(f"details: SELECT * FROM meta.rejects WHERE load_id = '{result.load_id}'")


def _run_load(
    settings: Settings,
    source: str,
    paths: tuple[str, ...],
    maps: tuple[str, ...],
    max_rejects: str | None,
    preset: str | None = None,
) -> None:
    console = Console(soft_wrap=True)
    try:
        limit = RejectLimit.parse(max_rejects) if max_rejects is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-rejects") from None
    try:
        column_map = parse_column_map(maps)
        with _progress(sys.stdout.isatty()) as progress:
            result = load_files(
                settings,
                source,
                list(paths),
                column_map=column_map,
                max_rejects=limit,
                progress=progress,
                preset=preset,
            )
    except (LoadInputError, WarehouseError) as exc:
        raise click.ClickException(f"{exc}\nNothing was loaded.") from None
    except duckdb.Error as exc:  # not the input's fault: the first line of DuckDB's message, short
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        raise click.ClickException(
            f"the load failed: {first}\nNothing was loaded (the transaction was rolled back)."
        ) from None
    _summary(result, console)
    if not result.ok:
        raise click.ClickException(
            f"{result.rejected_rows:,} rejected rows exceed --max-rejects {result.limit}: nothing was loaded "
            f"(the rejects are in meta.rejects, the load is marked {result.status} in meta.loads)"
        )
    write_after_load(settings, result.load_id)


def _load_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--max-rejects",
        "max_rejects",
        default=None,
        metavar="N|P%",
        help="Most rejected rows tolerated: a count, or a percentage of the rows read (e.g. 0.5%). "
        "0 means any rejected row fails the load. Past the limit nothing lands, the rejects are "
        "still recorded and the command exits non-zero [default: config load.max_rejects, 0].",
    )(func)
    func = click.option(
        "--map",
        "maps",
        multiple=True,
        metavar="OLD=NEW",
        help="Read the file's column OLD as column NEW (repeatable); adds to the config's mapping.",
    )(func)
    func = click.argument("paths", nargs=-1, required=True, metavar="PATH...")(func)
    return creating_database_option(lake_option(func))


@click.command(
    "sends",
    help="Load send logs (Send Transactional Message attempts) into raw.sends.\n"
    + _COMMON_HELP
    + """
"""
    + SENDS.table.help_text()
    + """
A send_id already stored is skipped (the first load wins); without send_id the row's content hash is
its id. Without order_id, the order is found in the content with load.order_id_regex.""",
)
@_load_options
def load_sends(
    settings: Settings, paths: tuple[str, ...], maps: tuple[str, ...], max_rejects: str | None
) -> None:
    _run_load(settings, "sends", paths, maps, max_rejects)


@click.command(
    "orders",
    help="Load orders exports into raw.orders.\n"
    + _COMMON_HELP
    + """
"""
    + ORDERS.table.help_text()
    + """
The newest version of an order wins (later file, later row,
later load); UTM values not given as columns are read from landing_url.""",
)
@_load_options
@click.option(
    "--preset",
    type=click.Choice(sorted(p.name for p in presets().values() if p.source == "orders")),
    default=None,
    help="Read a platform's own export as it comes: shopify = Shopify admin's orders CSV export "
    "(Id, Name, Created at, Total, Financial Status, Cancelled at, Fulfilled at, Phone, ...; one row "
    "per line item, folded into its order).",
)
def load_orders(
    settings: Settings,
    paths: tuple[str, ...],
    maps: tuple[str, ...],
    max_rejects: str | None,
    preset: str | None,
) -> None:
    _run_load(settings, "orders", paths, maps, max_rejects, preset)
