"""``lrreport demo``: the whole pipeline on a simulated merchant, offline, in one command.

It generates the demo merchant, serves it with the Listrak simulator on 127.0.0.1, extracts from it
over real HTTP exactly as from Listrak, loads the merchant's send log, extracts its orders from the
Shopify simulator (a bulk query, as from a real shop) and its sessions from SMS links from the GA4
simulator (for click-through), builds the models with their data tests, and renders the overview
report. Running it again is safe: loads are idempotent and the extractions incremental. The orders
come from Shopify instead of the orders file because that is how a shop gets them (the file would
carry the same orders a second time); ``lrreport load orders`` remains for shops on other platforms.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click

from lrreport._exceptions import LrreportError
from lrreport.config import Credentials, Secret, Settings
from lrreport.extract.ga4 import Ga4Result, extract_ga4
from lrreport.extract.listrak import ExtractResult, extract_listrak
from lrreport.extract.loading import LoadResult, load_files
from lrreport.extract.shopify import extract_shopify
from lrreport.sim.files import MerchantFiles, write_merchant_files
from lrreport.sim.ga4_server import run_ga4_simulator
from lrreport.sim.generator import MerchantSpec, demo_spec, generate_merchant
from lrreport.sim.server import run_simulator
from lrreport.sim.shopify_server import run_shopify
from lrreport.warehouse.build import BuildResult, build

Step = Callable[[str], None]


class DemoError(LrreportError):
    """A stage of the demo pipeline did not finish cleanly."""


@dataclass(frozen=True)
class DemoWarehouse:
    """A warehouse filled from the simulated merchant, with what each stage did."""

    settings: Settings
    spec: MerchantSpec
    end_date: date
    files: MerchantFiles
    extract: ExtractResult
    ga4: Ga4Result
    sends: LoadResult
    orders: LoadResult
    build: BuildResult


def _quiet(_: str) -> None:
    return None


def build_demo_warehouse(
    settings: Settings, workdir: Path, spec: MerchantSpec | None = None, step: Step = _quiet
) -> DemoWarehouse:
    """Fill ``settings``' warehouse from the simulated merchant ``spec`` (default: the demo sizes).

    The merchant's files are written under ``workdir``; the Listrak data and the orders travel over
    HTTP from simulators on free loopback ports, which are stopped before this returns.
    """
    spec = spec or demo_spec()
    step(f"generating the demo merchant ({spec.days} days, {spec.contacts:,} contacts)")
    merchant = generate_merchant(spec)
    files = write_merchant_files(spec, Path(workdir) / "files", progress=False)

    with run_simulator(merchant) as sim, run_shopify(files.orders) as shop:
        step(f"extracting from the Listrak simulator at {sim.api_base_url} and Shopify's at {shop.base_url}")
        listrak = replace(settings.listrak, token_url=sim.token_url, api_base_url=sim.api_base_url)
        credentials = Credentials(sim.client_id, Secret(sim.client_secret))
        extracted = extract_listrak(replace(settings, listrak=listrak), credentials)
        shopify = replace(settings.shopify, shop="demo", base_url=shop.base_url, poll_interval_s=0.05)
        orders = extract_shopify(replace(settings, shopify=shopify), Secret(shop.token)).load

    end = spec.resolved_end_date()
    with run_ga4_simulator(spec) as ga4_sim:
        step(f"extracting SMS-link sessions from the GA4 simulator at {ga4_sim.base_url}")
        key_file = ga4_sim.write_key_file(Path(workdir) / "ga4-service-account.json")
        ga4 = replace(
            settings.ga4, property_id=ga4_sim.property_id, key_file=str(key_file), base_url=ga4_sim.base_url
        )
        sessions = extract_ga4(
            replace(settings, ga4=ga4), since=end - timedelta(days=spec.days - 1), until=end
        )

    step(f"loading the send log ({files.send_rows:,} rows)")
    sends = load_files(settings, "sends", [str(files.sends)])
    if orders is None:
        raise DemoError("the Shopify simulator returned no orders")
    if not (sends.ok and orders.ok):
        raise DemoError(f"demo data was rejected: sends {sends.status}, orders {orders.status}")

    step("building the SQL models and running their data tests")
    built = build(settings, show_progress=False)
    if not built.ok:
        raise DemoError("the build failed on the demo data:\n" + built.report())
    return DemoWarehouse(settings, spec, end, files, extracted, sessions, sends, orders, built)


@click.command()
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="Folder for the demo's warehouse, files and reports.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the simulated merchant.")
@click.option("--days", type=click.IntRange(7, 730), default=60, show_default=True, help="Days of history.")
@click.pass_context
def demo(ctx: click.Context, workdir: Path, seed: int, days: int) -> None:
    """Everything on built-in demo data: simulate, extract, load, build, render the overview."""
    from lrreport.clikit import settings_from
    from lrreport.reports.runner import ReportFailed, run_report

    started = time.perf_counter()
    stages = 6
    numbers = itertools.count(1)
    running: list[float] = []  # start of the step under way

    def finish_step() -> None:
        """End the step under way: its line gets how long that step took (not the time so far)."""
        if running:
            click.echo(f"  {time.perf_counter() - running.pop():.1f}s")

    def step(message: str) -> None:
        finish_step()
        click.echo(f"[{next(numbers)}/{stages}] {message} ...", nl=False)
        running.append(time.perf_counter())

    workdir.mkdir(parents=True, exist_ok=True)
    base = settings_from(ctx)
    settings = replace(
        base.with_database(workdir / "lrreport.duckdb"),
        reports=replace(base.reports, output_dir=str(workdir / "reports")),
    )
    # history ends yesterday (UTC) so that no simulated event lies in the future of "generated at"
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    spec = replace(demo_spec(end_date=yesterday, seed=seed), days=days)
    try:
        warehouse = build_demo_warehouse(settings, workdir, spec, step)
    except DemoError as exc:
        finish_step()
        raise click.ClickException(str(exc)) from None
    end = warehouse.end_date
    start = end - timedelta(days=min(29, days - 1))  # the last 30 days, or all the history there is
    step(f"rendering the overview report for {start} to {end}")
    try:
        params = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        result = run_report(settings, "overview", params)
    except ReportFailed as exc:
        finish_step()
        raise click.ClickException(f"the overview report failed: {exc}") from None
    finish_step()
    click.echo(f"done in {time.perf_counter() - started:.1f}s")
    click.echo(f"warehouse: {settings.database_path}")
    click.echo(f"report:    {result.html}")
