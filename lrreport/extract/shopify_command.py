"""``lrreport extract shopify``: the shop's orders through a bulk query, into raw.orders."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from lrreport.clikit import creating_database_option
from lrreport.config import ConfigError, Settings, shopify_token_from_env
from lrreport.extract.files import LoadInputError
from lrreport.extract.loading import RejectLimit
from lrreport.extract.shopify import extract_shopify
from lrreport.extract.shopify_client import ShopifyError
from lrreport.lake.commands import write_after_load
from lrreport.lake.options import lake_option
from lrreport.warehouse.db import WarehouseError


@click.command("shopify")
@creating_database_option
@lake_option
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Read the orders updated since this date (YYYY-MM-DD) instead of since the last run.",
)
@click.option("--full", is_flag=True, help="Read every order of the shop, ignoring the saved state.")
@click.option(
    "--max-rejects",
    "max_rejects",
    default=None,
    metavar="N|P%",
    help="Most rejected orders tolerated, as for `load orders` [default: config load.max_rejects].",
)
def extract_shopify_command(
    settings: Settings, since: datetime | None, full: bool, max_rejects: str | None
) -> None:
    """Extract the shop's orders from Shopify's Admin GraphQL API into raw.orders.

    One bulk query operation reads the orders updated since the last run (less
    extract.lookback_days); its result lands through the orders loader (same rules, rejects and
    one transaction as `load orders`). The token comes from SHOPIFY_ACCESS_TOKEN; the shop from
    [shopify] shop.
    """
    try:
        token = shopify_token_from_env()
        limit = RejectLimit.parse(max_rejects) if max_rejects is not None else None
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-rejects") from None
    started = since.replace(tzinfo=UTC) if since else None
    try:
        result = extract_shopify(
            settings,
            token,
            since=started,
            full=full,
            max_rejects=limit,
            progress=lambda what: click.echo(what, err=True),
        )
    except (ShopifyError, LoadInputError, WarehouseError) as exc:
        raise click.ClickException(f"{exc}\nNothing was loaded; run the command again.") from None
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was loaded; run again.", err=True)
        sys.exit(130)
    load = result.load
    click.echo(
        f"Extracted {result.operation.root_object_count:,} Shopify orders from {result.shop} "
        f"({result.bytes_downloaded:,} bytes) in {result.duration_s:.1f} s"
    )
    if load is None:
        click.echo("  no order was updated in the window; nothing to load")
        return
    click.echo(
        f"  load {load.load_id}: {load.rows_loaded:,} written, {load.replaced:,} of them replacing "
        f"older versions, {load.unchanged:,} unchanged, {load.rejected_rows:,} rejected"
    )
    if load.rejects:
        click.echo(f"  rejects: SELECT * FROM meta.rejects WHERE load_id = '{load.load_id}'")
    if not load.ok:
        raise click.ClickException(
            f"{load.rejected_rows:,} rejected orders exceed --max-rejects {load.limit}: nothing was loaded "
            "and the state was not advanced"
        )
    write_after_load(settings, load.load_id)
