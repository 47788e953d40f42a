"""``lrreport extract ga4``: sessions from SMS links, by day, campaign and content, from GA4."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from lrreport.clikit import creating_database_option, day_of, progress_bar
from lrreport.config import ConfigError, Settings
from lrreport.extract.ga4 import Ga4ExtractError, Ga4Result, extract_ga4
from lrreport.extract.ga4_client import Ga4AuthError, Ga4Error
from lrreport.lake.commands import write_after_load
from lrreport.lake.options import lake_option

QUOTAS = (("tokensPerDay", "tokens today"), ("tokensPerHour", "tokens this hour"))


def describe_quota(quota: dict[str, Any]) -> str:
    """The property quota GA4 reported, e.g. ``tokens today 24 used, 199,976 left; ...``."""
    parts = [
        f"{label} {quota[key].get('consumed', 0):,} used, {quota[key].get('remaining', 0):,} left"
        for key, label in QUOTAS
        if isinstance(quota.get(key), dict)
    ]
    return "; ".join(parts) if parts else "not reported"


@click.command("ga4")
@creating_database_option
@lake_option
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Re-read from this date (YYYY-MM-DD) instead of the saved state.",
)
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last date to read (default: today)."
)
@click.option("--full", is_flag=True, help="Ignore the saved state and re-read from ga4.history_start.")
def extract_ga4_command(
    settings: Settings, since: datetime | None, until: datetime | None, full: bool
) -> None:
    """Extract sessions from SMS links (GA4 Data API runReport) into the warehouse.

    Reads the sessions whose source / medium are [attribution] utm_source / utm_medium, by day,
    campaign and content, for [ga4] property_id, authenticated with the service-account key file
    in [ga4] key_file or GA4_KEY_FILE. Incremental (the last [ga4] lookback_days days are re-read,
    GA4 revises them), atomic and safe to repeat.
    """
    try:
        with progress_bar("reading GA4 rows") as progress:
            result = extract_ga4(
                settings,
                since=day_of(since),
                until=day_of(until),
                full=full,
                progress=progress,
            )
    except (ConfigError, Ga4AuthError) as exc:
        raise click.ClickException(str(exc)) from None
    except (Ga4Error, Ga4ExtractError) as exc:
        raise click.ClickException(f"GA4 extraction failed: {exc}\nNothing was written; run again.") from None
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was written; run again.", err=True)
        sys.exit(130)
    _summary(settings, result)
    write_after_load(settings, result.load_id)


def _summary(settings: Settings, result: Ga4Result) -> None:
    click.echo(
        f"Extracted GA4 property {result.property_id} ({result.start} to {result.end}) into "
        f"{settings.database_path} in {result.duration_s:.1f} s: {result.rows_in:,} rows in "
        f"{result.pages} page(s), {result.rows_changed:,} new or revised, {result.rows_removed:,} removed "
        f"(load {result.load_id})"
    )
    click.echo(f"  property quota: {describe_quota(result.quota)}")
    for warning in result.warnings:
        click.echo(f"  warning: {warning}")
