"""``lrreport extract listrak``: pull sender codes, lists, shells, contacts and opt-outs into DuckDB."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from lrreport.clikit import creating_database_option, day_of, progress_bar
from lrreport.config import ConfigError, Settings, credentials_from_env
from lrreport.extract.listrak import TARGETS, ExtractError, extract_listrak
from lrreport.lake.commands import write_after_load
from lrreport.lake.options import lake_option
from lrreport.listrak import ListrakAuthError, ListrakError


@click.command("listrak")
@creating_database_option
@lake_option
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Backfill from this date (YYYY-MM-DD) instead of the saved state.",
)
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last date to extract (default: today)."
)
@click.option(
    "--sender-code",
    "sender_codes",
    type=int,
    multiple=True,
    help="Sender code (shortCodeId) to pull; repeat for several [default: config, else all].",
)
@click.option("--full", is_flag=True, help="Ignore the saved state and re-read from extract.history_start.")
def extract_listrak_command(
    settings: Settings,
    since: datetime | None,
    until: datetime | None,
    sender_codes: tuple[int, ...],
    full: bool,
) -> None:
    """Extract Listrak SMS data (sender codes, lists, shells, contacts, opt-outs) into the warehouse.

    Credentials come from LISTRAK_CLIENT_ID / LISTRAK_CLIENT_SECRET. Runs are incremental and safe
    to repeat; an interrupted run resumes where its last committed batch ended.
    """
    try:
        credentials = credentials_from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with progress_bar("extracting windows") as progress:
            result = extract_listrak(
                settings,
                credentials,
                since=day_of(since),
                until=day_of(until),
                sender_codes=sender_codes,
                full=full,
                progress=progress,
            )
    except ListrakAuthError as exc:
        raise click.ClickException(f"Listrak refused access: {exc}") from None
    except (ListrakError, ExtractError) as exc:
        raise click.ClickException(
            f"extraction failed: {exc}\nBatches committed before the failure are kept; "
            "run the command again to resume."
        ) from None
    except KeyboardInterrupt:
        click.echo("interrupted: committed batches are kept; run again to resume.", err=True)
        sys.exit(130)
    click.echo(
        f"Extracted Listrak sender code(s) {', '.join(map(str, result.sender_codes))} into "
        f"{settings.database_path} in {result.duration_s:.1f} s "
        f"({result.windows} windows, {result.batches} batches, load {result.load_id})"
    )
    width = max(len(t) for t in TARGETS)
    click.echo(f"  {'table':<{width}}  {'received':>10}  {'written':>10}")
    for target in TARGETS:
        click.echo(f"  {target:<{width}}  {result.rows_in[target]:>10,}  {result.rows_loaded[target]:>10,}")
    write_after_load(settings, result.load_id)
